/*
 * /proc's texts about the whole system, in Linux's formats (proc(5)):
 * cpuinfo, uptime, loadavg, version, filesystems, stat, meminfo.
 * docs/proc.md.
 */
#include <sluice/hart.h>
#include <sluice/meminfo.h>
#include <sluice/procfs_internal.h>
#include <sluice/string.h>
#include <sluice/timer.h>

/* One block per online hart, as Linux's riscv cpuinfo: processor, hartid,
 * isa (the base Sluice's kernel and userland use), mmu. */
void procfs_cpuinfo(struct text *t)
{
	for (unsigned int i = 0; hart_at(i); i++) {
		if (!hart_at(i)->online)
			continue;
		procfs_put(
			t,
			"processor\t: %u\nhartid\t\t: %u\nisa\t\t: rv64imafdc\nmmu\t\t: sv39\n\n",
			i, hart_at(i)->hartid);
	}
}

/* Seconds since boot and the harts' idle seconds added up (Linux's second
 * field); Sluice does not time its idle loop: 0. */
void procfs_uptime(struct text *t)
{
	uint64_t cs = timer_ns() / 10000000ull;

	procfs_put(t, "%lu.%02lu 0.00\n", (unsigned long)(cs / 100), (unsigned long)(cs % 100));
}

/* Load averages are not computed (sysinfo says 0 too); then runnable and
 * all processes, and the last pid given out, as Linux writes them. */
void procfs_loadavg(struct text *t)
{
	unsigned int running = 0, all = 0;
	int last = 0;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);

	for (struct proc *p = proc_list; p; p = p->all_next) {
		if (p->kthread || p->exited)
			continue;
		all++;
		running += p->state == PROC_RUNNING || p->state == PROC_RUNNABLE;
		last = p->pid > last ? p->pid : last;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	procfs_put(t, "0.00 0.00 0.00 %u/%u %d\n", running, all, last);
}

void procfs_version(struct text *t)
{
	procfs_put(t, "Sluice version %s (sluice) #1 SMP\n", uts_release());
}

/* What mount(2) accepts; "nodev" marks those that need no device. */
void procfs_filesystems(struct text *t)
{
	procfs_put(t, "nodev\tramfs\nnodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tproc\n\text2\n");
}

/*
 * The first lines top and ps read: CPU time in clock ticks (USER_HZ, 100 a
 * second, as TIMER_HZ), user and system as the tick sampled them; then the
 * boot time (0: Sluice keeps no wall-clock boot time here) and counts
 * ("processes" counts those alive now; Linux counts forks since boot).
 */
void procfs_stat(struct text *t)
{
	uint64_t user = 0, sys = 0;
	unsigned int running = 0;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);

	for (struct proc *p = proc_list; p; p = p->all_next) {
		user += p->utime + p->cutime;
		sys += p->stime + p->cstime;
		running += !p->kthread && (p->state == PROC_RUNNING || p->state == PROC_RUNNABLE);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	procfs_put(t, "cpu  %lu 0 %lu 0 0 0 0 0 0 0\n", (unsigned long)user, (unsigned long)sys);
	procfs_put(t, "btime 0\nprocesses %lu\nprocs_running %u\nprocs_blocked 0\n",
		   (unsigned long)proc_count(), running);
}

/*
 * Linux's fields, in its order (fs/proc/meminfo.c), each "Name:" padded to
 * 16 columns and the figure to 8, in kB.  Those Sluice cannot say
 * honestly (Active and Inactive: it keeps no LRU lists) are left out;
 * busybox's free and top need MemTotal, MemFree, MemAvailable, Buffers,
 * Cached, Shmem, SReclaimable and the swap lines.
 */
void procfs_meminfo(struct text *t)
{
	struct meminfo mi;

	meminfo_read(&mi);
	const struct {
		const char *name;
		uint64_t kb;
	} rows[] = {
		{"MemTotal", mi.total},
		{"MemFree", mi.free},
		{"MemAvailable", mi.available},
		{"Buffers", mi.buffers},
		{"Cached", mi.cached},
		{"SwapCached", 0},
		{"SwapTotal", 0},
		{"SwapFree", 0},
		{"Dirty", mi.dirty},
		{"Writeback", mi.writeback},
		{"Shmem", mi.shmem},
		{"KReclaimable", mi.kreclaimable},
		{"Slab", mi.slab},
		{"SReclaimable", mi.sreclaimable},
		{"SUnreclaim", mi.sunreclaim},
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		procfs_put(t, "%s:%*s%8lu kB\n", rows[i].name, 15 - (int)strlen(rows[i].name), "",
			   (unsigned long)rows[i].kb);
}
