/*
 * fs_dirs.c - fstests on directories, rename and path names: deep and wide
 * trees listed with getdents64, rmdir's refusals, rename of files and
 * directories (with ".." following), ".", "..", "//", trailing "/", long
 * names and paths, bad pointers, getcwd.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dirent.h"
#include "fstests.h"

#define KERNEL_HALF 0xffffffc000000000ul /* Sv39's kernel half */

static long sys_chdir(const char *path)
{
	return syscall1(__NR_chdir, (long)path);
}

static void xchdir(const char *path)
{
	long r = sys_chdir(path);

	if (r < 0)
		FAIL("chdir %s: error %ld", path, -r);
}

/* The working directory by getcwd, which must answer its length + 1. */
static const char *cwd(void)
{
	static char buf[L_PATH_MAX];
	long r = syscall2(__NR_getcwd, (long)buf, sizeof(buf));

	if (r <= 0)
		FAIL("getcwd: %ld", r);
	CHECK_EQ(r, (long)strlen(buf) + 1);
	return buf;
}

static unsigned long ino(const char *path)
{
	return xstat(path).st_ino;
}

#define DEPTH 30

/* 30 levels down by chdir and back by "..", through a long relative path. */
void test_dir_deep(void)
{
	char path[L_PATH_MAX] = "", want[L_PATH_MAX], name[8];

	for (int i = 0; i < DEPTH; i++) {
		snprintf(name, sizeof(name), "d%02d", i);
		xmkdir(name);
		xchdir(name);
		strcat(path, name);
		strcat(path, "/");
	}
	make_file("bottom", 30, 2000);
	CHECK_EQ(xstat(".").st_nlink, 2);
	CHECK_EQ(xstat("..").st_nlink, 3);
	snprintf(want, sizeof(want), "%s/%s", scratch_path, path);
	want[strlen(want) - 1] = '\0';
	if (strcmp(cwd(), want))
		FAIL("getcwd is %s, want %s", cwd(), want);
	for (int i = 0; i < DEPTH; i++)
		xchdir("..");
	if (strcmp(cwd(), scratch_path))
		FAIL("getcwd is %s after %d \"..\", want %s", cwd(), DEPTH, scratch_path);
	strcat(path, "bottom");
	check_file(path, 30, 2000);
	CHECK_EQ(sys_rmdir("d00"), -LINUX_ENOTEMPTY);
	CHECK_EQ(sys_unlink(path), 0);
	/* Bottom up: strip the last component each time. */
	for (int i = DEPTH - 1; i >= 0; i--) {
		*strrchr(path, '/') = '\0';
		CHECK_EQ(sys_rmdir(path), 0);
	}
	CHECK_EQ(list_dir(".", 4096, NULL, NULL), 0);
}

#define WIDE 300

/* Entry i: a directory every tenth, else a file; names of varied lengths. */
static void wide_name(char *name, size_t n, int i, const char *prefix)
{
	snprintf(name, n, "%s%03d-%.*s", prefix, i, i % 40,
		 "abcdefghijklmnopqrstuvwxyz0123456789ABCD");
}

struct seen {
	const char *prefix;
	int count[WIDE];
	int dots, dotdots, others, foreign;
	unsigned long ino_of_5; /* d_ino of entry 5, a file */
};

static void tally(const struct linux_dirent64 *d, void *arg)
{
	struct seen *s = arg;
	size_t plen = strlen(s->prefix);
	char want[80];
	int i;

	if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..")) {
		s->dots += d->d_name[1] == '\0';
		s->dotdots += d->d_name[1] == '.';
		return;
	}
	if (strncmp(d->d_name, s->prefix, plen)) {
		s->foreign++; /* another batch's name */
		return;
	}
	i = atoi(d->d_name + plen);
	if (i >= 0 && i < WIDE)
		wide_name(want, sizeof(want), i, s->prefix);
	if (i < 0 || i >= WIDE || strcmp(want, d->d_name)) {
		s->others++;
		note("unexpected entry \"%s\"", d->d_name);
		return;
	}
	s->count[i]++;
	if (d->d_type != (i % 10 ? DT_REG : DT_DIR))
		FAIL("%s has d_type %u", d->d_name, d->d_type);
	if (i == 5)
		s->ino_of_5 = d->d_ino;
}

/*
 * List "." with bufsize: every entry i with keep(i) once, the others never,
 * and `foreign` names without the prefix.
 */
static void check_listing(const char *prefix, size_t bufsize, int (*keep)(int), int foreign)
{
	struct seen s = {prefix, {0}, 0, 0, 0, 0, 0};
	long n = list_dir(".", bufsize, tally, &s);
	char name[80];
	int want = 0;

	for (int i = 0; i < WIDE; i++) {
		want += keep(i);
		if (s.count[i] != keep(i)) {
			wide_name(name, sizeof(name), i, prefix);
			FAIL("%s listed %d times (buffer of %zu)", name, s.count[i], bufsize);
		}
	}
	CHECK_EQ(s.dots, 1);
	CHECK_EQ(s.dotdots, 1);
	CHECK_EQ(s.others, 0);
	CHECK_EQ(s.foreign, foreign);
	CHECK_EQ(n, want + foreign);
	if (keep(5)) {
		wide_name(name, sizeof(name), 5, prefix);
		CHECK_EQ(s.ino_of_5, ino(name));
	}
}

static int all(int i)
{
	(void)i;
	return 1;
}

static int not_third(int i)
{
	return i % 3 != 0;
}

static void make_entry(int i, const char *prefix)
{
	char name[80];

	wide_name(name, sizeof(name), i, prefix);
	if (i % 10 == 0)
		xmkdir(name);
	else
		xclose(xopen(name, L_O_WRONLY | LINUX_O_CREAT | LINUX_O_EXCL));
}

/* 300 entries, listed in big and small pieces; a third removed; 300 more. */
void test_dir_wide(void)
{
	char name[80];
	long fd;

	for (int i = 0; i < WIDE; i++)
		make_entry(i, "e");
	check_listing("e", 65536, all, 0);
	check_listing("e", 300, all, 0);
	CHECK_EQ(xstat(".").st_nlink, 2 + WIDE / 10);
	for (int i = 0; i < WIDE; i += 3) {
		wide_name(name, sizeof(name), i, "e");
		CHECK_EQ(i % 10 ? sys_unlink(name) : sys_rmdir(name), 0);
	}
	check_listing("e", 1000, not_third, 0);
	/* New names fill the gaps the old left. */
	for (int i = 0; i < WIDE; i++)
		make_entry(i, "new");
	check_listing("new", 4096, all, WIDE - WIDE / 3);
	check_listing("e", 4096, not_third, WIDE);
	/* A buffer too small for one entry; rewinding with lseek. */
	fd = xopen(".", L_O_RDONLY | LINUX_O_DIRECTORY);
	CHECK_EQ(syscall3(__NR_getdents64, fd, (long)buf_b, 10), -EINVAL);
	CHECK(syscall3(__NR_getdents64, fd, (long)buf_b, 4096) > 0);
	CHECK_EQ(sys_lseek(fd, 0, 0), 0);
	CHECK(syscall3(__NR_getdents64, fd, (long)buf_b, 4096) > 0);
	xclose((int)fd);
}

void test_rmdir_errors(void)
{
	CHECK_EQ(xstat(".").st_nlink, 2);
	xmkdir("d");
	CHECK_EQ(xstat(".").st_nlink, 3);
	make_file("d/f", 31, 10);
	CHECK_EQ(sys_rmdir("d"), -LINUX_ENOTEMPTY);
	CHECK_EQ(sys_rmdir("d/f"), -ENOTDIR);
	CHECK_EQ(sys_rmdir("missing"), -ENOENT);
	CHECK_EQ(sys_rmdir("."), -EINVAL);
	CHECK_EQ(sys_rmdir("d/."), -EINVAL);
	CHECK_EQ(sys_rmdir(".."), -LINUX_ENOTEMPTY);
	CHECK_EQ(sys_rmdir("/"), -EBUSY);
	CHECK_EQ(sys_rmdir("//"), -EBUSY);
	CHECK_EQ(sys_unlink("/"), -EISDIR);
	CHECK_EQ(sys_unlink("d"), -EISDIR);
	CHECK_EQ(sys_mkdir("d"), -EEXIST);
	CHECK_EQ(sys_mkdir("d/f"), -EEXIST);
	CHECK_EQ(sys_mkdir("d/f/x"), -ENOTDIR);
	CHECK_EQ(sys_mkdir("nope/x"), -ENOENT);
	xmkdir("e");
	xmkdir("e/sub");
	CHECK_EQ(sys_rmdir("e"), -LINUX_ENOTEMPTY);
	CHECK_EQ(sys_rmdir("e/sub"), 0);
	CHECK_EQ(sys_rmdir("e"), 0);
	check_file("d/f", 31, 10);
	CHECK_EQ(sys_unlink("d/f"), 0);
	CHECK_EQ(sys_rmdir("d"), 0);
	CHECK_EQ(xstat(".").st_nlink, 2);
	CHECK_EQ(list_dir(".", 4096, NULL, NULL), 0);
}

void test_rename_file(void)
{
	struct linux_stat st;
	unsigned long a;
	int fd;

	make_file("a", 40, 1000);
	a = ino("a");
	CHECK_EQ(sys_rename("a", "b"), 0);
	CHECK_EQ(sys_stat("a", &st), -ENOENT);
	CHECK_EQ(ino("b"), a);
	check_file("b", 40, 1000);
	/* Over another file; a reader of the old one keeps it. */
	make_file("c", 41, 2000);
	fd = xopen("c", L_O_RDONLY);
	CHECK_EQ(sys_rename("b", "c"), 0);
	CHECK_EQ(sys_stat("b", &st), -ENOENT);
	CHECK_EQ(ino("c"), a);
	check_file("c", 40, 1000);
	check_fd(fd, 41, 0, 2000);
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_nlink, 0);
	xclose(fd);
	/* Across directories. */
	xmkdir("d1");
	xmkdir("d2");
	CHECK_EQ(sys_rename("c", "d1/y"), 0);
	CHECK_EQ(sys_rename("d1/y", "d2/z"), 0);
	check_file("d2/z", 40, 1000);
	CHECK_EQ(list_dir("d1", 4096, NULL, NULL), 0);
	/* Onto itself, and onto another name of the same file: nothing happens. */
	CHECK_EQ(sys_rename("d2/z", "d2/z"), 0);
	CHECK_EQ(sys_link("d2/z", "d2/w"), 0);
	CHECK_EQ(sys_rename("d2/z", "d2/w"), 0);
	CHECK_EQ(xstat("d2/z").st_nlink, 2);
	CHECK_EQ(ino("d2/w"), a);
	check_file("d2/z", 40, 1000);
	CHECK_EQ(list_dir("d2", 4096, NULL, NULL), 2);
	CHECK_EQ(list_dir(".", 4096, NULL, NULL), 2);
}

/* A directory moved: its ".." and its parents' link counts follow. */
void test_rename_dir(void)
{
	char want[L_PATH_MAX];

	xmkdir("d1");
	xmkdir("d2");
	xmkdir("d1/sub");
	make_file("d1/sub/f", 42, 3000);
	CHECK_EQ(xstat("d1").st_nlink, 3);
	CHECK_EQ(sys_rename("d1/sub", "d2/sub2"), 0);
	CHECK_EQ(xstat("d1").st_nlink, 2);
	CHECK_EQ(xstat("d2").st_nlink, 3);
	CHECK_EQ(ino("d2/sub2/.."), ino("d2"));
	check_file("d2/sub2/f", 42, 3000);
	xchdir("d2/sub2");
	CHECK_EQ(ino(".."), ino("../../d2"));
	snprintf(want, sizeof(want), "%s/d2/sub2", scratch_path);
	if (strcmp(cwd(), want))
		FAIL("getcwd is %s, want %s", cwd(), want);
	check_file("../sub2/f", 42, 3000);
	xchdir("../..");
	/* Within one directory. */
	CHECK_EQ(sys_rename("d2/sub2", "d2/sub3"), 0);
	CHECK_EQ(ino("d2/sub3/.."), ino("d2"));
	CHECK_EQ(xstat("d2").st_nlink, 3);
	/* Over an empty directory: allowed. */
	xmkdir("d1/empty");
	CHECK_EQ(sys_rename("d2/sub3", "d1/empty"), 0);
	check_file("d1/empty/f", 42, 3000);
	CHECK_EQ(ino("d1/empty/.."), ino("d1"));
	CHECK_EQ(xstat("d1").st_nlink, 3);
	CHECK_EQ(xstat("d2").st_nlink, 2);
	/* Over a non-empty one: refused. */
	xmkdir("d2/full");
	make_file("d2/full/g", 43, 10);
	CHECK_EQ(sys_rename("d1/empty", "d2/full"), -LINUX_ENOTEMPTY);
	CHECK_EQ(sys_rename("d1/empty", "d1/empty"), 0);
	check_file("d1/empty/f", 42, 3000);
	check_file("d2/full/g", 43, 10);
}

void test_rename_errors(void)
{
	make_file("f", 44, 100);
	xmkdir("d");
	xmkdir("d/sub");
	CHECK_EQ(sys_rename("f", "d"), -EISDIR);
	CHECK_EQ(sys_rename("d", "f"), -ENOTDIR);
	CHECK_EQ(sys_rename("missing", "x"), -ENOENT);
	CHECK_EQ(sys_rename("f", "nope/x"), -ENOENT);
	CHECK_EQ(sys_rename("f", "f/x"), -ENOTDIR);
	CHECK_EQ(sys_rename("d", "d/x"), -EINVAL);
	CHECK_EQ(sys_rename("d", "d/sub/x"), -EINVAL);
	CHECK_EQ(sys_rename(".", "x"), -EBUSY);
	/* Nothing moved. */
	check_file("f", 44, 100);
	CHECK_EQ(xstat("d/sub").st_mode & L_S_IFMT, L_S_IFDIR);
	CHECK_EQ(list_dir(".", 4096, NULL, NULL), 2);
}

void test_path_relative(void)
{
	struct linux_stat st;

	xmkdir("a");
	xmkdir("a/b");
	xchdir("a");
	xclose(xopen("b/../f", L_O_WRONLY | LINUX_O_CREAT | LINUX_O_EXCL));
	xchdir("b");
	CHECK_EQ(xstat("../f").st_ino, ino("../../a/b/../f"));
	CHECK_EQ(sys_chdir("../f"), -ENOTDIR);
	CHECK_EQ(sys_chdir("missing"), -ENOENT);
	/* Failed chdirs left us where we were. */
	CHECK_EQ(ino("."), ino("../b"));
	xchdir("../..");
	CHECK_EQ(sys_stat("a/f", &st), 0);
	CHECK_EQ(sys_stat("f", &st), -ENOENT);
	if (strcmp(cwd(), scratch_path))
		FAIL("getcwd is %s, want %s", cwd(), scratch_path);
}

void test_path_dots(void)
{
	unsigned long a = 0, b;
	struct linux_stat st;

	xmkdir("a");
	xmkdir("a/b");
	make_file("a/f", 45, 10);
	a = ino("a");
	b = ino("a/b");
	CHECK_EQ(ino("."), ino(scratch_path));
	CHECK_EQ(ino("a/."), a);
	CHECK_EQ(ino("a/b/.."), a);
	CHECK_EQ(ino("a//b"), b);
	CHECK_EQ(ino("a/b/"), b);
	CHECK_EQ(ino("a/b//"), b);
	CHECK_EQ(ino(".//a///b/./"), b);
	CHECK_EQ(ino("/"), ino("/.."));
	CHECK_EQ(ino("//"), ino("/"));
	check_file("./a/../a/b/../f", 45, 10);
	CHECK_EQ(sys_stat("a/f/", &st), -ENOTDIR);
	CHECK_EQ(sys_stat("a/f/.", &st), -ENOTDIR);
	CHECK_EQ(sys_open("a/f/", L_O_RDONLY, 0), -ENOTDIR);
	CHECK_EQ(sys_open("a/g/", L_O_WRONLY | LINUX_O_CREAT, 0644), -EISDIR);
	CHECK_EQ(sys_mkdir("a/c/"), 0);
	CHECK_EQ(xstat("a/c").st_mode & L_S_IFMT, L_S_IFDIR);
	CHECK_EQ(sys_rmdir("a/c/"), 0);
}

static char long_path[L_PATH_MAX + 16];

/* "./" repeated (".//" first if need be), then name: exactly len characters. */
static const char *path_of_length(size_t len, const char *name)
{
	size_t pad = len - strlen(name), i = 0;

	if (pad % 2) {
		memcpy(long_path, ".//", 3);
		i = 3;
	}
	for (; i < pad; i += 2)
		memcpy(long_path + i, "./", 2);
	strcpy(long_path + i, name);
	CHECK_EQ(strlen(long_path), len);
	return long_path;
}

void test_path_errors(void)
{
	char name[L_NAME_MAX + 2];
	struct linux_stat st;

	make_file("f1234", 46, 10);
	/* A name of 255 characters is allowed, 256 is not. */
	memset(name, 'n', L_NAME_MAX);
	name[L_NAME_MAX] = '\0';
	make_file(name, 47, 10);
	check_file(name, 47, 10);
	CHECK_EQ(sys_unlink(name), 0);
	strcat(name, "n");
	CHECK_EQ(sys_open(name, L_O_WRONLY | LINUX_O_CREAT, 0644), -LINUX_ENAMETOOLONG);
	CHECK_EQ(sys_mkdir(name), -LINUX_ENAMETOOLONG);
	CHECK_EQ(sys_stat(name, &st), -LINUX_ENAMETOOLONG);
	/* A path of 4095 characters is allowed, 4096 (PATH_MAX with its NUL) not. */
	CHECK_EQ(sys_stat(path_of_length(L_PATH_MAX - 1, "f1234"), &st), 0);
	CHECK_EQ(st.st_size, 10);
	CHECK_EQ(sys_stat(path_of_length(L_PATH_MAX, "f1234"), &st), -LINUX_ENAMETOOLONG);
	CHECK_EQ(sys_open(long_path, L_O_RDONLY, 0), -LINUX_ENAMETOOLONG);
	/* Bad pointers. */
	CHECK_EQ(sys_open(NULL, L_O_RDONLY, 0), -EFAULT);
	CHECK_EQ(sys_open((const char *)1, L_O_RDONLY, 0), -EFAULT);
	CHECK_EQ(sys_open((const char *)KERNEL_HALF, L_O_RDONLY, 0), -EFAULT);
	CHECK_EQ(sys_mkdir((const char *)1), -EFAULT);
	CHECK_EQ(sys_stat("f1234", (struct linux_stat *)1), -EFAULT);
	/* Missing directories, files used as directories, the empty path. */
	CHECK_EQ(sys_open("nodir/x", L_O_WRONLY | LINUX_O_CREAT, 0644), -ENOENT);
	CHECK_EQ(sys_mkdir("nodir/x"), -ENOENT);
	CHECK_EQ(sys_open("f1234/x", L_O_RDONLY, 0), -ENOTDIR);
	CHECK_EQ(sys_open("f1234/x", L_O_WRONLY | LINUX_O_CREAT, 0644), -ENOTDIR);
	CHECK_EQ(sys_mkdir("f1234/x"), -ENOTDIR);
	CHECK_EQ(sys_stat("f1234/x", &st), -ENOTDIR);
	CHECK_EQ(sys_open("", L_O_RDONLY, 0), -ENOENT);
	CHECK_EQ(sys_stat("", &st), -ENOENT);
	CHECK_EQ(sys_mkdir(""), -ENOENT);
	CHECK_EQ(list_dir(".", 4096, NULL, NULL), 1);
}

/*
 * An absolute path ignores dirfd, whatever it is (openat(2)): a closed
 * fd or a file's fd is no error then, only with a relative path.  (Found
 * by the fuzzer: every *at call answered EBADF or ENOTDIR.)
 */
void test_path_dirfd(void)
{
	char abs[L_PATH_MAX], dir[L_PATH_MAX];
	struct linux_stat st;
	long fd;

	make_file("f", 48, 10);
	snprintf(abs, sizeof(abs), "%s/f", scratch_path);
	snprintf(dir, sizeof(dir), "%s/d", scratch_path);
	fd = xopen("f", L_O_RDONLY);
	CHECK_EQ(syscall4(__NR_newfstatat, fd, (long)abs, (long)&st, 0), 0);
	CHECK_EQ(st.st_size, 10);
	CHECK_EQ(syscall4(__NR_newfstatat, 999, (long)abs, (long)&st, 0), 0);
	CHECK_EQ(syscall3(__NR_faccessat, fd, (long)abs, 0), 0);
	long fd2 = syscall4(__NR_openat, -1, (long)abs, L_O_RDONLY, 0);
	CHECK(fd2 >= 0);
	xclose((int)fd2);
	CHECK_EQ(syscall3(__NR_mkdirat, fd, (long)dir, 0755), 0);
	CHECK_EQ(syscall3(__NR_unlinkat, 999, (long)dir, LINUX_AT_REMOVEDIR), 0);
	/* Relative, the dirfd counts. */
	CHECK_EQ(syscall4(__NR_newfstatat, 999, (long)"f", (long)&st, 0), -EBADF);
	CHECK_EQ(syscall4(__NR_newfstatat, fd, (long)"f", (long)&st, 0), -ENOTDIR);
	CHECK_EQ(syscall3(__NR_mkdirat, fd, (long)"d", 0755), -ENOTDIR);
	xclose((int)fd);
}

void test_getcwd(void)
{
	char small[8];
	size_t len = strlen(scratch_path);

	if (strcmp(cwd(), scratch_path))
		FAIL("getcwd is %s, want %s", cwd(), scratch_path);
	CHECK_EQ(syscall2(__NR_getcwd, (long)buf_b, (long)len), -ERANGE);
	CHECK_EQ(syscall2(__NR_getcwd, (long)buf_b, (long)len + 1), (long)len + 1);
	CHECK_EQ(syscall2(__NR_getcwd, (long)small, 0), -ERANGE);
	CHECK_EQ(syscall2(__NR_getcwd, 1, 100), -EFAULT);
	xchdir("/");
	CHECK_EQ(syscall2(__NR_getcwd, (long)small, sizeof(small)), 2);
	CHECK(strcmp(small, "/") == 0);
	xchdir(scratch_path);
	xmkdir("x");
	xchdir("x");
	CHECK_EQ(strlen(cwd()), len + 2);
	CHECK(strncmp(cwd(), scratch_path, len) == 0 && strcmp(cwd() + len, "/x") == 0);
}
