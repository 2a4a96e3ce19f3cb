/*
 * fs_life.c - fstests on how long things live: a directory removed while a
 * process is in it, and file systems unmounted while processes use them.
 *
 * rmdir_cwd: the cwd and its parent are both removed; ".." of the cwd is
 * still the removed parent (Linux's answer: its dentry pins the parent),
 * getcwd says ENOENT, and nothing can be made in either.
 *
 * rmdir_chain: 2000 directories, each removed while the one below it is
 * held (by an fd at the bottom); closing the fd frees them all, one after
 * the other, without a recursion 2000 deep in the kernel.
 *
 * umount_busy: a tmpfs, ramfs, devtmpfs or proc cannot be unmounted
 * (EBUSY) while a process has its cwd, an open file or another mount in
 * it; afterwards it can, and what it held is gone.
 *
 * umount_frees: mounting and unmounting, with files in between (and a
 * tree 1000 deep), gives every page back (Sluice's free page count;
 * skipped on Linux).
 *
 * umount_race: walkers on every hart stat, open and list paths into the
 * ext2 disk while this process mounts and unmounts it in a loop.  Every
 * walker's call either sees the disk or the empty directory under it, and
 * every process ends.  Needs the disk (/dev/vda) and that nothing else
 * uses it: run as "fstests -d /tmp umount_race" with a disk attached.
 *
 * tmpfs_limits: size= and nr_inodes= (ENOSPC, SIGBUS for a shared
 * mapping's store past the limit, statfs), and EINVAL for bad options.
 * Linux agrees where it may mount (conformance cases system/tmpfs-*).
 *
 * mount_moved_parent: /proc/mounts shows a mount's path as it is now.
 *
 * mount_names_escaped: a space, tab, newline or backslash in a mount's
 * source or path is written \ooo in /proc/mounts and mountinfo, and an
 * empty source is an empty field, as Linux writes them.
 *
 * mount_source: a tmpfs's source is kept whole up to PATH_MAX (EINVAL
 * past it) and /proc/mounts shows it whole, NULL shows as "none", a bad
 * pointer is EFAULT.
 *
 * mount_many: 40 mounts at once, each listed and unmounted.
 *
 * mount_rmdir_race: a mount and an rmdir or rename of its directory at
 * once never leave a mount on a removed or moved directory.
 *
 * path_no_search: getcwd and /proc/mounts need no search permission on
 * the directories above (Linux's d_path).
 *
 * dev_shm: /dev/shm is a tmpfs of mode 1777 where shm_open's open, a
 * shared mapping and a child's store work; on Linux too.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dirent.h"
#include "fstests.h"

static long sys_chdir(const char *path)
{
	return syscall1(__NR_chdir, (long)path);
}

static long sys_getcwd(char *buf, size_t n)
{
	return syscall2(__NR_getcwd, (long)buf, (long)n);
}

static long sys_symlink(const char *target, const char *path)
{
	return syscall3(__NR_symlinkat, (long)target, LINUX_AT_FDCWD, (long)path);
}

static long sys_mount(const char *source, const char *target, const char *type)
{
	return syscall5(__NR_mount, (long)source, (long)target, (long)type, 0, 0);
}

static long sys_umount(const char *target)
{
	return syscall2(__NR_umount2, (long)target, 0);
}

static void xchdir(const char *path)
{
	long r = sys_chdir(path);

	if (r < 0)
		FAIL("chdir %s: error %ld", path, -r);
}

/* --- rmdir_cwd --- */

void test_rmdir_cwd(void)
{
	char d[L_PATH_MAX], s[L_PATH_MAX], target[201], buf[L_PATH_MAX];
	struct linux_stat st;

	snprintf(d, sizeof(d), "%s/D", scratch_path);
	snprintf(s, sizeof(s), "%s/D/S", scratch_path);
	xmkdir("D");
	xmkdir("D/S");
	make_file("f", 1, 100);
	xchdir("D/S");
	CHECK_EQ(sys_rmdir(s), 0);
	CHECK_EQ(sys_rmdir(d), 0);
	/* Something of the size a freed directory held, made now, would be
	 * what a stale pointer to D finds. */
	memset(target, 'x', sizeof(target) - 1);
	target[sizeof(target) - 1] = '\0';
	snprintf(buf, sizeof(buf), "%s/link", scratch_path);
	CHECK_EQ(sys_symlink(target, buf), 0);

	/* "." and ".." are the removed S and D; "../.." is the scratch dir. */
	CHECK_EQ(sys_stat(".", &st), 0);
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(st.st_mode & L_S_IFMT, L_S_IFDIR);
	CHECK_EQ(sys_stat("..", &st), 0);
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(st.st_mode & L_S_IFMT, L_S_IFDIR);
	CHECK_EQ(sys_stat("../..", &st), 0);
	CHECK_EQ(st.st_ino, xstat(scratch_path).st_ino);
	CHECK_EQ(sys_stat("nope", &st), -ENOENT);
	CHECK_EQ(sys_getcwd(buf, sizeof(buf)), -ENOENT);

	/* Nothing new in a removed directory. */
	CHECK_EQ(sys_mkdir("x"), -ENOENT);
	CHECK_EQ(sys_open("x", L_O_WRONLY | LINUX_O_CREAT, 0644), -ENOENT);
	CHECK_EQ(sys_symlink("t", "y"), -ENOENT);
	CHECK_EQ(sys_mkdir("../x"), -ENOENT);
	snprintf(buf, sizeof(buf), "%s/f", scratch_path);
	CHECK_EQ(sys_link(buf, "x"), -ENOENT);
	CHECK_EQ(sys_rename(buf, "../x"), -ENOENT);
	long fd = sys_open(".", L_O_RDONLY | LINUX_O_DIRECTORY, 0);
	CHECK(fd >= 0);
	CHECK_EQ(syscall3(__NR_getdents64, fd, (long)buf_a, 4096), -ENOENT);
	xclose((int)fd);

	/* Up through the removed D and back to the living. */
	xchdir("..");
	CHECK_EQ(sys_getcwd(buf, sizeof(buf)), -ENOENT);
	CHECK_EQ(sys_stat(".", &st), 0);
	CHECK_EQ(st.st_nlink, 0);
	xchdir("..");
	CHECK(sys_getcwd(buf, sizeof(buf)) > 0);
	if (strcmp(buf, scratch_path))
		FAIL("getcwd is %s, want %s", buf, scratch_path);
	check_file("f", 1, 100);
}

#define CHAIN 2000

/* d/d/d/... depth levels down from the cwd, which ends at the bottom. */
static void descend(int depth)
{
	for (int i = 0; i < depth; i++) {
		xmkdir("d");
		xchdir("d");
	}
}

void test_rmdir_chain(void)
{
	struct linux_stat st;
	long fd;

	descend(CHAIN);
	fd = sys_open(".", L_O_RDONLY | LINUX_O_DIRECTORY, 0);
	CHECK(fd >= 0);
	for (int i = 0; i < CHAIN; i++) {
		xchdir("..");
		CHECK_EQ(sys_rmdir("d"), 0);
	}
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_nlink, 0);
	xclose((int)fd); /* the whole chain goes */
	CHECK_EQ(list_dir(".", 4096, NULL, NULL), 0);
}

/* --- umount_busy --- */

/* mount(2) on Linux needs privilege a reference run may not have. */
static bool may_mount(long r)
{
	if (on_linux && r == -EPERM) {
		note("mount: EPERM: not privileged here, skipped");
		return false;
	}
	CHECK_EQ(r, 0);
	return true;
}

/* A child that holds something in the mount until told (a byte on go). */
static int holder_go[2], holder_ready[2];
static const char *holder_what;

static void holder(void)
{
	char c = 0;

	if (!strcmp(holder_what, "cwd"))
		xchdir("m/sub");
	else if (sys_open("m/sub/file", L_O_RDONLY, 0) < 0)
		FAIL("holder: cannot open m/sub/file");
	CHECK_EQ(write(holder_ready[1], &c, 1), 1);
	CHECK_EQ(read(holder_go[0], &c, 1), 1);
}

/* Another process holds what in the mount: umount is EBUSY until it ends. */
static void busy_with_child(const char *what)
{
	char c = 0;
	int pid;

	CHECK_EQ(pipe(holder_go), 0);
	CHECK_EQ(pipe(holder_ready), 0);
	holder_what = what;
	pid = spawn(holder);
	CHECK_EQ(read(holder_ready[0], &c, 1), 1);
	CHECK_EQ(sys_umount("m"), -EBUSY);
	CHECK_EQ(write(holder_go[1], &c, 1), 1);
	expect_ok(reap(pid), "the holder");
	close(holder_go[0]);
	close(holder_go[1]);
	close(holder_ready[0]);
	close(holder_ready[1]);
}

/* The mount point m, with a tmpfs-like type on it and sub/file inside. */
static void busy_ramfs(const char *type)
{
	char buf[L_PATH_MAX], want[L_PATH_MAX];

	CHECK_EQ(sys_mkdir("m/sub"), 0);
	make_file("m/sub/file", 2, 5000);
	/* This process's cwd inside: EBUSY, and getcwd still works. */
	xchdir("m/sub");
	CHECK_EQ(sys_umount(".."), -EBUSY);
	CHECK_EQ(sys_umount(scratch_path), -EINVAL); /* not a mount point */
	CHECK(sys_getcwd(buf, sizeof(buf)) > 0);
	snprintf(want, sizeof(want), "%s/m/sub", scratch_path);
	if (strcmp(buf, want))
		FAIL("%s: getcwd is %s, want %s", type, buf, want);
	xchdir(scratch_path);
	/* An open file, an open directory (the mount's root). */
	long fd = sys_open("m/sub/file", L_O_RDONLY, 0);
	CHECK(fd >= 0);
	CHECK_EQ(sys_umount("m"), -EBUSY);
	xclose((int)fd);
	fd = sys_open("m", L_O_RDONLY | LINUX_O_DIRECTORY, 0);
	CHECK(fd >= 0);
	CHECK_EQ(sys_umount("m"), -EBUSY);
	xclose((int)fd);
	/* Another process's cwd or open file. */
	busy_with_child("cwd");
	busy_with_child("file");
	/* A mount on a directory inside. */
	CHECK_EQ(sys_mount(type, "m/sub", type), 0);
	CHECK_EQ(sys_umount("m"), -EBUSY);
	CHECK_EQ(sys_umount("m/sub"), 0);
	check_file("m/sub/file", 2, 5000);
}

void test_umount_busy(void)
{
	static const char *const types[] = {"tmpfs", "ramfs", "devtmpfs", "proc"};
	struct linux_stat st;

	xmkdir("m");
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const char *t = types[i];
		if (!may_mount(sys_mount(t, "m", t)))
			return;
		if (!strcmp(t, "tmpfs") || !strcmp(t, "ramfs")) {
			busy_ramfs(t);
		} else {
			const char *name = !strcmp(t, "proc") ? "m/meminfo" : "m/null";
			long fd = sys_open(name, L_O_RDONLY, 0);
			CHECK(fd >= 0);
			CHECK_EQ(sys_umount("m"), -EBUSY);
			xclose((int)fd);
			xchdir("m");
			CHECK_EQ(sys_umount("."), -EBUSY);
			xchdir(scratch_path);
		}
		CHECK_EQ(sys_umount("m"), 0);
		CHECK_EQ(sys_umount("m"), -EINVAL);
		CHECK_EQ(sys_stat("m/sub", &st), -ENOENT);
		CHECK_EQ(list_dir("m", 4096, NULL, NULL), 0);
	}
}

/* --- path_no_search --- */

static long sys_chmod(const char *path, long mode)
{
	return syscall4(__NR_fchmodat, LINUX_AT_FDCWD, (long)path, mode, 0);
}

/* The whole of a file in /proc, or the test fails. */
static void read_proc(const char *path, char *buf, size_t size)
{
	long fd = sys_open(path, L_O_RDONLY, 0), n, got = 0;

	CHECK(fd >= 0);
	while (got + 1 < (long)size && (n = read((int)fd, buf + got, size - 1 - (size_t)got)) > 0)
		got += n;
	buf[got] = '\0';
	xclose((int)fd);
}

static void read_mounts(char *buf, size_t size)
{
	read_proc("/proc/mounts", buf, size);
}

/* In p/q, with p of mode 0 and fsuid 1000: no search permission above. */
static void no_search_child(void)
{
	char want[L_PATH_MAX], buf[L_PATH_MAX], mounts[8192];

	xchdir("p/q");
	CHECK_EQ(sys_chmod("..", 0), 0);
	syscall1(__NR_setfsuid, 1000); /* (answers the old fsuid) */
	if (may_mount(sys_mount("tmpfs", "m", "tmpfs"))) {
		read_mounts(mounts, sizeof(mounts));
		snprintf(want, sizeof(want), " %s/p/q/m tmpfs ", scratch_path);
		bool listed = strstr(mounts, want);
		CHECK_EQ(sys_umount("m"), 0);
		if (!listed)
			FAIL("/proc/mounts has no \"%s\":\n%s", want, mounts);
	}
	snprintf(want, sizeof(want), "%s/p/q", scratch_path);
	CHECK_EQ(sys_getcwd(buf, sizeof(buf)), (long)strlen(want) + 1);
	if (strcmp(buf, want))
		FAIL("getcwd is %s, want %s", buf, want);
	syscall1(__NR_setfsuid, 0);
	CHECK_EQ(sys_chmod("..", 0755), 0);
}

/*
 * getcwd and /proc/mounts name a directory whatever the modes above it,
 * as Linux's d_path: with no search permission on its cwd's parent
 * (mode 0, fsuid 1000: root's own permission gone, its right to mount
 * kept), a process still gets its cwd's path, and a mount it makes there
 * is listed under its path.  Sluice answered EACCES and listed the mount
 * as "?", which the fuzzer's clean-up could not find to unmount
 * (robustness.md, finding 11).
 */
void test_path_no_search(void)
{
	xmkdir("p");
	xmkdir("p/q");
	xmkdir("p/q/m");
	CHECK_EQ(raw_reap(spawn(no_search_child)), 0);
	CHECK_EQ(sys_rmdir("p/q/m"), 0);
	CHECK_EQ(sys_rmdir("p/q"), 0);
	CHECK_EQ(sys_rmdir("p"), 0);
}

/* --- mount_moved_parent --- */

/*
 * /proc/mounts shows where a mount is now: once the directory above its
 * mount point is renamed, the new path, as Linux finds it when read.
 * Sluice kept the path of mount time, and the fuzzer's clean-up looked
 * there in vain (robustness.md, finding 11).
 */
void test_mount_moved_parent(void)
{
	char mounts[8192], want[L_PATH_MAX];

	xmkdir("a");
	xmkdir("a/m");
	if (!may_mount(sys_mount("tmpfs", "a/m", "tmpfs")))
		return;
	CHECK_EQ(sys_rename("a", "b"), 0);
	read_mounts(mounts, sizeof(mounts));
	snprintf(want, sizeof(want), " %s/b/m tmpfs ", scratch_path);
	bool listed = strstr(mounts, want);
	CHECK_EQ(sys_umount("b/m"), 0);
	if (!listed)
		FAIL("/proc/mounts has no \"%s\":\n%s", want, mounts);
	CHECK_EQ(sys_rmdir("b/m"), 0);
	CHECK_EQ(sys_rmdir("b"), 0);
}

/* --- mount_names_escaped --- */

/* Fail unless text holds want; what is checked is said in the message. */
static void expect_in(const char *what, const char *text, const char *want)
{
	if (!strstr(text, want))
		FAIL("%s has no \"%s\":\n%s", what, want, text);
}

/*
 * The fields of /proc/mounts and mountinfo are separated by spaces and
 * their lines by newlines, so Linux writes those characters, tabs and the
 * backslash of a source or path as \ooo (getmntent turns them back).
 * Sluice wrote them as they were: a mount on "a b" read as a mount on
 * "a", and a newline in a name made a line of its own.  An empty source
 * is an empty field on both (the line starts with its separating space),
 * which the fuzzer's clean-up misread: it took the type for the path and
 * left a ramfs mounted (robustness.md, finding 19).
 */
void test_mount_names_escaped(void)
{
	char mounts[8192], want[L_PATH_MAX + 64];
	static const char dir[] = "s p\\a\tc\nd";
	static const char dir_esc[] = "s\\040p\\134a\\011c\\012d";

	xmkdir(dir);
	if (!may_mount(sys_mount("my src\\", dir, "tmpfs")))
		goto out;
	read_mounts(mounts, sizeof(mounts));
	snprintf(want, sizeof(want), "my\\040src\\134 %s/%s tmpfs rw", scratch_path, dir_esc);
	bool listed = strstr(mounts, want);
	read_proc("/proc/self/mountinfo", mounts, sizeof(mounts));
	CHECK_EQ(sys_umount(dir), 0);
	if (!listed)
		FAIL("/proc/mounts has no \"%s\"", want);
	snprintf(want, sizeof(want), " %s/%s rw", scratch_path, dir_esc);
	expect_in("mountinfo", mounts, want);
	expect_in("mountinfo", mounts, " - tmpfs my\\040src\\134 rw");

	/* an empty source: the line starts with the separating space */
	CHECK_EQ(sys_mount("", dir, "ramfs"), 0);
	read_mounts(mounts, sizeof(mounts));
	snprintf(want, sizeof(want), "\n %s/%s ramfs rw", scratch_path, dir_esc);
	listed = strstr(mounts, want);
	CHECK_EQ(sys_umount(dir), 0);
	if (!listed)
		FAIL("/proc/mounts has no \"%s\":\n%s", want, mounts);
out:
	CHECK_EQ(sys_rmdir(dir), 0);
}

/* --- mount_source --- */

/*
 * mount(2) copies the source as Linux's strndup_user(source, PATH_MAX):
 * any string that fits is shown whole in /proc/mounts (Sluice kept 31
 * bytes, and showed "none" for a longer one), a longer one is EINVAL, a
 * bad pointer EFAULT (Sluice ignored both), NULL is "none".
 */
void test_mount_source(void)
{
	static char src[L_PATH_MAX + 1], mounts[16384], want[L_PATH_MAX + 600];

	xmkdir("m");
	memset(src, 's', 300);
	src[300] = '\0';
	if (!may_mount(sys_mount(src, "m", "tmpfs")))
		goto out;
	read_mounts(mounts, sizeof(mounts));
	snprintf(want, sizeof(want), "%s %s/m tmpfs ", src, scratch_path);
	bool listed = strstr(mounts, want);
	CHECK_EQ(sys_umount("m"), 0);
	if (!listed)
		FAIL("/proc/mounts has no line for the 300-byte source:\n%s", mounts);

	/* The longest that fits, with its NUL: of spaces, 16 KiB escaped, and
	 * a mount after it still listed (the text is not cut at 8 KiB). */
	memset(src, ' ', L_PATH_MAX - 1);
	src[L_PATH_MAX - 1] = '\0';
	xmkdir("n");
	CHECK_EQ(sys_mount(src, "m", "tmpfs"), 0);
	CHECK_EQ(sys_mount("after", "n", "tmpfs"), 0);
	static char big[65536];
	read_proc("/proc/mounts", big, sizeof(big));
	snprintf(want, sizeof(want), "\\040 %s/m tmpfs ", scratch_path);
	const char *at = strstr(big, want);
	size_t spaces = 0;
	while (at && at - big >= 4 * (long)(spaces + 1) &&
	       !strncmp(at - 4 * (spaces + 1), "\\040", 4))
		spaces++;
	snprintf(want, sizeof(want), "after %s/n tmpfs ", scratch_path);
	bool after = strstr(big, want);
	CHECK_EQ(sys_umount("n"), 0);
	CHECK_EQ(sys_umount("m"), 0);
	CHECK_EQ(sys_rmdir("n"), 0);
	if (spaces + 1 != L_PATH_MAX - 1 || !after)
		FAIL("/proc/mounts: %zu escaped spaces of %d, the mount after it %s", spaces + 1,
		     L_PATH_MAX - 1, after ? "listed" : "missing");
	memset(src, 's', L_PATH_MAX - 1);
	src[L_PATH_MAX - 1] = 's';
	src[L_PATH_MAX] = '\0';
	CHECK_EQ(sys_mount(src, "m", "tmpfs"), -EINVAL);
	CHECK_EQ(sys_mount((const char *)1, "m", "tmpfs"), -EFAULT);

	CHECK_EQ(sys_mount(NULL, "m", "ramfs"), 0);
	read_mounts(mounts, sizeof(mounts));
	snprintf(want, sizeof(want), "none %s/m ramfs ", scratch_path);
	listed = strstr(mounts, want);
	CHECK_EQ(sys_umount("m"), 0);
	if (!listed)
		FAIL("/proc/mounts has no \"%s\":\n%s", want, mounts);
out:
	CHECK_EQ(sys_rmdir("m"), 0);
}

/* --- mount_many --- */

/*
 * 40 tmpfs mounts at once, every one listed in /proc/mounts, then all
 * unmounted.  Sluice's table held 8 mounts, 5 of them the system's, so the
 * fourth mount of a user failed (ENOMEM); Linux allows 100,000.
 */
void test_mount_many(void)
{
	enum { N = 40 };
	static char mounts[65536];
	char dir[16], want[L_PATH_MAX + 32];
	int made = 0;

	for (int i = 0; i < N; i++) {
		snprintf(dir, sizeof(dir), "m%d", i);
		xmkdir(dir);
	}
	for (; made < N; made++) {
		snprintf(dir, sizeof(dir), "m%d", made);
		long r = sys_mount("many", dir, "tmpfs");
		if (made == 0 && !may_mount(r))
			break;
		if (r)
			break;
	}
	read_mounts(mounts, sizeof(mounts));
	int listed = 0;
	for (int i = 0; i < made; i++) {
		snprintf(want, sizeof(want), "many %s/m%d tmpfs ", scratch_path, i);
		listed += strstr(mounts, want) != NULL;
	}
	for (int i = made - 1; i >= 0; i--) {
		snprintf(dir, sizeof(dir), "m%d", i);
		CHECK_EQ(sys_umount(dir), 0);
	}
	for (int i = 0; i < N; i++) {
		snprintf(dir, sizeof(dir), "m%d", i);
		CHECK_EQ(sys_rmdir(dir), 0);
	}
	if (made && (made != N || listed != N))
		FAIL("%d of %d mounts made, %d listed", made, N, listed);
}

/* --- mount_rmdir_race --- */

#define RACE_ROUNDS 3000

/* Where /proc/mounts says the tmpfs under r is, into path; false if none. */
static bool listed_at(char *path, size_t size)
{
	char mounts[8192], want[L_PATH_MAX];

	read_mounts(mounts, sizeof(mounts));
	snprintf(want, sizeof(want), "tmpfs %s/r/", scratch_path);
	const char *at = strstr(mounts, want);
	if (!at)
		return false;
	at += strlen("tmpfs ");
	size_t n = strcspn(at, " ");
	snprintf(path, size, "%.*s", (int)n, at);
	return true;
}

/*
 * Mount on r/d and unmount it again, over and over: every mount that
 * succeeds is where /proc/mounts says (r/d, or r/e if the other process
 * moved r/d before the mount took it) and comes off by that path (EBUSY a
 * while, as the other process's lookups pass through the mount).
 */
static void race_mounter(void)
{
	char path[L_PATH_MAX];

	for (int i = 0; i < RACE_ROUNDS; i++) {
		long r = sys_mount("tmpfs", "r/d", "tmpfs"), u = 0;
		if (r != 0 && r != -ENOENT && r != -EBUSY)
			FAIL("round %d: mount: error %ld", i, -r);
		if (r != 0)
			continue;
		if (!listed_at(path, sizeof(path)))
			FAIL("round %d: the mount is not in /proc/mounts", i);
		for (int tries = 0; tries < 1000; tries++)
			if ((u = sys_umount(path)) != -EBUSY)
				break;
		if (u)
			FAIL("round %d: /proc/mounts lists a mount at %s, umount says %ld", i, path,
			     u);
	}
}

/* Remove r/d and make it again, over and over. */
static void race_remover(void)
{
	for (int i = 0; i < RACE_ROUNDS; i++) {
		long r = sys_rmdir("r/d");
		if (r != 0 && r != -EBUSY && r != -ENOENT)
			FAIL("round %d: rmdir: error %ld", i, -r);
		r = sys_mkdir("r/d");
		if (r != 0 && r != -EEXIST)
			FAIL("round %d: mkdir: error %ld", i, -r);
	}
}

/* Move r/e back to r/d: EBUSY while the other process has it mounted. */
static long move_back(void)
{
	long r = -EBUSY;

	for (int tries = 0; r == -EBUSY && tries < 100000; tries++)
		r = sys_rename("r/e", "r/d");
	return r;
}

/* Move r/d to r/e and back, over and over. */
static void race_renamer(void)
{
	for (int i = 0; i < RACE_ROUNDS; i++) {
		long r = sys_rename("r/d", "r/e");
		if (r == 0)
			CHECK_EQ(move_back(), 0);
		else if (r != -EBUSY)
			FAIL("round %d: rename r/d r/e: error %ld", i, -r);
	}
}

static void race_with(void (*other)(void))
{
	int a = spawn(race_mounter), b = spawn(other);

	CHECK_EQ(raw_reap(a), 0);
	CHECK_EQ(raw_reap(b), 0);
}

/*
 * A directory cannot be removed or moved with something mounted on it
 * (EBUSY), nor mounted on once removed (ENOENT): with an rmdir or rename
 * on another hart between the two, a mount landed on a directory being
 * removed (then never reached nor unmounted) or moved (then not where
 * /proc/mounts says): robustness.md, finding 11.  One process mounts and
 * unmounts r/d while another removes and makes it again, then while
 * another moves it to r/e and back; every mount must come off by its path,
 * and none be left.
 */
void test_mount_rmdir_race(void)
{
	char mounts[8192], want[L_PATH_MAX];

	xmkdir("r");
	xmkdir("r/d");
	if (!may_mount(sys_mount("tmpfs", "r/d", "tmpfs")))
		return;
	CHECK_EQ(sys_umount("r/d"), 0);
	race_with(race_remover);
	race_with(race_renamer);
	read_mounts(mounts, sizeof(mounts));
	snprintf(want, sizeof(want), " %s/", scratch_path);
	if (strstr(mounts, want) || strstr(mounts, " ? "))
		FAIL("a mount is left:\n%s", mounts);
	sys_rmdir("r/d");
	CHECK_EQ(sys_rmdir("r"), 0);
}

/* --- remount_ro --- */

/*
 * mount(MS_REMOUNT | MS_RDONLY) of a tmpfs: no creation, no opening for
 * writing (EROFS), reading still works; MS_REMOUNT alone makes it
 * writable again.  A path that is no mount's root is EINVAL.
 */
#define L_MS_RDONLY  1
#define L_MS_REMOUNT 32

static long sys_remount(const char *target, unsigned long flags)
{
	return syscall5(__NR_mount, 0, (long)target, 0, (long)(L_MS_REMOUNT | flags), 0);
}

void test_remount_ro(void)
{
	xmkdir("m");
	if (!may_mount(sys_mount("tmpfs", "m", "tmpfs")))
		return;
	make_file("m/file", 3, 5000);
	CHECK_EQ(sys_remount("m", L_MS_RDONLY), 0);
	CHECK_EQ(sys_open("m/new", L_O_WRONLY | LINUX_O_CREAT, 0644), -EROFS);
	CHECK_EQ(sys_open("m/file", L_O_RDWR, 0), -EROFS);
	CHECK_EQ(sys_mkdir("m/dir"), -EROFS);
	CHECK_EQ(sys_unlink("m/file"), -EROFS);
	long fd = sys_open("m/file", L_O_RDONLY, 0);
	CHECK(fd >= 0);
	CHECK_EQ(read((int)fd, buf_a, 5000), 5000);
	xclose((int)fd);
	CHECK_EQ(sys_remount("m", 0), 0);
	fd = sys_open("m/new", L_O_WRONLY | LINUX_O_CREAT, 0644);
	CHECK(fd >= 0);
	xclose((int)fd);
	CHECK_EQ(sys_remount(".", L_MS_RDONLY), -EINVAL); /* the scratch directory */
	CHECK_EQ(sys_remount("m/nope", L_MS_RDONLY), -ENOENT);
	CHECK_EQ(sys_umount("m"), 0);
}

/* --- umount_frees --- */

static void fill_and_umount(const char *type, bool files)
{
	CHECK_EQ(sys_mount(type, "m", type), 0);
	if (files) {
		int fd = xopen("m/big", L_O_WRONLY | LINUX_O_CREAT);
		memset(buf_a, 0x5a, BUF_SIZE);
		for (int i = 0; i < (1 << 20) / BUF_SIZE; i++)
			xwrite(fd, buf_a, BUF_SIZE);
		xclose(fd);
		xmkdir("m/d");
		xmkdir("m/d/e");
		make_file("m/d/e/small", 3, 3000);
		CHECK_EQ(sys_link("m/d/e/small", "m/d/hard"), 0);
		CHECK_EQ(sys_symlink("d/e/small", "m/sym"), 0);
		CHECK_EQ(sys_unlink("m/d/e/small"), 0);
		xchdir("m/d");
		descend(1000);
		xchdir(scratch_path);
	}
	CHECK_EQ(sys_umount("m"), 0);
}

void test_umount_frees(void)
{
	long before, after;

	if (on_linux)
		return; /* Sluice's free page count */
	xmkdir("m");
	fill_and_umount("tmpfs", true); /* the first use of each kmalloc size */
	before = sluice_free_pages();
	CHECK(before > 0);
	for (int i = 0; i < 10; i++)
		fill_and_umount(i % 2 ? "ramfs" : "tmpfs", true);
	for (int i = 0; i < 100; i++) {
		fill_and_umount("tmpfs", false);
		fill_and_umount("proc", false);
		fill_and_umount("devtmpfs", false);
	}
	after = sluice_free_pages();
	/* A slab page or two may stay with other objects; a leak is hundreds. */
	if (before - after > 2)
		FAIL("%ld pages lost over 310 mounts and umounts", before - after);
}

/* --- umount_race --- */

#define WALKERS 4
#define ROUNDS	200

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The ext2 disk's mount point from /proc/mounts into dir (256 bytes), or "". */
static void disk_mount_point(char *dir)
{
	char text[4096];
	long fd = sys_open("/proc/mounts", L_O_RDONLY, 0), len;

	dir[0] = '\0';
	CHECK(fd >= 0);
	len = syscall3(__NR_read, fd, (long)text, sizeof(text) - 1);
	xclose((int)fd);
	CHECK(len >= 0);
	text[len] = '\0';
	for (char *line = text; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, "/dev/vda ", 9))
			sscanf(line + 9, "%255s", dir);
}

static void walk_expect(long r, const char *what)
{
	if (r < 0 && r != -ENOENT)
		FAIL("walker: %s: error %ld", what, -r);
}

/* Into the disk and out, while the file "go" is there. */
static void walker(void)
{
	struct linux_stat st;
	char buf[L_PATH_MAX];

	while (sys_stat("go", &st) == 0) {
		walk_expect(sys_stat("m/foo", &st), "stat m/foo");
		walk_expect(sys_stat("m/lost+found/..", &st), "stat m/lost+found/..");
		long fd = sys_open("m/foo", L_O_RDONLY, 0);
		walk_expect(fd, "open m/foo");
		if (fd >= 0) {
			walk_expect(syscall3(__NR_read, fd, (long)buf, 512), "read m/foo");
			xclose((int)fd);
		}
		walk_expect(list_dir("m", 1024, NULL, NULL), "list m");
		if (sys_chdir("m/lost+found") == 0) {
			CHECK(sys_getcwd(buf, sizeof(buf)) > 0);
			xchdir(scratch_path);
		}
	}
}

/* Mount and unmount ROUNDS times while the walkers run. */
static void mount_loop(void)
{
	long busy = 0;

	for (int round = 0; round < ROUNDS; round++) {
		CHECK_EQ(sys_mount("/dev/vda", "m", "ext2"), 0);
		for (int spin = 0; spin < 1000 * (round % 5); spin++)
			__asm__ volatile("" ::: "memory");
		long r;
		double t0 = now();
		while ((r = sys_umount("m")) == -EBUSY) {
			busy++;
			if (now() - t0 > 20)
				FAIL("round %d: umount still EBUSY after 20 s", round);
		}
		CHECK_EQ(r, 0);
	}
	note("%d mounts and umounts, %ld EBUSY retries", ROUNDS, busy);
}

/* Wait for pid for at most secs: its status, or -1 if it is still there. */
static int reap_within(int pid, double secs)
{
	double t0 = now();
	int status;

	while (now() - t0 < secs) {
		int w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return status;
		if (w < 0 && errno != EINTR)
			FAIL("waitpid(%d): %s", pid, strerror(errno));
		sched_yield();
	}
	return -1;
}

void test_umount_race(void)
{
	char orig[256];
	int pid[WALKERS];
	long before, after;

	if (on_linux)
		return; /* Sluice's disk */
	if (sys_stat("/dev/vda", &(struct linux_stat){0}) < 0) {
		note("no /dev/vda: skipped");
		return;
	}
	disk_mount_point(orig);
	if (orig[0]) {
		long r = sys_umount(orig);
		if (r == -EBUSY) {
			note("the disk is in use (at %s): skipped", orig);
			return;
		}
		CHECK_EQ(r, 0);
	}
	xmkdir("m");
	make_file("go", 4, 1);
	before = sluice_free_pages();
	for (int i = 0; i < WALKERS; i++)
		pid[i] = spawn(walker);
	mount_loop();
	CHECK_EQ(sys_unlink("go"), 0);
	for (int i = 0; i < WALKERS; i++) {
		int status = reap_within(pid[i], 30);
		if (status == -1) {
			kill(pid[i], SIGKILL);
			if (reap_within(pid[i], 10) == -1)
				FAIL("walker %d survives SIGKILL", pid[i]);
			FAIL("walker %d did not stop", pid[i]);
		}
		expect_ok(status, "a walker");
	}
	after = sluice_free_pages();
	note("free pages %ld before, %ld after", before, after);
	if (before - after > 2)
		FAIL("%ld pages lost over %d ext2 mounts", before - after, ROUNDS);
	/* Mounted again, the disk's objects may share slab pages differently
	 * than at boot: init's exact count may differ by a page or two. */
	if (orig[0])
		CHECK_EQ(sys_mount("/dev/vda", orig, "ext2"), 0);
}

/* --- tmpfs_limits --- */

#define L_TMPFS_MAGIC 0x01021994
#define L_PROT_RW     3
#define L_MAP_SHARED  1

static long sys_mount_opts(const char *type, const char *target, const char *opts)
{
	return syscall5(__NR_mount, (long)"none", (long)target, (long)type, 0, (long)opts);
}

/* In a child: store to p; want SIGBUS (the page would pass size=). */
static void store_wants_sigbus(volatile char *p)
{
	int pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		*p = 1;
		_exit(0);
	}
	int status = reap(pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGBUS)
		FAIL("a store past size=: wait status %#x, want SIGBUS", status);
}

/* What statfs says of m: blocks total and free, inodes total and free. */
static void check_statfs(unsigned long blocks, unsigned long bfree, unsigned long files,
			 unsigned long ffree)
{
	struct statfs st;

	CHECK_EQ(statfs("m", &st), 0);
	CHECK_EQ(st.f_type, L_TMPFS_MAGIC);
	CHECK_EQ(st.f_blocks, blocks);
	CHECK_EQ(st.f_bfree, bfree);
	CHECK_EQ(st.f_files, files);
	CHECK_EQ(st.f_ffree, ffree);
}

/*
 * size= and nr_inodes= (docs/filesystems.md, "tmpfs"): a write that
 * crosses the limit is cut short, the next is ENOSPC, a shared mapping's
 * store into a hole past it is SIGBUS, statfs tells the limits; options
 * tmpfs does not know are EINVAL, ramfs ignores them.
 */
void test_tmpfs_limits(void)
{
	xmkdir("m");
	if (!may_mount(sys_mount_opts("tmpfs", "m", "size=64k,nr_inodes=4")))
		return;
	check_statfs(16, 16, 4, 3); /* the root is an inode */
	int fd = xopen("m/f", L_O_RDWR | LINUX_O_CREAT);
	memset(buf_a, 7, BUF_SIZE);
	CHECK(BUF_SIZE >= 16384);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(syscall3(__NR_write, fd, (long)buf_a, 17000), 17000);
	CHECK_EQ(syscall3(__NR_write, fd, (long)buf_a, 17000), 65536 - 3 * 17000); /* cut short */
	CHECK_EQ(syscall3(__NR_write, fd, (long)buf_a, 1), -ENOSPC);
	check_statfs(16, 0, 4, 2);
	CHECK_EQ(syscall2(__NR_ftruncate, fd, 4096), 0);
	check_statfs(16, 15, 4, 2);
	CHECK_EQ(syscall2(__NR_ftruncate, fd, 128 * 1024), 0); /* a hole costs nothing */
	char *p = (char *)syscall6(__NR_mmap, 0, 128 * 1024, L_PROT_RW, L_MAP_SHARED, fd, 0);
	CHECK((long)p > 0 || (long)p < -4096);
	for (int i = 1; i < 16; i++)
		p[i * 4096] = 1; /* 15 more pages: full */
	store_wants_sigbus(p + 16 * 4096);
	CHECK_EQ(syscall2(__NR_munmap, (long)p, 128 * 1024), 0);
	CHECK_EQ(syscall2(__NR_ftruncate, fd, 0), 0);
	xclose(fd);
	int g = xopen("m/g", L_O_RDWR | LINUX_O_CREAT);
	CHECK_EQ(syscall4(__NR_fallocate, g, 0, 0, 128 * 1024), -ENOSPC); /* nothing taken */
	CHECK_EQ(syscall4(__NR_fallocate, g, 1 /* KEEP_SIZE */, 0, 8192), 0);
	struct linux_stat st;
	CHECK_EQ(sys_fstat(g, &st), 0);
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(st.st_blocks, 16);
	check_statfs(16, 14, 4, 1);
	xclose(g);
	CHECK_EQ(sys_link("m/g", "m/h"), 0); /* a link is an inode's worth */
	CHECK_EQ(sys_open("m/i", L_O_WRONLY | LINUX_O_CREAT, 0644), -ENOSPC);
	CHECK_EQ(sys_mkdir("m/d"), -ENOSPC);
	CHECK_EQ(sys_unlink("m/h"), 0);
	CHECK_EQ(sys_mkdir("m/d"), 0);
	CHECK_EQ(sys_umount("m"), 0);
	static const char *const bad[] = {"size=1x", "bogus", "size", "mode=8", "nr_inodes="};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sys_mount_opts("tmpfs", "m", bad[i]) != -EINVAL)
			FAIL("tmpfs -o %s: not EINVAL", bad[i]);
	CHECK_EQ(sys_mount_opts("ramfs", "m", "bogus,size=1x"), 0);
	CHECK_EQ(sys_umount("m"), 0);
}

/*
 * /dev/shm is a tmpfs everyone may write (init mounts it, as Debian's boot
 * does), so glibc's shm_open works: its open, then a shared mapping two
 * processes see.
 */
void test_dev_shm(void)
{
	char name[64];
	struct statfs st;
	struct linux_stat dst;

	snprintf(name, sizeof(name), "/dev/shm/fstests.%d", (int)getpid());
	CHECK_EQ(statfs("/dev/shm", &st), 0);
	CHECK_EQ(st.f_type, L_TMPFS_MAGIC);
	CHECK_EQ(sys_stat("/dev/shm", &dst), 0);
	CHECK_EQ(dst.st_mode & 07777, 01777);
	const long flags =
		L_O_RDWR | LINUX_O_CREAT | LINUX_O_EXCL | LINUX_O_NOFOLLOW | LINUX_O_CLOEXEC;
	long fd = sys_open(name, flags, 0600);
	CHECK(fd >= 0);
	CHECK_EQ(syscall2(__NR_ftruncate, fd, 8192), 0);
	char *p = (char *)syscall6(__NR_mmap, 0, 8192, L_PROT_RW, L_MAP_SHARED, fd, 0);
	CHECK((long)p > 0 || (long)p < -4096);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		p[5000] = 'x';
		_exit(0);
	}
	CHECK_EQ(reap(pid), 0);
	char c = 0;
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)&c, 1, 5000), 1);
	CHECK_EQ(c, 'x');
	CHECK_EQ(syscall2(__NR_munmap, (long)p, 8192), 0);
	xclose((int)fd);
	CHECK_EQ(sys_unlink(name), 0);
}
