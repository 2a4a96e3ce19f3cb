/* Boot: from the firmware's hand-over to a running kernel (docs/boot.md). */
#ifndef SLUICE_BOOT_H
#define SLUICE_BOOT_H

#include <sluice/dt.h>

/* Called from head.S, at the kernel's virtual address, MMU on. */
__noreturn void kmain(unsigned long hartid, paddr_t dtb_pa, unsigned long instret_at_entry,
		      paddr_t image_pa);

/* Before the MMU is on (early.c): build the boot table; returns satp or 0. */
unsigned long boot_map_early(paddr_t dtb_pa);

/* What the device tree said, kept for the life of the kernel. */
extern struct dt_platform platform;

/* Run the self-test the kernel argument sluice.test=NAME asks for.  Returns
 * only if NAME is unknown. */
void selftest_run(const char *name, size_t len);

/* sluice.test=uaccess (selftest_uaccess.c): the user-copy helpers at every
 * alignment and length near page edges; prints the verdict, powers off. */
void selftest_uaccess(void);

#endif
