/*
 * t_thread.c - vfork, threads and futexes: clone with CLONE_VM and its
 * friends, at the register level, so the tests see exactly what the kernel
 * does (and so that, under qemu-riscv64, Linux's answer).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "usertests.h"

#define VFORK_FLAGS (CLONE_VM | CLONE_VFORK | LINUX_SIGCHLD)

/* --- vfork --- */

static volatile long vf_seen;

static long vf_child_store(void *arg)
{
	sleep_ms(30); /* a parent that did not wait would look now */
	vf_seen = syscall0(__NR_getpid);
	return (long)arg;
}

/*
 * vfork as glibc and busybox make it: the child borrows the parent's
 * memory (its store is the parent's) and the parent sleeps until it exits.
 */
void test_vfork_shares(void)
{
	int status;
	long pid;

	vf_seen = 0;
	pid = clone_call(VFORK_FLAGS, NULL, NULL, 0, NULL, vf_child_store, (void *)7);
	CHECK(pid > 0);
	/* qemu-riscv64 makes vfork a fork: the store stays in the child. */
	if (!on_linux)
		CHECK_EQ(vf_seen, pid);
	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	expect_exit(status, 7);
}

static char vf_path[128];

static long vf_child_exec(void *arg __attribute__((unused)))
{
	char *argv[] = {"false", NULL};
	char *envp[] = {NULL};

	return 100 - syscall3(__NR_execve, (long)vf_path, (long)argv, (long)envp); /* failed */
}

/* The parent runs on once the child has exec'd: the program runs apart. */
void test_vfork_exec(void)
{
	int status;
	long pid;

	/* Under qemu-riscv64 the exec is the host's: its own /bin/false. */
	strcpy(vf_path, "/bin/false");
	pid = clone_call(VFORK_FLAGS, NULL, NULL, 0, NULL, vf_child_exec, NULL);
	CHECK(pid > 0);
	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	expect_exit(status, 1);
}

static int vf_pipe[2];

/* The vfork child that tells its pid through the pipe and sleeps on. */
static long vf_child_hang(void *arg __attribute__((unused)))
{
	long me = syscall0(__NR_getpid);

	syscall3(__NR_write, vf_pipe[1], (long)&me, sizeof(me));
	for (;;)
		sleep_ms(1000);
	return 0;
}

/* A process that vforks the hanging child, then exits 5 if it ever runs on. */
static void vf_parent(void)
{
	long pid = clone_call(VFORK_FLAGS, NULL, NULL, 0, NULL, vf_child_hang, NULL);
	int status;

	if (pid < 0)
		exit(3);
	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	exit(WIFSIGNALED(status) ? 64 + WTERMSIG(status) : 4);
}

static long vf_start(void)
{
	long child = 0;

	CHECK_EQ(pipe(vf_pipe), 0);
	long parent = spawn(vf_parent);
	CHECK_EQ(read(vf_pipe[0], &child, sizeof(child)), (long)sizeof(child));
	close(vf_pipe[0]);
	close(vf_pipe[1]);
	sleep_ms(20); /* the parent is asleep in clone by now */
	return parent << 32 | child;
}

/* SIGKILL of the vfork child: the parent wakes and reaps it. */
void test_vfork_kill_child(void)
{
	long both = vf_start(), parent = both >> 32, child = both & 0xffffffff;
	int status;

	CHECK_EQ(kill(child, SIGKILL), 0);
	CHECK_EQ(raw_wait(parent, &status, 0), parent);
	expect_exit(status, 64 + SIGKILL);
}

/* SIGKILL of the sleeping vfork parent: it dies at once; the child runs
 * on (init inherits it) until it is killed too. */
void test_vfork_kill_parent(void)
{
	long both = vf_start(), parent = both >> 32, child = both & 0xffffffff;
	int status;

	CHECK_EQ(kill(parent, SIGKILL), 0);
	CHECK_EQ(raw_wait(parent, &status, 0), parent);
	expect_killed(status, SIGKILL);
	CHECK_EQ(kill(child, 0), 0); /* still there */
	CHECK_EQ(kill(child, SIGKILL), 0);
	/* Gone once init reaps it (its pages back before the suite's count). */
	for (int i = 0; i < 500 && kill(child, 0) == 0; i++)
		sleep_ms(10);
	CHECK_EQ(kill(child, 0), -1);
}

/* --- threads --- */

#define THREAD_FLAGS                                                                               \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |        \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

#define FUTEX_WAIT	     0
#define FUTEX_WAKE	     1
#define FUTEX_REQUEUE	     3
#define FUTEX_CMP_REQUEUE    4
#define FUTEX_WAKE_OP	     5
#define FUTEX_WAIT_BITSET    9
#define FUTEX_WAKE_BITSET    10
#define FUTEX_PRIVATE_FLAG   128
#define FUTEX_CLOCK_REALTIME 256
#define WALL		     0x40000000l

static long futex(volatile uint32_t *uaddr, long op, long val, const void *timeout,
		  volatile uint32_t *uaddr2, long val3)
{
	return syscall6(__NR_futex, (long)uaddr, op, val, (long)timeout, (long)uaddr2, val3);
}

/* One thread: its stack, its tid word (cleared and woken at its exit). */
struct thread {
	volatile uint32_t tid; /* CLONE_PARENT_SETTID and CLONE_CHILD_CLEARTID */
	char *stack;
	long id;
};

#define STACK_SIZE (64 * 1024)

static void thread_start(struct thread *t, long (*fn)(void *), void *arg)
{
	t->stack =
		mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(t->stack != MAP_FAILED);
	t->id = clone_call(THREAD_FLAGS, t->stack + STACK_SIZE, (int *)&t->tid, (long)t,
			   (int *)&t->tid, fn, arg);
	CHECK(t->id > 0);
}

/* pthread_join's way: sleep on the tid word until the kernel clears it. */
static void thread_join(struct thread *t)
{
	uint32_t tid;

	while ((tid = t->tid) != 0)
		futex(&t->tid, FUTEX_WAIT, tid, NULL, NULL, 0);
	munmap(t->stack, STACK_SIZE);
}

static volatile long seen_pid, seen_tid, seen_tp;
static volatile int counter;

static long thread_ids(void *arg)
{
	long tp;

	__asm__ volatile("mv %0, tp" : "=r"(tp));
	seen_pid = syscall0(__NR_getpid);
	seen_tid = syscall0(__NR_gettid);
	seen_tp = tp;
	__atomic_fetch_add(&counter, (int)(long)arg, __ATOMIC_SEQ_CST);
	return 0;
}

/* A thread: same pid, own tid, its tp, the same memory; joined through
 * CLONE_CHILD_CLEARTID's futex wake-up; not a child that wait4 sees. */
void test_thread_basic(void)
{
	struct thread t = {0};
	int status;

	counter = 0;
	thread_start(&t, thread_ids, (void *)5);
	long id = t.id;
	thread_join(&t);
	CHECK_EQ(seen_pid, getpid());
	CHECK_EQ(seen_tid, id);
	CHECK(id != getpid());
	CHECK_EQ(seen_tp, (long)&t);
	CHECK_EQ(counter, 5);
	CHECK_EQ(raw_wait(-1, &status, WALL | WNOHANG), -ECHILD);
	/* Linux's refusals of thread flags without what they need. */
	CHECK_EQ(clone_call(CLONE_THREAD | CLONE_VM, NULL, NULL, 0, NULL, thread_ids, NULL),
		 -EINVAL);
	CHECK_EQ(clone_call(CLONE_SIGHAND, NULL, NULL, 0, NULL, thread_ids, NULL), -EINVAL);
}

static int shared_fd = -1;

static long thread_opens(void *arg)
{
	int fds[2];

	if (pipe(fds))
		return 1;
	shared_fd = fds[1];
	close(fds[0]);
	return chdir((const char *)arg) ? 2 : 0;
}

/* CLONE_FILES and CLONE_FS: the thread's open and chdir are the process's. */
void test_thread_files(void)
{
	struct thread t = {0};
	char cwd[64];

	thread_start(&t, thread_opens, "/bin");
	thread_join(&t);
	CHECK(shared_fd >= 0);
	CHECK_EQ(close(shared_fd), 0); /* the thread's fd is ours */
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	if (!on_linux) /* the reference run's /bin is the host's */
		CHECK_EQ(strcmp(cwd, "/bin"), 0);
	CHECK_EQ(chdir("/"), 0);
}

static volatile uint32_t never; /* threads wait on it forever */

static long thread_block(void *arg)
{
	for (;;)
		futex(&never, arg ? FUTEX_WAIT_BITSET : FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL,
		      NULL, -1);
	return 0;
}

/* A process with n threads blocked in futex waits, then what `then` does. */
static int group_with_blocked(int n, void (*then)(void))
{
	int pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		static struct thread t[4];
		for (int i = 0; i < n; i++)
			thread_start(&t[i], thread_block, (void *)(long)(i & 1));
		sleep_ms(30); /* all asleep in the kernel */
		then();
		_exit(100);
	}
	return pid;
}

static void do_exit_group(void)
{
	syscall1(__NR_exit_group, 5);
}

static void do_block(void)
{
	thread_block(NULL);
}

static void do_fault(void)
{
	*(volatile int *)LOW_UNMAPPED = 1;
}

/* exit_group ends every thread, even those asleep in futex. */
void test_thread_exit_group(void)
{
	int status;
	int pid = group_with_blocked(3, do_exit_group);

	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	expect_exit(status, 5);
}

/* kill -9 of a group whose threads are all blocked in futex. */
void test_thread_kill9(void)
{
	int status;
	int pid = group_with_blocked(4, do_block);

	sleep_ms(60);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	expect_killed(status, SIGKILL);
}

/* A fault in one thread is fatal to the process (default SIGSEGV). */
void test_thread_fault(void)
{
	int status;
	int pid = group_with_blocked(2, do_fault);

	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	expect_killed(status, SIGSEGV);
}

static int leader_pipe[2];

static long thread_outlives(void *arg __attribute__((unused)))
{
	sleep_ms(60);
	syscall3(__NR_write, leader_pipe[1], (long)"x", 1);
	sleep_ms(20);
	syscall1(__NR_exit, 9); /* the last thread: the process ends now */
	return 0;
}

static void leader_leaves(void)
{
	static struct thread t;

	thread_start(&t, thread_outlives, NULL);
	syscall1(__NR_exit, 3); /* the leader alone */
}

/*
 * The leader exits while a thread runs on: the process is not reaped until
 * that thread is gone, and its status is the leader's.
 */
void test_thread_leader_exit(void)
{
	int status, pid;
	char c;

	CHECK_EQ(pipe(leader_pipe), 0);
	pid = spawn(leader_leaves);
	close(leader_pipe[1]);
	sleep_ms(20);
	CHECK_EQ(raw_wait(pid, &status, WNOHANG), 0); /* a thread still runs */
	CHECK_EQ(read(leader_pipe[0], &c, 1), 1);
	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	/* Linux's wait_task_zombie reports the leader's own exit code when no
	 * exit_group ended the group.  qemu-riscv64 ends the host process
	 * with the last thread's exit (9): not Linux's answer, not checked. */
	if (!on_linux)
		expect_exit(status, 3);
	close(leader_pipe[0]);
}

static long thread_execs(void *arg __attribute__((unused)))
{
	char *argv[] = {"false", NULL};
	char *envp[] = {NULL};

	sleep_ms(20);
	return 100 - syscall3(__NR_execve, (long)"/bin/false", (long)argv, (long)envp);
}

static void exec_from_thread(void)
{
	static struct thread t[2];

	thread_start(&t[0], thread_block, NULL);
	thread_start(&t[1], thread_execs, NULL);
	thread_block(NULL);
}

/* execve in a thread (not the leader): the others end first, and the
 * program runs as the process, under its pid. */
void test_thread_exec(void)
{
	int status;
	int pid = spawn(exec_from_thread);

	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	expect_exit(status, 1);
}

static volatile long handled_by;

static void on_usr1(int sig __attribute__((unused)))
{
	handled_by = syscall0(__NR_gettid);
}

static long thread_waits_signal(void *arg __attribute__((unused)))
{
	while (!handled_by)
		sleep_ms(5);
	return 0;
}

/* The threads of a group to stop write their letters here (non-blocking). */
static int spin_pipe[2];

static long thread_spin(void *arg)
{
	for (;;) {
		syscall3(__NR_write, spin_pipe[1], (long)arg, 1);
		for (volatile int i = 0; i < 20000; i++)
			;
	}
	return 0;
}

static void leader_spin(void)
{
	static struct thread t;

	thread_start(&t, thread_spin, "b");
	thread_spin("a");
}

/* Read the pipe until both letters came (-EAGAIN: sleep and try again). */
static void spin_both_run(void)
{
	bool a = false, b = false;
	char c;

	while (!a || !b) {
		long n = syscall3(__NR_read, spin_pipe[0], (long)&c, 1);
		if (n == -EAGAIN)
			sleep_ms(2);
		a |= n == 1 && c == 'a';
		b |= n == 1 && c == 'b';
	}
}

/* Read what the pipe holds now. */
static void spin_drain(void)
{
	char buf[256];

	while (syscall3(__NR_read, spin_pipe[0], (long)buf, sizeof(buf)) > 0)
		;
}

/*
 * SIGSTOP to a process stops every thread of it, not only the one that
 * takes the signal; SIGCONT starts them all again.
 */
void test_thread_group_stop(void)
{
	int status;
	char c;

	CHECK_EQ(syscall2(__NR_pipe2, (long)spin_pipe, LINUX_O_NONBLOCK), 0);
	int pid = group_with_blocked(0, leader_spin);
	spin_both_run();
	CHECK_EQ(kill(pid, SIGSTOP), 0);
	CHECK_EQ(raw_wait(pid, &status, 2 /* WUNTRACED */), pid);
	CHECK_EQ(status, LINUX_SIGSTOP << 8 | 0x7f); /* stopped by SIGSTOP */
	sleep_ms(50); /* each thread stops at its next trap at the latest */
	spin_drain();
	sleep_ms(50);
	CHECK_EQ(syscall3(__NR_read, spin_pipe[0], (long)&c, 1), -EAGAIN); /* none wrote */
	CHECK_EQ(kill(pid, SIGCONT), 0);
	spin_both_run();
	CHECK_EQ(kill(pid, SIGKILL), 0);
	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	expect_killed(status, LINUX_SIGKILL);
	close(spin_pipe[0]);
	close(spin_pipe[1]);
}

/* tgkill reaches the named thread, whose handler runs there. */
void test_thread_tgkill(void)
{
	struct thread t = {0};

	handled_by = 0;
	CHECK(signal(SIGUSR1, on_usr1) != SIG_ERR);
	thread_start(&t, thread_waits_signal, NULL);
	CHECK_EQ(syscall3(__NR_tgkill, getpid(), t.id, LINUX_SIGUSR1), 0);
	long id = t.id;
	thread_join(&t);
	CHECK_EQ(handled_by, id);
	CHECK_EQ(syscall3(__NR_tgkill, getpid() + 100000, id, 0), -ESRCH);
	CHECK_EQ(syscall3(__NR_tgkill, 0, id, 0), -EINVAL);
	CHECK_EQ(syscall2(__NR_tkill, syscall0(__NR_gettid), 0), 0);
	signal(SIGUSR1, SIG_DFL);
}

/*
 * The threads of a process share their signal actions: SA_RESETHAND's
 * reset, done as one thread takes the signal, is seen by every thread.
 */
void test_thread_resethand(void)
{
	struct thread t = {0};
	struct sigaction sa = {0}, old;

	handled_by = 0;
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESETHAND;
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	thread_start(&t, thread_waits_signal, NULL);
	CHECK_EQ(syscall3(__NR_tgkill, getpid(), t.id, LINUX_SIGUSR1), 0);
	long id = t.id;
	thread_join(&t);
	CHECK_EQ(handled_by, id);
	CHECK_EQ(sigaction(SIGUSR1, NULL, &old), 0);
	CHECK(old.sa_handler == SIG_DFL);
}

/* --- futex --- */

/* The errors: alignment, addresses, values, timeouts, operations. */
void test_futex_errors(void)
{
	static uint32_t word = 1;
	struct timespec ts = {0, 20 * 1000000};
	struct timespec bad = {0, 1000000000};
	char *ro = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(ro != MAP_FAILED);
	CHECK_EQ(futex((uint32_t *)((char *)&word + 1), FUTEX_WAIT, 1, NULL, NULL, 0), -EINVAL);
	CHECK_EQ(futex((uint32_t *)LOW_UNMAPPED, FUTEX_WAIT, 0, NULL, NULL, 0), -EFAULT);
	CHECK_EQ(futex((uint32_t *)KERNEL_HALF, FUTEX_WAIT, 0, NULL, NULL, 0), -EFAULT);
	CHECK_EQ(futex(&word, FUTEX_WAIT, 2, NULL, NULL, 0), -EAGAIN);
	CHECK_EQ(futex(&word, FUTEX_WAIT, 1, &ts, NULL, 0), -LINUX_ETIMEDOUT);
	CHECK_EQ(futex(&word, FUTEX_WAIT, 1, &bad, NULL, 0), -EINVAL);
	CHECK_EQ(futex(&word, FUTEX_WAIT, 1, (void *)LOW_UNMAPPED, NULL, 0), -EFAULT);
	CHECK_EQ(futex(&word, FUTEX_WAIT_BITSET, 1, NULL, NULL, 0), -EINVAL);
	CHECK_EQ(futex(&word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0), -EINVAL);
	CHECK_EQ(futex(&word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0), -LINUX_ENOSYS);
	CHECK_EQ(futex(&word, 99, 1, NULL, NULL, 0), -LINUX_ENOSYS);
	CHECK_EQ(futex(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0), 0);
	/* Read-only memory may be waited on (Linux reads it with get_user),
	 * not changed (WAKE_OP writes).  qemu-riscv64 says EFAULT to the
	 * wait, its own answer, not the kernel's. */
	if (!on_linux)
		CHECK_EQ(futex((uint32_t *)ro, FUTEX_WAIT, 1, NULL, NULL, 0), -EAGAIN);
	CHECK_EQ(futex(&word, FUTEX_WAKE_OP, 1, (void *)1, (uint32_t *)ro, 0), -EFAULT);
	CHECK_EQ(futex(&word, FUTEX_REQUEUE, 1, (void *)1, (uint32_t *)((char *)&word + 2), 0),
		 -EINVAL);
	CHECK_EQ(futex(&word, FUTEX_CMP_REQUEUE, 1, (void *)1, &word, 5), -EAGAIN);
	CHECK_EQ(futex(&word, FUTEX_CMP_REQUEUE, -1, (void *)1, &word, 1), -EINVAL);
	/* An absolute deadline in the past: at once. */
	struct timespec past = {0, 1};
	CHECK_EQ(futex(&word, FUTEX_WAIT_BITSET, 1, &past, NULL, -1), -LINUX_ETIMEDOUT);
	CHECK_EQ(futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 1, &past, NULL, -1),
		 -LINUX_ETIMEDOUT);
	munmap(ro, PAGE_SIZE);
}

static volatile uint32_t fa, fb;
static volatile int asleep;

static long thread_waits(void *arg)
{
	volatile uint32_t *w = arg;

	__atomic_fetch_add(&asleep, 1, __ATOMIC_SEQ_CST);
	while (futex(w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0) != 0)
		;
	return 0;
}

/* Let n threads reach their futex wait (they say so just before). */
static void wait_asleep(int n)
{
	while (asleep < n)
		sleep_ms(2);
	sleep_ms(30);
}

/* WAKE counts, CMP_REQUEUE moves, WAKE_OP's atomic op and comparison. */
void test_futex_requeue(void)
{
	struct thread t[3] = {{0}};

	fa = fb = 0;
	asleep = 0;
	for (int i = 0; i < 3; i++)
		thread_start(&t[i], thread_waits, (void *)&fa);
	wait_asleep(3);
	/* Wake one, move one to fb (the third stays on fa). */
	CHECK_EQ(futex(&fa, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, (void *)1, &fb, 0), 2);
	sleep_ms(20);
	CHECK_EQ(futex(&fb, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 5, NULL, NULL, 0), 1);
	/* WAKE_OP: fb += 1 (old 0 == 0: wake fb's waiters too, none now); wake fa's one. */
	long op = (1l << 28) | (0l << 24) | (1l << 12) | 0; /* ADD 1, CMP EQ 0 */
	CHECK_EQ(futex(&fa, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, (void *)1, &fb, op), 1);
	CHECK_EQ(fb, 1);
	for (int i = 0; i < 3; i++)
		thread_join(&t[i]);
	CHECK_EQ(futex(&fa, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
}

static long thread_waits_shared(void *arg)
{
	volatile uint32_t *w = arg;

	__atomic_fetch_add(&asleep, 1, __ATOMIC_SEQ_CST);
	while (futex(w, FUTEX_WAIT, 0, NULL, NULL, 0) != 0)
		;
	return 0;
}

/*
 * A private futex and a shared one at one address are two futexes, as on
 * Linux: a shared wake misses a FUTEX_PRIVATE_FLAG waiter, a private wake
 * a shared waiter; each is woken by its own kind.
 */
void test_futex_private_apart(void)
{
	struct thread t[2] = {{0}};

	fa = fb = 0;
	asleep = 0;
	thread_start(&t[0], thread_waits, (void *)&fa);
	thread_start(&t[1], thread_waits_shared, (void *)&fb);
	wait_asleep(2);
	CHECK_EQ(futex(&fa, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
	CHECK_EQ(futex(&fa, FUTEX_WAKE_BITSET, 1, NULL, NULL, -1), 0);
	CHECK_EQ(futex(&fb, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0), 0);
	CHECK_EQ(futex(&fa, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0), 1);
	CHECK_EQ(futex(&fb, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
	for (int i = 0; i < 2; i++)
		thread_join(&t[i]);
}

static void futex_interrupted(void)
{
	static uint32_t word;
	struct sigaction sa;

	/* Without SA_RESTART: Linux would restart the wait with it. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	exit(futex(&word, FUTEX_WAIT, 0, NULL, NULL, 0) == -EINTR ? 0 : 1);
}

/* A signal with a handler ends a futex wait with EINTR. */
void test_futex_eintr(void)
{
	int pid = spawn(futex_interrupted), status;

	sleep_ms(50);
	CHECK_EQ(kill(pid, SIGUSR1), 0);
	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	expect_exit(status, 0);
}

#define FUTEX_WAITERS	 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u

struct robust {
	uint64_t next;
	uint32_t word;
};

static struct {
	uint64_t list;
	int64_t offset;
	uint64_t pending;
} robust_head;
static struct robust lock1;

static long thread_dies_holding(void *arg __attribute__((unused)))
{
	lock1.word = (uint32_t)syscall0(__NR_gettid) | FUTEX_WAITERS;
	lock1.next = (uint64_t)&robust_head;
	robust_head.list = (uint64_t)&lock1;
	robust_head.offset = __builtin_offsetof(struct robust, word);
	return syscall2(__NR_set_robust_list, (long)&robust_head, sizeof(robust_head));
}

/* A thread that exits holding a robust lock: the word says OWNER_DIED. */
void test_futex_robust(void)
{
	struct thread t = {0};

	if (on_linux)
		return; /* qemu-riscv64 does not pass robust lists to the host */
	thread_start(&t, thread_dies_holding, NULL);
	thread_join(&t);
	CHECK_EQ(lock1.word, FUTEX_WAITERS | FUTEX_OWNER_DIED);
	CHECK_EQ(syscall2(__NR_set_robust_list, (long)&robust_head, 23), -EINVAL);
}

/* --- the TLB, with threads on several harts --- */

#define MAGIC 0x5a5a5a5au

static volatile unsigned int reader_cpu = ~0u;

static long thread_reads(void *arg)
{
	for (unsigned int cpu;;) {
		if (*(volatile uint32_t *)arg != MAGIC)
			syscall1(__NR_exit_group, 77); /* a reused page: the bug */
		syscall3(__NR_getcpu, (long)&cpu, 0, 0);
		reader_cpu = cpu;
	}
	return 0;
}

/* The hart this thread runs on now. */
static unsigned int my_cpu(void)
{
	unsigned int cpu = 0;

	syscall3(__NR_getcpu, (long)&cpu, 0, 0);
	return cpu;
}

static void unmap_under_reader(void)
{
	static struct thread t;
	uint32_t *page =
		mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	for (unsigned i = 0; i < PAGE_SIZE / 4; i++)
		page[i] = MAGIC;
	reader_cpu = ~0u;
	thread_start(&t, thread_reads, page);
	/* Wait until the reader runs on another hart (if there is one: on
	 * one hart, it runs whenever this one sleeps). */
	uint64_t mask = 0;
	syscall3(__NR_sched_getaffinity, 0, sizeof(mask), (long)&mask);
	long harts = __builtin_popcountll(mask);
	for (int i = 0; i < 500 && (reader_cpu == ~0u || (harts > 1 && reader_cpu == my_cpu()));
	     i++)
		sleep_ms(2);
	munmap(page, PAGE_SIZE);
	/* Take pages, likely the one just freed, and write over them: two
	 * at a time, so that no mapping lands at the freed address itself
	 * (the reader would see the new mapping, rightly). */
	for (int i = 0; i < 32; i++) {
		char *q = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(q, 0x11, 2 * PAGE_SIZE);
	}
	sleep_ms(200);
	syscall1(__NR_exit_group, 0); /* the reader never faulted: wrong too */
}

/*
 * munmap in one thread while another reads the page, on another hart on
 * an SMP machine: the reader gets SIGSEGV (the process dies of it), and
 * never reads the page after it was freed and reused.
 */
void test_thread_munmap_reader(void)
{
	int status;
	int pid = spawn(unmap_under_reader);

	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	expect_killed(status, SIGSEGV);
}

/* --- stress: threads changing one address space on several harts --- */

static long thread_mm_churn(void *arg)
{
	/* Each change shoots down the other harts (an SBI call, slow in QEMU). */
	for (int i = 0; i < 40; i++) {
		char *m = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return 1;
		for (int j = 0; j < 4; j++)
			m[j * PAGE_SIZE] = (char)(i + j);
		if (mprotect(m, 2 * PAGE_SIZE, PROT_READ) || m[PAGE_SIZE] != (char)(i + 1))
			return 2;
		if (munmap(m, 4 * PAGE_SIZE))
			return 3;
	}
	__atomic_fetch_add(&counter, 1, __ATOMIC_SEQ_CST);
	return (long)arg;
}

/* Four threads mmap, touch, mprotect and munmap at once; every page comes
 * back (the suite's free-page count). */
void test_thread_mm_stress(void)
{
	struct thread t[4] = {{0}};

	counter = 0;
	for (int i = 0; i < 4; i++)
		thread_start(&t[i], thread_mm_churn, NULL);
	for (int i = 0; i < 4; i++)
		thread_join(&t[i]);
	CHECK_EQ(counter, 4);
}

static volatile int churn_stop;

/* Regions made, split and removed without pause, until told to stop. */
static long thread_region_churn(void *arg)
{
	while (!churn_stop) {
		char *m = mmap(NULL, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return 1;
		m[0] = 1;
		mprotect(m + PAGE_SIZE, PAGE_SIZE, PROT_READ); /* three regions */
		if (munmap(m, 3 * PAGE_SIZE))
			return 2;
	}
	return (long)arg;
}

/*
 * fork copies the parent's regions while two other threads of it map and
 * unmap: the copy must hold the address space's lock from the first
 * region to the last (it once walked the list without it, through regions
 * being freed).  Each child checks its memory and exits.
 */
void test_thread_fork_vs_mmap(void)
{
	struct thread t[2] = {{0}};
	static volatile int mark;

	churn_stop = 0;
	mark = 42;
	for (int i = 0; i < 2; i++)
		thread_start(&t[i], thread_region_churn, NULL);
	for (int i = 0; i < 60; i++) {
		int status;
		long pid = fork();
		if (pid == 0)
			_exit(mark == 42 ? 0 : 1);
		CHECK(pid > 0);
		CHECK_EQ(raw_wait(pid, &status, 0), pid);
		expect_exit(status, 0);
	}
	churn_stop = 1;
	for (int i = 0; i < 2; i++)
		thread_join(&t[i]);
}

static long thread_nothing_fn(void *arg);

static long thread_spawns(void *arg)
{
	static struct thread kids[64];

	for (int i = 0;; i = (i + 1) % 64) {
		kids[i].tid = 0;
		/* Threads made and gone as fast as can be, racing the exit_group. */
		if (clone_call(THREAD_FLAGS, (char *)arg + (i % 4 + 1) * 4096, (int *)&kids[i].tid,
			       0, (int *)&kids[i].tid, thread_nothing_fn, NULL) < 0)
			continue;
	}
	return 0;
}

static long thread_nothing_fn(void *arg)
{
	return (long)arg;
}

static void churn_then_exit(void)
{
	static struct thread t[2];
	char *stacks =
		mmap(NULL, 5 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	thread_start(&t[0], thread_spawns, stacks);
	thread_start(&t[1], thread_block, NULL);
	sleep_ms(30);
	syscall1(__NR_exit_group, 6);
}

/*
 * exit_group while a thread makes threads as fast as it can: none outlives
 * the group, nothing leaks.  Ten times over.  Slow (-a) for now: on 4
 * harts, with 200 rounds about one run in two ends with 2 to 6 pages lost:
 * a hart freeing an exited thread (scheduler, proc_free, kstack_free)
 * never comes back from kstack_free_table's remote fence (SBI RFENCE to
 * every hart), so that thread's struct proc stays, and the hart is lost.
 */
void test_thread_exit_race(void)
{
	for (int i = 0; i < 10; i++) {
		int status, pid = spawn(churn_then_exit);
		CHECK_EQ(raw_wait(pid, &status, 0), pid);
		expect_exit(status, 6);
	}
}

/*
 * Threads fault in the pages of a file mapping while another thread swaps
 * the mapping between two files (mmap MAP_FIXED) and drops its pages
 * (MADV_DONTNEED): a file page's fault lets go of the space's lock while
 * the file system finds the page, and must map it only if the region
 * still maps that page of that file.  Every byte read is one of the two
 * files', and no page is lost.
 */
#define SWAP_PAGES 8

static volatile uint8_t *swap_map;
static volatile int swap_stop, swap_bad;

static long thread_swap_reader(void *arg __attribute__((unused)))
{
	while (!swap_stop)
		for (int i = 0; i < SWAP_PAGES; i++) {
			uint8_t c = swap_map[i * 4096 + 17];
			if (c != 'A' && c != 'B')
				swap_bad = c ? c : 1;
		}
	__atomic_fetch_add(&counter, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static int swap_file(const char *path, char c)
{
	static char page[4096];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	memset(page, c, sizeof(page));
	for (int i = 0; i < SWAP_PAGES; i++)
		CHECK_EQ(write(fd, page, sizeof(page)), (long)sizeof(page));
	unlink(path); /* the open files and the mappings keep them */
	return fd;
}

static void swap_round(int fa, int fb)
{
	struct thread t[3] = {{0}};
	long len = SWAP_PAGES * 4096;

	swap_map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fa, 0);
	CHECK(swap_map != MAP_FAILED);
	swap_stop = swap_bad = 0;
	counter = 0;
	for (int i = 0; i < 3; i++)
		thread_start(&t[i], thread_swap_reader, NULL);
	for (int i = 0; i < 40; i++) {
		CHECK(mmap((void *)swap_map, len, PROT_READ, MAP_PRIVATE | MAP_FIXED,
			   i % 2 ? fa : fb, 0) == (void *)swap_map);
		CHECK_EQ(syscall3(__NR_madvise, (long)swap_map, len, 4), 0);
	}
	swap_stop = 1;
	for (int i = 0; i < 3; i++)
		thread_join(&t[i]);
	CHECK_EQ(counter, 3);
	CHECK_EQ(swap_bad, 0);
	/* The last swap mapped file A: a page of B faulted in meanwhile and
	 * mapped anyway would still be there. */
	for (int i = 0; i < SWAP_PAGES; i++)
		CHECK_EQ(swap_map[i * 4096 + 17], 'A');
	munmap((void *)swap_map, len);
}

void test_thread_file_fault_race(void)
{
	int fa = swap_file("/tmp/swap-a", 'A'), fb = swap_file("/tmp/swap-b", 'B');

	/* Pages lost would show in the suite's own free-page check: exited
	 * threads' stacks go back later, so a count here would race them. */
	swap_round(fa, fb);
	swap_round(fa, fb);
	close(fa);
	close(fb);
}

/*
 * read() into a buffer that another thread keeps mapping over, with a
 * file of the same file system and with anonymous memory: the copy may
 * fault on a file page while the file system's lock is held (the VFS
 * faulted the buffer in first, but the mapping changed since).  The read
 * then moves fewer bytes or answers EFAULT; it must never wait on its own
 * lock.
 */
static volatile int rs_stop;
static int rs_fd;

static long thread_reads_into(void *arg __attribute__((unused)))
{
	long bad = 0;

	while (!rs_stop) {
		long n = syscall4(__NR_pread64, rs_fd, (long)swap_map, SWAP_PAGES * 4096, 0);
		if (n != -EFAULT && (n < 0 || n > SWAP_PAGES * 4096))
			bad = n ? n : 1;
	}
	swap_bad = (int)bad;
	return 0;
}

void test_thread_read_remap_race(void)
{
	struct thread t = {0};
	long len = SWAP_PAGES * 4096;

	rs_fd = swap_file("/tmp/rs-file", 'A');
	swap_map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(swap_map != MAP_FAILED);
	rs_stop = swap_bad = 0;
	thread_start(&t, thread_reads_into, NULL);
	for (int i = 0; i < 60; i++) {
		void *want = (void *)swap_map;
		CHECK(mmap(want, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, rs_fd, 0) ==
		      want);
		CHECK(mmap(want, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0) == want);
	}
	rs_stop = 1;
	thread_join(&t);
	CHECK_EQ(swap_bad, 0);
	munmap((void *)swap_map, len);
	close(rs_fd);
}
