/*
 * t_thread.c - vfork, threads and futexes: clone with CLONE_VM and its
 * friends, at the register level, so the tests see exactly what the kernel
 * does (and so that, under qemu-riscv64, Linux's answer).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "usertests.h"

/* Linux's clone flags (include/uapi/linux/sched.h). */
#define CLONE_VM	     0x00000100
#define CLONE_FS	     0x00000200
#define CLONE_FILES	     0x00000400
#define CLONE_SIGHAND	     0x00000800
#define CLONE_VFORK	     0x00004000
#define CLONE_THREAD	     0x00010000
#define CLONE_SYSVSEM	     0x00040000
#define CLONE_SETTLS	     0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID   0x01000000

#define VFORK_FLAGS (CLONE_VM | CLONE_VFORK | LINUX_SIGCHLD)

static long raw_wait(long pid, int *status, long options)
{
	return syscall4(__NR_wait4, pid, (long)status, options, 0);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/*
 * clone(flags, stack, ptid, tls, ctid) whose child calls fn(arg) and
 * exits (the thread only: exit, 93) with what it returns.  The child
 * starts on stack, or on the caller's own stack below its sp when stack
 * is 0 (vfork: the caller's frame above sp is left alone, as vfork's
 * contract asks).  fn and arg ride in a5/a6, which clone copies.
 */
static long clone_call(long flags, void *stack, int *ptid, long tls, int *ctid,
		       long (*fn)(void *), void *arg)
{
	register long a0 __asm__("a0") = flags;
	register long a1 __asm__("a1") = (long)stack;
	register long a2 __asm__("a2") = (long)ptid;
	register long a3 __asm__("a3") = tls;
	register long a4 __asm__("a4") = (long)ctid;
	register long a5 __asm__("a5") = (long)fn;
	register long a6 __asm__("a6") = (long)arg;
	register long a7 __asm__("a7") = __NR_clone;

	__asm__ volatile("ecall\n"
			 "bnez a0, 1f\n" /* the parent goes on */
			 "mv a0, a6\n"
			 "jalr a5\n"
			 "li a7, 93\n" /* exit: this thread only */
			 "ecall\n"
			 "1:"
			 : "+r"(a0)
			 : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6), "r"(a7)
			 : "memory", "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6");
	return a0;
}

static void expect_exit(int status, int code)
{
	if (!WIFEXITED(status))
		test_fail(__FILE__, __LINE__, "wait status %#x, want exit %d", status, code);
	CHECK_EQ(WEXITSTATUS(status), code);
}

static void expect_killed(int status, int sig)
{
	if (!WIFSIGNALED(status))
		test_fail(__FILE__, __LINE__, "wait status %#x, want signal %d", status, sig);
	CHECK_EQ(WTERMSIG(status), sig);
}

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
