/*
 * main.c - sh: the read-parse-run loop.
 *
 *   sh                  commands from stdin (interactive on a terminal)
 *   sh -i               interactive even if stdin is not a terminal
 *   sh FILE [ARG...]    commands from FILE; $0 = FILE, $1... = ARGs
 *   sh -c CMD [NAME [ARG...]]   commands from CMD; $0 = NAME
 *
 * Input is read a line at a time.  A line that leaves a quote open or ends
 * in | && || \ is not complete: the next line is added (prompt "> ") and
 * the lot lexed and parsed again.  A complete command runs, its arena is
 * freed, and the loop goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

extern char **environ;

struct shell sh;

/* ---- input ---- */

struct input {
	int fd;		 /* -1: read from str */
	const char *str; /* sh -c */
	bool one_byte;	 /* read stdin a byte at a time: the rest is the commands' */
	char buf[512];
	size_t pos, len;
};

enum line_result { LINE_OK, LINE_EOF, LINE_INTERRUPTED };

static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

/* The next character, -1 at the end, -2 if ^C interrupted the read. */
static int next_char(struct input *in)
{
	if (in->fd < 0)
		return *in->str ? (unsigned char)*in->str++ : -1;
	if (in->pos == in->len) {
		ssize_t n;
		while ((n = read(in->fd, in->buf, in->one_byte ? 1 : sizeof(in->buf))) < 0) {
			if (errno != EINTR)
				return -1;
			if (got_sigint && sh.interactive)
				return -2;
		}
		if (n == 0)
			return -1;
		in->pos = 0;
		in->len = (size_t)n;
	}
	return (unsigned char)in->buf[in->pos++];
}

/* One line, with its newline, added to text. */
static enum line_result read_line(struct input *in, struct strbuf *text)
{
	int c;

	got_sigint = 0;
	while ((c = next_char(in)) >= 0) {
		if (c == '\0')
			continue; /* C strings cannot carry it; drop it */
		sb_addc(text, (char)c);
		if (c == '\n')
			return LINE_OK;
	}
	if (c == -2)
		return LINE_INTERRUPTED;
	return LINE_EOF;
}

/*
 * make bench's boot figure: with SLUICE_BOOT_INSTRET in the environment (a
 * kernel argument, which init passes on), the first prompt is preceded by
 * this hart's retired-instruction count (test/qemu/bench.py).
 */
static void boot_figure(void)
{
#ifdef __riscv
	static int done;
	unsigned long n;

	if (done++ || !getenv("SLUICE_BOOT_INSTRET"))
		return;
	__asm__ volatile("rdinstret %0" : "=r"(n));
	fprintf(stderr, "sh: first prompt at instret %lu\n", n);
#endif
}

static void prompt(const char *p)
{
	boot_figure();
	if (sh.interactive) {
		fflush(stdout);
		if (write(2, p, strlen(p)) < 0) {
			/* no terminal to prompt on; keep reading anyway */
		}
	}
}

/* ---- the loop ---- */

enum run_result { RUN_NEED_MORE, RUN_DONE, RUN_SYNTAX_ERROR };

/*
 * Lex and parse what has been read and run it if it is complete.  at_eof:
 * no more input will come, so an open quote or a trailing | is an error.
 */
static enum run_result run_text(const char *text, bool at_eof)
{
	struct token *tokens;
	struct node *tree;
	int count;

	if (lex(text, &tokens, &count) == LEX_INCOMPLETE) {
		if (!at_eof)
			return RUN_NEED_MORE;
		sh_error("syntax error: unterminated quote");
		return RUN_SYNTAX_ERROR;
	}
	switch (parse(tokens, &tree)) {
	case PARSE_INCOMPLETE:
		if (!at_eof)
			return RUN_NEED_MORE;
		sh_error("syntax error near end of file");
		return RUN_SYNTAX_ERROR;
	case PARSE_ERROR:
		return RUN_SYNTAX_ERROR;
	case PARSE_OK:
		break;
	}
	sh.interrupted = false;
	if (tree)
		exec_tree(tree);
	return RUN_DONE;
}

/* Read and run commands until the end of input or exit.  A syntax error
 * ends a script (status 2) but not an interactive shell. */
static void run_input(struct input *in)
{
	struct strbuf text = {0};

	while (!sh.exiting) {
		jobs_reap();
		prompt(text.len ? "> " : "$ ");
		enum line_result r = read_line(in, &text);
		if (r == LINE_INTERRUPTED) { /* ^C: forget the line */
			prompt("\n");
			text.len = 0;
			arena_free_all();
			continue;
		}
		if (r == LINE_EOF && text.len == 0)
			break;
		enum run_result rr = run_text(text.s, r == LINE_EOF);
		if (rr == RUN_NEED_MORE) {
			arena_free_all(); /* the text is kept; it is lexed again */
			continue;
		}
		text.len = 0;
		arena_free_all();
		if (rr == RUN_SYNTAX_ERROR) {
			sh.status = 2;
			if (!sh.interactive)
				break;
		}
		if (r == LINE_EOF)
			break;
	}
	sb_free(&text);
}

/* Open a script, on an fd out of the way of redirections (10 and up). */
static int open_script(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		sh_error("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	if (high >= 0) {
		close(fd);
		fd = high;
	}
	return fd;
}

static int finish(void)
{
	return sh.exiting ? sh.exit_status : sh.status;
}

/* $0 and $1...: copied, since the arena they may live in is freed. */
static void set_args(const char *arg0, char **args, int nargs)
{
	sh.arg0 = xstrdup(arg0);
	sh.args = xmalloc(sizeof(char *) * (size_t)(nargs + 1));
	for (int i = 0; i < nargs; i++)
		sh.args[i] = xstrdup(args[i]);
	sh.args[nargs] = NULL;
	sh.nargs = nargs;
}

void sh_run_script(const char *path, char **argv)
{
	struct input in = {.fd = open_script(path)};
	int nargs = 0;

	if (in.fd < 0)
		_exit(126);
	while (argv[nargs + 1])
		nargs++;
	set_args(path, argv + 1, nargs);
	sh.interactive = sh.job_control = false;
	run_input(&in);
	fflush(stdout);
	_exit(finish());
}

/*
 * An interactive shell on a terminal: take a process group of its own and
 * the terminal's foreground; catch ^C (it only drops the line being
 * typed) and ignore the job-control signals.  No job control if the
 * terminal will not have it.
 */
static void setup_interactive(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint; /* no SA_RESTART: ^C ends a read */
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGTSTP, &sa, NULL);
	sigaction(SIGTTIN, &sa, NULL);
	sigaction(SIGTTOU, &sa, NULL);

	if (!isatty(0))
		return;
	setpgid(0, 0); /* fails harmlessly if we lead a session already */
	sh.pgid = getpgrp();
	sh.job_control = tcsetpgrp(0, sh.pgid) == 0;
}

static int usage(void)
{
	sh_error("usage: sh [-i] [-c command [name [arg...]] | file [arg...]]");
	return 2;
}

int main(int argc, char **argv)
{
	struct input in = {.fd = 0, .one_byte = true};
	bool force_interactive = false;
	int i = 1;

	char cwd[4096];

	sh.pid = getpid();
	vars_init(environ);
	if (getcwd(cwd, sizeof(cwd)))
		var_set("PWD", cwd, false);
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "-i") == 0) {
			force_interactive = true;
		} else if (strcmp(argv[i], "-c") == 0) {
			if (i + 1 >= argc)
				return usage();
			in.fd = -1;
			in.str = argv[++i];
			i++;
			break;
		} else {
			sh_error("%s: unknown option", argv[i]);
			return usage();
		}
	}
	if (in.fd < 0) { /* -c CMD [NAME [ARG...]] */
		set_args(i < argc ? argv[i] : "sh", argv + i + (i < argc),
			 i < argc ? argc - i - 1 : 0);
	} else if (i < argc) { /* FILE [ARG...] */
		if ((in.fd = open_script(argv[i])) < 0)
			return 127;
		in.one_byte = false;
		set_args(argv[i], argv + i + 1, argc - i - 1);
	} else {
		set_args(argv[0], argv + i, 0);
		sh.interactive = force_interactive || isatty(0);
		/* A terminal hands out a line per read anyway. */
		in.one_byte = !isatty(0);
	}
	if (sh.interactive)
		setup_interactive();
	run_input(&in);
	if (in.fd > 0)
		close(in.fd);
	return finish();
}
