/*
 * Calendar arithmetic for real-time clocks: nanoseconds since 1970-01-01
 * 00:00:00 UTC to and from struct rtc_time (sluice/rtc.h).
 *
 * The calendar is the Gregorian one, carried back before 1582 as POSIX
 * time does: a year is a leap year if 4 divides it, except a century year,
 * which is one only if 400 divides it (2000 was, 2100 is not).  A day is
 * 86400 seconds: POSIX time counts no leap seconds.  Pure code, tested on
 * the host (test/host/test_rtc_time.c) against the C library's gmtime.
 */
#include <sluice/errno.h>
#include <sluice/rtc.h>

#define NSEC_PER_SEC 1000000000ull
#define SECS_PER_DAY 86400
#define EPOCH_YEAR   1970
#define EPOCH_WDAY   4 /* 1970-01-01 was a Thursday */
#define TM_YEAR_BASE 1900

static bool leap_year(int64_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Days in month mon (0 = January) of year. */
static int month_days(int mon, int64_t year)
{
	static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return days[mon] + (mon == 1 && leap_year(year));
}

/* Leap years among years 1 to year (year >= 0), by the rule above. */
static int64_t leaps_through(int64_t year)
{
	return year / 4 - year / 100 + year / 400;
}

/* Days from 1970-01-01 to January 1st of year (year >= 1970). */
static int64_t days_before_year(int64_t year)
{
	return 365 * (year - EPOCH_YEAR) + leaps_through(year - 1) - leaps_through(EPOCH_YEAR - 1);
}

void rtc_time_from_ns(uint64_t ns, struct rtc_time *tm)
{
	uint64_t secs = ns / NSEC_PER_SEC;
	int64_t days = (int64_t)(secs / SECS_PER_DAY);
	int sod = (int)(secs % SECS_PER_DAY), mon = 0;

	/* No year has more than 366 days, so this guess is never past the
	 * year; it falls short by a year for every 480 or so since 1970 (two
	 * steps at most before 2554, where 64 bits of nanoseconds end). */
	int64_t year = EPOCH_YEAR + days / 366;
	while (days_before_year(year + 1) <= days)
		year++;
	int yday = (int)(days - days_before_year(year)), mday = yday;
	while (mday >= month_days(mon, year))
		mday -= month_days(mon++, year);

	tm->tm_sec = sod % 60;
	tm->tm_min = sod / 60 % 60;
	tm->tm_hour = sod / 3600;
	tm->tm_mday = mday + 1;
	tm->tm_mon = mon;
	tm->tm_year = (int)(year - TM_YEAR_BASE);
	tm->tm_wday = (int)((days + EPOCH_WDAY) % 7);
	tm->tm_yday = yday + 1; /* Linux's RTC class counts January 1st as 1 */
	tm->tm_isdst = 0;
}

int rtc_time_valid(const struct rtc_time *tm)
{
	/* Unsigned compares catch the negative values too. */
	if (tm->tm_year < EPOCH_YEAR - TM_YEAR_BASE || tm->tm_year > INT32_MAX - TM_YEAR_BASE ||
	    (unsigned int)tm->tm_mon >= 12 || tm->tm_mday < 1 ||
	    tm->tm_mday > month_days(tm->tm_mon, (int64_t)tm->tm_year + TM_YEAR_BASE) ||
	    (unsigned int)tm->tm_hour >= 24 || (unsigned int)tm->tm_min >= 60 ||
	    (unsigned int)tm->tm_sec >= 60)
		return -EINVAL;
	return 0;
}

int rtc_time_to_ns(const struct rtc_time *tm, uint64_t *ns)
{
	int err = rtc_time_valid(tm);

	if (err)
		return err;
	int64_t year = (int64_t)tm->tm_year + TM_YEAR_BASE;
	int64_t days = days_before_year(year) + tm->tm_mday - 1;
	for (int mon = 0; mon < tm->tm_mon; mon++)
		days += month_days(mon, year);
	/* At most about 6.8e16 seconds (the year 2^31): no overflow here. */
	uint64_t secs = (uint64_t)days * SECS_PER_DAY + (uint64_t)tm->tm_hour * 3600 +
			(uint64_t)tm->tm_min * 60 + (uint64_t)tm->tm_sec;
	if (secs > UINT64_MAX / NSEC_PER_SEC)
		return -ERANGE;
	*ns = secs * NSEC_PER_SEC;
	return 0;
}
