/*
 * Symbol lookup for backtraces.  The kernel is linked twice: the first link
 * has an empty table; tools/gen_ksyms.py reads its text symbols (nm -n) and
 * writes the table into the second link.  The table sits last in rodata so
 * the second link moves no code (the build checks this).
 */
#include <sluice/ksyms.h>

/* Defined by the generated table (ksyms.S). Addresses are sorted. */
extern const unsigned long ksyms_count;
extern const unsigned long ksyms_addrs[];
extern const uint32_t ksyms_name_offsets[];
extern const char ksyms_names[];
extern char _text[], _etext[];

const char *ksyms_lookup(unsigned long addr, unsigned long *offset)
{
	unsigned long lo = 0, hi = ksyms_count;

	if (addr < (unsigned long)_text || addr >= (unsigned long)_etext || hi == 0)
		return NULL;
	/* Find the last symbol at or below addr. */
	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;
		if (ksyms_addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (ksyms_addrs[lo] > addr)
		return NULL;
	*offset = addr - ksyms_addrs[lo];
	return &ksyms_names[ksyms_name_offsets[lo]];
}
