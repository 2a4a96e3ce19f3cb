/*
 * fs_churn.c - processes that change one small tree at once.
 *
 * concurrent_renames, concurrent_rename_rmdir: two processes race, many
 * times, with calls of which only one may succeed.
 *
 * concurrent_churn: each of four workers makes a few hundred random changes to the same nine names
 * and the same names one directory down: creating and writing files
 * (through indirect blocks, with holes), truncating, linking, renaming
 * files and directories across directories, removing names of files that
 * others still have open, making and removing directories.  A name may be
 * a file for one worker and a directory for the next, so every operation
 * races with every other.
 *
 * The errors such races explain (ENOENT, EEXIST, ENOTDIR, EISDIR,
 * ENOTEMPTY, EINVAL for a directory moved into itself, EPERM for a link to
 * a directory) are expected; any other error fails the test.  Once the
 * workers are done, the tree must be consistent: every file reads back
 * exactly as long as stat says, every link count is the number of names
 * found, a directory's count is 2 plus its subdirectories.  On ext2, after
 * the tree is removed, the free block and inode counts must be back where
 * they started; then the host's e2fsck checks the disk.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dirent.h"
#include "fstests.h"

#define WORKERS	 4
#define STEPS	 400
#define SLOTS	 3
#define MAX_OFF	 (300 * 1024) /* past the double-indirect start for 1 KiB blocks */
#define MAX_NODE 256	      /* distinct inodes the final walk can tell apart */

static const char *const names[] = {"a", "b", "c", "d", "e", "f", "D", "E", "F"};
#define NNAMES (sizeof(names) / sizeof(names[0]))
static int worker;
static uint64_t seed;

static unsigned rnd(unsigned n)
{
	seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(seed >> 33) % n;
}

/* A random path: "x", or "D/x" with D one of the last three names. */
static const char *rnd_path(char *buf, size_t n)
{
	const char *last = names[rnd(NNAMES)];

	if (rnd(2))
		snprintf(buf, n, "churn/%s", last);
	else
		snprintf(buf, n, "churn/%s/%s", names[NNAMES - 1 - rnd(3)], last);
	return buf;
}

/* r is a result or an error a race between the workers explains. */
static void expect(long r, const char *what, const char *path, const long *ok)
{
	if (r >= 0)
		return;
	for (; *ok; ok++)
		if (r == -*ok)
			return;
	FAIL("worker %d: %s %s: error %ld", worker, what, path, -r);
}

static const long path_errs[] = {ENOENT, ENOTDIR, 0};
static const long name_errs[] = {ENOENT,	  ENOTDIR, EEXIST, EISDIR,
				 LINUX_ENOTEMPTY, EINVAL,  EPERM,  0};
static const long no_errs[] = {0};

static void write_some(int fd, bool append)
{
	size_t len = 1 + rnd(8192);
	uint64_t off = rnd(8) ? rnd(20000) : rnd(MAX_OFF);

	gen_fill(buf_a, 100 + (unsigned)worker, off, len);
	long r = append ? syscall3(__NR_write, fd, (long)buf_a, (long)len)
			: syscall4(__NR_pwrite64, fd, (long)buf_a, (long)len, (long)off);
	if (r != (long)len)
		FAIL("worker %d: write of %zu bytes: %ld", worker, len, r);
}

static void read_all(const char *path)
{
	long fd = sys_open(path, L_O_RDONLY, 0), r;

	expect(fd, "open for reading", path, (const long[]){ENOENT, ENOTDIR, 0});
	if (fd < 0)
		return;
	while ((r = syscall3(__NR_read, fd, (long)buf_b, 65536)) > 0)
		;
	expect(r, "read", path, (const long[]){EISDIR, 0});
	xclose((int)fd);
}

static void churn_worker(void)
{
	int fd[SLOTS], append[SLOTS];
	char p[64], q[64];

	seed = 0x5eed0000u + (uint64_t)worker * 7919;
	for (int i = 0; i < SLOTS; i++)
		fd[i] = -1;
	for (int step = 0; step < STEPS; step++) {
		int s = (int)rnd(SLOTS);
		unsigned op = rnd(24);
		long r;

		if (op < 4) { /* open, maybe creating, truncating, appending */
			long flags = L_O_WRONLY | LINUX_O_CREAT;
			if (!rnd(4))
				flags |= LINUX_O_TRUNC;
			if (!rnd(4))
				flags |= LINUX_O_APPEND;
			if (!rnd(8))
				flags |= LINUX_O_EXCL;
			rnd_path(p, sizeof(p));
			r = sys_open(p, flags, 0644);
			expect(r, "open", p, (const long[]){ENOENT, ENOTDIR, EEXIST, EISDIR, 0});
			if (r >= 0) {
				if (fd[s] >= 0)
					xclose(fd[s]);
				fd[s] = (int)r;
				append[s] = (flags & LINUX_O_APPEND) != 0;
				write_some(fd[s], append[s]);
			}
		} else if (op < 9) {
			if (fd[s] >= 0)
				write_some(fd[s], append[s]);
		} else if (op < 10) {
			if (fd[s] >= 0)
				expect(syscall2(__NR_ftruncate, fd[s], rnd(MAX_OFF)), "ftruncate",
				       "", no_errs);
		} else if (op < 12) {
			if (fd[s] >= 0)
				xclose(fd[s]);
			fd[s] = -1;
		} else if (op < 14) {
			rnd_path(p, sizeof(p));
			expect(sys_unlink(p), "unlink", p, name_errs);
		} else if (op < 15) {
			rnd_path(p, sizeof(p));
			expect(sys_rmdir(p), "rmdir", p, name_errs);
		} else if (op < 17) {
			rnd_path(p, sizeof(p));
			expect(sys_mkdir(p), "mkdir", p, name_errs);
		} else if (op < 20) {
			rnd_path(p, sizeof(p));
			rnd_path(q, sizeof(q));
			expect(sys_rename(p, q), "rename to", q, name_errs);
		} else if (op < 21) {
			rnd_path(p, sizeof(p));
			rnd_path(q, sizeof(q));
			expect(sys_link(p, q), "link to", q, name_errs);
		} else if (op < 22) {
			read_all(rnd_path(p, sizeof(p)));
		} else if (op < 23) {
			expect(list_dir(rnd_path(p, sizeof(p)), 512, NULL, NULL), "list", p,
			       path_errs);
		} else if (fd[s] >= 0) {
			expect(syscall1(__NR_fsync, fd[s]), "fsync", "", no_errs);
		}
	}
	for (int i = 0; i < SLOTS; i++)
		if (fd[i] >= 0)
			xclose(fd[i]);
}

/* ---- two calls at once */

#define RACE_ROUNDS 200

struct racer {
	long (*fn)(const char *a, const char *b);
	const char *a, *b;
};
static int race_go[2];
static const struct racer *race_me;

/* Exit status: 0 for success, 100 + errno for an error; a failed CHECK exits 1. */
static void racer_child(void)
{
	char c;

	xclose(race_go[1]);
	CHECK_EQ(syscall3(__NR_read, race_go[0], (long)&c, 1), 0); /* wait for the start */
	long r = race_me->fn(race_me->a, race_me->b);
	_exit(r ? 100 + (int)-r : 0);
}

/* Run x and y at once, each in a child; their results (0 or -errno) in r. */
static void race(const struct racer *x, const struct racer *y, long r[2])
{
	const struct racer *who[2] = {x, y};
	int pids[2];

	CHECK_EQ(syscall2(__NR_pipe2, (long)race_go, 0), 0);
	for (int i = 0; i < 2; i++) {
		race_me = who[i];
		pids[i] = spawn(racer_child);
	}
	xclose(race_go[0]);
	xclose(race_go[1]); /* EOF for both at once: go */
	for (int i = 0; i < 2; i++) {
		int status = reap(pids[i]);
		if (!WIFEXITED(status) || (WEXITSTATUS(status) && WEXITSTATUS(status) < 100))
			FAIL("a racer ended with wait status %#x", status);
		r[i] = WEXITSTATUS(status) ? -(long)(WEXITSTATUS(status) - 100) : 0;
	}
}

static long do_rename(const char *a, const char *b)
{
	return sys_rename(a, b);
}

static long do_rmdir(const char *a, const char *b)
{
	(void)b;
	return sys_rmdir(a);
}

/* Move a into b and b into a at once: one must fail, or the two would make
 * a loop that nothing reaches.  The loser finds its parent gone (ENOENT)
 * or, if it looked the parent up before the winner moved it, itself above
 * it (EINVAL). */
void test_concurrent_renames(void)
{
	static const struct racer a_in_b = {do_rename, "a", "b/a"},
				  b_in_a = {do_rename, "b", "a/b"};
	int won[2] = {0, 0};
	long r[2];

	for (int round = 0; round < RACE_ROUNDS; round++) {
		xmkdir("a");
		xmkdir("b");
		race(&a_in_b, &b_in_a, r);
		for (int i = 0; i < 2; i++)
			if (r[i] && r[i] != -ENOENT && r[i] != -EINVAL)
				FAIL("round %d: rename %s %s: error %ld", round, i ? "b" : "a",
				     i ? "a/b" : "b/a", -r[i]);
		if (!r[0] && !r[1])
			FAIL("round %d: a into b and b into a both succeeded: a loop", round);
		if (r[0] && r[1])
			FAIL("round %d: neither move succeeded", round);
		won[r[0] ? 1 : 0]++;
		CHECK_EQ(remove_tree(r[0] ? "a" : "b"), 0);
	}
	note("%d rounds: a moved first %d times, b %d times", RACE_ROUNDS, won[0], won[1]);
}

/* Move a file into a directory while another process removes it: either
 * the move wins (and rmdir finds the directory not empty) or the removal
 * does (and the move finds no directory).  Both succeeding loses the file. */
void test_concurrent_rename_rmdir(void)
{
	static const struct racer move = {do_rename, "f", "d/f"}, remove = {do_rmdir, "d", NULL};
	int won[2] = {0, 0};
	long r[2];

	for (int round = 0; round < RACE_ROUNDS; round++) {
		xmkdir("d");
		xclose(xopen("f", L_O_WRONLY | LINUX_O_CREAT));
		race(&move, &remove, r);
		if (!r[0] && !r[1])
			FAIL("round %d: the file moved into d and d was removed: the file is lost",
			     round);
		if (r[0] ? r[0] != -ENOENT || r[1] : r[1] != -LINUX_ENOTEMPTY)
			FAIL("round %d: rename f d/f: %ld, rmdir d: %ld", round, r[0], r[1]);
		won[r[0] ? 1 : 0]++;
		CHECK_EQ(remove_tree(r[0] ? "f" : "d"), 0);
	}
	note("%d rounds: the move first %d times, the removal %d times", RACE_ROUNDS, won[0],
	     won[1]);
}

/* ---- the check afterwards */

struct node {
	uint64_t ino;
	unsigned names, nlink;
};
static struct node nodes[MAX_NODE];
static int nnodes;

static struct node *node_of(uint64_t ino)
{
	for (int i = 0; i < nnodes; i++)
		if (nodes[i].ino == ino)
			return &nodes[i];
	if (nnodes == MAX_NODE)
		FAIL("more than %d files in the tree", MAX_NODE);
	nodes[nnodes].ino = ino;
	return &nodes[nnodes++];
}

/* A directory's entries, copied out: list_dir's buffer is reused by the
 * listing of each subdirectory. */
#define MAX_ENTRIES 32
struct walk {
	int n;
	struct {
		uint64_t ino;
		char name[8];
	} e[MAX_ENTRIES];
};

static void collect(const struct linux_dirent64 *d, void *arg)
{
	struct walk *w = arg;

	if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
		return;
	if (w->n == MAX_ENTRIES || strlen(d->d_name) >= sizeof(w->e[0].name))
		FAIL("a directory with more than %d entries, or an entry \"%s\" no worker made",
		     MAX_ENTRIES, d->d_name);
	w->e[w->n].ino = d->d_ino;
	strcpy(w->e[w->n++].name, d->d_name);
}

static void check_file_entry(const char *path, const struct linux_stat *st)
{
	struct node *n = node_of(st->st_ino);
	int fd = xopen(path, L_O_RDONLY);
	long got = 0, r;

	n->names++;
	n->nlink = st->st_nlink;
	while ((r = syscall3(__NR_read, fd, (long)buf_b, BUF_SIZE)) > 0)
		got += r;
	xclose(fd);
	if (r < 0 || got != st->st_size)
		FAIL("%s: read %ld bytes (last read %ld), stat says %ld", path, got, r,
		     st->st_size);
}

/* Check the tree at path; its files are counted in nodes[]. */
static void check_tree(const char *path)
{
	struct walk w = {.n = 0};
	char sub[L_PATH_MAX];
	struct linux_stat st;
	int subdirs = 0;

	if (list_dir(path, 4096, collect, &w) < 0)
		FAIL("cannot list %s", path);
	for (int i = 0; i < w.n; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", path, w.e[i].name);
		st = xstat(sub);
		if (st.st_ino != w.e[i].ino)
			FAIL("%s: getdents says inode %llu, stat says %lu", sub,
			     (unsigned long long)w.e[i].ino, st.st_ino);
		if ((st.st_mode & L_S_IFMT) == L_S_IFDIR) {
			subdirs++;
			check_tree(sub);
		} else if ((st.st_mode & L_S_IFMT) == L_S_IFREG) {
			check_file_entry(sub, &st);
		} else {
			FAIL("%s: mode %#o", sub, st.st_mode);
		}
	}
	st = xstat(path);
	if (st.st_nlink != 2u + (unsigned)subdirs)
		FAIL("%s: %u links, but it has %d subdirectories", path, st.st_nlink, subdirs);
}

void test_concurrent_churn(void)
{
	struct statfs before, after;
	int pids[WORKERS];

	CHECK_EQ(statfs(".", &before), 0);
	xmkdir("churn");
	for (worker = 0; worker < WORKERS; worker++)
		pids[worker] = spawn(churn_worker);
	for (int i = 0; i < WORKERS; i++)
		expect_ok(reap(pids[i]), "a churn worker");
	check_tree("churn");
	for (int i = 0; i < nnodes; i++)
		if (nodes[i].names != nodes[i].nlink)
			FAIL("inode %llu has %u links but %u names",
			     (unsigned long long)nodes[i].ino, nodes[i].nlink, nodes[i].names);
	note("%d files and the directories between them are consistent", nnodes);
	CHECK_EQ(remove_tree("churn"), 0);
	CHECK_EQ(statfs(".", &after), 0);
	if (before.f_type == 0xef53 && !on_linux) { /* ext2: every block and inode back */
		if (after.f_bfree != before.f_bfree || after.f_ffree != before.f_ffree)
			FAIL("free blocks %lu -> %lu, free inodes %lu -> %lu", before.f_bfree,
			     after.f_bfree, before.f_ffree, after.f_ffree);
	}
}
