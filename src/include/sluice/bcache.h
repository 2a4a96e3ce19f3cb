/*
 * The block cache: recently used disk blocks kept in memory, written back
 * when asked (bcache_sync) rather than at every change.  The file system
 * reads and writes its metadata through it (file data lives in the page
 * cache, which goes around it: bcache_read_direct); so does /dev/vda.  A block is BCACHE_BLOCK
 * bytes (two sectors: ext2's smallest block).
 *
 * A caller gets a block with bcache_get, which hands it over locked (no one
 * else may use it until bcache_put) and with its data read from the disk;
 * bcache_dirty records a change; bcache_put gives it back.  Blocks nobody
 * holds are reused least recently used first; a dirty one is written back
 * before its buffer is reused.
 */
#ifndef SLUICE_BCACHE_H
#define SLUICE_BCACHE_H

#include <sluice/types.h>

#define BCACHE_BLOCK   1024
#define BCACHE_SECTORS (BCACHE_BLOCK / 512)

/* Where the cache's blocks come from: sectors of 512 bytes. */
struct bcache_dev {
	int (*read)(uint64_t sector, void *buf, uint32_t count);
	int (*write)(uint64_t sector, const void *buf, uint32_t count);
	int (*flush)(void);
	uint64_t sectors;
};

struct bcache_buf {
	uint64_t blockno;
	uint8_t *data;			/* BCACHE_BLOCK bytes */
	bool valid;			/* data holds the block */
	bool dirty;			/* data differs from the disk */
	bool busy;			/* handed out by bcache_get */
	uint64_t dirtied_ns;		/* when it last became dirty (timer_ns) */
	struct bcache_buf *prev, *next; /* LRU list: most recent first */
};

/* A cache of nbufs buffers (fewer if memory runs out) in front of dev.
 * 0, or -ENOMEM if there is not even one chunk of them. */
int bcache_init(const struct bcache_dev *dev, unsigned int nbufs);

/* How many buffers a machine with this much RAM gives the cache: a
 * sixteenth of it, at least 256 (256 KiB) and at most 16384 (16 MiB). */
unsigned int bcache_default_buffers(uint64_t ram_bytes);

/* Block blockno, locked for the caller, data valid.  0, -EIO (the read
 * failed: *out NULL), -EINVAL past the end of the disk. */
int bcache_get(uint64_t blockno, struct bcache_buf **out);

/* The caller changed b->data: write it back some time (sync at the latest,
 * or the flusher once it has been dirty dirty_expire_centisecs). */
void bcache_dirty(struct bcache_buf *b);

/* Give b back. */
void bcache_put(struct bcache_buf *b);

/*
 * File data goes around the cache (the page cache holds it): nblocks
 * blocks from block first moved straight between the disk and buf (one
 * request; buf physically contiguous), kept coherent with any copy the
 * cache has of them: a read takes the cached copy, a write updates it.
 * 0, -EIO, -EINVAL past the end of the disk.  May sleep.
 */
int bcache_read_direct(uint64_t first, void *buf, uint32_t nblocks);
int bcache_write_direct(uint64_t first, const void *buf, uint32_t nblocks);
/* Write every dirty block back, then flush the device.  0 or the first error. */
int bcache_sync(void);

/* Sync, then forget every block nobody holds (tests: reads then come from
 * the disk itself).  0 or an error from the sync. */
int bcache_drop(void);

/* The flusher (src/fs/writeback.c): write back the dirty blocks nobody
 * holds that became dirty before dirtied_before (timer_ns time), without
 * flushing the device.  0 or the first error (those stay dirty). */
int bcache_write_expired(uint64_t dirtied_before);

/* For /proc/meminfo: buffers holding a block, dirty ones among them (those
 * being written back too), and buffers being written back now. */
struct bcache_counts {
	unsigned int valid, dirty, writeback;
	uint64_t looked; /* buffers the write-back passes have looked at so far */
};
void bcache_counts(struct bcache_counts *c);

/* The buffers the cache has (0 before bcache_init). */
unsigned int bcache_buffers(void);

/* Statistics: blocks read from and written to the device so far. */
void bcache_stats(uint64_t *reads, uint64_t *writes);
/* And the requests that moved them (a direct transfer moves several). */
void bcache_requests(uint64_t *reads, uint64_t *writes);

#endif
