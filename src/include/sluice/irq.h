/*
 * External interrupts: the platform-level interrupt controller (PLIC,
 * "RISC-V Platform-Level Interrupt Controller Specification").  A device's
 * interrupt line is a PLIC source; the PLIC signals it to a hart's S-mode
 * context (which one is read from the device tree, never computed), the hart
 * takes a supervisor external interrupt, claims the source, runs the
 * driver's handler, and completes it.  docs/interrupts.md tells the story.
 */
#ifndef SLUICE_IRQ_H
#define SLUICE_IRQ_H

#include <sluice/dt.h>
#include <sluice/types.h>

typedef void (*irq_handler_t)(void *arg);

/* Find the PLIC, mask every source, set up each hart's context.  Returns 0,
 * or -ENODEV (no PLIC: devices stay polled). */
int plic_init(const struct dt_platform *p);

/* Per hart: accept external interrupts (threshold 0, SIE.SEIE). */
void plic_init_hart(void);

/*
 * Call handler(arg) when source irq fires, on whichever hart claims it; the
 * source is enabled on every hart that runs the scheduler.  -EINVAL for a
 * source the PLIC does not have, -EBUSY if taken, -ENODEV without a PLIC.
 */
int irq_register(uint32_t irq, irq_handler_t handler, void *arg);

/* The supervisor external interrupt: claim, handle, complete (trap.c). */
void plic_handle_interrupt(void);

/* Tests: enable source irq with no handler (it must be counted and masked). */
int plic_test_enable_unhandled(uint32_t irq);

/* Interrupts source irq delivered on hart index h (statistics), or -EINVAL. */
long irq_count(uint32_t irq, unsigned int hart_index);

/* The same summed over every hart, or -EINVAL. */
long irq_count_all(uint32_t irq);

/* Names for /proc/interrupts: irq_name is NULL for a source nobody handles. */
void irq_set_name(uint32_t irq, const char *name);
const char *irq_name(uint32_t irq);
uint32_t irq_max(void); /* the highest source number, 0 without a PLIC */

#endif
