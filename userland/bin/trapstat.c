/*
 * trapstat                  the whole system's trap counts (/proc/traps)
 * trapstat -i               interrupts per source and hart (/proc/interrupts)
 * trapstat PID              one process's counts (/proc/PID/traps)
 * trapstat [--] cmd args... run cmd, then print its counts on stderr
 *
 * The counts are per cause: "<cause> <count> <name>" lines in the kernel's
 * files.  For a command, the counts must be read after the child has
 * exited but before it is reaped, while its zombie still has a /proc
 * entry: trapstat watches /proc/<pid>/status until the state is Z (a
 * SIGCHLD cuts each 10 ms wait short), reads /proc/<pid>/traps, then
 * reaps the child and exits with its status (128 + the signal if killed).
 * They cover the child from fork on: its exec and all the command did.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscall.h"

/* Print a traps file as a table on out; 0, or -1 if it cannot be read. */
static int print_traps(const char *path, FILE *out)
{
	char line[128], name[64];
	unsigned long total = 0, count;
	long cause;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "trapstat: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(out, "%6s %12s  %s\n", "CAUSE", "COUNT", "NAME");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%ld %lu %63s", &cause, &count, name) == 3) {
			fprintf(out, "%6ld %12lu  %s\n", cause, count, name);
			total += count;
		} else if (sscanf(line, "syscall %ld %lu %63s", &cause, &count, name) == 3) {
			/* ecall-u by call, under the total's lines: not added twice */
			fprintf(out, "%6s %12lu    %s (%ld)\n", "", count, name, cause);
		} else {
			fputs(line, out); /* not in the expected form: as it is */
		}
	}
	fprintf(out, "%6s %12lu\n", "total", total);
	fclose(f);
	return 0;
}

static int print_file(const char *path)
{
	char buf[1024];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "trapstat: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return n < 0;
}

/* execve cmd as a shell would: a name without "/" is looked for in $PATH (or /bin). */
static void exec_command(char **argv)
{
	extern char **environ;
	const char *path = getenv("PATH");
	char buf[512];

	if (strchr(argv[0], '/')) {
		execve(argv[0], argv, environ);
		return;
	}
	for (const char *p = path && *path ? path : "/bin"; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, argv[0]);
		execve(buf, argv, environ);
		p += n + (p[n] == ':');
	}
}

/* The one-letter state in /proc/<pid>/status; 0 if it cannot be read. */
static char proc_state(pid_t pid)
{
	char path[64], line[128], state = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "State: %c", &state) == 1)
			break;
	fclose(f);
	return state;
}

static void on_sigchld(int sig)
{
	(void)sig; /* only here to interrupt nanosleep */
}

static int run(char **argv)
{
	struct sigaction sa = {.sa_handler = on_sigchld};
	struct timespec tick = {0, 10 * 1000 * 1000};
	char path[64];
	int status;
	pid_t pid;

	sigaction(SIGCHLD, &sa, NULL); /* no SA_RESTART: the sleep ends early */
	if ((pid = fork()) < 0) {
		fprintf(stderr, "trapstat: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		exec_command(argv);
		fprintf(stderr, "trapstat: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	/* Until it is a zombie (or, with no /proc, until wait4 can tell). */
	for (char s; (s = proc_state(pid)) != 'Z' && s != 0;)
		nanosleep(&tick, NULL);
	snprintf(path, sizeof(path), "/proc/%d/traps", (int)pid);
	fflush(stdout);
	fprintf(stderr, "trapstat: %s (pid %d)\n", argv[0], (int)pid);
	print_traps(path, stderr);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "trapstat: wait: %s\n", strerror(errno));
			return 1;
		}
	if (WIFSIGNALED(status))
		return 128 + signal_to_linux(WTERMSIG(status));
	return WEXITSTATUS(status);
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	char path[64];

	if (argc == 1)
		return print_traps("/proc/traps", stdout) < 0;
	if (strcmp(argv[1], "-i") == 0 && argc == 2)
		return print_file("/proc/interrupts");
	if (strcmp(argv[1], "--") == 0) {
		if (argc == 2)
			goto usage;
		return run(argv + 2);
	}
	if (argv[1][0] == '-')
		goto usage;
	if (argc == 2 && all_digits(argv[1])) {
		snprintf(path, sizeof(path), "/proc/%.20s/traps", argv[1]);
		return print_traps(path, stdout) < 0;
	}
	return run(argv + 1);
usage:
	fprintf(stderr, "usage: trapstat [-i | pid | [--] cmd args...]\n");
	return 1;
}
