/*
 * Host tests for the ext2 driver (src/fs/ext2_*.c) over the real block
 * cache and an image in memory.  Images are made by mke2fs from a tree the
 * test writes; after the driver has changed one, e2fsck -fn must find it
 * clean and debugfs must read back what the driver wrote.  The tools'
 * paths come from the environment (MKE2FS, E2FSCK, DEBUGFS), the scratch
 * directory from EXT2_TEST_DIR.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/bcache.h>
#include <sluice/errno.h>
#include <sluice/ext2.h>
#include <sluice/vfs.h>

#include "ext2_host.h"
#include "host_stubs.h"

#define SUPER 1024 /* the superblock's byte offset in the image */

static const char *mke2fs, *e2fsck, *debugfs, *workdir;
static char img_path[512], tree_path[512];
static uint8_t *img;
static size_t img_len;
static struct super_block *sb;

int vprintk(const char *fmt, va_list ap)
{
	return vprintf(fmt, ap);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	if (!v) {
		fprintf(stderr, "test_ext2: %s is not set\n", name);
		exit(1);
	}
	return v;
}

static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* The byte at off of test file `seed`: not a repeating pattern, so a block
 * in the wrong place shows. */
static uint8_t pattern(unsigned int seed, uint64_t off)
{
	uint64_t x = (off + 1) * 0x9E3779B97F4A7C15ull + seed * 0xBF58476D1CE4E5B9ull;

	return (uint8_t)(x >> 29 ^ x >> 47);
}

static uint8_t *pattern_buf(unsigned int seed, uint64_t off, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);

	for (size_t i = 0; i < len; i++)
		b[i] = pattern(seed, off + i);
	return b;
}

/* ---- images ---- */

static void load_image(void)
{
	FILE *f = fopen(img_path, "rb");

	CHECK(f);
	fseek(f, 0, SEEK_END);
	img_len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	free(img);
	img = malloc(img_len);
	CHECK(fread(img, 1, img_len, f) == img_len);
	fclose(f);
	host_disk_attach(img, img_len);
}

static void save_image(void)
{
	FILE *f = fopen(img_path, "wb");

	CHECK(f);
	CHECK(fwrite(img, 1, img_len, f) == img_len);
	fclose(f);
}

/* A fresh tree directory for mke2fs -d. */
static void tree_reset(void)
{
	snprintf(tree_path, sizeof(tree_path), "%s/tree", workdir);
	CHECK(sh("rm -rf '%s' && mkdir -p '%s'", tree_path, tree_path) == 0);
}

static void tree_file(const char *name, unsigned int seed, size_t len)
{
	char path[1024];
	uint8_t *b = pattern_buf(seed, 0, len);

	snprintf(path, sizeof(path), "%s/%s", tree_path, name);
	FILE *f = fopen(path, "wb");
	CHECK(f);
	CHECK(fwrite(b, 1, len, f) == len);
	fclose(f);
	free(b);
}

/* mke2fs -t ext2 opts -d tree, size in KiB, loaded as the disk. */
static void make_image(const char *opts, unsigned int kib)
{
	snprintf(img_path, sizeof(img_path), "%s/test.img", workdir);
	CHECK(sh("rm -f '%s' && '%s' -q -F -t ext2 %s -d '%s' '%s' %uk >/dev/null 2>&1", img_path,
		 mke2fs, opts, tree_path, img_path, kib) == 0);
	load_image();
}

static void mount_rw(void)
{
	CHECK_EQ(ext2_mount(&sb, false), 0);
	CHECK(sb->root && S_ISDIR(sb->root->mode) && sb->root->ino == 2);
}

static void unmount(void)
{
	inode_put(sb->root);
	sb->ops->put_super(sb);
	sb = NULL;
}

/* Unmount, write the image out, and have e2fsck check it: exit 0 and
 * nothing but its version, five pass lines and the summary. */
static void unmount_and_fsck(void)
{
	char out[600];

	unmount();
	host_disk_attach(img, img_len); /* flush what the cache still holds */
	save_image();
	snprintf(out, sizeof(out), "%s/fsck.out", workdir);
	int rc = sh("'%s' -fn '%s' >'%s' 2>&1", e2fsck, img_path, out);
	int lines = 0;
	FILE *f = fopen(out, "r");
	CHECK(f);
	for (int c; (c = fgetc(f)) != EOF;)
		lines += c == '\n';
	fclose(f);
	if (rc != 0 || lines != 7) {
		sh("cat '%s'", out);
		fprintf(stderr, "e2fsck: exit %d, %d lines\n", rc, lines);
		exit(1);
	}
}

/* debugfs's view of a file's contents must be want[0, len). */
static void debugfs_check(const char *path, unsigned int seed, size_t len)
{
	char out[600];

	snprintf(out, sizeof(out), "%s/dump.out", workdir);
	CHECK(sh("'%s' -R 'dump %s %s' '%s' >/dev/null 2>&1", debugfs, path, out, img_path) == 0);
	FILE *f = fopen(out, "rb");
	CHECK(f);
	for (size_t i = 0; i < len; i++) {
		int c = fgetc(f);
		if (c != pattern(seed, i)) {
			fprintf(stderr, "debugfs %s: byte %zu is %d\n", path, i, c);
			exit(1);
		}
	}
	CHECK(fgetc(f) == EOF);
	fclose(f);
}

/* ---- the VFS's part, in small ---- */

static struct inode *lookup(struct inode *dir, const char *name)
{
	struct inode *out = NULL;
	int err = dir->ops->lookup(dir, name, strlen(name), &out);

	return err ? NULL : out;
}

/* The inode at a path from the root ("a/b/c"), counted, or NULL. */
static struct inode *walk(const char *path)
{
	char buf[1024], *save, *part;
	struct inode *cur = inode_get(sb->root);

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, "/", &save); part && cur; part = strtok_r(NULL, "/", &save)) {
		struct inode *next = lookup(cur, part);
		inode_put(cur);
		cur = next;
	}
	return cur;
}

static struct inode *create(struct inode *dir, const char *name)
{
	struct inode *out = NULL;

	CHECK_EQ(dir->ops->create(dir, name, strlen(name), 0644, &out), 0);
	CHECK(out && S_ISREG(out->mode) && out->nlink == 1);
	return out;
}

static void write_pattern(struct inode *ino, unsigned int seed, uint64_t off, size_t len)
{
	uint8_t *b = pattern_buf(seed, off, len);

	CHECK_EQ(ino->ops->write(ino, (char *)b, len, off, false), len);
	free(b);
}

/* The file holds pattern(seed) in [off, off+len). */
static void check_pattern(struct inode *ino, unsigned int seed, uint64_t off, size_t len)
{
	uint8_t *b = malloc(len + 1);

	CHECK_EQ(ino->ops->read(ino, (char *)b, len, off, false), len);
	for (size_t i = 0; i < len; i++)
		if (b[i] != pattern(seed, off + i)) {
			fprintf(stderr, "ino %llu: byte %llu is %u\n", (unsigned long long)ino->ino,
				(unsigned long long)(off + i), b[i]);
			exit(1);
		}
	free(b);
}

static void check_zeros(struct inode *ino, uint64_t off, size_t len)
{
	uint8_t *b = malloc(len);

	CHECK_EQ(ino->ops->read(ino, (char *)b, len, off, false), len);
	for (size_t i = 0; i < len; i++)
		CHECK_EQ(b[i], 0);
	free(b);
}

static void make_file(struct inode *dir, const char *name, unsigned int seed, size_t len)
{
	struct inode *f = create(dir, name);

	write_pattern(f, seed, 0, len);
	CHECK_EQ(f->size, len);
	inode_put(f);
}

static void mkdir_(struct inode *dir, const char *name)
{
	CHECK_EQ(dir->ops->mkdir(dir, name, strlen(name), 0755), 0);
}

struct names {
	char name[64][32];
	int n, total;
};

static int collect(void *ctx, const char *name, size_t len, uint64_t ino, unsigned int dtype,
		   uint64_t next)
{
	struct names *s = ctx;

	(void)ino, (void)dtype, (void)next;
	CHECK(len > 0 && len < 32);
	if (s->n < 64) {
		memcpy(s->name[s->n], name, len);
		s->name[s->n++][len] = 0;
	}
	s->total++;
	return 0;
}

static int count_entries(struct inode *dir)
{
	struct names s = {0};
	uint64_t pos = 0;

	CHECK_EQ(dir->ops->readdir(dir, &pos, collect, &s), 0);
	CHECK_EQ(pos, dir->size);
	return s.total;
}

static bool has_name(struct names *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->name[i], name) == 0)
			return true;
	return false;
}

static uint64_t free_blocks(void)
{
	struct kstatfs st;

	CHECK_EQ(sb->ops->statfs(sb, &st), 0);
	CHECK_EQ(st.f_type, EXT2_SUPER_MAGIC);
	return st.f_bfree;
}

/* ---- tests ---- */

/* Files, directories and symlinks mke2fs wrote are read back right. */
static void test_read_existing(const char *opts)
{
	char target[200];

	tree_reset();
	tree_file("hello", 1, 13);
	tree_file("big", 2, 300 * 1024); /* past the indirect block with 1 KiB blocks */
	tree_file("empty", 3, 0);
	CHECK(sh("mkdir -p '%s/sub/deeper' && cd '%s' && ln -s hello short && ln -s "
		 "%0150d long",
		 tree_path, tree_path, 7) == 0);
	tree_file("sub/deeper/leaf", 4, 5000);
	make_image(opts, 4096);
	mount_rw();

	struct inode *f = walk("hello");
	CHECK(f && f->size == 13);
	check_pattern(f, 1, 0, 13);
	char c;
	CHECK_EQ(f->ops->read(f, &c, 1, 13, false), 0); /* end of file */
	inode_put(f);
	f = walk("big");
	check_pattern(f, 2, 0, 300 * 1024);
	check_pattern(f, 2, 12345, 999);
	inode_put(f);
	f = walk("empty");
	CHECK(f && f->size == 0);
	inode_put(f);
	f = walk("sub/deeper/leaf");
	check_pattern(f, 4, 0, 5000);
	inode_put(f);
	CHECK(walk("sub/nothing") == NULL);

	f = walk("short");
	CHECK(f && S_ISLNK(f->mode));
	CHECK_EQ(f->ops->readlink(f, target, sizeof(target)), 5);
	CHECK(memcmp(target, "hello", 5) == 0);
	inode_put(f);
	f = walk("long"); /* 150 bytes: in a block of its own */
	CHECK_EQ(f->ops->readlink(f, target, sizeof(target)), 150);
	CHECK(target[0] == '0' && target[149] == '7');
	inode_put(f);

	struct names s = {0};
	uint64_t pos = 0;
	CHECK_EQ(sb->root->ops->readdir(sb->root, &pos, collect, &s), 0);
	CHECK(has_name(&s, ".") && has_name(&s, "..") && has_name(&s, "hello") &&
	      has_name(&s, "sub") && has_name(&s, "lost+found"));
	CHECK_EQ(sb->root->nlink, 4); /* ".", "..", sub/.. and lost+found/.. */
	unmount_and_fsck();
}

/* Hundreds of files in one directory (it grows by blocks), half deleted. */
static void test_many_files(const char *opts)
{
	char name[32];

	tree_reset();
	make_image(opts, 8192);
	mount_rw();
	uint64_t free0 = free_blocks();
	mkdir_(sb->root, "d");
	struct inode *d = walk("d");
	for (unsigned int i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "file-%03u", i);
		make_file(d, name, i, i * 37 % 5000);
	}
	CHECK(d->size > 1024);
	CHECK_EQ(count_entries(d), 402);
	CHECK_EQ(d->ops->create(d, "file-007", 8, 0644, &(struct inode *){0}), -EEXIST);
	for (unsigned int i = 0; i < 400; i += 2) {
		snprintf(name, sizeof(name), "file-%03u", i);
		CHECK_EQ(d->ops->unlink(d, name, strlen(name)), 0);
	}
	CHECK_EQ(d->ops->unlink(d, "file-000", 8), -ENOENT);
	CHECK_EQ(count_entries(d), 202);
	for (unsigned int i = 1; i < 400; i += 2) {
		snprintf(name, sizeof(name), "file-%03u", i);
		struct inode *f = lookup(d, name);
		CHECK(f);
		check_pattern(f, i, 0, i * 37 % 5000);
		inode_put(f);
	}
	/* The freed room is used again. */
	make_file(d, "again", 9999, 100);
	inode_put(d);
	unmount_and_fsck();
	debugfs_check("/d/file-001", 1, 37);
	debugfs_check("/d/file-399", 399, 399 * 37 % 5000);
	debugfs_check("/d/again", 9999, 100);

	/* Deleting everything gives every block back. */
	load_image();
	mount_rw();
	d = walk("d");
	for (unsigned int i = 1; i < 400; i += 2) {
		snprintf(name, sizeof(name), "file-%03u", i);
		CHECK_EQ(d->ops->unlink(d, name, strlen(name)), 0);
	}
	CHECK_EQ(d->ops->unlink(d, "again", 5), 0);
	inode_put(d);
	CHECK_EQ(sb->root->ops->rmdir(sb->root, "d", 1), 0);
	CHECK_EQ(free_blocks(), free0);
	unmount_and_fsck();
}

/* A big file through the double-indirect block, a sparse one through the
 * triple-indirect block, and truncation both ways (1 KiB blocks). */
static void test_big_sparse_truncate(const char *opts)
{
	tree_reset();
	make_image(opts, 8192);
	mount_rw();
	uint64_t free0 = free_blocks();

	struct inode *f = create(sb->root, "big");
	for (uint64_t off = 0; off < 1536 * 1024; off += 100000) /* unaligned pieces */
		write_pattern(f, 5, off, MIN(100000, 1536 * 1024 - off));
	check_pattern(f, 5, 0, 1536 * 1024);
	inode_put(f);

	struct inode *s = create(sb->root, "sparse");
	write_pattern(s, 6, 0, 4096);
	write_pattern(s, 6, 5 * MiB, 4096);
	write_pattern(s, 6, 70 * MiB + 10, 100); /* past 64 MiB + 268 KiB: triple-indirect */
	CHECK_EQ(s->size, 70 * MiB + 110);
	check_pattern(s, 6, 0, 4096);
	check_zeros(s, 4096, 100000);
	check_pattern(s, 6, 5 * MiB, 4096);
	check_pattern(s, 6, 70 * MiB + 10, 100);
	/* Holes take no blocks: with 1 KiB blocks 9 of data and 5 indirect
	 * (double + single at 5 MiB, triple + double + single at 70 MiB). */
	struct kstatfs st;
	sb->ops->statfs(sb, &st);
	CHECK(s->blocks * 512 / st.f_bsize <= 14);
	inode_put(s);
	unmount_and_fsck();
	debugfs_check("/big", 5, 1536 * 1024);

	load_image();
	mount_rw();
	f = walk("big");
	CHECK_EQ(f->ops->truncate(f, 300 * 1024 + 5), 0); /* mid-block, in the indirect range */
	CHECK_EQ(f->size, 300 * 1024 + 5);
	CHECK_EQ(f->ops->truncate(f, 400 * 1024), 0); /* grow: a hole, and zeros after byte 5 */
	check_pattern(f, 5, 0, 300 * 1024 + 5);
	check_zeros(f, 300 * 1024 + 5, 100 * 1024 - 5);
	CHECK_EQ(f->ops->truncate(f, 5000), 0);
	check_pattern(f, 5, 0, 5000);
	sb->ops->statfs(sb, &st);
	CHECK_EQ(f->blocks, (5000 + st.f_bsize - 1) / st.f_bsize * (st.f_bsize / 512));
	inode_put(f);
	s = walk("sparse");
	CHECK_EQ(s->ops->truncate(s, 5 * MiB + 100), 0);
	check_pattern(s, 6, 5 * MiB, 100);
	CHECK_EQ(s->ops->truncate(s, 0), 0);
	CHECK_EQ(s->blocks, 0);
	inode_put(s);
	CHECK_EQ(sb->root->ops->unlink(sb->root, "big", 3), 0);
	CHECK_EQ(sb->root->ops->unlink(sb->root, "sparse", 6), 0);
	CHECK_EQ(free_blocks(), free0);
	unmount_and_fsck();
}

/* Truncating and deleting need no memory: with none to be had (kmalloc
 * failing, as on a full machine), every block of a file with indirect and
 * double-indirect blocks still comes back; creating fails cleanly.  Freeing used to read each
 * indirect block into a kmalloc'ed copy after freeing the block itself:
 * out of memory, the truncate failed and the children stayed marked in
 * use for ever (fuzz finding 18, docs/robustness.md). */
static void test_free_without_memory(const char *opts)
{
	tree_reset();
	make_image(opts, 8192);
	mount_rw();
	uint64_t free0 = free_blocks();

	struct inode *f = create(sb->root, "t");
	write_pattern(f, 7, 612 * 1024, 1000); /* the double-indirect range, 1 KiB blocks */
	write_pattern(f, 7, 0, 4096);
	write_pattern(f, 7, 100 * 1024, 3000); /* the indirect range */
	CHECK(free_blocks() < free0);
	host_kmalloc_fail = true;
	CHECK_EQ(f->ops->truncate(f, 50 * 1024), 0);
	CHECK_EQ(f->ops->truncate(f, 0), 0);
	host_kmalloc_fail = false;
	CHECK_EQ(f->blocks, 0);
	CHECK_EQ(free_blocks(), free0);

	write_pattern(f, 8, 612 * 1024, 1000);
	write_pattern(f, 8, 100 * 1024, 3000);
	CHECK_EQ(sb->root->ops->unlink(sb->root, "t", 1), 0);
	host_kmalloc_fail = true;
	inode_put(f); /* the last reference: evict frees the blocks and the inode */
	host_kmalloc_fail = false;
	CHECK_EQ(free_blocks(), free0);

	/* Out of memory at each allocation of a create and a mkdir in turn:
	 * ENOMEM, and nothing taken (an inode number claimed before the
	 * inode's memory was got stayed marked in use). */
	struct kstatfs st0, st;
	CHECK_EQ(sb->ops->statfs(sb, &st0), 0);
	for (int n = 1; n <= 8; n++) {
		struct inode *out = NULL;
		host_kmalloc_fail_nth = n;
		int cerr = sb->root->ops->create(sb->root, "c", 1, 0644, &out);
		host_kmalloc_fail_nth = n;
		int merr = sb->root->ops->mkdir(sb->root, "d", 1, 0755);
		host_kmalloc_fail_nth = 0;
		CHECK(cerr == 0 || cerr == -ENOMEM);
		CHECK(merr == 0 || merr == -ENOMEM);
		if (!cerr) {
			CHECK_EQ(sb->root->ops->unlink(sb->root, "c", 1), 0);
			inode_put(out);
		}
		if (!merr)
			CHECK_EQ(sb->root->ops->rmdir(sb->root, "d", 1), 0);
		CHECK_EQ(sb->ops->statfs(sb, &st), 0);
		CHECK_EQ(st.f_ffree, st0.f_ffree);
		CHECK_EQ(st.f_bfree, st0.f_bfree);
	}
	unmount_and_fsck();
}

/* Deep and wide directory trees; rmdir. */
static void test_dirs(const char *opts)
{
	char path[4096] = "", name[32];

	tree_reset();
	make_image(opts, 8192);
	mount_rw();
	for (int i = 0; i < 40; i++) {
		struct inode *d = path[0] ? walk(path) : inode_get(sb->root);
		snprintf(name, sizeof(name), "level%d", i);
		mkdir_(d, name);
		inode_put(d);
		strcat(path, path[0] ? "/" : "");
		strcat(path, name);
	}
	struct inode *deep = walk(path);
	CHECK(deep && S_ISDIR(deep->mode) && deep->nlink == 2);
	make_file(deep, "bottom", 11, 3000);
	inode_put(deep);

	mkdir_(sb->root, "wide");
	struct inode *w = walk("wide");
	for (int i = 0; i < 150; i++) {
		snprintf(name, sizeof(name), "sub%d", i);
		mkdir_(w, name);
	}
	CHECK_EQ(w->nlink, 152);
	CHECK_EQ(w->ops->mkdir(w, "sub7", 4, 0755), -EEXIST);
	struct inode *sub = lookup(w, "sub3");
	make_file(sub, "x", 12, 10);
	CHECK_EQ(w->ops->rmdir(w, "sub3", 4), -ENOTEMPTY);
	CHECK_EQ(sub->ops->unlink(sub, "x", 1), 0);
	inode_put(sub);
	for (int i = 0; i < 150; i += 3) {
		snprintf(name, sizeof(name), "sub%d", i);
		CHECK_EQ(w->ops->rmdir(w, name, strlen(name)), 0);
	}
	CHECK_EQ(w->nlink, 102);
	CHECK_EQ(count_entries(w), 102);
	inode_put(w);
	unmount_and_fsck();
	char abs[4200]; /* debugfs wants absolute paths */
	snprintf(abs, sizeof(abs), "/%s/bottom", path);
	debugfs_check(abs, 11, 3000);
}

/* rename in all its forms, and hard links. */
static void test_rename_link(const char *opts)
{
	tree_reset();
	make_image(opts, 4096);
	mount_rw();
	struct inode *r = sb->root;
	mkdir_(r, "a");
	mkdir_(r, "b");
	struct inode *a = walk("a"), *b = walk("b");
	make_file(a, "f", 20, 2000);
	make_file(b, "g", 21, 3000);

	/* Within a directory, then between directories. */
	CHECK_EQ(r->ops->rename(a, "f", 1, a, "f2", 2), 0);
	CHECK(lookup(a, "f") == NULL);
	CHECK_EQ(r->ops->rename(a, "f2", 2, b, "f3", 2), 0);
	/* Over an existing file: g goes. */
	CHECK_EQ(r->ops->rename(b, "f3", 2, b, "g", 1), 0);
	struct inode *g = lookup(b, "g");
	check_pattern(g, 20, 0, 2000);
	CHECK_EQ(count_entries(b), 3);

	/* Hard links: two names, one inode; rename between them does nothing. */
	CHECK_EQ(r->ops->link(a, "hard", 4, g), 0);
	CHECK_EQ(g->nlink, 2);
	CHECK_EQ(r->ops->link(a, "hard", 4, g), -EEXIST);
	CHECK_EQ(r->ops->link(a, "dirlink", 7, b), -EPERM);
	CHECK_EQ(r->ops->rename(a, "hard", 4, b, "g", 1), 0);
	CHECK_EQ(g->nlink, 2);
	CHECK_EQ(r->ops->unlink(b, "g", 1), 0);
	CHECK_EQ(g->nlink, 1);
	struct inode *h = lookup(a, "hard");
	CHECK(h == g);
	check_pattern(h, 20, 0, 2000);
	inode_put(h);

	/* An open file outlives its last name; its blocks go with the last put. */
	uint64_t before = free_blocks();
	CHECK_EQ(r->ops->unlink(a, "hard", 4), 0);
	CHECK_EQ(g->nlink, 0);
	check_pattern(g, 20, 0, 2000);
	CHECK_EQ(free_blocks(), before);
	inode_put(g);
	struct kstatfs st;
	sb->ops->statfs(sb, &st);
	CHECK_EQ(free_blocks(), before + (2000 + st.f_bsize - 1) / st.f_bsize);

	/* A directory moves: its ".." and both parents' link counts follow. */
	mkdir_(a, "sub");
	struct inode *sub = lookup(a, "sub");
	make_file(sub, "inside", 22, 100);
	CHECK_EQ(a->nlink, 3);
	CHECK_EQ(r->ops->rename(a, "sub", 3, b, "moved", 5), 0);
	CHECK_EQ(a->nlink, 2);
	CHECK_EQ(b->nlink, 3);
	struct inode *up = lookup(sub, "..");
	CHECK(up == b);
	inode_put(up);
	/* Over an empty directory in another parent; not over a full one. */
	mkdir_(a, "empty");
	mkdir_(a, "full");
	struct inode *full = lookup(a, "full");
	make_file(full, "x", 23, 1);
	inode_put(full);
	CHECK_EQ(r->ops->rename(b, "moved", 5, a, "full", 4), -ENOTEMPTY);
	CHECK_EQ(r->ops->rename(b, "moved", 5, a, "empty", 5), 0);
	CHECK_EQ(a->nlink, 4); /* ".", "..": +full +empty (now sub) */
	CHECK_EQ(b->nlink, 2);
	/* Files and directories do not replace each other. */
	make_file(a, "file", 24, 1);
	CHECK_EQ(r->ops->rename(a, "file", 4, a, "full", 4), -EISDIR);
	CHECK_EQ(r->ops->rename(a, "full", 4, a, "file", 4), -ENOTDIR);
	inode_put(sub);
	inode_put(a);
	inode_put(b);
	unmount_and_fsck();
	debugfs_check("/a/empty/inside", 22, 100);
}

/* Symlinks and device nodes the driver makes read back through debugfs. */
static void test_symlink_mknod(const char *opts)
{
	char target[300], buf[300];

	tree_reset();
	make_image(opts, 4096);
	mount_rw();
	struct inode *r = sb->root;
	CHECK_EQ(r->ops->symlink(r, "s", 1, "a/short/target"), 0);
	memset(target, 'x', 200);
	target[200] = 0;
	CHECK_EQ(r->ops->symlink(r, "l", 1, target), 0);
	struct inode *s = lookup(r, "l");
	CHECK_EQ(s->ops->readlink(s, buf, sizeof(buf)), 200);
	CHECK(memcmp(buf, target, 200) == 0);
	inode_put(s);
	CHECK_EQ(r->ops->mknod(r, "tty", 3, S_IFCHR | 0600, MKDEV(4, 1)), 0);
	s = lookup(r, "tty");
	CHECK(S_ISCHR(s->mode) && s->rdev == MKDEV(4, 1));
	inode_put(s);
	CHECK_EQ(r->ops->mknod(r, "fifo", 4, S_IFIFO | 0600, 0), 0);
	CHECK_EQ(r->ops->unlink(r, "l", 1), 0);
	CHECK_EQ(r->ops->symlink(r, "l2", 2, target), 0);
	unmount_and_fsck();
	char out[600];
	snprintf(out, sizeof(out), "%s/stat.out", workdir);
	CHECK(sh("'%s' -R 'stat /s' '%s' 2>/dev/null | grep -q 'Fast link dest: "
		 "\"a/short/target\"'",
		 debugfs, img_path) == 0);
}

/* What the driver refuses, or mounts read-only. */
static void test_features(void)
{
	struct super_block *out;
	struct inode *dummy;

	tree_reset();
	tree_file("f", 30, 10);
	make_image("-O extent", 4096); /* INCOMPAT_EXTENTS */
	CHECK_EQ(ext2_mount(&out, false), -EINVAL);

	make_image("-j", 4096); /* ext3: has_journal */
	mount_rw();
	CHECK_EQ(sb->root->ops->create(sb->root, "x", 1, 0644, &dummy), -EROFS);
	struct inode *f = walk("f");
	check_pattern(f, 30, 0, 10);
	CHECK_EQ(f->ops->write(f, "a", 1, 0, false), -EROFS);
	inode_put(f);
	unmount();

	make_image("", 4096);
	img[SUPER + 100] |= 0x80; /* an unknown RO_COMPAT bit */
	mount_rw();
	CHECK_EQ(sb->root->ops->mkdir(sb->root, "x", 1, 0755), -EROFS);
	unmount();

	make_image("", 4096);
	img[SUPER + 56] ^= 1; /* the magic */
	CHECK_EQ(ext2_mount(&out, false), -EINVAL);

	/* The same image read-only by request. */
	make_image("", 4096);
	CHECK_EQ(ext2_mount(&sb, true), 0);
	CHECK_EQ(sb->root->ops->unlink(sb->root, "f", 1), -EROFS);
	unmount();
}

/* Corrupt images give errors, never a crash. */
static void test_corruption(void)
{
	struct super_block *out;

	tree_reset();
	tree_file("f", 31, 5000);
	make_image("-b 1024", 2048);
	/* The root directory's first block: i_block[0] of its disk inode,
	 * which priv begins with (offset 40 = word 10). */
	mount_rw();
	uint32_t rootblk = ((uint32_t *)sb->root->priv)[10];
	unmount();

	/* A data block number past the end of the file system, then one in
	 * the metadata, changed in the in-memory copy of the inode. */
	load_image();
	mount_rw();
	struct inode *f = walk("f");
	((uint32_t *)f->priv)[10 + 1] = 0x7fffffff; /* i_block[1] */
	char buf[2048];
	/* The page cache reads the page whole: the good first block does not
	 * save it (as Linux's readpage fails a page with one bad block). */
	CHECK_EQ(f->ops->read(f, buf, 2048, 0, false), -EUCLEAN);
	CHECK_EQ(f->ops->read(f, buf, 1024, 1024, false), -EUCLEAN);
	((uint32_t *)f->priv)[10 + 1] = 3; /* the group descriptors: metadata */
	CHECK_EQ(f->ops->read(f, buf, 1024, 1024, false), -EUCLEAN);
	inode_put(f); /* nlink 1: nothing written */
	unmount();

	/* A directory entry whose rec_len is 0, then one running off the block. */
	load_image();
	uint8_t *dir = img + (size_t)rootblk * 1024;
	memset(dir + 4, 0, 2); /* the rec_len of "." */
	mount_rw();
	CHECK(walk("f") == NULL);
	struct inode *dummy;
	CHECK_EQ(sb->root->ops->lookup(sb->root, "f", 1, &dummy), -EUCLEAN);
	CHECK_EQ(sb->root->ops->create(sb->root, "g", 1, 0644, &dummy), -EUCLEAN);
	uint64_t pos = 0;
	struct names s = {0};
	CHECK_EQ(sb->root->ops->readdir(sb->root, &pos, collect, &s), -EUCLEAN);
	unmount();
	load_image();
	dir = img + (size_t)rootblk * 1024;
	uint16_t big = 2000;
	memcpy(dir + 4, &big, 2);
	mount_rw();
	CHECK_EQ(sb->root->ops->lookup(sb->root, "f", 1, &dummy), -EUCLEAN);
	unmount();

	/* A superblock claiming more blocks than the disk has. */
	load_image();
	uint32_t blocks = 1u << 20;
	memcpy(img + 1024 + 4, &blocks, 4);
	CHECK(ext2_mount(&out, false) < 0);
	/* Group descriptors pointing outside their group. */
	load_image();
	uint32_t itable = 5000;
	memcpy(img + 2048 + 8, &itable, 4);
	CHECK_EQ(ext2_mount(&out, false), -EUCLEAN);
}

/*
 * The page cache: dirty pages survive reclaim, clean ones go (a second
 * chance first) and read back from the disk; a closed file's pages are
 * parked, dirty ones too, and found again without the disk; sync writes
 * parked dirty pages; drop_caches empties it all.
 */
static void test_page_cache(const char *opts)
{
	tree_reset();
	make_image(opts, 4096);
	mount_rw();
	struct inode *f = create(sb->root, "pc");
	write_pattern(f, 77, 0, 5 * 4096 + 100);
	long cached = host_pages;
	CHECK(host_reclaim);
	host_reclaim();
	host_reclaim();
	CHECK_EQ(host_pages, cached); /* dirty: nothing taken */
	CHECK_EQ(sb->ops->sync(sb), 0);
	host_reclaim();			  /* their second chance went while they were dirty */
	CHECK_EQ(host_pages, cached - 6); /* clean and unowned: all six gone */
	check_pattern(f, 77, 0, 5 * 4096 + 100); /* from the disk */
	CHECK_EQ(host_pages, cached);
	/* A call frees a batch of 32 at most (each page looked at twice). */
	write_pattern(f, 79, 8 * 4096, 40 * 4096);
	CHECK_EQ(sb->ops->sync(sb), 0);
	host_reclaim();
	CHECK_EQ(host_pages, cached + 40 - 32);
	host_reclaim();
	CHECK_EQ(host_pages, cached - 6);
	CHECK_EQ(f->ops->truncate(f, 5 * 4096 + 100), 0);
	check_pattern(f, 77, 0, 5 * 4096 + 100);

	/* Parked at the last put, dirty; found again with no disk read. */
	write_pattern(f, 78, 4096, 4096);
	inode_put(f);
	unsigned long reads = host_disk_reads;
	f = walk("pc");
	check_pattern(f, 77, 0, 4096);
	check_pattern(f, 78, 4096, 4096);
	CHECK_EQ(host_disk_reads, reads);
	inode_put(f);
	CHECK_EQ(sb->ops->sync(sb), 0); /* the parked dirty page reaches the disk */
	ext2_pc_drop_caches();
	CHECK_EQ(host_pages, cached - 6); /* the pages read back are gone too */
	f = walk("pc");
	check_pattern(f, 78, 4096, 4096);
	CHECK(host_disk_reads > reads);
	inode_put(f);
	unmount_and_fsck();
}

/*
 * The flusher's pass (super_ops.writeback): a file's pages reach the disk
 * once they have been dirty since before the cut, and not sooner (the
 * stamp is the first dirty page's); a parked file's too; a failed write
 * leaves them dirty, to be tried one expiry later.
 */
static void test_writeback_expiry(const char *opts)
{
	tree_reset();
	make_image(opts, 4096);
	mount_rw();
	host_now_ns = 1000;
	struct inode *f = create(sb->root, "wb");
	write_pattern(f, 81, 0, 3 * 4096);
	unsigned long w = host_disk_writes;
	CHECK_EQ(sb->ops->writeback(sb, 1000), 0); /* dirty since 1000: not before it */
	CHECK_EQ(host_disk_writes, w);
	host_now_ns = 5000;
	write_pattern(f, 82, 4096, 100); /* dirty already: still since 1000 */
	CHECK_EQ(sb->ops->writeback(sb, 1001), 0);
	CHECK_EQ(host_disk_writes, w + 3 * 4096 / 512); /* the three pages */
	w = host_disk_writes;
	CHECK_EQ(sb->ops->writeback(sb, UINT64_MAX), 0); /* all clean */
	CHECK_EQ(host_disk_writes, w);

	host_now_ns = 6000;
	write_pattern(f, 83, 0, 4096);
	inode_put(f); /* parked, dirty */
	CHECK_EQ(sb->ops->writeback(sb, 6000), 0);
	CHECK_EQ(host_disk_writes, w);
	CHECK_EQ(sb->ops->writeback(sb, 6001), 0);
	CHECK_EQ(host_disk_writes, w + 4096 / 512);

	/* The disk gone: the pass fails, the page stays dirty, stamped anew
	 * (not tried again before that is old enough), then goes out. */
	host_now_ns = 7000;
	f = walk("wb");
	write_pattern(f, 84, 0, 4096);
	host_now_ns = 8000;
	host_disk_fail_writes = true;
	CHECK_EQ(sb->ops->writeback(sb, 7001), -EIO);
	host_disk_fail_writes = false;
	w = host_disk_writes;
	CHECK_EQ(sb->ops->writeback(sb, 7001), 0);
	CHECK_EQ(host_disk_writes, w);
	CHECK_EQ(sb->ops->writeback(sb, 8001), 0);
	CHECK_EQ(host_disk_writes, w + 4096 / 512);
	inode_put(f);
	ext2_pc_drop_caches(); /* read back from the disk */
	f = walk("wb");
	check_pattern(f, 84, 0, 4096);
	check_pattern(f, 82, 4096, 100);
	check_pattern(f, 81, 4096 + 100, 2 * 4096 - 100);
	inode_put(f);
	unmount_and_fsck();
	host_now_ns = 0;
}

int main(void)
{
	static const char *const configs[] = {
		"-b 1024 -I 128", "-b 1024 -I 256", "-b 2048 -I 128",	    "-b 4096 -I 256",
		"-b 4096 -I 128", "-r 0 -b 1024",   "-b 1024 -O ^filetype",
	};

	mke2fs = env("MKE2FS");
	e2fsck = env("E2FSCK");
	debugfs = env("DEBUGFS");
	workdir = env("EXT2_TEST_DIR");
	CHECK(sh("mkdir -p '%s'", workdir) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(configs); i++) {
		printf("== %s\n", configs[i]);
		test_read_existing(configs[i]);
		test_many_files(configs[i]);
		test_dirs(configs[i]);
		test_rename_link(configs[i]);
		test_symlink_mknod(configs[i]);
	}
	test_big_sparse_truncate("-b 1024");
	test_big_sparse_truncate("-b 4096");
	test_free_without_memory("-b 1024");
	test_free_without_memory("-b 4096");
	test_page_cache("-b 1024");
	test_page_cache("-b 4096");
	test_writeback_expiry("-b 1024");
	test_writeback_expiry("-b 4096");
	test_features();
	test_corruption();
	free(img);
	printf("test_ext2: all passed\n");
	return 0;
}
