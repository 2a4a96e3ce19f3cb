/*
 * The name space: the root, mount points, and turning a path into an inode
 * (docs/filesystems.md).
 *
 * A path is walked one component at a time from the root ("/...") or from
 * a starting directory (the process's cwd, or a dirfd).  Each step asks the
 * directory's file system (inode_ops.lookup); "." stays, ".." goes up, and
 * on a directory something is mounted on, the walk continues at the
 * mounted file system's root.  Going ".." from a mounted root first steps
 * back to the directory it covers.  Symbolic links are followed (at most
 * LINK_DEPTH deep: ELOOP beyond).
 */
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/mutex.h>
#include <sluice/panic.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/string.h>
#include <sluice/timer.h>
#include <sluice/uaccess.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

#define LINK_DEPTH 8

static struct inode *root; /* counted: the root file system's root */

struct mount mounts[MOUNT_MAX];
struct mutex mount_lock = MUTEX_INIT;

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

void vfs_set_root(struct super_block *sb)
{
	BUG_ON(root);
	root = inode_get(sb->root);
	mounts[0] = (struct mount){ .sb = sb, .dir = NULL };
	strncpy_safe(mounts[0].source, sb->type, sizeof(mounts[0].source));
	strncpy_safe(mounts[0].path, "/", sizeof(mounts[0].path));
}

/* Is ino the root as processes see it: the root file system's, or the root
 * of one mounted over it (root=/dev/vda)? */
static bool is_root(struct inode *ino)
{
	while (ino->covered)
		ino = ino->covered;
	return ino == root;
}

struct inode *vfs_root(void)
{
	struct inode *r = inode_get(root);

	while (r->mounted) {
		struct inode *m = inode_get(r->mounted->root);
		inode_put(r);
		r = m;
	}
	return r;
}

/* Where a relative walk starts: dirfd's directory, or the cwd. */
int vfs_start(int dirfd, struct inode **out)
{
	struct proc *p = current_proc();

	if (dirfd == AT_FDCWD) {
		*out = p && p->cwd ? inode_get(p->cwd) : vfs_root();
		return 0;
	}
	struct file *f = fd_get(dirfd);
	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	*out = inode_get(f->inode);
	return 0;
}

/* Cross into whatever is mounted on ino (which the caller gives up). */
static struct inode *cross_mounts(struct inode *ino)
{
	while (ino->mounted) {
		struct inode *r = inode_get(ino->mounted->root);
		inode_put(ino);
		ino = r;
	}
	return ino;
}

/* One step from the directory cur to its entry (name, len). */
static int step(struct inode *cur, const char *name, size_t len, struct inode **out)
{
	int err;

	if (!S_ISDIR(cur->mode))
		return -ENOTDIR;
	if (len == 1 && name[0] == '.') {
		*out = inode_get(cur);
		return 0;
	}
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		if (is_root(cur)) {
			*out = inode_get(cur);
			return 0;
		}
		while (cur->covered) /* a mounted root: its parent is the covered dir's */
			cur = cur->covered;
	}
	if (!cur->ops || !cur->ops->lookup)
		return -ENOTDIR;
	err = cur->ops->lookup(cur, name, len, out);
	if (err)
		return err;
	*out = cross_mounts(*out);
	return 0;
}

static int walk(struct inode *start, const char *path, bool follow, int depth,
		struct inode **out);

/* ino is a symbolic link found in dir: where it points. */
static int follow_link(struct inode *dir, struct inode *ino, int depth, struct inode **out)
{
	char *target;
	long n;
	int err;

	if (depth >= LINK_DEPTH)
		return -ELOOP;
	if (!ino->ops || !ino->ops->readlink)
		return -EINVAL;
	target = kmalloc(PATH_MAX);
	if (!target)
		return -ENOMEM;
	n = ino->ops->readlink(ino, target, PATH_MAX - 1);
	if (n >= 0) {
		target[n] = '\0';
		err = n ? walk(dir, target, true, depth + 1, out) : -ENOENT;
	} else {
		err = (int)n;
	}
	kfree(target);
	return err;
}

/*
 * Walk path from start (or the root if it begins with '/').  follow: follow
 * a symbolic link in the last component too.  A trailing '/' demands a
 * directory.
 */
static int walk(struct inode *start, const char *path, bool follow, int depth,
		struct inode **out)
{
	struct inode *cur = *path == '/' ? vfs_root() : inode_get(start);
	const char *p = path;

	if (!*path) {
		inode_put(cur);
		return -ENOENT;
	}
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *name = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - name);
		const char *rest = p;
		while (*rest == '/')
			rest++;
		bool last = !*rest, slash = last && *p == '/';
		struct inode *next;
		int err = len > NAME_MAX ? -ENAMETOOLONG : step(cur, name, len, &next);
		if (!err && S_ISLNK(next->mode) && (!last || follow || slash)) {
			struct inode *t;
			err = follow_link(cur, next, depth, &t);
			inode_put(next);
			next = err ? NULL : t;
		}
		inode_put(cur);
		if (err)
			return err;
		cur = next;
		if (slash && !S_ISDIR(cur->mode)) {
			inode_put(cur);
			return -ENOTDIR;
		}
	}
	*out = cur;
	return 0;
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
	err = walk(start, path, follow, 0, out);
	inode_put(start);
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
		*dir = *path == '/' ? vfs_root() : inode_get(start);
	} else {
		/* The directory part, "/" included: "a/b/c" walks "a/b/". */
		char *d = kmalloc((size_t)(base - path) + 1);
		if (!d) {
			inode_put(start);
			return -ENOMEM;
		}
		memcpy(d, path, (size_t)(base - path));
		d[base - path] = '\0';
		err = walk(start, d, true, 0, dir);
		kfree(d);
	}
	inode_put(start);
	if (!err && !S_ISDIR((*dir)->mode)) {
		inode_put(*dir);
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

int vfs_path_of(struct inode *dir, char *buf, size_t size)
{
	char name[NAME_MAX + 1];
	size_t at = size - 1;
	struct inode *cur = inode_get(dir);
	int err = 0;

	buf[at] = '\0';
	while (!is_root(cur) && !err) {
		struct inode *c = cur, *parent;
		while (c->covered)
			c = c->covered;
		err = step(c, "..", 2, &parent);
		if (err)
			break;
		struct find_name f = { .ino = c->ino, .name = name };
		uint64_t pos = 0;
		while (!err && !f.found) {
			uint64_t before = pos;
			err = parent->ops->readdir(parent, &pos, match_ino, &f);
			if (pos == before && !f.found)
				err = err ? err : -ENOENT; /* unlinked: Linux says ENOENT too */
		}
		size_t len = strlen(name);
		if (!err && len + 1 > at)
			err = -ERANGE;
		if (!err) {
			at -= len;
			memcpy(buf + at, name, len);
			buf[--at] = '/';
		}
		inode_put(cur);
		cur = parent;
	}
	inode_put(cur);
	if (err)
		return err;
	if (at == size - 1)
		buf[--at] = '/';
	memmove(buf, buf + at, size - at);
	return (int)(size - at);
}

/* --- mounts --- */

int vfs_mount_sb(struct super_block *sb, const char *path, const char *source)
{
	struct inode *dir;
	int err = vfs_lookup(AT_FDCWD, path, true, &dir);

	if (err)
		return err;
	mutex_lock(&mount_lock);
	int slot = -1;
	for (int i = 1; i < MOUNT_MAX; i++)
		if (!mounts[i].sb) {
			slot = i;
			break;
		}
	if (!S_ISDIR(dir->mode))
		err = -ENOTDIR;
	else if (dir->mounted)
		err = -EBUSY;
	else if (slot < 0)
		err = -ENOMEM;
	if (!err) {
		dir->mounted = sb;
		sb->root->covered = dir; /* the mount keeps dir's reference */
		mounts[slot] = (struct mount){ .sb = sb, .dir = dir };
		strncpy_safe(mounts[slot].source, source, sizeof(mounts[slot].source));
		int n = vfs_path_of(dir, mounts[slot].path, sizeof(mounts[slot].path));
		if (n < 0)
			strncpy_safe(mounts[slot].path, "?", 2);
	}
	mutex_unlock(&mount_lock);
	if (err)
		inode_put(dir);
	return err;
}

int vfs_umount(const char *path)
{
	struct inode *ino;
	int err = vfs_lookup(AT_FDCWD, path, true, &ino);
	struct mount *m = NULL;

	if (err)
		return err;
	mutex_lock(&mount_lock);
	for (int i = 1; i < MOUNT_MAX; i++)
		if (mounts[i].sb && mounts[i].sb->root == ino)
			m = &mounts[i];
	if (!m)
		err = -EINVAL; /* not a mount point */
	else if (inode_sb_busy(m->sb, 2)) /* the mount's reference and ours */
		err = -EBUSY;
	inode_put(ino);
	if (!err) {
		struct super_block *sb = m->sb;
		if (sb->ops && sb->ops->sync)
			sb->ops->sync(sb);
		m->dir->mounted = NULL;
		sb->root->covered = NULL;
		inode_put(m->dir);
		inode_put(sb->root);
		if (sb->ops && sb->ops->put_super)
			sb->ops->put_super(sb);
		*m = (struct mount){ 0 };
	}
	mutex_unlock(&mount_lock);
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
