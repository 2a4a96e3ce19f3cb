/*
 * Real-time clocks: the calendar time a clock keeps while the machine is
 * off, and /dev/rtc0, the character device Linux gives programs for it
 * (hwclock).  The ABI is Linux's include/uapi/linux/rtc.h.
 *
 * A driver registers its clock with rtc_register (src/dev/rtc.c, the class
 * layer): two operations on nanoseconds since 1970.  The first clock
 * registered is rtc0; it sets CLOCK_REALTIME at boot, as Linux's
 * CONFIG_RTC_HCTOSYS does.  The calendar arithmetic (src/lib/rtc_time.c)
 * is pure and tested on the host.
 */
#ifndef SLUICE_RTC_H
#define SLUICE_RTC_H

#include <sluice/types.h>

/* Linux's struct rtc_time: UTC, fields as struct tm's, with one quirk:
 * Linux's RTC class fills tm_yday from 1 (January 1st is 1), struct tm
 * from 0; a program that sets the time may leave tm_wday and tm_yday
 * anything (they are ignored). */
struct rtc_time {
	int tm_sec;   /* 0-59 */
	int tm_min;   /* 0-59 */
	int tm_hour;  /* 0-23 */
	int tm_mday;  /* 1-31 */
	int tm_mon;   /* 0-11 */
	int tm_year;  /* years since 1900 */
	int tm_wday;  /* days since Sunday, 0-6 */
	int tm_yday;  /* day of the year, 1-366 (see above) */
	int tm_isdst; /* 0: UTC has no summer time */
};
_Static_assert(sizeof(struct rtc_time) == 36, "struct rtc_time is nine ints, as Linux's");

/* The ioctl numbers, made as Linux's asm-generic/ioctl.h makes them:
 * direction (bit 30 write to the kernel, bit 31 read from it), the
 * argument's size, the type 'p' and the number. */
#define RTC_IOC(dir, nr, size) (((unsigned long)(dir) << 30) | ((size) << 16) | ('p' << 8) | (nr))
#define RTC_IOC_NONE	       0u
#define RTC_IOC_WRITE	       1u
#define RTC_IOC_READ	       2u

#define RTC_AIE_ON    RTC_IOC(RTC_IOC_NONE, 0x01, 0) /* alarm interrupt on */
#define RTC_AIE_OFF   RTC_IOC(RTC_IOC_NONE, 0x02, 0)
#define RTC_UIE_ON    RTC_IOC(RTC_IOC_NONE, 0x03, 0) /* update (each second) interrupt on */
#define RTC_UIE_OFF   RTC_IOC(RTC_IOC_NONE, 0x04, 0)
#define RTC_ALM_SET   RTC_IOC(RTC_IOC_WRITE, 0x07, sizeof(struct rtc_time))
#define RTC_ALM_READ  RTC_IOC(RTC_IOC_READ, 0x08, sizeof(struct rtc_time))
#define RTC_RD_TIME   RTC_IOC(RTC_IOC_READ, 0x09, sizeof(struct rtc_time))
#define RTC_SET_TIME  RTC_IOC(RTC_IOC_WRITE, 0x0a, sizeof(struct rtc_time))
#define RTC_WKALM_SET RTC_IOC(RTC_IOC_WRITE, 0x0f, 40) /* struct rtc_wkalrm */
#define RTC_WKALM_RD  RTC_IOC(RTC_IOC_READ, 0x10, 40)
_Static_assert(RTC_RD_TIME == 0x80247009 && RTC_SET_TIME == 0x4024700a,
	       "RTC_RD_TIME and RTC_SET_TIME as Linux numbers them");

/* --- the calendar (src/lib/rtc_time.c) --- */

/* The time ns nanoseconds after 1970-01-01 00:00:00 UTC, to the second
 * (the fraction is dropped), every field filled as Linux fills them. */
void rtc_time_from_ns(uint64_t ns, struct rtc_time *tm);

/* 0 if tm names a time Linux's RTC class accepts (its rtc_valid_tm):
 * tm_year 70 (1970) to INT_MAX - 1900, tm_mon 0-11, tm_mday 1 to the
 * month's length, tm_hour < 24, tm_min < 60, tm_sec < 60 (no leap
 * second); else -EINVAL.  tm_wday, tm_yday and tm_isdst are not looked at. */
int rtc_time_valid(const struct rtc_time *tm);

/* tm as nanoseconds since 1970 into *ns: -EINVAL if it is not valid (above),
 * -ERANGE if it is past what 64 bits of nanoseconds hold (2554-07-21
 * 23:34:33, the goldfish clock's end, Linux's range for it). */
int rtc_time_to_ns(const struct rtc_time *tm, uint64_t *ns);

/* --- the class layer (src/dev/rtc.c) --- */

/* A driver's clock.  Each operation is called with the clock's lock held
 * and interrupts off, one at a time: a register sequence is never
 * interleaved with another hart's. */
struct rtc_ops {
	/* The clock's time: nanoseconds since 1970 (UTC). */
	int (*read)(void *priv, uint64_t *ns);
	/* Set the clock to ns (a whole number of seconds). */
	int (*set)(void *priv, uint64_t ns);
};

/* How many clocks /dev can have: rtc0 to rtc3 (Linux allows 16). */
#define RTC_MAX 4

/*
 * Register a clock (name for messages, ops and priv live as long as the
 * kernel).  The first becomes /dev/rtc0 and sets CLOCK_REALTIME.  Call
 * from a driver's probe, before fs_init makes /dev.  0, or -ENOSPC past
 * RTC_MAX clocks.
 */
int rtc_register(const char *name, const struct rtc_ops *ops, void *priv);

/* How many clocks are registered: /dev/rtc0 to rtc<n-1> exist. */
unsigned int rtc_count(void);

struct file_ops;
/* What open() of a node (RTC_MAJOR, minor) gives: /dev/rtc<minor>. */
extern const struct file_ops rtc_fops;

#endif
