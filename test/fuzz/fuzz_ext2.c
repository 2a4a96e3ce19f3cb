/*
 * libFuzzer target for the ext2 driver (src/fs/ext2_*.c): the input is a
 * disk image.  Mount it; walk the tree (a bounded depth and breadth)
 * listing every directory, reading every file and symlink; then change it:
 * create, write (sparse too), truncate, mkdir, link, rename, unlink, rmdir;
 * unmount.  Whatever the bytes, nothing may crash, trip ASan or UBSan, leak
 * or hang; errors are fine.  A panic is a bug, so it aborts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/errno.h>
#include <sluice/ext2.h>
#include <sluice/vfs.h>

#include "../host/ext2_host.h"

#define WALK_DEPTH  6
#define WALK_NAMES  24 /* per directory */
#define READ_MAX    (24 * 1024)
#define WALK_BUDGET 200 /* inodes per walk: a directory may contain its parent */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Kernel messages: silent (corrupt images make many). */
int printk(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

int vprintk(const char *fmt, va_list ap)
{
	(void)fmt, (void)ap;
	return 0;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

static void require(int cond)
{
	if (!cond)
		abort();
}

struct names {
	char name[WALK_NAMES][NAME_MAX + 1];
	int n;
	uint64_t last_next;
};

static int collect(void *ctx, const char *name, size_t len, uint64_t ino, unsigned int dtype,
		   uint64_t next)
{
	struct names *s = ctx;

	(void)ino, (void)dtype;
	require(len >= 1 && len <= NAME_MAX && next > s->last_next);
	s->last_next = next;
	if (s->n == WALK_NAMES)
		return 1;
	memcpy(s->name[s->n], name, len);
	s->name[s->n++][len] = 0;
	return 0;
}

static void read_file(struct inode *f)
{
	static char buf[READ_MAX];
	long n = f->ops->read(f, buf, sizeof(buf), 0, false);

	require(n <= (long)sizeof(buf));
	if (f->size > 100000) /* and somewhere far in */
		require(f->ops->read(f, buf, 4096, f->size - 5000, false) <= 4096);
}

static int budget;

static void walk(struct inode *dir, int depth)
{
	struct names *s = calloc(1, sizeof(*s));
	uint64_t pos = 0;

	dir->ops->readdir(dir, &pos, collect, s);
	for (int i = 0; i < s->n && budget-- > 0; i++) {
		struct inode *c;
		size_t len = strlen(s->name[i]);
		if (!strcmp(s->name[i], ".") || !strcmp(s->name[i], ".."))
			continue;
		if (dir->ops->lookup(dir, s->name[i], len, &c))
			continue;
		if (S_ISDIR(c->mode) && depth < WALK_DEPTH)
			walk(c, depth + 1);
		else if (S_ISREG(c->mode))
			read_file(c);
		else if (S_ISLNK(c->mode)) {
			char target[PATH_MAX];
			require(c->ops->readlink(c, target, sizeof(target)) <=
				(long)sizeof(target));
		}
		inode_put(c);
	}
	free(s);
}

/* Changes through every kind of operation; each may fail. */
static void change(struct inode *root)
{
	static char buf[5000];
	struct inode *f = NULL, *d = NULL;

	memset(buf, 'z', sizeof(buf));
	if (root->ops->create(root, "fz", 2, 0644, &f) == 0) {
		f->ops->write(f, buf, sizeof(buf), 0, false);
		f->ops->write(f, buf, 100, 300000, false); /* through the indirect blocks */
		read_file(f);
		f->ops->truncate(f, 1234);
		root->ops->link(root, "fz-link", 7, f);
		inode_put(f);
	}
	root->ops->mkdir(root, "dz", 2, 0755);
	if (root->ops->lookup(root, "dz", 2, &d) == 0) {
		root->ops->rename(root, "fz", 2, d, "moved", 5);
		root->ops->symlink(d, "sz", 2, "../fz-link");
		d->ops->unlink(d, "moved", 5);
		d->ops->unlink(d, "sz", 2);
		inode_put(d);
	}
	/* The seeds' own files: a truncation through an indirect block, and
	 * a name removed from a hard-linked inode. */
	if (root->ops->lookup(root, "dir", 3, &d) == 0) {
		if (S_ISDIR(d->mode) && d->ops->lookup(d, "numbers", 7, &f) == 0) {
			f->ops->truncate(f, 100);
			inode_put(f);
			d->ops->unlink(d, "numbers", 7);
		}
		inode_put(d);
	}
	root->ops->unlink(root, "hello", 5);
	root->ops->rename(root, "dz", 2, root, "lost+found", 10);
	root->ops->unlink(root, "fz-link", 7);
	root->ops->rmdir(root, "dz", 2);
	root->ops->rmdir(root, "lost+found", 10);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *disk = malloc(size ? size : 1);
	struct super_block *sb;

	memcpy(disk, data, size);
	host_disk_attach(disk, size);
	if (ext2_mount(&sb, false) == 0) {
		budget = WALK_BUDGET;
		walk(sb->root, 0);
		change(sb->root);
		budget = WALK_BUDGET;
		walk(sb->root, 0);
		struct kstatfs st;
		sb->ops->statfs(sb, &st);
		sb->ops->sync(sb);
		inode_put(sb->root);
		sb->ops->put_super(sb);
	}
	host_disk_attach(NULL, 0); /* write back, forget: the disk goes now */
	free(disk);
	return 0;
}
