/*
 * The driver model.  A driver declares the device-tree compatible strings
 * it handles and a probe function, with DRIVER(); at boot the kernel walks
 * the device tree once and probes every enabled node that one of them
 * matches.  No driver knows a board: the node says where the device is and
 * which interrupt it raises.  (The boot console, the timer and the PLIC are
 * set up before the walk: everything else may need them.)
 */
#ifndef SLUICE_DRIVER_H
#define SLUICE_DRIVER_H

#include <sluice/types.h>

/* What probe gets: the matched node's first reg entry and interrupt. */
struct dt_device {
	int node;              /* offset in the blob */
	const char *compatible; /* the string that matched */
	uint64_t base, size;   /* reg[0]; size 0 if the node has none */
	uint32_t irq;          /* first cell of interrupts; 0 if none */
};

struct driver {
	const char *name;
	const char *const *compatible; /* NULL-terminated */
	/* 0 if the device is now driven; a negative errno otherwise (the
	 * driver has said why, unless it is an empty slot). */
	int (*probe)(const struct dt_device *dev);
};

/* Put a driver in the table the device-tree walk reads (section .drivers). */
#define DRIVER(var) \
	static const struct driver var __attribute__((used, section(".drivers"), aligned(8)))

/* Walk the tree at blob once, probing each enabled node a driver matches. */
void drivers_probe(const void *blob, size_t maxlen);

#endif
