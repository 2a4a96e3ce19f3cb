/*
 * jobtest - the console's job control, as a shell uses it, driven by the
 * QEMU case console-job-control (test/qemu/cases.py), which types on the
 * console.
 *
 * A reader child in a process group of its own is made the terminal's
 * foreground group and waits for a line.  The case types ^Z: the child
 * must stop with SIGTSTP (wait4 WUNTRACED).  Continued in the background,
 * its read must stop it again with SIGTTIN.  Made the foreground group and
 * continued, it must read the line the case types and exit 0.  jobtest
 * ignores SIGTTOU, as shells do, to take the terminal back.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "syscall.h"

/* wait4 with Linux's options; the Linux status word, or -1. */
static int wait_linux(int pid, int options)
{
	int status = -1;
	long r;

	do
		r = syscall4(__NR_wait4, pid, (long)&status, options, 0);
	while (r == -4 /* EINTR */);
	return r == pid ? status : -1;
}

static void reader(void)
{
	char line[64];
	long n = 0;

	while (n == 0 || line[n - 1] != '\n') {
		long r = syscall3(__NR_read, 0, (long)line + n, sizeof(line) - 1 - n);
		if (r <= 0) {
			printf("jobtest: reader: read says %ld\n", r);
			_exit(1);
		}
		n += r;
	}
	line[n - 1] = 0;
	printf("jobtest: reader got '%s'\n", line);
	_exit(0);
}

/* Wait until pid stops; say by which signal. */
static int wait_stop(int pid)
{
	for (;;) {
		int st = wait_linux(pid, 2 | 8); /* WUNTRACED | WCONTINUED */
		if (st == -1 || (st & 0xff) != 0x7f)
			return st == 0xffff
				       ? (printf("jobtest: reader continued\n"), wait_stop(pid))
				       : -1;
		printf("jobtest: reader stopped by signal %d\n", (st >> 8) & 0xff);
		return (st >> 8) & 0xff;
	}
}

int main(void)
{
	struct sigaction ign;
	int pid;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGTTOU, &ign, NULL);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* As a job-control shell's child does: its own group, made the
		 * foreground one by itself too (SIGTTOU is ignored), so its first
		 * read cannot come before the parent's tcsetpgrp and stop it. */
		setpgid(0, 0);
		tcsetpgrp(0, getpid());
		reader();
	}
	setpgid(pid, pid);
	tcsetpgrp(0, pid);
	printf("jobtest: reader %d in the foreground: type ^Z\n", pid);
	fflush(stdout);
	if (wait_stop(pid) != LINUX_SIGTSTP)
		return 1;
	/* Take the terminal back and let the reader go on in the background:
	 * its read must stop it with SIGTTIN. */
	tcsetpgrp(0, getpgrp());
	syscall2(__NR_kill, pid, LINUX_SIGCONT);
	if (wait_stop(pid) != 21 /* SIGTTIN */)
		return 2;
	tcsetpgrp(0, pid);
	syscall2(__NR_kill, -pid, LINUX_SIGCONT);
	printf("jobtest: reader back in the foreground: type a line\n");
	fflush(stdout);
	int st;
	do
		st = wait_linux(pid, 0);
	while (st == 0xffff);
	tcsetpgrp(0, getpgrp());
	printf("jobtest: reader exited, status 0x%x\n", st);
	return st == 0 ? 0 : 3;
}
