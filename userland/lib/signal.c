/*
 * signal.c - signals: picolibc's <signal.h> over the kernel's Linux ABI.
 *
 * picolibc numbers signals as newlib does, which matches Linux only for
 * 1-6, 8, 9, 11 and 13-15; its sigset_t has bit s for signal s where the
 * kernel's mask has bit s - 1; its SIG_BLOCK/SIG_UNBLOCK/SIG_SETMASK are
 * 1/2/0 where Linux's are 0/1/2.  Everything here translates, so programs
 * use <signal.h> as it stands and the kernel sees only Linux's numbers.
 *
 * Handlers too: the kernel calls a handler with its own number, so
 * sigaction() registers dispatch() with the kernel, which calls the
 * program's handler with picolibc's number.
 *
 * signal() and raise() are defined here too, on top of sigaction and kill:
 * picolibc's own versions only emulate signals inside the process.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <unistd.h>

#include "runtime.h"
#include "syscall.h"

/* Indexed by picolibc's number; 0: Linux has no such signal. */
static const unsigned char sig_linux[NSIG] = {
	[SIGHUP] = LINUX_SIGHUP,       [SIGINT] = LINUX_SIGINT,	  [SIGQUIT] = LINUX_SIGQUIT,
	[SIGILL] = LINUX_SIGILL,       [SIGTRAP] = LINUX_SIGTRAP, [SIGABRT] = LINUX_SIGABRT,
	[SIGFPE] = LINUX_SIGFPE,       [SIGKILL] = LINUX_SIGKILL, [SIGBUS] = LINUX_SIGBUS,
	[SIGSEGV] = LINUX_SIGSEGV,     [SIGSYS] = LINUX_SIGSYS,	  [SIGPIPE] = LINUX_SIGPIPE,
	[SIGALRM] = LINUX_SIGALRM,     [SIGTERM] = LINUX_SIGTERM, [SIGURG] = LINUX_SIGURG,
	[SIGSTOP] = LINUX_SIGSTOP,     [SIGTSTP] = LINUX_SIGTSTP, [SIGCONT] = LINUX_SIGCONT,
	[SIGCHLD] = LINUX_SIGCHLD,     [SIGTTIN] = LINUX_SIGTTIN, [SIGTTOU] = LINUX_SIGTTOU,
	[SIGIO] = LINUX_SIGIO,	       [SIGXCPU] = LINUX_SIGXCPU, [SIGXFSZ] = LINUX_SIGXFSZ,
	[SIGVTALRM] = LINUX_SIGVTALRM, [SIGPROF] = LINUX_SIGPROF, [SIGWINCH] = LINUX_SIGWINCH,
	[SIGUSR1] = LINUX_SIGUSR1,     [SIGUSR2] = LINUX_SIGUSR2,
};

int signal_to_linux(int sig)
{
	return sig > 0 && sig < NSIG ? sig_linux[sig] : 0;
}

int signal_from_linux(int lsig)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (sig_linux[sig] == lsig)
			return sig;
	return 0;
}

static uint64_t sigset_to_linux(sigset_t set)
{
	uint64_t mask = 0;

	for (int sig = 1; sig < NSIG; sig++)
		if ((set >> sig) & 1 && sig_linux[sig])
			mask |= 1ull << (sig_linux[sig] - 1);
	return mask;
}

static sigset_t sigset_from_linux(uint64_t mask)
{
	sigset_t set = 0;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig_linux[sig] && (mask >> (sig_linux[sig] - 1)) & 1)
			set |= 1ul << sig;
	return set;
}

int __wait_status_from_linux(int status)
{
	int low = status & 0x7f, sig;

	if (low == 0) /* exited: the code is in bits 8-15 */
		return status;
	if (low == 0x7f) { /* stopped: the signal is in bits 8-15 */
		sig = signal_from_linux((status >> 8) & 0xff);
		return sig ? (status & ~0xff00) | sig << 8 : status;
	}
	/* Killed: the signal in bits 0-6, bit 7 for a core dump. */
	sig = signal_from_linux(low);
	return sig ? (status & ~0x7f) | sig : status;
}

/*
 * The program's handlers, by picolibc's number.  The kernel calls a
 * handler with Linux's number; dispatch() hands the program its own.
 */
static _sig_func_ptr handlers[NSIG];

static void dispatch(int lsig)
{
	int sig = signal_from_linux(lsig);

	if (sig > 0 && handlers[sig])
		handlers[sig](sig);
}

/* SIG_DFL (0) and SIG_IGN (1) are the kernel's values too. */
static bool is_function(_sig_func_ptr h)
{
	return h != SIG_DFL && h != SIG_IGN;
}

/*
 * With SA_SIGINFO the handler takes (sig, siginfo, ucontext) in the
 * kernel's layout, which picolibc does not describe: it is installed as it
 * is and receives Linux's signal number.
 */
int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct kernel_sigaction kact, kold;
	_sig_func_ptr old_handler;
	int lsig = signal_to_linux(sig);
	unsigned long flags;
	long r;

	if (!lsig) {
		errno = EINVAL;
		return -1;
	}
	old_handler = handlers[sig];
	if (act) {
		/* SA_NOCLDSTOP is 1 in both; the other flags are Linux's values. */
		flags = (unsigned long)(unsigned int)act->sa_flags;
		kact.handler = (void *)act->sa_handler;
		if (is_function(act->sa_handler) && !(flags & LINUX_SA_SIGINFO)) {
			handlers[sig] = act->sa_handler;
			kact.handler = (void *)dispatch;
		}
		kact.flags = flags;
		kact.mask = sigset_to_linux(act->sa_mask);
	}
	r = syscall4(__NR_rt_sigaction, lsig, act ? (long)&kact : 0, old ? (long)&kold : 0,
		     sizeof(kact.mask));
	if (r < 0) {
		handlers[sig] = old_handler;
		return (int)syscall_result(r);
	}
	if (old) {
		old->sa_handler = kold.handler == (void *)dispatch ? old_handler
								   : (_sig_func_ptr)kold.handler;
		old->sa_flags = (int)kold.flags;
		old->sa_mask = sigset_from_linux(kold.mask);
	}
	return 0;
}

_sig_func_ptr signal(int sig, _sig_func_ptr handler)
{
	/* BSD semantics, as glibc's signal(): stays installed, restarts calls. */
	struct sigaction act = {.sa_handler = handler, .sa_flags = SA_RESTART}, old;

	if (sigaction(sig, &act, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	uint64_t kset = 0, kold = 0;
	long khow, r;

	switch (how) {
	case SIG_BLOCK:
		khow = LINUX_SIG_BLOCK;
		break;
	case SIG_UNBLOCK:
		khow = LINUX_SIG_UNBLOCK;
		break;
	case SIG_SETMASK:
		khow = LINUX_SIG_SETMASK;
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (set)
		kset = sigset_to_linux(*set);
	r = syscall4(__NR_rt_sigprocmask, khow, set ? (long)&kset : 0, old ? (long)&kold : 0,
		     sizeof(kset));
	if (r < 0)
		return (int)syscall_result(r);
	if (old)
		*old = sigset_from_linux(kold);
	return 0;
}

int kill(pid_t pid, int sig)
{
	int lsig = signal_to_linux(sig);

	/* Signal 0 checks that pid exists and may be signalled. */
	if (sig != 0 && !lsig) {
		errno = EINVAL;
		return -1;
	}
	return (int)syscall_result(syscall2(__NR_kill, pid, lsig));
}

int tgkill(pid_t tgid, pid_t tid, int sig)
{
	int lsig = signal_to_linux(sig);

	if (sig != 0 && !lsig) {
		errno = EINVAL;
		return -1;
	}
	return (int)syscall_result(syscall3(__NR_tgkill, tgid, tid, lsig));
}

int raise(int sig)
{
	return kill(getpid(), sig);
}
