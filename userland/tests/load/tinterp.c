/*
 * tinterp: a stand-in for ld.so, to test PT_INTERP (t_exec.c exec_interp).
 * The kernel loads it (position independent) beside the program that names
 * it and starts it; it prints the auxiliary vector entries an interpreter
 * relies on, checks AT_BASE is where it was loaded, and jumps to AT_ENTRY
 * with the stack as the kernel built it.  Run by itself it says so and
 * exits.
 */
#include "mini.h"

MINI_START(tinterp_main);

extern const char _start[] HIDDEN;

static void show(const char *name, uint64_t v)
{
	mini_puts(name);
	mini_putx(v);
	mini_puts("\n");
}

HIDDEN uint64_t tinterp_main(const uint64_t *sp)
{
	const uint64_t *auxv = mini_auxv(sp);
	uint64_t base = mini_getauxval(auxv, AT_BASE);

	/* Run by itself, as "ld.so --help" may be: no program to start. */
	if (mini_getauxval(auxv, AT_ENTRY) == (uint64_t)_start) {
		show("tinterp: run by itself, AT_BASE ", base);
		mini_exit(0);
	}
	show("tinterp: AT_BASE ", base);
	show("tinterp: AT_ENTRY ", mini_getauxval(auxv, AT_ENTRY));
	show("tinterp: AT_PHDR ", mini_getauxval(auxv, AT_PHDR));
	show("tinterp: AT_PHENT ", mini_getauxval(auxv, AT_PHENT));
	show("tinterp: AT_PAGESZ ", mini_getauxval(auxv, AT_PAGESZ));
	show("tinterp: AT_MINSIGSTKSZ ", mini_getauxval(auxv, AT_MINSIGSTKSZ));
	mini_puts("tinterp: AT_EXECFN ");
	mini_puts((const char *)mini_getauxval(auxv, AT_EXECFN));
	mini_puts("\n");
	if (base == (uint64_t)__ehdr_start)
		mini_puts("tinterp: AT_BASE is where I was loaded\n");
	else
		show("tinterp: FAIL: loaded at ", (uint64_t)__ehdr_start);
	return mini_getauxval(auxv, AT_ENTRY);
}
