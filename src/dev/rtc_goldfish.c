/*
 * The Goldfish real-time clock ("google,goldfish-rtc", as emulators have
 * it; QEMU virt has one): a 64-bit count of nanoseconds since 1970.  It is
 * registered with the RTC class (dev/rtc.c), which makes it /dev/rtc0 and
 * sets CLOCK_REALTIME from it at boot; boards without one keep time since
 * boot and have no /dev/rtc0.
 *
 * The register contract (Android's GOLDFISH-VIRTUAL-HARDWARE.TXT, QEMU's
 * hw/rtc/goldfish_rtc.c): reading TIME_LOW returns the count's low word
 * and latches its high word, which TIME_HIGH then returns, so a read is
 * TIME_LOW first.  Writing either word replaces that word of the running
 * count and leaves the other running.  The alarm and its interrupt are
 * not used.
 */
#include <sluice/driver.h>
#include <sluice/errno.h>
#include <sluice/kvm.h>
#include <sluice/printk.h>
#include <sluice/rtc.h>

#define GOLDFISH_TIME_LOW  0x00
#define GOLDFISH_TIME_HIGH 0x04

/* One 32-bit register (the device takes 4-byte accesses only). */
static volatile uint32_t *goldfish_reg(void *priv, unsigned int off)
{
	return (volatile uint32_t *)priv + off / 4;
}

/* Called under the class's lock: no other hart's read can latch a high
 * word between our two loads. */
static int goldfish_rtc_read(void *priv, uint64_t *ns)
{
	uint64_t lo = *goldfish_reg(priv, GOLDFISH_TIME_LOW);
	uint64_t hi = *goldfish_reg(priv, GOLDFISH_TIME_HIGH);

	*ns = hi << 32 | lo;
	return 0;
}

/*
 * The high word, then the low word, as Linux's driver writes them.  Between
 * the two the count runs on from the new high word and whatever low word it
 * had: if that low word wrapped meanwhile (every 4.3 s), the high word
 * would end one too big.  Zeroing the low word first leaves 4.3 s of room.
 */
static int goldfish_rtc_set(void *priv, uint64_t ns)
{
	*goldfish_reg(priv, GOLDFISH_TIME_LOW) = 0;
	*goldfish_reg(priv, GOLDFISH_TIME_HIGH) = (uint32_t)(ns >> 32);
	*goldfish_reg(priv, GOLDFISH_TIME_LOW) = (uint32_t)ns;
	return 0;
}

static const struct rtc_ops goldfish_rtc_ops = {
	.read = goldfish_rtc_read,
	.set = goldfish_rtc_set,
};

static int goldfish_rtc_probe(const struct dt_device *dev)
{
	void *regs = ioremap(dev->base, dev->size ? dev->size : PAGE_SIZE);

	if (!regs) {
		printk("rtc: cannot map the goldfish RTC; CLOCK_REALTIME counts from boot\n");
		return -ENOMEM;
	}
	return rtc_register("goldfish-rtc", &goldfish_rtc_ops, regs);
}

static const char *const goldfish_rtc_compatible[] = {"google,goldfish-rtc", NULL};

DRIVER(goldfish_rtc_driver) = {
	.name = "goldfish-rtc",
	.compatible = goldfish_rtc_compatible,
	.probe = goldfish_rtc_probe,
};
