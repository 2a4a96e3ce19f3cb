/*
 * The Goldfish real-time clock ("google,goldfish-rtc", on QEMU virt): a
 * 64-bit count of nanoseconds since 1970, read low word first (reading
 * TIME_LOW latches TIME_HIGH).  Read once at boot to set the offset that
 * turns the timer's time-since-boot into CLOCK_REALTIME; boards without one
 * keep time since boot.
 */
#include <sluice/kvm.h>
#include <sluice/printk.h>
#include <sluice/timer.h>

#define GOLDFISH_TIME_LOW 0x00
#define GOLDFISH_TIME_HIGH 0x04

void rtc_init(const struct dt_platform *p)
{
	volatile uint32_t *regs;

	if (!p->has_rtc)
		return;
	regs = ioremap(p->rtc.base, p->rtc.size ? p->rtc.size : PAGE_SIZE);
	if (!regs) {
		printk("rtc: cannot map the RTC; CLOCK_REALTIME counts from boot\n");
		return;
	}
	uint64_t lo = regs[GOLDFISH_TIME_LOW / 4];
	uint64_t hi = regs[GOLDFISH_TIME_HIGH / 4];
	timer_set_realtime((hi << 32 | lo));
}
