/*
 * How many kernel objects of each kind are alive now, for
 * /proc/sluice-objects and the checks that prove a run leaked nothing (the
 * fuzzer's, docs/robustness.md).  A count goes up where its object is made
 * and down where it is freed.  Relaxed atomics: a reader sees a value that
 * was true at some moment, and the exact one once the system is quiet.
 *
 * Processes, kernel stacks, mounts, block-cache buffers and kmalloc's
 * objects are counted by their own owners (proc_count, kstack_count, the
 * mount table, bcache_buffers, kmalloc_stats); these are the rest.
 */
#ifndef SLUICE_OBJCOUNT_H
#define SLUICE_OBJCOUNT_H

enum objcount_kind {
	OBJ_MM,	   /* struct mm: user address spaces */
	OBJ_VMA,   /* struct vma: their regions */
	OBJ_FILE,  /* struct file: open file descriptions */
	OBJ_INODE, /* struct inode in memory */
	OBJ_PIPE,  /* struct pipe */
	OBJ_SUPER, /* struct super_block: file systems made by mount or boot */
	OBJ_NR
};

extern long objcounts[OBJ_NR];

static inline void objcount_add(enum objcount_kind kind, long n)
{
	__atomic_fetch_add(&objcounts[kind], n, __ATOMIC_RELAXED);
}

static inline long objcount_read(enum objcount_kind kind)
{
	return __atomic_load_n(&objcounts[kind], __ATOMIC_RELAXED);
}

#endif
