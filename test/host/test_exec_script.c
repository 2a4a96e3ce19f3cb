/*
 * Host tests for exec's "#!" line parser (src/proc/exec_script.c): each
 * case's answer is what Linux 6.x gave for the same file (usertests'
 * exec_script checks the same rules end to end, on Sluice and on Linux),
 * plus every position of a NUL, newline and blank in a short line, in an
 * exact-size buffer so AddressSanitizer sees any read outside it.
 */
#include <stdlib.h>
#include <string.h>

#include <sluice/errno.h>
#include <sluice/exec.h>

#include "host_stubs.h"

/* Parse text (len bytes, the rest of the buffer zero) in a fresh buffer. */
static int parse(const char *text, size_t len, char *name, char *arg)
{
	char *buf = calloc(1, EXEC_SCRIPT_BUF);
	const char *n, *a;
	int err;

	CHECK(buf != NULL);
	memcpy(buf, text, len < EXEC_SCRIPT_BUF ? len : EXEC_SCRIPT_BUF);
	err = exec_script_parse(buf, &n, &a);
	name[0] = arg[0] = 0;
	if (!err) {
		CHECK(n >= buf && n < buf + EXEC_SCRIPT_BUF);
		strcpy(name, n);
		strcpy(arg, a ? a : "(none)");
	}
	free(buf);
	return err;
}

static void expect(const char *text, size_t len, const char *name, const char *arg)
{
	char n[EXEC_SCRIPT_BUF], a[EXEC_SCRIPT_BUF];

	CHECK_EQ(parse(text, len, n, a), 0);
	if (strcmp(n, name) || strcmp(a, arg)) {
		fprintf(stderr, "%.*s: got \"%s\" \"%s\", want \"%s\" \"%s\"\n", (int)len, text, n,
			a, name, arg);
		exit(1);
	}
}

#define OK(text, name, arg) expect(text, sizeof(text) - 1, name, arg)
#define BAD(text)                                                                                  \
	do {                                                                                       \
		char nm_[EXEC_SCRIPT_BUF], ar_[EXEC_SCRIPT_BUF];                                   \
		CHECK_EQ(parse(text, sizeof(text) - 1, nm_, ar_), -ENOEXEC);                       \
	} while (0)

static void test_lines(void)
{
	OK("#!/bin/sh\n", "/bin/sh", "(none)");
	OK("#!/bin/sh", "/bin/sh", "(none)");
	OK("#!/bin/echo  a  b \t\nrest", "/bin/echo", "a  b");
	OK("#!  /bin/echo\ta", "/bin/echo", "a");
	OK("#!/bin/echo a\0b\n", "/bin/echo", "a");
	OK("#!/bin/echo\0a b\n", "/bin/echo", "(none)");
	OK("#!/bin/sh \n", "/bin/sh", "(none)");
	OK("#!/bin/sh -e -x\n", "/bin/sh", "-e -x");
	BAD("#!\n");
	BAD("#! \t \n");
	OK("#!", "", "(none)"); /* an empty name: exec looks up "" (EACCES, as Linux) */
	BAD("#");
	BAD("");
	BAD("\177ELF");
	BAD("# !/bin/sh\n");
}

/* 300 bytes with no newline: the argument is cut at byte 255; a path that
 * reaches the end of the buffer is refused. */
static void test_long_lines(void)
{
	char text[300], want[256];

	memset(text, 'y', sizeof(text));
	memcpy(text, "#!/bin/echo ", 12);
	memset(want, 'y', 255 - 12);
	want[255 - 12] = 0;
	expect(text, sizeof(text), "/bin/echo", want);
	text[299] = '\n';
	expect(text, sizeof(text), "/bin/echo", want);
	text[11] = 'y'; /* the path runs on */
	char n[EXEC_SCRIPT_BUF], a[EXEC_SCRIPT_BUF];
	CHECK_EQ(parse(text, sizeof(text), n, a), -ENOEXEC);
	/* A path that ends at byte 254 with a blank at 255 still fits. */
	memset(text, 'p', sizeof(text));
	memcpy(text, "#!/", 3);
	text[255] = ' ';
	CHECK_EQ(parse(text, sizeof(text), n, a), 0);
	CHECK_EQ(strlen(n), 253);
}

/* Every short line with NUL, newline, blank or letter at each place: no
 * read outside the buffer, and what comes back is inside it. */
static void test_all_small(void)
{
	static const char alphabet[] = {0, '\n', ' ', '\t', 'a', '/'};
	char text[8] = "#!";
	char n[EXEC_SCRIPT_BUF], a[EXEC_SCRIPT_BUF];
	long count = 0;

	for (int i = 0; i < 6 * 6 * 6 * 6 * 6 * 6; i++) {
		int k = i;
		for (int j = 2; j < 8; j++, k /= 6)
			text[j] = alphabet[k % 6];
		int err = parse(text, sizeof(text), n, a);
		CHECK(err == 0 || err == -ENOEXEC);
		if (!err) {
			CHECK(!strchr(n, ' ') && !strchr(n, '\t') && !strchr(n, '\n'));
			count++;
		}
	}
	CHECK(count > 0);
}

int main(void)
{
	test_lines();
	test_long_lines();
	test_all_small();
	printf("test_exec_script: ok\n");
	return 0;
}
