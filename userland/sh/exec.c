/*
 * exec.c - running the tree: processes, pipes, redirections, jobs.
 *
 * Job control (an interactive shell on a terminal): every job - a
 * pipeline, or a background list - gets a process group of its own, led
 * by its first process.  A foreground job's group is made the terminal's
 * foreground group (tcsetpgrp) while it runs, so the ^C the terminal
 * turns into SIGINT for that group reaches the job and not the shell;
 * then the shell takes the terminal back.  Parent and child both call
 * setpgid, so the group exists whichever runs first.
 *
 * The shell itself catches SIGINT and ignores SIGQUIT, SIGTSTP, SIGTTIN
 * and SIGTTOU (so tcsetpgrp works from the background); every child sets
 * them back to the default before it runs a command.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __PICOLIBC__
#include "syscall.h" /* signal_to_linux: $? counts signals as Linux does */
#endif

#include "sh.h"

/* ---- exit status ---- */

int status_of(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus)) {
#ifdef __PICOLIBC__
		return 128 + signal_to_linux(WTERMSIG(wstatus));
#else
		return 128 + WTERMSIG(wstatus);
#endif
	}
	return 1;
}

/* Wait for one child, through EINTR (our SIGINT handler). */
static int wait_pid(pid_t pid, int options)
{
	int wstatus = 0;
	pid_t r;

	while ((r = waitpid(pid, &wstatus, options)) < 0 && errno == EINTR)
		;
	if (r <= 0)
		return -1;
	return wstatus;
}

/* ---- background jobs ---- */

/*
 * Background jobs, running or finished.  An interactive shell reports a
 * finished job before its next prompt and forgets it; a script keeps the
 * status until a wait asks for it (wait $! must work however late it
 * comes), dropping the oldest finished job if the table fills.
 */
#define MAX_JOBS 64
static struct job {
	pid_t pid;
	bool done;
	int wstatus;
} jobs[MAX_JOBS];
static int njobs;

static void job_report(struct job *j)
{
	fflush(stdout);
	if (WIFSIGNALED(j->wstatus))
		fprintf(stderr, "[%ld] Killed (%s)\n", (long)j->pid,
			strsignal(WTERMSIG(j->wstatus)));
	else if (status_of(j->wstatus))
		fprintf(stderr, "[%ld] Done (exit %d)\n", (long)j->pid, status_of(j->wstatus));
	else
		fprintf(stderr, "[%ld] Done\n", (long)j->pid);
}

static void job_remove(int i)
{
	memmove(&jobs[i], &jobs[i + 1], sizeof(jobs[0]) * (size_t)(njobs - i - 1));
	njobs--;
}

static void job_add(pid_t pid)
{
	if (njobs == MAX_JOBS) {
		for (int i = 0; i < njobs; i++) {
			if (jobs[i].done) {
				job_remove(i);
				break;
			}
		}
	}
	if (njobs < MAX_JOBS) /* else it stays a zombie until we exit */
		jobs[njobs++] = (struct job){.pid = pid};
}

void jobs_reap(void)
{
	for (int i = 0; i < njobs;) {
		if (!jobs[i].done) {
			int wstatus = wait_pid(jobs[i].pid, WNOHANG);
			jobs[i].done = wstatus >= 0;
			jobs[i].wstatus = wstatus;
		}
		if (jobs[i].done && sh.interactive) {
			job_report(&jobs[i]);
			job_remove(i);
		} else {
			i++;
		}
	}
}

int jobs_wait(pid_t pid)
{
	int status = 0;

	for (int i = 0; i < njobs;) {
		if (pid && jobs[i].pid != pid) {
			i++;
			continue;
		}
		int wstatus = jobs[i].done ? jobs[i].wstatus : wait_pid(jobs[i].pid, 0);
		status = wstatus < 0 ? 127 : status_of(wstatus);
		job_remove(i);
		if (pid)
			return status;
	}
	if (pid) {
		sh_error("wait: pid %ld is not a child of this shell", (long)pid);
		return 127;
	}
	return status;
}

/* ---- signals and process groups ---- */

static const int job_signals[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};

static void set_signal(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigaction(sig, &sa, NULL);
}

/*
 * fork, putting the child in job group *pgid (0: a new group led by the
 * child, whose pid goes into *pgid).  Returns as fork does; the child
 * has the default signal dispositions back, or with background set and
 * no job control, ignores ^C and ^\ as POSIX asks.
 */
static pid_t spawn(pid_t *pgid, bool foreground, bool background)
{
	fflush(stdout);
	pid_t pid = fork();

	if (pid < 0) {
		sh_error("fork: %s", strerror(errno));
		return -1;
	}
	pid_t group = *pgid ? *pgid : (pid ? pid : getpid());
	if (sh.job_control) {
		setpgid(pid, group); /* pid 0 in the child: itself */
		/* Still ignoring SIGTTOU here, so this cannot stop us. */
		if (pid == 0 && foreground)
			tcsetpgrp(0, group);
	}
	if (pid > 0) {
		*pgid = group;
		return pid;
	}
	if (sh.interactive)
		for (size_t i = 0; i < sizeof(job_signals) / sizeof(job_signals[0]); i++)
			set_signal(job_signals[i], SIG_DFL);
	if (background && !sh.job_control) {
		set_signal(SIGINT, SIG_IGN);
		set_signal(SIGQUIT, SIG_IGN);
	}
	/* A child is no interactive shell, whatever it runs. */
	sh.interactive = sh.job_control = false;
	return 0;
}

/* Wait for a foreground job's processes; the status of the last one. */
static int wait_job(pid_t pgid, pid_t *pids, int n)
{
	int status = 0;

	if (sh.job_control)
		tcsetpgrp(0, pgid);
	for (int i = 0; i < n; i++) {
		int wstatus = wait_pid(pids[i], 0);
		if (wstatus < 0)
			continue;
		if (i == n - 1)
			status = status_of(wstatus);
		if (WIFSIGNALED(wstatus)) {
			int sig = WTERMSIG(wstatus);
			if (sig == SIGINT && sh.interactive)
				sh.interrupted = true;
			/* The terminal echoed ^C; start the next prompt on a new line. */
			if (sig == SIGINT && sh.interactive && i == n - 1)
				fputc('\n', stderr);
			else if (sig != SIGINT && sig != SIGPIPE && i == n - 1)
				fprintf(stderr, "%s\n", strsignal(sig));
		}
	}
	if (sh.job_control)
		tcsetpgrp(0, sh.pgid);
	return status;
}

/* ---- redirections ---- */

struct saved_fd {
	int fd, copy; /* copy: a close-on-exec duplicate, or -1: fd was closed */
};

static bool redirect_one(struct redir *r, const char *target)
{
	int fd;

	if (r->kind == R_DUP) {
		if (strcmp(target, "-") == 0) {
			close(r->fd);
			return true;
		}
		if (!*target || strspn(target, "0123456789") != strlen(target) ||
		    strlen(target) > 4) {
			sh_error("%s: bad fd number", target);
			return false;
		}
		if (dup2(atoi(target), r->fd) < 0) {
			/* Our words: C libraries disagree on strerror(EBADF). */
			sh_error("%s: %s", target,
				 errno == EBADF ? "bad file descriptor" : strerror(errno));
			return false;
		}
		return true;
	}
	if (r->kind == R_IN)
		fd = open(target, O_RDONLY);
	else
		fd = open(target, O_WRONLY | O_CREAT | (r->kind == R_APPEND ? O_APPEND : O_TRUNC),
			  0666);
	if (fd < 0) {
		sh_error("cannot open %s: %s", target, strerror(errno));
		return false;
	}
	if (fd != r->fd) {
		if (dup2(fd, r->fd) < 0) {
			sh_error("%d: %s", r->fd, strerror(errno));
			close(fd);
			return false;
		}
		close(fd);
	}
	return true;
}

/*
 * Apply redirections in order.  With saved (room for one per redirection)
 * each fd's old self is kept first, for restore_fds: a builtin runs in
 * the shell, whose own fds must survive it.  *nsaved counts them.
 */
static bool redirect(struct redir *r, struct saved_fd *saved, int *nsaved)
{
	for (; r; r = r->next) {
		char *target = expand_one(r->target);
		if (!target)
			return false;
		if (saved) {
			fflush(stdout);
			saved[*nsaved].fd = r->fd;
			saved[*nsaved].copy = fcntl(r->fd, F_DUPFD_CLOEXEC, 10);
			(*nsaved)++;
		}
		if (!redirect_one(r, target))
			return false;
	}
	return true;
}

static void restore_fds(struct saved_fd *saved, int n)
{
	fflush(stdout);
	while (n-- > 0) {
		if (saved[n].copy >= 0) {
			dup2(saved[n].copy, saved[n].fd);
			close(saved[n].copy);
		} else {
			close(saved[n].fd);
		}
	}
}

/* ---- simple commands ---- */

/* A command's words, expanded; false after an error message. */
static bool expand_command(struct command *c, char ***argv, int *argc)
{
	*argv = NULL;
	*argc = 0;
	for (int i = 0; i < c->nwords; i++)
		if (!expand_word(c->words[i], argv, argc))
			return false;
	if (!*argv)
		*argv = arena_alloc(sizeof(char *));
	return true;
}

/* NAME=value words, into shell variables (exported too, for a child). */
static bool assign(struct command *c, bool export)
{
	for (int i = 0; i < c->nassigns; i++) {
		int n = assignment_name_len(c->assigns[i]);
		char *value = expand_one(c->assigns[i] + n + 1);
		if (!value)
			return false;
		var_set(arena_strndup(c->assigns[i], (size_t)n), value, export);
	}
	return true;
}

/* execve each place PATH names, or path itself if it has a '/'. */
static _Noreturn void exec_path(char **argv)
{
	char **env = vars_environ();
	const char *path = var_get("PATH");
	int err = ENOENT;

	if (strchr(argv[0], '/')) {
		execve(argv[0], argv, env);
		err = errno;
		if (err == ENOEXEC)
			sh_run_script(argv[0], argv);
	} else {
		if (!path)
			path = "/bin";
		while (path) {
			const char *colon = strchr(path, ':');
			int dlen = colon ? (int)(colon - path) : (int)strlen(path);
			size_t size = (size_t)dlen + strlen(argv[0]) + 3;
			char *file = arena_alloc(size);
			/* An empty entry is the current directory. */
			snprintf(file, size, "%.*s/%s", dlen ? dlen : 1, dlen ? path : ".",
				 argv[0]);
			execve(file, argv, env);
			if (errno == ENOEXEC)
				sh_run_script(file, argv);
			if (errno != ENOENT && errno != ENOTDIR)
				err = errno;
			path = colon ? colon + 1 : NULL;
		}
	}
	if (err == ENOENT || err == ENOTDIR) {
		sh_error("%s: not found", argv[0]);
		_exit(127);
	}
	sh_error("%s: %s", argv[0], strerror(err));
	_exit(126);
}

/* In a child: the command, with its assignments and redirections; never
 * returns. */
static _Noreturn void run_in_child(struct command *c, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	if (!assign(c, true) || !redirect(c->redirs, NULL, NULL))
		_exit(1);
	if (argc == 0)
		_exit(0);
	builtin_fn *fn = builtin_find(argv[0]);
	if (fn) {
		int status = fn(argc, argv);
		fflush(stdout);
		_exit(status);
	}
	exec_path(argv);
}

/* A builtin, or assignments alone, in the shell itself. */
static int run_in_shell(struct command *c, builtin_fn *fn, int argc, char **argv)
{
	struct saved_fd *saved = arena_alloc(sizeof(*saved) * 16);
	int nsaved = 0, n = 0, status = 1;

	for (struct redir *r = c->redirs; r; r = r->next)
		n++;
	if (n > 16)
		saved = arena_alloc(sizeof(*saved) * (size_t)n);
	if (assign(c, false) && redirect(c->redirs, saved, &nsaved))
		status = fn ? fn(argc, argv) : 0;
	restore_fds(saved, nsaved);
	return status;
}

static int run_simple(struct command *c)
{
	char **argv;
	int argc;

	if (!expand_command(c, &argv, &argc))
		return 1;
	builtin_fn *fn = argc ? builtin_find(argv[0]) : NULL;
	if (argc == 0 || fn)
		return run_in_shell(c, fn, argc, argv);

	pid_t pgid = 0, pid = spawn(&pgid, true, false);
	if (pid < 0)
		return 2;
	if (pid == 0)
		run_in_child(c, argv);
	return wait_job(pgid, &pid, 1);
}

/* ---- pipelines and lists ---- */

/* PIPE(PIPE(a, b), c) -> a, b, c; returns how many.  A loop, not
 * recursion: a pipeline may be as long as the input. */
static int flatten(struct node *n, struct command **cmds)
{
	int count = 1;

	for (struct node *m = n; m->kind == N_PIPE; m = m->left)
		count++;
	if (cmds) {
		int i = count;
		for (; n->kind == N_PIPE; n = n->left)
			cmds[--i] = n->right->cmd;
		cmds[0] = n->cmd;
	}
	return count;
}

/* In a pipeline's child: stdin from the last pipe (in), stdout into
 * the next (out[1]); then the command.  Never returns. */
static _Noreturn void pipeline_child(struct command *c, int in, int out[2])
{
	char **argv;
	int argc;

	if (in >= 0) {
		dup2(in, 0);
		close(in);
	}
	if (out[1] >= 0) {
		dup2(out[1], 1);
		close(out[1]);
		close(out[0]);
	}
	if (!expand_command(c, &argv, &argc))
		_exit(1);
	run_in_child(c, argv);
}

static int run_pipeline(struct node *n)
{
	int count = flatten(n, NULL);
	struct command **cmds = arena_alloc(sizeof(*cmds) * (size_t)count);
	pid_t *pids = arena_alloc(sizeof(*pids) * (size_t)count);
	pid_t pgid = 0;
	int in = -1, started = 0;

	flatten(n, cmds);
	for (int i = 0; i < count; i++) {
		int p[2] = {-1, -1};
		if (i < count - 1 && pipe(p) < 0) {
			sh_error("pipe: %s", strerror(errno));
			break;
		}
		pid_t pid = spawn(&pgid, true, false);
		if (pid == 0)
			pipeline_child(cmds[i], in, p);
		/* The parent keeps only the read end of the newest pipe. */
		if (in >= 0)
			close(in);
		if (p[1] >= 0)
			close(p[1]);
		in = p[0];
		if (pid < 0)
			break;
		pids[started++] = pid;
	}
	if (in >= 0)
		close(in);
	int status = wait_job(pgid, pids, started);
	return started == count ? status : 2;
}

/* list &: a child runs it (in a process group of its own); no waiting. */
static int run_background(struct node *n)
{
	pid_t pgid = 0, pid = spawn(&pgid, false, true);

	if (pid < 0)
		return 2;
	if (pid == 0) {
		int status = exec_tree(n);
		fflush(stdout);
		_exit(status);
	}
	job_add(pid);
	sh.last_bg = pid;
	if (sh.interactive)
		fprintf(stderr, "[%ld]\n", (long)pid);
	return 0;
}

/*
 * a && b || c is OR(AND(a, b), c): the first command is the deepest.
 * Collect the chain, then run it from that end, without recursion, so a
 * chain may be as long as the input.
 */
static int run_and_or(struct node *n)
{
	int depth = 0, status;
	struct node *m;

	for (m = n; m->kind == N_AND || m->kind == N_OR; m = m->left)
		depth++;
	struct node **chain = arena_alloc(sizeof(*chain) * (size_t)depth);
	for (int i = depth; n->kind == N_AND || n->kind == N_OR; n = n->left)
		chain[--i] = n;
	status = exec_tree(m);
	for (int i = 0; i < depth && !sh.exiting && !sh.interrupted; i++)
		if ((status == 0) == (chain[i]->kind == N_AND))
			status = exec_tree(chain[i]->right);
	return status;
}

int exec_tree(struct node *n)
{
	int status = 0;

	/* a ; b ; c is SEQ(a, SEQ(b, c)): a loop down the right side. */
	for (; n->kind == N_SEQ; n = n->right) {
		exec_tree(n->left);
		if (sh.exiting || sh.interrupted)
			return sh.status;
	}
	switch (n->kind) {
	case N_SEQ: /* handled above */
	case N_AND:
	case N_OR:
		status = run_and_or(n);
		break;
	case N_NOT:
		status = !exec_tree(n->left);
		break;
	case N_BG:
		status = run_background(n->left);
		break;
	case N_PIPE:
		status = run_pipeline(n);
		break;
	case N_CMD:
		status = run_simple(n->cmd);
		break;
	}
	sh.status = status;
	return status;
}
