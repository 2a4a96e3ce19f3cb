/*
 * The name space: the root, mount points, and turning a path into an inode
 * (docs/filesystems.md).
 *
 * A path is walked one component at a time from the root ("/...") or from
 * a starting directory (the process's cwd, or a dirfd).  Each step asks the
 * directory's file system (inode_ops.lookup); "." stays, ".." goes up, and
 * on a directory something is mounted on, the walk continues at the
 * mounted file system's root.  Going ".." from a mounted root first steps
 * back to the directory it covers.  Symbolic links are followed, at most
 * MAXSYMLINKS in one lookup (ELOOP beyond), by a loop, not a recursion.
 *
 * Every inode the walk holds or hands out is a VFS reference (vfs_get): a
 * reference to the inode and one to the mount it is on.  A walk takes the
 * mount's under mnt_lock as it crosses into it, and umount looks at the
 * count under the same lock, so umount either sees the walker (EBUSY) or
 * the walker never enters.
 */
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/mutex.h>
#include <sluice/panic.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/signal.h>
#include <sluice/string.h>
#include <sluice/timer.h>
#include <sluice/uaccess.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

#define MAXSYMLINKS 40 /* Linux's: links followed in one lookup, in all */

static struct inode *root; /* counted: the root file system's root */

struct mount mounts[MOUNT_MAX];
struct mutex mount_lock = MUTEX_INIT;
struct mutex mountpoint_lock = MUTEX_INIT;
/* Guards every mount's refs and the links between mounts: inode.mounted,
 * inode.covered, super_block.mnt.  Taken before inode_lock, never after. */
static struct spinlock mnt_lock = SPINLOCK_INIT;

int vfs_copy_out(void *dst, const void *src, size_t n, bool user)
{
	if (!user) {
		memcpy(dst, src, n);
		return 0;
	}
	return copy_to_user(dst, src, n);
}

int vfs_copy_in(void *dst, const void *src, size_t n, bool user)
{
	if (!user) {
		memcpy(dst, src, n);
		return 0;
	}
	return copy_from_user(dst, src, n);
}

int64_t vfs_now(void)
{
	return (int64_t)(timer_realtime_ns() / 1000000000u);
}

uint64_t vfs_new_dev(void)
{
	static uint32_t next = 1;

	return __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED);
}

/* --- VFS references: an inode and its mount --- */

/* Count one more reference into sb's mount (none for a pipe's inode). */
static void mnt_get(struct super_block *sb)
{
	unsigned long flags = spin_lock_irqsave(&mnt_lock);

	if (sb && sb->mnt)
		sb->mnt->refs++;
	spin_unlock_irqrestore(&mnt_lock, flags);
}

static void mnt_put(struct super_block *sb)
{
	unsigned long flags = spin_lock_irqsave(&mnt_lock);

	if (sb && sb->mnt) {
		BUG_ON(sb->mnt->refs <= 0);
		sb->mnt->refs--;
	}
	spin_unlock_irqrestore(&mnt_lock, flags);
}

struct inode *vfs_get(struct inode *ino)
{
	mnt_get(ino->sb); /* the caller's own reference keeps the mount */
	return inode_get(ino);
}

void vfs_adopt(struct inode *ino)
{
	mnt_get(ino->sb);
}

void vfs_put(struct inode *ino)
{
	struct super_block *sb;

	if (!ino)
		return;
	sb = ino->sb;
	inode_put(ino); /* first: evicting may need the file system */
	mnt_put(sb);
}

void vfs_set_root(struct super_block *sb)
{
	BUG_ON(root);
	root = inode_get(sb->root);
	mounts[0] = (struct mount){.sb = sb, .dir = NULL, .source = sb->type};
	sb->mnt = &mounts[0];
}

/* Is ino the root as processes see it: the root file system's, or the root
 * of one mounted over it (root=/dev/vda)?  The caller holds ino, so its
 * mount and those under it stay. */
static bool is_root(struct inode *ino)
{
	struct proc *p = current_proc();

	if (p && p->fs && p->fs->root == ino)
		return true; /* chroot's: ".." stops there too */
	while (ino->covered)
		ino = ino->covered;
	return ino == root;
}

/* Cross into whatever is mounted on ino (a VFS reference the caller gives
 * up): the mounted root, with a reference to its mount taken under
 * mnt_lock, so an umount that has not yet detached it sees us. */
static struct inode *cross_mounts(struct inode *ino)
{
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&mnt_lock);
		struct super_block *sb = ino->mounted;
		struct inode *r = NULL;
		if (sb) {
			sb->mnt->refs++;
			r = inode_get(sb->root);
		}
		spin_unlock_irqrestore(&mnt_lock, flags);
		if (!r)
			return ino;
		vfs_put(ino);
		ino = r;
	}
}

struct inode *vfs_root(void)
{
	struct proc *p = current_proc();
	struct inode *r = NULL;

	if (p && p->fs) {
		/* Under fs->lock: a thread sharing it may chroot meanwhile. */
		unsigned long flags = spin_lock_irqsave(&p->fs->lock);
		r = p->fs->root ? vfs_get(p->fs->root) : NULL;
		spin_unlock_irqrestore(&p->fs->lock, flags);
	}
	return r ? r : cross_mounts(vfs_get(root));
}

/* Where a relative walk starts: dirfd's directory, or the cwd. */
int vfs_start(int dirfd, struct inode **out)
{
	struct proc *p = current_proc();

	if (dirfd == AT_FDCWD) {
		*out = fs_cwd_get(p);
		return 0;
	}
	struct file *f = fd_get(dirfd);
	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	*out = vfs_get(f->inode);
	return 0;
}

/*
 * One step from the directory cur to its entry (name, len), whatever cur's
 * permissions (step checks them for a lookup).  A directory found keeps its
 * parent in memory from then on (inode.parent), so that ".." of it leads
 * there even after both are removed.
 */
static int step_in(struct inode *cur, const char *name, size_t len, struct inode **out)
{
	bool up = len == 2 && name[0] == '.' && name[1] == '.';
	int err;

	if (!S_ISDIR(cur->mode))
		return -ENOTDIR;
	if (len == 1 && name[0] == '.') {
		*out = vfs_get(cur);
		return 0;
	}
	if (up) {
		if (is_root(cur)) {
			*out = vfs_get(cur);
			return 0;
		}
		/* A mounted root: its parent is the covered directory's.  That
		 * one's mount is held by ours, which we hold through cur. */
		while (cur->covered)
			cur = cur->covered;
	}
	if (!cur->ops || !cur->ops->lookup)
		return -ENOTDIR;
	err = cur->ops->lookup(cur, name, len, out);
	if (err)
		return err;
	vfs_adopt(*out); /* cur's mount, held by us: a VFS reference now */
	if (*out != cur && S_ISDIR((*out)->mode)) {
		if (up)
			inode_set_parent(cur, *out, true);
		else
			inode_set_parent(*out, cur, true);
	}
	*out = cross_mounts(*out);
	return 0;
}

/* A step of a lookup: with search permission on cur, as every step needs. */
static int step(struct inode *cur, const char *name, size_t len, struct inode **out)
{
	int err;

	if (!S_ISDIR(cur->mode))
		return -ENOTDIR;
	err = vfs_permission(cur, MAY_EXEC);
	return err ? err : step_in(cur, name, len, out);
}

/*
 * A lookup in progress.  A symbolic link's target is walked in place of the
 * link: the rest of the path is pushed on links[] and the walk goes on in
 * the target, popping back when the target is done.  One count of the
 * links followed covers the whole lookup, so links that name other links
 * many times over cannot multiply the work.  links[] is allocated at the
 * first link: most lookups meet none.
 */
struct walk_link {
	char *target;	  /* kmalloc'd */
	const char *rest; /* the path after the link, '/'s skipped */
};

struct walk {
	struct inode *cur;	 /* the directory reached so far (a VFS reference) */
	const char *p;		 /* what is left of the path being walked */
	bool follow;		 /* follow a link as the last component too */
	bool slash;		 /* the last component had a '/' after it */
	int followed;		 /* links followed, at most MAXSYMLINKS */
	int depth;		 /* targets being walked, on links[] */
	struct walk_link *links; /* MAXSYMLINKS of them, or NULL */
	bool want_parent;	 /* keep the directory the last step was taken in */
	struct inode *parent;	 /* that directory (a VFS reference), or NULL */
};

/* Is nothing left after the component ending at p, at any depth? */
static bool walk_last(const struct walk *w, const char *p)
{
	while (*p == '/')
		p++;
	if (*p)
		return false;
	for (int d = 0; d < w->depth; d++)
		if (*w->links[d].rest)
			return false;
	return true;
}

/* ino (given up) is a link found in w->cur: go on in its target. */
static int walk_into_link(struct walk *w, struct inode *ino, const char *rest)
{
	/* /proc's links have size 0, as on Linux: their target is made when read. */
	size_t size = ino->size ? MIN(ino->size, (uint64_t)PATH_MAX - 1) : PATH_MAX - 1;
	char *target = NULL;
	long n;

	if (++w->followed > MAXSYMLINKS)
		n = -ELOOP;
	else if (!ino->ops || !ino->ops->readlink)
		n = -EINVAL;
	else if (!w->links && !(w->links = kmalloc(MAXSYMLINKS * sizeof(*w->links))))
		n = -ENOMEM;
	else if (!(target = kmalloc(size + 1)))
		n = -ENOMEM;
	else
		n = ino->ops->readlink(ino, target, size);
	vfs_put(ino);
	if (n <= 0) {
		kfree(target);
		return n ? (int)n : -ENOENT;
	}
	target[n] = '\0';
	while (*rest == '/')
		rest++;
	w->links[w->depth].target = target;
	w->links[w->depth++].rest = rest;
	w->p = target;
	if (*target == '/') { /* absolute: from the root again */
		vfs_put(w->cur);
		w->cur = vfs_root();
	}
	return 0;
}

/* The next component of the walk: 1 if one was walked, 0 at the end. */
static int walk_component(struct walk *w)
{
	const char *name, *p = w->p;
	struct inode *next;
	int err;

	while (*p == '/')
		p++;
	if (!*p) { /* a target done: back to the path that named the link */
		if (!w->depth)
			return 0;
		kfree(w->links[--w->depth].target);
		w->p = w->links[w->depth].rest;
		return 1;
	}
	name = p;
	while (*p && *p != '/')
		p++;
	if ((size_t)(p - name) > NAME_MAX)
		return -ENAMETOOLONG;
	bool last = walk_last(w, p);
	if (last && *p == '/')
		w->slash = true; /* also demands that a link here be followed */
	w->p = p;
	err = step(w->cur, name, (size_t)(p - name), &next);
	if (err)
		return err;
	if (S_ISLNK(next->mode) && (!last || w->follow || w->slash))
		return walk_into_link(w, next, p) ?: 1;
	if (w->want_parent) { /* hand the reference on rather than drop it */
		vfs_put(w->parent);
		w->parent = w->cur;
	} else {
		vfs_put(w->cur);
	}
	w->cur = next;
	return 1;
}

/*
 * Walk path from start (or the root if it begins with '/').  follow: follow
 * a symbolic link in the last component too.  A trailing '/' demands a
 * directory.  A SIGKILL ends a long walk early.
 */
static int walk_named(struct inode *start, const char *path, bool follow, struct inode **out,
		      struct inode **parent)
{
	struct walk w = {.p = path, .follow = follow, .want_parent = parent != NULL};
	int r;

	if (!*path)
		return -ENOENT;
	w.cur = *path == '/' ? vfs_root() : vfs_get(start);
	while ((r = walk_component(&w)) > 0)
		if (fatal_signal_pending()) {
			r = -EINTR;
			break;
		}
	while (w.depth)
		kfree(w.links[--w.depth].target);
	kfree(w.links);
	if (!r && w.slash && !S_ISDIR(w.cur->mode))
		r = -ENOTDIR;
	if (r)
		vfs_put(w.cur);
	else
		*out = w.cur;
	if (parent && !r)
		*parent = w.parent;
	else
		vfs_put(w.parent);
	return r;
}

static int walk(struct inode *start, const char *path, bool follow, struct inode **out)
{
	return walk_named(start, path, follow, out, NULL);
}

/* Where path starts: an absolute path ignores dirfd, as on Linux (openat(2):
 * "If pathname is absolute, then dirfd is ignored"), even a bad one. */
static int path_start(int dirfd, const char *path, struct inode **out)
{
	if (*path == '/') {
		*out = vfs_root();
		return 0;
	}
	return vfs_start(dirfd, out);
}

int vfs_lookup(int dirfd, const char *path, bool follow, struct inode **out)
{
	struct inode *start;
	int err = path_start(dirfd, path, &start);

	if (err)
		return err;
	err = walk(start, path, follow, out);
	vfs_put(start);
	return err;
}

int vfs_lookup_named(int dirfd, const char *path, bool follow, struct inode **out,
		     struct inode **dir)
{
	struct inode *start;
	int err = path_start(dirfd, path, &start);

	if (err)
		return err;
	*dir = NULL;
	err = walk_named(start, path, follow, out, dir);
	vfs_put(start);
	return err;
}

int vfs_lookup_parent(int dirfd, const char *path, struct inode **dir, char *last, bool *slash)
{
	size_t n = strlen(path);
	const char *base;
	struct inode *start;
	int err;

	if (!n)
		return -ENOENT;
	*slash = path[n - 1] == '/';
	while (n > 1 && path[n - 1] == '/')
		n--;
	base = path + n;
	while (base > path && base[-1] != '/')
		base--;
	if ((size_t)(path + n - base) > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(last, base, (size_t)(path + n - base));
	last[path + n - base] = '\0';
	if (!*last) /* the path is "/" */
		strncpy_safe(last, ".", 2);
	err = path_start(dirfd, path, &start);
	if (err)
		return err;
	if (base == path) {
		*dir = *path == '/' ? vfs_root() : vfs_get(start);
	} else {
		/* The directory part, "/" included: "a/b/c" walks "a/b/". */
		char *d = kmalloc((size_t)(base - path) + 1);
		if (!d) {
			vfs_put(start);
			return -ENOMEM;
		}
		memcpy(d, path, (size_t)(base - path));
		d[base - path] = '\0';
		err = walk(start, d, true, dir);
		kfree(d);
	}
	vfs_put(start);
	if (!err && !S_ISDIR((*dir)->mode)) {
		vfs_put(*dir);
		err = -ENOTDIR;
	}
	return err;
}

int vfs_lookup_in(struct inode *dir, const char *name, struct inode **out)
{
	return step(dir, name, strlen(name), out);
}

bool vfs_is_dot(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

/* --- getcwd: from a directory up to the root, by names found in parents --- */

struct find_name {
	uint64_t ino;
	char *name;
	bool found;
};

static int match_ino(void *ctx, const char *name, size_t len, uint64_t ino, unsigned int dtype,
		     uint64_t next)
{
	struct find_name *f = ctx;

	(void)dtype;
	(void)next;
	if (ino != f->ino || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	memcpy(f->name, name, len);
	f->name[len] = '\0';
	f->found = true;
	return 1;
}

/* dir's name in parent, into name (NAME_MAX + 1 bytes); -ENOENT if none. */
static int name_in(struct inode *parent, struct inode *dir, char *name)
{
	struct find_name f = {.ino = dir->ino, .name = name};
	uint64_t pos = 0;
	int err = 0;

	while (!err && !f.found) {
		uint64_t before = pos;
		err = parent->ops->readdir(parent, &pos, match_ino, &f);
		if (pos == before && !f.found)
			err = err ? err : -ENOENT;
	}
	return err;
}

int vfs_path_of(struct inode *dir, char *buf, size_t size)
{
	char name[NAME_MAX + 1];
	size_t at = size - 1;
	struct inode *cur = vfs_get(dir);
	int err = dir->nlink ? 0 : -ENOENT; /* removed: Linux says ENOENT too */

	buf[at] = '\0';
	while (!err && !is_root(cur)) {
		struct inode *c = cur, *parent;
		while (c->covered)
			c = c->covered;
		err = step_in(c, "..", 2, &parent); /* no search permission needed */
		if (err)
			break;
		err = name_in(parent, c, name);
		size_t len = strlen(name);
		if (!err && len + 1 > at)
			err = -ERANGE;
		if (!err) {
			at -= len;
			memcpy(buf + at, name, len);
			buf[--at] = '/';
		}
		vfs_put(cur);
		cur = parent;
		if (!err && fatal_signal_pending())
			err = -EINTR;
	}
	vfs_put(cur);
	if (err)
		return err;
	if (at == size - 1)
		buf[--at] = '/';
	memmove(buf, buf + at, size - at);
	return (int)(size - at);
}

int vfs_file_path(struct inode *dir, struct inode *ino, char *buf, size_t size)
{
	char name[NAME_MAX + 1];
	int n, err;

	if (S_ISDIR(ino->mode) || !dir)
		n = S_ISDIR(ino->mode) ? vfs_path_of(ino, buf, size) : -ENOENT;
	else
		n = vfs_path_of(dir, buf, size);
	if (n < 0 || S_ISDIR(ino->mode))
		return n < 0 ? n : n - 1;
	/* Found by its number, as getcwd finds a directory's name: a file
	 * unlinked since has none (Linux remembers it and adds " (deleted)"). */
	err = ino->nlink ? name_in(dir, ino, name) : -ENOENT;
	if (err)
		return err;
	n--; /* the NUL */
	if (n == 1)
		n = 0; /* dir is the root: no "//" */
	if ((size_t)n + 1 + strlen(name) + 1 > size)
		return -ENAMETOOLONG;
	buf[n++] = '/';
	strncpy_safe(buf + n, name, size - (size_t)n);
	return n + (int)strlen(name);
}

/* --- mounts --- */

int vfs_mount_sb(struct super_block *sb, const char *path, const char *source)
{
	struct inode *dir;
	size_t len = strlen(source) + 1;
	char *name = kmalloc(len);
	int slot = -1, err = name ? vfs_lookup(AT_FDCWD, path, true, &dir) : -ENOMEM;

	if (err) {
		kfree(name);
		return err;
	}
	memcpy(name, source, len);
	mutex_lock(&mountpoint_lock); /* no rmdir or rename of dir meanwhile */
	mutex_lock(&mount_lock);
	for (int i = 1; i < MOUNT_MAX && slot < 0; i++)
		if (!mounts[i].sb)
			slot = i;
	if (!S_ISDIR(dir->mode))
		err = -ENOTDIR;
	else if (dir->nlink == 0)
		err = -ENOENT; /* removed: it could never be reached or unmounted */
	else if (dir->mounted)
		err = -EBUSY;
	else if (slot < 0)
		err = -ENOSPC;
	if (!err) {
		struct mount *m = &mounts[slot];
		/* dir's reference is the mount's, and name its own */
		*m = (struct mount){.sb = sb, .dir = dir, .source = name};
		unsigned long flags = spin_lock_irqsave(&mnt_lock);
		sb->mnt = m;
		sb->root->covered = dir;
		dir->mounted = sb; /* last: walkers may cross from now on */
		spin_unlock_irqrestore(&mnt_lock, flags);
	}
	mutex_unlock(&mount_lock);
	mutex_unlock(&mountpoint_lock);
	if (err) {
		vfs_put(dir);
		kfree(name);
	}
	return err;
}

void vfs_mount_path(const struct mount *m, char *buf, size_t size)
{
	/* m->dir is the mount's own reference: it stays while mount_lock is
	 * held.  Mounted on, it can be neither removed nor moved, but a
	 * directory above it can: its path is found now, not kept. */
	if (!m->dir)
		strncpy_safe(buf, "/", size);
	else if (vfs_path_of(m->dir, buf, size) < 0)
		strncpy_safe(buf, "?", size); /* (a fatal signal cut the walk short) */
}

/*
 * Take m out of the name space if nothing is in it but the caller, who
 * holds its root: under mnt_lock, where walkers count themselves in as they
 * cross, so none can enter after this.  A mount on a directory inside m
 * holds that directory, so it counts too.
 */
static int detach(struct mount *m)
{
	unsigned long flags = spin_lock_irqsave(&mnt_lock);
	int err = m->refs > 1 ? -EBUSY : 0;

	if (!err) {
		m->dir->mounted = NULL;
		m->sb->root->covered = NULL;
		m->sb->mnt = NULL;
		m->refs = 0;
	}
	spin_unlock_irqrestore(&mnt_lock, flags);
	return err;
}

int vfs_umount(const char *path)
{
	struct inode *ino, *dir;
	struct super_block *sb;
	struct mount *m = NULL;
	int err = vfs_lookup(AT_FDCWD, path, true, &ino);

	if (err)
		return err;
	mutex_lock(&mount_lock);
	for (int i = 1; i < MOUNT_MAX; i++)
		if (mounts[i].sb && mounts[i].sb->root == ino)
			m = &mounts[i];
	err = m ? detach(m) : -EINVAL; /* EINVAL: not a mount point */
	if (err) {
		mutex_unlock(&mount_lock);
		vfs_put(ino);
		return err;
	}
	sb = m->sb;
	dir = m->dir;
	char *name = (char *)m->source;
	*m = (struct mount){0};
	mutex_unlock(&mount_lock);
	kfree(name);
	inode_put(ino); /* the inode only: the mount's count went with it */
	if (sb->ops->sync)
		sb->ops->sync(sb);
	inode_put(sb->root);
	if (sb->ops->put_super)
		sb->ops->put_super(sb);
	vfs_put(dir);
	return 0;
}

int vfs_remount(const char *path, bool readonly)
{
	struct super_block *sb = NULL;
	struct inode *ino;
	int err = vfs_lookup(AT_FDCWD, path, true, &ino);

	if (err)
		return err;
	/* ino counts its mount: the file system stays while we work on it. */
	mutex_lock(&mount_lock);
	for (int i = 0; i < MOUNT_MAX; i++)
		if (mounts[i].sb && mounts[i].sb->root == ino)
			sb = mounts[i].sb;
	mutex_unlock(&mount_lock);
	if (!sb)
		err = -EINVAL; /* not a mount point */
	else if (sb->ops && sb->ops->remount)
		err = sb->ops->remount(sb, readonly);
	if (sb && !err) {
		if (readonly)
			__atomic_or_fetch(&sb->flags, SB_RDONLY, __ATOMIC_RELAXED);
		else
			__atomic_and_fetch(&sb->flags, ~(uint32_t)SB_RDONLY, __ATOMIC_RELAXED);
	}
	vfs_put(ino);
	return err;
}

int vfs_sync_all(void)
{
	int err = 0;

	mutex_lock(&mount_lock);
	for (int i = 0; i < MOUNT_MAX; i++) {
		struct super_block *sb = mounts[i].sb;
		if (sb && sb->ops && sb->ops->sync) {
			int e = sb->ops->sync(sb);
			err = err ? err : e;
		}
	}
	mutex_unlock(&mount_lock);
	return err;
}
