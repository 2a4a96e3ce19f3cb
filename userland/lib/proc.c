/*
 * proc.c - processes, time, identity and the machine: the POSIX-style
 * wrappers (-1 and errno on failure) over the kernel's calls.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"
#include "syscall.h"

extern char **environ;

void _exit(int status)
{
	/* exit_group: the whole process, should it ever have threads. */
	for (;;)
		syscall1(__NR_exit_group, status);
}

/* These cannot fail. */
pid_t getpid(void)
{
	return (pid_t)syscall0(__NR_getpid);
}
pid_t getppid(void)
{
	return (pid_t)syscall0(__NR_getppid);
}
pid_t gettid(void)
{
	return (pid_t)syscall0(__NR_gettid);
}
uid_t getuid(void)
{
	return (uid_t)syscall0(__NR_getuid);
}
uid_t geteuid(void)
{
	return (uid_t)syscall0(__NR_geteuid);
}
gid_t getgid(void)
{
	return (gid_t)syscall0(__NR_getgid);
}
gid_t getegid(void)
{
	return (gid_t)syscall0(__NR_getegid);
}

pid_t fork(void)
{
	__stdio_flush_all();
	/*
	 * fork is clone with only the exit signal set: new address space (a
	 * copy), no shared anything, SIGCHLD to the parent at exit.  The
	 * asm-generic argument order: flags, newsp, parent_tid, tls, child_tid.
	 */
	return (pid_t)syscall_result(syscall5(__NR_clone, LINUX_SIGCHLD, 0, 0, 0, 0));
}

long clone_call(long flags, void *stack, int *ptid, long tls, int *ctid, long (*fn)(void *),
		void *arg)
{
	register long a0 __asm__("a0") = flags;
	register long a1 __asm__("a1") = (long)stack;
	register long a2 __asm__("a2") = (long)ptid;
	register long a3 __asm__("a3") = tls;
	register long a4 __asm__("a4") = (long)ctid;
	register long a5 __asm__("a5") = (long)fn;
	register long a6 __asm__("a6") = (long)arg;
	register long a7 __asm__("a7") = __NR_clone;

	/* fn and arg ride in a5/a6, which clone copies into the child. */
	__asm__ volatile("ecall\n"
			 "bnez a0, 1f\n" /* the parent goes on */
			 "mv a0, a6\n"
			 "jalr a5\n"
			 "li a7, %[exit]\n" /* this thread only */
			 "ecall\n"
			 "1:"
			 : "+r"(a0)
			 : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6),
			   "r"(a7), [exit] "i"(__NR_exit)
			 : "memory", "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6");
	return a0;
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	__stdio_flush_all();
	return (int)syscall_result(syscall3(__NR_execve, (long)path, (long)argv, (long)envp));
}

int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

pid_t wait4(pid_t pid, int *status, int options, struct linux_rusage *ru)
{
	/* The caller's own pointer goes to the kernel, so a bad one is EFAULT. */
	long r = syscall4(__NR_wait4, pid, (long)status, options, (long)ru);

	if (r > 0 && status)
		*status = __wait_status_from_linux(*status);
	return (pid_t)syscall_result(r);
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	return wait4(pid, status, options, NULL);
}

pid_t wait(int *status)
{
	return wait4(-1, status, 0, NULL);
}

int sched_yield(void)
{
	return (int)syscall_result(syscall0(__NR_sched_yield));
}

/* picolibc's struct timespec is Linux's on rv64: two 64-bit words. */
_Static_assert(sizeof(struct timespec) == 16 && sizeof(time_t) == 8,
	       "struct timespec must match the kernel's");

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return (int)syscall_result(syscall2(__NR_nanosleep, (long)req, (long)rem));
}

unsigned sleep(unsigned seconds)
{
	struct timespec ts = {.tv_sec = seconds}, rem = {0};

	if (nanosleep(&ts, &rem) < 0 && errno == EINTR)
		return (unsigned)rem.tv_sec + (rem.tv_nsec > 0);
	return 0;
}

int usleep(useconds_t usec)
{
	struct timespec ts = {.tv_sec = usec / 1000000, .tv_nsec = (long)(usec % 1000000) * 1000};

	return nanosleep(&ts, NULL);
}

/* picolibc's clock ids (newlib's) are not Linux's. */
static long clock_to_linux(clockid_t id)
{
	switch (id) {
	case CLOCK_REALTIME:
		return LINUX_CLOCK_REALTIME;
	case CLOCK_MONOTONIC:
		return LINUX_CLOCK_MONOTONIC;
	case CLOCK_PROCESS_CPUTIME_ID:
		return 2;
	case CLOCK_THREAD_CPUTIME_ID:
		return 3;
	default:
		return -1; /* the kernel says EINVAL */
	}
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	return (int)syscall_result(syscall2(__NR_clock_gettime, clock_to_linux(id), (long)ts));
}

int clock_getres(clockid_t id, struct timespec *ts)
{
	return (int)syscall_result(syscall2(__NR_clock_getres, clock_to_linux(id), (long)ts));
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	struct timespec ts;

	(void)tz;
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return -1;
	if (tv) {
		tv->tv_sec = ts.tv_sec;
		tv->tv_usec = ts.tv_nsec / 1000;
	}
	return 0;
}

ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
	return (ssize_t)syscall_result(syscall3(__NR_getrandom, (long)buf, (long)len, flags));
}

/* What picolibc's arc4random seeds itself from. */
int getentropy(void *buf, size_t len)
{
	char *p = buf;

	if (len > 256) {
		errno = EIO;
		return -1;
	}
	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int uname(struct utsname *u)
{
	return (int)syscall_result(syscall1(__NR_uname, (long)u));
}

int prlimit(pid_t pid, int resource, const struct rlimit *new_limit, struct rlimit *old_limit)
{
	return (int)syscall_result(
		syscall4(__NR_prlimit64, pid, resource, (long)new_limit, (long)old_limit));
}

int getrlimit(int resource, struct rlimit *rl)
{
	return prlimit(0, resource, NULL, rl);
}

int reboot(unsigned int cmd)
{
	__stdio_flush_all();
	return (int)syscall_result(
		syscall4(__NR_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, cmd, 0));
}

long sluice_irq_total(long irq)
{
	long total = 0;

	/* Hart indexes are dense from 0; the kernel counts up to 32 harts. */
	for (long h = 0; h < 32; h++) {
		long n = syscall2(__NR_sluice_irq_count, irq, h);
		if (n < 0)
			return syscall_result(n);
		total += n;
	}
	return total;
}

long sluice_free_pages(void)
{
	return syscall_result(syscall0(__NR_sluice_free_pages));
}

#define AT_PHDR	 3 /* auxv keys (Linux's elf.h; picolibc has none) */
#define AT_PHNUM 5

/* Elf64_Phdr, as the auxiliary vector's AT_PHDR points to them. */
struct prog_phdr {
	unsigned int type, flags;
	unsigned long offset, vaddr, paddr, filesz, memsz, align;
};

void sluice_touch_program(void)
{
	const struct prog_phdr *ph = (const struct prog_phdr *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM);

	for (unsigned long i = 0; ph && i < n; i++) {
		if (ph[i].type != 1) /* PT_LOAD */
			continue;
		unsigned long va = ph[i].vaddr & ~4095ul;
		for (; va < ph[i].vaddr + ph[i].memsz; va += 4096) {
			volatile char *c = (volatile char *)va;
			if (ph[i].flags & 2) /* PF_W */
				*c = *c;
			else
				(void)*c;
		}
	}
}
