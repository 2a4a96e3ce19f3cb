/*
 * builtin.c - commands the shell runs itself: those that change the
 * shell (cd, exit, export, unset, wait) and a few small ones it is handy
 * to have without a file system (pwd, echo, true, false, :).
 *
 * Each takes argc/argv like main and returns an exit status.  Alone in the
 * foreground they run in the shell, with their redirections undone after;
 * in a pipeline or in the background they run in a child like any command.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

#define CWD_MAX 4096

static int builtin_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : var_get("HOME");
	char cwd[CWD_MAX];
	bool print = false;

	if (argc > 2) {
		sh_error("cd: too many arguments");
		return 1;
	}
	if (!dir) {
		sh_error("cd: HOME not set");
		return 1;
	}
	if (strcmp(dir, "-") == 0) {
		if (!(dir = var_get("OLDPWD"))) {
			sh_error("cd: OLDPWD not set");
			return 1;
		}
		print = true;
	}
	const char *old = getcwd(cwd, sizeof(cwd)) ? cwd : var_get("PWD");
	char *from = old ? arena_strdup(old) : NULL;
	if (chdir(dir) < 0) {
		sh_error("cd: %s: %s", dir, strerror(errno));
		return 1;
	}
	if (from)
		var_set("OLDPWD", from, false);
	if (getcwd(cwd, sizeof(cwd))) {
		var_set("PWD", cwd, false);
		if (print)
			printf("%s\n", cwd);
	}
	return 0;
}

static int builtin_pwd(int argc, char **argv)
{
	char cwd[CWD_MAX];

	(void)argc;
	(void)argv;
	if (!getcwd(cwd, sizeof(cwd))) {
		sh_error("pwd: %s", strerror(errno));
		return 1;
	}
	printf("%s\n", cwd);
	return 0;
}

/* exit [n]: n, or the last command's status. */
static int builtin_exit(int argc, char **argv)
{
	int status = sh.status;

	if (argc > 1) {
		char *end;
		long n = strtol(argv[1], &end, 10);
		if (!*argv[1] || *end) {
			sh_error("exit: %s: numeric argument required", argv[1]);
			n = 2;
		}
		status = (int)(n & 0xff);
	}
	sh.exiting = true;
	sh.exit_status = status;
	return status;
}

/* export [NAME[=value]...]; alone, list what is exported. */
static int builtin_export(int argc, char **argv)
{
	int status = 0;

	if (argc == 1) {
		vars_print_exported();
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		int n = assignment_name_len(argv[i]);
		if (n)
			var_set(arena_strndup(argv[i], (size_t)n), argv[i] + n + 1, true);
		else if (is_name(argv[i], -1))
			var_export(argv[i]);
		else {
			sh_error("export: %s: bad variable name", argv[i]);
			status = 1;
		}
	}
	return status;
}

static int builtin_unset(int argc, char **argv)
{
	int status = 0;

	for (int i = 1; i < argc; i++) {
		if (is_name(argv[i], -1)) {
			var_unset(argv[i]);
		} else {
			sh_error("unset: %s: bad variable name", argv[i]);
			status = 1;
		}
	}
	return status;
}

/* wait [pid...]: for those background jobs, or all of them. */
static int builtin_wait(int argc, char **argv)
{
	int status = 0;

	if (argc == 1)
		return jobs_wait(0);
	for (int i = 1; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);
		if (!*argv[i] || *end || pid <= 0) {
			sh_error("wait: %s: not a pid", argv[i]);
			status = 2;
			continue;
		}
		status = jobs_wait((pid_t)pid);
	}
	return status;
}

/* echo [-n] args: the arguments, one space apart; -n: no newline. */
static int builtin_echo(int argc, char **argv)
{
	bool newline = true;
	int i = 1;

	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		newline = false;
		i++;
	}
	for (; i < argc; i++)
		printf("%s%s", argv[i], i < argc - 1 ? " " : "");
	if (newline)
		putchar('\n');
	return 0;
}

static int builtin_true(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int builtin_false(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 1;
}

static const struct {
	const char *name;
	builtin_fn *fn;
} builtins[] = {
	{"cd", builtin_cd},	    {"pwd", builtin_pwd},     {"exit", builtin_exit},
	{"export", builtin_export}, {"unset", builtin_unset}, {"wait", builtin_wait},
	{"echo", builtin_echo},	    {"true", builtin_true},   {"false", builtin_false},
	{":", builtin_true},
};

builtin_fn *builtin_find(const char *name)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (strcmp(builtins[i].name, name) == 0)
			return builtins[i].fn;
	return NULL;
}
