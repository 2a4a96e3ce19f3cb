/*
 * Small process and system syscalls: ids, uname, limits, time, sleep,
 * randomness, kill, reboot.  Linux semantics for the cases implemented.
 */
#include <sluice/console.h>
#include <sluice/errno.h>
#include <sluice/hart.h>
#include <sluice/irq.h>
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
#include <sluice/uvm.h>
#include <sluice/vfs.h>

long sys_getpid(void)
{
	return current_proc()->tgid; /* the thread group's: its leader's pid */
}

long sys_gettid(void)
{
	return current_proc()->pid;
}

long sys_getppid(void)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *parent = current_proc()->leader->parent;
	long ppid = parent ? parent->pid : 0;

	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return ppid;
}

/* Users and groups: src/proc/cred.c. */

long sys_set_tid_address(int __user *utidptr)
{
	current_proc()->clear_child_tid = (unsigned long)utidptr;
	return current_proc()->pid;
}

/* The robust-futex list's head (struct robust_list_head, 24 bytes), walked
 * at exit by futex_exit; stored without a look, as Linux does. */
long sys_set_robust_list(void __user *uhead, size_t len)
{
	if (len != 24)
		return -EINVAL;
	current_proc()->robust_list = (unsigned long)uhead;
	return 0;
}

/* Only the caller's own (pid 0 or its tid): no ptrace, no other's list. */
long sys_get_robust_list(int pid, void __user *uhead_ptr, size_t __user *ulen_ptr)
{
	struct proc *p = current_proc();
	size_t len = 24;

	if (pid != 0 && pid != p->pid)
		return pid < 0 ? -ESRCH : -EPERM;
	if (copy_to_user(ulen_ptr, &len, sizeof(len)) ||
	    copy_to_user(uhead_ptr, &p->robust_list, sizeof(p->robust_list)))
		return -EFAULT;
	return 0;
}

long sys_sched_yield(void)
{
	proc_yield();
	return 0;
}

long sys_getrandom(char __user *ubuf, size_t len, unsigned int flags)
{
	if (flags & ~7u) /* GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE */
		return -EINVAL;
	return random_copy_to_user(ubuf, MIN(len, (size_t)33554431)); /* Linux's per-call limit */
}

struct timespec64 {
	int64_t tv_sec;
	int64_t tv_nsec;
};

#define CLOCK_REALTIME		 0
#define CLOCK_MONOTONIC		 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID	 3
#define CLOCK_MONOTONIC_RAW	 4
#define CLOCK_REALTIME_COARSE	 5
#define CLOCK_MONOTONIC_COARSE	 6
#define CLOCK_BOOTTIME		 7
#define CLOCK_TAI		 11

/* This process's CPU time (one thread: the thread's too), in ns. */
static uint64_t cpu_time_ns(void)
{
	struct proc *p = current_proc();

	return (p->utime + p->stime) * (1000000000ull / TIMER_HZ);
}

long sys_clock_gettime(int clock, void __user *uts)
{
	bool wall = clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE;
	bool cpu = clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID;
	uint64_t ns = cpu ? cpu_time_ns() : wall ? timer_realtime_ns() : timer_ns();
	struct timespec64 ts = {(int64_t)(ns / 1000000000), (int64_t)(ns % 1000000000)};

	/* CLOCK_REALTIME comes from the RTC read at boot, where there is one. */
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_MONOTONIC_RAW &&
	    clock != CLOCK_REALTIME_COARSE && clock != CLOCK_MONOTONIC_COARSE &&
	    clock != CLOCK_BOOTTIME && !cpu)
		return -EINVAL;
	return copy_to_user(uts, &ts, sizeof(ts));
}

long sys_clock_getres(int clock, void __user *uts)
{
	struct timespec64 ts = {0, (int64_t)(1000000000 / timer_frequency())};

	if (clock < 0 || clock > CLOCK_BOOTTIME)
		return -EINVAL;
	if (!ts.tv_nsec)
		ts.tv_nsec = 1;
	return uts ? copy_to_user(uts, &ts, sizeof(ts)) : 0;
}

#define TIMER_ABSTIME 1
#define NSEC_PER_SEC  1000000000ull

/* A timespec as nanoseconds, saturating at the far future. */
static uint64_t timespec_ns(const struct timespec64 *ts)
{
	uint64_t ns;

	if (__builtin_mul_overflow((uint64_t)ts->tv_sec, NSEC_PER_SEC, &ns) ||
	    __builtin_add_overflow(ns, (uint64_t)ts->tv_nsec, &ns))
		return UINT64_MAX;
	return ns;
}

/*
 * Sleep as clock_nanosleep does: until the clock reads *ureq (TIMER_ABSTIME)
 * or for *ureq; a relative sleep a signal cuts short leaves what was left
 * in *urem.  Timers run on the monotonic clock; a REALTIME deadline is
 * turned into one there (Sluice's realtime clock is never set).
 */
static long sleep_ns(int clock, int flags, const void __user *ureq, void __user *urem)
{
	struct timespec64 req;
	uint64_t now = timer_ns(), deadline;

	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	if (!(flags & TIMER_ABSTIME)) {
		deadline = timespec_ns(&req);
		deadline = deadline > UINT64_MAX - now ? UINT64_MAX : now + deadline;
	} else if (clock == CLOCK_REALTIME) {
		uint64_t wall = timer_realtime_ns(), at = timespec_ns(&req);
		deadline = at <= wall ? now
				      : (at - wall > UINT64_MAX - now ? UINT64_MAX
								      : now + (at - wall));
	} else {
		deadline = timespec_ns(&req);
	}
	if (timer_sleep_until(deadline))
		return signal_sleep_interrupted(deadline, urem, flags & TIMER_ABSTIME);
	return 0;
}

long sys_nanosleep(const void __user *ureq, void __user *urem)
{
	return sleep_ns(CLOCK_MONOTONIC, 0, ureq, urem);
}

/*
 * glibc's sleep, usleep and nanosleep all come here.  As on Linux, flags
 * other than TIMER_ABSTIME are ignored, the coarse and raw clocks cannot be
 * slept on (EOPNOTSUPP), and CLOCK_TAI is the wall clock (no leap-second
 * offset is ever set).  Sleeping on CPU time (CLOCK_PROCESS_CPUTIME_ID) is
 * not done: EINVAL, where Linux sleeps.
 */
long sys_clock_nanosleep(int clock, int flags, const void __user *ureq, void __user *urem)
{
	if (clock == CLOCK_MONOTONIC_RAW || clock == CLOCK_REALTIME_COARSE ||
	    clock == CLOCK_MONOTONIC_COARSE)
		return -EOPNOTSUPP;
	if (clock == CLOCK_TAI)
		clock = CLOCK_REALTIME;
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME)
		return -EINVAL;
	return sleep_ns(clock, flags & TIMER_ABSTIME, ureq, urem);
}

/* Ticks as a struct timeval's two longs. */
static void ticks_to_timeval(uint64_t ticks, int64_t tv[2])
{
	tv[0] = (int64_t)(ticks / TIMER_HZ);
	tv[1] = (int64_t)(ticks % TIMER_HZ * (1000000 / TIMER_HZ));
}

/* Linux's struct rusage: two timevals, then 14 longs in this order. */
enum {
	RU_MAXRSS = 4,
	RU_MINFLT = 8,
	RU_MAJFLT,
	RU_INBLOCK = 11,
	RU_NVCSW = 16,
	RU_NIVCSW,
	RU_LONGS
};

long put_rusage(void __user *uru, const struct rusage_src *r)
{
	int64_t ru[RU_LONGS] = {0}; /* the rest (ixrss, nswap, oublock...): not counted */

	ticks_to_timeval(r->utime, &ru[0]);
	ticks_to_timeval(r->stime, &ru[2]);
	ru[RU_MAXRSS] = (int64_t)r->maxrss_kb;
	ru[RU_MINFLT] = (int64_t)r->ru.minflt;
	ru[RU_MAJFLT] = (int64_t)r->ru.majflt;
	ru[RU_INBLOCK] = (int64_t)r->ru.inblock;
	ru[RU_NVCSW] = (int64_t)r->ru.nvcsw;
	ru[RU_NIVCSW] = (int64_t)r->ru.nivcsw;
	return copy_to_user(uru, ru, sizeof(ru));
}

void proc_account_inblock(uint64_t sectors)
{
	struct proc *p = current_proc();

	if (p)
		p->ru.inblock += sectors;
}

void proc_account_rss(struct proc *l, size_t pages)
{
	uint64_t kb = (uint64_t)pages * (PAGE_SIZE / 1024);

	if (kb > __atomic_load_n(&l->maxrss_kb, __ATOMIC_RELAXED))
		__atomic_store_n(&l->maxrss_kb, kb, __ATOMIC_RELAXED);
}

#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD	1

/* RUSAGE_SELF: every thread of the process (the ended ones are in the
 * leader's counts), and the resident memory now. */
static void rusage_self(struct proc *me, struct rusage_src *r)
{
	struct proc *l = me->leader;

	if (me->mm)
		proc_account_rss(l, uvm_resident_pages(me->mm));
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	for (struct proc *t = l; t; t = t->thread_next) {
		r->utime += t->utime;
		r->stime += t->stime;
		ru_add(&r->ru, &t->ru);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	r->maxrss_kb = l->maxrss_kb;
}

long sys_getrusage(int who, void __user *uru)
{
	struct proc *p = current_proc();
	struct rusage_src r = {0};

	if (who == RUSAGE_SELF) {
		rusage_self(p, &r);
	} else if (who == RUSAGE_THREAD) {
		r = (struct rusage_src){p->utime, p->stime, 0, p->ru};
		if (p->mm)
			proc_account_rss(p->leader, uvm_resident_pages(p->mm));
		r.maxrss_kb = p->leader->maxrss_kb; /* Linux: the process's too */
	} else if (who == RUSAGE_CHILDREN) {
		r = (struct rusage_src){p->leader->cutime, p->leader->cstime, p->leader->cmaxrss_kb,
					p->leader->cru};
	} else {
		return -EINVAL;
	}
	return put_rusage(uru, &r);
}

/*
 * times(2): the caller's and its reaped children's CPU time in clock ticks
 * (Linux's USER_HZ, 100, which is also Sluice's TIMER_HZ), and the ticks
 * since boot as its result.
 */
long sys_times(void __user *ubuf)
{
	struct proc *p = current_proc();
	int64_t tms[4] = {(int64_t)p->utime, (int64_t)p->stime, (int64_t)p->cutime,
			  (int64_t)p->cstime};

	if (ubuf && copy_to_user(ubuf, tms, sizeof(tms)))
		return -EFAULT;
	return (long)(timer_ns() / (NSEC_PER_SEC / TIMER_HZ));
}

/* The wall clock in microseconds; the time zone (obsolete) is all zero, as Linux's default. */
long sys_gettimeofday(void __user *utv, void __user *utz)
{
	uint64_t ns = timer_realtime_ns();
	struct {
		int64_t tv_sec, tv_usec;
	} tv = {(int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC / 1000)};
	static const int tz[2];

	if (utv && copy_to_user(utv, &tv, sizeof(tv)))
		return -EFAULT;
	if (utz && copy_to_user(utz, tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

/*
 * Send sig (0: only check) to the processes pid names, as kill(2) reads
 * it: pid > 0 that process; 0 the caller's process group; -1 every process
 * but init and the caller; < -1 the group -pid.  A zombie (a process whose
 * threads are gone but which nobody has waited for) is still found, as on
 * Linux, and gets nothing; an ended thread of a live process is not.
 */
long signal_kill(long pid, int sig, struct proc *self)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	long found = 0;
	struct proc *me = self ? self->leader : NULL; /* NULL: the kernel sends */

	/* A process is its thread group: its leader stands for it (a thread's
	 * own tid names its group too, as on Linux). */
	for (struct proc *p = proc_list; p; p = p->all_next) {
		if (p->kthread || (p->exited && p->leader != p) || (pid <= 0 && p->leader != p))
			continue;
		bool hit = pid > 0     ? p->pid == pid
			   : pid == -1 ? p != init_proc && p != me
				       : p->pgid == (pid == 0 && me ? me->pgid : -pid);
		if (!hit)
			continue;
		found++;
		/* The handler is told who sent it (uid 0: everyone is root). */
		struct sig_info info = {self ? SI_USER : SI_KERNEL, self ? (uint64_t)self->pid : 0,
					0};
		if (sig && !p->exited)
			thread_signal_info(p, sig, &info);
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

/*
 * Linux's rules: the target is the caller or its child (ESRCH), in the
 * caller's session and not a session leader (EPERM), and the group it
 * joins is its own pid or one that exists in that session (EPERM).
 */
long sys_setpgid(int pid, int pgid)
{
	struct proc *self = current_proc()->leader, *target = NULL; /* the process */
	bool group_exists = false;
	long err = 0;

	if (pgid < 0)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	for (struct proc *p = proc_list; p; p = p->all_next) {
		if (p->leader != p)
			continue; /* a process's group is its leader's */
		if (p->pid == (pid ? pid : self->pid) && (p == self || p->parent == self))
			target = p;
		group_exists |= !p->kthread && p->pgid == pgid && p->sid == self->sid;
	}
	pgid = pgid ? pgid : target ? target->pid : 0;
	if (!target)
		err = -ESRCH;
	else if (target->sid != self->sid || target->sid == target->pid)
		err = -EPERM;
	else if (pgid != target->pid && !group_exists)
		err = -EPERM;
	if (!err)
		target->pgid = pgid;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return err;
}

long sys_getpgid(int pid)
{
	long pgid = -ESRCH;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);

	for (struct proc *p = proc_list; p; p = p->all_next)
		if (p->pid == (pid ? pid : current_proc()->tgid) && !p->exited)
			pgid = p->leader->pgid;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return pgid;
}

/* reboot(2)'s numbers (Linux's include/uapi/linux/reboot.h). */
#define LINUX_REBOOT_MAGIC1	   ((int)0xfee1dead)
#define LINUX_REBOOT_MAGIC2	   672274793
#define LINUX_REBOOT_MAGIC2A	   85072278
#define LINUX_REBOOT_MAGIC2B	   369367448
#define LINUX_REBOOT_MAGIC2C	   537993216
#define LINUX_REBOOT_CMD_RESTART   0x01234567u
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcu
#define LINUX_REBOOT_CMD_HALT	   0xcdef0123u
#define LINUX_REBOOT_CMD_CAD_ON	   0x89abcdefu
#define LINUX_REBOOT_CMD_CAD_OFF   0x00000000u

/*
 * The magic numbers are ints, as Linux declares them: glibc passes
 * 0xfee1dead sign-extended, and the table's int conversion keeps the low
 * 32 bits, so both spellings match.  Any of Linux's four magic2 values.
 */
long sys_reboot(int magic1, int magic2, unsigned int cmd, void __user *uarg)
{
	if (!cred_capable(cred_current()))
		return -EPERM; /* CAP_SYS_BOOT, asked before anything else */
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

/* prctl's options (include/uapi/linux/prctl.h) that Sluice knows. */
#define PR_SET_PDEATHSIG    1
#define PR_GET_PDEATHSIG    2
#define PR_SET_NAME	    15
#define PR_GET_NAME	    16
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39

static long prctl_name(struct proc *p, int option, char __user *uname)
{
	char name[sizeof(p->name)];

	if (option == PR_GET_NAME) {
		memcpy(name, p->name, sizeof(name));
		return copy_to_user(uname, name, sizeof(name));
	}
	/* PR_SET_NAME: up to 15 bytes and a NUL, longer names cut. */
	long n = strncpy_from_user(name, uname, sizeof(name));
	if (n == -ENAMETOOLONG) {
		if (copy_from_user(name, uname, sizeof(name) - 1))
			return -EFAULT;
		name[sizeof(name) - 1] = '\0';
	} else if (n < 0) {
		return n;
	}
	strncpy_safe(p->name, name, sizeof(p->name));
	return 0;
}

/*
 * Process controls: the name (ps, /proc/<pid>/status), the signal sent
 * when the parent exits, no_new_privs.  Other options are EINVAL, as
 * Linux answers an option it does not know.
 */
long sys_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4,
	       unsigned long arg5)
{
	struct proc *p = current_proc();

	switch (option) {
	case PR_SET_NAME:
	case PR_GET_NAME:
		return prctl_name(p, option, (char __user *)arg2);
	case PR_SET_PDEATHSIG:
		if (arg2 > NSIG)
			return -EINVAL;
		p->pdeath_signal = (int)arg2;
		return 0;
	case PR_GET_PDEATHSIG: {
		int sig = p->pdeath_signal;
		return copy_to_user((int __user *)arg2, &sig, sizeof(sig));
	}
	case PR_SET_NO_NEW_PRIVS:
		if (arg2 != 1 || arg3 || arg4 || arg5)
			return -EINVAL;
		p->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (arg2 || arg3 || arg4 || arg5)
			return -EINVAL;
		return p->no_new_privs;
	}
	return -EINVAL;
}

/* Sluice's own: interrupts PLIC source irq delivered on the hart with this index. */
long sys_sluice_irq_count(unsigned int irq, unsigned int hart_index)
{
	return irq_count(irq, hart_index);
}

/* Exactly the pages an allocation could have now: not the archive cache's
 * pages a mapping holds, which page_free_count counts as reclaimable. */
long sys_sluice_free_pages(void)
{
	return (long)(page_free_count() - ramfs_rom_mapped_pages());
}
