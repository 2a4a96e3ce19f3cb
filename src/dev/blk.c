/*
 * The block layer's one piece of glue: once a driver has found a disk, the
 * block cache (bcache.c) goes in front of it, sized from RAM.  The driver
 * knows nothing of the cache and the cache nothing of the driver: it sees
 * the disk only through the blk_* calls (sluice/blk.h).
 */
#include <sluice/bcache.h>
#include <sluice/blk.h>
#include <sluice/errno.h>
#include <sluice/kvm.h>
#include <sluice/printk.h>

int blk_cache_init(void)
{
	struct bcache_dev disk = {blk_read, blk_write, blk_flush, blk_sectors()};
	int err;

	if (!blk_present())
		return -ENODEV;
	err = bcache_init(&disk, bcache_default_buffers(mm_ram_bytes()));
	if (err)
		printk("bcache: no memory for the block cache: /dev/vda is not usable\n");
	else
		printk("bcache: %u KiB in front of /dev/vda\n",
		       bcache_buffers() * (BCACHE_BLOCK / 1024));
	return err;
}
