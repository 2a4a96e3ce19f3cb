/*
 * Small process and system syscalls: ids, uname, limits, time, sleep,
 * randomness, kill, reboot.  Linux semantics for the cases implemented.
 */
#include <sluice/console.h>
#include <sluice/errno.h>
#include <sluice/hart.h>
#include <sluice/mm.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/random.h>
#include <sluice/riscv.h>
#include <sluice/sbi.h>
#include <sluice/string.h>
#include <sluice/syscall.h>
#include <sluice/timer.h>
#include <sluice/uaccess.h>

long sys_getpid(void)
{
	return current_proc()->pid;
}

long sys_gettid(void)
{
	return current_proc()->pid; /* one thread per process */
}

long sys_getppid(void)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *parent = current_proc()->parent;
	long ppid = parent ? parent->pid : 0;

	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return ppid;
}

/* Users and groups: everything runs as root (uid and gid 0) for now. */
long sys_getuid(void)
{
	return 0;
}

long sys_geteuid(void)
{
	return 0;
}

long sys_getgid(void)
{
	return 0;
}

long sys_getegid(void)
{
	return 0;
}

long sys_set_tid_address(int __user *utidptr)
{
	current_proc()->clear_child_tid = (unsigned long)utidptr;
	return current_proc()->pid;
}

long sys_set_robust_list(void __user *uhead, size_t len)
{
	/* Robust futexes matter only with threads; accept and ignore, as
	 * Linux does the registration.  The size must be Linux's (24). */
	return len == 24 ? 0 : -EINVAL;
}

long sys_sched_yield(void)
{
	proc_yield();
	return 0;
}

long sys_exit_group(int code)
{
	proc_exit((code & 0xff) << 8);
}

struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

long sys_uname(void __user *ubuf)
{
	struct utsname u;

	memset(&u, 0, sizeof(u));
	strncpy_safe(u.sysname, "Sluice", sizeof(u.sysname));
	strncpy_safe(u.nodename, "sluice", sizeof(u.nodename));
	/* glibc compares the release with the oldest kernel it supports. */
	strncpy_safe(u.release, "6.1.0-sluice-" SLUICE_VERSION, sizeof(u.release));
	strncpy_safe(u.version, "#1 SMP", sizeof(u.version));
	strncpy_safe(u.machine, "riscv64", sizeof(u.machine));
	strncpy_safe(u.domainname, "(none)", sizeof(u.domainname));
	return copy_to_user(ubuf, &u, sizeof(u));
}

#define RLIMIT_STACK 3
#define RLIMIT_NLIMITS 16
#define RLIM_INFINITY (~0ull)

long sys_prlimit64(int pid, unsigned int resource, const void __user *unew, void __user *uold)
{
	uint64_t lim[2] = { RLIM_INFINITY, RLIM_INFINITY };

	if (pid != 0 && pid != current_proc()->pid)
		return -ESRCH;
	if (resource >= RLIMIT_NLIMITS)
		return -EINVAL;
	if (resource == RLIMIT_STACK)
		lim[0] = lim[1] = 8 * 1024 * 1024;
	if (uold && copy_to_user(uold, lim, sizeof(lim)))
		return -EFAULT;
	if (unew)
		return -EPERM; /* limits cannot be changed yet */
	return 0;
}

long sys_getrandom(char __user *ubuf, size_t len, unsigned int flags)
{
	uint8_t chunk[256];
	unsigned long done = 0;

	if (flags & ~7u) /* GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE */
		return -EINVAL;
	len = MIN(len, (size_t)33554431); /* Linux's per-call limit */
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));
		random_fill(chunk, n);
		if (copy_to_user(ubuf + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

struct timespec64 {
	int64_t tv_sec;
	int64_t tv_nsec;
};

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7

long sys_clock_gettime(int clock, void __user *uts)
{
	bool wall = clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE;
	uint64_t ns = wall ? timer_realtime_ns() : timer_ns();
	struct timespec64 ts = { (int64_t)(ns / 1000000000), (int64_t)(ns % 1000000000) };

	/* CLOCK_REALTIME comes from the RTC read at boot, where there is one. */
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_MONOTONIC_RAW &&
	    clock != CLOCK_REALTIME_COARSE && clock != CLOCK_MONOTONIC_COARSE &&
	    clock != CLOCK_BOOTTIME)
		return -EINVAL;
	return copy_to_user(uts, &ts, sizeof(ts));
}

long sys_clock_getres(int clock, void __user *uts)
{
	struct timespec64 ts = { 0, (int64_t)(1000000000 / timer_frequency()) };

	if (clock < 0 || clock > CLOCK_BOOTTIME)
		return -EINVAL;
	if (!ts.tv_nsec)
		ts.tv_nsec = 1;
	return uts ? copy_to_user(uts, &ts, sizeof(ts)) : 0;
}

long sys_nanosleep(const void __user *ureq, void __user *urem)
{
	struct timespec64 req;

	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= 1000000000)
		return -EINVAL;
	/* Any valid length is a sleep until a signal if it comes to more
	 * nanoseconds than 64 bits hold: saturate, never wrap (Linux: KTIME_MAX). */
	uint64_t now = timer_ns(), nsec = (uint64_t)req.tv_nsec;
	uint64_t deadline = (uint64_t)req.tv_sec > (UINT64_MAX - now - nsec) / 1000000000
				    ? UINT64_MAX
				    : now + (uint64_t)req.tv_sec * 1000000000 + nsec;
	int err = timer_sleep_until(deadline);
	if (err == -EINTR && urem) {
		now = timer_ns();
		uint64_t left = deadline > now ? deadline - now : 0;
		struct timespec64 rem = { (int64_t)(left / 1000000000), (int64_t)(left % 1000000000) };
		if (copy_to_user(urem, &rem, sizeof(rem)))
			return -EFAULT;
	}
	return err;
}

/*
 * Send sig (0: only check) to the processes pid names, as kill(2) reads
 * it: pid > 0 that process; 0 the caller's process group; -1 every process
 * but init and the caller; < -1 the group -pid.
 */
long signal_kill(long pid, int sig, struct proc *self)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	long found = 0;

	for (struct proc *p = proc_list; p; p = p->all_next) {
		if (p->kthread || p->exited)
			continue;
		bool hit = pid > 0 ? p->pid == pid
			 : pid == -1 ? p != init_proc && p != self
			 : p->pgid == (pid == 0 ? self->pgid : -pid);
		if (!hit)
			continue;
		found++;
		if (sig)
			signal_send(p, sig);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return found ? 0 : -ESRCH;
}

long sys_kill(int pid, int sig)
{
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	return signal_kill(pid, sig, current_proc());
}

long sys_setpgid(int pid, int pgid)
{
	struct proc *self = current_proc(), *target = NULL;

	if (pgid < 0)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	for (struct proc *p = proc_list; p; p = p->all_next)
		if (p->pid == (pid ? pid : self->pid) && (p == self || p->parent == self))
			target = p;
	if (target)
		target->pgid = pgid ? pgid : target->pid;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return target ? 0 : -ESRCH;
}

long sys_getpgid(int pid)
{
	long pgid = -ESRCH;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);

	for (struct proc *p = proc_list; p; p = p->all_next)
		if (p->pid == (pid ? pid : current_proc()->pid) && !p->exited)
			pgid = p->pgid;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return pgid;
}

long sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	if (tgid != tid)
		return -ESRCH; /* one thread per process */
	return sys_kill(tid, sig);
}

/* reboot(2)'s numbers (Linux's include/uapi/linux/reboot.h). */
#define LINUX_REBOOT_MAGIC1 ((int)0xfee1dead)
#define LINUX_REBOOT_MAGIC2 672274793
#define LINUX_REBOOT_MAGIC2A 85072278
#define LINUX_REBOOT_MAGIC2B 369367448
#define LINUX_REBOOT_MAGIC2C 537993216
#define LINUX_REBOOT_CMD_RESTART 0x01234567u
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcu
#define LINUX_REBOOT_CMD_HALT 0xcdef0123u
#define LINUX_REBOOT_CMD_CAD_ON 0x89abcdefu
#define LINUX_REBOOT_CMD_CAD_OFF 0x00000000u

/*
 * The magic numbers are ints, as Linux declares them: glibc passes
 * 0xfee1dead sign-extended, and the table's int conversion keeps the low
 * 32 bits, so both spellings match.  Any of Linux's four magic2 values.
 */
long sys_reboot(int magic1, int magic2, unsigned int cmd, void __user *uarg)
{
	if (magic1 != LINUX_REBOOT_MAGIC1 ||
	    (magic2 != LINUX_REBOOT_MAGIC2 && magic2 != LINUX_REBOOT_MAGIC2A &&
	     magic2 != LINUX_REBOOT_MAGIC2B && magic2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	/* Ctrl-Alt-Del handling: there is no such key here; accepted as Linux does. */
	if (cmd == LINUX_REBOOT_CMD_CAD_ON || cmd == LINUX_REBOOT_CMD_CAD_OFF)
		return 0;
	if (cmd == LINUX_REBOOT_CMD_POWER_OFF || cmd == LINUX_REBOOT_CMD_HALT) {
		printk("sluice: power off\n");
		sbi_poweroff();
	}
	if (cmd == LINUX_REBOOT_CMD_RESTART) {
		printk("sluice: restart\n");
		console_flush();
		sbi_system_reset(SBI_SRST_RESET_TYPE_COLD_REBOOT, SBI_SRST_RESET_REASON_NONE);
		return -EIO;
	}
	return -EINVAL;
}

long sys_sluice_free_pages(void)
{
	return (long)page_free_count();
}
