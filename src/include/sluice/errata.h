/*
 * Hart errata found at run time, so one kernel image boots every board.
 * The firmware reports the hart's machine ids (the SBI base extension's
 * mvendorid, marchid, mimpid, read from the CSRs of the same names that
 * S-mode cannot read); each erratum is a rule over those ids, taken from
 * the vendor's errata sheet.  docs/memory-map.md ("TLB flushing") says
 * what the kernel does differently when one applies.
 */
#ifndef SLUICE_ERRATA_H
#define SLUICE_ERRATA_H

#include <sluice/types.h>

/* JEDEC manufacturer id of SiFive, as mvendorid reports it. */
#define MVENDORID_SIFIVE 0x489

/*
 * SiFive CIP-1200: on U54/U74 cores before a fixed revision, sfence.vma
 * with an address operand may leave that address's translation in the
 * TLB; only sfence.vma without an address is reliable.  Affected: marchid
 * 0x8000000000000007 (U7 series) or 1 (U5 series), with mimpid's low 24
 * bits at most 0x200630, except mimpid 0x01200626.
 */
bool erratum_sifive_cip1200(unsigned long mvendorid, unsigned long marchid, unsigned long mimpid);

/*
 * "V,A,I": three hexadecimal numbers (0x optional) into ids[0..2]; false if
 * the text is anything else.  The test hook sluice.hart_ids gives machine
 * ids this way, so QEMU, whose harts report zeros, can act a board.
 */
bool errata_parse_ids(const char *s, size_t len, unsigned long ids[3]);

/* Decide the errata from the boot hart's ids (sbi_probe has run), set what
 * they change (tlb_flush_all_only) and say so: src/vm/tlb.c. */
void errata_init(void);

#endif
