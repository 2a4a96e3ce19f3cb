/*
 * t_sigaction.c - what a handler is given and how calls come back from it:
 * SA_RESTART, SA_NODEFER, SA_RESETHAND, SA_SIGINFO's siginfo_t and
 * ucontext (Linux's riscv64 layout, FP registers included), sigaltstack
 * with SA_ONSTACK, rt_sigpending, rt_sigtimedwait, rt_sigqueueinfo.
 *
 * Handlers are installed raw (rt_sigaction with Linux's struct and
 * numbers), so the kernel calls them directly with Linux's signal number.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "usertests.h"

#define L_SA_SIGINFO   0x00000004ul
#define L_SA_ONSTACK   0x08000000ul
#define L_SA_RESTART   0x10000000ul
#define L_SA_NODEFER   0x40000000ul
#define L_SA_RESETHAND 0x80000000ul
#define L_SI_USER      0
#define L_SI_QUEUE     (-1)
#define L_SS_ONSTACK   1
#define L_SS_DISABLE   2

struct lsigaction {
	void *handler;
	unsigned long flags;
	uint64_t mask;
};

/* Linux's siginfo_t as far as these tests read it. */
struct lsiginfo {
	int signo, errno_, code, pad;
	int pid, uid;	/* or a fault's address */
	uint64_t value; /* sigqueue's */
	char rest[128 - 32];
};

struct lstack {
	void *sp;
	int flags, pad;
	size_t size;
};

/* Linux riscv64's ucontext up to the registers and FP state. */
struct lucontext {
	unsigned long flags;
	void *link;
	struct lstack stack;
	uint64_t sigmask;
	char unused[120];
	uint64_t regs[32] __attribute__((aligned(16))); /* pc, x1..x31 */
	uint64_t fregs[32];
	uint32_t fcsr;
};

static void set_action(int lsig, void *handler, unsigned long flags)
{
	struct lsigaction sa = {handler, flags, 0};

	CHECK_EQ(syscall4(__NR_rt_sigaction, lsig, (long)&sa, 0, 8), 0);
}

static volatile int hits;
static volatile uint64_t seen_mask;

static void count_hit(int lsig)
{
	(void)lsig;
	hits++;
	seen_mask = sigmask_now();
}

/* A child that sends lsig to the parent after ms, then (fd >= 0) writes a
 * byte into fd after ms more. */
static int signal_then_write(int lsig, int ms, int fd)
{
	int parent = getpid(), pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		sleep_ms(ms);
		syscall2(__NR_kill, parent, lsig);
		if (fd >= 0) {
			sleep_ms(ms);
			if (write(fd, "r", 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	return pid;
}

/* A pipe read interrupted by a handled signal goes on with SA_RESTART and
 * fails with EINTR without it; a signal with no handler (ignored) never
 * interrupts it. */
void test_sa_restart(void)
{
	int fds[2];
	char c = 0;

	CHECK_EQ(pipe(fds), 0);
	hits = 0;
	set_action(LINUX_SIGUSR1, count_hit, L_SA_RESTART);
	int pid = signal_then_write(LINUX_SIGUSR1, 20, fds[1]);
	CHECK_EQ(syscall3(__NR_read, fds[0], (long)&c, 1), 1);
	CHECK_EQ(c, 'r');
	CHECK_EQ(hits, 1);
	CHECK_EQ(reap(pid), 0);

	set_action(LINUX_SIGUSR1, count_hit, 0);
	pid = signal_then_write(LINUX_SIGUSR1, 20, fds[1]);
	CHECK_EQ(syscall3(__NR_read, fds[0], (long)&c, 1), -EINTR);
	CHECK_EQ(hits, 2);
	CHECK_EQ(syscall3(__NR_read, fds[0], (long)&c, 1), 1); /* the byte came later */
	CHECK_EQ(reap(pid), 0);

	/* wait4 restarts too. */
	set_action(LINUX_SIGUSR1, count_hit, L_SA_RESTART);
	pid = signal_then_write(LINUX_SIGUSR1, 20, -1);
	int st;
	CHECK_EQ(syscall4(__NR_wait4, pid, (long)&st, 0, 0), pid);
	CHECK_EQ(st, 0);
	CHECK_EQ(hits, 3);
}

/* SA_NODEFER: the signal is not blocked in its handler.  SA_RESETHAND:
 * the action is back to SIG_DFL once the handler runs. */
void test_sa_nodefer_resethand(void)
{
	struct lsigaction old;

	hits = 0;
	set_action(LINUX_SIGUSR2, count_hit, 0);
	CHECK_EQ(syscall2(__NR_kill, getpid(), LINUX_SIGUSR2), 0);
	CHECK_EQ(hits, 1);
	CHECK(seen_mask & LBIT(LINUX_SIGUSR2));
	set_action(LINUX_SIGUSR2, count_hit, L_SA_NODEFER);
	CHECK_EQ(syscall2(__NR_kill, getpid(), LINUX_SIGUSR2), 0);
	CHECK_EQ(hits, 2);
	CHECK(!(seen_mask & LBIT(LINUX_SIGUSR2)));

	set_action(LINUX_SIGUSR2, count_hit, L_SA_RESETHAND);
	CHECK_EQ(syscall2(__NR_kill, getpid(), LINUX_SIGUSR2), 0);
	CHECK_EQ(hits, 3);
	CHECK_EQ(syscall4(__NR_rt_sigaction, LINUX_SIGUSR2, 0, (long)&old, 8), 0);
	CHECK_EQ((long)old.handler, 0); /* SIG_DFL */
	CHECK_EQ(sigmask_now(), 0);
}

static volatile struct lsiginfo last_info;
static volatile uint64_t last_fp0, frame_pc;

static void record_info(int lsig, struct lsiginfo *info, struct lucontext *uc)
{
	(void)lsig;
	memcpy((void *)&last_info, info, sizeof(*info));
	last_fp0 = uc->fregs[0];
	frame_pc = uc->regs[0];
	uc->regs[10] = 42; /* the interrupted kill's a0: what it "returns" */
	/* Clobber f0: sigreturn must put the frame's value back. */
	__asm__ volatile("fmv.d.x f0, %0" ::"r"(0x4058c00000000000ull) : "f0"); /* 99.0 */
}

/*
 * SA_SIGINFO: the siginfo_t of kill (SI_USER, the sender's pid and uid)
 * and of rt_sigqueueinfo (SI_QUEUE, the value); the ucontext's saved
 * registers, which the handler may change; the FP registers saved and put
 * back around the handler.
 */
void test_siginfo(void)
{
	uint64_t f0 = 0x3ff8000000000000ull; /* 1.5 */
	uint64_t after;
	long me = getpid();

	set_action(LINUX_SIGUSR1, record_info, L_SA_SIGINFO);
	register long a0 __asm__("a0") = me;
	register long a1 __asm__("a1") = LINUX_SIGUSR1;
	register long a7 __asm__("a7") = __NR_kill;
	/* f0 holds 1.5 across the kill; the handler sets a0 and f0. */
	__asm__ volatile("fmv.d.x f0, %4\n\tecall\n\tfmv.x.d %1, f0"
			 : "+r"(a0), "=r"(after)
			 : "r"(a1), "r"(a7), "r"(f0)
			 : "f0", "memory");
	CHECK_EQ(a0, 42);
	CHECK_EQ(after, f0);
	CHECK_EQ(last_fp0, f0);
	CHECK_EQ(last_info.signo, LINUX_SIGUSR1);
	CHECK_EQ(last_info.code, L_SI_USER);
	CHECK_EQ(last_info.pid, getpid());
	CHECK_EQ(last_info.uid, 0);
	CHECK(frame_pc != 0);

	struct lsiginfo qi;
	memset(&qi, 0, sizeof(qi));
	qi.code = L_SI_QUEUE;
	qi.pid = getpid();
	qi.value = 0x1234;
	CHECK_EQ(syscall3(__NR_rt_sigqueueinfo, getpid(), LINUX_SIGUSR1, (long)&qi), 42);
	CHECK_EQ(last_info.code, L_SI_QUEUE);
	CHECK_EQ(last_info.value, 0x1234);
	CHECK_EQ(last_info.signo, LINUX_SIGUSR1);
}

static volatile long restored_a0, restored_a7;

/* Make the interrupted code's a0 an ERESTART value and its a7 no call. */
static void set_restart_a0(int lsig, struct lsiginfo *info, struct lucontext *uc)
{
	(void)lsig, (void)info;
	uc->regs[10] = (uint64_t)restored_a0;
	uc->regs[17] = (uint64_t)restored_a7;
}

/*
 * rt_sigreturn gives the interrupted code back its registers as the frame
 * has them, even an a0 that reads as an ERESTART code (-512 to -516) under
 * an a7 that is no rt_sigreturn: that is the code's own data, not a call
 * to restart or turn into EINTR (fuzz finding 8: the fuzzer's random
 * frames, with a stop signal pending, came back 4 bytes before their pc).
 */
void test_sigreturn_erestart_a0(void)
{
	static const long codes[] = {-512, -513, -514, -516};

	set_action(LINUX_SIGUSR1, set_restart_a0, L_SA_SIGINFO);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		restored_a0 = codes[i];
		restored_a7 = 0; /* io_setup's number: any but rt_sigreturn's */
		register long a0 __asm__("a0") = getpid();
		register long a1 __asm__("a1") = LINUX_SIGUSR1;
		register long a7 __asm__("a7") = __NR_kill;
		/* The handler runs on the way back from kill and sets a0, a7. */
		__asm__ volatile("ecall" : "+r"(a0), "+r"(a7) : "r"(a1) : "memory");
		CHECK_EQ(a0, codes[i]);
		CHECK_EQ(a7, 0);
	}
	set_action(LINUX_SIGUSR1, 0, 0);
}

/* rt_sigqueueinfo's refusals: pretending to be kill() or the kernel to
 * another process, a bad signal, no such process, a bad pointer. */
void test_sigqueueinfo_bad(void)
{
	struct lsiginfo qi;
	int pid = spawn_exit(0);

	reap(pid);
	memset(&qi, 0, sizeof(qi));
	qi.code = L_SI_USER;
	CHECK_EQ(syscall3(__NR_rt_sigqueueinfo, getppid(), LINUX_SIGUSR1, (long)&qi), -EPERM);
	qi.code = 0x80; /* SI_KERNEL */
	CHECK_EQ(syscall3(__NR_rt_sigqueueinfo, getppid(), LINUX_SIGUSR1, (long)&qi), -EPERM);
	qi.code = L_SI_QUEUE;
	CHECK_EQ(syscall3(__NR_rt_sigqueueinfo, getpid(), 65, (long)&qi), -EINVAL);
	CHECK_EQ(syscall3(__NR_rt_sigqueueinfo, pid, LINUX_SIGUSR1, (long)&qi), -ESRCH);
	CHECK_EQ(syscall3(__NR_rt_sigqueueinfo, getpid(), LINUX_SIGUSR1, 0), -EFAULT);
	CHECK_EQ(syscall3(__NR_rt_sigqueueinfo, getpid(), 0, (long)&qi), 0); /* a check only */
}

static char altstack[16384] __attribute__((aligned(16)));
static volatile uintptr_t handler_sp;
static volatile int handler_ss_flags;
static volatile long change_inside;

static void on_alt(int lsig)
{
	struct lstack now, other = {altstack, 0, 0, sizeof(altstack)};
	int local;

	(void)lsig;
	handler_sp = (uintptr_t)&local;
	syscall2(__NR_sigaltstack, 0, (long)&now);
	handler_ss_flags = now.flags;
	change_inside = syscall2(__NR_sigaltstack, (long)&other, 0);
}

/* sigaltstack: an SA_ONSTACK handler runs on the alternate stack, where
 * sigaltstack says SS_ONSTACK and refuses changes (EPERM); the refusals
 * and SS_DISABLE. */
void test_sigaltstack(void)
{
	struct lstack ss = {altstack, 0, 0, sizeof(altstack)}, old;

	CHECK_EQ(syscall2(__NR_sigaltstack, 0, (long)&old), 0);
	CHECK_EQ(old.flags, L_SS_DISABLE);
	CHECK_EQ(syscall2(__NR_sigaltstack, (long)&ss, 0), 0);
	set_action(LINUX_SIGUSR1, on_alt, L_SA_ONSTACK);
	CHECK_EQ(syscall2(__NR_kill, getpid(), LINUX_SIGUSR1), 0);
	CHECK(handler_sp > (uintptr_t)altstack &&
	      handler_sp < (uintptr_t)altstack + sizeof(altstack));
	CHECK_EQ(handler_ss_flags, L_SS_ONSTACK);
	CHECK_EQ(change_inside, -EPERM);
	CHECK_EQ(syscall2(__NR_sigaltstack, 0, (long)&old), 0);
	CHECK_EQ((long)old.sp, (long)altstack);
	CHECK_EQ(old.size, sizeof(altstack));
	CHECK_EQ(old.flags, 0);

	/* Without SA_ONSTACK, the handler runs on the normal stack. */
	set_action(LINUX_SIGUSR1, on_alt, 0);
	CHECK_EQ(syscall2(__NR_kill, getpid(), LINUX_SIGUSR1), 0);
	CHECK(handler_sp < (uintptr_t)altstack ||
	      handler_sp >= (uintptr_t)altstack + sizeof(altstack));

	ss.size = 2047;
	CHECK_EQ(syscall2(__NR_sigaltstack, (long)&ss, 0), -ENOMEM);
	ss.size = sizeof(altstack);
	ss.flags = 4;
	CHECK_EQ(syscall2(__NR_sigaltstack, (long)&ss, 0), -EINVAL);
	CHECK_EQ(syscall2(__NR_sigaltstack, (long)KERNEL_IMAGE, 0), -EFAULT);
	CHECK_EQ(syscall2(__NR_sigaltstack, 0, (long)KERNEL_IMAGE), -EFAULT);
	ss.flags = L_SS_DISABLE;
	CHECK_EQ(syscall2(__NR_sigaltstack, (long)&ss, 0), 0);
	CHECK_EQ(syscall2(__NR_sigaltstack, 0, (long)&old), 0);
	CHECK_EQ(old.flags, L_SS_DISABLE);
	CHECK_EQ(old.size, 0);
}

/* rt_sigpending: the blocked signals that wait; its set size. */
void test_sigpending(void)
{
	uint64_t set = ~0ull;

	sigmask_set(LBIT(LINUX_SIGUSR1) | LBIT(LINUX_SIGUSR2));
	CHECK_EQ(syscall2(__NR_rt_sigpending, (long)&set, 8), 0);
	CHECK_EQ(set, 0);
	CHECK_EQ(syscall2(__NR_kill, getpid(), LINUX_SIGUSR2), 0);
	CHECK_EQ(syscall2(__NR_rt_sigpending, (long)&set, 8), 0);
	CHECK_EQ(set, LBIT(LINUX_SIGUSR2));
	CHECK_EQ(syscall2(__NR_rt_sigpending, (long)&set, 16), -EINVAL);
	CHECK_EQ(syscall2(__NR_rt_sigpending, (long)KERNEL_IMAGE, 8), -EFAULT);
	/* Ignored, it is dropped as it is unblocked. */
	set_action(LINUX_SIGUSR2, (void *)1, 0);
	sigmask_set(0);
	CHECK_EQ(syscall2(__NR_rt_sigpending, (long)&set, 8), 0);
	CHECK_EQ(set, 0);
}

/* rt_sigtimedwait: takes a blocked signal without its handler, with the
 * sender in the siginfo_t; EAGAIN on timeout; EINTR for another signal;
 * its argument errors. */
void test_sigtimedwait(void)
{
	uint64_t set = LBIT(LINUX_SIGUSR1);
	struct lsiginfo info;
	struct timespec ts = {1, 0}, zero = {0, 0}, bad = {0, 1000000000};

	hits = 0;
	set_action(LINUX_SIGUSR1, count_hit, 0);
	set_action(LINUX_SIGUSR2, count_hit, 0);
	sigmask_set(LBIT(LINUX_SIGUSR1));
	int pid = signal_then_write(LINUX_SIGUSR1, 20, -1);
	memset(&info, 0, sizeof(info));
	CHECK_EQ(syscall4(__NR_rt_sigtimedwait, (long)&set, (long)&info, (long)&ts, 8),
		 LINUX_SIGUSR1);
	CHECK_EQ(info.signo, LINUX_SIGUSR1);
	CHECK_EQ(info.code, L_SI_USER);
	CHECK_EQ(info.pid, pid);
	CHECK_EQ(hits, 0); /* taken, not handled */
	CHECK_EQ(reap(pid), 0);

	CHECK_EQ(syscall4(__NR_rt_sigtimedwait, (long)&set, 0, (long)&zero, 8), -EAGAIN);
	ts = (struct timespec){0, 30000000};
	CHECK_EQ(syscall4(__NR_rt_sigtimedwait, (long)&set, 0, (long)&ts, 8), -EAGAIN);
	pid = signal_then_write(LINUX_SIGUSR2, 20, -1);
	CHECK_EQ(syscall4(__NR_rt_sigtimedwait, (long)&set, 0, 0, 8), -EINTR);
	CHECK_EQ(hits, 1);
	CHECK_EQ(reap(pid), 0);

	CHECK_EQ(syscall4(__NR_rt_sigtimedwait, (long)&set, 0, (long)&zero, 4), -EINVAL);
	CHECK_EQ(syscall4(__NR_rt_sigtimedwait, (long)&set, 0, (long)&bad, 8), -EINVAL);
	CHECK_EQ(syscall4(__NR_rt_sigtimedwait, 0, 0, (long)&zero, 8), -EFAULT);
	CHECK_EQ(syscall4(__NR_rt_sigtimedwait, (long)&set, 0, (long)KERNEL_IMAGE, 8), -EFAULT);
	/* A pending one is taken at once, even with a zero timeout. */
	CHECK_EQ(syscall2(__NR_kill, getpid(), LINUX_SIGUSR1), 0);
	CHECK_EQ(syscall4(__NR_rt_sigtimedwait, (long)&set, 0, (long)&zero, 8), LINUX_SIGUSR1);
	sigmask_set(0);
	CHECK_EQ(hits, 1);
}
