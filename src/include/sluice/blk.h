/*
 * Block devices: the virtio-mmio block driver (virtio 1.x, "modern", and the
 * legacy interface QEMU offers by default).  A request puts its caller to
 * sleep; the device's completion interrupt wakes it.  Several requests may
 * be in flight.  Sectors are 512 bytes.
 */
#ifndef SLUICE_BLK_H
#define SLUICE_BLK_H

#include <sluice/dt.h>
#include <sluice/types.h>

#define BLK_SECTOR 512

/* The driver (a DRIVER() for "virtio,mmio") makes the first block device
 * it finds /dev/vda; a clear message and no disk if anything is wrong. */

/* Is there a disk, and how many sectors does it have? */
bool blk_present(void);
uint64_t blk_sectors(void);

/*
 * Read or write count sectors at sector into/from buf (kernel memory,
 * physically contiguous: kmalloc'd).  Sleeps until done.  0, -EIO if the
 * device reports an error, -EINVAL outside the disk, -ENODEV without one.
 */
int blk_read(uint64_t sector, void *buf, uint32_t count);
int blk_write(uint64_t sector, const void *buf, uint32_t count);

/* Ask the device to make written data durable (VIRTIO_BLK_T_FLUSH). */
int blk_flush(void);

/* Put the block cache in front of the disk (at boot, after the drivers'
 * probe): 0, -ENODEV without a disk, -ENOMEM (said on the console). */
int blk_cache_init(void);

#endif
