/*
 * What the system says about itself: uname and sethostname, sysinfo, and
 * which harts a process may run on (sched_getaffinity, getcpu).  Linux's
 * structures and answers.
 */
#include <sluice/errno.h>
#include <sluice/hart.h>
#include <sluice/meminfo.h>
#include <sluice/mm.h>
#include <sluice/proc.h>
#include <sluice/spinlock.h>
#include <sluice/string.h>
#include <sluice/syscall.h>
#include <sluice/timer.h>
#include <sluice/uaccess.h>

#define UTS_LEN	    64 /* Linux's __NEW_UTS_LEN */
#define UTS_RELEASE "6.1.0-sluice-" SLUICE_VERSION

/* The node name sethostname sets and uname reports. */
static char hostname[UTS_LEN + 1] = "sluice";
static struct spinlock hostname_lock = SPINLOCK_INIT;

struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

long sys_uname(void __user *ubuf)
{
	struct utsname u;

	memset(&u, 0, sizeof(u));
	strncpy_safe(u.sysname, "Sluice", sizeof(u.sysname));
	unsigned long flags = spin_lock_irqsave(&hostname_lock);
	strncpy_safe(u.nodename, hostname, sizeof(u.nodename));
	spin_unlock_irqrestore(&hostname_lock, flags);
	/* glibc compares the release with the oldest kernel it supports. */
	strncpy_safe(u.release, UTS_RELEASE, sizeof(u.release));
	strncpy_safe(u.version, "#1 SMP", sizeof(u.version));
	strncpy_safe(u.machine, "riscv64", sizeof(u.machine));
	strncpy_safe(u.domainname, "(none)", sizeof(u.domainname));
	return copy_to_user(ubuf, &u, sizeof(u));
}

void uts_hostname(char *buf, size_t size)
{
	unsigned long flags = spin_lock_irqsave(&hostname_lock);

	strncpy_safe(buf, hostname, size);
	spin_unlock_irqrestore(&hostname_lock, flags);
}

const char *uts_release(void)
{
	return UTS_RELEASE;
}

/* Root only (EPERM first, as Linux).  The name need not end in a NUL: len
 * bytes are taken, at most 64. */
long sys_sethostname(const char __user *uname, int len)
{
	char name[UTS_LEN + 1];

	if (!cred_capable(cred_current()))
		return -EPERM; /* CAP_SYS_ADMIN */
	if (len < 0 || len > UTS_LEN)
		return -EINVAL;
	if (copy_from_user(name, uname, (size_t)len))
		return -EFAULT;
	name[len] = '\0';
	unsigned long flags = spin_lock_irqsave(&hostname_lock);
	memcpy(hostname, name, (size_t)len + 1);
	spin_unlock_irqrestore(&hostname_lock, flags);
	return 0;
}

/* Linux's struct sysinfo on a 64-bit machine (112 bytes). */
struct sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
};
_Static_assert(sizeof(struct sysinfo) == 112, "struct sysinfo is Linux's");

/* Memory in bytes (mem_unit 1), /proc/meminfo's MemTotal, MemFree, Shmem
 * and Buffers, as Linux's si_meminfo.  Load averages are not computed: 0. */
long sys_sysinfo(void __user *uinfo)
{
	struct sysinfo si;
	struct meminfo mi;
	unsigned int procs = 0;

	memset(&si, 0, sizeof(si));
	si.uptime = (int64_t)(timer_ns() / 1000000000ull);
	meminfo_read(&mi);
	si.totalram = mi.total * 1024;
	si.freeram = mi.free * 1024;
	si.sharedram = mi.shmem * 1024;
	si.bufferram = mi.buffers * 1024;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	for (struct proc *p = proc_list; p; p = p->all_next)
		procs += !p->kthread && !p->exited;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	si.procs = (uint16_t)MIN(procs, 0xffffu);
	si.mem_unit = 1;
	return copy_to_user(uinfo, &si, sizeof(si));
}

/* sched_getaffinity and sched_setaffinity: src/proc/prio.c. */

/* The hart (as its dense index) and the NUMA node (always 0) the caller is on. */
long sys_getcpu(unsigned int __user *ucpu, unsigned int __user *unode, void __user *ucache)
{
	unsigned int cpu = this_hart_index(), node = 0;

	if (ucpu && copy_to_user(ucpu, &cpu, sizeof(cpu)))
		return -EFAULT;
	if (unode && copy_to_user(unode, &node, sizeof(node)))
		return -EFAULT;
	return 0;
}
