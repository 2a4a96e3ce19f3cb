/*
 * Host tests for the real-time clock's calendar (src/lib/rtc_time.c):
 * dates whose rules are easy to get wrong (1970, leap days, 2000 a leap
 * year, 2100 not, the end of 2099, the last second 64 bits of nanoseconds
 * hold), Linux's validity rules and ranges, and every day from 1970 to
 * 2554 and a million random instants against the C library's gmtime,
 * which knows the calendar independently.
 */
#include <limits.h>
#include <string.h>
#include <time.h>

#include <sluice/errno.h>
#include <sluice/rtc.h>

#include "host_stubs.h"

#define NS 1000000000ull

/* A second since 1970, its date and time, weekday and Linux's yday. */
struct known {
	uint64_t secs;
	int year, mon, mday, hour, min, sec, wday, yday;
};

/* Worked out by hand from the calendar, and checked with Python's calendar.timegm. */
static const struct known known[] = {
	{0, 1970, 1, 1, 0, 0, 0, 4, 1},
	{68212800, 1972, 2, 29, 12, 0, 0, 2, 60}, /* the first leap day */
	{946684799, 1999, 12, 31, 23, 59, 59, 5, 365},
	{946684800, 2000, 1, 1, 0, 0, 0, 6, 1},
	{951782399, 2000, 2, 28, 23, 59, 59, 1, 59},
	{951782400, 2000, 2, 29, 0, 0, 0, 2, 60}, /* 400 divides 2000 */
	{951868800, 2000, 3, 1, 0, 0, 0, 3, 61},
	{978307199, 2000, 12, 31, 23, 59, 59, 0, 366},
	{1677628799, 2023, 2, 28, 23, 59, 59, 2, 59},
	{1677628800, 2023, 3, 1, 0, 0, 0, 3, 60},
	{1709188215, 2024, 2, 29, 6, 30, 15, 4, 60},
	{2147483648, 2038, 1, 19, 3, 14, 8, 2, 19}, /* past 32-bit time_t */
	{4102444799, 2099, 12, 31, 23, 59, 59, 4, 365},
	{4102444800, 2100, 1, 1, 0, 0, 0, 5, 1},
	{4107542399, 2100, 2, 28, 23, 59, 59, 0, 59},
	{4107542400, 2100, 3, 1, 0, 0, 0, 1, 60},	/* no 2100-02-29 */
	{18446744073, 2554, 7, 21, 23, 34, 33, 0, 202}, /* the last second of 2^64 ns */
};

static struct rtc_time tm_of(int year, int mon, int mday, int hour, int min, int sec)
{
	return (struct rtc_time){.tm_sec = sec,
				 .tm_min = min,
				 .tm_hour = hour,
				 .tm_mday = mday,
				 .tm_mon = mon - 1,
				 .tm_year = year - 1900,
				 .tm_wday = -1, /* ignored when converted to ns */
				 .tm_yday = -1,
				 .tm_isdst = -1};
}

static void known_dates(void)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct known *k = &known[i];
		struct rtc_time tm;
		uint64_t ns = 0;

		rtc_time_from_ns(k->secs * NS + 999999999 * (k->secs < 18446744073), &tm);
		CHECK_EQ(tm.tm_year, k->year - 1900);
		CHECK_EQ(tm.tm_mon, k->mon - 1);
		CHECK_EQ(tm.tm_mday, k->mday);
		CHECK_EQ(tm.tm_hour, k->hour);
		CHECK_EQ(tm.tm_min, k->min);
		CHECK_EQ(tm.tm_sec, k->sec);
		CHECK_EQ(tm.tm_wday, k->wday);
		CHECK_EQ(tm.tm_yday, k->yday);
		CHECK_EQ(tm.tm_isdst, 0);
		tm = tm_of(k->year, k->mon, k->mday, k->hour, k->min, k->sec);
		CHECK_EQ(rtc_time_to_ns(&tm, &ns), 0);
		CHECK_EQ(ns, k->secs * NS);
	}
	struct rtc_time tm;
	rtc_time_from_ns(UINT64_MAX, &tm); /* 2554-07-21 23:34:33.709551615 */
	CHECK_EQ(tm.tm_year, 2554 - 1900);
	CHECK_EQ(tm.tm_sec, 33);
}

static void expect(struct rtc_time tm, int err)
{
	uint64_t ns = 12345;

	CHECK_EQ(rtc_time_valid(&tm), err == -ERANGE ? 0 : err);
	CHECK_EQ(rtc_time_to_ns(&tm, &ns), err);
	if (err)
		CHECK_EQ(ns, 12345); /* untouched */
}

/* Linux's rtc_valid_tm, then the range 64 bits of nanoseconds hold. */
static void validity(void)
{
	expect(tm_of(1970, 1, 1, 0, 0, 0), 0);
	expect(tm_of(1969, 12, 31, 23, 59, 59), -EINVAL); /* tm_year 69 */
	expect(tm_of(2000, 2, 29, 0, 0, 0), 0);
	expect(tm_of(2100, 2, 29, 0, 0, 0), -EINVAL);
	expect(tm_of(2023, 2, 29, 0, 0, 0), -EINVAL);
	expect(tm_of(2024, 2, 29, 0, 0, 0), 0);
	expect(tm_of(2024, 4, 31, 0, 0, 0), -EINVAL);
	expect(tm_of(2024, 12, 31, 23, 59, 59), 0);
	expect(tm_of(2024, 13, 1, 0, 0, 0), -EINVAL); /* tm_mon 12 */
	expect(tm_of(2024, 0, 1, 0, 0, 0), -EINVAL);  /* tm_mon -1 */
	expect(tm_of(2024, 1, 0, 0, 0, 0), -EINVAL);
	expect(tm_of(2024, 1, 32, 0, 0, 0), -EINVAL);
	expect(tm_of(2024, 1, 1, 24, 0, 0), -EINVAL);
	expect(tm_of(2024, 1, 1, -1, 0, 0), -EINVAL);
	expect(tm_of(2024, 1, 1, 0, 60, 0), -EINVAL);
	expect(tm_of(2024, 1, 1, 0, -1, 0), -EINVAL);
	expect(tm_of(2024, 1, 1, 0, 0, 60), -EINVAL); /* no leap seconds */
	expect(tm_of(2024, 1, 1, 0, 0, -1), -EINVAL);
	expect(tm_of(2554, 7, 21, 23, 34, 33), 0);
	expect(tm_of(2554, 7, 21, 23, 34, 34), -ERANGE);
	expect(tm_of(2555, 1, 1, 0, 0, 0), -ERANGE);
	struct rtc_time far = tm_of(2000, 12, 31, 23, 59, 59);
	far.tm_year = INT_MAX - 1900; /* the last year Linux calls valid */
	expect(far, -ERANGE);
	far.tm_year++;
	expect(far, -EINVAL);
	far.tm_year = INT_MIN;
	expect(far, -EINVAL);
	far = tm_of(2000, 1, 1, 0, 0, 0);
	far.tm_mday = INT_MAX;
	expect(far, -EINVAL);
}

/* Every day from 1970 to 2554, at noon, against gmtime_r. */
static void every_day(void)
{
	for (time_t t = 12 * 3600; (uint64_t)t <= UINT64_MAX / NS; t += 86400) {
		struct rtc_time r;
		struct tm g;
		uint64_t ns;

		CHECK(gmtime_r(&t, &g));
		rtc_time_from_ns((uint64_t)t * NS, &r);
		CHECK_EQ(r.tm_year, g.tm_year);
		CHECK_EQ(r.tm_mon, g.tm_mon);
		CHECK_EQ(r.tm_mday, g.tm_mday);
		CHECK_EQ(r.tm_hour, 12);
		CHECK_EQ(r.tm_wday, g.tm_wday);
		CHECK_EQ(r.tm_yday, g.tm_yday + 1);
		CHECK_EQ(rtc_time_to_ns(&r, &ns), 0);
		CHECK_EQ(ns, (uint64_t)t * NS);
	}
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random instants over the whole of 64 bits of nanoseconds: the fields
 * are gmtime's, and back to nanoseconds gives the second they are in. */
static void random_round_trips(void)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	for (int i = 0; i < 1000000; i++) {
		uint64_t ns = xorshift(&seed), back = 0;
		struct rtc_time r;
		struct tm g;

		if (i % 2)
			ns %= 4102444800ull * NS; /* half of them before 2100 */
		time_t t = (time_t)(ns / NS);
		rtc_time_from_ns(ns, &r);
		CHECK(gmtime_r(&t, &g));
		CHECK_EQ(r.tm_sec, g.tm_sec);
		CHECK_EQ(r.tm_min, g.tm_min);
		CHECK_EQ(r.tm_hour, g.tm_hour);
		CHECK_EQ(r.tm_mday, g.tm_mday);
		CHECK_EQ(r.tm_mon, g.tm_mon);
		CHECK_EQ(r.tm_year, g.tm_year);
		CHECK_EQ(r.tm_wday, g.tm_wday);
		CHECK_EQ(r.tm_yday, g.tm_yday + 1);
		CHECK_EQ(rtc_time_valid(&r), 0);
		CHECK_EQ(rtc_time_to_ns(&r, &back), 0);
		CHECK_EQ(back, ns - ns % NS);
	}
}

int main(void)
{
	known_dates();
	validity();
	every_day();
	random_round_trips();
	printf("test_rtc_time: ok\n");
	return 0;
}
