/*
 * tdyn: a program that names an interpreter (PT_INTERP, from the .interp
 * section below; INTERP is set by the build) but needs no relocation, for
 * t_exec.c exec_interp: built as ET_EXEC and as ET_DYN (PIE).  The
 * interpreter (tinterp) runs first and jumps here; this checks that the
 * auxiliary vector describes this program: AT_ENTRY is _start, AT_PHDR its
 * program headers.
 */
#include "mini.h"

__attribute__((section(".interp"), used)) static const char interp[] = INTERP;

MINI_START(tdyn_main);

extern const char _start[] HIDDEN;

HIDDEN uint64_t tdyn_main(const uint64_t *sp)
{
	const uint64_t *auxv = mini_auxv(sp);
	int bad = 0;

	mini_puts("tdyn: running at ");
	mini_putx((uint64_t)__ehdr_start);
	mini_puts(", argv[0] ");
	mini_puts((const char *)sp[1]);
	mini_puts("\n");
	if (mini_getauxval(auxv, AT_ENTRY) != (uint64_t)_start)
		bad = 1, mini_puts("tdyn: FAIL: AT_ENTRY is not _start\n");
	/* ld puts the program headers right after the ELF header. */
	if (mini_getauxval(auxv, AT_PHDR) != (uint64_t)__ehdr_start + 64)
		bad = 1, mini_puts("tdyn: FAIL: AT_PHDR is not this program's headers\n");
	if (!bad)
		mini_puts("tdyn: auxv describes me\n");
	mini_exit(bad);
	return 0;
}
