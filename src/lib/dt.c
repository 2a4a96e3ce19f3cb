/*
 * Platform discovery: one walk over the device tree fills struct dt_platform
 * (see <sluice/dt.h>) with what boot and the drivers need.  All reading goes
 * through the bounds-checked reader in fdt.c.
 *
 * Bus "ranges" are assumed to be identity maps (every bus in the trees this
 * kernel meets has an empty ranges or one that maps 1:1), so a reg address is
 * used as the physical address.  Each reg is still decoded with its own
 * parent's #address-cells and #size-cells.
 */
#include <sluice/dt.h>
#include <sluice/errno.h>
#include <sluice/fdt.h>
#include <sluice/printk.h>
#include <sluice/riscv.h>
#include <sluice/string.h>

/* One parse in progress. */
struct dt_parse {
	struct fdt fdt;
	struct dt_platform *out;
	int cpus;	      /* /cpus, or a negative errno if absent */
	int resmem;	      /* /reserved-memory, or likewise */
	const char *overflow; /* the first table that overflowed, or NULL */
	int overflow_max;
};

static __printf(2, 3) int dt_fail(struct dt_platform *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->error_buf, sizeof(out->error_buf), fmt, ap);
	va_end(ap);
	out->error = out->error_buf;
	return -EINVAL;
}

/* A malformed property (what) in node. */
static int dt_bad(struct dt_parse *dp, int node, const char *what)
{
	const char *name = fdt_node_name(&dp->fdt, node, NULL);

	return dt_fail(dp->out, "device tree: node \"%.40s\" at 0x%x: bad %s", name ? name : "?",
		       node, what);
}

/* Note that a table is full; the parse goes on and returns -E2BIG at the end. */
static int dt_overflow(struct dt_parse *dp, const char *table, int max)
{
	if (!dp->overflow) {
		dp->overflow = table;
		dp->overflow_max = max;
	}
	return 0;
}

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

static char dt_tolower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* a[0..n) equals the NUL-terminated b, ignoring ASCII case. */
static bool dt_caseeq(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!b[i] || dt_tolower(a[i]) != dt_tolower(b[i]))
			return false;
	return b[n] == '\0';
}

/* entry idx of node's reg, with the cell counts its parent declares */
static int dt_reg(struct dt_parse *dp, int node, int parent, int idx, uint64_t *base,
		  uint64_t *size)
{
	int ac = fdt_address_cells(&dp->fdt, parent);
	int sc = fdt_size_cells(&dp->fdt, parent);

	if (ac < 0)
		return ac;
	if (sc < 0)
		return sc;
	return fdt_reg_cells(&dp->fdt, node, ac, sc, idx, base, size);
}

/* True if [base, base + size) does not wrap around the address space. */
static bool dt_range_ok(uint64_t base, uint64_t size)
{
	return size == 0 || size - 1 <= UINT64_MAX - base;
}

/*
 * A device's first interrupt: the first cell of "interrupts", or the cell
 * after the parent's phandle in "interrupts-extended".  0 if none.
 */
static uint32_t dt_irq(const struct fdt *fdt, int node)
{
	int len;
	const uint8_t *p = fdt_getprop(fdt, node, "interrupts", &len);

	if (p && len >= 4)
		return fdt32_ld(p);
	p = fdt_getprop(fdt, node, "interrupts-extended", &len);
	if (p && len >= 8)
		return fdt32_ld(p + 4);
	return 0;
}

/* ---- Memory ---- */

static int dt_add_mem(struct dt_parse *dp, uint64_t base, uint64_t size)
{
	struct dt_platform *out = dp->out;

	if (out->nmem == DT_MAX_MEM)
		return dt_overflow(dp, "memory ranges", DT_MAX_MEM);
	out->mem[out->nmem].base = base;
	out->mem[out->nmem].size = size;
	out->nmem++;
	return 0;
}

static int dt_add_reserved(struct dt_parse *dp, uint64_t base, uint64_t size, bool no_map)
{
	struct dt_platform *out = dp->out;

	if (out->nreserved == DT_MAX_RESERVED)
		return dt_overflow(dp, "reserved ranges", DT_MAX_RESERVED);
	out->reserved[out->nreserved].base = base;
	out->reserved[out->nreserved].size = size;
	out->reserved[out->nreserved].no_map = no_map;
	out->nreserved++;
	return 0;
}

/*
 * Every reg entry of a memory node (reserved: of a /reserved-memory child).
 * A node may list any number of ranges; empty ones are skipped.
 */
static int dt_add_ranges(struct dt_parse *dp, int node, int parent, bool reserved, bool no_map)
{
	uint64_t base, size;
	int i, err;

	for (i = 0;; i++) {
		err = dt_reg(dp, node, parent, i, &base, &size);
		if (err == -ENOENT)
			return 0;
		if (err || !dt_range_ok(base, size))
			return dt_bad(dp, node, "reg");
		if (size == 0)
			continue;
		if (reserved)
			dt_add_reserved(dp, base, size, no_map);
		else
			dt_add_mem(dp, base, size);
	}
}

/* The header's memory reservation block (/memreserve/ in source form). */
static int dt_read_memreserve(struct dt_parse *dp)
{
	uint64_t base, size;
	int i;

	for (i = 0; fdt_get_mem_rsv(&dp->fdt, i, &base, &size) == 0; i++) {
		if (!dt_range_ok(base, size))
			return dt_fail(dp->out, "device tree: /memreserve/ entry %d wraps", i);
		if (size)
			dt_add_reserved(dp, base, size, false);
	}
	return 0;
}

/* ---- Harts ---- */

/*
 * True if the single-letter part of a riscv,isa string (after "rv64"/"rv32",
 * up to the first '_') holds 's'.  Older strings spelled privilege modes as
 * letters ("rv64imafdcsu"); 'z' and 'x' start multi-letter extensions, whose
 * names may contain an 's' that means nothing here.
 */
static bool isa_has_smode(const char *isa)
{
	const char *p;

	if (!dt_caseeq(isa, 4, "rv64") && !dt_caseeq(isa, 4, "rv32"))
		return false;
	for (p = isa + 4; *p && *p != '_'; p++) {
		char c = dt_tolower(*p);

		if (c == 'z' || c == 'x')
			break;
		if (c == 's')
			return true;
	}
	return false;
}

/* True if ext is one of the '_'-separated multi-letter extensions of isa. */
static bool isa_has_ext(const char *isa, const char *ext)
{
	const char *p = strchr(isa, '_'), *end;
	size_t len;

	while (p) {
		p++;
		end = strchr(p, '_');
		len = end ? (size_t)(end - p) : strlen(p);
		if (dt_caseeq(p, len, ext))
			return true;
		p = end;
	}
	return false;
}

/* True if the cpu's riscv,isa-extensions string list holds ext. */
static bool dt_cpu_has_ext(const struct fdt *fdt, int cpu, const char *ext)
{
	int len;
	const char *list = fdt_getprop(fdt, cpu, "riscv,isa-extensions", &len), *s;

	for (s = fdt_stringlist_next(list, len, NULL); s; s = fdt_stringlist_next(list, len, s))
		if (dt_caseeq(s, strlen(s), ext))
			return true;
	return false;
}

/* The phandle of the cpu's local interrupt controller child, 0 if none. */
static uint32_t dt_cpu_intc(const struct fdt *fdt, int cpu)
{
	int child;

	for (child = fdt_first_child(fdt, cpu); child >= 0; child = fdt_next_sibling(fdt, child))
		if (fdt_node_is_compatible(fdt, child, "riscv,cpu-intc"))
			return fdt_get_phandle(fdt, child);
	return 0;
}

/* Fill h from the cpu node's properties. */
static void dt_read_hart(const struct fdt *fdt, int cpu, struct dt_hart *h)
{
	h->enabled = fdt_node_enabled(fdt, cpu);
	h->isa = str_or_empty(fdt_getprop_str(fdt, cpu, "riscv,isa"));
	h->mmu_type = str_or_empty(fdt_getprop_str(fdt, cpu, "mmu-type"));
	h->has_mmu = h->mmu_type[0] && strcmp(h->mmu_type, "riscv,none") != 0;
	/* paging is an S-mode feature: an MMU implies S-mode */
	h->has_smode = isa_has_smode(h->isa) || h->has_mmu;
	h->has_sstc = isa_has_ext(h->isa, "sstc") || dt_cpu_has_ext(fdt, cpu, "sstc");
	h->intc_phandle = dt_cpu_intc(fdt, cpu);
	h->plic_s_context = -1; /* found from the PLIC node later */
}

/* A /cpus child with device_type "cpu": reg is its hart id. */
static int dt_add_hart(struct dt_parse *dp, int cpu, int parent)
{
	struct dt_platform *out = dp->out;
	uint64_t hartid, size, tb;
	int err = dt_reg(dp, cpu, parent, 0, &hartid, &size);

	if (err || hartid > UINT32_MAX)
		return dt_bad(dp, cpu, "reg (hart id)");
	if (dt_find_hart(out, (uint32_t)hartid))
		return dt_fail(out, "device tree: two cpu nodes with hart id %u", (uint32_t)hartid);
	/* timebase-frequency may sit in the cpu nodes instead of /cpus */
	err = fdt_getprop_uint(&dp->fdt, cpu, "timebase-frequency", &tb);
	if (err && err != -ENOENT)
		return dt_bad(dp, cpu, "timebase-frequency");
	if (!err && !out->timebase_frequency)
		out->timebase_frequency = tb;
	if (out->nharts == DT_MAX_HARTS)
		return dt_overflow(dp, "harts", DT_MAX_HARTS);
	out->harts[out->nharts].hartid = (uint32_t)hartid;
	dt_read_hart(&dp->fdt, cpu, &out->harts[out->nharts]);
	out->nharts++;
	return 0;
}

/* ---- Devices ---- */

/* A u32 property that may be absent (then dflt); -EINVAL if malformed. */
static int dt_u32_default(const struct fdt *fdt, int node, const char *name, uint32_t dflt,
			  uint32_t *val)
{
	int err = fdt_getprop_u32(fdt, node, name, val);

	if (err == -ENOENT) {
		*val = dflt;
		return 0;
	}
	return err;
}

const char *dt_uart_read(const struct fdt *fdt, int node, struct dt_uart *u)
{
	uint64_t clk = 0;
	int err;

	*u = (struct dt_uart){.node = node};
	u->compatible = fdt_getprop(fdt, node, "compatible", &u->compatible_len);
	if (fdt_reg(fdt, node, 0, &u->base, &u->size))
		return "reg";
	/* registers are 1 << reg-shift bytes apart, accessed reg-io-width wide */
	if (dt_u32_default(fdt, node, "reg-shift", 0, &u->reg_shift) || u->reg_shift > 16)
		return "reg-shift";
	if (dt_u32_default(fdt, node, "reg-io-width", 1, &u->reg_io_width) ||
	    (u->reg_io_width != 1 && u->reg_io_width != 2 && u->reg_io_width != 4 &&
	     u->reg_io_width != 8))
		return "reg-io-width";
	err = fdt_getprop_uint(fdt, node, "clock-frequency", &clk);
	if ((err && err != -ENOENT) || clk > UINT32_MAX)
		return "clock-frequency";
	u->clock_frequency = (uint32_t)clk;
	u->irq = dt_irq(fdt, node);
	u->enabled = fdt_node_enabled(fdt, node);
	return NULL;
}

/*
 * The PLIC, found by its binding's properties rather than by name: an
 * interrupt controller with "riscv,ndev" (the number of sources), which
 * only the PLIC binding has ("riscv,plic0", "sifive,plic-1.0.0" and the
 * SoC names real trees list before them).
 */
static bool dt_is_plic(const struct fdt *fdt, int node)
{
	return fdt_getprop(fdt, node, "interrupt-controller", NULL) &&
	       fdt_getprop(fdt, node, "riscv,ndev", NULL);
}

/* The first enabled PLIC; its contexts are read after the harts. */
static int dt_add_plic(struct dt_parse *dp, int node, int parent)
{
	struct dt_plic *plic = &dp->out->plic;

	if (plic->present || !fdt_node_enabled(&dp->fdt, node))
		return 0;
	if (dt_reg(dp, node, parent, 0, &plic->base, &plic->size))
		return dt_bad(dp, node, "reg");
	if (fdt_getprop_u32(&dp->fdt, node, "riscv,ndev", &plic->ndev))
		return dt_bad(dp, node, "riscv,ndev");
	plic->phandle = fdt_get_phandle(&dp->fdt, node);
	plic->node = node;
	plic->present = true;
	return 0;
}

/* ---- The walk ---- */

static int dt_visit(struct dt_parse *dp, int node, int parent)
{
	const char *type = fdt_getprop_str(&dp->fdt, node, "device_type");

	if (parent == dp->cpus && type && !strcmp(type, "cpu"))
		return dt_add_hart(dp, node, parent);
	if (type && !strcmp(type, "memory")) {
		if (!fdt_node_enabled(&dp->fdt, node))
			return 0;
		return dt_add_ranges(dp, node, parent, false, false);
	}
	/* /reserved-memory children without reg are for the OS to allocate: skip */
	if (parent == dp->resmem) {
		if (!fdt_node_enabled(&dp->fdt, node))
			return 0;
		return dt_add_ranges(dp, node, parent, true,
				     fdt_getprop(&dp->fdt, node, "no-map", NULL) != NULL);
	}
	if (dt_is_plic(&dp->fdt, node))
		return dt_add_plic(dp, node, parent);
	return 0;
}

/* Visit every node but the root, knowing its parent from a stack of offsets. */
static int dt_walk(struct dt_parse *dp)
{
	int parents[FDT_MAX_DEPTH];
	int node, depth = 0, err;

	for (node = fdt_next_node(&dp->fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(&dp->fdt, node, &depth)) {
		/* fdt_init() bounded the depth; check anyway before indexing */
		if (depth < 0 || depth >= FDT_MAX_DEPTH)
			return dt_fail(dp->out, "device tree: bad nesting at 0x%x", node);
		parents[depth] = node;
		if (depth == 0)
			continue;
		err = dt_visit(dp, node, parents[depth - 1]);
		if (err)
			return err;
	}
	if (node != -ENOENT)
		return dt_fail(dp->out, "device tree: walk failed (%d)", node);
	return 0;
}

/* ---- After the walk: PLIC contexts and /chosen ---- */

/* #interrupt-cells of the node with this phandle, or 0 if unknown. */
static uint32_t dt_interrupt_cells(const struct fdt *fdt, uint32_t phandle)
{
	int node = fdt_node_by_phandle(fdt, phandle);
	uint32_t cells;

	if (node < 0 || fdt_getprop_u32(fdt, node, "#interrupt-cells", &cells))
		return 0;
	return cells;
}

static void dt_set_s_context(struct dt_platform *out, uint32_t intc, int ctx)
{
	int i;

	for (i = 0; i < out->nharts; i++)
		if (intc && out->harts[i].intc_phandle == intc && out->harts[i].plic_s_context < 0)
			out->harts[i].plic_s_context = ctx;
}

/*
 * PLIC context i is entry i of the PLIC's interrupts-extended: <phandle of a
 * hart's interrupt controller, then #interrupt-cells cells naming its input>.
 * The hart's S-mode context is the entry with input 9, supervisor external.
 * M-mode entries carry 11, or 0xffffffff where firmware hid them; which index
 * is S-mode differs between SoCs, so it is never computed from the hart id.
 */
static int dt_plic_contexts(struct dt_parse *dp)
{
	struct dt_plic *plic = &dp->out->plic;
	const uint8_t *cells;
	uint32_t n, i, ph, icells = 0, last_ph = 0;
	int len, ctx = 0;

	if (!plic->present)
		return 0;
	cells = fdt_getprop(&dp->fdt, plic->node, "interrupts-extended", &len);
	if (!cells || len % 4)
		return dt_bad(dp, plic->node, "interrupts-extended");
	n = (uint32_t)len / 4;
	for (i = 0; i < n; i += 1 + icells, ctx++) {
		ph = fdt32_ld(cells + 4 * i);
		if (ph != last_ph || !icells) {
			icells = dt_interrupt_cells(&dp->fdt, ph);
			last_ph = ph;
		}
		if (!icells || icells > n - i - 1)
			return dt_bad(dp, plic->node, "interrupts-extended entry");
		if (fdt32_ld(cells + 4 * (i + 1)) == IRQ_S_EXT)
			dt_set_s_context(dp->out, ph, ctx);
	}
	plic->ncontexts = ctx;
	return 0;
}

/* Copy s[0..len) into buf of size bytes, cut to fit, NUL-terminated. */
static void dt_copy(char *buf, size_t size, const char *s, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
}

/*
 * stdout-path names the console: a path or an alias, which may be followed
 * by ':' and options such as "115200n8" (spec 3.6).  Keep the node's full
 * path, or the text itself if it names no node.
 */
static int dt_read_stdout(struct dt_parse *dp, int chosen)
{
	struct dt_platform *out = dp->out;
	const char *path = fdt_getprop_str(&dp->fdt, chosen, "stdout-path"), *colon;
	size_t len;
	int node;

	if (!path)
		path = fdt_getprop_str(&dp->fdt, chosen, "linux,stdout-path");
	if (!path)
		return 0;
	colon = strchr(path, ':');
	len = colon ? (size_t)(colon - path) : strlen(path);
	node = len ? fdt_path_offset(&dp->fdt, path, len) : -ENOENT;
	if (node < 0 || fdt_get_path(&dp->fdt, node, out->stdout_path_buf, DT_PATH_MAX))
		dt_copy(out->stdout_path_buf, DT_PATH_MAX, path, len);
	out->stdout_path = out->stdout_path_buf;
	if (node < 0)
		return 0;
	/* A node that is no readable UART leaves the console on SBI; the
	 * console says so.  The tree is not wrong for that. */
	if (dt_uart_read(&dp->fdt, node, &out->stdout_uart))
		out->stdout_uart.node = -1;
	return 0;
}

/* linux,initrd-start/end: one or two cells each; end is exclusive. */
static int dt_read_initrd(struct dt_parse *dp, int chosen)
{
	struct dt_platform *out = dp->out;
	uint64_t start, end;
	int e1 = fdt_getprop_uint(&dp->fdt, chosen, "linux,initrd-start", &start);
	int e2 = fdt_getprop_uint(&dp->fdt, chosen, "linux,initrd-end", &end);

	if (e1 == -ENOENT && e2 == -ENOENT)
		return 0;
	if (e1 || e2 || end < start)
		return dt_bad(dp, chosen, "linux,initrd-start/end");
	out->initrd_start = start;
	out->initrd_end = end;
	out->has_initrd = end > start;
	return 0;
}

static int dt_read_chosen(struct dt_parse *dp)
{
	int chosen = fdt_subnode(&dp->fdt, dp->fdt.root, "chosen", 6), err;

	if (chosen == -ENOENT)
		return 0;
	if (chosen < 0)
		return dt_fail(dp->out, "device tree: cannot read /chosen");
	dp->out->bootargs = str_or_empty(fdt_getprop_str(&dp->fdt, chosen, "bootargs"));
	err = dt_read_stdout(dp, chosen);
	if (!err)
		err = dt_read_initrd(dp, chosen);
	return err;
}

/* Model, /cpus and /reserved-memory: what the walk needs to know first. */
static int dt_read_root(struct dt_parse *dp)
{
	const struct fdt *fdt = &dp->fdt;
	int err;

	dp->out->model = str_or_empty(fdt_getprop_str(fdt, fdt->root, "model"));
	dp->cpus = fdt_subnode(fdt, fdt->root, "cpus", 4);
	dp->resmem = fdt_subnode(fdt, fdt->root, "reserved-memory", 15);
	if ((dp->cpus < 0 && dp->cpus != -ENOENT) || (dp->resmem < 0 && dp->resmem != -ENOENT))
		return dt_fail(dp->out, "device tree: cannot read the root node");
	if (dp->cpus < 0)
		return 0;
	err = fdt_getprop_uint(fdt, dp->cpus, "timebase-frequency", &dp->out->timebase_frequency);
	if (err && err != -ENOENT)
		return dt_bad(dp, dp->cpus, "timebase-frequency");
	return 0;
}

static void dt_platform_reset(struct dt_platform *out)
{
	memset(out, 0, sizeof(*out));
	out->model = "";
	out->bootargs = "";
	out->stdout_path = "";
	out->stdout_uart.node = -1;
	out->error = "";
}

int dt_platform_parse(const void *blob, size_t maxlen, struct dt_platform *out)
{
	struct dt_parse dp = {.out = out};
	int err;

	dt_platform_reset(out);
	if (fdt_init(&dp.fdt, blob, maxlen))
		return dt_fail(out, "device tree: %s", dp.fdt.error);
	out->totalsize = dp.fdt.totalsize;
	err = dt_read_root(&dp);
	if (!err)
		err = dt_read_memreserve(&dp);
	if (!err)
		err = dt_walk(&dp);
	if (!err)
		err = dt_plic_contexts(&dp);
	if (!err)
		err = dt_read_chosen(&dp);
	if (err)
		return err;
	if (dp.overflow) {
		dt_fail(out, "device tree: more %s than fit (DT_MAX_* = %d); the rest ignored",
			dp.overflow, dp.overflow_max);
		return -E2BIG;
	}
	return 0;
}

const struct dt_hart *dt_find_hart(const struct dt_platform *p, uint32_t hartid)
{
	int i;

	for (i = 0; i < p->nharts; i++)
		if (p->harts[i].hartid == hartid)
			return &p->harts[i];
	return NULL;
}

bool dt_hart_usable(const struct dt_hart *h)
{
	return h && h->enabled && h->has_smode && h->has_mmu;
}
