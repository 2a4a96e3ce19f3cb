/*
 * Host tests for the kernel log's ring (src/lib/klog.c): the line prefix
 * syslog(2) hands out, lines split over several printk calls, dropping the
 * oldest whole lines when full, READ_ALL's newest-lines-that-fit, READ's
 * position and CLEAR.
 */
#include <string.h>

#include <sluice/klog.h>

#include "host_stubs.h"

static int failures;

#define EXPECT(cond)                                                                               \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("FAIL line %d: %s\n", __LINE__, #cond);                             \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* READ_ALL of everything, as a string. */
static const char *all(const struct klog *l)
{
	static char out[4096];
	size_t n = klog_read_all(l, out, sizeof(out) - 1);

	out[n] = '\0';
	return out;
}

static void add(struct klog *l, const char *s, uint64_t ns)
{
	klog_append(l, s, strlen(s), ns);
}

static void test_prefix_and_pieces(void)
{
	static char buf[1024];
	struct klog l;

	klog_init(&l, buf, sizeof(buf));
	EXPECT(!strcmp(all(&l), ""));
	add(&l, "sluice: boot\n", 0);
	add(&l, "part one, ", 1234567891);
	add(&l, "part two\nnext", 2000000000);
	add(&l, " line\n", 99999999999999ull);
	EXPECT(!strcmp(all(&l), "<6>[    0.000000] sluice: boot\n"
				"<6>[    1.234567] part one, part two\n"
				"<6>[    2.000000] next line\n"));
	add(&l, "x\n", 123456000000000ull); /* more than 5 digits of seconds */
	EXPECT(strstr(all(&l), "<6>[123456.000000] x\n") != NULL);
}

static void test_full_drops_oldest_lines(void)
{
	static char buf[64];
	struct klog l;
	char line[32];

	klog_init(&l, buf, sizeof(buf));
	/* An 18-byte prefix + 6 bytes: 24 per line, so two fit in 64. */
	for (int i = 0; i < 10; i++) {
		snprintf(line, sizeof(line), "line%d\n", i);
		add(&l, line, 0);
	}
	EXPECT(!strcmp(all(&l), "<6>[    0.000000] line8\n<6>[    0.000000] line9\n"));
	EXPECT(l.head - l.tail <= sizeof(buf));
}

static void test_read_all_newest_that_fit(void)
{
	static char buf[1024];
	struct klog l;
	char out[64];

	klog_init(&l, buf, sizeof(buf));
	add(&l, "aaaa\nbbbb\n", 0);
	/* 23 bytes per line: 30 bytes hold only the newest line whole. */
	size_t n = klog_read_all(&l, out, 30);
	EXPECT(n == 23 && !memcmp(out, "<6>[    0.000000] bbbb\n", 23));
	EXPECT(klog_read_all(&l, out, 10) == 0); /* no whole line fits */
}

static void test_read_and_clear(void)
{
	static char buf[1024];
	struct klog l;
	char out[64];

	klog_init(&l, buf, sizeof(buf));
	add(&l, "one\n", 0);
	EXPECT(klog_unread(&l) == 22);
	EXPECT(klog_read(&l, out, 5) == 5 && !memcmp(out, "<6>[ ", 5));
	EXPECT(klog_unread(&l) == 17);
	EXPECT(klog_read(&l, out, sizeof(out)) == 17 && !memcmp(out, "   0.000000] one\n", 17));
	EXPECT(klog_unread(&l) == 0 && klog_read(&l, out, sizeof(out)) == 0);
	klog_clear(&l);
	EXPECT(!strcmp(all(&l), ""));
	add(&l, "two\n", 0);
	EXPECT(!strcmp(all(&l), "<6>[    0.000000] two\n"));
	EXPECT(klog_unread(&l) == 22); /* CLEAR leaves READ's position */
}

/* The readers' positions follow the tail when the ring drops lines. */
static void test_readers_follow_tail(void)
{
	static char buf[48];
	struct klog l;
	char out[64];

	klog_init(&l, buf, sizeof(buf));
	add(&l, "a\n", 0);
	klog_clear(&l);
	for (int i = 0; i < 5; i++)
		add(&l, "bb\n", 0);
	EXPECT(klog_unread(&l) <= sizeof(buf));
	EXPECT(klog_read(&l, out, sizeof(out)) == klog_read_all(&l, out, sizeof(out)));
	/* One line longer than the ring: kept as its last bytes. */
	klog_init(&l, buf, sizeof(buf));
	for (int i = 0; i < 100; i++)
		add(&l, "z", 0);
	EXPECT(l.head - l.tail == sizeof(buf));
}

int main(void)
{
	test_prefix_and_pieces();
	test_full_drops_oldest_lines();
	test_read_all_newest_that_fit();
	test_read_and_clear();
	test_readers_follow_tail();
	if (failures)
		return 1;
	printf("test_klog: ok\n");
	return 0;
}
