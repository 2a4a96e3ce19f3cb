/*
 * The boot option sluice.check_ad (src/vm/adcheck.c, docs/labs/boards.md):
 * after each user page fault the VM resolved, check that the leaf PTE it
 * installed has A set, and D if writable, as the U74 needs.
 */
#ifndef SLUICE_ADCHECK_H
#define SLUICE_ADCHECK_H

#include <sluice/types.h>

struct mm;

extern bool adcheck_on; /* set at boot by sluice.check_ad */

/* Check the leaf mapping va in mm; print a line if it lacks A or D. */
void adcheck_leaf(struct mm *mm, vaddr_t va);

#endif
