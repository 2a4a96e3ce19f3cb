/*
 * ramfs: a file system that lives only in memory, the root at boot.  It
 * starts as a copy of the initramfs (the cpio archive built into the kernel
 * or handed over by the boot loader) and is fully writable: files,
 * directories, hard links, symbolic links, device nodes.
 *
 * A file's data is an array of page pointers, NULL for a hole.  A
 * directory is a list of (name, inode) entries; each entry holds a
 * reference to its inode, so an inode lives while it has a name or is in
 * use.  A directory also holds one to its parent (inode.parent), as
 * Linux's dentries do: a process may sit in a directory after it and its
 * parent are removed, and ".." must still lead somewhere.  One mutex per
 * mounted ramfs serialises every change.
 */
#include <sluice/cpio.h>
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/mutex.h>
#include <sluice/objcount.h>
#include <sluice/panic.h>
#include <sluice/printk.h>
#include <sluice/signal.h>
#include <sluice/string.h>
#include <sluice/tmpfs.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

#include "ramfs_rom.h"

struct ramfs_dirent {
	struct ramfs_dirent *next;
	struct inode *ino; /* counted */
	uint8_t len;
	char name[];
};

struct ramfs_node {
	uint8_t **pages; /* regular files: npages slots, NULL = a hole */
	size_t npages;
	/*
	 * A file unpacked from the initramfs starts with no pages: its bytes
	 * are read where they lie, in the archive built into the kernel image
	 * (read-only, never freed).  The first write or truncate copies them
	 * into pages of the file's own (own_pages).  The archive's size in RAM
	 * is saved: busybox alone is 1.6 MB, a tenth of a 16 MiB board.
	 * Meanwhile private mappings (exec) share the pages of romc, made as
	 * they fault on them (ramfs_rom.c).
	 */
	const uint8_t *rom;
	struct rom_cache *romc;
	struct ramfs_dirent *entries; /* directories */
	char *link;		      /* symbolic links: the target */
};

struct ramfs_sb {
	struct mutex lock;
	struct inode *root; /* our own reference: the tree is freed by put_super */
	uint64_t next_ino;
	uint64_t pages;	 /* data pages in use, for statfs */
	uint64_t inodes; /* inodes and extra hard links in use */
	/* A tmpfs's limits (0: none) and root; ramfs and devtmpfs have none. */
	struct tmpfs_opts opts, defaults;
	bool tmpfs;
};

static const struct inode_ops ramfs_ops;
static const struct super_ops ramfs_super_ops;

static struct ramfs_node *node(struct inode *ino)
{
	return ino->priv;
}

static struct mutex *fs_lock(struct inode *ino)
{
	return &((struct ramfs_sb *)ino->sb->priv)->lock;
}

/*
 * A tmpfs's limits: one count of data pages, one of inodes (and hard links
 * past the first, as Linux's tmpfs counts them, so names cannot use up
 * memory either).  Counted atomically: evict gives back without the lock.
 * False, and nothing taken, if one more would pass max (0: no limit).
 */
static bool charge_n(uint64_t *count, uint64_t n, uint64_t max)
{
	if (__atomic_add_fetch(count, n, __ATOMIC_RELAXED) <= max || !max)
		return true;
	__atomic_sub_fetch(count, n, __ATOMIC_RELAXED);
	return false;
}

static bool charge(uint64_t *count, uint64_t max)
{
	return charge_n(count, 1, max);
}

static void uncharge_n(uint64_t *count, uint64_t n)
{
	__atomic_sub_fetch(count, n, __ATOMIC_RELAXED);
}

static void uncharge(uint64_t *count)
{
	uncharge_n(count, 1);
}

/* Every ramfs's and tmpfs's file pages together: /proc/meminfo's Shmem.
 * Changed as a page becomes a file's or leaves it, without a lock. */
static size_t data_pages_all;

static void data_pages_add(long n)
{
	__atomic_add_fetch(&data_pages_all, (size_t)n, __ATOMIC_RELAXED);
}

size_t ramfs_data_pages(void)
{
	return __atomic_load_n(&data_pages_all, __ATOMIC_RELAXED);
}

/* A new data page of the file system, zeroed, in *page: -ENOSPC if it is
 * full (size=), -ENOMEM if memory is. */
static int data_page_alloc(struct ramfs_sb *rs, uint8_t **page)
{
	if (!charge(&rs->pages, rs->opts.max_pages))
		return -ENOSPC;
	if (!(*page = page_alloc_zeroed_kva())) {
		uncharge(&rs->pages);
		return -ENOMEM;
	}
	data_pages_add(1);
	return 0;
}

/* A directory's st_size: 20 bytes an entry, "." and ".." included, as
 * Linux's tmpfs counts (BOGO_DIRENT_SIZE); programs only test it for 0. */
#define RAMFS_DIRENT_SIZE 20

static struct inode *ramfs_new_inode(struct super_block *sb, uint32_t mode)
{
	struct ramfs_sb *rs = sb->priv;
	struct inode *ino = inode_new(sb, ++rs->next_ino);

	if (!ino)
		return NULL;
	ino->priv = kzalloc(sizeof(struct ramfs_node));
	if (!ino->priv) {
		inode_fail(ino);
		return NULL;
	}
	ino->mode = mode;
	ino->nlink = S_ISDIR(mode) ? 2 : 1;
	ino->size = S_ISDIR(mode) ? 2 * RAMFS_DIRENT_SIZE : 0; /* "." and ".." */
	ino->ops = &ramfs_ops;
	vfs_stamp(ino, STAMP_A | STAMP_M | STAMP_C);
	return ino;
}

static struct ramfs_dirent *find(struct inode *dir, const char *name, size_t len,
				 struct ramfs_dirent ***link)
{
	struct ramfs_dirent **pp = &node(dir)->entries;

	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->len == len && !memcmp((*pp)->name, name, len)) {
			if (link)
				*link = pp;
			return *pp;
		}
	}
	return NULL;
}

/* Give ino (its reference passes to the entry) the name in dir. */
static int add_entry(struct inode *dir, const char *name, size_t len, struct inode *ino)
{
	struct ramfs_dirent *e = kmalloc(sizeof(*e) + len + 1);

	if (!e)
		return -ENOMEM;
	e->ino = ino;
	e->len = (uint8_t)len;
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	/* At the end, so readdir's positions stay put as entries are added. */
	struct ramfs_dirent **pp = &node(dir)->entries;
	while (*pp)
		pp = &(*pp)->next;
	e->next = NULL;
	*pp = e;
	dir->size += RAMFS_DIRENT_SIZE;
	vfs_stamp(dir, STAMP_M | STAMP_C);
	if (S_ISDIR(ino->mode))
		dir->nlink++;
	return 0;
}

static int ramfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct ramfs_dirent *e;
	int err = 0;

	mutex_lock(fs_lock(dir));
	if (len == 2 && name[0] == '.' && name[1] == '.')
		*out = inode_get(dir->parent ? dir->parent : dir);
	else if ((e = find(dir, name, len, NULL)))
		*out = inode_get(e->ino);
	else
		err = -ENOENT;
	mutex_unlock(fs_lock(dir));
	return err;
}

/* A new inode named (name, len) in dir; *out counted if out. */
static int make(struct inode *dir, const char *name, size_t len, uint32_t mode, struct inode **out)
{
	struct ramfs_sb *rs = dir->sb->priv;
	struct inode *ino = NULL;
	uint32_t uid, gid;
	int err = 0;

	vfs_new_owner(dir, &mode, &uid, &gid);
	mutex_lock(fs_lock(dir));
	if (dir->nlink == 0)
		err = -ENOENT; /* removed (Linux: no new names in a dead directory) */
	else if (find(dir, name, len, NULL))
		err = -EEXIST;
	else if (!charge(&rs->inodes, rs->opts.max_inodes))
		err = -ENOSPC;
	else if (!(ino = ramfs_new_inode(dir->sb, mode))) {
		uncharge(&rs->inodes);
		err = -ENOMEM;
	} else {
		ino->uid = uid;
		ino->gid = gid;
		err = add_entry(dir, name, len, ino);
		if (err)
			inode_put(ino);
	}
	if (!err && S_ISDIR(mode))
		inode_set_parent(ino, dir, false);
	if (!err && out)
		*out = inode_get(ino);
	mutex_unlock(fs_lock(dir));
	return err;
}

static int ramfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
			struct inode **out)
{
	return make(dir, name, len, S_IFREG | (mode & 07777), out);
}

static int ramfs_mkdir(struct inode *dir, const char *name, size_t len, uint32_t mode)
{
	return make(dir, name, len, S_IFDIR | (mode & 07777), NULL);
}

static int ramfs_mknod(struct inode *dir, const char *name, size_t len, uint32_t mode,
		       uint32_t rdev)
{
	struct inode *ino;
	int err = make(dir, name, len, mode, &ino);

	if (!err) {
		ino->rdev = rdev;
		inode_put(ino);
	}
	return err;
}

static int ramfs_symlink(struct inode *dir, const char *name, size_t len, const char *target)
{
	struct inode *ino;
	size_t n = strlen(target);
	char *copy = kmalloc(n + 1);
	int err;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, target, n + 1);
	err = make(dir, name, len, S_IFLNK | 0777, &ino);
	if (err) {
		kfree(copy);
		return err;
	}
	node(ino)->link = copy;
	ino->size = n;
	inode_put(ino);
	return 0;
}

static long ramfs_readlink(struct inode *ino, char *buf, size_t size)
{
	size_t n = MIN(ino->size, size);

	memcpy(buf, node(ino)->link, n);
	return (long)n;
}

static int ramfs_link(struct inode *dir, const char *name, size_t len, struct inode *target)
{
	struct ramfs_sb *rs = dir->sb->priv;
	int err = 0;

	mutex_lock(fs_lock(dir));
	if (dir->nlink == 0 || target->nlink == 0)
		err = -ENOENT;
	else if (find(dir, name, len, NULL))
		err = -EEXIST;
	else if (!charge(&rs->inodes, rs->opts.max_inodes))
		err = -ENOSPC;
	else if (!(err = add_entry(dir, name, len, inode_get(target)))) {
		target->nlink++;
		vfs_stamp(target, STAMP_C);
	} else {
		uncharge(&rs->inodes);
		inode_put(target);
	}
	mutex_unlock(fs_lock(dir));
	return err;
}

/* A file loses one of its names: a hard link's charge comes back (the
 * last name's is the inode's own, given back by evict). */
static void unlink_charge(struct inode *ino)
{
	if (!S_ISDIR(ino->mode) && ino->nlink > 1)
		uncharge(&((struct ramfs_sb *)ino->sb->priv)->inodes);
}

/* Drop the entry at *link from dir (fs lock held); the entry's reference
 * goes to *victim for the caller to put after unlocking. */
static void drop_entry(struct inode *dir, struct ramfs_dirent **link, struct inode **victim)
{
	struct ramfs_dirent *e = *link;
	struct inode *ino = e->ino;

	*link = e->next;
	kfree(e);
	dir->size -= RAMFS_DIRENT_SIZE;
	vfs_stamp(dir, STAMP_M | STAMP_C);
	if (S_ISDIR(ino->mode)) {
		dir->nlink--;
		ino->nlink = 0; /* its "." and its name */
	} else {
		ino->nlink--;
	}
	vfs_stamp(ino, STAMP_C);
	*victim = ino;
}

static int ramfs_unlink(struct inode *dir, const char *name, size_t len)
{
	struct ramfs_dirent **link;
	struct inode *victim = NULL;
	int err = 0;

	mutex_lock(fs_lock(dir));
	if (!find(dir, name, len, &link))
		err = -ENOENT;
	else if (S_ISDIR((*link)->ino->mode))
		err = -EISDIR;
	else {
		unlink_charge((*link)->ino);
		drop_entry(dir, link, &victim);
	}
	mutex_unlock(fs_lock(dir));
	inode_put(victim); /* the last one frees the data (evict) */
	return err;
}

static int ramfs_rmdir(struct inode *dir, const char *name, size_t len)
{
	struct ramfs_dirent **link;
	struct inode *victim = NULL;
	int err = 0;

	mutex_lock(fs_lock(dir));
	if (!find(dir, name, len, &link))
		err = -ENOENT;
	else if (!S_ISDIR((*link)->ino->mode))
		err = -ENOTDIR;
	else if (node((*link)->ino)->entries)
		err = -ENOTEMPTY;
	else
		drop_entry(dir, link, &victim);
	mutex_unlock(fs_lock(dir));
	inode_put(victim);
	return err;
}

/*
 * Under the fs lock: move the entry at *olink (in odir) to nname in ndir.
 * The VFS checked the two names' types before it took the lock, but other
 * processes may have changed them since: check again here.  Nothing is
 * changed unless all of it can be (the one allocation comes first).
 */
static int rename_locked(struct inode *odir, struct ramfs_dirent **olink, struct inode *ndir,
			 const char *nname, size_t nlen, struct inode **victim)
{
	struct inode *ino = (*olink)->ino, *dropped;
	struct ramfs_dirent **nlink;
	uint32_t nl = ino->nlink;

	if (find(ndir, nname, nlen, &nlink)) {
		struct inode *old = (*nlink)->ino;
		if (old == ino)
			return 0; /* two names of one file: POSIX says do nothing */
		if (S_ISDIR(old->mode) != S_ISDIR(ino->mode))
			return S_ISDIR(old->mode) ? -EISDIR : -ENOTDIR;
		if (S_ISDIR(old->mode) && node(old)->entries)
			return -ENOTEMPTY;
		/* The name stays, and now stands for ino; old loses it. */
		(*nlink)->ino = inode_get(ino);
		unlink_charge(old);
		old->nlink = S_ISDIR(old->mode) ? 0 : old->nlink - 1;
		vfs_stamp(old, STAMP_C);
		/* The entry's reference.  A directory for a directory: ndir's
		 * count stays (old's ".." goes, ino's comes); drop_entry takes
		 * ino's from odir.  old keeps its reference to ndir until it
		 * is freed. */
		*victim = old;
	} else {
		int err = add_entry(ndir, nname, nlen, inode_get(ino));
		if (err) {
			inode_put(ino);
			return err;
		}
	}
	if (S_ISDIR(ino->mode))
		inode_set_parent(ino, ndir, false); /* odir's reference: the caller holds it */
	drop_entry(odir, olink, &dropped);
	ino->nlink = nl;    /* a move, not an unlink */
	inode_put(dropped); /* the old entry's reference; ino has the new one's */
	return 0;
}

static int ramfs_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
			const char *nname, size_t nlen)
{
	struct ramfs_dirent **olink;
	struct inode *victim = NULL;
	int err;

	mutex_lock(fs_lock(odir));
	if (!find(odir, oname, olen, &olink))
		err = -ENOENT;
	else if (ndir->nlink == 0)
		err = -ENOENT; /* removed while we looked */
	else
		err = rename_locked(odir, olink, ndir, nname, nlen, &victim);
	mutex_unlock(fs_lock(odir));
	inode_put(victim);
	return err;
}

static int ramfs_readdir(struct inode *dir, uint64_t *pos, filldir_t filldir, void *ctx)
{
	struct ramfs_dirent *e;
	uint64_t i = 0;

	mutex_lock(fs_lock(dir));
	if (*pos == 0) {
		if (filldir(ctx, ".", 1, dir->ino, DT_DIR, 1))
			goto out;
		*pos = 1;
	}
	if (*pos == 1) {
		struct inode *up = dir->parent ? dir->parent : dir;
		if (filldir(ctx, "..", 2, up->ino, DT_DIR, 2))
			goto out;
		*pos = 2;
	}
	for (e = node(dir)->entries; e; e = e->next, i++) {
		if (i + 2 < *pos)
			continue;
		uint32_t m = e->ino->mode;
		unsigned int t = S_ISDIR(m)   ? DT_DIR
				 : S_ISREG(m) ? DT_REG
				 : S_ISLNK(m) ? DT_LNK
				 : S_ISCHR(m) ? DT_CHR
				 : S_ISBLK(m) ? DT_BLK
					      : DT_UNKNOWN;
		if (filldir(ctx, e->name, e->len, e->ino->ino, t, i + 3))
			break;
		*pos = i + 3;
	}
out:
	mutex_unlock(fs_lock(dir));
	return 0;
}

/* --- file data --- */

static long ramfs_read(struct inode *ino, char *buf, size_t len, uint64_t off, bool user)
{
	static const uint8_t zeros[256];
	struct ramfs_node *n = node(ino);
	size_t done = 0;
	int err = 0;

	mutex_lock(fs_lock(ino));
	if (off < ino->size)
		len = MIN(len, ino->size - off);
	else
		len = 0;
	if (n->rom && len) {
		err = vfs_copy_out(buf, n->rom + off, len, user);
		done = err ? 0 : len;
		len = 0;
	}
	while (done < len && !err) {
		uint64_t at = off + done;
		size_t pg = at / PAGE_SIZE, in = at % PAGE_SIZE;
		size_t chunk = MIN(len - done, PAGE_SIZE - in);
		if (pg < n->npages && n->pages[pg]) {
			err = vfs_copy_out(buf + done, n->pages[pg] + in, chunk, user);
		} else {
			chunk = MIN(chunk, sizeof(zeros));
			err = vfs_copy_out(buf + done, zeros, chunk, user);
		}
		if (!err)
			done += chunk;
		if (!err && fatal_signal_pending())
			err = -EINTR; /* a big read of a hole: let SIGKILL end it */
	}
	vfs_stamp(ino, STAMP_A);
	mutex_unlock(fs_lock(ino));
	return done ? (long)done : err;
}

/*
 * A file's pages are found through one array, one kmalloc block of at most
 * 2^18 pointers: its data stops at 1 GiB.  Offsets past it may be sought
 * and truncated to (holes cost nothing); writing there is EFBIG, as past
 * any file system's largest file.
 */
#define RAMFS_MAX_DATA (1ull << 30)

/* Make room for page pg in the page array. */
static int grow_array(struct ramfs_node *n, size_t pg)
{
	size_t want = n->npages ? n->npages : 8;
	uint8_t **a;

	while (want <= pg)
		want *= 2;
	a = kzalloc(want * sizeof(*a));
	if (!a)
		return -ENOMEM;
	if (n->pages)
		memcpy(a, n->pages, n->npages * sizeof(*a));
	kfree(n->pages);
	n->pages = a;
	n->npages = want;
	return 0;
}

/* A file still read from the initramfs (rom) gets pages of its own, before
 * its first change.  fs_lock held. */
static int own_pages(struct inode *ino)
{
	struct ramfs_node *n = node(ino);
	struct ramfs_sb *rs = ino->sb->priv;
	size_t count = (ino->size + PAGE_SIZE - 1) / PAGE_SIZE;

	if (!n->rom)
		return 0;
	if (count && count > n->npages && grow_array(n, count - 1))
		return -ENOMEM;
	for (size_t pg = 0; pg < count; pg++) {
		size_t chunk = MIN((size_t)(ino->size - pg * PAGE_SIZE), PAGE_SIZE);
		if (n->pages[pg])
			continue;
		/* A page a mapping made from the archive becomes the file's,
		 * charged as any data page (size=). */
		if (!charge(&rs->pages, rs->opts.max_pages))
			return -ENOSPC; /* the pages so far stay; rom still holds it all */
		if ((n->pages[pg] = rom_cache_take(n->romc, pg))) {
			data_pages_add(1);
			continue;
		}
		if (!(n->pages[pg] = page_alloc_zeroed_kva())) {
			uncharge(&rs->pages);
			return -ENOSPC;
		}
		data_pages_add(1);
		memcpy(n->pages[pg], n->rom + pg * PAGE_SIZE, chunk);
	}
	rom_cache_free(n->romc);
	n->romc = NULL;
	n->rom = NULL;
	ino->blocks = count * (PAGE_SIZE / 512);
	return 0;
}

static long ramfs_write(struct inode *ino, const char *buf, size_t len, uint64_t off, bool user)
{
	struct ramfs_node *n = node(ino);
	struct ramfs_sb *rs = ino->sb->priv;
	size_t done = 0;
	int err = 0;

	if (len && off >= RAMFS_MAX_DATA)
		return -EFBIG;
	len = MIN(len, RAMFS_MAX_DATA - off);
	mutex_lock(fs_lock(ino));
	err = own_pages(ino);
	while (done < len && !err) {
		uint64_t at = off + done;
		size_t pg = at / PAGE_SIZE, in = at % PAGE_SIZE;
		size_t chunk = MIN(len - done, PAGE_SIZE - in);
		if (pg >= n->npages)
			err = grow_array(n, pg);
		if (!err && !n->pages[pg]) {
			if (data_page_alloc(rs, &n->pages[pg]))
				err = -ENOSPC; /* full, or out of memory; what was written counts */
			else
				ino->blocks += PAGE_SIZE / 512;
		}
		if (!err)
			err = vfs_copy_in(n->pages[pg] + in, buf + done, chunk, user);
		if (!err)
			done += chunk;
		if (!err && fatal_signal_pending())
			err = -EINTR;
	}
	if (done && off + done > ino->size)
		ino->size = off + done;
	if (done)
		vfs_stamp(ino, STAMP_M | STAMP_C);
	mutex_unlock(fs_lock(ino));
	return done ? (long)done : err;
}

/* The holes among pages first .. last (fs_lock held, the array that long). */
static uint64_t holes(struct ramfs_node *n, uint64_t first, uint64_t last)
{
	uint64_t count = 0;

	for (uint64_t pg = first; pg <= last; pg++)
		count += !n->pages[pg];
	return count;
}

/*
 * fallocate: the pages of [off, off + len) made, as Linux's tmpfs does, all
 * charged against size= at once, so a request past the limit is ENOSPC
 * with nothing taken.  Past the first 1 GiB pages cannot be stored: EFBIG,
 * as for a write.
 */
static int ramfs_fallocate(struct inode *ino, uint64_t off, uint64_t len, bool keep_size)
{
	struct ramfs_node *n = node(ino);
	struct ramfs_sb *rs = ino->sb->priv;
	uint64_t first = off / PAGE_SIZE, last = (off + len - 1) / PAGE_SIZE, want = 0;
	bool charged = false;
	int err;

	if (off + len > RAMFS_MAX_DATA)
		return -EFBIG;
	mutex_lock(fs_lock(ino));
	err = own_pages(ino);
	if (!err && last >= n->npages)
		err = grow_array(n, last);
	if (!err) {
		want = holes(n, first, last);
		charged = charge_n(&rs->pages, want, rs->opts.max_pages);
		err = charged ? 0 : -ENOSPC;
	}
	for (uint64_t pg = first; !err && pg <= last; pg++) {
		if (n->pages[pg])
			continue;
		if (!(n->pages[pg] = page_alloc_zeroed_kva())) {
			err = -ENOSPC; /* memory out: the pages made so far stay, as zeros */
		} else {
			ino->blocks += PAGE_SIZE / 512, want--;
			data_pages_add(1);
		}
		if (!err && fatal_signal_pending())
			err = -EINTR;
	}
	if (charged && want) /* charged, never made */
		uncharge_n(&rs->pages, want);
	if (!err && !keep_size && off + len > ino->size)
		ino->size = off + len;
	if (!err)
		vfs_stamp(ino, STAMP_M | STAMP_C);
	mutex_unlock(fs_lock(ino));
	return err;
}

/* Free the pages from byte size on (the part of a page below it stays). */
static void free_from(struct inode *ino, uint64_t size)
{
	struct ramfs_node *n = node(ino);
	struct ramfs_sb *rs = ino->sb->priv;
	size_t first = (size + PAGE_SIZE - 1) / PAGE_SIZE;

	for (size_t pg = first; pg < n->npages; pg++) {
		if (n->pages[pg]) {
			/* A mapping may still hold it (mmap): the last owner frees it. */
			paddr_t pa = virt_to_phys(n->pages[pg]);
			if (page_unshare(pa))
				page_free(pa, 0);
			n->pages[pg] = NULL;
			uncharge(&rs->pages);
			data_pages_add(-1);
			ino->blocks -= PAGE_SIZE / 512;
		}
	}
	if (size % PAGE_SIZE && first - 1 < n->npages && n->pages[first - 1])
		memset(n->pages[first - 1] + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
}

static int ramfs_truncate(struct inode *ino, uint64_t size)
{
	mutex_lock(fs_lock(ino));
	if (size == 0 && node(ino)->rom) { /* nothing of it to keep */
		node(ino)->rom = NULL;
		rom_cache_free(node(ino)->romc);
		node(ino)->romc = NULL;
	}
	int err = own_pages(ino);
	if (err) {
		mutex_unlock(fs_lock(ino));
		return err;
	}
	if (size < ino->size || size == 0)
		free_from(ino, size); /* at 0, pages fallocate kept past the end too */
	if (size == 0) {	      /* emptied: its page array goes too, as its pages did */
		kfree(node(ino)->pages);
		node(ino)->pages = NULL;
		node(ino)->npages = 0;
	}
	ino->size = size;
	vfs_stamp(ino, STAMP_M | STAMP_C);
	mutex_unlock(fs_lock(ino));
	return 0;
}

/* The file's own page pg, made (zeroed) for a hole, with an owner more
 * for the caller.  fs_lock held, the file's pages its own. */
static int own_page(struct inode *ino, uint64_t pg, paddr_t *pa)
{
	struct ramfs_node *n = node(ino);
	struct ramfs_sb *rs = ino->sb->priv;

	if (pg >= n->npages && grow_array(n, pg))
		return -ENOMEM;
	if (!n->pages[pg]) {
		int err = data_page_alloc(rs, &n->pages[pg]);
		if (err)
			return err; /* ENOSPC past size=: SIGBUS, as Linux */
		ino->blocks += PAGE_SIZE / 512;
	}
	*pa = virt_to_phys(n->pages[pg]);
	page_share(*pa);
	return 0;
}

/*
 * mmap: the file's page itself, so that the page a mapping reads or
 * stores to is the one read and write use; a private mapping of a file
 * still in the initramfs gets the archive's page from ramfs_rom.c (the
 * file stays unpacked), a shared one makes the file own its pages.
 */
static int ramfs_map_page(struct inode *ino, uint64_t pg, bool shared, paddr_t *pa)
{
	struct mutex *m = fs_lock(ino);
	int err;

	if (mutex_held(m))
		return -EDEADLK;
	mutex_lock(m);
	if (pg >= (ino->size + PAGE_SIZE - 1) / PAGE_SIZE)
		err = -ENXIO;
	else if (node(ino)->rom && !shared)
		err = rom_cache_page(node(ino)->romc, node(ino)->rom, ino->size, pg, pa);
	else if (!(err = own_pages(ino)))
		err = own_page(ino, pg, pa);
	mutex_unlock(m);
	return err;
}

/* Fault-around: pages of a file still in the initramfs that the archive's
 * cache holds already (none is copied out of the archive for it); others
 * only where the file has a page (not a hole). */
static unsigned int ramfs_map_cached(struct inode *ino, uint64_t pg, unsigned int n, paddr_t *pa)
{
	struct mutex *m = fs_lock(ino);
	struct ramfs_node *rn = node(ino);
	unsigned int got = 0;

	if (mutex_held(m))
		return 0;
	mutex_lock(m);
	for (uint64_t end = (ino->size + PAGE_SIZE - 1) / PAGE_SIZE; got < n && pg + got < end;
	     got++) {
		uint64_t p = pg + got;
		if (rn->rom) {
			if (rom_cache_cached(rn->romc, p, &pa[got]))
				break;
		} else if (p < rn->npages && rn->pages[p]) {
			pa[got] = virt_to_phys(rn->pages[p]);
			page_share(pa[got]);
		} else {
			break;
		}
	}
	mutex_unlock(m);
	return got;
}

/* mincore: a ramfs file is all in memory, but for its holes (a file
 * still in the initramfs has none: the archive holds every byte). */
static bool ramfs_page_cached(struct inode *ino, uint64_t pg)
{
	struct mutex *m = fs_lock(ino);
	bool in;

	if (mutex_held(m))
		return false;
	mutex_lock(m);
	in = pg < (ino->size + PAGE_SIZE - 1) / PAGE_SIZE &&
	     (node(ino)->rom || (pg < node(ino)->npages && node(ino)->pages[pg]));
	mutex_unlock(m);
	return in;
}

static const struct inode_ops ramfs_ops = {
	.lookup = ramfs_lookup,
	.create = ramfs_create,
	.mkdir = ramfs_mkdir,
	.unlink = ramfs_unlink,
	.rmdir = ramfs_rmdir,
	.link = ramfs_link,
	.rename = ramfs_rename,
	.mknod = ramfs_mknod,
	.symlink = ramfs_symlink,
	.readlink = ramfs_readlink,
	.readdir = ramfs_readdir,
	.read = ramfs_read,
	.write = ramfs_write,
	.truncate = ramfs_truncate,
	.fallocate = ramfs_fallocate,
	.map_page = ramfs_map_page,
	.map_cached = ramfs_map_cached,
	.page_cached = ramfs_page_cached,
};

/* Nothing refers to ino any more: free its data (inode_put drops a
 * directory's reference to its parent next). */
static void ramfs_evict(struct inode *ino)
{
	struct ramfs_node *n = node(ino);

	if (!n)
		return;
	if (ino->sb->priv) {
		free_from(ino, 0);
		uncharge(&((struct ramfs_sb *)ino->sb->priv)->inodes);
	}
	rom_cache_free(n->romc);
	kfree(n->pages);
	kfree(n->link);
	kfree(n);
}

static int ramfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct ramfs_sb *rs = sb->priv;

	uint64_t pages = __atomic_load_n(&rs->pages, __ATOMIC_RELAXED);
	uint64_t inodes = __atomic_load_n(&rs->inodes, __ATOMIC_RELAXED);

	st->f_bsize = st->f_frsize = PAGE_SIZE;
	/* ramfs: what memory is left, as a guide for df */
	if (!rs->tmpfs) {
		st->f_type = 0x858458f6; /* Linux's RAMFS_MAGIC */
		st->f_blocks = pages + page_free_count();
		st->f_bfree = st->f_bavail = page_free_count();
		return 0;
	}
	/* tmpfs: its limits, as Linux's shmem_statfs (0 where there is none) */
	st->f_type = 0x01021994; /* TMPFS_MAGIC */
	if (rs->opts.max_pages) {
		st->f_blocks = rs->opts.max_pages;
		st->f_bfree = st->f_bavail = rs->opts.max_pages - MIN(pages, rs->opts.max_pages);
	}
	if (rs->opts.max_inodes) {
		st->f_files = rs->opts.max_inodes;
		st->f_ffree = rs->opts.max_inodes - MIN(inodes, rs->opts.max_inodes);
	}
	return 0;
}

/* /proc/mounts: the options that differ from the defaults, as Linux. */
static int ramfs_show_options(struct super_block *sb, char *buf, size_t size)
{
	struct ramfs_sb *rs = sb->priv;

	return tmpfs_show_options(&rs->opts, &rs->defaults, buf, size);
}

/*
 * Unmount: nothing of sb is in use (the VFS checked), so every reference
 * left is an entry's or a subdirectory's to its parent.  Those make
 * cycles, so drop the entries, from the bottom of the tree up, in a loop:
 * a recursion would be as deep as the tree, which a program chooses.
 */
static void ramfs_put_super(struct super_block *sb)
{
	struct inode *root = ((struct ramfs_sb *)sb->priv)->root, *dir = root;

	while (dir) {
		struct ramfs_dirent *e = node(dir)->entries;
		if (!e) { /* emptied: back up, to where its own entry is first */
			dir = dir == root ? NULL : dir->parent;
		} else if (S_ISDIR(e->ino->mode) && node(e->ino)->entries) {
			dir = e->ino; /* empty that one first */
		} else {
			node(dir)->entries = e->next;
			inode_put(e->ino); /* frees it, and puts a directory's parent */
			kfree(e);
		}
	}
	inode_put(root);
	kfree(sb->priv);
	kfree(sb);
	objcount_add(OBJ_SUPER, -1);
}

static const struct super_ops ramfs_super_ops = {
	.evict = ramfs_evict,
	.statfs = ramfs_statfs,
	.show_options = ramfs_show_options,
	.put_super = ramfs_put_super,
};

struct super_block *ramfs_create_sb(const char *type)
{
	struct super_block *sb = kzalloc(sizeof(*sb));
	struct ramfs_sb *rs = kzalloc(sizeof(*rs));

	if (!sb || !rs)
		goto fail;
	mutex_init(&rs->lock);
	sb->ops = &ramfs_super_ops;
	sb->type = type;
	sb->priv = rs;
	sb->dev = vfs_new_dev();
	rs->opts = rs->defaults = (struct tmpfs_opts){.mode = 0755};
	rs->inodes = 1;
	sb->root = ramfs_new_inode(sb, S_IFDIR | 0755);
	if (sb->root) {
		rs->root = inode_get(sb->root);
		objcount_add(OBJ_SUPER, 1);
		return sb;
	}
fail:
	kfree(rs);
	kfree(sb);
	return NULL;
}

int ramfs_mount_sb(const char *type, const char *data, struct super_block **out)
{
	bool tmpfs = !strcmp(type, "tmpfs");
	uint64_t ram = page_total_count();
	struct tmpfs_opts o = tmpfs ? tmpfs_default_opts(ram) : (struct tmpfs_opts){.mode = 0755};
	int err = tmpfs_parse_options(data, tmpfs, ram, &o);
	struct super_block *sb;

	if (err)
		return err;
	sb = ramfs_create_sb(type);
	if (!sb)
		return -ENOMEM;
	struct ramfs_sb *rs = sb->priv;
	rs->tmpfs = tmpfs;
	rs->defaults = tmpfs ? tmpfs_default_opts(ram) : rs->opts;
	rs->opts = o;
	sb->root->mode = S_IFDIR | o.mode;
	sb->root->uid = o.uid;
	sb->root->gid = o.gid;
	*out = sb;
	return 0;
}

/*
 * Shared anonymous memory, as Linux's shmem_zero_setup: mmap(MAP_SHARED |
 * MAP_ANONYMOUS) maps an unlinked file of this tmpfs, which nothing mounts.
 * Every page, whenever it is first touched, is the file's page, so it is
 * the same page in every process fork gave the mapping to; the file (and
 * its pages) goes with the last region that maps it.  Made at boot, so the
 * fuzzer's leak check finds it in its baseline.
 */
static struct super_block *shm_sb;

void shmem_init(void)
{
	shm_sb = ramfs_create_sb("tmpfs");
	if (!shm_sb)
		panic("shmem_init: no memory for the shared memory file system");
	((struct ramfs_sb *)shm_sb->priv)->tmpfs = true;
}

/* /proc/<pid>/maps names such a mapping as Linux does. */
static int shmem_name(struct file *f)
{
	static const char name[] = "/dev/zero (deleted)";

	f->map_name = kmalloc(sizeof(name));
	if (!f->map_name)
		return -ENOMEM;
	memcpy(f->map_name, name, sizeof(name));
	return 0;
}

int shmem_zero_file(uint64_t size, struct file **out)
{
	struct ramfs_sb *rs = shm_sb->priv;
	struct inode *ino;
	int err;

	if (size > RAMFS_MAX_DATA)
		return -ENOMEM; /* more than a ramfs file holds */
	mutex_lock(&rs->lock);	/* next_ino */
	charge(&rs->inodes, 0);
	ino = ramfs_new_inode(shm_sb, S_IFREG | 0777);
	mutex_unlock(&rs->lock);
	if (!ino) {
		uncharge(&rs->inodes);
		return -ENOMEM;
	}
	ino->nlink = 0; /* unlinked: evict frees its pages */
	ino->size = size;
	/* The page array now: a fault then needs one page, never a big
	 * kmalloc that could fail for want of a contiguous block. */
	err = size ? grow_array(node(ino), size / PAGE_SIZE - 1) : 0;
	if (!err)
		err = file_alloc(ino, &generic_file_ops, O_RDWR, out);
	if (err) {
		inode_put(ino);
		return err;
	}
	err = shmem_name(*out);
	if (err)
		file_put(*out);
	return err;
}

/* --- the initramfs --- */

/* The directory that holds path's last component, made as needed. */
static int unpack_one(struct inode *root, const struct cpio_entry *e)
{
	const char *p = e->name;
	struct inode *dir = inode_get(root);
	int err = 0;

	for (;;) { /* "./bin/x" and "/bin/x" are "bin/x" */
		if (p[0] == '/')
			p++;
		else if (p[0] == '.' && p[1] == '/')
			p += 2;
		else
			break;
	}
	while (*p && !err) {
		const char *end = p;
		while (*end && *end != '/')
			end++;
		size_t len = (size_t)(end - p);
		struct inode *next = NULL;
		if (!*end) { /* the last component: the member itself */
			uint32_t type = e->mode & S_IFMT;
			if (type == S_IFDIR)
				err = make(dir, p, len, e->mode, NULL);
			else if (type == S_IFREG)
				err = make(dir, p, len, e->mode, &next);
			else if (type == S_IFLNK) {
				char target[256];
				size_t n = MIN(e->size, sizeof(target) - 1);
				memcpy(target, e->data, n);
				target[n] = '\0';
				err = ramfs_symlink(dir, p, len, target);
			} else
				err = make(dir, p, len, e->mode, NULL); /* device nodes and such */
			if (err == -EEXIST && type == S_IFDIR)
				err = 0;
			if (!err && next) { /* read in place until changed */
				node(next)->rom = e->size ? (const uint8_t *)e->data : NULL;
				node(next)->romc = rom_cache_new(e->size);
				next->size = e->size;
				next->blocks = (e->size + 511) / 512;
				inode_put(next);
			}
			break;
		}
		err = ramfs_lookup(dir, p, len, &next);
		if (err == -ENOENT) { /* a parent the archive did not list */
			err = make(dir, p, len, S_IFDIR | 0755, NULL);
			if (!err)
				err = ramfs_lookup(dir, p, len, &next);
		}
		if (!err) {
			inode_put(dir);
			dir = next;
		}
		p = end + 1;
	}
	inode_put(dir);
	return err;
}

int ramfs_unpack(struct super_block *sb, const void *archive, size_t len)
{
	struct cpio_entry e;
	size_t off = 0;
	int r, files = 0;

	while ((r = cpio_next(archive, len, &off, &e)) == 1) {
		if (!strcmp(e.name, ".") || !*e.name)
			continue;
		int err = unpack_one(sb->root, &e);
		if (err) {
			printk("initramfs: %s: error %d\n", e.name, err);
			return err;
		}
		files++;
	}
	if (r < 0)
		printk("initramfs: malformed archive after %d members\n", files);
	return r;
}
