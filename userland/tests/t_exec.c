/*
 * t_exec.c - what exec loads (docs/exec.md): "#!" scripts, read as Linux's
 * binfmt_script reads them; a static-pie program; a program naming an
 * interpreter (PT_INTERP), with the auxiliary vector the interpreter gets;
 * a program linked at 0x1000; PT_GNU_STACK.
 *
 * The script tests run on Linux too (the reference run, -l): the scripts'
 * interpreter is /bin/echo or /bin/sh, which both systems have, and
 * their output comes back through a pipe.  The programs under
 * userland/tests/load are RISC-V code that the host's kernel cannot exec,
 * so those tests run on Sluice only; the same programs run under
 * qemu-riscv64 by themselves (ctest userland/load-programs-on-linux).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "usertests.h"

extern char **environ;

static long raw_execve(const char *path, char *const argv[], char *const envp[])
{
	return syscall3(__NR_execve, (long)path, (long)argv, (long)envp);
}

/* A directory of our own for scripts (the reference run shares the host's /tmp). */
static const char *script_dir(void)
{
	static char dir[64];

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/ut-exec-%d", getpid());
		CHECK(mkdir(dir, 0755) == 0 || errno == EEXIST);
	}
	return dir;
}

/* Remove every script these tests write, and their directory: the
 * harness counts pages, and a ramfs file holds its own. */
static void remove_scripts(void)
{
	static const char *const names[] = {"s",  "s0", "n0",	"n1", "n2",  "n3",
					    "n4", "n5", "self", "sh", "prog"};
	char path[128];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", script_dir(), names[i]);
		unlink(path);
	}
	CHECK_EQ(rmdir(script_dir()), 0);
}

/* Write an executable file name (in script_dir) holding len bytes of text. */
static char *write_script(const char *name, const char *text, size_t len)
{
	static char path[4][128];
	static int which;
	char *p = path[which++ & 3];
	int fd;

	snprintf(p, sizeof(path[0]), "%s/%s", script_dir(), name);
	unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, text, len), (long)len);
	CHECK_EQ(close(fd), 0);
	return p;
}

/*
 * Exec path with argv in a child whose stdout is a pipe: what it printed
 * (at most size - 1 bytes, NUL-terminated), or "errno N\n" if execve
 * failed; the child's wait status in *status.
 */
static void run_capture(const char *path, char *const argv[], char *out, size_t size, int *status)
{
	int fds[2], pid;
	size_t got = 0;
	long n;

	CHECK_EQ(pipe(fds), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		long err = raw_execve(path, argv, environ);
		char msg[32];
		int len = snprintf(msg, sizeof(msg), "errno %ld\n", -err);
		write(1, msg, (size_t)len);
		_exit(0);
	}
	close(fds[1]);
	while (got < size - 1 && (n = read(fds[0], out + got, size - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = 0;
	close(fds[0]);
	CHECK_EQ(waitpid(pid, status, 0), pid);
}

/* Run script text with argv {"name", "x"}; its output must be want, with
 * "S" in want standing for the script's path. */
static void expect_script(const char *text, size_t len, const char *want)
{
	char *path = write_script("s", text, len);
	char *argv[] = {"name", "x", NULL};
	char out[1024], expect[1024];
	int status, j = 0;

	for (const char *w = want; *w && j < (int)sizeof(expect) - 128; w++)
		if (*w == 'S')
			j += snprintf(expect + j, sizeof(expect) - (size_t)j, "%s", path);
		else
			expect[j++] = *w;
	expect[j] = 0;
	run_capture(path, argv, out, sizeof(out), &status);
	if (strcmp(out, expect) != 0)
		test_fail(__FILE__, __LINE__, "script %.40s...: got \"%s\", want \"%s\"", text, out,
			  expect);
}

#define SCRIPT(text, want) expect_script(text, sizeof(text) - 1, want)

/* The "#!" line's rules, each checked against Linux's answer (the reference run). */
void test_exec_script(void)
{
	char text[400], want[400];

	SCRIPT("#!/bin/echo  a  b \t\nrest", "a  b S x\n"); /* one argument, inner blanks kept */
	SCRIPT("#!  /bin/echo\ta", "a S x\n");		    /* no newline: the file's end */
	SCRIPT("#!/bin/echo", "S x\n");
	SCRIPT("#!/bin/echo a\0b\n", "a S x\n"); /* a NUL ends the line */
	SCRIPT("#!/bin/echo\0a b\n", "S x\n");
	SCRIPT("#!\n", "errno 8\n"); /* no interpreter: ENOEXEC */
	SCRIPT("#! \t \n", "errno 8\n");
	SCRIPT("#!/no/such/interpreter\n", "errno 2\n"); /* ENOENT */
	SCRIPT("#!/tmp\n", "errno 13\n");		 /* a directory: EACCES */
	SCRIPT("#!", "errno 13\n");			 /* "": Linux looks up the cwd */
	/* A long line with no newline in the first 256 bytes: the argument
	 * is cut at byte 255; a path that runs past it is ENOEXEC. */
	memset(text, 'y', sizeof(text));
	memcpy(text, "#!/bin/echo ", 12);
	text[300] = 0;
	memset(want, 'y', 255 - 12);
	strcpy(want + 255 - 12, " S x\n");
	expect_script(text, 300, want);
	text[300] = '\n';
	expect_script(text, 301, want);
	memcpy(text, "#!/bin/echoy", 12);
	expect_script(text, 300, "errno 8\n");
	remove_scripts();
}

/* With no argv at all, nothing is dropped: the interpreter, its argument, the script. */
void test_exec_script_noargv(void)
{
	char *path = write_script("s0", "#!/bin/echo a\n", 14);
	char *argv[] = {NULL};
	char out[256], want[256];
	int status;

	run_capture(path, argv, out, sizeof(out), &status);
	snprintf(want, sizeof(want), "a %s\n", path);
	CHECK(strcmp(out, want) == 0);
	remove_scripts();
}

/* Scripts whose interpreters are scripts: five in a row run, six are ELOOP. */
void test_exec_script_nested(void)
{
	char name[8], text[128], prev[128], want[1024], out[1024];
	char *argv[] = {"name", "x", NULL};
	int status, j;

	j = snprintf(want, sizeof(want), "lvl");
	strcpy(prev, write_script("n0", "#!/bin/echo lvl\n", 16));
	for (int i = 1; i <= 5; i++) {
		j += snprintf(want + j, sizeof(want) - (size_t)j, " %s", prev);
		snprintf(name, sizeof(name), "n%d", i);
		int len = snprintf(text, sizeof(text), "#!%s\n", prev);
		char *path = write_script(name, text, (size_t)len);
		run_capture(path, argv, out, sizeof(out), &status);
		if (i <= 4) {
			/* n_i is i + 1 scripts, n_i down to n0, then echo */
			char full[1200];
			snprintf(full, sizeof(full), "%s %s x\n", want, path);
			if (strcmp(out, full) != 0)
				test_fail(__FILE__, __LINE__, "depth %d: got \"%s\"", i, out);
		} else {
			CHECK(strcmp(out, "errno 40\n") == 0); /* six scripts: ELOOP */
		}
		strcpy(prev, path);
	}
	/* A script that names itself. */
	j = snprintf(text, sizeof(text), "#!%s/self\n", script_dir());
	char *self = write_script("self", text, (size_t)j);
	run_capture(self, argv, out, sizeof(out), &status);
	CHECK(strcmp(out, "errno 40\n") == 0);
	remove_scripts();
}

/* A shell script: the shell gets the script's path as $0 and the arguments after it. */
void test_exec_script_sh(void)
{
	static const char text[] = "#!/bin/sh\necho \"$0\" \"$#\" \"$1\"\nexit 3\n";
	char *path = write_script("sh", text, sizeof(text) - 1);
	char *argv[] = {"name", "x", NULL};
	char out[256], want[256];
	int status;

	run_capture(path, argv, out, sizeof(out), &status);
	snprintf(want, sizeof(want), "%s 1 x\n", path);
	CHECK(strcmp(out, want) == 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	remove_scripts();
}

/*
 * A refused exec holds no reference: a directory or a device, in file
 * systems mounted on the root (/proc, /dev), hundreds of times, then both
 * still answer.  (Exec once dropped the directory's reference twice: each
 * refusal took one from the mount's count until the kernel's check of it
 * fired, found by the fuzzer.)
 */
void test_exec_refused_refs(void)
{
	static const char *const paths[] = {"/proc/self", "/proc", "/dev/null", "/dev"};
	char *argv[] = {"x", NULL};
	struct stat st;

	for (int i = 0; i < 300; i++)
		for (size_t j = 0; j < sizeof(paths) / sizeof(paths[0]); j++)
			CHECK_EQ(raw_execve(paths[j], argv, environ), -EACCES);
	CHECK_EQ(stat("/proc/self/status", &st), 0);
	CHECK_EQ(stat("/dev/null", &st), 0);
}

static char *bin(const char *name)
{
	static char path[2][256];
	static int which;

	which ^= 1;
	snprintf(path[which], sizeof(path[which]), "%s/bin/%s", bin_prefix, name);
	return path[which];
}

/* Run one of the loader's test programs; false (and a note) on a Linux host. */
static bool run_program(const char *name, char *out, size_t size, int *status)
{
	char *argv[] = {(char *)name, "a", NULL};

	if (on_linux) {
		printf("  %s: not on a Linux host (RISC-V code; see load-programs-on-linux)\n",
		       name);
		return false;
	}
	run_capture(bin(name), argv, out, size, status);
	return true;
}

static void expect_output(const char *out, const char *line)
{
	if (!strstr(out, line))
		test_fail(__FILE__, __LINE__, "no \"%s\" in:\n%s", line, out);
}

/* A static-pie program: loaded where mmap would put it, relocates itself. */
void test_exec_static_pie(void)
{
	char out[512];
	int status;

	if (!run_program("spie", out, sizeof(out), &status))
		return;
	expect_output(out, "spie: relocated pointers work\n");
	expect_output(out, "spie: AT_BASE 0x0, AT_ENTRY at offset 0x");
	expect_output(out, ", _start ok\n");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The same file run as an interpreter is run by itself here. */
	CHECK(run_program("tinterp", out, sizeof(out), &status));
	expect_output(out, "tinterp: run by itself, AT_BASE 0x0\n");
}

/* The value printed after key in out (tinterp's "name 0x..." lines). */
static unsigned long value_of(const char *out, const char *key)
{
	const char *p = strstr(out, key);

	if (!p)
		test_fail(__FILE__, __LINE__, "no %s in:\n%s", key, out);
	return strtoul(p + strlen(key), NULL, 16);
}

/* PT_INTERP: the kernel loads the interpreter, which gets the program's auxv. */
void test_exec_interp(void)
{
	char out[1024];
	int status;

	if (!run_program("tdyn", out, sizeof(out), &status))
		return;
	expect_output(out, "tinterp: AT_BASE is where I was loaded\n");
	expect_output(out, "tdyn: auxv describes me\n");
	expect_output(out, "tinterp: AT_PHENT 0x38\n");
	expect_output(out, "tinterp: AT_PAGESZ 0x1000\n");
	expect_output(out, "tinterp: AT_EXECFN /bin/tdyn\n");
	CHECK(value_of(out, "AT_MINSIGSTKSZ ") >= 128 && value_of(out, "AT_MINSIGSTKSZ ") < 8192);
	CHECK(value_of(out, "AT_BASE ") != 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* A PIE with an interpreter: at Linux's ELF_ET_DYN_BASE for Sv39. */
	CHECK(run_program("tdyn-pie", out, sizeof(out), &status));
	expect_output(out, "tdyn: running at 0x2aaaaaa000,");
	expect_output(out, "tdyn: auxv describes me\n");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* A missing interpreter is ENOENT; a file that is no ELF, ELIBBAD. */
	CHECK(run_program("tdyn-nointerp", out, sizeof(out), &status));
	CHECK(strcmp(out, "errno 2\n") == 0);
	CHECK(run_program("tdyn-badinterp", out, sizeof(out), &status));
	CHECK(strcmp(out, "errno 80\n") == 0);
}

/* A program linked at 0x1000, the lowest page mmap_min_addr allows. */
void test_exec_low(void)
{
	char out[256];
	int status;

	if (!run_program("low", out, sizeof(out), &status))
		return;
	CHECK(strcmp(out, "low: running at 0x1000\n") == 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* PT_GNU_STACK: code on the stack runs only when the program asks for it. */
void test_exec_stack(void)
{
	char out[256];
	int status;

	if (!run_program("xstack", out, sizeof(out), &status))
		return;
	CHECK(strcmp(out, "xstack: ran code on the stack\n") == 0);
	CHECK(run_program("xstack-nx", out, sizeof(out), &status));
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

/*
 * The bss that starts in the page where .data's file bytes end reads as
 * zero, though the file goes on there (execmap checks that it does): exec
 * maps that page as a page of the program's own, zero past the file's
 * bytes, never the file's page.  Without it, execmap sees its symbol
 * table in its bss.  Also run under qemu-riscv64 (load-programs-on-linux).
 */
void test_exec_bss_tail(void)
{
	char out[256];
	int status;

	if (!run_program("execmap", out, sizeof(out), &status))
		return;
	CHECK(strcmp(out, "execmap: ok\n") == 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0); /* 2: nothing was shown */
}

#define CHECK_ERR(call, e) CHECK((call) == -1 && errno == (e))

/* Start "path hold" with pipes on its stdin (*in) and stdout (*out); wait
 * for its "ready". */
static int start_holder(const char *path, int *in, int *out)
{
	int to[2], from[2], pid;
	char buf[8] = {0};

	CHECK_EQ(pipe(to), 0);
	CHECK_EQ(pipe(from), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char *argv[] = {"execmap", "hold", NULL};
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[1]);
		close(from[0]);
		raw_execve(path, argv, environ);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	CHECK_EQ(read(from[0], buf, 6), 6);
	CHECK(strcmp(buf, "ready\n") == 0);
	*in = to[1];
	*out = from[0];
	return pid;
}

/* Close the holder's stdin: it must say ok and exit 0. */
static void end_holder(int pid, int in, int out)
{
	char buf[64] = {0};
	int status;

	close(in);
	CHECK(read(out, buf, sizeof(buf) - 1) > 0);
	close(out);
	CHECK(strcmp(buf, "execmap: ok\n") == 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A copy of the program at path in the scripts' directory, as name. */
static char *copy_program(const char *path, const char *name)
{
	static char buf[4096];
	int from = open(path, O_RDONLY), to;
	char *copy = write_script(name, "", 0);
	long n;

	CHECK(from >= 0);
	to = open(copy, O_WRONLY | O_TRUNC);
	CHECK(to >= 0);
	while ((n = read(from, buf, sizeof(buf))) > 0)
		CHECK_EQ(write(to, buf, (size_t)n), n);
	CHECK_EQ(n, 0);
	close(from);
	close(to);
	return copy;
}

/*
 * A store to .data is the process's own: while one execmap holds its
 * store, another starts with .data as the file has it, and the file is
 * unchanged (execmap checks both).  Once with /bin/execmap (a file read
 * in place from the initramfs), once with a copy written to the RAM root.
 */
void test_exec_private_data(void)
{
	char out[256], *copy;
	int status, in, fd;

	if (!run_program("execmap", out, sizeof(out), &status))
		return;
	copy = copy_program(bin("execmap"), "prog");
	for (int i = 0; i < 2; i++) {
		char *path = i ? copy : bin("execmap");
		char *argv[] = {"execmap", NULL};
		int pid = start_holder(path, &in, &fd);
		run_capture(path, argv, out, sizeof(out), &status);
		CHECK(strcmp(out, "execmap: ok\n") == 0);
		end_holder(pid, in, fd);
	}
	remove_scripts();
}

/*
 * ETXTBSY, as Linux answers it: a program's file may not be opened for
 * writing or truncated while it runs, nor run while open for writing.
 * (Not on the reference run: qemu-riscv64's programs are not the host
 * kernel's; the host's Linux 6.18 gave these answers for its own.)
 */
void test_exec_etxtbsy(void)
{
	char out[64], *copy, *argv[] = {"execmap", NULL};
	struct stat st;
	int in, fd, status, pid;

	if (on_linux) {
		printf("  exec_etxtbsy: not on a Linux host (RISC-V programs under "
		       "qemu-riscv64)\n");
		return;
	}
	copy = copy_program(bin("execmap"), "prog");
	CHECK_EQ(stat(copy, &st), 0);
	pid = start_holder(copy, &in, &fd);
	CHECK_ERR(open(copy, O_WRONLY), ETXTBSY);
	CHECK_ERR(open(copy, O_RDWR), ETXTBSY);
	CHECK_ERR(open(copy, O_WRONLY | O_TRUNC), ETXTBSY);
	CHECK_ERR(truncate(copy, 0), ETXTBSY);
	int r = open(copy, O_RDONLY);
	CHECK(r >= 0);
	close(r);
	struct stat now;
	CHECK_EQ(stat(copy, &now), 0);
	CHECK_EQ(now.st_size, st.st_size); /* O_TRUNC cut nothing */
	end_holder(pid, in, fd);
	/* The program has ended: writers may come, and exec then waits. */
	int w = open(copy, O_WRONLY);
	CHECK(w >= 0);
	run_capture(copy, argv, out, sizeof(out), &status);
	CHECK(strcmp(out, "errno 26\n") == 0);
	close(w);
	run_capture(copy, argv, out, sizeof(out), &status);
	CHECK(strcmp(out, "execmap: ok\n") == 0);
	remove_scripts();
}

/* Do out's lines include the segments of a file whose path ends in
 * name: its text from offset 0, and its data? */
static bool maps_name(char *out, const char *name)
{
	size_t nl = strlen(name);
	bool text = false, data = false;

	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		size_t len = strlen(line);
		if (len < nl || strcmp(line + len - nl, name) != 0)
			continue;
		text |= strstr(line, " r-xp 00000000 ") != NULL;
		data |= strstr(line, " rw-p ") != NULL;
	}
	return text && data;
}

/*
 * /proc/self/maps names the program's file on its segments' lines, with
 * their file offsets, as Linux does: busybox's cat reading its own (a
 * program of its own: the name, found at the first read, stays with the
 * mapping, which a forked test would share with the harness).  The
 * reference run reads its own, which qemu-riscv64 makes up alike.
 */
void test_exec_maps(void)
{
	static char maps[16384];
	char *argv[] = {"cat", "/proc/self/maps", NULL};
	int status;

	if (on_linux) {
		int fd = open("/proc/self/maps", O_RDONLY);
		long n, got = 0;
		CHECK(fd >= 0);
		while ((n = read(fd, maps + got, sizeof(maps) - 1 - (size_t)got)) > 0)
			got += n;
		close(fd);
		maps[got] = 0;
		CHECK(maps_name(maps, "/usertests"));
		return;
	}
	run_capture(bin("cat"), argv, maps, sizeof(maps), &status);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (!maps_name(maps, "/bin/busybox"))
		test_fail(__FILE__, __LINE__, "no /bin/busybox text and data in:\n%s", maps);
}
