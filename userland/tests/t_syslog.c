/*
 * t_syslog.c - syslog(2), the kernel log busybox's dmesg and klogd read:
 * READ_ALL's lines as Linux formats them ("<6>[    0.123456] text"),
 * SIZE_BUFFER, READ and SIZE_UNREAD (READ waits for text and a signal ends
 * the wait), READ_CLEAR, the console level's bounds, who may do what, and
 * Linux's refusals.  Skipped on Linux: a host's log and its dmesg_restrict
 * are not the guest's.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "usertests.h"

enum {
	LOG_READ = 2,
	LOG_READ_ALL = 3,
	LOG_READ_CLEAR = 4,
	LOG_CLEAR = 5,
	LOG_CONSOLE_OFF = 6,
	LOG_CONSOLE_ON = 7,
	LOG_CONSOLE_LEVEL = 8,
	LOG_SIZE_UNREAD = 9,
	LOG_SIZE_BUFFER = 10,
};

static long klog(int type, void *buf, long len)
{
	return syscall3(__NR_syslog, type, (long)buf, len);
}

/* Does line (up to its newline) look as Linux's syslog(2) hands it out? */
static bool line_ok(const char *p, const char *end)
{
	if (end - p < 18 || p[0] != '<' || p[1] < '0' || p[1] > '7' || p[2] != '>' || p[3] != '[')
		return false;
	for (int i = 4; i < 16; i++)
		if (i == 9 ? p[i] != '.' : !(p[i] == ' ' || (p[i] >= '0' && p[i] <= '9')))
			return false;
	return p[15] >= '0' && p[16] == ']' && p[17] == ' ';
}

/* Every line of text[0..n) well formed and ended; how many there are. */
static int check_lines(const char *text, long n)
{
	int lines = 0;

	for (const char *p = text, *end = text + n; p < end; lines++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		CHECK(nl != NULL);
		if (!nl)
			break;
		CHECK(line_ok(p, nl));
		p = nl + 1;
	}
	return lines;
}

void test_syslog_read_all(void)
{
	if (on_linux)
		return;
	long size = klog(LOG_SIZE_BUFFER, NULL, 0);
	CHECK_EQ(size, 16384);
	char *text = malloc((size_t)size + 1);
	CHECK(text != NULL);
	long n = klog(LOG_READ_ALL, text, size);
	CHECK(n > 0 && n <= size);
	CHECK(check_lines(text, n) > 3);
	text[n] = '\0';
	CHECK(strstr(text, "Sluice") != NULL); /* the boot banner */
	/* A short buffer: the newest whole lines only. */
	char small[100];
	long m = klog(LOG_READ_ALL, small, sizeof(small));
	CHECK(m >= 0 && m <= (long)sizeof(small));
	check_lines(small, m);
	CHECK(m == 0 || !memcmp(small, text + n - m, (size_t)m));
	CHECK_EQ(klog(LOG_READ_ALL, text, 0), 0);
	CHECK_EQ(klog(LOG_READ_ALL, NULL, 10), -EINVAL);
	CHECK_EQ(klog(LOG_READ_ALL, text, -1), -EINVAL);
	CHECK_EQ(klog(LOG_READ_ALL, (void *)KERNEL_HALF, 10), -EFAULT);
	CHECK_EQ(klog(11, NULL, 0), -EINVAL);
	CHECK_EQ(klog(-1, NULL, 0), -EINVAL);
	free(text);
}

static volatile int alarmed;

static void on_alarm(int sig)
{
	(void)sig;
	alarmed = 1;
}

/* READ consumes: SIZE_UNREAD falls to 0, then READ waits until a signal. */
void test_syslog_read(void)
{
	if (on_linux)
		return;
	char buf[512];
	long unread = klog(LOG_SIZE_UNREAD, NULL, 0);
	CHECK(unread > 0);
	CHECK_EQ(klog(LOG_READ, buf, 10), 10);
	CHECK(klog(LOG_SIZE_UNREAD, NULL, 0) <= unread - 10);
	while (klog(LOG_SIZE_UNREAD, NULL, 0) > 0)
		CHECK(klog(LOG_READ, buf, sizeof(buf)) > 0);
	CHECK_EQ(klog(LOG_READ, buf, 0), 0);
	CHECK_EQ(klog(LOG_READ, NULL, 10), -EINVAL);

	/* Nothing unread: READ sleeps; the alarm (no SA_RESTART) ends it. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	CHECK_EQ(sigaction(SIGALRM, &sa, NULL), 0);
	alarmed = 0;
	struct {
		long isec, iusec, sec, usec;
	} it = {0, 0, 0, 300000};
	CHECK_EQ(syscall3(__NR_setitimer, 0, (long)&it, 0), 0);
	CHECK_EQ(klog(LOG_READ, buf, sizeof(buf)), -EINTR);
	CHECK(alarmed);
	sa.sa_handler = SIG_DFL;
	CHECK_EQ(sigaction(SIGALRM, &sa, NULL), 0);
}

/* READ_CLEAR hands out the log and empties it for READ_ALL. */
void test_syslog_clear(void)
{
	if (on_linux)
		return;
	static char text[16384];
	long n = klog(LOG_READ_CLEAR, text, sizeof(text));
	CHECK(n > 0);
	check_lines(text, n);
	CHECK_EQ(klog(LOG_READ_ALL, text, sizeof(text)), 0);
	CHECK_EQ(klog(LOG_CLEAR, NULL, 0), 0);
}

/* The console level's bounds; OFF and ON pair up. */
void test_syslog_console(void)
{
	if (on_linux)
		return;
	CHECK_EQ(klog(LOG_CONSOLE_LEVEL, NULL, 0), -EINVAL);
	CHECK_EQ(klog(LOG_CONSOLE_LEVEL, NULL, 9), -EINVAL);
	CHECK_EQ(klog(LOG_CONSOLE_LEVEL, NULL, 8), 0);
	CHECK_EQ(klog(LOG_CONSOLE_OFF, NULL, 0), 0);
	CHECK_EQ(klog(LOG_CONSOLE_ON, NULL, 0), 0);
	CHECK_EQ(klog(LOG_CONSOLE_LEVEL, NULL, 7), 0); /* Linux's default back */
}

/* Not root: READ_ALL and SIZE_BUFFER only (dmesg_restrict 0). */
static void syslog_unprivileged(void)
{
	char buf[64];

	CHECK_EQ(syscall3(__NR_setresuid, 1000, 1000, 1000), 0);
	CHECK(klog(LOG_READ_ALL, buf, sizeof(buf)) >= 0);
	CHECK_EQ(klog(LOG_SIZE_BUFFER, NULL, 0), 16384);
	CHECK_EQ(klog(LOG_SIZE_UNREAD, NULL, 0), -EPERM);
	CHECK_EQ(klog(LOG_READ, buf, sizeof(buf)), -EPERM);
	CHECK_EQ(klog(LOG_CLEAR, NULL, 0), -EPERM);
	CHECK_EQ(klog(LOG_CONSOLE_LEVEL, NULL, 1), -EPERM);
	CHECK_EQ(klog(99, NULL, 0), -EPERM);
}

void test_syslog_perm(void)
{
	if (on_linux)
		return;
	int status = reap(spawn(syslog_unprivileged));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
