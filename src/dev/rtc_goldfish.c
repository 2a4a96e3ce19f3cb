/*
 * The Goldfish real-time clock ("google,goldfish-rtc", as emulators have it): a
 * 64-bit count of nanoseconds since 1970, read low word first (reading
 * TIME_LOW latches TIME_HIGH).  Read once at boot to set the offset that
 * turns the timer's time-since-boot into CLOCK_REALTIME; boards without one
 * keep time since boot.
 */
#include <sluice/driver.h>
#include <sluice/errno.h>
#include <sluice/kvm.h>
#include <sluice/printk.h>
#include <sluice/timer.h>

#define GOLDFISH_TIME_LOW  0x00
#define GOLDFISH_TIME_HIGH 0x04

static int goldfish_rtc_probe(const struct dt_device *dev)
{
	volatile uint32_t *regs = ioremap(dev->base, dev->size ? dev->size : PAGE_SIZE);

	if (!regs) {
		printk("rtc: cannot map the RTC; CLOCK_REALTIME counts from boot\n");
		return -ENOMEM;
	}
	uint64_t lo = regs[GOLDFISH_TIME_LOW / 4];
	uint64_t hi = regs[GOLDFISH_TIME_HIGH / 4];
	timer_set_realtime((hi << 32 | lo));
	return 0;
}

static const char *const goldfish_rtc_compatible[] = {"google,goldfish-rtc", NULL};

DRIVER(goldfish_rtc_driver) = {
	.name = "goldfish-rtc",
	.compatible = goldfish_rtc_compatible,
	.probe = goldfish_rtc_probe,
};
