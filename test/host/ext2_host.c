/* Host stand-ins for the ext2 driver's kernel neighbours: see ext2_host.h. */
#include <stdlib.h>
#include <string.h>

#include <sluice/bcache.h>
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/mutex.h>
#include <sluice/panic.h>
#include <sluice/vfs.h>

#include "ext2_host.h"

#define HOST_DISK_MAX	(64 * MiB) /* the fake device's size; images are smaller */
#define HOST_CACHE_BUFS 256

bool host_kmalloc_fail;
int host_kmalloc_fail_nth;

static bool kmalloc_fails(void)
{
	return host_kmalloc_fail || (host_kmalloc_fail_nth > 0 && --host_kmalloc_fail_nth == 0);
}

void *kmalloc(size_t size)
{
	return kmalloc_fails() ? NULL : malloc(size ? size : 1);
}

void *kzalloc(size_t size)
{
	return kmalloc_fails() ? NULL : calloc(1, size ? size : 1);
}

void kfree(void *p)
{
	free(p);
}

/* ext2's map_page gets pages from the host's heap: the linear map's offset
 * is 0 here (weak: tests with the fake RAM of host_stubs.c set their own). */
__attribute__((weak)) uintptr_t host_phys_to_virt_offset;

long host_pages;	    /* pages handed out and not freed */
void (*host_reclaim)(void); /* what the page cache registered */

void *page_alloc_zeroed_kva(void)
{
	void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

	if (p) {
		memset(p, 0, PAGE_SIZE);
		host_pages++;
	}
	return p;
}

paddr_t page_alloc(unsigned int order)
{
	void *p = order ? NULL : aligned_alloc(PAGE_SIZE, PAGE_SIZE);

	host_pages += p != NULL;
	return p ? virt_to_phys(p) : 0;
}

/* The page cache's share counts: its pins are owners too, so they are
 * counted here as the kernel's page_refs.c does (owners beyond the
 * first), in a hash of the pages that have any. */
#define SHARE_BUCKETS 1024
struct share {
	paddr_t pa;
	int extra;
	struct share *next;
};
static struct share *shares[SHARE_BUCKETS];

static struct share **share_of(paddr_t pa)
{
	struct share **pp = &shares[(pa / PAGE_SIZE) % SHARE_BUCKETS];

	while (*pp && (*pp)->pa != pa)
		pp = &(*pp)->next;
	return pp;
}

void page_share(paddr_t pa)
{
	struct share **pp = share_of(pa);

	if (!*pp) {
		*pp = calloc(1, sizeof(**pp));
		if (!*pp)
			panic("ext2_host: no memory for a share count");
		(*pp)->pa = pa;
	}
	(*pp)->extra++;
}

bool page_unshare(paddr_t pa)
{
	struct share **pp = share_of(pa), *s = *pp;

	if (!s)
		return true;
	if (--s->extra == 0) {
		*pp = s->next;
		free(s);
	}
	return false;
}

bool page_shared(paddr_t pa)
{
	return *share_of(pa) != NULL;
}

void page_reclaimable_add(long delta)
{
	(void)delta;
}

void page_alloc_set_reclaim(void (*fn)(void))
{
	host_reclaim = fn;
}

size_t page_total_count(void)
{
	return 16384;
}

void page_free(paddr_t pa, unsigned int order)
{
	(void)order;
	host_pages--;
	free(phys_to_virt(pa));
}

/* Single-threaded: a mutex is a flag, and taking it twice is a deadlock. */
void mutex_init(struct mutex *m)
{
	m->owner = NULL;
}

void mutex_lock(struct mutex *m)
{
	if (m->owner)
		panic("mutex_lock: already held (a deadlock in the kernel)");
	m->owner = (struct proc *)m;
}

void mutex_unlock(struct mutex *m)
{
	if (!m->owner)
		panic("mutex_unlock: not held");
	m->owner = NULL;
}

bool mutex_held(struct mutex *m)
{
	return m->owner != NULL;
}

/* Nothing waits in a single-threaded test. */
void waitq_sleep(struct waitq *wq, struct spinlock *lk)
{
	(void)wq, (void)lk;
	panic("waitq_sleep: a single-threaded test should never wait");
}

void waitq_wake_all(struct waitq *wq)
{
	(void)wq;
}

int vfs_copy_out(void *dst, const void *src, size_t n, bool user)
{
	(void)user;
	memcpy(dst, src, n);
	return 0;
}

int vfs_copy_in(void *dst, const void *src, size_t n, bool user)
{
	(void)user;
	memcpy(dst, src, n);
	return 0;
}

/* No process to kill in a host test. */
bool fatal_signal_pending(void)
{
	return false;
}

uint64_t host_now_ns;

/* The page cache's and block cache's dirty stamps: the tests' clock. */
uint64_t timer_ns(void)
{
	return host_now_ns;
}

int64_t vfs_now(void)
{
	return 1700000000; /* November 2023: a fixed time keeps runs alike */
}

/* Files made in the host test belong to root, as the kernel's boot does. */
void vfs_new_owner(struct inode *dir, uint32_t *mode, uint32_t *uid, uint32_t *gid)
{
	(void)dir, (void)mode;
	*uid = *gid = 0;
}

uint64_t vfs_new_dev(void)
{
	static uint64_t next = 1;

	return next++;
}

static uint8_t *disk;
static size_t disk_len;
unsigned long host_disk_reads, host_disk_writes;

static int disk_read(uint64_t sector, void *buf, uint32_t count)
{
	if (sector * 512 + count * 512 > disk_len)
		return -EIO;
	memcpy(buf, disk + sector * 512, count * 512);
	host_disk_reads += count;
	return 0;
}

bool host_disk_fail_writes;

static int disk_write(uint64_t sector, const void *buf, uint32_t count)
{
	if (sector * 512 + count * 512 > disk_len || host_disk_fail_writes)
		return -EIO;
	memcpy(disk + sector * 512, buf, count * 512);
	host_disk_writes += count;
	return 0;
}

void host_disk_attach(uint8_t *img, size_t len)
{
	static bool ready;
	static const struct bcache_dev dev = {
		.read = disk_read, .write = disk_write, .sectors = HOST_DISK_MAX / 512};

	if (!ready) {
		BUG_ON(bcache_init(&dev, HOST_CACHE_BUFS) != 0);
		ready = true;
	}
	bcache_drop(); /* back to the old image, then forget it */
	disk = img;
	disk_len = len;
	host_disk_reads = host_disk_writes = 0;
}

/* The block cache counts a process's reads (getrusage's ru_inblock): no
 * process here.  Weak: host_stubs.c has the same stand-in. */
__attribute__((weak)) void proc_account_inblock(uint64_t sectors)
{
	(void)sectors;
}
