/*
 * The flusher: one kernel thread that wakes every dirty_writeback_centisecs
 * (Linux's default, 500: 5 s) and writes back what has been dirty longer
 * than dirty_expire_centisecs (3000: 30 s), as Linux's periodic write-back
 * does.  A pass has two steps:
 *
 *   1. each mounted file system's writeback op: ext2 writes the pages of
 *      the files whose first dirty page is that old, by sync's own path
 *      (ext2_pc_sync under the file system's mutex);
 *   2. the block cache's buffers dirtied that long ago (ext2's metadata,
 *      /dev/vda's blocks), each stamped when it became dirty.
 *
 * Data first: writing a page back may give a hole its block, which dirties
 * metadata (written at a later pass, or the next sync).
 *
 * Against umount: the pass holds the mount table's lock, as sync(2) does,
 * so a file system in the table stays mounted until the pass is over, and
 * umount, which takes it out of the table under that lock before it syncs
 * and frees it, is never overtaken: one being unmounted is not in the
 * table, and is skipped.  Remount read-only, truncate, evict and the
 * writers meet the flusher at the file system's mutex, as they meet sync;
 * reclaim takes only clean pages and the page cache's spinlock.  An error
 * (the disk gone) leaves the data dirty and stamped anew: it is tried
 * again one expiry later; nothing panics.
 */
#include <sluice/bcache.h>
#include <sluice/blk.h>
#include <sluice/mutex.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/spinlock.h>
#include <sluice/timer.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>
#include <sluice/writeback.h>

#define NS_PER_CENTISEC 10000000ull

static struct spinlock wb_lock = SPINLOCK_INIT; /* the knobs, the flusher's sleep */
static unsigned int knobs[WB_KNOBS] = {[WB_INTERVAL] = 500, [WB_EXPIRE] = 3000};
static struct proc *flusher;

unsigned int writeback_knob(enum writeback_knob k)
{
	return __atomic_load_n(&knobs[k], __ATOMIC_RELAXED);
}

void writeback_set_knob(enum writeback_knob k, unsigned int centisecs)
{
	unsigned long flags = spin_lock_irqsave(&wb_lock);

	knobs[k] = centisecs;
	spin_unlock_irqrestore(&wb_lock, flags);
	/* It tests the knobs under wb_lock and sleeps letting it go: it has
	 * seen the new value, or is asleep and is woken here to see it. */
	if (flusher)
		proc_wake(flusher);
}

/* One pass: write back what became dirty before before (timer_ns time). */
static void writeback_pass(uint64_t before)
{
	mutex_lock(&mount_lock);
	for (int i = 0; i < MOUNT_MAX; i++) {
		struct super_block *sb = mounts[i].sb;
		if (sb && sb->ops && sb->ops->writeback)
			sb->ops->writeback(sb, before); /* an error: still dirty, tried later */
	}
	mutex_unlock(&mount_lock);
	if (blk_present())
		bcache_write_expired(before);
}

/*
 * The thread: sleep until the interval after the last pass is up (with
 * interval 0, until a knob changes), then make a pass.  A knob's change
 * wakes it early; it then sleeps again for what is left of the new
 * interval, or passes at once if that is over.
 */
static void flusher_main(void *arg)
{
	uint64_t last = timer_ns();

	(void)arg;
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&wb_lock);
		uint64_t interval = knobs[WB_INTERVAL] * NS_PER_CENTISEC;
		uint64_t expire = knobs[WB_EXPIRE] * NS_PER_CENTISEC;
		uint64_t due = interval ? last + interval : UINT64_MAX;

		if (timer_ns() < due) {
			timer_sleep_tick(&wb_lock, due);
			spin_unlock_irqrestore(&wb_lock, flags);
			continue;
		}
		spin_unlock_irqrestore(&wb_lock, flags);
		last = timer_ns();
		writeback_pass(last > expire ? last - expire : 0);
	}
}

void writeback_start(void)
{
	struct proc *p = kthread_create(flusher_main, NULL, "flusher");

	if (!p) {
		printk("writeback: no memory for the flusher: dirty data waits for sync\n");
		return;
	}
	flusher = p;
	proc_start(p);
}
