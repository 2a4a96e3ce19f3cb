/* Kernel symbol names for backtraces, from the table tools/gen_ksyms.py makes. */
#ifndef SLUICE_KSYMS_H
#define SLUICE_KSYMS_H

#include <sluice/types.h>

/*
 * The function containing addr: its name, and addr's offset into it.
 * Returns NULL (offset untouched) if addr is not in the kernel's text.
 */
const char *ksyms_lookup(unsigned long addr, unsigned long *offset);

#endif
