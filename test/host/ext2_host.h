/*
 * What the ext2 driver needs from the rest of the kernel, for host tests
 * and the fuzzer: kmalloc on malloc (so AddressSanitizer sees every
 * object's bounds), mutexes that check they are not taken twice, the VFS's
 * four helpers, and a fake disk in memory under the real block cache.
 */
#ifndef EXT2_HOST_H
#define EXT2_HOST_H

#include <sluice/types.h>

/*
 * Put the image img (len bytes, a multiple of 1024) under the block cache:
 * what the cache held of the previous image is written back to it first,
 * then forgotten.  Reads past len fail (-EIO), as a short disk would.
 */
void host_disk_attach(uint8_t *img, size_t len);

/* Sectors read and written since the last attach. */
extern unsigned long host_disk_reads, host_disk_writes;
/* What timer_ns answers (dirty stamps): the tests set it. */
extern uint64_t host_now_ns;
/* Every disk write fails (-EIO): the disk gone. */
extern bool host_disk_fail_writes;
/* kmalloc and kzalloc answer NULL: the kernel out of memory; or only
 * the n-th call from now (host_kmalloc_fail_nth = n), once. */
extern bool host_kmalloc_fail;
extern int host_kmalloc_fail_nth;

/* Pages page_alloc handed out and page_free has not had back; the
 * reclaimer page_alloc_set_reclaim was given (NULL before). */
extern long host_pages;
extern void (*host_reclaim)(void);

#endif
