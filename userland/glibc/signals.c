/*
 * glibc-abi signals: signals, polling and job control through Debian's glibc,
 * as programs written for Linux use them: poll() and select() (ppoll and
 * pselect6 underneath), sigsuspend, sigtimedwait, sigqueue, SA_SIGINFO
 * with glibc's ucontext_t, sigaltstack, SA_RESTART, and stopping and
 * continuing a child seen through waitpid's WIFSTOPPED and WIFCONTINUED.
 *
 * Each check prints "glibc-signals: ok NAME" or "glibc-signals: FAIL NAME
 * ..."; the last line counts the failures.  The same binary run under
 * qemu-riscv64 (Linux) must print the same (ctest
 * userland/glibc-signals-on-linux).  Linked into glibc-abi (abi.c calls
 * glibc_signals_main for the argument "signals").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static int failures;

static void check(const char *name, int ok)
{
	printf("glibc-signals: %s %s\n", ok ? "ok" : "FAIL", name);
	if (!ok)
		failures++;
}

static void ms(long n)
{
	struct timespec ts = {n / 1000, n % 1000 * 1000000};

	nanosleep(&ts, NULL);
}

static volatile sig_atomic_t got;
static volatile int info_code, info_value, info_pid;
static volatile unsigned long saved_pc;

static void on_usr1(int sig)
{
	(void)sig;
	got++;
}

static void on_info(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	got++;
	info_code = si->si_code;
	info_pid = si->si_pid;
	info_value = si->si_value.sival_int;
	saved_pc = uc->uc_mcontext.__gregs[REG_PC];
}

/* A child that sends sig to the parent after n ms, then writes to fd. */
static pid_t later(int sig, long n, int fd)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		ms(n);
		kill(parent, sig);
		if (fd >= 0) {
			ms(n);
			(void)!write(fd, "x", 1);
		}
		_exit(0);
	}
	return pid;
}

static void polling(void)
{
	int fds[2];
	struct pollfd p;
	fd_set rd;
	struct timeval tv = {0, 0};

	(void)!pipe(fds);
	p = (struct pollfd){fds[0], POLLIN, 0};
	check("poll: empty pipe not ready", poll(&p, 1, 0) == 0);
	pid_t pid = later(SIGCHLD, 20, fds[1]);
	check("poll: a byte wakes it", poll(&p, 1, 2000) == 1 && p.revents == POLLIN);
	waitpid(pid, NULL, 0);
	FD_ZERO(&rd);
	FD_SET(fds[0], &rd);
	check("select: the byte is there", select(fds[0] + 1, &rd, NULL, NULL, &tv) == 1);
	close(fds[1]);
	check("poll: hang-up", poll(&p, 1, 0) == 1 && (p.revents & POLLHUP));
	close(fds[0]);
}

static void waiting(void)
{
	sigset_t block, empty, set;
	struct sigaction sa;
	siginfo_t si;
	struct timespec zero = {0, 0};

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigemptyset(&empty);
	got = 0;
	pid_t pid = later(SIGUSR1, 20, -1);
	check("sigsuspend: EINTR after the handler",
	      sigsuspend(&empty) == -1 && errno == EINTR && got == 1);
	waitpid(pid, NULL, 0);
	pid = later(SIGUSR1, 20, -1);
	check("sigwaitinfo: taken, not handled",
	      sigwaitinfo(&block, &si) == SIGUSR1 && si.si_pid == pid && got == 1);
	waitpid(pid, NULL, 0);
	check("sigtimedwait: EAGAIN", sigtimedwait(&block, &si, &zero) == -1 && errno == EAGAIN);
	sigpending(&set);
	check("sigpending: nothing", !sigismember(&set, SIGUSR1));
	sigprocmask(SIG_UNBLOCK, &block, NULL);
}

static void handlers(void)
{
	struct sigaction sa;
	static char alt[16384];
	stack_t ss = {.ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0};

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGUSR2, &sa, NULL);
	check("sigaltstack", sigaltstack(&ss, NULL) == 0);
	got = 0;
	sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 77});
	check("sigqueue: SI_QUEUE and the value",
	      got == 1 && info_code == SI_QUEUE && info_value == 77);
	kill(getpid(), SIGUSR2);
	check("kill: SI_USER and the pid",
	      got == 2 && info_code == SI_USER && info_pid == getpid());
	check("ucontext: the saved pc", saved_pc != 0);

	int fds[2];
	char c;
	(void)!pipe(fds);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	pid_t pid = later(SIGUSR1, 20, fds[1]);
	check("SA_RESTART: the read goes on", read(fds[0], &c, 1) == 1);
	waitpid(pid, NULL, 0);
}

static void job_control(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	ms(20);
	kill(pid, SIGSTOP);
	check("WIFSTOPPED",
	      waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	kill(pid, SIGCONT);
	check("WIFCONTINUED", waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st));
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);
	kill(pid, SIGKILL);
	check("SIGKILL ends a stopped child",
	      waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	pid_t sid = getsid(0);
	pid = fork();
	if (pid == 0)
		_exit(setsid() == getpid() && getsid(0) == getpid() ? 0 : 1);
	check("setsid in a child",
	      waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st));
	check("getsid unchanged", getsid(0) == sid);
}

int glibc_signals_main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	polling();
	waiting();
	handlers();
	job_control();
	printf("glibc-signals: %d failed\n", failures);
	return failures ? 1 : 0;
}
