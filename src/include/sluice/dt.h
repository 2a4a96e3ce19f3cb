/*
 * What the kernel learns from the flattened device tree (Devicetree
 * Specification v0.4).  dt_platform_parse() reads a blob once, checking every
 * offset and length against the blob's bounds, and fills a struct dt_platform
 * with the facts boot and the drivers need.  Nothing is hard-coded per board.
 *
 * The generic reader it is built on is in <sluice/fdt.h>.
 */
#ifndef SLUICE_DT_H
#define SLUICE_DT_H

#include <sluice/types.h>

#define DT_MAX_MEM	16
#define DT_MAX_RESERVED 32
#define DT_MAX_HARTS	32
#define DT_PATH_MAX	128 /* longest stdout-path kept */

struct dt_range {
	uint64_t base;
	uint64_t size;
};

struct dt_reserved {
	uint64_t base;
	uint64_t size;
	bool no_map; /* /reserved-memory child with "no-map": never map it */
};

struct dt_hart {
	uint32_t hartid;       /* the cpu node's reg */
	bool enabled;	       /* status absent, "okay" or "ok" */
	bool has_mmu;	       /* mmu-type present and not "riscv,none" */
	bool has_smode;	       /* the ISA has S-mode ('s' in riscv,isa, or an MMU) */
	bool has_sstc;	       /* "sstc" in riscv,isa or riscv,isa-extensions */
	const char *isa;       /* riscv,isa, or "" (points into the blob) */
	const char *mmu_type;  /* mmu-type, or "" */
	uint32_t intc_phandle; /* its cpu interrupt controller's phandle, 0 if none */
	int plic_s_context;    /* its S-mode external-interrupt PLIC context, -1 if none */
};

/*
 * A UART node's properties of the generic serial binding.  Which driver
 * serves it is not the tree reader's business: the drivers declare their
 * compatible strings (DRIVER(), <sluice/driver.h>) and the console matches
 * the node's list against them.
 */
struct dt_uart {
	const char *compatible; /* the node's compatible list (in the blob), NULL if none */
	int compatible_len;
	uint64_t base;
	uint64_t size;
	uint32_t reg_shift;	  /* register i is at base + (i << reg_shift); default 0 */
	uint32_t reg_io_width;	  /* access width in bytes: 1 or 4; default 1 */
	uint32_t irq;		  /* first cell of interrupts, 0 if none */
	uint32_t clock_frequency; /* 0 if absent */
	bool enabled;
	int node; /* offset of its node in the blob */
};

struct dt_plic {
	bool present;
	uint64_t base;
	uint64_t size;
	uint32_t ndev; /* riscv,ndev: number of interrupt sources */
	uint32_t phandle;
	int ncontexts; /* entries in interrupts-extended */
	int node;
};

struct dt_platform {
	const char *model;	     /* "" if absent */
	uint32_t totalsize;	     /* the blob's size from its header */
	uint64_t timebase_frequency; /* /cpus timebase-frequency (or per-cpu), 0 if absent */

	struct dt_range mem[DT_MAX_MEM]; /* /memory reg entries, device_type "memory" */
	int nmem;
	/* /memreserve/ entries and /reserved-memory children with reg */
	struct dt_reserved reserved[DT_MAX_RESERVED];
	int nreserved;

	const char *bootargs; /* /chosen bootargs, "" if absent */
	const char
		*stdout_path; /* /chosen stdout-path, alias resolved, ":opts" cut; "" if absent */
	bool has_initrd;
	uint64_t initrd_start, initrd_end; /* /chosen linux,initrd-start/end (32- or 64-bit) */

	struct dt_hart harts[DT_MAX_HARTS];
	int nharts;

	struct dt_plic plic;

	/* The node stdout-path names, read as a UART; node -1 if none.  Other
	 * devices are found by the driver model's own walk (driver.c). */
	struct dt_uart stdout_uart;

	const char *error; /* after a failed parse: what was wrong, for the log */

	/* Storage the strings above may point to instead of the blob. */
	char stdout_path_buf[DT_PATH_MAX];
	char error_buf[128];
};

/*
 * Parse the tree at blob, of which at most maxlen bytes may be read (the
 * header's totalsize must fit).  Returns 0, or a negative errno (-EINVAL for
 * a malformed or truncated tree, -E2BIG when a table above overflows) with
 * out->error saying why.  Strings in out point into the blob, except
 * stdout_path and error, which point into out itself.
 *
 * On -E2BIG the parse still ran to the end: every table holds its first
 * DT_MAX_* entries and everything else is filled, so a caller may choose to
 * go on with what fits (dropping reserved regions is never safe, though).
 * On -EINVAL the contents of out are unspecified apart from out->error.
 *
 * Bus "ranges" are taken to be identity maps: reg addresses are used as
 * physical addresses, sized by each parent's #address-cells/#size-cells.
 */
int dt_platform_parse(const void *blob, size_t maxlen, struct dt_platform *out);

/* The hart entry for hartid, or NULL. */
const struct dt_hart *dt_find_hart(const struct dt_platform *p, uint32_t hartid);

/* True if the hart can run the kernel: enabled, S-mode and an MMU. */
bool dt_hart_usable(const struct dt_hart *h);

/*
 * Read node as a UART (reg, reg-shift, reg-io-width, clock-frequency,
 * interrupts, status, compatible) into u.  NULL, or the name of the
 * property that is malformed.
 */
struct fdt;
const char *dt_uart_read(const struct fdt *fdt, int node, struct dt_uart *u);

#endif
