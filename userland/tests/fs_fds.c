/*
 * fs_fds.c - fstests on file descriptors and pipes: dup, dup3, fcntl, the
 * lowest free number, offsets shared across fork and dup, close-on-exec
 * through a real exec, EBADF; pipes in bulk, EOF, EPIPE and SIGPIPE, a
 * pipeline of three processes; four writers at once; /dev/null, /dev/zero,
 * /dev/console.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fstests.h"

#define L_FD_CLOEXEC 1
#define L_SEEK_SET   0
#define L_SEEK_CUR   1
#define L_FL_MASK    (3 | LINUX_O_APPEND | LINUX_O_NONBLOCK)

static long getfd(long fd)
{
	return syscall3(__NR_fcntl, fd, LINUX_F_GETFD, 0);
}

static long getfl(long fd)
{
	long r = syscall3(__NR_fcntl, fd, LINUX_F_GETFL, 0);

	/* Linux adds O_LARGEFILE on 64-bit machines: look only at these. */
	return r < 0 ? r : r & L_FL_MASK;
}

/* Every fd below fd is open: fd is the lowest free number it should be. */
static void check_lowest(long fd)
{
	CHECK(fd >= 0);
	for (long i = 0; i < fd; i++)
		if (getfd(i) < 0)
			FAIL("got fd %ld while %ld was free", fd, i);
}

void test_dup(void)
{
	int fd, c;
	long d;

	make_file("f", 50, 1000);
	fd = xopen("f", L_O_RDONLY);
	d = syscall1(__NR_dup, fd);
	check_lowest(d);
	/* One open file, one offset. */
	check_fd(fd, 50, 0, 10);
	CHECK_EQ(sys_lseek(d, 0, L_SEEK_CUR), 10);
	CHECK_EQ(sys_lseek(d, 500, L_SEEK_SET), 500);
	check_fd(fd, 50, 500, 10);
	xclose(fd);
	check_fd((int)d, 50, 510, 10);
	/* The close-on-exec flag belongs to the number, not the file. */
	c = xopen("f", L_O_RDONLY | LINUX_O_CLOEXEC);
	CHECK_EQ(getfd(c), L_FD_CLOEXEC);
	fd = (int)syscall1(__NR_dup, c);
	CHECK_EQ(getfd(fd), 0);
	xclose(fd);
	xclose(c);
	CHECK_EQ(syscall3(__NR_dup3, d, 50, LINUX_O_CLOEXEC), 50);
	CHECK_EQ(getfd(50), L_FD_CLOEXEC);
	CHECK_EQ(sys_lseek(50, 0, L_SEEK_CUR), 520);
	/* Onto an open number: it is closed and replaced. */
	fd = xopen("f", L_O_WRONLY);
	CHECK_EQ(syscall3(__NR_dup3, d, fd, 0), fd);
	CHECK_EQ(getfl(fd), L_O_RDONLY);
	CHECK_EQ(syscall3(__NR_dup3, d, 50, 0), 50);
	CHECK_EQ(getfd(50), 0);
	CHECK_EQ(syscall3(__NR_dup3, d, d, 0), -EINVAL);
	CHECK_EQ(syscall3(__NR_dup3, d, 51, 0x4000), -EINVAL);
	CHECK_EQ(syscall3(__NR_dup3, 63, 51, 0), -EBADF);
	CHECK_EQ(syscall1(__NR_dup, 63), -EBADF);
	CHECK_EQ(getfd(51), -EBADF);
	xclose(50);
	xclose(fd);
	xclose((int)d);
}

void test_fcntl(void)
{
	int fd = xopen("f", L_O_RDWR | LINUX_O_CREAT);
	long d;

	CHECK_EQ(syscall3(__NR_fcntl, fd, LINUX_F_DUPFD, 20), 20);
	CHECK_EQ(syscall3(__NR_fcntl, fd, LINUX_F_DUPFD, 20), 21);
	CHECK_EQ(getfd(20), 0);
	CHECK_EQ(syscall3(__NR_fcntl, fd, LINUX_F_DUPFD_CLOEXEC, 30), 30);
	CHECK_EQ(getfd(30), L_FD_CLOEXEC);
	CHECK_EQ(getfd(fd), 0);
	CHECK_EQ(syscall3(__NR_fcntl, fd, LINUX_F_SETFD, L_FD_CLOEXEC), 0);
	CHECK_EQ(getfd(fd), L_FD_CLOEXEC);
	CHECK_EQ(getfd(20), 0);
	CHECK_EQ(syscall3(__NR_fcntl, fd, LINUX_F_SETFD, 0), 0);
	CHECK_EQ(getfd(fd), 0);
	/* Status flags belong to the open file: every dup sees them. */
	CHECK_EQ(getfl(fd), L_O_RDWR);
	CHECK_EQ(syscall3(__NR_fcntl, fd, LINUX_F_SETFL, LINUX_O_APPEND), 0);
	CHECK_EQ(getfl(20), L_O_RDWR | LINUX_O_APPEND);
	xwrite(fd, "0123456789", 10);
	CHECK_EQ(sys_lseek(21, 0, L_SEEK_SET), 0);
	xwrite(21, "ab", 2);
	CHECK_EQ(sys_lseek(fd, 0, L_SEEK_CUR), 12);
	/* F_SETFL cannot change the access mode. */
	CHECK_EQ(syscall3(__NR_fcntl, fd, LINUX_F_SETFL, L_O_WRONLY), 0);
	CHECK_EQ(getfl(fd), L_O_RDWR);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_b, 12, 0), 12);
	CHECK(memcmp(buf_b, "0123456789ab", 12) == 0);
	d = xopen("f", L_O_WRONLY);
	CHECK_EQ(getfl(d), L_O_WRONLY);
	/* Errors. */
	CHECK_EQ(syscall3(__NR_fcntl, fd, 9999, 0), -EINVAL);
	CHECK_EQ(syscall3(__NR_fcntl, fd, LINUX_F_DUPFD, -1), -EINVAL);
	CHECK_EQ(syscall3(__NR_fcntl, 63, LINUX_F_GETFD, 0), -EBADF);
	CHECK_EQ(syscall3(__NR_fcntl, 63, LINUX_F_GETFL, 0), -EBADF);
	for (int i = 20; i <= 30; i += (i == 21 ? 9 : 1))
		xclose(i);
	xclose((int)d);
	xclose(fd);
}

void test_fd_lowest(void)
{
	int a, b, c, d, p[2];

	make_file("f", 51, 100);
	a = xopen("f", L_O_RDONLY);
	check_lowest(a);
	b = xopen("f", L_O_RDONLY);
	check_lowest(b);
	c = xopen("f", L_O_RDONLY);
	xclose(b);
	d = xopen("f", L_O_RDONLY);
	CHECK_EQ(d, b);
	xclose(a);
	CHECK_EQ(syscall1(__NR_dup, c), a);
	xclose(a);
	xclose(d);
	CHECK_EQ(syscall2(__NR_pipe2, (long)p, 0), 0);
	CHECK_EQ(p[0], a < d ? a : d);
	CHECK_EQ(p[1], a < d ? d : a);
	/* Even 0, once free. */
	xclose(0);
	CHECK_EQ(xopen("f", L_O_RDONLY), 0);
	check_fd(0, 51, 0, 100);
}

static int shared_fd;

static void read_100(void)
{
	check_fd(shared_fd, 52, 100, 100);
}

static void seek_700(void)
{
	CHECK_EQ(sys_lseek(shared_fd, 700, L_SEEK_SET), 700);
}

static void write_child(void)
{
	xwrite(shared_fd, "child.", 6);
}

/* A forked child shares its parent's open files, offsets included. */
void test_fd_shared_fork(void)
{
	make_file("f", 52, 1000);
	shared_fd = xopen("f", L_O_RDONLY);
	check_fd(shared_fd, 52, 0, 100);
	expect_ok(reap(spawn(read_100)), "the reading child");
	CHECK_EQ(sys_lseek(shared_fd, 0, L_SEEK_CUR), 200);
	check_fd(shared_fd, 52, 200, 100);
	expect_ok(reap(spawn(seek_700)), "the seeking child");
	check_fd(shared_fd, 52, 700, 300);
	xclose(shared_fd);
	shared_fd = xopen("g", L_O_WRONLY | LINUX_O_CREAT);
	xwrite(shared_fd, "parent.", 7);
	expect_ok(reap(spawn(write_child)), "the writing child");
	xwrite(shared_fd, "parent.", 7);
	xclose(shared_fd);
	shared_fd = xopen("g", L_O_RDONLY);
	CHECK_EQ(syscall3(__NR_read, shared_fd, (long)buf_b, 100), 20);
	CHECK(memcmp(buf_b, "parent.child.parent.", 20) == 0);
}

/*
 * fd_cloexec: the fds below stand open or closed across exec as noted.
 * Fixed numbers at 40 and above, clear of whatever an emulator opens for
 * itself; the lowest-numbered (open with O_CLOEXEC, pipe2 with O_CLOEXEC)
 * are checked only without one.
 */
static char specs[8][16];
static int nspecs;

static void expect_after_exec(long fd, bool open)
{
	CHECK(fd >= 0);
	snprintf(specs[nspecs++], sizeof(specs[0]), "%ld:%s", fd, open ? "open" : "closed");
}

static void set_up_cloexec(void)
{
	int a, p[2];

	make_file("f", 53, 1000);
	a = xopen("f", L_O_RDONLY | LINUX_O_CLOEXEC);
	CHECK_EQ(getfd(a), L_FD_CLOEXEC);
	if (!exec_interp)
		expect_after_exec(a, false);
	expect_after_exec(syscall3(__NR_dup3, a, 40, LINUX_O_CLOEXEC), false);
	expect_after_exec(syscall3(__NR_dup3, a, 41, 0), true);
	CHECK_EQ(sys_lseek(41, 123, L_SEEK_SET), 123);
	CHECK_EQ(syscall3(__NR_dup3, a, 42, 0), 42);
	CHECK_EQ(syscall3(__NR_fcntl, 42, LINUX_F_SETFD, L_FD_CLOEXEC), 0);
	expect_after_exec(42, false);
	CHECK_EQ(syscall3(__NR_dup3, a, 43, LINUX_O_CLOEXEC), 43);
	CHECK_EQ(syscall3(__NR_fcntl, 43, LINUX_F_SETFD, 0), 0);
	expect_after_exec(43, true);
	expect_after_exec(syscall3(__NR_fcntl, a, LINUX_F_DUPFD_CLOEXEC, 44), false);
	CHECK_EQ(syscall2(__NR_pipe2, (long)p, LINUX_O_CLOEXEC), 0);
	CHECK_EQ(getfd(p[0]), L_FD_CLOEXEC);
	CHECK_EQ(getfd(p[1]), L_FD_CLOEXEC);
	if (!exec_interp) {
		expect_after_exec(p[0], false);
		expect_after_exec(p[1], false);
	}
}

static void exec_helper_child(void)
{
	char *argv[16];
	int n = 0;

	if (exec_interp)
		argv[n++] = (char *)exec_interp;
	argv[n++] = (char *)self_path;
	argv[n++] = "--fd-helper";
	for (int i = 0; i < nspecs; i++)
		argv[n++] = specs[i];
	argv[n] = NULL;
	execve(argv[0], argv, environ);
	FAIL("execve %s: %s", argv[0], strerror(errno));
}

void test_fd_cloexec(void)
{
	set_up_cloexec();
	if (on_linux && !exec_interp) {
		note("exec skipped: a Linux host needs -q qemu-riscv64 to run this program");
		return;
	}
	expect_ok(reap(spawn(exec_helper_child)), "fstests --fd-helper");
	/* The exec in the child closed nothing of ours. */
	CHECK_EQ(getfd(40), L_FD_CLOEXEC);
	CHECK_EQ(sys_lseek(41, 0, L_SEEK_CUR), 133);
}

/*
 * fstests --fd-helper FD:open|closed ...: after the exec, each FD must be
 * open (close-on-exec clear, fd 41 at offset 123 of file 53) or closed.
 */
int fd_helper(int argc, char **argv)
{
	int bad = 0;

	for (int i = 2; i < argc; i++) {
		long fd = strtol(argv[i], NULL, 10), r = getfd(fd);
		bool want_open = strstr(argv[i], ":open") != NULL;
		if (want_open ? r != 0 : r != -EBADF) {
			printf("  fd_cloexec: after exec, fd %ld: F_GETFD = %ld, want %s\n", fd, r,
			       want_open ? "0 (open)" : "EBADF (closed)");
			bad++;
		}
		if (fd == 41 && want_open && r == 0 &&
		    (syscall3(__NR_read, fd, (long)buf_b, 10) != 10 ||
		     gen_diff(buf_b, 53, 123, 10) >= 0)) {
			printf("  fd_cloexec: after exec, fd 41 does not read file 53 at 123\n");
			bad++;
		}
	}
	return bad ? 1 : 0;
}

/*
 * readv and writev look the fd up, and check it is open for the
 * direction, before they read the vector (Linux's do_readv and
 * vfs_readv): a bad fd is EBADF even with an empty, oversized or
 * unreadable vector.  (Found by the fuzzer: the vector came first.)
 * QEMU's user mode, which runs the reference, reads the vector itself
 * before it calls the host: skipped there.
 */
static void iov_ebadf(long b)
{
	if (on_linux)
		return;
	CHECK_EQ(syscall3(__NR_readv, b, (long)buf_b, 0), -EBADF);
	CHECK_EQ(syscall3(__NR_writev, b, (long)buf_b, 0), -EBADF);
	CHECK_EQ(syscall3(__NR_readv, b, (long)buf_b, 1025), -EBADF);
	CHECK_EQ(syscall3(__NR_writev, b, 1, 1), -EBADF);
}

/* fd is open for reading only. */
static void iov_ebadf_wronly_vec(long fd)
{
	if (on_linux)
		return;
	CHECK_EQ(syscall3(__NR_writev, fd, (long)buf_b, 0), -EBADF);
	CHECK_EQ(syscall3(__NR_writev, fd, 1, 1), -EBADF);
	CHECK_EQ(syscall3(__NR_readv, fd, (long)buf_b, 0), 0);
	CHECK_EQ(syscall3(__NR_readv, fd, (long)buf_b, 1025), -EINVAL);
}

void test_fd_ebadf(void)
{
	struct linux_stat st;
	int fd = xopen("f", L_O_RDWR | LINUX_O_CREAT);
	const long bad[] = {-1, 63, 64, 1 << 20, (long)0x1ffffffff, fd};

	xclose(fd); /* now free: the last of bad[] */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long b = bad[i];
		CHECK_EQ(syscall1(__NR_close, b), -EBADF);
		CHECK_EQ(syscall3(__NR_read, b, (long)buf_b, 1), -EBADF);
		CHECK_EQ(syscall3(__NR_write, b, (long)buf_b, 1), -EBADF);
		CHECK_EQ(sys_lseek(b, 0, L_SEEK_SET), -EBADF);
		CHECK_EQ(sys_fstat(b, &st), -EBADF);
		CHECK_EQ(syscall1(__NR_dup, b), -EBADF);
		CHECK_EQ(syscall3(__NR_dup3, b, 50, 0), -EBADF);
		CHECK_EQ(getfd(b), -EBADF);
		CHECK_EQ(syscall1(__NR_fsync, b), -EBADF);
		CHECK_EQ(syscall2(__NR_ftruncate, b, 0), -EBADF);
		CHECK_EQ(syscall3(__NR_getdents64, b, (long)buf_b, 4096), -EBADF);
		CHECK_EQ(syscall4(__NR_pread64, b, (long)buf_b, 1, 0), -EBADF);
		iov_ebadf(b);
	}
	/* dup3 onto a number past the table. */
	fd = xopen("f", L_O_RDONLY);
	CHECK_EQ(syscall3(__NR_dup3, fd, 1 << 20, 0), -EBADF);
	CHECK_EQ(syscall3(__NR_dup3, fd, -1, 0), -EBADF);
	/* The wrong direction is EBADF too, before the vector is read. */
	iov_ebadf_wronly_vec(fd);
	xclose(fd);
}

/*
 * fstat as glibc 2.36 makes it, newfstatat(fd, "", buf, AT_EMPTY_PATH),
 * many times on one open file: each must give back exactly the references
 * it took.  (It once put a mount reference it never took: after a few
 * thousand calls the mount's count went below zero and the kernel
 * panicked, and before that umount saw a busy file system as idle.)
 */
void test_fstat_empty_path(void)
{
	struct linux_stat st;
	int fd = xopen("f", L_O_RDWR | LINUX_O_CREAT);

	CHECK_EQ(syscall3(__NR_write, fd, (long)"abc", 3), 3);
	for (int i = 0; i < 3000; i++) {
		CHECK_EQ(syscall4(__NR_newfstatat, fd, (long)"", (long)&st, LINUX_AT_EMPTY_PATH),
			 0);
		CHECK_EQ(st.st_size, 3);
	}
	xclose(fd);
}

/* ---- pipes */

#define BULK (1024 * 1024)
static int pfd[2];

static void pipe_writer(void)
{
	static const size_t sizes[] = {1, 4096, 65536, 333, 10007, 4095};
	size_t off = 0;

	xclose(pfd[0]);
	for (unsigned c = 0; off < BULK; c++) {
		size_t n = sizes[c % 6] < BULK - off ? sizes[c % 6] : BULK - off;
		gen_fill(buf_a, 60, off, n);
		xwrite(pfd[1], buf_a, n);
		off += n;
	}
	_exit(0);
}

/* Read from fd until EOF; everything must be file k's bytes; returns how many. */
static long drain_check(int fd, unsigned k)
{
	long total = 0, r, d;

	while ((r = syscall3(__NR_read, fd, (long)buf_b, 3001)) > 0) {
		d = gen_diff(buf_b, k, (uint64_t)total, (size_t)r);
		if (d >= 0)
			FAIL("byte %ld through the pipe is %#x, want %#x", total + d, buf_b[d],
			     gen_byte(k, (uint64_t)(total + d)));
		total += r;
	}
	CHECK_EQ(r, 0);
	return total;
}

static void pipe_reader(void)
{
	xclose(pfd[1]);
	if (drain_check(pfd[0], 60) != BULK)
		FAIL("the child read a short stream");
	_exit(0);
}

/* 1 MiB each way between parent and child, every byte checked. */
void test_pipe_bulk(void)
{
	int pid;

	CHECK_EQ(syscall2(__NR_pipe2, (long)pfd, 0), 0);
	pid = spawn(pipe_writer);
	xclose(pfd[1]);
	CHECK_EQ(drain_check(pfd[0], 60), BULK);
	xclose(pfd[0]);
	expect_ok(reap(pid), "the writer");

	CHECK_EQ(syscall2(__NR_pipe2, (long)pfd, 0), 0);
	pid = spawn(pipe_reader);
	xclose(pfd[0]);
	for (size_t off = 0; off < BULK; off += 50000) {
		size_t n = BULK - off < 50000 ? BULK - off : 50000;
		gen_fill(buf_a, 60, off, n);
		xwrite(pfd[1], buf_a, n);
	}
	xclose(pfd[1]);
	expect_ok(reap(pid), "the reader");
}

static void nap(long ms)
{
	struct timespec ts = {0, ms * 1000000};

	syscall2(__NR_nanosleep, (long)&ts, 0);
}

static void late_writer(void)
{
	xclose(pfd[0]);
	nap(30);
	xwrite(pfd[1], "x", 1);
	nap(30);
	_exit(0); /* the last writer goes: EOF */
}

void test_pipe_eof(void)
{
	struct linux_stat st;
	char c;
	int pid;

	CHECK_EQ(syscall2(__NR_pipe2, (long)pfd, 0), 0);
	CHECK_EQ(sys_fstat(pfd[0], &st), 0);
	CHECK_EQ(st.st_mode & L_S_IFMT, L_S_IFIFO);
	CHECK_EQ(syscall3(__NR_read, pfd[1], (long)&c, 1), -EBADF);
	CHECK_EQ(syscall3(__NR_write, pfd[0], (long)&c, 1), -EBADF);
	pid = spawn(late_writer);
	xclose(pfd[1]);
	CHECK_EQ(syscall3(__NR_read, pfd[0], (long)&c, 1), 1);
	CHECK_EQ(c, 'x');
	CHECK_EQ(syscall3(__NR_read, pfd[0], (long)&c, 1), 0);
	CHECK_EQ(syscall3(__NR_read, pfd[0], (long)&c, 1), 0);
	expect_ok(reap(pid), "the writer");
	xclose(pfd[0]);
	/* Data left behind by a closed writer is still read, then EOF. */
	CHECK_EQ(syscall2(__NR_pipe2, (long)pfd, 0), 0);
	xwrite(pfd[1], "0123456789", 10);
	xclose(pfd[1]);
	CHECK_EQ(syscall3(__NR_read, pfd[0], (long)buf_b, 4), 4);
	CHECK_EQ(syscall3(__NR_read, pfd[0], (long)buf_b + 4, 100), 6);
	CHECK(memcmp(buf_b, "0123456789", 10) == 0);
	CHECK_EQ(syscall3(__NR_read, pfd[0], (long)buf_b, 100), 0);
	xclose(pfd[0]);
}

static void set_sigpipe(long handler)
{
	struct kernel_sigaction ka = {(void *)handler, 0, 0};

	CHECK_EQ(syscall4(__NR_rt_sigaction, LINUX_SIGPIPE, (long)&ka, 0, 8), 0);
}

/* Write until the reader goes away; exit 0 on EPIPE, 2 on another error. */
static void blocked_writer(void)
{
	long total = 0, r;

	xclose(pfd[0]);
	memset(buf_a, 'w', 65536);
	while (total < 16 * BULK) {
		r = syscall3(__NR_write, pfd[1], (long)buf_a, 65536);
		if (r == -LINUX_EPIPE)
			_exit(0);
		if (r <= 0)
			_exit(2);
		total += r;
	}
	_exit(3); /* nobody stopped us */
}

/* The reader reads a little, then closes: the blocked writer must wake. */
static int start_and_abandon(void)
{
	int pid;

	CHECK_EQ(syscall2(__NR_pipe2, (long)pfd, 0), 0);
	pid = spawn(blocked_writer);
	xclose(pfd[1]);
	xread(pfd[0], buf_b, 1000);
	nap(20);
	xclose(pfd[0]);
	return pid;
}

/* SIGPIPE ignored: writing to a pipe without readers is EPIPE. */
void test_pipe_epipe(void)
{
	set_sigpipe((long)SIG_IGN);
	CHECK_EQ(syscall2(__NR_pipe2, (long)pfd, 0), 0);
	xclose(pfd[0]);
	CHECK_EQ(syscall3(__NR_write, pfd[1], (long)"x", 1), -LINUX_EPIPE);
	xclose(pfd[1]);
	expect_ok(reap(start_and_abandon()), "the blocked writer (want EPIPE)");
}

static void lone_writer(void)
{
	syscall3(__NR_write, pfd[1], (long)"x", 1);
	_exit(4); /* should have died */
}

/* SIGPIPE by default: the writer dies of it, blocked or not. */
void test_pipe_sigpipe(void)
{
	int status;

	set_sigpipe((long)SIG_DFL);
	CHECK_EQ(syscall2(__NR_pipe2, (long)pfd, 0), 0);
	xclose(pfd[0]);
	status = reap(spawn(lone_writer));
	xclose(pfd[1]);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGPIPE)
		FAIL("the writer's wait status is %#x, want killed by SIGPIPE", status);
	status = reap(start_and_abandon());
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGPIPE)
		FAIL("the blocked writer's wait status is %#x, want killed by SIGPIPE", status);
}

#define PIPED 300000
static int pa[2], pb[2];

/* First stage: file 61's bytes to stdout. */
static void stage_source(void)
{
	CHECK_EQ(syscall3(__NR_dup3, pa[1], 1, 0), 1);
	for (int fd = 3; fd < 64; fd++)
		syscall1(__NR_close, fd);
	for (long off = 0; off < PIPED; off += 7000) {
		long n = PIPED - off < 7000 ? PIPED - off : 7000;
		gen_fill(buf_a, 61, (uint64_t)off, (size_t)n);
		xwrite(1, buf_a, (size_t)n);
	}
	_exit(0);
}

/* Second stage: stdin to stdout, each byte xor 0x5a. */
static void stage_filter(void)
{
	long n;

	CHECK_EQ(syscall3(__NR_dup3, pa[0], 0, 0), 0);
	CHECK_EQ(syscall3(__NR_dup3, pb[1], 1, 0), 1);
	for (int fd = 3; fd < 64; fd++)
		syscall1(__NR_close, fd);
	while ((n = syscall3(__NR_read, 0, (long)buf_a, 5000)) > 0) {
		for (long i = 0; i < n; i++)
			buf_a[i] ^= 0x5a;
		xwrite(1, buf_a, (size_t)n);
	}
	_exit(n == 0 ? 0 : 1);
}

/* source | filter | this process; EOF must travel down the line. */
void test_pipeline(void)
{
	long total = 0, n;
	int p1, p2;

	CHECK_EQ(syscall2(__NR_pipe2, (long)pa, 0), 0);
	CHECK_EQ(syscall2(__NR_pipe2, (long)pb, 0), 0);
	p1 = spawn(stage_source);
	p2 = spawn(stage_filter);
	xclose(pa[0]);
	xclose(pa[1]);
	xclose(pb[1]);
	while ((n = syscall3(__NR_read, pb[0], (long)buf_b, 4096)) > 0) {
		for (long i = 0; i < n; i++)
			if ((buf_b[i] ^ 0x5a) != gen_byte(61, (uint64_t)(total + i)))
				FAIL("byte %ld out of the pipeline is wrong", total + i);
		total += n;
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(total, PIPED);
	expect_ok(reap(p1), "the source");
	expect_ok(reap(p2), "the filter");
	xclose(pb[0]);
}

/* ---- several processes writing at once */

#define WRITERS 4
#define RECORDS 50
#define RECLEN	64
static int go[2];
static int writer_id;

static uint64_t writer_size(int c)
{
	return 200 * 1024 + (uint64_t)c * 1000;
}

static void record(char *rec, int c, int i)
{
	memset(rec, '.', RECLEN);
	rec[snprintf(rec, RECLEN, "writer %d record %03d ", c, i)] = '.';
	rec[RECLEN - 1] = '\n';
}

static void concurrent_writer(void)
{
	int c = writer_id, fd, log;
	char name[8], rec[RECLEN];
	uint64_t size = writer_size(c), off = 0;

	xclose(go[1]);
	CHECK_EQ(syscall3(__NR_read, go[0], (long)rec, 1), 0); /* wait for the start */
	snprintf(name, sizeof(name), "c%d", c);
	fd = xopen(name, L_O_WRONLY | LINUX_O_CREAT | LINUX_O_EXCL);
	log = xopen("log", L_O_WRONLY | LINUX_O_CREAT | LINUX_O_APPEND);
	for (int i = 0; off < size || i < RECORDS; i++) {
		size_t n = 1000 + (size_t)c * 7;
		if (n > size - off)
			n = (size_t)(size - off);
		gen_fill(buf_a, 70 + (unsigned)c, off, n);
		xwrite(fd, buf_a, n);
		off += n;
		if (i < RECORDS) {
			record(rec, c, i);
			xwrite(log, rec, RECLEN);
		}
		syscall0(__NR_sched_yield);
	}
	xclose(fd);
	xclose(log);
	_exit(0);
}

/* Four children write their own files and append to one log at once. */
void test_concurrent_writers(void)
{
	int pids[WRITERS], next[WRITERS] = {0}, fd;
	char rec[RECLEN], name[8];

	CHECK_EQ(syscall2(__NR_pipe2, (long)go, 0), 0);
	for (writer_id = 0; writer_id < WRITERS; writer_id++)
		pids[writer_id] = spawn(concurrent_writer);
	xclose(go[1]); /* EOF for every child at once: go */
	xclose(go[0]);
	for (int c = 0; c < WRITERS; c++)
		expect_ok(reap(pids[c]), "a writer");
	for (int c = 0; c < WRITERS; c++) {
		snprintf(name, sizeof(name), "c%d", c);
		check_file(name, 70 + (unsigned)c, writer_size(c));
	}
	CHECK_EQ(xstat("log").st_size, WRITERS * RECORDS * RECLEN);
	fd = xopen("log", L_O_RDONLY);
	for (int r = 0; r < WRITERS * RECORDS; r++) {
		xread(fd, buf_b, RECLEN);
		int c = buf_b[7] - '0';
		if (c < 0 || c >= WRITERS || next[c] >= RECORDS)
			FAIL("log record %d is garbled: %.63s", r, (char *)buf_b);
		record(rec, c, next[c]++);
		if (memcmp(rec, buf_b, RECLEN))
			FAIL("log record %d is \"%.63s\", want \"%.63s\"", r, (char *)buf_b, rec);
	}
	xclose(fd);
}

/* ---- devices */

void test_dev_null(void)
{
	struct linux_stat st;
	int fd = xopen("/dev/null", L_O_RDWR);

	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_mode & L_S_IFMT, L_S_IFCHR);
	CHECK_EQ(syscall3(__NR_write, fd, (long)buf_a, BUF_SIZE), BUF_SIZE);
	CHECK_EQ(syscall3(__NR_read, fd, (long)buf_b, 100), 0);
	xclose(fd);
}

void test_dev_zero(void)
{
	struct linux_stat st;
	int fd = xopen("/dev/zero", L_O_RDWR);

	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_mode & L_S_IFMT, L_S_IFCHR);
	for (int round = 0; round < 3; round++) {
		memset(buf_b, 0xff, 70000);
		CHECK_EQ(syscall3(__NR_read, fd, (long)buf_b + round, 70000 - round),
			 70000 - round);
		for (long i = round; i < 70000; i++)
			if (buf_b[i])
				FAIL("byte %ld from /dev/zero is %#x", i, buf_b[i]);
	}
	CHECK_EQ(syscall3(__NR_write, fd, (long)buf_a, 5000), 5000);
	xclose(fd);
}

/* /dev/full: writes fail with ENOSPC, reads give zeros; Linux's 1:7. */
void test_dev_full(void)
{
	struct linux_stat st;
	int fd = xopen("/dev/full", L_O_RDWR);

	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_mode & L_S_IFMT, L_S_IFCHR);
	CHECK_EQ(st.st_rdev, 0x107);
	CHECK_EQ(syscall3(__NR_write, fd, (long)buf_a, 10), -ENOSPC);
	memset(buf_b, 0xff, 100);
	CHECK_EQ(syscall3(__NR_read, fd, (long)buf_b, 100), 100);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(buf_b[i], 0);
	CHECK_EQ(syscall3(__NR_read, fd, 1, 100), -EFAULT);
	xclose(fd);
}

/* /dev/urandom (1:9) and /dev/random (1:8): as many bytes as asked, not
 * the same twice, writes taken; a bad buffer is EFAULT. */
void test_dev_urandom(void)
{
	static const char *const names[] = {"/dev/urandom", "/dev/random"};

	for (int k = 0; k < 2; k++) {
		struct linux_stat st;
		int fd = xopen(names[k], L_O_RDWR);
		CHECK_EQ(sys_fstat(fd, &st), 0);
		CHECK_EQ(st.st_rdev, 0x109 - k);
		CHECK_EQ(syscall3(__NR_read, fd, (long)buf_a, 5000), 5000);
		CHECK_EQ(syscall3(__NR_read, fd, (long)buf_b, 5000), 5000);
		CHECK(memcmp(buf_a, buf_b, 5000) != 0);
		CHECK_EQ(syscall3(__NR_write, fd, (long)buf_a, 16), 16);
		CHECK_EQ(syscall3(__NR_read, fd, 1, 100), -EFAULT);
		xclose(fd);
	}
}

void test_dev_console(void)
{
	static const char line[] = "  dev_console: this line went through /dev/console\n";
	struct linux_stat st;
	long r = sys_stat("/dev/console", &st);
	int fd;

	if (on_linux) {
		/* A Linux host's console may be absent, or not ours to open. */
		if (r == 0)
			CHECK_EQ(st.st_mode & L_S_IFMT, L_S_IFCHR);
		else
			note("no /dev/console here (error %ld); skipped", -r);
		return;
	}
	CHECK_EQ(r, 0);
	CHECK_EQ(st.st_mode & L_S_IFMT, L_S_IFCHR);
	fd = xopen("/dev/console", L_O_WRONLY);
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_mode & L_S_IFMT, L_S_IFCHR);
	CHECK_EQ(syscall3(__NR_write, fd, (long)line, sizeof(line) - 1), sizeof(line) - 1);
	xclose(fd);
}
