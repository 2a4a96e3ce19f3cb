/*
 * conformance-init - /init of the conformance suite's initramfs
 * (docs/conformance.md).  The same program runs as pid 1 on Sluice and on
 * Debian's Linux kernel, so it asks little of the kernel: fork, execve,
 * wait4, kill, nanosleep, clock_gettime, mount and reboot.  It is built with
 * Sluice's own runtime (userland/lib), whose fork is a plain
 * clone(SIGCHLD): a kernel that cannot run busybox's glibc fork yet still
 * runs every case and reports how each ended.
 *
 * /conformance/list names the cases, one a line: "NAME TIMEOUT", the case's
 * script being /conformance/cases/NAME.  Each runs as
 * `busybox sh /conformance/cases/NAME` in a process group of its own, in a
 * fresh directory /tmp/case.N, stdin on /dev/null, stdout and stderr into
 * one file; after TIMEOUT seconds the group is killed.  Then the runner
 * prints, on the console:
 *
 *     === begin N NAME          (before the case starts)
 *     === output NAME
 *     ...what the case wrote...
 *     === noeol                 (if its output did not end in a newline)
 *     === status NAME exit S    (or "signal S", Linux's number, or "timeout")
 *
 * A case listed as "NAME TIMEOUT tty" runs at a terminal instead: in a
 * session of its own whose controlling terminal is the console (the serial
 * line: /dev/ttyS0 where it exists, as on Linux, else /dev/console), which
 * is its stdin; stdout and stderr still go to the file.  The script points
 * the interactive program at the terminal (`vi f >&0 2>&0`) and the host
 * driver types at it.  The console's settings are put back afterwards.
 *
 * and, once all have run, "=== done", and powers off.  The kernel command
 * line's conf_from=N (an environment variable for init, on both kernels)
 * starts at the N-th case: the host driver boots again from the case after
 * one that crashed the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/param.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscall.h"

#define LIST_PATH  "/conformance/list"
#define CASES_DIR  "/conformance/cases/"
#define MAX_LIST   (64 * 1024)
#define MAX_OUTPUT (64 * 1024) /* printed per case; the rest is counted */

static char *const case_env[] = {
	"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	"HOME=/root",
	"SHELL=/bin/sh",
	"USER=root",
	"LOGNAME=root",
	"PWD=/",
	NULL,
};

/* Write all of buf to the console (fd 1), whatever short writes occur. */
static void put(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(1, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	put(line, n < 0 ? 0 : MIN((size_t)n, sizeof(line) - 1));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL); /* SIGCHLD cuts it short: that is the point */
}

static void on_sigchld(int sig)
{
	(void)sig;
}

/* The serial line the cases type at: Linux's devtmpfs has ttyS0, a
 * terminal that may be a controlling one; Sluice's console is one too. */
static int open_terminal(void)
{
	int fd = open("/dev/ttyS0", O_RDWR | O_NOCTTY);

	return fd >= 0 ? fd : open("/dev/console", O_RDWR | O_NOCTTY);
}

/* A terminal case's stdin: the console, as the controlling terminal of a
 * session of its own (so ^C, job control and /dev/tty work as at a login). */
static void take_terminal(void)
{
	setsid();
	close(0);
	if (open_terminal() != 0 || syscall3(__NR_ioctl, 0, LINUX_TIOCSCTTY, 1) < 0)
		_exit(125);
}

/* The child: become `busybox sh SCRIPT` with the output in out. */
static void case_child(const char *script, const char *dir, const char *out, bool tty)
{
	char *argv[] = {"sh", (char *)script, NULL};
	int fd;

	if (!tty)
		setpgid(0, 0); /* (a terminal case's setsid makes its group) */
	signal(SIGCHLD, SIG_DFL);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || chdir(dir) < 0)
		_exit(125);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	if (tty) {
		take_terminal();
	} else {
		close(0);
		if (open("/dev/null", O_RDONLY) != 0)
			_exit(125);
	}
	execve("/bin/busybox", argv, case_env);
	say("conformance-init: cannot run /bin/busybox: %s\n", strerror(errno));
	_exit(126);
}

/*
 * Wait for the case's shell at most `limit` seconds; then kill its process
 * group, and any member left behind by one that ended.  Returns its wait
 * status, or -1 when it ran out of time.
 */
static int case_wait(pid_t pid, double limit)
{
	double deadline = now() + limit;
	int status = 0;
	pid_t w;

	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (now() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			status = -1;
			break;
		}
		nap(10);
	}
	/*
	 * Background processes the case left, and orphans that came to pid 1.
	 * Wait until the whole group is gone, zombies too (kill finds a
	 * zombie): one still dying would show in the next case's ps or pidof.
	 */
	kill(-pid, SIGKILL);
	deadline = now() + 5;
	do {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (kill(-pid, 0) < 0)
			break;
		nap(5);
	} while (now() < deadline);
	return status;
}

/* Print the output file between the markers, then remove it. */
static void case_print_output(const char *name, const char *out)
{
	static char buf[4096];
	size_t total = 0, shown = 0;
	char last = '\n';
	int fd = open(out, O_RDONLY);
	ssize_t n;

	say("=== output %s\n", name);
	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0) {
		size_t k = MIN((size_t)n, MAX_OUTPUT - shown);
		put(buf, k);
		if (k)
			last = buf[k - 1];
		shown += k;
		total += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	unlink(out);
	if (last != '\n')
		say("\n=== noeol\n");
	if (total > shown)
		say("=== truncated %lu bytes\n", (unsigned long)(total - shown));
}

/* The console's termios (struct termios, as the kernel takes it), saved
 * before a terminal case and put back after it: a program killed in raw
 * mode must not leave the next case's terminal so. */
static void console_settings(bool restore)
{
	static uint8_t saved[64];
	int fd = open_terminal();

	if (fd < 0)
		return;
	syscall3(__NR_ioctl, fd, restore ? 0x5402 /* TCSETS */ : 0x5401 /* TCGETS */, (long)saved);
	close(fd);
}

static void case_run(int index, const char *name, double limit, bool tty)
{
	char script[256], dir[64], out[64];
	pid_t pid;
	int status;

	snprintf(script, sizeof(script), CASES_DIR "%s", name);
	snprintf(dir, sizeof(dir), "/tmp/case.%d", index);
	snprintf(out, sizeof(out), "/tmp/out.%d", index);
	mkdir(dir, 0755);
	if (tty)
		console_settings(false);
	say("=== begin %d %s\n", index, name);
	pid = fork();
	if (pid == 0)
		case_child(script, dir, out, tty);
	if (pid < 0) {
		say("=== output %s\nconformance-init: fork: %s\n", name, strerror(errno));
		say("=== status %s exit 125\n", name);
		return;
	}
	if (!tty)
		setpgid(pid, pid); /* also here: the kill must find the group */
	status = case_wait(pid, limit);
	if (tty) {
		console_settings(true);
		say("\n"); /* the terminal may have left a line unfinished */
	}
	case_print_output(name, out);
	if (status == -1)
		say("=== status %s timeout\n", name);
	else if (WIFSIGNALED(status))
		say("=== status %s signal %d\n", name, signal_to_linux(WTERMSIG(status)));
	else
		say("=== status %s exit %d\n", name, WEXITSTATUS(status));
}

/* What the host needs to normalise the kernel's names away. */
static void print_uname(void)
{
	struct utsname u;

	if (uname(&u) == 0)
		say("=== uname %s|%s|%s|%s\n", u.sysname, u.release, u.version, u.nodename);
}

static void power_off(void)
{
	sync();
	reboot(LINUX_REBOOT_CMD_POWER_OFF);
	say("conformance-init: power-off failed: %s\n", strerror(errno));
	for (;;)
		nap(1000);
}

/* Whether /proc/mounts has a line for dir (" dir "). */
static bool mounted(const char *dir)
{
	static char buf[4096];
	char pat[64];
	int fd = open("/proc/mounts", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	snprintf(pat, sizeof(pat), " %s ", dir);
	return strstr(buf, pat) != NULL;
}

/*
 * proc for the cases, devtmpfs for /dev/null and such: Linux leaves both to
 * init, a kernel that mounts them itself must not get them twice (the
 * cases look at /proc/mounts).
 */
static void mount_missing(void)
{
	if (!mounted("/proc"))
		mount("proc", "/proc", "proc", 0, NULL);
	if (!mounted("/dev"))
		mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
}

/* Read the case list into buf; returns its length or -1. */
static long read_list(char *buf, size_t size)
{
	int fd = open(LIST_PATH, O_RDONLY);
	long len = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (len < (long)size - 1 && (n = read(fd, buf + len, size - 1 - (size_t)len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

int main(void)
{
	static char list[MAX_LIST];
	const char *from_env = getenv("conf_from");
	int from = from_env ? atoi(from_env) : 0, index = 0;
	char *line, *save = NULL;

	mount_missing();
	mkdir("/tmp", 01777);
	signal(SIGCHLD, on_sigchld);
	print_uname();
	if (read_list(list, sizeof(list)) < 0) {
		say("conformance-init: cannot read " LIST_PATH ": %s\n", strerror(errno));
		power_off();
	}
	say("=== start %d\n", from);
	for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		double limit = sp ? atof(sp + 1) : 10;
		bool tty = sp && strstr(sp + 1, " tty");

		if (sp)
			*sp = '\0';
		if (index >= from)
			case_run(index, line, limit > 0 ? limit : 10, tty);
		index++;
	}
	say("=== done\n");
	power_off();
}
