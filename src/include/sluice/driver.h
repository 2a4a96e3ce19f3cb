/*
 * The driver model.  A driver declares the device-tree compatible strings
 * it handles and a probe function, with DRIVER(); at boot the kernel walks
 * the device tree once and probes every enabled node that one of them
 * matches.  No driver knows a board: the node says where the device is and
 * which interrupt it raises.
 *
 * Three things come before the walk, since everything else may need them:
 * the console UART, the PLIC and the timer.  The console's UART drivers are
 * in the same table (DRIVER() with uart ops, no probe): console.c matches
 * the node /chosen stdout-path names against it.  The PLIC is found by its
 * binding's properties (lib/dt.c) and the timer has no node to match: its
 * rate is /cpus timebase-frequency and it is programmed through Sstc or SBI
 * (dev/timer.c).
 */
#ifndef SLUICE_DRIVER_H
#define SLUICE_DRIVER_H

#include <sluice/types.h>

/* What probe gets: the matched node's first reg entry and interrupt. */
struct dt_device {
	int node;		/* offset in the blob */
	const char *compatible; /* the string that matched */
	uint64_t base, size;	/* reg[0]; size 0 if the node has none */
	uint32_t irq;		/* first cell of interrupts; 0 if none */
};

struct uart_ops;

struct driver {
	const char *name;
	const char *const *compatible; /* NULL-terminated */
	/* 0 if the device is now driven; a negative errno otherwise (the
	 * driver has said why, unless it is an empty slot).  NULL for drivers
	 * the walk does not probe (console UARTs). */
	int (*probe)(const struct dt_device *dev);
	/* A UART the console can drive: its register-level operations. */
	const struct uart_ops *uart;
};

/* Put a driver in the table the device-tree walk reads (section .drivers). */
#define DRIVER(var)                                                                                \
	static const struct driver var __attribute__((used, section(".drivers"), aligned(8)))

/*
 * The driver for a node whose compatible list is list (len bytes): the
 * first driver with a string the list has.  *matched gets that string.
 */
const struct driver *driver_for(const char *list, int len, const char **matched);

/* Walk the tree at blob once, probing each enabled node a driver matches. */
void drivers_probe(const void *blob, size_t maxlen);

#endif
