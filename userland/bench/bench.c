/*
 * bench - what the kernel's basic operations cost, in guest instructions
 * and nanoseconds of virtual time (make bench runs it under QEMU with
 * -icount shift=0, where instret counts retired instructions exactly and
 * time advances with them).
 *
 * instret counts every instruction the hart retires: the program's, the
 * kernel's and the firmware's.  Each figure is the mean over many
 * iterations of a loop, so the loop's own few instructions are included.
 * Prints "bench: <operation> <instructions> instr <ns> ns" lines.
 *
 * bench --mixed W N runs only the mixed memory load instead (see
 * bench_mixed): W processes at once, N rounds each; bench --fork only
 * fork+exit+wait (docs/labs/pagefaults.md grades it).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscall.h"

#define PAGE 4096

static inline uint64_t rd_instret(void)
{
	uint64_t v;
	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

static inline uint64_t rd_time(void)
{
	uint64_t v;
	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}

static uint64_t timebase_hz = 10000000; /* QEMU virt; the kernel's banner says */
static uint64_t t0_instret, t0_time;

static void start(void)
{
	t0_time = rd_time();
	t0_instret = rd_instret();
}

static void report(const char *what, long n)
{
	uint64_t di = rd_instret() - t0_instret, dt = rd_time() - t0_time;

	printf("bench: %-28s %8llu instr %9llu ns\n", what, (unsigned long long)(di / (uint64_t)n),
	       (unsigned long long)(dt * 1000000000ull / timebase_hz / (uint64_t)n));
}

/*
 * The null syscall, from ecall to the next user instruction: the same loop
 * is timed with the ecall replaced by a nop, and that loop's cost taken
 * off (the nop stands in for the ecall's own slot).
 */
static void bench_null_syscall(void)
{
	const long n = 20000;
	uint64_t i0, i1, i2, t0, t1, t2;

	t0 = rd_time();
	i0 = rd_instret();
	for (long i = 0; i < n; i++) {
		register long a7 __asm__("a7") = __NR_getpid;
		register long a0 __asm__("a0");
		__asm__ volatile("ecall" : "=r"(a0) : "r"(a7) : "memory");
	}
	i1 = rd_instret();
	t1 = rd_time();
	for (long i = 0; i < n; i++) {
		register long a7 __asm__("a7") = __NR_getpid;
		register long a0 __asm__("a0");
		__asm__ volatile("nop" : "=r"(a0) : "r"(a7) : "memory");
	}
	i2 = rd_instret();
	t2 = rd_time();
	uint64_t di = (i1 - i0) - (i2 - i1) + (uint64_t)n; /* + the ecall itself */
	uint64_t dt = (t1 - t0) - (t2 - t1);
	printf("bench: %-28s %8llu instr %9llu ns\n", "null syscall (getpid)",
	       (unsigned long long)(di / (uint64_t)n),
	       (unsigned long long)(dt * 1000000000ull / timebase_hz / (uint64_t)n));
}

static void bench_write_null(void)
{
	const long n = 20000;
	char c = 'x';
	long fd =
		syscall4(__NR_openat, -100 /* AT_FDCWD */, (long)"/dev/null", 1 /* O_WRONLY */, 0);

	if (fd < 0) {
		printf("bench: cannot open /dev/null (%ld)\n", fd);
		return;
	}
	start();
	for (long i = 0; i < n; i++)
		syscall3(__NR_write, fd, (long)&c, 1);
	report("write 1 byte to /dev/null", n);
	syscall1(__NR_close, fd);
}

static void bench_fork_exit_wait(void)
{
	const long n = 200;

	start();
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
	report("fork+exit+wait", n);
}

static void bench_fork_exec_wait(const char *self, const char *what)
{
	const long n = 100;
	char *argv[] = {(char *)self, "--exit", NULL};

	start();
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			execve(self, argv, NULL);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
	}
	report(what, n);
}

static void bench_demand_zero(void)
{
	const long pages = 2048;
	volatile char *p = (volatile char *)sbrk(pages * PAGE);

	start();
	for (long i = 0; i < pages; i++)
		p[i * PAGE] = 1;
	report("demand-zero fault (incl. zeroing)", pages);
	sbrk(-pages * PAGE);
}

static void bench_cow(void)
{
	const long pages = 1024;
	volatile char *p = malloc(pages * PAGE);

	for (long i = 0; i < pages; i++)
		p[i * PAGE] = 1; /* present, private */
	pid_t pid = fork();
	if (pid == 0) {
		/* Hold the shared pages until the parent has written them all. */
		struct timespec ts = {3600, 0};
		nanosleep(&ts, NULL);
		_exit(0);
	}
	start();
	for (long i = 0; i < pages; i++)
		p[i * PAGE] = 2;
	report("copy-on-write fault (incl. copy)", pages);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	free((void *)p);
}

/*
 * Pipe ping-pong: one byte back and forth between two processes over two
 * pipes, on one hart, so each read of an empty pipe switches to the other
 * process.  Two switches per round trip.
 */
/*
 * The first load from each page of a private mapping of a ramfs file
 * whose pages exist (the page cache's hit): the fault asks the file
 * system for its page and maps it read-only.
 */
static void bench_file_mmap(void)
{
	const long pages = 1024;
	static char page[PAGE];
	int fd = open("/tmp/bench-mmap", O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0) {
		printf("bench: cannot create /tmp/bench-mmap: no file mmap figure\n");
		return;
	}
	for (long i = 0; i < pages; i++)
		write(fd, page, PAGE);
	volatile char *p = mmap(NULL, pages * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		printf("bench: mmap of /tmp/bench-mmap failed: no file mmap figure\n");
	} else {
		start();
		for (long i = 0; i < pages; i++)
			(void)p[i * PAGE];
		report("file mmap fault (cached page)", pages);
		munmap((void *)p, pages * PAGE);
	}
	close(fd);
	unlink("/tmp/bench-mmap");
}

static void bench_pipe_pingpong(void)
{
	const long rounds = 2000;
	int ab[2], ba[2];
	char c = 'x';

	if (pipe(ab) < 0 || pipe(ba) < 0) {
		printf("bench: pipe: %s\n", strerror(errno));
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(ab[1]); /* or it would never see end of file */
		close(ba[0]);
		while (read(ab[0], &c, 1) == 1)
			write(ba[1], &c, 1);
		_exit(0);
	}
	close(ab[0]);
	close(ba[1]);
	start();
	for (long i = 0; i < rounds; i++) {
		write(ab[1], &c, 1);
		read(ba[0], &c, 1);
	}
	report("pipe ping-pong (per switch)", 2 * rounds);
	close(ab[1]); /* the child reads end of file and exits */
	waitpid(pid, NULL, 0);
	close(ba[0]);
}

/* --- threads: raw clone and futex, as glibc's pthreads use them --- */

#define CLONE_THREAD_FLAGS                                                                         \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |        \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)
#define FUTEX_WAIT	   0
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static long futex(volatile uint32_t *w, long op, long val)
{
	return syscall6(__NR_futex, (long)w, op, val, 0, 0, 0);
}

/* clone a thread that runs fn(arg) on stack, then exits (clone_call). */
static long thread_clone(void *stack, volatile uint32_t *tid, long (*fn)(void *), void *arg)
{
	return clone_call(CLONE_THREAD_FLAGS, stack, (int *)tid, 0, (int *)tid, fn, arg);
}

/* The kernel's wake at the thread's exit is a shared one (as Linux's): a
 * private wait would not see it. */
static void thread_join(volatile uint32_t *tid)
{
	uint32_t t;

	while ((t = *tid) != 0)
		futex(tid, FUTEX_WAIT, t);
}

static long thread_nothing(void *arg)
{
	return (long)arg;
}

static char thread_stack[16384] __attribute__((aligned(16)));

/* pthread_create + pthread_join's kernel part: clone, exit, the tid word's wake-up. */
static void bench_thread_create_join(void)
{
	const long rounds = 200;
	volatile uint32_t tid;

	start();
	for (long i = 0; i < rounds; i++) {
		tid = 0;
		if (thread_clone(thread_stack + sizeof(thread_stack), &tid, thread_nothing, 0) <
		    0) {
			printf("bench: clone: a thread: %s\n", strerror(errno));
			return;
		}
		thread_join(&tid);
	}
	report("thread create+join", rounds);
}

/*
 * nanosleep(100 us): the virtual time a sleep takes from the call to the
 * return (the ns column), which the timer brought forward to the deadline
 * keeps near 100 us; a tick-driven sleep took up to the next 10 ms tick.
 */
static void bench_nanosleep(void)
{
	const long rounds = 50;
	struct timespec t = {0, 100000};

	start();
	for (long i = 0; i < rounds; i++)
		syscall2(__NR_nanosleep, (long)&t, 0);
	report("nanosleep(100 us)", rounds);
}

static volatile uint32_t turn; /* 0: main's turn, 1: the thread's */
static const long handoffs = 2000;

static long ping_back(void *arg)
{
	for (long i = 0; i < handoffs; i++) {
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 1)
			futex(&turn, FUTEX_WAIT_PRIVATE, 0);
		__atomic_store_n(&turn, 0, __ATOMIC_RELEASE);
		futex(&turn, FUTEX_WAKE_PRIVATE, 1);
	}
	return (long)arg;
}

/* Two threads on one hart handing a turn back and forth through a futex:
 * a wait, a wake and a switch each way. */
static void bench_futex_handoff(void)
{
	volatile uint32_t tid = 0;

	turn = 0;
	if (thread_clone(thread_stack + sizeof(thread_stack), &tid, ping_back, 0) < 0)
		return;
	start();
	for (long i = 0; i < handoffs; i++) {
		__atomic_store_n(&turn, 1, __ATOMIC_RELEASE);
		futex(&turn, FUTEX_WAKE_PRIVATE, 1);
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 0)
			futex(&turn, FUTEX_WAIT_PRIVATE, 1);
	}
	report("futex handoff (per switch)", 2 * handoffs);
	thread_join(&tid);
}

/* create + write 4 KiB + close + unlink of one file in dir. */
static void bench_create_unlink(const char *dir, const char *what)
{
	const long n = 200;
	static char block[4096];
	char path[128];
	struct statfs sf;

	if (statfs(dir, &sf) < 0) {
		printf("bench: %s: %s: skipped\n", dir, strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/bench.tmp", dir);
	memset(block, 'b', sizeof(block));
	start();
	for (long i = 0; i < n; i++) {
		int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		if (fd < 0 || write(fd, block, sizeof(block)) != (ssize_t)sizeof(block)) {
			printf("bench: %s: %s\n", path, strerror(errno));
			return;
		}
		close(fd);
		unlink(path);
	}
	report(what, n);
}

/*
 * Scaling over harts (bench --scale): the same load run by 1 process and
 * by procs independent processes at once, between two marker
 * instructions that make bench's QEMU plugin (test/qemu/hartinsn.c)
 * answers with every hart's instruction count.  "slli x0, x0, N" writes
 * x0: a HINT reserved for custom use, a no-op on any hart.
 */
#define MARK(n) __asm__ volatile("slli x0, x0, %0" ::"i"(n) : "memory")

/*
 * One demand-zero fault per op: touch each page of one fresh mapping, then
 * unmap it all at once, so that the one TLB shootdown of the munmap is
 * spread over every fault (the loads measure the fault path and the page
 * frees, not shootdowns).
 */
static void load_faults(long ops)
{
	char *p =
		mmap(NULL, ops * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(1);
	for (long i = 0; i < ops; i++)
		((volatile char *)p)[i * PAGE] = 1;
	munmap(p, ops * PAGE);
}

static void load_fork(long ops)
{
	for (long i = 0; i < ops; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
}

static void load_getpid(long ops)
{
	for (long i = 0; i < ops; i++)
		syscall0(__NR_getpid);
}

/*
 * Start procs workers, let them all block, then mark, release them at
 * once, and mark again when each has said it is done: the marks bracket
 * the loads only, not the workers' exits (an exit's TLB shootdown is not
 * the load's cost).  mark_start and mark_start + 1 must be constants for
 * MARK, hence the switches.
 */
static void scale_run(const char *what, int mark_start, int procs, long ops, void (*load)(long))
{
	int go[2], ready[2];
	char c = 0;

	if (pipe(go) < 0 || pipe(ready) < 0) {
		printf("bench: pipe: %s\n", strerror(errno));
		return;
	}
	for (int i = 0; i < procs; i++) {
		if (fork() == 0) {
			close(go[1]);
			write(ready[1], &c, 1);
			read(go[0], &c, 1); /* end of file: the parent let go */
			load(ops);
			write(ready[1], &c, 1);
			_exit(0);
		}
	}
	for (int i = 0; i < procs; i++)
		read(ready[0], &c, 1);
	printf("bench: scale %s: %d procs x %ld ops, marks %d %d\n", what, procs, ops, mark_start,
	       mark_start + 1);
	switch (mark_start) {
	case 1:
		MARK(1);
		break;
	case 3:
		MARK(3);
		break;
	case 5:
		MARK(5);
		break;
	}
	close(go[1]);
	for (int i = 0; i < procs; i++)
		read(ready[0], &c, 1);
	switch (mark_start) {
	case 1:
		MARK(2);
		break;
	case 3:
		MARK(4);
		break;
	case 5:
		MARK(6);
		break;
	}
	for (int i = 0; i < procs; i++)
		wait(NULL);
	close(go[0]);
	close(ready[0]);
	close(ready[1]);
}

/* Every load, or only the one named (for profiling one). */
static void bench_scale(int procs, const char *only, long ops)
{
	if (!only || !strcmp(only, "faults"))
		scale_run("faults", 1, procs, ops ? ops : 8192, load_faults);
	if (!only || !strcmp(only, "fork"))
		scale_run("fork+exit+wait", 3, procs, ops ? ops : 200, load_fork);
	if (!only || !strcmp(only, "getpid"))
		scale_run("getpid", 5, procs, ops ? ops : 200000, load_getpid);
}

/*
 * fork+exit+wait while 800 other processes exist (sleeping in read):
 * wait4 and exit should not cost more for processes that are not the
 * caller's children.  800, not more: 128 MiB allows 989 processes
 * (threads-max, RAM / 128 KiB), and the timed loop needs room for its own.
 */
static void bench_fork_idle_procs(void)
{
	const int idle = 800;
	int hold[2];
	char c;
	int made = 0;

	if (pipe(hold) < 0)
		return;
	for (; made < idle; made++) {
		pid_t pid = fork();
		if (pid < 0)
			break;
		if (pid == 0) {
			close(hold[1]);
			read(hold[0], &c, 1);
			_exit(0);
		}
	}
	if (made < idle)
		printf("bench: only %d idle processes could be made\n", made);
	start();
	long i;
	for (i = 0; i < 200; i++) {
		pid_t pid = fork();
		if (pid < 0) /* no room: waitpid(-1) would wait for an idle one */
			break;
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
	if (i == 200)
		report("fork+exit+wait, 800 idle procs", 200);
	else
		printf("bench: fork failed with %d idle processes: no figure\n", made);
	close(hold[1]);
	close(hold[0]);
	while (made-- > 0)
		wait(NULL);
}

/* A count from /proc/vmstat, or -1 if the kernel has no such line. */
static long vmstat(const char *name)
{
	static char buf[1024];
	size_t len = strlen(name);
	int fd = open("/proc/vmstat", O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (char *line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : 0)
		if (strncmp(line, name, len) == 0 && line[len] == ' ')
			return strtol(line + len + 1, NULL, 10);
	return -1;
}

#define MIXED_OPS_PER_ROUND 4

/*
 * One worker of the mixed load: each round is four operations on the
 * address space, the ones that change or drop translations: mmap (then
 * touch its pages), mprotect, munmap, and fork + exit + wait of a child
 * that writes a copy-on-write page and unmaps a page before it exits.
 */
static void mixed_worker(long rounds)
{
	volatile char *heap = malloc(PAGE), *keep = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
							 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	heap[0] = keep[0] = 1;
	for (long r = 0; r < rounds; r++) {
		volatile char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(2);
		for (int i = 0; i < 4; i++)
			p[i * PAGE] = (char)r;
		if (mprotect((void *)p, 2 * PAGE, PROT_READ) || munmap((void *)p, 4 * PAGE))
			_exit(3);
		pid_t pid = fork();
		if (pid == 0) {
			heap[0] = 2; /* a copy-on-write fault */
			munmap((void *)keep, PAGE);
			_exit(heap[0] == 2 ? 0 : 4);
		}
		int status;
		if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
			_exit(5);
	}
	_exit(0);
}

/*
 * The mixed load: workers processes at once, each doing rounds rounds.
 * Under -icount shift=0 virtual time advances by one nanosecond per
 * instruction retired on any hart, so the elapsed time is the guest
 * instructions of all harts together: operations per virtual second are
 * operations per second per hart, had each hart run one instruction per
 * nanosecond.  Remote flushes are the kernel's SBI RFENCE calls.
 */
static int bench_mixed(long workers, long rounds)
{
	long remote0 = vmstat("nr_tlb_remote_flush");
	long harts0 = vmstat("nr_tlb_remote_flush_received");
	long all0 = vmstat("nr_tlb_local_flush_all"), one0 = vmstat("nr_tlb_local_flush_one");
	long owed0 = vmstat("sluice_tlb_deferred_flush");
	long ops = workers * rounds * MIXED_OPS_PER_ROUND, failed = 0;
	uint64_t t0 = rd_time();

	for (long w = 0; w < workers; w++)
		if (fork() == 0)
			mixed_worker(rounds);
	for (long w = 0; w < workers; w++) {
		int status;
		if (wait(&status) < 0 || status != 0)
			failed++;
	}
	uint64_t ns = (rd_time() - t0) * 1000000000ull / timebase_hz;
	/* Thousandths of a flush per operation; -1: the kernel does not count. */
	long remote = remote0 < 0 ? -1 : (vmstat("nr_tlb_remote_flush") - remote0) * 1000 / ops;
	long reached =
		harts0 < 0 ? -1 : (vmstat("nr_tlb_remote_flush_received") - harts0) * 1000 / ops;

	printf("bench: mixed load: %ld workers x %ld rounds = %ld ops, %llu ns, %llu instr/op, "
	       "%llu ops/s per hart, %ld.%03ld remote flushes/op, %ld.%03ld harts reached/op%s\n",
	       workers, rounds, ops, (unsigned long long)ns, (unsigned long long)(ns / ops),
	       (unsigned long long)(ops * 1000000000ull / (ns ? ns : 1)), remote / 1000,
	       remote % 1000, reached / 1000, reached % 1000, failed ? " (a worker FAILED)" : "");
	if (all0 >= 0 && one0 >= 0 && owed0 >= 0) {
		long all = (vmstat("nr_tlb_local_flush_all") - all0) * 1000 / ops;
		long one = (vmstat("nr_tlb_local_flush_one") - one0) * 1000 / ops;
		long owed = (vmstat("sluice_tlb_deferred_flush") - owed0) * 1000 / ops;

		printf("bench: mixed load: local flushes per op: %ld.%03ld whole, "
		       "%ld.%03ld by page, %ld.%03ld of them owed and paid late\n",
		       all / 1000, all % 1000, one / 1000, one % 1000, owed / 1000, owed % 1000);
	}
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--exit") == 0)
		return 0;
	if (argc > 1 && strcmp(argv[1], "--fork") == 0) { /* the page-fault lab's figure */
		bench_fork_exit_wait();
		printf("bench: done\n");
		return 0;
	}
	if (argc > 3 && strcmp(argv[1], "--mixed") == 0)
		return bench_mixed(strtol(argv[2], NULL, 0), strtol(argv[3], NULL, 0));
	if (argc > 2 && strcmp(argv[1], "--timebase") == 0)
		timebase_hz = strtoull(argv[2], NULL, 0);
	if (argc > 2 && strcmp(argv[1], "--scale") == 0) {
		bench_scale(atoi(argv[2]), argc > 3 ? argv[3] : NULL, argc > 4 ? atol(argv[4]) : 0);
		printf("bench: done\n");
		return 0;
	}
	printf("bench: starting (timebase %llu Hz)\n", (unsigned long long)timebase_hz);
	/* fork and exec first, while this process is small (as the targets
	 * assume): the memory benchmarks leave it holding thousands of pages. */
	bench_null_syscall();
	bench_write_null();
	bench_fork_exit_wait();
	bench_fork_exec_wait("/bin/bench", "fork+exec+wait");
	/* The smallest program, linked at fixed addresses and as a static-pie
	 * (ET_DYN: exec picks its base), to show what position independence costs. */
	bench_fork_exec_wait("/bin/exit0", "fork+exec+wait exit0");
	if (access("/bin/exit0-pie", X_OK) == 0)
		bench_fork_exec_wait("/bin/exit0-pie", "fork+exec+wait exit0 (pie)");
	bench_fork_idle_procs();
	bench_demand_zero();
	bench_cow();
	bench_file_mmap();
	bench_pipe_pingpong();
	bench_thread_create_join();
	bench_futex_handoff();
	bench_nanosleep();
	bench_create_unlink("/tmp", "create+write 4K+close+unlink (ramfs)");
	struct statfs sf;
	if (statfs("/mnt", &sf) == 0 && sf.f_type == 0xEF53)
		bench_create_unlink("/mnt", "create+write 4K+close+unlink (ext2)");
	else
		printf("bench: no ext2 file system on /mnt: no ext2 figure\n");
	printf("bench: done\n");
	return 0;
}
