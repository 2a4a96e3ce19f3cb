/*
 * syscall.h - the Linux riscv64 system-call ABI as Sluice implements it, for
 * Sluice's user programs (built with picolibc).
 *
 * Three layers, lowest first:
 *
 *   syscall0()..syscall6()  one ecall: a7 = number, a0-a5 = arguments, the
 *                           result in a0: a value, or -errno (Linux numbers)
 *   LINUX_* constants       the kernel's numbering where picolibc's headers
 *                           number the same thing differently (signals,
 *                           errno above 34, clock ids, sigprocmask's how)
 *   POSIX-style wrappers    return -1 and set errno (picolibc's numbering)
 *                           on failure.  Those picolibc's headers declare
 *                           (read, write, fork, execve, kill, sigaction,
 *                           ...) are declared there; the rest, and the
 *                           few picolibc declares only for other targets
 *                           (clock_gettime, nanosleep, sched_yield), below.
 *                           They translate between picolibc's numbers and
 *                           Linux's, so a program only ever sees
 *                           picolibc's SIG*, E* and CLOCK_*.
 *
 * Tests that check the kernel's exact answer use the first two layers:
 *     syscall3(__NR_write, 99, (long)buf, 1) == -EBADF
 * errno values 1..34 (EPERM..ERANGE) are the same in picolibc and Linux
 * (lib/errno.c checks it at compile time), so picolibc's names serve there;
 * above 34 use LINUX_E*.  Signal numbers 1-6, 8, 9, 11, 13-15 are also the
 * same in both (SIGSEGV, SIGILL, SIGTRAP, SIGKILL, ...).
 */
#ifndef SLUICE_USER_SYSCALL_H
#define SLUICE_USER_SYSCALL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/*
 * System-call numbers: __NR_read = 63, ...  They come from the kernel's
 * one list of calls (src/include/sluice/syscall_list.h), which follows
 * asm-generic/unistd.h as riscv64 Linux uses it.  Sluice's own calls are
 * numbered from 1000 so they never meet a Linux one:
 * sluice_free_pages(): the number of free physical pages now (for leak
 * checks in the tests); sluice_irq_count(source, hart): interrupts a PLIC
 * source delivered on a hart; sluice_drop_caches(): write back and forget
 * the page cache and the block cache.  See docs/userland.md.
 */
#include <sluice/syscall_abi.h>
enum {
#define SYSCALL(nr, name, n, ...) __NR_##name = nr,
#include <sluice/syscall_list.h>
#undef SYSCALL
};

/* Register-level calls: the kernel reads a7 and a0-a5 and writes a0 only. */
static inline long syscall0(long n)
{
	register long a7 __asm__("a7") = n;
	register long a0 __asm__("a0");
	__asm__ volatile("ecall" : "=r"(a0) : "r"(a7) : "memory");
	return a0;
}

static inline long syscall1(long n, long x0)
{
	register long a7 __asm__("a7") = n;
	register long a0 __asm__("a0") = x0;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
	return a0;
}

static inline long syscall2(long n, long x0, long x1)
{
	register long a7 __asm__("a7") = n;
	register long a0 __asm__("a0") = x0;
	register long a1 __asm__("a1") = x1;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1) : "memory");
	return a0;
}

static inline long syscall3(long n, long x0, long x1, long x2)
{
	register long a7 __asm__("a7") = n;
	register long a0 __asm__("a0") = x0;
	register long a1 __asm__("a1") = x1;
	register long a2 __asm__("a2") = x2;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2) : "memory");
	return a0;
}

static inline long syscall4(long n, long x0, long x1, long x2, long x3)
{
	register long a7 __asm__("a7") = n;
	register long a0 __asm__("a0") = x0;
	register long a1 __asm__("a1") = x1;
	register long a2 __asm__("a2") = x2;
	register long a3 __asm__("a3") = x3;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2), "r"(a3) : "memory");
	return a0;
}

static inline long syscall5(long n, long x0, long x1, long x2, long x3, long x4)
{
	register long a7 __asm__("a7") = n;
	register long a0 __asm__("a0") = x0;
	register long a1 __asm__("a1") = x1;
	register long a2 __asm__("a2") = x2;
	register long a3 __asm__("a3") = x3;
	register long a4 __asm__("a4") = x4;
	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4)
			 : "memory");
	return a0;
}

static inline long syscall6(long n, long x0, long x1, long x2, long x3, long x4, long x5)
{
	register long a7 __asm__("a7") = n;
	register long a0 __asm__("a0") = x0;
	register long a1 __asm__("a1") = x1;
	register long a2 __asm__("a2") = x2;
	register long a3 __asm__("a3") = x3;
	register long a4 __asm__("a4") = x4;
	register long a5 __asm__("a5") = x5;
	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
			 : "memory");
	return a0;
}

/*
 * A raw result as a POSIX function returns it: r itself when r >= 0; else
 * -1 with errno = errno_from_linux(-r).  (-4095..-1 are errors, as on Linux:
 * mmap addresses and pids are never that high.)
 */
long syscall_result(long r);

/* Linux's errno number e in picolibc's numbering (EINVAL if it has none). */
int errno_from_linux(int e);

/* errno numbers above 34, where Linux and picolibc part ways. */
#define LINUX_EDEADLK	   35
#define LINUX_ENAMETOOLONG 36
#define LINUX_ENOSYS	   38
#define LINUX_ENOTEMPTY	   39
#define LINUX_ELOOP	   40
#define LINUX_EOVERFLOW	   75
#define LINUX_EOPNOTSUPP   95
#define LINUX_ETIMEDOUT	   110

/* Signals, as the kernel numbers them (asm-generic/signal.h). */
#define LINUX_SIGHUP	1
#define LINUX_SIGINT	2
#define LINUX_SIGQUIT	3
#define LINUX_SIGILL	4
#define LINUX_SIGTRAP	5
#define LINUX_SIGABRT	6
#define LINUX_SIGBUS	7
#define LINUX_SIGFPE	8
#define LINUX_SIGKILL	9
#define LINUX_SIGUSR1	10
#define LINUX_SIGSEGV	11
#define LINUX_SIGUSR2	12
#define LINUX_SIGPIPE	13
#define LINUX_SIGALRM	14
#define LINUX_SIGTERM	15
#define LINUX_SIGSTKFLT 16
#define LINUX_SIGCHLD	17
#define LINUX_SIGCONT	18
#define LINUX_SIGSTOP	19
#define LINUX_SIGTSTP	20
#define LINUX_SIGTTIN	21
#define LINUX_SIGTTOU	22
#define LINUX_SIGURG	23
#define LINUX_SIGXCPU	24
#define LINUX_SIGXFSZ	25
#define LINUX_SIGVTALRM 26
#define LINUX_SIGPROF	27
#define LINUX_SIGWINCH	28
#define LINUX_SIGIO	29
#define LINUX_SIGPWR	30
#define LINUX_SIGSYS	31
#define LINUX_NSIG	64 /* signals 1..64; a sigset is one 64-bit word */

/* Linux's signal number for picolibc's sig, and back; 0 if there is none. */
int signal_to_linux(int sig);
int signal_from_linux(int lsig);

/* rt_sigprocmask's how. */
#define LINUX_SIG_BLOCK	  0
#define LINUX_SIG_UNBLOCK 1
#define LINUX_SIG_SETMASK 2

/* sa_flags.  Only SA_NOCLDSTOP (1) has the same name in picolibc. */
#define LINUX_SA_NOCLDSTOP 0x00000001ul
#define LINUX_SA_NOCLDWAIT 0x00000002ul
#define LINUX_SA_SIGINFO   0x00000004ul
#define LINUX_SA_ONSTACK   0x08000000ul
#define LINUX_SA_RESTART   0x10000000ul
#define LINUX_SA_NODEFER   0x40000000ul
#define LINUX_SA_RESETHAND 0x80000000ul
/* picolibc's struct sigaction has room for these: sigaction() passes them on. */
#ifndef SA_RESTART
#define SA_RESTART LINUX_SA_RESTART
#endif
#ifndef SA_NODEFER
#define SA_NODEFER LINUX_SA_NODEFER
#endif
#ifndef SA_RESETHAND
#define SA_RESETHAND LINUX_SA_RESETHAND
#endif

/*
 * rt_sigaction's struct as riscv64 Linux takes it (asm-generic without
 * SA_RESTORER): the kernel returns from a handler through its own
 * trampoline (Linux: the vDSO; Sluice: a page it maps into every process),
 * so there is no restorer field.  mask bit (s - 1) stands for Linux signal
 * s.  The last argument of rt_sigaction and rt_sigprocmask is sizeof(mask), 8.
 */
struct kernel_sigaction {
	void *handler; /* SIG_DFL 0, SIG_IGN 1, or a function */
	unsigned long flags;
	uint64_t mask;
};

/* clone's flags (include/uapi/linux/sched.h); picolibc has none of its own. */
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

/*
 * clone(flags, stack, ptid, tls, ctid) at the register level, whose child
 * calls fn(arg) and exits (the thread only: exit, not exit_group) with
 * what it returns.  The child starts on stack, or on the caller's own
 * stack below its sp when stack is NULL (vfork: the caller's frame above
 * sp is left alone, as vfork's contract asks).  The parent gets the
 * child's id or -errno.
 */
long clone_call(long flags, void *stack, int *ptid, long tls, int *ctid, long (*fn)(void *),
		void *arg);

/* Clock ids as the kernel numbers them (picolibc: REALTIME 1, MONOTONIC 4). */
#define LINUX_CLOCK_REALTIME  0
#define LINUX_CLOCK_MONOTONIC 1

/*
 * POSIX calls and names picolibc's headers keep for other targets (they
 * need _POSIX_TIMERS and _POSIX_PRIORITY_SCHEDULING, defined only for
 * RTEMS and Cygwin).  The CLOCK_* values are picolibc's own (newlib's):
 * clock_gettime() translates them to the kernel's.
 */
#ifndef _POSIX_TIMERS
int nanosleep(const struct timespec *req, struct timespec *rem);
int clock_gettime(clockid_t id, struct timespec *ts);
int clock_getres(clockid_t id, struct timespec *ts);
#endif
#ifndef CLOCK_PROCESS_CPUTIME_ID
#define CLOCK_PROCESS_CPUTIME_ID ((clockid_t)2)
#endif
#ifndef CLOCK_THREAD_CPUTIME_ID
#define CLOCK_THREAD_CPUTIME_ID ((clockid_t)3)
#endif
#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC ((clockid_t)4)
#endif
#if !defined(_POSIX_THREADS) && !defined(_POSIX_PRIORITY_SCHEDULING)
int sched_yield(void);
#endif

/* wait4: status as Linux encodes it (picolibc's W* macros read it as is). */
struct linux_timeval {
	long tv_sec, tv_usec;
};
struct linux_rusage {
	struct linux_timeval ru_utime, ru_stime;
	long ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt;
	long ru_nswap, ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv;
	long ru_nsignals, ru_nvcsw, ru_nivcsw;
};
/*
 * Wait for a child (pid > 0: that one; -1: any).  The termination signal in
 * *status is translated to picolibc's number; ru may be NULL.
 */
pid_t wait4(pid_t pid, int *status, int options, struct linux_rusage *ru);

pid_t gettid(void);
int tgkill(pid_t tgid, pid_t tid, int sig);

/* The program break.  brk(addr) sets it (0 or -1); sbrk is in unistd.h. */
int brk(void *addr);

/* Anonymous and fixed mappings. */
#define PROT_NONE     0x0
#define PROT_READ     0x1
#define PROT_WRITE    0x2
#define PROT_EXEC     0x4
#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MAP_ANON      MAP_ANONYMOUS
#define MAP_POPULATE  0x8000
#define MAP_FAILED    ((void *)-1)
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);

/* getrandom: fill buf with up to len random bytes; returns the count. */
#define GRND_NONBLOCK 0x1
#define GRND_RANDOM   0x2
ssize_t getrandom(void *buf, size_t len, unsigned int flags);

/* uname: Linux's struct, six NUL-terminated strings of 65 bytes. */
struct utsname {
	char sysname[65];
	char nodename[65];
	char release[65];
	char version[65];
	char machine[65];
	char domainname[65];
};
int uname(struct utsname *u);

/* Resource limits (prlimit64 with pid 0 is this process). */
#define RLIMIT_CPU    0
#define RLIMIT_FSIZE  1
#define RLIMIT_DATA   2
#define RLIMIT_STACK  3
#define RLIMIT_CORE   4
#define RLIMIT_NOFILE 7
#define RLIMIT_AS     9
#define RLIM_INFINITY (~0ull)
struct rlimit {
	unsigned long long rlim_cur, rlim_max;
};
int prlimit(pid_t pid, int resource, const struct rlimit *new_limit, struct rlimit *old_limit);
int getrlimit(int resource, struct rlimit *rl);

/* reboot(2): the two magic numbers guard against a stray call. */
#define LINUX_REBOOT_MAGIC1	   0xfee1deadu
#define LINUX_REBOOT_MAGIC2	   672274793u
#define LINUX_REBOOT_CMD_RESTART   0x01234567u
#define LINUX_REBOOT_CMD_HALT	   0xcdef0123u
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcu
int reboot(unsigned int cmd);

/* Files: Linux's numbering of what picolibc numbers its own way (lib/fs.c
 * translates; programs use picolibc's O_*, AT_*, F_*). */
#define LINUX_O_CREAT		  000000100
#define LINUX_O_EXCL		  000000200
#define LINUX_O_NOCTTY		  000000400
#define LINUX_O_TRUNC		  000001000
#define LINUX_O_APPEND		  000002000
#define LINUX_O_NONBLOCK	  000004000
#define LINUX_O_DIRECTORY	  000200000
#define LINUX_O_NOFOLLOW	  000400000
#define LINUX_O_CLOEXEC		  002000000
#define LINUX_AT_FDCWD		  (-100)
#define LINUX_AT_SYMLINK_NOFOLLOW 0x100
#define LINUX_AT_REMOVEDIR	  0x200
#define LINUX_AT_SYMLINK_FOLLOW	  0x400
#define LINUX_AT_EMPTY_PATH	  0x1000
#define LINUX_F_DUPFD		  0
#define LINUX_F_GETFD		  1
#define LINUX_F_SETFD		  2
#define LINUX_F_GETFL		  3
#define LINUX_F_SETFL		  4
#define LINUX_F_DUPFD_CLOEXEC	  1030
#define LINUX_F_SETPIPE_SZ	  1031
#define LINUX_F_GETPIPE_SZ	  1032
#define LINUX_FIONREAD		  0x541b
#define LINUX_TCGETS		  0x5401
#define LINUX_TCSETS		  0x5402
#define LINUX_TIOCGPGRP		  0x540f
#define LINUX_TIOCSPGRP		  0x5410
#define LINUX_TIOCGWINSZ	  0x5413
#define LINUX_TIOCSWINSZ	  0x5414
#define LINUX_TIOCSCTTY		  0x540e
#define LINUX_TIOCNOTTY		  0x5422
#define LINUX_TIOCGSID		  0x5429
#define LINUX_EPIPE		  32

/* struct stat as the kernel fills it (asm-generic, 64-bit). */
struct linux_stat {
	unsigned long st_dev, st_ino;
	unsigned int st_mode, st_nlink, st_uid, st_gid;
	unsigned long st_rdev, __pad1;
	long st_size;
	int st_blksize, __pad2;
	long st_blocks;
	long atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
	unsigned int __reserved[2];
};

/* One getdents64 record. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};
ssize_t getdents64(int fd, void *buf, size_t len);

/* statfs(2), asm-generic's 64-bit struct. */
struct statfs {
	long f_type, f_bsize;
	unsigned long f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int f_fsid[2];
	long f_namelen, f_frsize, f_flags, f_spare[4];
};
int statfs(const char *path, struct statfs *buf);
int fstatfs(int fd, struct statfs *buf);

/* mount(2) and umount2(2), as Linux takes them. */
#define MS_RDONLY  1
#define MS_REMOUNT 32
int mount(const char *source, const char *target, const char *fstype, unsigned long flags,
	  const void *data);
int umount(const char *target);
int umount2(const char *target, int flags);

/* lstat: fs.c has it; picolibc's <sys/stat.h> declares it only for RTEMS and Cygwin. */
struct stat;
int lstat(const char *restrict path, struct stat *restrict st);

int pipe2(int fds[2], int flags);
int dup3(int fd, int fd2, int flags);

/* Sluice: free physical pages now, or -1 with errno (ENOSYS: not provided). */
long sluice_free_pages(void);

/* Touch every page of this program's segments (read the read-only ones,
 * rewrite the writable ones), so that none comes in by fault later: exec
 * maps a program's file page by page, and a leak check's first count
 * must not miss pages its own process takes afterwards. */
void sluice_touch_program(void);

/* Interrupts PLIC source irq has delivered, summed over every hart;
 * -1 (errno set) for a source the kernel does not know. */
long sluice_irq_total(long irq);

#endif
