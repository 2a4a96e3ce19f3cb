/*
 * The kernel's memory as /proc/meminfo and sysinfo(2) report it, with
 * Linux's meanings (proc(5)), every figure in KiB (src/vm/meminfo.c).
 */
#ifndef SLUICE_MEMINFO_H
#define SLUICE_MEMINFO_H

#include <sluice/types.h>

struct meminfo {
	uint64_t total;			     /* pages the allocator manages */
	uint64_t free;			     /* truly free: its lists and per-hart caches */
	uint64_t available;		     /* free, plus what reclaim can give back */
	uint64_t buffers;		     /* block-cache buffers holding a block */
	uint64_t cached;		     /* file pages: ext2's, the archive cache's, shmem */
	uint64_t dirty;			     /* file pages and buffers not yet on the disk */
	uint64_t writeback;		     /* ... and those being written now */
	uint64_t shmem;			     /* ramfs and tmpfs file pages */
	uint64_t kreclaimable, sreclaimable; /* kernel caches reclaim empties */
	uint64_t slab, sunreclaim;	     /* kmalloc's slab pages */
};

/* A snapshot (each counter read once, without locks: figures taken a
 * moment apart may disagree by what changed in between). */
void meminfo_read(struct meminfo *mi);

#endif
