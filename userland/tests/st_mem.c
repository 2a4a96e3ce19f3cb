/*
 * st_mem.c - memory hogs and the out-of-memory killer; kernel allocations
 * failing at every level of free memory.
 *
 * The killer must pick the process with the most resident pages, never
 * init: a hog that faults its own pages dies (SIGKILL), and so does one
 * whose pages the kernel faults in for it (read() into fresh memory).  A
 * small process that runs out while a big one sleeps must survive: the big
 * one dies, promptly, though it is asleep.  With memory held at k free
 * pages, for k from 160 down to 0, system calls that allocate (fork, exec,
 * open, pipe, mmap, create, mkdir) succeed or fail with ENOMEM or EAGAIN,
 * and every page comes back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stress.h"

#define HOG_SIZE (4ul << 30) /* more than any test machine has */

static char *map_anon(size_t len)
{
	long p = syscall6(__NR_mmap, 0, (long)len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p < 0 && p > -4096)
		test_fail(__FILE__, __LINE__, "mmap(%lu): %ld", (unsigned long)len, p);
	return (char *)p;
}

/* --- hogs that should die --- */

static void hog_touch(void)
{
	volatile char *p = map_anon(HOG_SIZE);

	for (size_t off = 0; off < HOG_SIZE; off += PAGE_SIZE)
		p[off] = 1;
	test_fail(__FILE__, __LINE__, "touched 4 GiB without running out of memory");
}

/* The largest process, a hog touching its pages, is the one killed. */
void test_oom_hog(void)
{
	expect_killed(reap(spawn(hog_touch)), SIGKILL);
}

/* Touched pages first (quick), then the kernel's copy from /dev/zero
 * faults in the rest: the fault that finds nothing is the kernel's. */
static void hog_copy(void)
{
	char *p = map_anon(HOG_SIZE);
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)"/dev/zero", 0, 0);
	size_t off = 0;

	CHECK(fd >= 0);
	for (; free_pages() > 4096; off += PAGE_SIZE)
		p[off] = 1;
	for (int efaults = 0; off < HOG_SIZE;) {
		long n = syscall3(__NR_read, fd, (long)(p + off), 1l << 20);
		CHECK(n > 0 || n == -EFAULT);
		/* EFAULT: this process was chosen, SIGKILL comes on the way out;
		 * over and over, it was not. */
		if (n == -EFAULT && ++efaults == 100)
			syscall1(__NR_exit, 3); /* no printf: it would fault, and die */
		off += n > 0 ? (size_t)n : 0;
	}
	test_fail(__FILE__, __LINE__, "read 4 GiB without running out of memory");
}

/* The same when the kernel's copy to user memory faults the pages in. */
void test_oom_copy_hog(void)
{
	expect_killed(reap(spawn(hog_copy)), SIGKILL);
}

/* --- a sleeping hog and a small process that runs out --- */

#define RESERVE 1024 /* pages the sleeping hog leaves free */

static int ready_pipe[2], block_pipe[2];
static int sleep_kind; /* 0: in a pipe read, 1: in nanosleep */

/* Take all but RESERVE free pages, say so, then sleep until killed. */
static void sleeping_hog(void)
{
	volatile char *p = map_anon(HOG_SIZE);
	char c = 'r';

	for (size_t off = 0; free_pages() > RESERVE; off += PAGE_SIZE)
		p[off] = 1;
	write_full(ready_pipe[1], &c, 1);
	if (sleep_kind == 0)
		syscall3(__NR_read, block_pipe[0], (long)&c, 1);
	else
		sleep_ms_all(1000 * 1000);
	test_fail(__FILE__, __LINE__, "the sleeping hog woke up alive");
}

/* Needs more than is free: touches it (by_copy: read() from /dev/zero). */
static bool by_copy;

static void bystander(void)
{
	size_t len = 3 * RESERVE * PAGE_SIZE;
	char *p = map_anon(len);
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)"/dev/zero", 0, 0);

	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		if (by_copy)
			CHECK_EQ(syscall3(__NR_read, fd, (long)(p + off), PAGE_SIZE), PAGE_SIZE);
		else
			p[off] = 1;
	}
}

static void run_bystander(int kind, bool copy)
{
	int hog, small, status, hog_status;
	char c;
	long start;

	sleep_kind = kind;
	by_copy = copy;
	make_pipe(ready_pipe);
	make_pipe(block_pipe);
	hog = spawn(sleeping_hog);
	CHECK_EQ(read_full(ready_pipe[0], &c, 1), 1);
	start = now_ms();
	small = spawn(bystander);
	status = reap(small);
	hog_status = reap_within(hog, 5000);
	if (hog_status < 0) { /* alive: end it, for the next test's sake */
		syscall2(__NR_kill, hog, LINUX_SIGKILL);
		reap(hog);
	}
	expect_exit(status, 0);
	CHECK(hog_status >= 0); /* the killer chose it, though it slept */
	expect_killed(hog_status, SIGKILL);
	/* Promptly: the hog was asleep when it was chosen. */
	CHECK(now_ms() - start < 20000);
	printf("  %s: the small process got %d pages in %ld ms; the sleeping hog was killed\n",
	       copy   ? "oom_copy_bystander"
	       : kind ? "oom_bystander_sleep"
		      : "oom_bystander_pipe",
	       3 * RESERVE, now_ms() - start);
}

void test_oom_bystander_pipe(void)
{
	run_bystander(0, false);
}

void test_oom_bystander_sleep(void)
{
	run_bystander(1, false);
}

void test_oom_copy_bystander(void)
{
	run_bystander(0, true);
}

/* --- kernel allocations failing at every level --- */

/*
 * The sweep needs two fresh programs (stress --sweep and stress --hog): a
 * forked child shares its parent's pages until it writes them, and a write
 * to a shared page needs a new page, which at 0 free pages would bring the
 * out-of-memory killer in.  After exec nothing is shared.
 */
extern char __bss_start[], __bss_end[];
extern char **environ;

/* The hog: holds all but k free pages, k read from cmd, until k < 0. */
int sweep_hog_main(int cmd, int ack)
{
	long total = free_pages(), k, have;
	size_t len = (size_t)total * PAGE_SIZE + (4ul << 20), off = 0;
	volatile char *p = map_anon(len);

	/* A page per 2 MiB now: later each touch takes exactly one page,
	 * never a page table as well. */
	for (size_t t = 0; t < len; t += 2ul << 20)
		p[t] = 1;
	k = 0;
	write_full(ack, &k, sizeof(k));
	while (read_full(cmd, &k, sizeof(k)) == sizeof(k) && k >= 0) {
		while ((have = free_pages()) > k && off < len) {
			p[off] = 1;
			off += PAGE_SIZE;
		}
		write_full(ack, &have, sizeof(have));
	}
	return 0;
}

/*
 * Fork; the child exits at once, touching no memory; the parent waits for
 * it, writing none either (status NULL).  The pid, or fork's -errno.
 */
static long fork_exit_wait(void)
{
	register long a0 __asm__("a0") = LINUX_SIGCHLD;
	register long a1 __asm__("a1") = 0, a2 __asm__("a2") = 0, a3 __asm__("a3") = 0;
	register long a4 __asm__("a4") = 0, a7 __asm__("a7") = __NR_clone;

	__asm__ volatile("ecall\n\t"
			 "bltz a0, 2f\n\t"
			 "bnez a0, 1f\n\t"
			 "li a7, %[exit]\n\t"
			 "ecall\n"
			 "1:\n\t"
			 "li a1, 0\n\t"
			 "li a2, 0\n\t"
			 "li a3, 0\n\t"
			 "li a7, %[wait4]\n\t"
			 "ecall\n"
			 "2:"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a7)
			 : "r"(a4), [exit] "i"(__NR_exit), [wait4] "i"(__NR_wait4)
			 : "memory");
	return a0;
}

/*
 * Fork; the child points fd 1 at out and execs path, or exits with the
 * error; the parent waits for it into *status.  Neither touches memory
 * before the child is gone.  The pid, or fork's -errno.
 */
static long fork_exec_wait(const char *path, char *const *argv, int out, int *status)
{
	register long a0 __asm__("a0") = LINUX_SIGCHLD;
	register long a1 __asm__("a1") = 0, a2 __asm__("a2") = 0, a3 __asm__("a3") = 0;
	register long a4 __asm__("a4") = 0, a7 __asm__("a7") = __NR_clone;
	register long t2 __asm__("t2") = (long)status, t3 __asm__("t3") = (long)path;
	register long t4 __asm__("t4") = (long)argv, t5 __asm__("t5") = (long)environ;
	register long t6 __asm__("t6") = out;

	__asm__ volatile("ecall\n\t"
			 "bltz a0, 2f\n\t"
			 "bnez a0, 1f\n\t"
			 "mv a0, t6\n\t"
			 "li a1, 1\n\t"
			 "li a2, 0\n\t"
			 "li a7, %[dup3]\n\t"
			 "ecall\n\t"
			 "mv a0, t3\n\t"
			 "mv a1, t4\n\t"
			 "mv a2, t5\n\t"
			 "li a7, %[execve]\n\t"
			 "ecall\n\t"
			 "neg a0, a0\n\t"
			 "li a7, %[exit]\n\t"
			 "ecall\n"
			 "1:\n\t"
			 "mv a1, t2\n\t"
			 "li a2, 0\n\t"
			 "li a3, 0\n\t"
			 "li a7, %[wait4]\n\t"
			 "ecall\n"
			 "2:"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a7)
			 : "r"(a4), "r"(t2), "r"(t3), "r"(t4), "r"(t5),
			   "r"(t6), [exit] "i"(__NR_exit), [wait4] "i"(__NR_wait4),
			   [dup3] "i"(__NR_dup3), [execve] "i"(__NR_execve)
			 : "memory");
	return a0;
}

enum {
	OP_FORK,
	OP_EXEC,
	OP_OPEN,
	OP_PROC,
	OP_PIPE,
	OP_MMAP,
	OP_CREATE,
	OP_MKDIR,
	OP_DUP,
	OP_COUNT
};
static const char *const op_names[OP_COUNT] = {
	"fork", "exec", "open", "proc", "pipe", "mmap", "create", "mkdir", "dup",
};

static struct {
	long ok[OP_COUNT], nomem[OP_COUNT];
	int bad_op, bad_level;
	long bad_value;
	int null_fd;
	char buf[4096];
} sw;

/* Record one result: success, ENOMEM/EAGAIN, or (the first) anything else. */
static void sw_note(int op, int level, long r)
{
	if (r >= 0) {
		sw.ok[op]++;
	} else if (r == -ENOMEM || (op == OP_FORK && r == -EAGAIN)) {
		sw.nomem[op]++;
	} else if (!sw.bad_value) {
		sw.bad_op = op;
		sw.bad_level = level;
		sw.bad_value = r;
	}
}

static long sw_open_close(const char *path, long flags)
{
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)path, flags, 0644);

	if (fd >= 0 && flags == 0)
		fd = syscall3(__NR_read, fd, (long)sw.buf, sizeof(sw.buf)) < 0 ? -EIO : fd;
	if (fd >= 0)
		syscall1(__NR_close, fd);
	return fd;
}

static long sw_exec(void)
{
	static char *const argv[] = {"tight", NULL};
	int status = 0;
	long pid = fork_exec_wait("/bin/tight", argv, sw.null_fd, &status);

	if (pid < 0)
		return pid;
	if (status & 0x7f)
		return -1000 - (status & 0x7f); /* killed: unexpected */
	return status ? -((status >> 8) & 0xff) : 0;
}

static long sw_create(void)
{
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)"/tmp/sweep-file", LINUX_O_CREAT | 1,
			   0644);
	long r = fd;

	if (fd >= 0) {
		r = syscall3(__NR_write, fd, (long)sw.buf, 100);
		syscall1(__NR_close, fd);
	}
	/* Also when the open failed: the file may have been made before. */
	long u = syscall3(__NR_unlinkat, LINUX_AT_FDCWD, (long)"/tmp/sweep-file", 0);
	if (u && u != -ENOENT && u != -ENOMEM && !sw.bad_value)
		sw.bad_value = u;
	return r == -ENOSPC ? -ENOMEM : r;
}

static long sw_pipe(void)
{
	int fds[2];
	long r = syscall2(__NR_pipe2, (long)fds, 0);

	if (r == 0) {
		syscall1(__NR_close, fds[0]);
		syscall1(__NR_close, fds[1]);
	}
	return r;
}

static long sw_mmap(void)
{
	long r = syscall6(__NR_mmap, 0, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (r >= 0 || r < -4096)
		syscall2(__NR_munmap, r, PAGE_SIZE);
	return r;
}

static long sw_mkdir(void)
{
	long r = syscall3(__NR_mkdirat, LINUX_AT_FDCWD, (long)"/tmp/sweep-dir", 0755);

	if (r == 0)
		syscall3(__NR_unlinkat, LINUX_AT_FDCWD, (long)"/tmp/sweep-dir", LINUX_AT_REMOVEDIR);
	return r;
}

static long sw_dup(void)
{
	long r = syscall1(__NR_dup, 0);

	if (r >= 0)
		syscall1(__NR_close, r);
	return r;
}

static long sw_open(void)
{
	return sw_open_close("/dev/null", 1);
}

static long sw_proc(void)
{
	return sw_open_close("/proc/meminfo", 0);
}

static long (*const sw_ops[OP_COUNT])(void) = {
	fork_exit_wait, sw_exec, sw_open, sw_proc, sw_pipe, sw_mmap, sw_create, sw_mkdir, sw_dup,
};
static int sw_only = -1; /* stress --sweep NAME: that call alone */

static void sw_battery(int k)
{
	for (int op = 0; op < OP_COUNT; op++)
		if (sw_only < 0 || sw_only == op)
			sw_note(op, k, sw_ops[op]());
}

/* Levels: 160 free pages down to 0, one at a time below 64. */
static long sw_top = 160, sw_bottom = 0;

static void sw_levels(int cmd, int ack)
{
	for (long k = sw_top; k >= sw_bottom; k -= k > 64 ? 8 : 1) {
		long have;
		write_full(cmd, &k, sizeof(k));
		CHECK_EQ(read_full(ack, &have, sizeof(have)), sizeof(have));
		sw_battery((int)k);
	}
}

/* Report what each call did over the levels; fail on anything unexpected. */
static void sw_report(void)
{
	for (int op = 0; op < OP_COUNT; op++)
		printf("  kernel_alloc_sweep: %-12s %3ld ok, %3ld ENOMEM/EAGAIN\n", op_names[op],
		       sw.ok[op], sw.nomem[op]);
	if (sw.bad_value)
		test_fail(__FILE__, __LINE__, "%s with %d free pages: %ld", op_names[sw.bad_op],
			  sw.bad_level, sw.bad_value);
	/* With 160 pages free, all but exec (which needs 64 contiguous) work. */
	for (int op = 0; op < OP_COUNT; op++)
		if (op != OP_EXEC && (sw_only < 0 || sw_only == op))
			CHECK(sw.ok[op] > 0);
}

/* stress --sweep [CALL]: the tester, a fresh program (see above). */
int sweep_main(const char *only)
{
	static char cmd_s[16], ack_s[16];
	char *argv[] = {"stress", "--hog", cmd_s, ack_s, NULL};
	int cmd[2], ack[2];
	long hog, k = -1;

	/* SWEEP=TOP,BOTTOM in the environment narrows the levels: to find
	 * where a page goes missing. */
	char *levels = getenv("SWEEP");
	if (levels)
		sscanf(levels, "%ld,%ld", &sw_top, &sw_bottom);
	for (int op = 0; only && op < OP_COUNT; op++)
		if (strcmp(only, op_names[op]) == 0)
			sw_only = op;
	for (volatile char *b = __bss_start; b < __bss_end; b += 512)
		*b = *b; /* every page of ours present and private now */
	touch_stack(64 * 1024);
	sw.null_fd = (int)syscall4(__NR_openat, LINUX_AT_FDCWD, (long)"/dev/null", 1, 0);
	CHECK(sw.null_fd >= 0);
	CHECK_EQ(syscall2(__NR_pipe2, (long)cmd, 0), 0);
	CHECK_EQ(syscall2(__NR_pipe2, (long)ack, 0), 0);
	snprintf(cmd_s, sizeof(cmd_s), "%d", cmd[0]);
	snprintf(ack_s, sizeof(ack_s), "%d", ack[1]);
	printf("  kernel_alloc_sweep: %ld free pages; exec of /bin/tight with them: %ld\n",
	       free_pages(), sw_exec());
	fflush(stdout);
	hog = raw_fork();
	if (hog == 0) {
		syscall3(__NR_execve, (long)"/bin/stress", (long)argv, (long)environ);
		_exit(127);
	}
	CHECK(hog > 0);
	/* Its first word says it runs the new program: nothing shared now. */
	CHECK_EQ(read_full(ack[0], &k, sizeof(k)), sizeof(k));
	sw_levels(cmd[1], ack[0]);
	k = -1;
	write_full(cmd[1], &k, sizeof(k));
	expect_exit(reap((int)hog), 0);
	/* An unlink or rmdir may have failed for want of memory: now it works. */
	syscall3(__NR_unlinkat, LINUX_AT_FDCWD, (long)"/tmp/sweep-file", 0);
	syscall3(__NR_unlinkat, LINUX_AT_FDCWD, (long)"/tmp/sweep-dir", LINUX_AT_REMOVEDIR);
	sw_report();
	return 0;
}

/* The test: the tester as a fresh program too. */
void test_kernel_alloc_sweep(void)
{
	char *argv[] = {"stress", "--sweep", NULL};
	long pid = raw_fork();

	if (pid == 0) {
		syscall3(__NR_execve, (long)"/bin/stress", (long)argv, (long)environ);
		_exit(127);
	}
	CHECK(pid > 0);
	expect_exit(reap((int)pid), 0);
}

/* --- the page cache under memory pressure (an ext2 disk on /mnt) --- */

#define PC_EXT2_MAGIC 0xef53
#define PC_CHUNK      (64ul << 10)

static bool pc_have_ext2(const char *test)
{
	struct statfs st;

	if (statfs("/mnt", &st) != 0 || st.f_type != PC_EXT2_MAGIC) {
		printf("  %s: no ext2 file system on /mnt: nothing to read\n", test);
		return false;
	}
	return true;
}

/* The word at byte off of file f: every word of every file different. */
static uint64_t pc_word(int f, uint64_t off)
{
	return ((uint64_t)(f + 1) << 48) ^ off ^ 0x5a5a000000000000ull;
}

static void pc_path(char *path, int f)
{
	snprintf(path, 32, "/mnt/pc-big-%d", f);
}

/* Write file f, mib MiB of pc_word, and fsync it. */
static void pc_write_file(int f, size_t mib)
{
	static uint64_t chunk[PC_CHUNK / 8];
	char path[32];

	pc_path(path, f);
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)path,
			   LINUX_O_CREAT | LINUX_O_TRUNC | 1, 0644);
	CHECK(fd >= 0);
	for (uint64_t off = 0; off < (mib << 20); off += PC_CHUNK) {
		for (size_t i = 0; i < PC_CHUNK / 8; i++)
			chunk[i] = pc_word(f, off + i * 8);
		CHECK_EQ(syscall3(__NR_write, fd, (long)chunk, PC_CHUNK), (long)PC_CHUNK);
	}
	CHECK_EQ(syscall1(__NR_fsync, fd), 0);
	CHECK_EQ(syscall1(__NR_close, fd), 0);
}

/* Read file f back through read() and check every word. */
static void pc_read_file(int f, size_t mib)
{
	static uint64_t chunk[PC_CHUNK / 8];
	char path[32];

	pc_path(path, f);
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)path, 0, 0);
	CHECK(fd >= 0);
	for (uint64_t off = 0; off < (mib << 20); off += PC_CHUNK) {
		CHECK_EQ(syscall3(__NR_read, fd, (long)chunk, PC_CHUNK), (long)PC_CHUNK);
		for (size_t i = 0; i < PC_CHUNK / 8; i++)
			if (chunk[i] != pc_word(f, off + i * 8))
				test_fail(__FILE__, __LINE__, "file %d: byte %lu wrong", f,
					  (unsigned long)(off + i * 8));
	}
	CHECK_EQ(syscall3(__NR_read, fd, (long)chunk, PC_CHUNK), 0);
	CHECK_EQ(syscall1(__NR_close, fd), 0);
}

static void pc_unlink(int f)
{
	char path[32];

	pc_path(path, f);
	CHECK_EQ(syscall3(__NR_unlinkat, LINUX_AT_FDCWD, (long)path, 0), 0);
}

/*
 * Files together larger than the machine's memory (run with 32 MiB),
 * written and read back twice through the page cache: it can only work if
 * clean pages are reclaimed (read() would fail with ENOMEM), and every
 * page is free or cached again afterwards.
 */
void test_pcache_read_big(void)
{
	enum { FILES = 3, MIB = 16 };
	long before = free_pages();

	if (!pc_have_ext2("pcache_read_big"))
		return;
	for (int f = 0; f < FILES; f++)
		pc_write_file(f, MIB);
	for (int round = 0; round < 2; round++)
		for (int f = 0; f < FILES; f++)
			pc_read_file(f, MIB);
	long after = free_pages(); /* cached pages count as free */
	printf("  pcache_read_big: %d MiB read twice through the page cache; free or cached "
	       "pages %ld before, %ld after\n",
	       FILES * MIB, before, after);
	for (int f = 0; f < FILES; f++)
		pc_unlink(f);
	CHECK(after >= before - 256); /* the caches' trees: 1 MiB at most */
}

static int pc_count_pipe[2]; /* the hog's count of pages, every 64 */

static void pc_hog(void)
{
	volatile char *p = map_anon(HOG_SIZE);

	for (long n = 1; (size_t)n * PAGE_SIZE <= HOG_SIZE; n++) {
		p[(n - 1) * PAGE_SIZE] = 1;
		if (n % 64 == 0)
			write_full(pc_count_pipe[1], &n, sizeof(n));
	}
	test_fail(__FILE__, __LINE__, "touched 4 GiB without running out of memory");
}

/*
 * With the page cache full of a file's clean pages, a memory hog gets
 * those pages before the out-of-memory killer ends it: it touches about
 * as many pages as were free or cached when it started.
 */
void test_pcache_before_oom(void)
{
	enum { MIB = 12, SLACK = 1024 /* its page tables, kernel structures */ };

	if (!pc_have_ext2("pcache_before_oom"))
		return;
	pc_write_file(0, MIB);
	pc_read_file(0, MIB); /* cached, clean (parked once closed) */
	make_pipe(pc_count_pipe);
	long avail = free_pages(), touched = 0, n;
	int pid = spawn(pc_hog);
	CHECK_EQ(syscall1(__NR_close, pc_count_pipe[1]), 0);
	while (read_full(pc_count_pipe[0], &n, sizeof(n)) == sizeof(n))
		touched = n;
	expect_killed(reap(pid), SIGKILL);
	CHECK_EQ(syscall1(__NR_close, pc_count_pipe[0]), 0);
	printf("  pcache_before_oom: %ld pages free or cached; the hog had %ld when it was "
	       "killed\n",
	       avail, touched);
	CHECK(touched >= avail - SLACK);
	CHECK(touched > (MIB << 20) / (long)PAGE_SIZE); /* it had the file's pages */
	pc_unlink(0);
}
