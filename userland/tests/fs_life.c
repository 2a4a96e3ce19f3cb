/*
 * fs_life.c - fstests on how long things live: directories removed while
 * a process is in them.
 *
 * rmdir_cwd: the cwd and its parent are both removed; ".." of the cwd is
 * still the removed parent (Linux's answer: its dentry pins the parent),
 * getcwd says ENOENT, and nothing can be made in either.
 *
 * rmdir_chain: 2000 directories, each removed while the one below it is
 * held (by an fd at the bottom); closing the fd frees them all, one after
 * the other, without a recursion 2000 deep in the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
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
