/*
 * spie: a static-pie program (ET_DYN, no interpreter) with pointers in its
 * data, which it relocates itself, as glibc's static-pie start-up does:
 * each R_RISCV_RELATIVE entry of its _DYNAMIC's DT_RELA table gets the
 * load base added.  Exec must put it somewhere (where mmap would) and give
 * it AT_PHDR and AT_ENTRY moved by that base.  The same output on Linux
 * (qemu-riscv64, userland/spie-on-linux) and on Sluice (exec_static_pie).
 */
#include "mini.h"

#define DT_NULL		 0
#define DT_RELA		 7
#define DT_RELASZ	 8
#define R_RISCV_RELATIVE 3

MINI_START(spie_main);

extern const uint64_t _DYNAMIC[] HIDDEN;
extern const char _start[] HIDDEN;

/* Pointers in data: each needs the base added before it can be used. */
static const char *words[] = {"relocated", " pointers", " work\n"};

static void relocate(uint64_t base)
{
	uint64_t rela = 0, size = 0;

	for (const uint64_t *d = _DYNAMIC; d[0] != DT_NULL; d += 2) {
		if (d[0] == DT_RELA)
			rela = d[1];
		if (d[0] == DT_RELASZ)
			size = d[1];
	}
	for (uint64_t off = 0; off < size; off += 24) {
		const uint64_t *r = (const uint64_t *)(base + rela + off);
		if ((r[1] & 0xffffffff) == R_RISCV_RELATIVE)
			*(uint64_t *)(base + r[0]) = base + r[2];
	}
}

HIDDEN uint64_t spie_main(const uint64_t *sp)
{
	const uint64_t *auxv = mini_auxv(sp);
	uint64_t base = (uint64_t)__ehdr_start;

	relocate(base);
	mini_puts("spie: ");
	for (int i = 0; i < 3; i++)
		mini_puts(*(const char *volatile *)&words[i]);
	mini_puts("spie: AT_BASE ");
	mini_putx(mini_getauxval(auxv, AT_BASE));
	mini_puts(", AT_ENTRY at offset ");
	mini_putx(mini_getauxval(auxv, AT_ENTRY) - base);
	mini_puts(", AT_PHDR at offset ");
	mini_putx(mini_getauxval(auxv, AT_PHDR) - base);
	mini_puts(mini_getauxval(auxv, AT_ENTRY) == (uint64_t)_start ? ", _start ok\n"
								     : ", FAIL: _start\n");
	mini_exit(0);
	return 0;
}
