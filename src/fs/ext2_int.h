/*
 * ext2 inside: the on-disk structures (as the ext2 specification lays them
 * out, little-endian) and what the parts of the driver share.
 *
 *   ext2_super.c  mount, the superblock, group descriptors, byte I/O
 *   ext2_alloc.c  block and inode bitmaps: allocate and free
 *   ext2_inode.c  inodes on disk and in memory, the block map, truncation
 *   ext2_dir.c    directory entries: find, add, remove, list
 *   ext2_ops.c    the VFS's inode_ops and super_ops
 *
 * Every function here expects the file system's mutex held.
 */
#ifndef SLUICE_EXT2_INT_H
#define SLUICE_EXT2_INT_H

#include <sluice/ext2.h>
#include <sluice/mutex.h>
#include <sluice/types.h>
#include <sluice/vfs.h>

/* The disk is little-endian, and so are RISC-V and the hosts that test us:
 * the structures below are read and written as they are. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ext2 structures are little-endian");

#ifndef EMLINK
#define EMLINK 31
#endif

#define EXT2_SUPER_OFFSET	 1024 /* bytes from the start of the disk */
#define EXT2_ROOT_INO		 2
#define EXT2_GOOD_OLD_FIRST_INO	 11
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_REV	 0
#define EXT2_DYNAMIC_REV	 1
#define EXT2_LINK_MAX		 32000
#define EXT2_VALID_FS		 1 /* s_state: cleanly unmounted */

/* Feature flags (s_feature_*). */
#define EXT2_FEATURE_COMPAT_HAS_JOURNAL	    0x0004
#define EXT2_FEATURE_COMPAT_RESIZE_INODE    0x0010
#define EXT2_FEATURE_INCOMPAT_FILETYPE	    0x0002
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE   0x0002
#define EXT2_RO_COMPAT_SUPPORTED                                                                   \
	(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

/* i_flags. */
#define EXT2_INDEX_FL	0x00001000 /* hashed directory index (dir_index) */
#define EXT4_EXTENTS_FL 0x00080000 /* ext4 extents: not ext2's block map */

/* The block map in i_block: 12 direct blocks, then one indirect, one
 * double-indirect and one triple-indirect block. */
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK	 12
#define EXT2_DIND_BLOCK	 13
#define EXT2_TIND_BLOCK	 14
#define EXT2_N_BLOCKS	 15

/* Directory entry file types (FILETYPE feature). */
#define EXT2_FT_UNKNOWN	 0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR	 2
#define EXT2_FT_CHRDEV	 3
#define EXT2_FT_BLKDEV	 4
#define EXT2_FT_FIFO	 5
#define EXT2_FT_SOCK	 6
#define EXT2_FT_SYMLINK	 7

/* The superblock's first 208 bytes (the rest is left as it is on disk). */
struct ext2_super {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size; /* block size = 1024 << this */
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* EXT2_DYNAMIC_REV only: */
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algo_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks; /* resize_inode: GDT growth room per backup */
};
_Static_assert(sizeof(struct ext2_super) == 208, "ext2_super layout");

/* A block group descriptor. */
struct ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_pad;
	uint8_t bg_reserved[12];
};
_Static_assert(sizeof(struct ext2_group_desc) == 32, "ext2_group_desc layout");

/* An inode's first 128 bytes (a bigger inode's rest is left zero). */
struct ext2_dinode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks; /* 512-byte units, indirect blocks included */
	uint32_t i_flags;
	uint32_t i_osd1;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;
	uint32_t i_dir_acl; /* regular files: i_size_high */
	uint32_t i_faddr;
	uint8_t i_frag, i_fsize;
	uint16_t i_pad;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint32_t i_reserved;
};
_Static_assert(sizeof(struct ext2_dinode) == 128, "ext2_dinode layout");

/* A directory entry's fixed part; the name follows, unterminated. */
struct ext2_dirent {
	uint32_t inode;	  /* 0: an unused entry */
	uint16_t rec_len; /* to the next entry */
	uint8_t name_len;
	uint8_t file_type; /* EXT2_FT_*, with FILETYPE; else name_len's high byte */
};
#define EXT2_DIRENT_HDR 8
/* The room an entry with an n-byte name needs: a multiple of 4. */
#define EXT2_DIRENT_LEN(n) (((n) + EXT2_DIRENT_HDR + 3) & ~3u)

/* The mounted file system. */
struct ext2_fs {
	struct mutex lock;
	struct super_block *sb;
	struct ext2_super s;	    /* the superblock, kept current */
	struct ext2_group_desc *gd; /* every group's descriptor, kept current */
	uint32_t bsize;		    /* block size in bytes: 1024, 2048, 4096 */
	uint32_t ngroups;
	uint32_t inode_size;
	uint32_t first_ino;	/* the first inode not reserved */
	uint32_t itable_blocks; /* inode-table blocks per group */
	uint32_t gdt_blocks;	/* blocks of group descriptors */
	uint32_t ptrs;		/* block numbers per indirect block */
	bool readonly;
	bool filetype;		    /* INCOMPAT_FILETYPE */
	bool large_file;	    /* RO_COMPAT_LARGE_FILE */
	uint8_t *bitmap;	    /* bsize bytes: the bitmap being searched */
	uint8_t *zeros;		    /* bsize zero bytes: holes read as these */
	struct inode *dirty_inodes; /* with pages mappings may have stored to */
};

/* A regular file's cached pages (ext2_pcache.c). */
struct ext2_pcache {
	struct pc_node *root; /* a radix tree depth levels deep */
	unsigned int depth;
	size_t npages, ndirty;
	uint64_t dirtied_ns; /* when ndirty last left 0 (timer_ns): the flusher's */
	struct ext2_fs *fs;  /* whose: a parked cache is found by these two */
	uint32_t ino_nr;
	bool parked;			 /* its inode was evicted, still linked */
	struct ext2_pcache *next, *prev; /* every cache: reclaim's round */
	struct ext2_pcache *park_next;
};

/* What an ext2 struct inode carries in priv. */
struct ext2_inode_info {
	struct ext2_dinode d;	  /* the on-disk inode, kept current */
	uint32_t last_alloc;	  /* the last block allocated: the next goes after it */
	struct ext2_pcache *pc;	  /* NULL until a page is cached */
	struct inode *dirty_next; /* on ext2_fs.dirty_inodes */
	bool on_dirty_list;
	uint64_t ra_next; /* read: the page a sequential reader asks for next */
};

static inline struct ext2_fs *EXT2_FS(struct super_block *sb)
{
	return sb->priv;
}

static inline struct ext2_inode_info *EXT2_I(struct inode *ino)
{
	return ino->priv;
}

/* ext2_super.c */
/* Move len bytes at byte offset pos of the disk to or from buf (user memory
 * when user): 0, -EIO, -EFAULT. */
int ext2_io(struct ext2_fs *fs, uint64_t pos, void *buf, size_t len, bool write, bool user);
int ext2_read(struct ext2_fs *fs, uint32_t blk, uint32_t off, void *buf, size_t len);
int ext2_write(struct ext2_fs *fs, uint32_t blk, uint32_t off, const void *buf, size_t len);
int ext2_zero_block(struct ext2_fs *fs, uint32_t blk);
/* Write back the superblock and group descriptor g. */
int ext2_super_write(struct ext2_fs *fs);
int ext2_group_write(struct ext2_fs *fs, uint32_t g);
/* Report corruption ("ext2: ..."): returns -EUCLEAN. */
int ext2_corrupt(const char *fmt, ...) __printf(1, 2);
/* Is blk a data block: inside the file system, not its metadata? */
bool ext2_block_ok(struct ext2_fs *fs, uint32_t blk);
uint32_t ext2_group_first_block(struct ext2_fs *fs, uint32_t g);

/* ext2_pcache.c, all under the fs mutex.  Page pg of the file, pinned (an
 * owner: reclaim leaves it alone) until ext2_pc_unpin, or until the
 * mapping it is given to lets go.  If it is not cached, a new one is
 * (how) read in, or zeros (every byte of it past the end of the file), or
 * left as it comes (EXT2_PC_WHOLE: a write is about to cover all of it;
 * the return is then 1, and the caller must set every byte).  0, 1,
 * -ENOMEM, -EIO. */
#define EXT2_PC_READ  0
#define EXT2_PC_ZERO  1
#define EXT2_PC_WHOLE 2
int ext2_pc_get(struct inode *ino, uint64_t pg, int how, uint8_t **out);

/*
 * Read-ahead: page pg is about to be read and is not cached; read it and
 * the pages after it, up to EXT2_RA_PAGES, whose blocks follow its own on
 * the disk, in one request, into the cache.  Best effort (nothing on any
 * failure: the read then reads pg alone).  Under the fs mutex.
 */
#define EXT2_RA_ORDER 3
#define EXT2_RA_PAGES (1u << EXT2_RA_ORDER) /* 32 KiB */
void ext2_pc_readahead(struct inode *ino, uint64_t pg);
void ext2_pc_unpin(uint8_t *page);
/* Is page pg cached? */
bool ext2_pc_cached(struct inode *ino, uint64_t pg);
/* Page pg (cached) holds stores not written back. */
void ext2_pc_dirty(struct inode *ino, uint64_t pg);
/* Do dirty pages fill more than an eighth of memory (write back some)? */
bool ext2_pc_too_dirty(void);
/* Write the inode's dirty pages to the disk.  0 or the first error. */
int ext2_pc_writeback(struct inode *ino);
/* The file is now size long: drop the pages past it, zero the last's tail. */
void ext2_pc_truncate(struct inode *ino, uint64_t size);
/* Write back the dirty pages of every file, parked ones too, whose first
 * dirty page (since they were last all clean) was dirtied before before
 * (timer_ns time): EXT2_PC_ALL for sync, the expiry's cut for the flusher.
 * 0 or the first error. */
#define EXT2_PC_ALL UINT64_MAX
int ext2_pc_sync(struct ext2_fs *fs, uint64_t before);
/* Without the mutex: has any file of fs pages dirty since before?  (The
 * flusher's look before it waits for the mutex.) */
bool ext2_pc_expired(struct ext2_fs *fs, uint64_t before);
/* super_ops.drop (the inode table's lock held, no sleeping): the last
 * reference is going; an inode with a name parks its cache, dirty pages
 * and all, where a fresh look-up of the number finds it at once. */
void ext2_pc_drop(struct inode *ino);
/* The inode goes (evict): off the dirty list; a cache still here is
 * dropped if the inode has no name (parked if it has). */
void ext2_pc_forget(struct inode *ino);
/* A fresh struct inode: take back its parked pages, if any. */
void ext2_pc_attach(struct inode *ino);
/* Unmount (without the mutex): write back and free the parked pages. */
void ext2_pc_put_super(struct ext2_fs *fs);

/* ext2_alloc.c */
/* A free block, near goal if possible, counted used: 0 or -ENOSPC, -EIO. */
int ext2_block_alloc(struct ext2_fs *fs, uint32_t goal, uint32_t *out);
/* Mark blk free (-EUCLEAN if it already was). */
int ext2_block_free(struct ext2_fs *fs, uint32_t blk);
/* A free inode number, preferably in group near_group. */
int ext2_inode_alloc(struct ext2_fs *fs, uint32_t near_group, bool dir, uint32_t *out);
int ext2_inode_free(struct ext2_fs *fs, uint32_t ino, bool dir);

/* ext2_inode.c */
/* The struct inode for number ino, filled from disk, counted. */
int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct inode **out);
/* A new inode of mode in the group of dir, counted, written to disk. */
int ext2_inode_new(struct ext2_fs *fs, struct inode *dir, uint32_t mode, struct inode **out);
/* The disk inode changed: update the struct inode and write it back. */
int ext2_inode_dirty(struct inode *ino);
/* Set a disk inode's owner and group (low and high halves). */
void ext2_set_owner(struct ext2_dinode *d, uint32_t uid, uint32_t gid);
/* The physical block holding logical block lblk (0: a hole), allocating a
 * zeroed one (and the indirect blocks on the way) if alloc; with
 * EXT2_BMAP_DATA the data block itself is not zeroed: the page cache
 * writes all of it. */
#define EXT2_BMAP_DATA 2
int ext2_bmap(struct inode *ino, uint64_t lblk, int alloc, uint32_t *out);
/* Free the blocks from logical block first on. */
int ext2_free_from(struct inode *ino, uint64_t first);
/* The largest file size the image allows. */
uint64_t ext2_max_size(struct ext2_fs *fs);
/* Does the inode's i_block hold block numbers (not a fast symlink or a
 * device number)? */
bool ext2_has_blocks(const struct ext2_dinode *d, uint32_t bsize);
uint64_t ext2_isize(const struct ext2_dinode *d);
void ext2_set_isize(struct ext2_dinode *d, uint64_t size);
/* super_ops.evict: the last reference went; free the inode on disk if no
 * name is left. */
void ext2_evict(struct inode *ino);

/* ext2_dir.c */
struct ext2_dirslot {
	uint64_t lblk; /* the directory block ... */
	uint32_t off;  /* ... and the entry's offset in it */
	uint32_t ino;
	uint8_t type;
};
int ext2_dir_find(struct inode *dir, const char *name, size_t len, struct ext2_dirslot *slot);
int ext2_dir_add(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode);
int ext2_dir_remove(struct inode *dir, const char *name, size_t len);
/* Point an existing entry at another inode. */
int ext2_dir_retarget(struct inode *dir, const struct ext2_dirslot *slot, uint32_t ino,
		      uint32_t mode);
/* 1 if dir holds nothing but "." and "..", 0 if more, or an error. */
int ext2_dir_empty(struct inode *dir);
/* A new directory's first block: "." and "..". */
int ext2_dir_init(struct inode *dir, uint32_t parent);
int ext2_dir_readdir(struct inode *dir, uint64_t *pos, filldir_t filldir, void *ctx);

/* ext2_ops.c: the operations of every ext2 inode. */
extern const struct inode_ops ext2_inode_ops;
/* ext2_super.c */
extern const struct super_ops ext2_super_ops;

#endif
