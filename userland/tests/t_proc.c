/*
 * t_proc.c - processes: fork and copy-on-write, exit statuses and wait4,
 * kill, execve with good and bad arguments, preemption, and the FP state
 * surviving context switches.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "usertests.h"

#define AT_PAGESZ 6
#define AT_ENTRY  9

extern char **environ;
extern void _start(void);

static void sleep_forever(void)
{
	for (;;)
		sleep_ms(10000);
}

void test_fork_exit(void)
{
	int status = 0;
	int pid = spawn_exit(42);

	CHECK(pid > 0);
	CHECK(pid != getpid());
	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	expect_exit(status, 42);
	/* Reaped: gone. */
	CHECK_EQ(raw_wait(pid, &status, 0), -ECHILD);
}

/* wait4's options for clone children (Linux's numbers). */
#define WCLONE 0x80000000l
#define WALL   0x40000000l

/*
 * clone(flags, stack, &ptid, 0, &ctid) where the child, in assembly so it
 * needs no stack, exits at once: with 42 if its sp is `stack` (or stack is
 * 0), 41 if not.  Returns the child's pid in the parent.
 */
static long clone_exit42(long flags, long stack, int *ptid, int *ctid)
{
	register long a0 __asm__("a0") = flags;
	register long a1 __asm__("a1") = stack;
	register long a2 __asm__("a2") = (long)ptid;
	register long a3 __asm__("a3") = 0;
	register long a4 __asm__("a4") = (long)ctid;
	register long a7 __asm__("a7") = __NR_clone;

	__asm__ volatile("ecall\n"
			 "bnez a0, 1f\n" /* the parent goes on */
			 "li a0, 42\n"
			 "beqz a1, 2f\n"
			 "beq sp, a1, 2f\n"
			 "li a0, 41\n"
			 "2: li a7, 93\n" /* exit */
			 "ecall\n"
			 "1:"
			 : "+r"(a0)
			 : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a7)
			 : "memory");
	return a0;
}

/* ctid is written by the child, in its own memory: read it from there. */
static int child_saw_tid(void)
{
	static int ctid;
	int status;
	long pid = clone_exit42(LINUX_SIGCHLD | CLONE_CHILD_SETTID, 0, NULL, &ctid);

	CHECK(pid > 0);
	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	return ctid; /* the parent's copy: untouched */
}

/*
 * clone as glibc's fork and posix_spawn use it: the tid stores, the exit
 * signal in the low byte, a new stack; and Linux's refusals.
 */
void test_clone_flags(void)
{
	static char stack[4096] __attribute__((aligned(16)));
	int ptid = 0, ctid = 0, status;
	long pid;

	/* glibc's fork: clone(CHILD_SETTID | CHILD_CLEARTID | SIGCHLD, 0, 0, 0, &tid) */
	pid = clone_exit42(LINUX_SIGCHLD | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID |
				   CLONE_PARENT_SETTID,
			   0, &ptid, &ctid);
	CHECK(pid > 0);
	/* Stored in the parent's memory, as Linux's kernel_clone does
	 * (qemu-riscv64 stores it in the child's). */
	if (!on_linux)
		CHECK_EQ(ptid, pid);
	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	expect_exit(status, 42);
	CHECK_EQ(ctid, 0); /* the child's store went to its own copy */
	CHECK_EQ(child_saw_tid(), 0);

	/* A new stack: the child starts with sp there. */
	pid = clone_exit42(LINUX_SIGCHLD, (long)(stack + sizeof(stack)), NULL, NULL);
	CHECK(pid > 0);
	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	expect_exit(status, 42);

	/* Linux's refusals. */
	CHECK_EQ(clone_exit42(CLONE_THREAD | LINUX_SIGCHLD, 0, NULL, NULL), -EINVAL);
	CHECK_EQ(clone_exit42(CLONE_SIGHAND | LINUX_SIGCHLD, 0, NULL, NULL), -EINVAL);

	/* Exit signal 0: a "clone" child, which wait4 sees only with __WCLONE
	 * or __WALL (qemu-riscv64 forks with SIGCHLD whatever is asked). */
	if (on_linux)
		return;
	pid = clone_exit42(0, 0, NULL, NULL);
	CHECK(pid > 0);
	CHECK_EQ(raw_wait(pid, &status, 0), -ECHILD);
	CHECK_EQ(raw_wait(pid, &status, WCLONE), pid);
	expect_exit(status, 42);
	pid = clone_exit42(0, 0, NULL, NULL);
	CHECK_EQ(raw_wait(-1, &status, WALL), pid);
	CHECK_EQ(clone_exit42(LINUX_SIGCHLD | 65, 0, NULL, NULL), -EINVAL);
}

/*
 * Spin in user mode until times() says this process has used `ticks` of
 * user time, or 10 s of wall time pass (then fail): CPU time must grow
 * while a process computes, whatever else the host is doing.
 */
static void spin_ticks(long ticks)
{
	struct timespec t0, t;
	long tms[4];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		for (volatile int i = 0; i < 100000; i++)
			;
		CHECK(syscall1(__NR_times, (long)tms) >= 0);
		if (tms[0] >= ticks)
			return;
		clock_gettime(CLOCK_MONOTONIC, &t);
		CHECK(t.tv_sec - t0.tv_sec < 10);
	}
}

static void spin_10_ticks(void)
{
	spin_ticks(10);
}

/*
 * CPU time: times, getrusage and clock_gettime's CPU clocks agree on a
 * process that computed for 20 ticks (200 ms), and wait4's rusage, times'
 * children and getrusage(RUSAGE_CHILDREN) see its child's 10 ticks.
 */
void test_cpu_times(void)
{
	long tms[4], ru[18], child_ru[18];
	struct timespec cpu;
	int status;

	spin_ticks(20);
	CHECK_EQ(syscall2(__NR_getrusage, 0 /* RUSAGE_SELF */, (long)ru), 0);
	CHECK(ru[0] * 1000 + ru[1] / 1000 >= 200);
	CHECK_EQ(syscall2(__NR_clock_gettime, 2 /* CLOCK_PROCESS_CPUTIME_ID */, (long)&cpu), 0);
	CHECK(cpu.tv_sec * 1000 + cpu.tv_nsec / 1000000 >= 200);

	long pid = spawn(spin_10_ticks);
	CHECK_EQ(syscall4(__NR_wait4, pid, (long)&status, 0, (long)child_ru), pid);
	CHECK(child_ru[0] * 1000 + child_ru[1] / 1000 >= 100);
	CHECK(syscall1(__NR_times, (long)tms) >= 0);
	CHECK(tms[2] >= 10);
	CHECK_EQ(syscall2(__NR_getrusage, -1 /* RUSAGE_CHILDREN */, (long)ru), 0);
	CHECK(ru[0] * 1000 + ru[1] / 1000 >= 100);
	CHECK_EQ(syscall2(__NR_getrusage, 5, (long)ru), -EINVAL);
	if (!on_linux) /* qemu-riscv64 answers these from its own checks */
		CHECK_EQ(syscall1(__NR_times, KERNEL_HALF), -EFAULT);
}

/* A child that holds 4 MiB resident, then sleeps three times. */
static void touch_4m_and_nap(void)
{
	char *m = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct timespec ms = {0, 1000000};

	for (long i = 0; i < (4 << 20); i += 4096)
		m[i] = 1;
	for (int i = 0; i < 3; i++)
		nanosleep(&ms, NULL);
}

/*
 * getrusage's counts beside CPU time: ru_minflt grows by one for each
 * page first touched; a child's ru_maxrss (4 MiB touched) and its
 * voluntary switches (three sleeps) reach wait4's rusage and
 * RUSAGE_CHILDREN; RUSAGE_SELF's maxrss covers what this process holds.
 */
void test_rusage_counts(void)
{
	enum { MAXRSS = 4, MINFLT = 8, MAJFLT = 9, NVCSW = 16 };
	long r0[18], r1[18], child[18];
	int status;

	char *m = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	CHECK_EQ(syscall2(__NR_getrusage, 0 /* RUSAGE_SELF */, (long)r0), 0);
	for (int i = 0; i < 16; i++)
		m[i * 4096] = 1;
	CHECK_EQ(syscall2(__NR_getrusage, 0, (long)r1), 0);
	if (!on_linux) { /* qemu-riscv64 reports its own host process's */
		CHECK(r1[MINFLT] - r0[MINFLT] >= 16 && r1[MINFLT] - r0[MINFLT] <= 18);
		CHECK_EQ(r1[MAJFLT], r0[MAJFLT]);
	}
	CHECK(r1[MAXRSS] >= 64);
	CHECK_EQ(syscall2(__NR_getrusage, 1 /* RUSAGE_THREAD */, (long)r1), 0);
	CHECK(r1[MINFLT] > 0);
	munmap(m, 16 * 4096);

	long pid = spawn(touch_4m_and_nap);
	CHECK_EQ(syscall4(__NR_wait4, pid, (long)&status, 0, (long)child), pid);
	CHECK(child[MAXRSS] >= 4096);
	CHECK(child[MINFLT] >= 1024 || on_linux);
	CHECK(child[NVCSW] >= 3);
	CHECK_EQ(syscall2(__NR_getrusage, -1 /* RUSAGE_CHILDREN */, (long)r1), 0);
	CHECK(r1[MAXRSS] >= 4096);
	CHECK(r1[NVCSW] >= 3);
}

#define PR_SET_PDEATHSIG    1
#define PR_GET_PDEATHSIG    2
#define PR_SET_NAME	    15
#define PR_GET_NAME	    16
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39

static int death_pipe[2], ready_pipe[2];

/* A grandchild that asks for SIGTERM when its parent dies, then waits long. */
static void orphan_to_be(void)
{
	close(death_pipe[0]);
	close(ready_pipe[0]);
	CHECK_EQ(syscall2(__NR_prctl, PR_SET_PDEATHSIG, LINUX_SIGTERM), 0);
	CHECK_EQ(write(ready_pipe[1], "r", 1), 1);
	sleep_ms(5000);
	CHECK_EQ(write(death_pipe[1], "late", 4), 4); /* not reached when killed */
}

static void parent_that_leaves(void)
{
	char c;

	spawn(orphan_to_be);
	CHECK_EQ(read(ready_pipe[0], &c, 1), 1);
	_exit(0); /* the grandchild is orphaned now: its death signal goes */
}

/* prctl: the name, the parent-death signal, no_new_privs. */
void test_prctl(void)
{
	char name[16];
	long n = 0;
	char buf[8];

	CHECK_EQ(syscall2(__NR_prctl, PR_SET_NAME, (long)"a-rather-long-process-name"), 0);
	CHECK_EQ(syscall2(__NR_prctl, PR_GET_NAME, (long)name), 0);
	CHECK(strcmp(name, "a-rather-long-p") == 0);
	CHECK_EQ(syscall5(__NR_prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
	CHECK_EQ(syscall5(__NR_prctl, PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0), -EINVAL);
	CHECK_EQ(syscall5(__NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	CHECK_EQ(syscall5(__NR_prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
	CHECK_EQ(syscall2(__NR_prctl, PR_SET_PDEATHSIG, 65), -EINVAL);
	CHECK_EQ(syscall2(__NR_prctl, 0x7fff, 0), -EINVAL);

	CHECK_EQ(pipe(death_pipe), 0);
	CHECK_EQ(pipe(ready_pipe), 0);
	int pid = spawn(parent_that_leaves);
	close(death_pipe[1]);
	close(ready_pipe[1]);
	reap(pid);
	/* EOF, soon: the grandchild died of SIGTERM instead of writing "late". */
	n = read(death_pipe[0], buf, sizeof(buf));
	CHECK_EQ(n, 0);
	close(death_pipe[0]);
	close(ready_pipe[0]);
}

static int parent_pid;

static void check_parent(void)
{
	CHECK_EQ(getppid(), parent_pid);
	CHECK(getpid() != parent_pid);
}

void test_getppid(void)
{
	parent_pid = getpid();
	expect_exit(reap(spawn(check_parent)), 0);
}

void test_exit_status(void)
{
	int codes[] = {0, 1, 7, 127, 128, 255, 256, 257, -1};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		int status = -1, pid = spawn_exit(codes[i]);

		CHECK_EQ(raw_wait(pid, &status, 0), pid);
		/* Linux's encoding: the low 8 bits of the code, shifted by 8. */
		CHECK_EQ(status, (codes[i] & 0xff) << 8);
	}
}

static void nap_then_exit5(void)
{
	/* Long enough that the parent surely asks before we are done. */
	sleep_ms(500);
	exit(5);
}

void test_wait_nohang(void)
{
	int status = 0, pid = spawn(nap_then_exit5);

	CHECK_EQ(raw_wait(pid, &status, WNOHANG), 0);
	CHECK_EQ(raw_wait(-1, &status, WNOHANG), 0);
	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	expect_exit(status, 5);
	CHECK_EQ(raw_wait(-1, &status, WNOHANG), -ECHILD);
}

void test_wait_nochild(void)
{
	int status;

	CHECK_EQ(raw_wait(-1, &status, 0), -ECHILD);
	CHECK_EQ(raw_wait(getpid(), &status, 0), -ECHILD);
	CHECK_EQ(raw_wait(1, &status, 0), -ECHILD); /* not our child */
	CHECK_EQ(raw_wait(-1, NULL, 0), -ECHILD);
}

void test_wait_badptr(void)
{
	int status, pid = spawn_exit(3);
	long r;

	sleep_ms(50);
	CHECK_EQ(raw_wait(pid, (int *)KERNEL_HALF, 0), -EFAULT);
	/* Whether that reaped the child is the kernel's choice (Linux: yes). */
	r = raw_wait(pid, &status, 0);
	CHECK(r == pid || r == -ECHILD);
	if (r == pid)
		expect_exit(status, 3);
}

void test_kill_child(void)
{
	int pid = spawn(sleep_forever);

	CHECK_EQ(kill(pid, SIGKILL), 0);
	expect_killed(reap(pid), SIGKILL);
}

void test_kill_bad(void)
{
	int pid = spawn_exit(0);

	reap(pid);
	/*
	 * pid is gone (and will not be reused this soon; only signal 0 is
	 * sent to it all the same, in case a reference run's host did).
	 */
	CHECK_EQ(syscall2(__NR_kill, pid, 0), -ESRCH);
	CHECK_EQ(syscall2(__NR_kill, getpid(), 0), 0); /* we exist */
	CHECK_EQ(syscall2(__NR_kill, getpid(), 65), -EINVAL);
	CHECK_EQ(syscall2(__NR_kill, getpid(), -1), -EINVAL);
	errno = 0;
	CHECK_EQ(kill(pid, 0), -1);
	CHECK_EQ(errno, ESRCH);
}

static int cow_global = 1;
static char cow_pages[3 * PAGE_SIZE];

static void cow_child(void)
{
	int local = 1;

	CHECK_EQ(cow_global, 1);
	CHECK_EQ(cow_pages[PAGE_SIZE], 'p');
	cow_global = 2;
	memset(cow_pages, 'c', sizeof(cow_pages));
	local = 2;
	sched_yield(); /* let the parent write its copy meanwhile */
	CHECK_EQ(cow_global, 2);
	CHECK_EQ(cow_pages[2 * PAGE_SIZE + 5], 'c');
	CHECK_EQ(local, 2);
}

void test_cow(void)
{
	int pid;

	memset(cow_pages, 'p', sizeof(cow_pages));
	pid = spawn(cow_child);
	cow_global = 3; /* the child must not see this */
	cow_pages[0] = 'q';
	expect_exit(reap(pid), 0);
	CHECK_EQ(cow_global, 3);
	CHECK_EQ(cow_pages[0], 'q');
	CHECK_EQ(cow_pages[PAGE_SIZE], 'p');
	CHECK_EQ(cow_pages[3 * PAGE_SIZE - 1], 'p');
}

static unsigned char *cow_heap;
enum { COW_HEAP = 64 * 1024 };

static void cow_heap_child(void)
{
	for (int i = 0; i < COW_HEAP; i += 1000)
		CHECK_EQ(cow_heap[i], (unsigned char)i);
	memset(cow_heap, 0xee, COW_HEAP);
	/* Growing the child's break leaves the parent's alone. */
	CHECK(sbrk(1 << 20) != (void *)-1);
}

void test_cow_heap(void)
{
	void *brk_before;

	cow_heap = malloc(COW_HEAP);
	CHECK(cow_heap != NULL);
	for (int i = 0; i < COW_HEAP; i++)
		cow_heap[i] = (unsigned char)i;
	brk_before = sbrk(0);
	expect_exit(reap(spawn(cow_heap_child)), 0);
	for (int i = 0; i < COW_HEAP; i += 7)
		CHECK_EQ(cow_heap[i], (unsigned char)i);
	CHECK_EQ(syscall1(__NR_brk, 0), brk_before);
	free(cow_heap);
}

void test_many_forks(void)
{
	enum { N = 32 };
	int pids[N], seen[N] = {0};

	for (int i = 0; i < N; i++)
		pids[i] = spawn_exit(100 + i);
	for (int n = 0; n < N; n++) {
		int status, i;
		int w = wait(&status);

		CHECK(w > 0);
		for (i = 0; i < N && pids[i] != w; i++)
			;
		CHECK(i < N);
		CHECK(!seen[i]);
		seen[i] = 1;
		expect_exit(status, 100 + i);
	}
	CHECK_EQ(wait(NULL), -1);
	CHECK_EQ(errno, ECHILD);
}

/* A chain: each process forks the next and checks it ended well. */
static int depth;
static void chain(void);

static void check_parent_then_chain(void)
{
	check_parent();
	chain();
}

static void chain(void)
{
	if (++depth == 16)
		return;
	parent_pid = getpid();
	expect_exit(reap(spawn(check_parent_then_chain)), 0);
}

void test_fork_tree(void)
{
	depth = 0;
	chain();
}

void test_fork_until_fail(void)
{
	enum { CAP = 1000 };
	static int pids[CAP];
	int n = 0, err = 0;

	while (n < CAP) {
		int pid = fork();

		if (pid == 0)
			sleep_forever();
		if (pid < 0) {
			err = errno;
			break;
		}
		pids[n++] = pid;
	}
	printf("  fork_until_fail: %d children%s%s\n", n, err ? ", then " : "",
	       err ? strerror(err) : "");
	CHECK(n > 0);
	CHECK(n == CAP || err == EAGAIN || err == ENOMEM);
	for (int i = 0; i < n; i++)
		CHECK_EQ(kill(pids[i], SIGKILL), 0);
	for (int i = 0; i < n; i++)
		expect_killed(reap(pids[i]), SIGKILL);
	/* And everything is back: fork works again. */
	expect_exit(reap(spawn_exit(9)), 9);
}

static char *bin(const char *name)
{
	static char path[2][256];
	static int which;

	which ^= 1;
	snprintf(path[which], sizeof(path[which]), "%s/bin/%s", bin_prefix, name);
	return path[which];
}

static long raw_execve(const char *path, char *const argv[], char *const envp[])
{
	return syscall3(__NR_execve, (long)path, (long)argv, (long)envp);
}

void test_exec_missing(void)
{
	char *argv[] = {"x", NULL};

	CHECK_EQ(raw_execve(bin("no-such-program"), argv, environ), -ENOENT);
	CHECK_EQ(raw_execve("/no-such-dir/x", argv, environ), -ENOENT);
	CHECK_EQ(raw_execve("", argv, environ), -ENOENT);
	errno = 0;
	CHECK_EQ(execve(bin("no-such-program"), argv, environ), -1);
	CHECK_EQ(errno, ENOENT);
}

static int still_here = 1234;

void test_exec_notelf(void)
{
	char *argv[] = {"notelf", NULL};

	CHECK_EQ(raw_execve(bin("notelf"), argv, environ), -ENOEXEC);
	/* The failed exec left us whole. */
	CHECK_EQ(still_here, 1234);
	CHECK(getpid() > 0);
	printf("  exec_notelf: still running after ENOEXEC\n");
}

static void exec_tight_child(void)
{
	char *argv[] = {"tight", NULL};

	execve(bin("tight"), argv, environ);
	_exit(99);
}

/* A program whose text and data segments share a page loads and runs. */
void test_exec_shared_page(void)
{
	if (on_linux) {
		printf("  exec_shared_page: not on a Linux host (it would need binfmt_misc)\n");
		return;
	}
	int status = reap(spawn(exec_tight_child));
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
}

void test_exec_bad_args(void)
{
	char *bad_argv[] = {"usertests", (char *)KERNEL_HALF, NULL};
	char *argv[] = {"usertests", NULL};
	char *bad_envp[] = {"A=1", (char *)LOW_UNMAPPED, NULL};

	CHECK_EQ(raw_execve(NULL, argv, environ), -EFAULT);
	CHECK_EQ(raw_execve((char *)KERNEL_HALF, argv, environ), -EFAULT);
	CHECK_EQ(raw_execve(bin("usertests"), (char **)KERNEL_HALF, environ), -EFAULT);
	CHECK_EQ(raw_execve(bin("usertests"), bad_argv, environ), -EFAULT);
	CHECK_EQ(raw_execve(bin("usertests"), argv, bad_envp), -EFAULT);
	CHECK_EQ(still_here, 1234);
}

static void exec_helper_child(void)
{
	char *argv[] = {"usertests", "--exec-helper", "arg one", "", "3", NULL};
	char *envp[] = {"USERTESTS_ENV=yes", "EMPTY=", NULL};

	execve(bin("usertests"), argv, envp);
	test_fail(__FILE__, __LINE__, "execve: %s", strerror(errno));
}

void test_exec_args(void)
{
	/* A reference run's host kernel cannot exec a RISC-V program itself. */
	if (on_linux) {
		printf("  exec_args: not on a Linux host (it would need binfmt_misc)\n");
		return;
	}
	/* The helper exits 7 when it saw what we passed (exec_helper below). */
	expect_exit(reap(spawn(exec_helper_child)), 7);
}

/* usertests --exec-helper ...: check the new image's start-up state. */
int exec_helper(int argc, char **argv, char **envp)
{
	const char *why = NULL;

	if (argc != 5 || argv[5] != NULL)
		why = "argc";
	else if (strcmp(argv[2], "arg one") || strcmp(argv[3], "") || strcmp(argv[4], "3"))
		why = "argv";
	else if (!envp[0] || strcmp(envp[0], "USERTESTS_ENV=yes") || !envp[1] ||
		 strcmp(envp[1], "EMPTY=") || envp[2])
		why = "envp";
	else if (environ != envp || !getenv("USERTESTS_ENV"))
		why = "environ";
	else if (getauxval(AT_PAGESZ) != PAGE_SIZE)
		why = "AT_PAGESZ";
	else if (getauxval(AT_ENTRY) != (unsigned long)(uintptr_t)&_start)
		why = "AT_ENTRY";
	else if ((uintptr_t)argv % 8)
		why = "argv alignment";
	if (why) {
		printf("  exec_args: the new image got a bad %s:", why);
		for (int i = 0; i < argc; i++)
			printf(" argv[%d]=\"%s\"", i, argv[i]);
		for (int i = 0; envp[i]; i++)
			printf(" envp[%d]=\"%s\"", i, envp[i]);
		printf("\n");
		return 1;
	}
	return 7;
}

static void spin(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
}

void test_preempt(void)
{
	/* More spinners than harts: without preemption we would never run again. */
	enum { SPINNERS = 8 };
	int pids[SPINNERS];

	for (int i = 0; i < SPINNERS; i++)
		pids[i] = spawn(spin);
	sleep_ms(20);
	for (int i = 0; i < 20; i++)
		sched_yield();
	sleep_ms(20);
	for (int i = 0; i < SPINNERS; i++)
		CHECK_EQ(kill(pids[i], SIGKILL), 0);
	for (int i = 0; i < SPINNERS; i++)
		expect_killed(reap(pids[i]), SIGKILL);
}

/* /proc/harts (Sluice's own): each hart's switches and waits in wfi. */
static int read_harts(unsigned long sw[], unsigned long idle[], int max)
{
	static char buf[2048];
	int fd = open("/proc/harts", O_RDONLY), n = 0;
	long len;

	CHECK(fd >= 0);
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	CHECK(len > 0);
	buf[len] = 0;
	for (char *line = buf; *line && n < max; n++) {
		unsigned int i, id;
		unsigned long steals, placed;
		CHECK_EQ(sscanf(line, "hart%u id %u switches %lu idle %lu steals %lu placed %lu",
				&i, &id, &sw[n], &idle[n], &steals, &placed),
			 6);
		line = strchr(line, '\n');
		CHECK(line);
		line++;
	}
	return n;
}

/*
 * A lone busy process stays on its hart, and the other harts wait in wfi.
 * With one run queue for all harts it went back on the queue at each tick
 * and an idle hart that was kicked took it: it hopped harts every tick.
 */
void test_sched_stays_put(void)
{
	enum { MAX = 32 };
	unsigned long sw0[MAX], idle0[MAX], sw1[MAX], idle1[MAX], others = 0, most = 0;
	struct timespec t, end;
	int n, busiest = 0;
	bool idle_waited = false;

	if (on_linux)
		return;
	n = read_harts(sw0, idle0, MAX);
	if (n < 2)
		return; /* one hart: nowhere to move */
	CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &end), 0);
	end.tv_nsec += 300 * 1000000L; /* 30 ticks at 100 Hz */
	end.tv_sec += end.tv_nsec / 1000000000L;
	end.tv_nsec %= 1000000000L;
	unsigned int cpu, last_cpu = ~0u, moves = 0;
	do { /* busy: no system call that sleeps */
		CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &t), 0);
		CHECK_EQ(syscall3(__NR_getcpu, (long)&cpu, 0, 0), 0);
		moves += last_cpu != ~0u && cpu != last_cpu;
		last_cpu = cpu;
	} while (t.tv_sec < end.tv_sec || (t.tv_sec == end.tv_sec && t.tv_nsec < end.tv_nsec));
	CHECK_EQ(read_harts(sw1, idle1, MAX), n);
	for (int i = 0; i < n; i++)
		if (sw1[i] - sw0[i] > most) {
			most = sw1[i] - sw0[i];
			busiest = i;
		}
	for (int i = 0; i < n; i++) {
		if (i == busiest)
			continue;
		others += sw1[i] - sw0[i];
		/* Waited in wfi meanwhile; or, tickless, in one wfi all along
		 * (no new wait counted, nothing switched to). */
		idle_waited |= idle1[i] > idle0[i] || sw1[i] == sw0[i];
	}
	/*
	 * The busy process must stay put: getcpu, asked thousands of times
	 * over 30 ticks, names one hart (a move or two is allowed: a wake-up
	 * may place it elsewhere once).  With a shared run queue it hopped
	 * nearly every tick.  The harts' switch counts are not the measure: on
	 * a loaded host the other harts' own work (init reaping an earlier
	 * test's orphan) made them as many as the busy hart's.
	 */
	if (moves > 2)
		printf("sched_stays_put: moved %u times; %lu switches on the busy hart, %lu on the "
		       "others\n",
		       moves, most, others);
	CHECK(moves <= 2);
	CHECK(idle_waited);
}

/*
 * Every FP register and fcsr's rounding mode must survive a trip through
 * the kernel while another process uses the FPU.  The asm loads f0-f31 from
 * in[], makes the sched_yield call, and stores them to out[].
 */
/* One FP load or store: "fld f3, 3*8(%0)". */
#define FREG(op, n, base) op " f" #n ", " #n "*8(" base ")\n"
/* clang-format off */
#define FREGS(op, base)                                                               \
	FREG(op, 0, base) FREG(op, 1, base) FREG(op, 2, base) FREG(op, 3, base)       \
	FREG(op, 4, base) FREG(op, 5, base) FREG(op, 6, base) FREG(op, 7, base)       \
	FREG(op, 8, base) FREG(op, 9, base) FREG(op, 10, base) FREG(op, 11, base)     \
	FREG(op, 12, base) FREG(op, 13, base) FREG(op, 14, base) FREG(op, 15, base)   \
	FREG(op, 16, base) FREG(op, 17, base) FREG(op, 18, base) FREG(op, 19, base)   \
	FREG(op, 20, base) FREG(op, 21, base) FREG(op, 22, base) FREG(op, 23, base)   \
	FREG(op, 24, base) FREG(op, 25, base) FREG(op, 26, base) FREG(op, 27, base)   \
	FREG(op, 28, base) FREG(op, 29, base) FREG(op, 30, base) FREG(op, 31, base)
/* clang-format on */

static void fregs_across_yield(const double in[32], double out[32])
{
	__asm__ volatile(FREGS("fld", "%0") "li a7, 124\necall\n" FREGS("fsd", "%1")
			 :
			 : "r"(in), "r"(out)
			 : "a0", "a7", "memory", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7",
			   "f8", "f9", "f10", "f11", "f12", "f13", "f14", "f15", "f16", "f17",
			   "f18", "f19", "f20", "f21", "f22", "f23", "f24", "f25", "f26", "f27",
			   "f28", "f29", "f30", "f31");
}

static unsigned long read_frm(void)
{
	unsigned long frm;

	__asm__ volatile("frrm %0" : "=r"(frm));
	return frm;
}

/* Sum of 1/k^2 in the current rounding mode, yielding now and then. */
static double basel(int n, bool yield)
{
	volatile double sum = 0;

	for (int k = 1; k <= n; k++) {
		sum += 1.0 / ((double)k * k);
		if (yield && k % 64 == 0)
			sched_yield();
	}
	return sum;
}

static unsigned long fp_seed;

static void fp_child(void)
{
	double in[32], out[32], calm, busy;
	unsigned long frm = fp_seed & 1 ? 3 /* RUP */ : 2 /* RDN */;

	__asm__ volatile("fsrm %0" : : "r"(frm));
	for (int i = 0; i < 32; i++)
		in[i] = (double)(fp_seed * 100 + i) + 0.25;
	calm = basel(2000, false);
	for (int round = 0; round < 50; round++) {
		fregs_across_yield(in, out);
		for (int i = 0; i < 32; i++)
			if (in[i] != out[i])
				test_fail(__FILE__, __LINE__, "f%d was %g, came back %g", i, in[i],
					  out[i]);
		CHECK_EQ(read_frm(), frm);
	}
	busy = basel(2000, true);
	CHECK(calm == busy);
	CHECK_EQ(read_frm(), frm);
}

void test_fp_yield(void)
{
	int pids[2];

	for (int i = 0; i < 2; i++) {
		fp_seed = (unsigned long)i + 1;
		pids[i] = spawn(fp_child);
	}
	for (int i = 0; i < 2; i++)
		expect_exit(reap(pids[i]), 0);
}

static void own_group_and_sleep(void)
{
	struct timespec ts = {.tv_sec = 3600};

	CHECK_EQ(syscall2(154 /* setpgid */, 0, 0), 0);
	CHECK_EQ(syscall1(155 /* getpgid */, 0), getpid());
	for (;;)
		nanosleep(&ts, NULL);
}

/* A child in a group of its own dies of a signal sent to the group. */
void test_process_group(void)
{
	int pid = spawn(own_group_and_sleep);
	struct timespec ts = {.tv_nsec = 50 * 1000 * 1000};

	/* Wait until the child has its own group (setpgid ran). */
	for (int i = 0; i < 100 && syscall1(155, pid) != pid; i++)
		nanosleep(&ts, NULL);
	CHECK_EQ(syscall1(155, pid), pid);
	CHECK(syscall1(155, 0) != pid); /* we are not in it */
	CHECK_EQ(syscall2(129 /* kill */, -pid, 15 /* SIGTERM */), 0);
	CHECK_EQ(WTERMSIG(reap(pid)), SIGTERM);
	CHECK_EQ(syscall2(129, -pid, 0), -ESRCH); /* the group is gone */
	CHECK_EQ(syscall2(154, 0, -1), -EINVAL);
}

/* A child asleep in read(2) on a pipe nobody writes. */
static int sleeper_pipe[2];

static void read_forever(void)
{
	char c;

	syscall3(__NR_read, sleeper_pipe[0], (long)&c, 1);
}

static long read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	long n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/*
 * /proc/<pid>/syscall, as Linux writes it: the call a process sleeps in
 * (number, then the argument registers in hex), "running" for one that
 * runs; /proc/<pid>/stack, the kernel functions it sleeps in.  (The fuzzer's supervisor says where a stuck worker is with it.)
 * On Linux under qemu-riscv64 the file shows the host's registers: skipped.
 */
void test_proc_syscall(void)
{
	struct timespec ts = {.tv_nsec = 10 * 1000 * 1000};
	char path[40], buf[256];
	long nr = -2;
	unsigned long a0 = 0, a1 = 0, a2 = 0;

	if (on_linux)
		return;
	CHECK_EQ(pipe(sleeper_pipe), 0);
	int pid = spawn(read_forever);
	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	for (int i = 0; i < 200 && nr != __NR_read; i++) {
		nanosleep(&ts, NULL);
		CHECK(read_text(path, buf, sizeof(buf)) > 0);
		if (sscanf(buf, "%ld 0x%lx 0x%lx 0x%lx", &nr, &a0, &a1, &a2) != 4)
			nr = -2;
	}
	CHECK_EQ(nr, __NR_read);
	CHECK_EQ(a0, (unsigned long)sleeper_pipe[0]);
	CHECK_EQ(a2, 1);
	/* /proc/<pid>/stack: the kernel functions it sleeps in, innermost first. */
	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	CHECK(read_text(path, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "[<0>] ") == buf && strstr(buf, "pipe_read+0x") &&
	      strstr(buf, "sys_read+0x"));
	snprintf(path, sizeof(path), "/proc/%d/syscall", getpid());
	CHECK(read_text(path, buf, sizeof(buf)) > 0);
	CHECK(strcmp(buf, "running\n") == 0);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	expect_killed(reap(pid), SIGKILL);
}

/* The count on /proc/...traps's "syscall <nr> <count> <name>" line for nr,
 * and (in *ecall) its ecall-u line's; -1 if the file cannot be read. */
static long traps_syscall_count(const char *path, long nr, long *ecall)
{
	static char buf[16384];
	long n = 0, r, got = 0, c, cause, count;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while (n < (long)sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = '\0';
	*ecall = 0;
	for (char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (sscanf(l, "syscall %ld %ld", &c, &count) == 2 && c == nr)
			got = count;
		else if (sscanf(l, "%ld %ld ecall-u", &cause, &count) == 2 && cause == 8)
			*ecall = count;
	}
	return got;
}

/*
 * /proc/traps and /proc/<pid>/traps count each system call by name
 * (docs/proc.md): N getpid calls make getpid's count grow by at least N,
 * in the whole system's file and exactly by N in this process's; a number
 * in neither range counts as "syscall -1 ... unknown"; ecall-u grows too.
 */
void test_proc_traps_syscalls(void)
{
	const long n = 1000;
	char self[40];
	long e0, e1, se0, se1;

	if (on_linux)
		return; /* Sluice's own file */
	snprintf(self, sizeof(self), "/proc/%d/traps", getpid());
	long all0 = traps_syscall_count("/proc/traps", __NR_getpid, &e0);
	long mine0 = traps_syscall_count(self, __NR_getpid, &se0);
	long bad0 = traps_syscall_count(self, -1, &se0);
	CHECK(all0 >= 0 && mine0 >= 0);
	for (long i = 0; i < n; i++)
		syscall0(__NR_getpid);
	CHECK_EQ(syscall0(777), -38); /* Linux ENOSYS; in neither range: counted as -1 */
	long all1 = traps_syscall_count("/proc/traps", __NR_getpid, &e1);
	long mine1 = traps_syscall_count(self, __NR_getpid, &se1);
	CHECK(all1 - all0 >= n);
	CHECK_EQ(mine1 - mine0, n);
	CHECK_EQ(traps_syscall_count(self, -1, &se1) - bad0, 1);
	CHECK(e1 - e0 >= n && se1 - se0 >= n);
}

/* A child's calls in three slots far apart: the first, a high one, and the
 * "unknown" slot at the end.  None of them is implemented, so nothing
 * else in the system makes them. */
static void make_rare_calls(void)
{
	for (int i = 0; i < 5; i++)
		syscall0(0); /* io_setup */
	for (int i = 0; i < 7; i++)
		syscall0(449); /* futex_waitv */
	for (int i = 0; i < 3; i++)
		syscall0(777); /* in neither range */
}

/*
 * When a process ends, its counts move to /proc/traps's totals (exit.c's
 * syscalls_retire, which skips empty runs of slots): the totals after it
 * is reaped have grown by exactly its calls, in the first slot, a high
 * one and the last.
 */
void test_proc_traps_retired(void)
{
	long e;

	if (on_linux)
		return; /* Sluice's own file */
	long first0 = traps_syscall_count("/proc/traps", 0, &e);
	long high0 = traps_syscall_count("/proc/traps", 449, &e);
	long bad0 = traps_syscall_count("/proc/traps", -1, &e);
	int status = reap(spawn(make_rare_calls));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(traps_syscall_count("/proc/traps", 0, &e) - first0, 5);
	CHECK_EQ(traps_syscall_count("/proc/traps", 449, &e) - high0, 7);
	CHECK_EQ(traps_syscall_count("/proc/traps", -1, &e) - bad0, 3);
}
