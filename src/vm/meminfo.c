/*
 * Memory figures for /proc/meminfo and sysinfo(2) (<sluice/meminfo.h>).
 *
 * The page allocator counts free pages (page_free_now) and the pages that
 * caches hold but give back on demand (page_reclaimable_count): ext2's page
 * cache, ramfs's archive cache, kmalloc's spare slabs, parked kernel
 * stacks.  The caches count their own pages too, so the two page caches
 * are Cached, and the rest of what is reclaimable is the kernel's
 * (KReclaimable; kmalloc's part of it is SReclaimable).  tmpfs and ramfs
 * file pages are Shmem, counted in Cached as Linux counts shmem; they are
 * not reclaimable (there is no swap).  The block cache's buffers are
 * allocated once at boot: Buffers is those holding a block.
 */
#include <sluice/bcache.h>
#include <sluice/ext2.h>
#include <sluice/meminfo.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/vfs.h>

#define KB_PER_PAGE (PAGE_SIZE / 1024)

/* a - b, or 0 if b is larger (counts read a moment apart). */
static uint64_t sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* Dirty and Writeback: ext2's pages and the block cache's buffers.  A page
 * or buffer being written stays flagged dirty meanwhile: Linux counts it
 * as Writeback only. */
static void meminfo_dirty(struct meminfo *mi, const struct ext2_pc_counts *pc)
{
	struct bcache_counts bc;

	bcache_counts(&bc);
	mi->buffers = (uint64_t)bc.valid * (BCACHE_BLOCK / 1024);
	mi->dirty = sub0(pc->dirty, pc->writeback) * KB_PER_PAGE +
		    sub0(bc.dirty, bc.writeback) * (BCACHE_BLOCK / 1024);
	mi->writeback = (uint64_t)pc->writeback * KB_PER_PAGE +
			(uint64_t)bc.writeback * (BCACHE_BLOCK / 1024);
}

void meminfo_read(struct meminfo *mi)
{
	struct ext2_pc_counts pc;
	struct kmalloc_stats km;

	ext2_pc_counts(&pc);
	kmalloc_stats(&km);
	uint64_t free = page_free_now(), reclaimable = page_reclaimable_count();
	uint64_t file = pc.pages + ramfs_rom_cached_pages(), shmem = ramfs_data_pages();
	uint64_t kernel = sub0(reclaimable, file); /* spare slabs, parked stacks */

	mi->total = (uint64_t)page_total_count() * KB_PER_PAGE;
	mi->free = free * KB_PER_PAGE;
	/* Not the archive cache's pages a mapping holds: those stay. */
	mi->available = (free + sub0(reclaimable, ramfs_rom_mapped_pages())) * KB_PER_PAGE;
	mi->cached = (file + shmem) * KB_PER_PAGE;
	mi->shmem = shmem * KB_PER_PAGE;
	mi->kreclaimable = kernel * KB_PER_PAGE;
	mi->sreclaimable = (km.spare_pages < kernel ? km.spare_pages : kernel) * KB_PER_PAGE;
	mi->sunreclaim = km.slab_pages * KB_PER_PAGE;
	mi->slab = mi->sreclaimable + mi->sunreclaim;
	meminfo_dirty(mi, &pc);
}
