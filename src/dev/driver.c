/* The driver model: see <sluice/driver.h>. */
#include <sluice/driver.h>
#include <sluice/fdt.h>
#include <sluice/printk.h>

extern const struct driver __drivers_start[], __drivers_end[];

const struct driver *driver_for(const char *list, int len, const char **matched)
{
	if (!list)
		return NULL;
	for (const struct driver *d = __drivers_start; d < __drivers_end; d++)
		for (const char *const *c = d->compatible; *c; c++)
			if (fdt_stringlist_contains(list, len, *c)) {
				*matched = *c;
				return d;
			}
	return NULL;
}

void drivers_probe(const void *blob, size_t maxlen)
{
	struct fdt fdt;
	int depth = 0;

	if (fdt_init(&fdt, blob, maxlen))
		return;
	/* fdt_next_node(-1) is the root; it returns < 0 after the last node. */
	for (int node = fdt_next_node(&fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(&fdt, node, &depth)) {
		struct dt_device dev = {.node = node};
		int len;
		const char *list = fdt_getprop(&fdt, node, "compatible", &len);
		const struct driver *d = driver_for(list, len, &dev.compatible);
		if (!d || !d->probe || !fdt_node_enabled(&fdt, node))
			continue;
		if (fdt_reg(&fdt, node, 0, &dev.base, &dev.size))
			dev.base = dev.size = 0;
		if (fdt_getprop_u32(&fdt, node, "interrupts", &dev.irq))
			dev.irq = 0;
		d->probe(&dev);
	}
}
