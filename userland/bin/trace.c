/*
 * trace - run a command and watch its traps as the kernel's tracer sees
 * them (docs/tracing.md).
 *
 *   trace [-c CLASSES] [-e CALLS] [--] cmd args...
 *
 *   -c CLASSES  what to show, comma-separated: syscall, fault, irq, timer,
 *               ipi, sched, copy, all (default: syscall,fault,copy,sched)
 *   -e CALLS    only these system calls, joined by '+': -e openat+read
 *
 * The command runs in a process group of its own, and the tracer follows
 * that group (pgid=), so the command's children are traced too.  The
 * lines come from /proc/trace as they are made and go to stderr, so the
 * command's own output can still be piped.  trace exits with the
 * command's status (128 + the signal if it was killed, 127 if it could
 * not be run).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscall.h"

static const char usage[] = "usage: trace [-c CLASSES] [-e CALLS] [--] cmd args...\n";

/* Write SPEC to /proc/trace: 0, or -1 with a message. */
static int configure(const char *spec)
{
	int fd = open("/proc/trace", O_WRONLY);

	if (fd < 0 || write(fd, spec, strlen(spec)) != (ssize_t)strlen(spec)) {
		fprintf(stderr, "trace: /proc/trace refused '%s': %s\n", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Copy what the ring holds to stderr; how many bytes there were. */
static long drain(int fd)
{
	char buf[4096];
	long n, total = 0;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		write(2, buf, (size_t)n);
		total += n;
	}
	return total;
}

/* The child: wait for the go (the tracer is set), then become cmd. */
static void child(int go, char **argv)
{
	static const char *const dirs[] = {"/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/"};
	char path[256], c;

	setpgid(0, 0);
	read(go, &c, 1);
	if (strchr(argv[0], '/'))
		execv(argv[0], argv);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && !strchr(argv[0], '/'); i++) {
		snprintf(path, sizeof(path), "%s%s", dirs[i], argv[0]);
		execv(path, argv);
	}
	fprintf(stderr, "trace: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	const char *classes = "syscall,fault,copy,sched", *calls = NULL;
	char spec[256];
	int i = 1, go[2], status = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (i + 1 < argc && !strcmp(argv[i], "-c"))
			classes = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "-e"))
			calls = argv[++i];
		else
			break;
	}
	if (i >= argc || argv[i][0] == '-') {
		fputs(usage, stderr);
		return 1;
	}
	if (pipe(go) < 0) {
		fprintf(stderr, "trace: pipe: %s\n", strerror(errno));
		return 127;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "trace: fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		close(go[1]);
		child(go[0], argv + i);
	}
	close(go[0]);
	setpgid(pid, pid); /* before the spec names the group: no race with the child */
	snprintf(spec, sizeof(spec), "%s pgid=%d%s%s", classes, (int)pid, calls ? " call=" : "",
		 calls ? calls : "");
	int ring = open("/proc/trace", O_RDONLY);
	if (ring < 0 || configure(spec) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 127;
	}
	write(go[1], "g", 1);
	close(go[1]);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (drain(ring) == 0) {
			struct timespec ts = {.tv_nsec = 10 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	configure("off");
	drain(ring);
	close(ring);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
