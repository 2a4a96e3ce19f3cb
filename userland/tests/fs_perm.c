/*
 * fs_perm.c - fstests on users, groups and permissions.
 *
 * perm_ids: the id calls' rules (setresuid(2), setreuid(2), setuid(2),
 * setfsuid(2), getgroups(2)): root takes any ids, others only move among
 * those they hold; the saved id; supplementary groups, sorted, root only
 * to set; EINVAL, EFAULT, EPERM; a pipe belongs to its maker, and only
 * root grows one past pipe-max-size.
 *
 * perm_files: a process that dropped to uid and gid 1000 gets EACCES or
 * EPERM where Linux gives them: reading root's 0600 file, creating,
 * removing or renaming in root's 0755 directory, executing root's 0700
 * program, chmod, chown and utimensat of root's file, the sticky bit,
 * device nodes, chroot, access(2), chdir; and files it makes are its own.
 * access(2) asks as the real user, faccessat2 with AT_EACCESS as the
 * effective one.
 *
 * chroot: a process's root: absolute paths start there, ".." stops there,
 * getcwd counts from it, a child inherits it, the parent keeps its own;
 * ENOENT, ENOTDIR, EFAULT (EPERM for others: perm_files).
 *
 * perm_setuid_exec: execve of a set-user-id file makes its owner the
 * effective and saved uid, not with no_new_privs, and not without the bit
 * (Sluice only: a reference run execs through qemu-riscv64).
 *
 * Each runs its changes in a child (ids and roots cannot be taken back).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fstests.h"

#define L_EACCES 13
#define L_EPERM	 1
#define BAD_PTR	 1l

static long l_setresuid(long r, long e, long s)
{
	return syscall3(__NR_setresuid, r, e, s);
}

static long l_setresgid(long r, long e, long s)
{
	return syscall3(__NR_setresgid, r, e, s);
}

static void getresuid_is(unsigned r, unsigned e, unsigned s)
{
	unsigned v[3];

	CHECK_EQ(syscall3(__NR_getresuid, (long)&v[0], (long)&v[1], (long)&v[2]), 0);
	if (v[0] != r || v[1] != e || v[2] != s)
		FAIL("uids %u %u %u, want %u %u %u", v[0], v[1], v[2], r, e, s);
}

/* Run fn in a child; the test fails unless it returns. */
static void in_child(void (*fn)(void))
{
	int status = reap(spawn(fn));

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* --- perm_ids --- */

static void groups_as_root(void)
{
	unsigned g[4] = {5, 3};

	CHECK_EQ(syscall2(__NR_setgroups, 2, (long)g), 0);
	CHECK_EQ(syscall2(__NR_getgroups, 0, 0), 2);
	CHECK_EQ(syscall2(__NR_getgroups, 1, (long)g), -EINVAL);
	CHECK_EQ(syscall2(__NR_getgroups, -1, (long)g), -EINVAL);
	CHECK_EQ(syscall2(__NR_getgroups, 2, BAD_PTR), -EFAULT);
	memset(g, 0, sizeof(g));
	CHECK_EQ(syscall2(__NR_getgroups, 4, (long)g), 2);
	CHECK(g[0] == 3 && g[1] == 5); /* sorted, as Linux keeps them */
	CHECK_EQ(syscall2(__NR_setgroups, 1, BAD_PTR), -EFAULT);
	CHECK_EQ(syscall2(__NR_setgroups, 70000, (long)g), -EINVAL);
}

static void ids_child(void)
{
	unsigned g[2];

	groups_as_root();
	CHECK_EQ(syscall1(__NR_setuid, -1), -EINVAL);
	CHECK_EQ(l_setresgid(100, 100, 100), 0);
	CHECK_EQ(syscall0(__NR_getegid), 100);
	CHECK_EQ(l_setresuid(1000, 1001, 1002), 0);
	getresuid_is(1000, 1001, 1002);
	CHECK_EQ(syscall0(__NR_geteuid), 1001);
	CHECK_EQ(syscall1(__NR_setfsuid, -1), 1001); /* it follows the effective uid */
	/* Unprivileged now: only the ids held. */
	CHECK_EQ(syscall1(__NR_setuid, 0), -L_EPERM);
	CHECK_EQ(l_setresuid(-1, 5, -1), -L_EPERM);
	CHECK_EQ(l_setresuid(-1, 1000, -1), 0);
	getresuid_is(1000, 1000, 1002);
	CHECK_EQ(syscall2(__NR_setreuid, 1002, -1), -L_EPERM); /* real: real or effective only */
	CHECK_EQ(syscall1(__NR_setuid, 1002), 0);	       /* the saved one */
	getresuid_is(1000, 1002, 1002);
	CHECK_EQ(syscall2(__NR_setreuid, 1002, -1), 0); /* now the effective one */
	getresuid_is(1002, 1002, 1002);
	CHECK_EQ(syscall1(__NR_setfsuid, 7), 1002); /* refused: still 1002 */
	CHECK_EQ(syscall1(__NR_setfsuid, -1), 1002);
	CHECK_EQ(syscall2(__NR_setgroups, 0, 0), -L_EPERM);
	CHECK_EQ(syscall1(__NR_setgid, 0), -L_EPERM);
	CHECK_EQ(syscall2(__NR_getgroups, 2, (long)g), 2); /* kept across setuid */
	CHECK_EQ(syscall3(__NR_getresuid, BAD_PTR, BAD_PTR, BAD_PTR), -EFAULT);
	/* A pipe is its maker's; only root grows one past 1 MiB. */
	int fds[2];
	struct linux_stat st;
	CHECK_EQ(syscall2(__NR_pipe2, (long)fds, 0), 0);
	CHECK_EQ(sys_fstat(fds[0], &st), 0);
	CHECK(st.st_uid == 1002 && st.st_gid == 100);
	CHECK_EQ(syscall3(__NR_fcntl, fds[0], LINUX_F_SETPIPE_SZ, 1 << 21), -L_EPERM);
	CHECK_EQ(syscall3(__NR_fcntl, fds[0], LINUX_F_SETPIPE_SZ, 1 << 20), 1 << 20);
	xclose(fds[0]);
	xclose(fds[1]);
}

void test_perm_ids(void)
{
	in_child(ids_child);
	CHECK_EQ(syscall0(__NR_geteuid), 0); /* the parent stays root */
}

/* --- perm_files --- */

static void make(const char *path, long mode)
{
	long fd = sys_open(path, LINUX_O_CREAT | L_O_WRONLY, mode);

	if (fd < 0)
		FAIL("create %s: error %ld", path, -fd);
	xwrite((int)fd, "data", 4);
	xclose((int)fd);
}

static void drop_to_1000(void)
{
	CHECK_EQ(syscall2(__NR_setgroups, 0, 0), 0);
	CHECK_EQ(l_setresgid(1000, 1000, 1000), 0);
	CHECK_EQ(l_setresuid(1000, 1000, 1000), 0);
}

static void files_child(void)
{
	char *argv[] = {"prog", NULL};

	drop_to_1000();
	CHECK_EQ(sys_open("secret", L_O_RDONLY, 0), -L_EACCES);
	CHECK_EQ(syscall3(__NR_faccessat, LINUX_AT_FDCWD, (long)"secret", 4), -L_EACCES);
	CHECK_EQ(syscall3(__NR_faccessat, LINUX_AT_FDCWD, (long)"rootdir/f", 4), 0);
	CHECK_EQ(sys_open("rootdir/new", LINUX_O_CREAT | L_O_WRONLY, 0644), -L_EACCES);
	CHECK_EQ(syscall3(__NR_mkdirat, LINUX_AT_FDCWD, (long)"rootdir/d", 0755), -L_EACCES);
	CHECK_EQ(sys_unlink("rootdir/f"), -L_EACCES);
	CHECK_EQ(sys_rename("rootdir/f", "rootdir/g"), -L_EACCES);
	/* Moving root's directory to another parent changes its "..": it
	 * must be writable too, even where both parents are. */
	CHECK_EQ(sys_rename("open/sub", "open/dest/sub"), -L_EACCES);
	CHECK_EQ(sys_rename("open/sub", "open/sub2"), 0);
	long fd = sys_open("rootdir/f", L_O_RDONLY, 0);
	CHECK(fd >= 0);
	xclose((int)fd);
	CHECK_EQ(sys_open("rootdir/f", L_O_WRONLY, 0), -L_EACCES);
	CHECK_EQ(syscall3(__NR_fchmodat, LINUX_AT_FDCWD, (long)"rootdir/f", 0777), -L_EPERM);
	CHECK_EQ(syscall5(__NR_fchownat, LINUX_AT_FDCWD, (long)"rootdir/f", 1000, -1, 0), -L_EPERM);
	long t[4] = {1, 0, 1, 0};
	CHECK_EQ(syscall4(__NR_utimensat, LINUX_AT_FDCWD, (long)"shared", (long)t, 0), -L_EPERM);
	CHECK_EQ(syscall4(__NR_utimensat, LINUX_AT_FDCWD, (long)"rootdir/f", 0, 0), -L_EACCES);
	CHECK_EQ(syscall4(__NR_utimensat, LINUX_AT_FDCWD, (long)"shared", 0, 0), 0); /* may write */
	CHECK_EQ(syscall3(__NR_execve, (long)"prog", (long)argv, 0), -L_EACCES);
	CHECK_EQ(syscall1(__NR_chdir, (long)"private"), -L_EACCES);
	CHECK_EQ(sys_open("private/x", L_O_RDONLY, 0), -L_EACCES); /* no search */
	CHECK_EQ(syscall1(__NR_chroot, (long)"."), -L_EPERM);
	/* The system's calls are root's; checked only once we are 1000. */
	CHECK_EQ(syscall0(__NR_geteuid), 1000);
	CHECK_EQ(syscall5(__NR_mount, (long)"none", (long)"rootdir", (long)"tmpfs", 0, 0),
		 -L_EPERM);
	CHECK_EQ(syscall2(__NR_umount2, (long)"rootdir", 0), -L_EPERM);
	CHECK_EQ(syscall2(__NR_sethostname, (long)"x", 1), -L_EPERM);
	if (!on_linux) /* never ask a host to reboot, even one that must refuse */
		CHECK_EQ(syscall4(__NR_reboot, 0xfee1dead, 672274793, 0x4321fedc, 0), -L_EPERM);
	/* The sticky directory: others' files stay, one's own go. */
	CHECK_EQ(sys_unlink("sticky/rootfile"), -L_EPERM);
	make("sticky/mine", 0600);
	struct linux_stat st = xstat("sticky/mine");
	CHECK(st.st_uid == 1000 && st.st_gid == 1000);
	CHECK_EQ(syscall5(__NR_fchownat, LINUX_AT_FDCWD, (long)"sticky/mine", -1, 0, 0), -L_EPERM);
	CHECK_EQ(syscall5(__NR_fchownat, LINUX_AT_FDCWD, (long)"sticky/mine", -1, 1000, 0), 0);
	CHECK_EQ(syscall4(__NR_mknodat, LINUX_AT_FDCWD, (long)"sticky/null", 0020666, 0x103),
		 -L_EPERM);
	CHECK_EQ(syscall4(__NR_mknodat, LINUX_AT_FDCWD, (long)"sticky/p", 0010600, 0), 0);
	CHECK_EQ(sys_unlink("sticky/p"), 0);
	make("sticky/kept", 0644);
}

/* Real uid 1000, effective 0: access(2) asks as the real user, and
 * faccessat2's AT_EACCESS as the effective one. */
static void access_child(void)
{
	long r;

	CHECK_EQ(l_setresuid(1000, 0, 0), 0);
	CHECK_EQ(syscall3(__NR_faccessat, LINUX_AT_FDCWD, (long)"secret", 4), -L_EACCES);
	CHECK_EQ(syscall3(__NR_faccessat, LINUX_AT_FDCWD, (long)"private/x", 0), -L_EACCES);
	long fd = sys_open("secret", L_O_RDONLY, 0); /* open asks as the effective */
	CHECK(fd >= 0);
	xclose((int)fd);
	r = syscall4(__NR_faccessat2, LINUX_AT_FDCWD, (long)"secret", 4, 0x200 /* AT_EACCESS */);
	if (r == -38 && on_linux) { /* ENOSYS */
		note("faccessat2 unknown to this qemu-riscv64: skipped");
		return;
	}
	CHECK_EQ(r, 0);
	CHECK_EQ(syscall4(__NR_faccessat2, LINUX_AT_FDCWD, (long)"secret", 4, 0), -L_EACCES);
	CHECK_EQ(syscall4(__NR_faccessat2, LINUX_AT_FDCWD, (long)"secret", 8, 0), -EINVAL);
	CHECK_EQ(syscall4(__NR_faccessat2, LINUX_AT_FDCWD, (long)"secret", 4, 0x1), -EINVAL);
}

void test_perm_files(void)
{
	syscall1(__NR_umask, 0);
	make("secret", 0600);
	xmkdir("rootdir");
	make("rootdir/f", 0644);
	make("shared", 0666);
	make("prog", 0700);
	CHECK_EQ(syscall3(__NR_mkdirat, LINUX_AT_FDCWD, (long)"private", 0700), 0);
	make("private/x", 0644);
	CHECK_EQ(syscall3(__NR_mkdirat, LINUX_AT_FDCWD, (long)"sticky", 01777), 0);
	make("sticky/rootfile", 0666);
	CHECK_EQ(syscall3(__NR_mkdirat, LINUX_AT_FDCWD, (long)"open", 0777), 0);
	CHECK_EQ(syscall3(__NR_mkdirat, LINUX_AT_FDCWD, (long)"open/dest", 0777), 0);
	xmkdir("open/sub");
	in_child(files_child);
	in_child(access_child);
	struct linux_stat st = xstat("sticky/kept");
	CHECK(st.st_uid == 1000 && st.st_gid == 1000);
	/* Root may do all of it, but execute a file with no x bit. */
	CHECK_EQ(sys_unlink("sticky/rootfile"), 0);
	long fd = sys_open("secret", L_O_RDWR, 0);
	CHECK(fd >= 0);
	xclose((int)fd);
	CHECK_EQ(syscall3(__NR_fchmodat, LINUX_AT_FDCWD, (long)"shared", 0666), 0);
	char *argv[] = {"shared", NULL};
	CHECK_EQ(syscall3(__NR_execve, (long)"shared", (long)argv, 0), -L_EACCES);
}

/* --- chroot --- */

static void chroot_grandchild(void)
{
	struct linux_stat st;

	CHECK_EQ(sys_stat("/inside", &st), 0); /* the root is inherited */
	CHECK_EQ(sys_stat("/outside", &st), -ENOENT);
}

static void chroot_child(void)
{
	struct linux_stat st, root;
	char buf[64];

	CHECK_EQ(syscall1(__NR_chroot, (long)"missing"), -ENOENT);
	CHECK_EQ(syscall1(__NR_chroot, (long)"outside"), -ENOTDIR);
	CHECK_EQ(syscall1(__NR_chroot, BAD_PTR), -EFAULT);
	CHECK_EQ(syscall1(__NR_chdir, (long)"jail"), 0);
	CHECK_EQ(syscall1(__NR_chroot, (long)"."), 0);
	CHECK_EQ(syscall2(__NR_getcwd, (long)buf, sizeof(buf)), 2);
	CHECK(!strcmp(buf, "/"));
	CHECK_EQ(sys_stat("/inside", &st), 0);
	CHECK_EQ(sys_stat("/outside", &st), -ENOENT);
	CHECK_EQ(sys_stat("/../../inside", &st), 0); /* ".." stops at the root */
	root = xstat("/");
	CHECK_EQ(sys_stat("/sub/../../..", &st), 0);
	CHECK_EQ(st.st_ino, root.st_ino);
	CHECK_EQ(syscall1(__NR_chdir, (long)"/sub"), 0);
	CHECK_EQ(syscall1(__NR_chdir, (long)"../../.."), 0);
	CHECK_EQ(syscall2(__NR_getcwd, (long)buf, sizeof(buf)), 2);
	in_child(chroot_grandchild);
}

void test_chroot(void)
{
	xmkdir("jail");
	xmkdir("jail/sub");
	make("jail/inside", 0644);
	make("outside", 0644);
	in_child(chroot_child);
	CHECK_EQ(xstat("outside").st_size, 4); /* the parent's root stays */
}

/* --- perm_setuid_exec --- */

/* fstests --ids-helper R E S: exit 0 if the real, effective and saved uids
 * are R, E and S (the exec side of perm_setuid_exec). */
int ids_helper(int argc, char **argv)
{
	unsigned v[3];

	if (argc != 5 || syscall3(__NR_getresuid, (long)&v[0], (long)&v[1], (long)&v[2]))
		return 2;
	for (int i = 0; i < 3; i++)
		if (v[i] != (unsigned)atoi(argv[2 + i])) {
			printf("  perm_setuid_exec: uid %d is %u, want %s\n", i, v[i], argv[2 + i]);
			return 1;
		}
	return 0;
}

static void copy_self(const char *to)
{
	long in = sys_open(self_path, L_O_RDONLY, 0), n;
	int out = xopen(to, L_O_WRONLY | LINUX_O_CREAT);
	static char buf[8192];

	CHECK(in >= 0);
	while ((n = syscall3(__NR_read, in, (long)buf, sizeof(buf))) > 0)
		xwrite(out, buf, (size_t)n);
	CHECK_EQ(n, 0);
	xclose((int)in);
	xclose(out);
}

/* As uid 2000, exec prog and want uids (r, e, s) in it. */
static const char *want_ids;
static bool no_new_privs;

static void exec_as_2000(void)
{
	char *argv[] = {"prog", "--ids-helper", "2000", NULL, NULL, NULL};
	int status;

	argv[3] = (char *)want_ids;
	argv[4] = (char *)want_ids;
	CHECK_EQ(l_setresuid(2000, 2000, 2000), 0);
	if (no_new_privs)
		CHECK_EQ(syscall5(__NR_prctl, 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0), 0);
	int pid = fork();
	if (pid == 0) {
		syscall3(__NR_execve, (long)"prog", (long)argv, 0);
		_exit(3);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void test_perm_setuid_exec(void)
{
	if (on_linux) {
		note("exec goes through qemu-riscv64 here, not the set-uid file: skipped");
		return;
	}
	syscall1(__NR_umask, 0);
	copy_self("prog");
	CHECK_EQ(syscall5(__NR_fchownat, LINUX_AT_FDCWD, (long)"prog", 1000, 1000, 0), 0);
	CHECK_EQ(syscall3(__NR_fchmodat, LINUX_AT_FDCWD, (long)"prog", 04755), 0);
	want_ids = "1000"; /* effective and saved: the file's owner */
	in_child(exec_as_2000);
	no_new_privs = true; /* no_new_privs: the bit is ignored */
	want_ids = "2000";
	in_child(exec_as_2000);
	no_new_privs = false;
	CHECK_EQ(syscall3(__NR_fchmodat, LINUX_AT_FDCWD, (long)"prog", 0755), 0);
	in_child(exec_as_2000);
}
