/*
 * Host tests of the device-tree reader (src/lib/fdt.c) and platform
 * discovery (src/lib/dt.c), built with ASan and UBSan.
 *
 * 1. The real boards' trees in $SHARED_DTB_DIR (skipped if absent): each
 *    parses, every node and property can be walked, and the facts of
 *    ../shared/boards.md hold.
 * 2. The project's own trees (dts/NAME.dts, compiled into $PROJECT_DTB_DIR):
 *    edge cases real trees lack.
 * 3. Hand-built trees (a tiny blob builder below) for each kind of damage:
 *    bad headers, tokens running out of their block, unterminated strings,
 *    deep nesting, malformed properties.
 * 4. Every truncation of a tree, and a few thousand deterministic random
 *    mutations: each must give an error or a sane result, never a bad read.
 *
 * Every blob under test sits in a heap buffer of exactly its size, so
 * AddressSanitizer catches a read even one byte past it.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/dt.h>
#include <sluice/errno.h>
#include <sluice/fdt.h>

#include "host_stubs.h"

/* ---- Helpers ---- */

struct blob {
	uint8_t *data;
	size_t len;
};

static uint8_t *dup_exact(const void *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	CHECK(d);
	memcpy(d, p, len);
	return d;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return fdt32_ld(p);
}

/* Read dir/name into an exact-size buffer; data NULL if it cannot be read. */
static struct blob load(const char *dir, const char *name)
{
	struct blob b = {NULL, 0};
	char path[1024];
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return b;
	CHECK(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	CHECK(n > 0);
	rewind(f);
	b.data = malloc((size_t)n);
	CHECK(b.data);
	CHECK(fread(b.data, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	b.len = (size_t)n;
	return b;
}

static struct blob must_load(const char *dir, const char *name)
{
	struct blob b = load(dir, name);

	if (!b.data) {
		fprintf(stderr, "cannot read %s/%s\n", dir, name);
		exit(1);
	}
	return b;
}

static void parse_expect(const struct blob *b, struct dt_platform *p, int want, const char *what)
{
	int err = dt_platform_parse(b->data, b->len, p);

	if (err != want) {
		fprintf(stderr, "%s: dt_platform_parse = %d, want %d (%s)\n", what, err, want,
			p->error);
		exit(1);
	}
}

static void fdt_init_ok(struct fdt *fdt, const struct blob *b)
{
	int err = fdt_init(fdt, b->data, b->len);

	if (err) {
		fprintf(stderr, "fdt_init = %d (%s)\n", err, fdt->error);
		exit(1);
	}
}

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (!a_ || strcmp(a_, b_)) {                                                       \
			fprintf(stderr, "%s:%d: CHECK_STR failed: %s == \"%s\" (got \"%s\")\n",    \
				__FILE__, __LINE__, #a, b_, a_ ? a_ : "(null)");                   \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

/* The UART node (one with a compatible string) whose reg is at base. */
static struct dt_uart uart_at(const struct fdt *fdt, uint64_t base)
{
	int depth = 0;
	struct dt_uart u;

	for (int node = fdt_next_node(fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(fdt, node, &depth))
		if (fdt_getprop(fdt, node, "compatible", NULL) && !dt_uart_read(fdt, node, &u) &&
		    u.base == base)
			return u;
	fprintf(stderr, "no UART at 0x%llx\n", (unsigned long long)base);
	exit(1);
}

/* The stdout UART's compatible list has str. */
static bool stdout_compatible(const struct dt_platform *p, const char *str)
{
	return p->stdout_uart.compatible &&
	       fdt_stringlist_contains(p->stdout_uart.compatible, p->stdout_uart.compatible_len,
				       str);
}

static const struct dt_hart *hart(const struct dt_platform *p, uint32_t id)
{
	const struct dt_hart *h = dt_find_hart(p, id);

	if (!h) {
		fprintf(stderr, "no hart %u\n", id);
		exit(1);
	}
	return h;
}

/* What any parse that did not fail with -EINVAL must leave behind. */
static void check_sane(const struct dt_platform *p)
{
	int i;

	CHECK(p->model && p->bootargs && p->stdout_path && p->error);
	CHECK(p->nmem >= 0 && p->nmem <= DT_MAX_MEM);
	CHECK(p->nreserved >= 0 && p->nreserved <= DT_MAX_RESERVED);
	CHECK(p->nharts >= 0 && p->nharts <= DT_MAX_HARTS);
	CHECK(p->stdout_uart.node >= -1);
	CHECK(strlen(p->stdout_path) < DT_PATH_MAX);
	for (i = 0; i < p->nmem; i++)
		CHECK(p->mem[i].size > 0);
	for (i = 0; i < p->nharts; i++) {
		CHECK(p->harts[i].isa && p->harts[i].mmu_type);
		CHECK(p->harts[i].plic_s_context >= -1);
		CHECK(p->harts[i].plic_s_context < p->plic.ncontexts);
		CHECK(!p->harts[i].has_mmu || p->harts[i].has_smode);
	}
	if (p->stdout_uart.node >= 0)
		CHECK(p->stdout_uart.reg_io_width >= 1 && p->stdout_uart.reg_io_width <= 8);
}

/* Read every property of node through the API. */
static void walk_props(const struct fdt *fdt, int node)
{
	const char *name;
	const void *val;
	int prop, len, n = 0;

	for (prop = fdt_first_prop(fdt, node); prop >= 0; prop = fdt_next_prop(fdt, prop)) {
		val = fdt_prop_value(fdt, prop, &name, &len);
		CHECK(val && name && len >= 0);
		/* looking it up by name finds a property of that name */
		CHECK(fdt_getprop(fdt, node, name, NULL) != NULL);
		n++;
	}
	CHECK(prop == -ENOENT || prop == -EINVAL);
	CHECK(n < 100000);
}

/*
 * Walk every node through every query.  strict: a well-formed tree from dtc,
 * where names among siblings and phandles are unique, so lookups must
 * round-trip.
 */
static int walk_api(const struct fdt *fdt, bool strict)
{
	int stack[FDT_MAX_DEPTH], node, depth = 0, nodes = 0, children = 0, len, c, i;
	uint64_t a, s;
	char path[1024];
	const char *name;
	uint32_t ph;

	for (node = fdt_next_node(fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		CHECK(depth >= 0 && depth < FDT_MAX_DEPTH);
		stack[depth] = node;
		nodes++;
		name = fdt_node_name(fdt, node, &len);
		CHECK(name && strlen(name) == (size_t)len);
		CHECK_EQ(fdt_parent(fdt, node), depth ? stack[depth - 1] : -ENOENT);
		if (fdt_get_path(fdt, node, path, sizeof(path)) == 0 && strict)
			CHECK_EQ(fdt_path_offset(fdt, path, strlen(path)), node);
		walk_props(fdt, node);
		for (c = fdt_first_child(fdt, node); c >= 0; c = fdt_next_sibling(fdt, c)) {
			CHECK_EQ(fdt_parent(fdt, c), node);
			children++;
		}
		ph = fdt_get_phandle(fdt, node);
		if (strict && ph && ph != 0xffffffffu)
			CHECK_EQ(fdt_node_by_phandle(fdt, ph), node);
		(void)fdt_node_enabled(fdt, node);
		(void)fdt_address_cells(fdt, node);
		(void)fdt_size_cells(fdt, node);
		for (i = 0; i < 64 && fdt_reg(fdt, node, i, &a, &s) == 0; i++)
			;
	}
	CHECK(node == -ENOENT || !strict);
	if (strict)
		CHECK_EQ(children, nodes - 1);
	return nodes;
}

/* ---- A tiny blob builder, for trees dtc would refuse to write ---- */

struct builder {
	uint8_t st[16384]; /* structure block */
	size_t nst;
	char str[4096]; /* strings block */
	size_t nstr;
	uint64_t rsv[8][2];
	int nrsv;
};

static void b_raw(struct builder *b, const void *p, size_t n)
{
	CHECK(b->nst + n <= sizeof(b->st));
	memcpy(b->st + b->nst, p, n);
	b->nst += n;
}

static void b_u32(struct builder *b, uint32_t v)
{
	uint8_t c[4];

	put32(c, v);
	b_raw(b, c, 4);
}

static void b_pad(struct builder *b)
{
	static const uint8_t zero[4];

	b_raw(b, zero, (4 - b->nst % 4) % 4);
}

static void b_begin(struct builder *b, const char *name)
{
	b_u32(b, FDT_BEGIN_NODE);
	b_raw(b, name, strlen(name) + 1);
	b_pad(b);
}

static void b_end(struct builder *b)
{
	b_u32(b, FDT_END_NODE);
}

static uint32_t b_string(struct builder *b, const char *s)
{
	size_t n = strlen(s) + 1, off = b->nstr;

	CHECK(b->nstr + n <= sizeof(b->str));
	memcpy(b->str + b->nstr, s, n);
	b->nstr += n;
	return (uint32_t)off;
}

static void b_prop(struct builder *b, const char *name, const void *val, size_t len)
{
	b_u32(b, FDT_PROP);
	b_u32(b, (uint32_t)len);
	b_u32(b, b_string(b, name));
	b_raw(b, val, len);
	b_pad(b);
}

static void b_str(struct builder *b, const char *name, const char *s)
{
	b_prop(b, name, s, strlen(s) + 1);
}

/* A property of n cells. */
static void b_cells(struct builder *b, const char *name, int n, ...)
{
	uint8_t v[4 * 32];
	va_list ap;
	int i;

	CHECK(n <= 32);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		put32(v + 4 * i, va_arg(ap, uint32_t));
	va_end(ap);
	b_prop(b, name, v, 4 * (size_t)n);
}

/*
 * The blob: header, reservation block, structure block, strings block.
 * With strings_first the strings block goes before the structure block, so
 * the structure block is the last thing in the buffer.
 */
static struct blob b_blob(const struct builder *b, bool strings_first)
{
	size_t rsvsize = 16 * ((size_t)b->nrsv + 1), total, soff, stroff;
	struct blob out;
	uint8_t *d;
	int i;

	if (strings_first) {
		stroff = 40 + rsvsize;
		soff = ALIGN_UP(stroff + b->nstr, 4);
		total = soff + b->nst;
	} else {
		soff = 40 + rsvsize;
		stroff = soff + b->nst;
		total = stroff + b->nstr;
	}
	d = calloc(1, total);
	CHECK(d);
	put32(d + 0, FDT_MAGIC);
	put32(d + 4, (uint32_t)total);
	put32(d + 8, (uint32_t)soff);
	put32(d + 12, (uint32_t)stroff);
	put32(d + 16, 40);
	put32(d + 20, 17);
	put32(d + 24, 16);
	put32(d + 32, (uint32_t)b->nstr);
	put32(d + 36, (uint32_t)b->nst);
	for (i = 0; i < b->nrsv; i++) {
		put32(d + 40 + 16 * i, (uint32_t)(b->rsv[i][0] >> 32));
		put32(d + 44 + 16 * i, (uint32_t)b->rsv[i][0]);
		put32(d + 48 + 16 * i, (uint32_t)(b->rsv[i][1] >> 32));
		put32(d + 52 + 16 * i, (uint32_t)b->rsv[i][1]);
	}
	memcpy(d + soff, b->st, b->nst);
	memcpy(d + stroff, b->str, b->nstr);
	out.data = d;
	out.len = total;
	return out;
}

static struct builder *b_new(void)
{
	struct builder *b = calloc(1, sizeof(*b));

	CHECK(b);
	return b;
}

/* Root node properties most test trees share. */
static void b_root(struct builder *b)
{
	b_begin(b, "");
	b_cells(b, "#address-cells", 1, 2);
	b_cells(b, "#size-cells", 1, 2);
}

/*
 * A small valid tree: NOPs among the tokens, one reservation, a UART named by
 * stdout-path with options, one memory node.
 */
static struct blob make_small(void)
{
	struct builder *b = b_new();
	struct blob out;

	b->rsv[0][0] = 0x80000000;
	b->rsv[0][1] = 0x1000;
	b->nrsv = 1;
	b_u32(b, FDT_NOP);
	b_root(b);
	b_u32(b, FDT_NOP);
	b_str(b, "model", "small");
	b_begin(b, "chosen");
	b_u32(b, FDT_NOP);
	b_str(b, "stdout-path", "/uart@1000:9600");
	b_end(b);
	b_begin(b, "uart@1000");
	b_str(b, "compatible", "ns16550a");
	b_u32(b, FDT_NOP);
	b_cells(b, "reg", 4, 0, 0x1000, 0, 0x100);
	b_end(b);
	b_begin(b, "memory@80000000");
	b_str(b, "device_type", "memory");
	b_cells(b, "reg", 4, 0, 0x80000000, 0, 0x4000000);
	b_end(b);
	b_end(b);
	b_u32(b, FDT_NOP);
	b_u32(b, FDT_END);
	out = b_blob(b, false);
	free(b);
	return out;
}

/*
 * Finish b as a tree, parse it and expect want.  The blob lives until the
 * next call, since the strings in p point into it.
 */
static void b_parse(struct builder *b, struct dt_platform *p, int want, const char *what)
{
	static uint8_t *last;

	free(last);
	b_u32(b, FDT_END);
	struct blob bl = b_blob(b, false);
	parse_expect(&bl, p, want, what);
	if (want != -EINVAL)
		check_sane(p);
	last = bl.data;
	free(b);
}

static void expect_error(const struct dt_platform *p, const char *part)
{
	if (!strstr(p->error, part)) {
		fprintf(stderr, "error \"%s\" does not mention \"%s\"\n", p->error, part);
		exit(1);
	}
}

/* ---- 1. The real boards' trees ---- */

static void check_no_smode_hart0(const struct dt_platform *p)
{
	const struct dt_hart *h = hart(p, 0);

	CHECK(!h->has_mmu && !h->has_smode && !dt_hart_usable(h));
	CHECK_EQ(h->plic_s_context, -1);
	CHECK(h->intc_phandle != 0);
}

/* Harts 1..n-1 usable, S-mode context 2h (context 0: hart 0's M-mode). */
static void check_sifive_style_harts(const struct dt_platform *p, int n)
{
	int h;

	CHECK_EQ(p->nharts, n);
	check_no_smode_hart0(p);
	for (h = 1; h < n; h++) {
		CHECK(dt_hart_usable(hart(p, h)));
		CHECK(!hart(p, h)->has_sstc);
		CHECK_EQ(hart(p, h)->plic_s_context, 2 * h);
	}
	CHECK_EQ(p->plic.ncontexts, 2 * n - 1);
}

static void check_vf2(const struct dt_platform *p, const struct fdt *fdt)
{
	const struct dt_uart *u;
	int node;

	CHECK_STR(p->model, "StarFive VisionFive 2 v1.3B");
	CHECK_EQ(p->timebase_frequency, 4000000);
	CHECK_EQ(p->nmem, 1);
	CHECK_EQ(p->mem[0].base, 0x40000000);
	CHECK_EQ(p->mem[0].size, 4 * GiB);
	CHECK_EQ(p->nreserved, 0);
	CHECK_STR(p->stdout_path, "/soc/serial@10000000");
	CHECK(p->stdout_uart.node >= 0);
	u = &p->stdout_uart;
	CHECK(stdout_compatible(p, "snps,dw-apb-uart"));
	CHECK_EQ(u->base, 0x10000000);
	CHECK_EQ(u->size, 0x10000);
	CHECK_EQ(u->reg_shift, 2);
	CHECK_EQ(u->reg_io_width, 4);
	CHECK_EQ(u->irq, 32);
	CHECK(u->enabled);
	CHECK(!uart_at(fdt, 0x10010000).enabled);
	CHECK_EQ(uart_at(fdt, 0x10010000).irq, 33);
	/* hart 0: S7 monitor core, rv64imac, disabled */
	CHECK(!hart(p, 0)->enabled);
	CHECK_STR(hart(p, 0)->isa, "rv64imac_zba_zbb");
	check_sifive_style_harts(p, 5);
	CHECK_STR(hart(p, 3)->mmu_type, "riscv,sv39");
	CHECK(p->plic.present);
	CHECK_EQ(p->plic.base, 0xc000000);
	CHECK_EQ(p->plic.size, 0x4000000);
	CHECK_EQ(p->plic.ndev, 136);
	CHECK_EQ(p->plic.phandle, 0x0c);
	CHECK(!p->has_initrd);
	CHECK_STR(p->bootargs, "");
	/* the reader: unit addresses, ambiguity, aliases */
	node = fdt_path_offset(fdt, "serial0", 7);
	CHECK(node >= 0);
	CHECK_EQ(node, u->node);
	CHECK_EQ(fdt_path_offset(fdt, "/soc/serial", 11), -ENOENT); /* six of them */
	CHECK_EQ(fdt_path_offset(fdt, "/memory", 7), fdt_path_offset(fdt, "/memory@40000000", 16));
	CHECK_EQ(fdt_node_by_compatible(fdt, -1, "snps,dw-apb-uart"), node);
	CHECK_EQ(fdt_node_by_phandle(fdt, 0x0c), p->plic.node);
}

static void check_unmatched(const struct dt_platform *p, const struct fdt *fdt)
{
	const struct dt_uart *u;

	CHECK_STR(p->model, "SiFive HiFive Unmatched A00");
	CHECK_EQ(p->timebase_frequency, 1000000);
	CHECK_EQ(p->nmem, 1);
	CHECK_EQ(p->mem[0].base, 0x80000000);
	CHECK_EQ(p->mem[0].size, 16 * GiB);
	CHECK_STR(p->stdout_path, "/soc/serial@10010000");
	CHECK(p->stdout_uart.node >= 0);
	u = &p->stdout_uart;
	CHECK(stdout_compatible(p, "sifive,uart0"));
	CHECK_EQ(u->base, 0x10010000);
	CHECK_EQ(u->irq, 39);
	CHECK_EQ(u->reg_shift, 0);
	CHECK_EQ(u->reg_io_width, 1);
	CHECK_EQ(uart_at(fdt, 0x10011000).irq, 40);
	CHECK(!hart(p, 0)->enabled);
	check_sifive_style_harts(p, 5);
	CHECK_EQ(p->plic.base, 0xc000000);
	CHECK_EQ(p->plic.ndev, 69);
}

static void check_unleashed(const struct dt_platform *p, const struct fdt *fdt)
{
	(void)fdt;
	CHECK_STR(p->model, "SiFive HiFive Unleashed A00");
	CHECK_EQ(p->timebase_frequency, 1000000);
	CHECK_EQ(p->mem[0].base, 0x80000000);
	CHECK_EQ(p->mem[0].size, 8 * GiB);
	CHECK(p->stdout_uart.node >= 0);
	CHECK_EQ(p->stdout_uart.base, 0x10010000);
	CHECK_EQ(p->stdout_uart.irq, 4);
	CHECK(stdout_compatible(p, "sifive,uart0"));
	check_sifive_style_harts(p, 5);
	CHECK_EQ(p->plic.ndev, 53);
}

/* QEMU virt: hart h's S-mode context is 2h + 1. */
static void check_virt(const struct dt_platform *p, int nharts, uint64_t memsize)
{
	const struct dt_uart *u;
	int h;

	CHECK_STR(p->model, "riscv-virtio,qemu");
	CHECK_EQ(p->timebase_frequency, 10000000);
	CHECK_EQ(p->nmem, 1);
	CHECK_EQ(p->mem[0].base, 0x80000000);
	CHECK_EQ(p->mem[0].size, memsize);
	CHECK_STR(p->stdout_path, "/soc/serial@10000000");
	CHECK(p->stdout_uart.node >= 0);
	u = &p->stdout_uart;
	CHECK(stdout_compatible(p, "ns16550a"));
	CHECK_EQ(u->base, 0x10000000);
	CHECK_EQ(u->size, 0x100);
	CHECK_EQ(u->irq, 10);
	CHECK_EQ(u->clock_frequency, 3686400);
	CHECK_EQ(u->reg_shift, 0);
	CHECK_EQ(u->reg_io_width, 1);
	CHECK_EQ(p->nharts, nharts);
	for (h = 0; h < nharts; h++) {
		CHECK(dt_hart_usable(hart(p, h)));
		CHECK(hart(p, h)->has_sstc);
		CHECK_STR(hart(p, h)->mmu_type, "riscv,sv48");
		CHECK_EQ(hart(p, h)->plic_s_context, 2 * h + 1);
	}
	CHECK(p->plic.present);
	CHECK_EQ(p->plic.base, 0xc000000);
	CHECK_EQ(p->plic.ndev, 96);
	CHECK_EQ(p->plic.ncontexts, 2 * nharts);
}

static void check_qemu_virt(const struct dt_platform *p, const struct fdt *fdt)
{
	(void)fdt;
	check_virt(p, 1, 128 * MiB);
	CHECK_EQ(p->nreserved, 0);
}

static void check_qemu_virt_smp4(const struct dt_platform *p, const struct fdt *fdt)
{
	(void)fdt;
	check_virt(p, 4, 256 * MiB);
	CHECK_EQ(hart(p, 3)->plic_s_context, 7);
	CHECK_EQ(p->nreserved, 0);
}

/* As OpenSBI hands it over: firmware reserved, M-mode contexts hidden. */
static void check_qemu_virt_payload(const struct dt_platform *p, const struct fdt *fdt)
{
	int plic = fdt_path_offset(fdt, "/soc/plic@c000000", 17), len;
	const uint8_t *ie = fdt_getprop(fdt, plic, "interrupts-extended", &len);

	check_virt(p, 4, 256 * MiB);
	CHECK_EQ(p->nreserved, 1);
	CHECK_EQ(p->reserved[0].base, 0x80000000);
	CHECK_EQ(p->reserved[0].size, 0x80000);
	CHECK(!p->reserved[0].no_map);
	CHECK(ie && len == 4 * 16);
	CHECK_EQ(get32(ie + 4), 0xffffffffu); /* hart 0's M-mode entry, rewritten */
}

/* QEMU sifive_u: E51 hart 0 without MMU, U54 harts after it. */
static void check_sifive_u(const struct dt_platform *p, const struct fdt *fdt, int nharts)
{
	int h;

	CHECK_STR(p->model, "SiFive HiFive Unleashed A00");
	CHECK_EQ(p->timebase_frequency, 1000000);
	CHECK_EQ(p->mem[0].base, 0x80000000);
	CHECK_EQ(p->mem[0].size, 128 * MiB);
	CHECK_STR(p->stdout_path, "/soc/serial@10010000");
	CHECK(p->stdout_uart.node >= 0);
	CHECK(stdout_compatible(p, "sifive,uart0"));
	CHECK_EQ(p->stdout_uart.base, 0x10010000);
	CHECK_EQ(p->stdout_uart.irq, 4);
	CHECK_EQ(uart_at(fdt, 0x10011000).irq, 5);
	CHECK_EQ(p->nharts, nharts);
	check_no_smode_hart0(p);
	CHECK_STR(hart(p, 0)->isa, "rv64imac_zicsr_zifencei");
	for (h = 1; h < nharts; h++) {
		CHECK(dt_hart_usable(hart(p, h)));
		CHECK_EQ(hart(p, h)->plic_s_context, 2 * h);
	}
	CHECK_EQ(p->plic.ndev, 53);
	CHECK_EQ(p->plic.ncontexts, 2 * nharts - 1);
}

static void check_qemu_sifive_u(const struct dt_platform *p, const struct fdt *fdt)
{
	check_sifive_u(p, fdt, 2);
	CHECK(hart(p, 0)->enabled);
	CHECK_EQ(p->nreserved, 0);
}

static void check_qemu_sifive_u_smp5(const struct dt_platform *p, const struct fdt *fdt)
{
	check_sifive_u(p, fdt, 5);
	CHECK(hart(p, 0)->enabled);
}

static void check_qemu_sifive_u_payload(const struct dt_platform *p, const struct fdt *fdt)
{
	check_sifive_u(p, fdt, 5);
	CHECK(!hart(p, 0)->enabled); /* OpenSBI marks the E51 disabled */
	CHECK_EQ(p->nreserved, 1);
	CHECK_EQ(p->reserved[0].base, 0x80000000);
	CHECK_EQ(p->reserved[0].size, 0x80000);
	CHECK(p->reserved[0].no_map);
}

static const struct {
	const char *file;
	void (*check)(const struct dt_platform *p, const struct fdt *fdt);
} shared_checks[] = {
	{"jh7110-starfive-visionfive-2-v1.3b.dtb", check_vf2},
	{"hifive-unmatched-a00.dtb", check_unmatched},
	{"hifive-unleashed-a00.dtb", check_unleashed},
	{"qemu-virt.dtb", check_qemu_virt},
	{"qemu-virt-smp4-256M.dtb", check_qemu_virt_smp4},
	{"qemu-virt-smp4-as-seen-by-payload.dtb", check_qemu_virt_payload},
	{"qemu-sifive_u.dtb", check_qemu_sifive_u},
	{"qemu-sifive_u-smp5.dtb", check_qemu_sifive_u_smp5},
	{"qemu-sifive_u-smp5-as-seen-by-payload.dtb", check_qemu_sifive_u_payload},
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Parse one real tree, walk it, and check its facts if we know them. */
static void test_shared_tree(const char *dir, const char *file)
{
	struct blob b = must_load(dir, file);
	struct dt_platform p;
	struct fdt fdt;
	size_t i;

	parse_expect(&b, &p, 0, file);
	check_sane(&p);
	CHECK_EQ(p.totalsize, b.len);
	fdt_init_ok(&fdt, &b);
	walk_api(&fdt, true);
	for (i = 0; i < ARRAY_SIZE(shared_checks); i++) {
		if (!strcmp(file, shared_checks[i].file)) {
			shared_checks[i].check(&p, &fdt);
			printf("  %s: facts checked\n", file);
		}
	}
	free(b.data);
}

static void test_shared_trees(const char *dir)
{
	struct dirent *e;
	DIR *d = dir ? opendir(dir) : NULL;
	int n = 0;

	if (!d) {
		printf("SKIP: no shared trees (SHARED_DTB_DIR=%s)\n", dir ? dir : "unset");
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (!ends_with(e->d_name, ".dtb"))
			continue;
		test_shared_tree(dir, e->d_name);
		n++;
	}
	closedir(d);
	printf("shared trees: %d parsed and walked\n", n);
}

/* ---- 2. The project's own trees ---- */

static void check_multi_memory(const char *dir)
{
	struct blob b = must_load(dir, "multi-memory.dtb");
	struct dt_platform p;
	const struct dt_hart *h;

	parse_expect(&b, &p, 0, "multi-memory");
	check_sane(&p);
	CHECK_EQ(p.nmem, 4);
	CHECK_EQ(p.mem[0].base, 0x80000000);
	CHECK_EQ(p.mem[0].size, 0x10000000);
	CHECK_EQ(p.mem[1].base, 0xa0000000);
	CHECK_EQ(p.mem[1].size, 0x08000000);
	CHECK_EQ(p.mem[2].base, 0x200000000ull);
	CHECK_EQ(p.mem[2].size, 0x100000000ull);
	CHECK_EQ(p.mem[3].base, 0xf0000000);
	/* two /memreserve/ lines, then /reserved-memory in tree order */
	CHECK_EQ(p.nreserved, 5);
	CHECK_EQ(p.reserved[0].base, 0x80000000);
	CHECK_EQ(p.reserved[0].size, 0x10000);
	CHECK(!p.reserved[0].no_map);
	CHECK_EQ(p.reserved[1].base, 0xa0000000);
	CHECK_EQ(p.reserved[2].base, 0x80000000);
	CHECK_EQ(p.reserved[2].size, 0x40000);
	CHECK(p.reserved[2].no_map);
	CHECK_EQ(p.reserved[3].base, 0x90000000);
	CHECK(!p.reserved[3].no_map);
	CHECK_EQ(p.reserved[4].base, 0x90200000);
	CHECK_STR(p.bootargs, "console=hvc0 loglevel=8");
	CHECK(p.has_initrd);
	CHECK_EQ(p.initrd_start, 0x88000000);
	CHECK_EQ(p.initrd_end, 0x88200000);
	/* "serial1:115200n8": alias resolved, options cut */
	CHECK_STR(p.stdout_path, "/soc/uart@10001000");
	CHECK_EQ(p.stdout_uart.base, 0x10001000);
	CHECK(stdout_compatible(&p, "ns16550"));
	CHECK_EQ(p.timebase_frequency, 10000000);
	/* "rv64imafdcsu": S-mode by letter, but no MMU */
	h = hart(&p, 0);
	CHECK(h->has_smode && !h->has_mmu && !dt_hart_usable(h) && !h->has_sstc);
	CHECK_EQ(h->plic_s_context, 1);
	/* "_Sstc": any case */
	h = hart(&p, 1);
	CHECK(h->has_sstc && dt_hart_usable(h));
	CHECK_EQ(h->plic_s_context, 3);
	CHECK_EQ(p.plic.ndev, 31);
	free(b.data);
}

static void check_odd_cells(const char *dir)
{
	struct blob b = must_load(dir, "odd-cells.dtb");
	struct dt_platform p;
	const struct dt_uart *u;
	struct fdt fdt;

	parse_expect(&b, &p, 0, "odd-cells");
	check_sane(&p);
	CHECK_EQ(p.nmem, 2);
	CHECK_EQ(p.mem[0].base, 0x40000000);
	CHECK_EQ(p.mem[0].size, 0x20000000);
	CHECK_EQ(p.mem[1].base, 0x70000000);
	CHECK(p.has_initrd);
	CHECK_EQ(p.initrd_start, 0x84000000);
	CHECK_EQ(p.initrd_end, 0x84100000);
	CHECK_EQ(p.timebase_frequency, 24000000); /* from cpu@10 */
	CHECK_EQ(p.nharts, 2);
	CHECK(!hart(&p, 0x10)->has_mmu && !hart(&p, 0x10)->has_smode);
	CHECK_STR(hart(&p, 0x10)->mmu_type, "riscv,none");
	CHECK(dt_hart_usable(hart(&p, 0x12)) && hart(&p, 0x12)->has_sstc);
	CHECK_EQ(hart(&p, 0x12)->intc_phandle, 0x77); /* linux,phandle */
	/* the aux controller's entry takes three cells and is context 1 */
	CHECK_EQ(p.plic.ncontexts, 5);
	CHECK_EQ(hart(&p, 0x10)->plic_s_context, 2);
	CHECK_EQ(hart(&p, 0x12)->plic_s_context, 4);
	CHECK_EQ(p.plic.ndev, 127);
	CHECK_EQ(p.plic.base, 0xc000000);
	fdt_init_ok(&fdt, &b);
	CHECK_EQ(uart_at(&fdt, 0x10010000).clock_frequency, 33333333);
	CHECK_STR(p.stdout_path, "/soc/bus@20000000/serial@20001000");
	u = &p.stdout_uart;
	CHECK_EQ(u->base, 0x20001000); /* bus ranges taken as identity */
	CHECK_EQ(u->size, 0x400);
	CHECK(stdout_compatible(&p, "snps,dw-apb-uart"));
	CHECK_EQ(u->reg_shift, 2);
	CHECK_EQ(u->reg_io_width, 4);
	CHECK_EQ(u->irq, 33);
	CHECK_EQ(u->clock_frequency, 24000000);
	CHECK(u->enabled);
	CHECK(!uart_at(&fdt, 0x20002000).enabled); /* status "fail" */
	free(b.data);
}

static void check_many_harts(const char *dir)
{
	struct blob b = must_load(dir, "many-harts.dtb");
	struct dt_platform p;
	int h;

	parse_expect(&b, &p, -E2BIG, "many-harts");
	check_sane(&p);
	expect_error(&p, "harts");
	CHECK_EQ(p.nharts, DT_MAX_HARTS);
	CHECK(dt_find_hart(&p, 0) == NULL); /* the 33rd node */
	for (h = 1; h <= 32; h++)
		CHECK_EQ(hart(&p, h)->plic_s_context, 2 * h + 1);
	CHECK_EQ(p.plic.ncontexts, 66);
	CHECK_EQ(p.nmem, 1);
	CHECK_EQ(p.timebase_frequency, 1000000);
	free(b.data);
}

static void check_minimal(const char *dir)
{
	struct blob b = must_load(dir, "minimal.dtb");
	struct dt_platform p;
	struct fdt fdt;

	parse_expect(&b, &p, 0, "minimal");
	check_sane(&p);
	CHECK(p.nmem == 0 && p.nharts == 0 && !p.plic.present);
	CHECK_EQ(p.stdout_uart.node, -1);
	CHECK_STR(p.stdout_path, "");
	CHECK_STR(p.model, "");
	CHECK_EQ(p.timebase_frequency, 0);
	fdt_init_ok(&fdt, &b);
	CHECK_EQ(walk_api(&fdt, true), 1);
	CHECK_EQ(fdt_path_offset(&fdt, "/", 1), fdt.root);
	CHECK_EQ(fdt_first_child(&fdt, fdt.root), -ENOENT);
	CHECK_EQ(fdt_next_sibling(&fdt, fdt.root), -ENOENT);
	CHECK_EQ(fdt_next_node(&fdt, fdt.root, NULL), -ENOENT);
	CHECK_EQ(fdt_path_offset(&fdt, "serial0", 7), -ENOENT);
	free(b.data);
}

static void check_paths(const char *dir)
{
	struct blob b = must_load(dir, "paths.dtb");
	struct dt_platform p;
	struct fdt fdt;
	char buf[64];
	int port1, deep, mux;
	const char *deep_path = "/soc/a/b/c/d/e/f/g/h/i/j";

	parse_expect(&b, &p, 0, "paths");
	check_sane(&p);
	fdt_init_ok(&fdt, &b);
	port1 = fdt_path_offset(&fdt, "/soc/mux@100/port@1", 19);
	CHECK(port1 >= 0);
	/* stdout-path "mux/port@1": an alias and a path below it */
	CHECK_STR(p.stdout_path, "/soc/mux@100/port@1");
	CHECK_EQ(p.stdout_uart.node, port1);
	CHECK_EQ(p.stdout_uart.base, 0x108);
	mux = fdt_path_offset(&fdt, "/soc/mux", 8);
	CHECK(mux >= 0);
	CHECK_EQ(fdt_path_offset(&fdt, "mux", 3), mux);
	CHECK_EQ(fdt_path_offset(&fdt, "console", 7), port1);
	CHECK_EQ(fdt_path_offset(&fdt, "/soc/mux/port", 13), -ENOENT); /* ambiguous */
	CHECK_EQ(fdt_path_offset(&fdt, "/soc/bus", 8), -ENOENT);       /* ambiguous */
	CHECK(fdt_path_offset(&fdt, "/soc/bus@2/leaf", 15) >= 0);
	CHECK_EQ(fdt_path_offset(&fdt, "relative", 8), -ENOENT); /* not a full path */
	CHECK_EQ(fdt_path_offset(&fdt, "nosuch/x", 8), -ENOENT);
	CHECK_EQ(fdt_path_offset(&fdt, "//soc///mux@100/", 16), mux);
	CHECK_EQ(fdt_path_offset(&fdt, "/soc/mux@100/port@1:opts", 19), port1); /* length counts */
	CHECK_EQ(fdt_path_offset(&fdt, "", 0), -EINVAL);
	CHECK_STR(fdt_get_alias(&fdt, "muxes", 3), "/soc/mux@100");
	CHECK(fdt_get_alias(&fdt, "mu", 2) == NULL);
	deep = fdt_path_offset(&fdt, deep_path, strlen(deep_path));
	CHECK(deep >= 0);
	CHECK_STR(fdt_getprop_str(&fdt, deep, "deepest"), "yes");
	CHECK_EQ(fdt_get_path(&fdt, deep, buf, sizeof(buf)), 0);
	CHECK_STR(buf, deep_path);
	CHECK_EQ(fdt_get_path(&fdt, deep, buf, strlen(deep_path) + 1), 0);
	CHECK_EQ(fdt_get_path(&fdt, deep, buf, strlen(deep_path)), -ENAMETOOLONG);
	CHECK_EQ(fdt_get_path(&fdt, deep, buf, 1), -ENAMETOOLONG);
	CHECK_EQ(fdt_get_path(&fdt, fdt.root, buf, 2), 0);
	CHECK_STR(buf, "/");
	CHECK_EQ(fdt_first_child(&fdt, deep), -ENOENT);
	CHECK_EQ(fdt_next_sibling(&fdt, fdt_path_offset(&fdt, "/soc/bus@1", 10)),
		 fdt_path_offset(&fdt, "/soc/bus@2", 10));
	CHECK_EQ(fdt_next_sibling(&fdt, fdt_path_offset(&fdt, "/soc/a", 6)), -ENOENT);
	CHECK_EQ(fdt_reg(&fdt, fdt.root, 0, NULL, NULL), -ENOENT);
	free(b.data);
}

static void test_project_trees(const char *dir)
{
	struct dirent *e;
	DIR *d;
	int n = 0;

	if (!dir) {
		printf("SKIP: PROJECT_DTB_DIR unset\n");
		return;
	}
	check_multi_memory(dir);
	check_odd_cells(dir);
	check_many_harts(dir);
	check_minimal(dir);
	check_paths(dir);
	/* and every tree there walks cleanly */
	d = opendir(dir);
	CHECK(d);
	while ((e = readdir(d)) != NULL) {
		struct blob b;
		struct fdt fdt;

		if (!ends_with(e->d_name, ".dtb"))
			continue;
		b = must_load(dir, e->d_name);
		fdt_init_ok(&fdt, &b);
		walk_api(&fdt, true);
		free(b.data);
		n++;
	}
	closedir(d);
	printf("project trees: %d checked\n", n);
}

/* ---- 3. Hand-built trees ---- */

static void test_small_tree(void)
{
	struct blob b = make_small();
	struct dt_platform p;
	struct fdt fdt;
	uint64_t a, s;
	int uart;

	parse_expect(&b, &p, 0, "small");
	check_sane(&p);
	CHECK_STR(p.model, "small");
	CHECK_EQ(p.nmem, 1);
	CHECK_EQ(p.nreserved, 1);
	CHECK_EQ(p.reserved[0].base, 0x80000000);
	CHECK(p.stdout_uart.node >= 0);
	CHECK_STR(p.stdout_path, "/uart@1000");
	fdt_init_ok(&fdt, &b);
	CHECK_EQ(fdt.nrsv, 1);
	CHECK_EQ(fdt_get_mem_rsv(&fdt, 0, &a, &s), 0);
	CHECK(a == 0x80000000 && s == 0x1000);
	CHECK_EQ(fdt_get_mem_rsv(&fdt, 1, &a, &s), -ENOENT);
	CHECK_EQ(fdt_get_mem_rsv(&fdt, -1, &a, &s), -ENOENT);
	uart = fdt_path_offset(&fdt, "/uart", 5);
	CHECK(uart >= 0);
	/* NOPs between properties are stepped over */
	CHECK(fdt_getprop(&fdt, uart, "reg", NULL) != NULL);
	CHECK_EQ(fdt_reg(&fdt, uart, 0, &a, &s), 0);
	CHECK(a == 0x1000 && s == 0x100);
	CHECK_EQ(fdt_reg(&fdt, uart, 1, &a, &s), -ENOENT);
	/* offsets that are not nodes or properties */
	CHECK_EQ(fdt_next_node(&fdt, uart + 1, NULL), -EINVAL);
	CHECK_EQ(fdt_next_node(&fdt, 0, NULL), -EINVAL);
	CHECK_EQ(fdt_next_node(&fdt, (int)b.len, NULL), -EINVAL);
	CHECK_EQ(fdt_next_node(&fdt, 0x7ffffffc, NULL), -EINVAL);
	CHECK_EQ(fdt_next_node(&fdt, fdt_first_prop(&fdt, uart), NULL), -EINVAL);
	CHECK(fdt_node_name(&fdt, fdt_first_prop(&fdt, uart), NULL) == NULL);
	CHECK_EQ(fdt_first_prop(&fdt, fdt_first_prop(&fdt, uart)), -EINVAL);
	CHECK_EQ(fdt_next_prop(&fdt, uart), -EINVAL);
	CHECK(fdt_prop_value(&fdt, uart, NULL, NULL) == NULL);
	CHECK_EQ(fdt_parent(&fdt, fdt_first_prop(&fdt, uart)), -EINVAL);
	CHECK_EQ(fdt_parent(&fdt, uart + 4), -EINVAL);
	CHECK_EQ(fdt_get_path(&fdt, -4, (char[8]){0}, 8), -EINVAL);
	CHECK(fdt_getprop(&fdt, -1, "reg", NULL) == NULL);
	CHECK_EQ(fdt_first_child(&fdt, 12345), -EINVAL);
	free(b.data);
}

/* Header damage: each must be refused with a message naming it. */
static void test_bad_headers(void)
{
	static const struct {
		int field;
		uint32_t value;
		const char *msg;
	} cases[] = {
		{0, 0xd00dfeee, "bad magic 0xd00dfeee"},
		{0, 0xedfe0dd0, "bad magic"}, /* little-endian writer */
		{4, 0x100000, "truncated: totalsize 0x100000 > available"},
		{4, 0xffffffff, "truncated"},
		{4, 39, "bad totalsize"},
		{8, 0x3a, "structure block"},	     /* unaligned */
		{8, 0x10, "structure block"},	     /* inside the header */
		{8, 0x7ffffff0, "structure block"},  /* past the end */
		{36, 0xfffffff0, "structure block"}, /* size wraps */
		{12, 0x7ffffff0, "strings block"},
		{32, 0xffffffff, "strings block"},
		{16, 0x2c, "memory reservation"}, /* unaligned */
		{16, 0xfffffff8, "memory reservation"},
		{20, 15, "unsupported version"},
		{24, 18, "unsupported version"},
	};
	struct blob good = make_small();
	struct dt_platform p;
	struct blob b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		b.data = dup_exact(good.data, good.len);
		b.len = good.len;
		put32(b.data + cases[i].field, cases[i].value);
		parse_expect(&b, &p, -EINVAL, cases[i].msg);
		expect_error(&p, cases[i].msg);
		CHECK(!strncmp(p.error, "device tree: ", 13));
		free(b.data);
	}
	/* too short to hold a header, and no blob at all */
	for (i = 0; i < 40; i++) {
		b.data = dup_exact(good.data, i);
		CHECK_EQ(dt_platform_parse(b.data, i, &p), -EINVAL);
		free(b.data);
	}
	CHECK_EQ(dt_platform_parse(NULL, 100, &p), -EINVAL);
	/* maxlen below totalsize: the header's claim is not trusted */
	CHECK_EQ(dt_platform_parse(good.data, good.len - 1, &p), -EINVAL);
	expect_error(&p, "truncated");
	/* version 16: no size_dt_struct, the structure block runs to the end */
	b.data = dup_exact(good.data, good.len);
	b.len = good.len;
	put32(b.data + 20, 16);
	put32(b.data + 36, 0xdeadbeef);
	parse_expect(&b, &p, 0, "version 16");
	free(b.data);
	free(good.data);
}

/* A reservation list that runs to the end of the blob unterminated. */
static void test_unterminated_rsvmap(void)
{
	struct blob good = make_small(), b;
	struct dt_platform p;
	size_t off = ALIGN_UP(good.len, 8);

	b.len = off + 16;
	b.data = calloc(1, b.len);
	CHECK(b.data);
	memcpy(b.data, good.data, good.len);
	put32(b.data + 4, (uint32_t)b.len);
	put32(b.data + 16, (uint32_t)off); /* the last 16 bytes */
	memset(b.data + off, 0x11, 16);
	parse_expect(&b, &p, -EINVAL, "rsvmap");
	expect_error(&p, "not terminated");
	/* half an entry */
	put32(b.data + 16, (uint32_t)off + 8);
	parse_expect(&b, &p, -EINVAL, "rsvmap");
	free(b.data);
	free(good.data);
}

/* Build a tree from a structure-block script and expect fdt_init's verdict. */
static void expect_struct(struct builder *b, bool strings_first, const char *msg)
{
	struct blob bl = b_blob(b, strings_first);
	struct dt_platform p;
	struct fdt fdt;

	if (msg) {
		parse_expect(&bl, &p, -EINVAL, msg);
		expect_error(&p, msg);
		CHECK_EQ(fdt_init(&fdt, bl.data, bl.len), -EINVAL);
	} else {
		parse_expect(&bl, &p, 0, "structure");
	}
	free(bl.data);
	free(b);
}

static void test_bad_structure(void)
{
	struct builder *b;
	int i;

	/* a node name with no NUL before the block ends (strings block after it) */
	for (i = 0; i < 2; i++) {
		b = b_new();
		b_root(b);
		b_u32(b, FDT_BEGIN_NODE);
		b_raw(b, "abc", 3);
		expect_struct(b, i == 1, "truncated token");
	}
	/* a property value running past the block, by one byte and by far */
	for (i = 0; i < 4; i++) {
		/* 12 bytes follow the property header: 13 is one too many */
		static const uint32_t lens[] = {13, 0x7fffffff, 0xfffffff8, 0xffffffff};

		b = b_new();
		b_root(b);
		b_u32(b, FDT_PROP);
		b_u32(b, lens[i]);
		b_u32(b, b_string(b, "x"));
		b_u32(b, 0);
		b_end(b);
		b_u32(b, FDT_END);
		expect_struct(b, true, "truncated token");
	}
	/* a property header cut short */
	b = b_new();
	b_root(b);
	b_u32(b, FDT_PROP);
	b_u32(b, 0);
	expect_struct(b, true, "truncated token");
	/* property names outside the strings block, or unterminated there */
	for (i = 0; i < 3; i++) {
		b = b_new();
		b_root(b);
		b_u32(b, FDT_PROP);
		b_u32(b, 0);
		b_u32(b, i == 0 ? 0xffffffffu : (uint32_t)b->nstr + (i == 1 ? 0 : 100));
		b_end(b);
		b_u32(b, FDT_END);
		expect_struct(b, false, "bad or truncated token");
	}
	b = b_new();
	b_root(b);
	b_u32(b, FDT_END_NODE);
	b_u32(b, FDT_END);
	b->str[b->nstr - 1] = 'x'; /* "#size-cells" loses its NUL at the blob's end */
	expect_struct(b, false, "bad or truncated token");
	/* unknown tokens */
	for (i = 0; i < 3; i++) {
		static const uint32_t toks[] = {0, 5, 0x01000000};

		b = b_new();
		b_root(b);
		b_u32(b, toks[i]);
		b_end(b);
		b_u32(b, FDT_END);
		expect_struct(b, false, "bad or truncated token");
	}
}

static void test_bad_nesting(void)
{
	struct builder *b;
	int i;

	b = b_new();
	b_root(b);
	b_end(b);
	expect_struct(b, false, "without FDT_END");
	b = b_new();
	b_root(b);
	b_end(b);
	b_end(b);
	b_u32(b, FDT_END);
	expect_struct(b, false, "FDT_END_NODE without a node");
	b = b_new();
	b_root(b);
	b_end(b);
	b_root(b);
	b_end(b);
	b_u32(b, FDT_END);
	expect_struct(b, false, "second root");
	b = b_new();
	b_str(b, "model", "x");
	b_root(b);
	b_end(b);
	b_u32(b, FDT_END);
	expect_struct(b, false, "outside any node");
	b = b_new();
	b_root(b);
	b_u32(b, FDT_END);
	expect_struct(b, false, "inside a node");
	b = b_new();
	b_u32(b, FDT_NOP);
	b_u32(b, FDT_END);
	expect_struct(b, false, "before the root");
	/* FDT_MAX_DEPTH levels are fine, one more is not */
	for (i = 0; i < 2; i++) {
		int d, depth = FDT_MAX_DEPTH + i;

		b = b_new();
		b_root(b);
		for (d = 1; d < depth; d++)
			b_begin(b, "n");
		for (d = 0; d < depth; d++)
			b_end(b);
		b_u32(b, FDT_END);
		expect_struct(b, false, i ? "deeper than 64" : NULL);
	}
}

/* Reader pieces that need no tree. */
static void test_primitives(void)
{
	static const uint8_t cells[] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 9};
	static const char list[] = "a\0bc\0";
	static const char unterminated[] = {'a', 0, 'b', 'c'};
	uint64_t v;

	CHECK_EQ(fdt32_ld(cells + 5), 0x00000100);
	CHECK_EQ(fdt64_ld(cells + 5), 0x0000010000000200ull); /* unaligned */
	CHECK_EQ(fdt_read_cells(cells, 3, &v), 0);
	CHECK_EQ(v, 0x100000002ull);
	CHECK_EQ(fdt_read_cells(cells + 8, 2, &v), 0);
	CHECK_EQ(v, 0x200000003ull);
	CHECK_EQ(fdt_read_cells(cells, 4, &v), -ERANGE); /* 0x1_00000002_00000003 */
	CHECK_EQ(fdt_read_cells(cells + 4, 3, &v), -ERANGE);
	CHECK_EQ(fdt_read_cells(cells, 5, &v), -EINVAL);
	CHECK_EQ(fdt_read_cells(cells, -1, &v), -EINVAL);
	CHECK_EQ(fdt_read_cells(cells, 0, &v), 0);
	CHECK_EQ(v, 0);
	CHECK(fdt_stringlist_contains(list, sizeof(list) - 1, "bc"));
	CHECK(fdt_stringlist_contains(list, sizeof(list) - 1, "a"));
	CHECK(!fdt_stringlist_contains(list, sizeof(list) - 1, "b"));
	CHECK(fdt_stringlist_contains(unterminated, 4, "a"));
	CHECK(!fdt_stringlist_contains(unterminated, 4, "bc"));
	CHECK(fdt_stringlist_next(unterminated, 4, unterminated) == NULL);
	CHECK(fdt_stringlist_next(list, 0, NULL) == NULL);
	CHECK(fdt_stringlist_next(NULL, 4, NULL) == NULL);
	CHECK(fdt_stringlist_next(list, -1, NULL) == NULL);
}

/* A one-cpu tree with this riscv,isa (and optionally an extensions list). */
static struct dt_hart isa_hart(const char *isa, const char *mmu)
{
	struct builder *b = b_new();
	struct dt_platform p;

	b_root(b);
	b_begin(b, "cpus");
	b_cells(b, "#address-cells", 1, 1);
	b_cells(b, "#size-cells", 1, 0);
	b_begin(b, "cpu@0");
	b_str(b, "device_type", "cpu");
	b_cells(b, "reg", 1, 0);
	if (isa)
		b_str(b, "riscv,isa", isa);
	else
		b_prop(b, "riscv,isa", "rv64imafdcsu", 12); /* unterminated */
	if (mmu)
		b_str(b, "mmu-type", mmu);
	b_end(b);
	b_end(b);
	b_end(b);
	b_parse(b, &p, 0, isa ? isa : "(unterminated isa)");
	CHECK_EQ(p.nharts, 1);
	return p.harts[0];
}

static void test_isa_strings(void)
{
	static const struct {
		const char *isa;
		bool smode, sstc;
	} cases[] = {
		{"rv64imafdc", false, false},
		{"rv64imafdcsu", true, false},
		{"RV64IMAFDCSU", true, false},
		{"rv32imasu", true, false},
		{"rv64imafdc_zicsr_ssaia", false, false},
		{"rv64imafdczicsr", false, false}, /* 's' inside a z-extension */
		{"rv64imafdcxsifive", false, false},
		{"rv64imafdc_sstc", false, true},
		{"rv64imafdc_zicsr_SSTC_zifencei", false, true},
		{"rv64imafdc_sstcx", false, false},
		{"rv64imafdc_zsstc", false, false},
		{"rv64imafdcsstc", true, false}, /* no '_': not read as Sstc */
		{"rv128is", false, false},
		{"rv", false, false},
		{"", false, false},
		{"_sstc_", false, true},
	};
	struct dt_hart h;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		h = isa_hart(cases[i].isa, NULL);
		if (h.has_smode != cases[i].smode || h.has_sstc != cases[i].sstc) {
			fprintf(stderr, "isa \"%s\": smode %d sstc %d\n", cases[i].isa, h.has_smode,
				h.has_sstc);
			exit(1);
		}
		CHECK(!h.has_mmu);
		CHECK_STR(h.isa, cases[i].isa);
	}
	h = isa_hart("rv64imac", "riscv,sv39");
	CHECK(h.has_mmu && h.has_smode && dt_hart_usable(&h));
	h = isa_hart("rv64imafdcsu", "riscv,none");
	CHECK(!h.has_mmu && h.has_smode && !dt_hart_usable(&h));
	h = isa_hart(NULL, NULL);
	CHECK_STR(h.isa, "");
	CHECK(!h.has_smode);
	CHECK(!dt_hart_usable(NULL));
}

/* A tree with a cpus node of n harts (ids 0..n-1) and intc phandles 1..n. */
static void b_cpus(struct builder *b, int n, int dup_id)
{
	char name[16];
	int i;

	b_begin(b, "cpus");
	b_cells(b, "#address-cells", 1, 1);
	b_cells(b, "#size-cells", 1, 0);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "cpu@%x", i);
		b_begin(b, name);
		b_str(b, "device_type", "cpu");
		b_cells(b, "reg", 1, i == dup_id ? 0 : i);
		b_str(b, "mmu-type", "riscv,sv39");
		b_begin(b, "interrupt-controller");
		b_str(b, "compatible", "riscv,cpu-intc");
		b_cells(b, "#interrupt-cells", 1, 1);
		b_cells(b, "phandle", 1, i + 1);
		b_end(b);
		b_end(b);
	}
	b_end(b);
}

static void b_plic_begin(struct builder *b)
{
	b_begin(b, "plic@c000000");
	b_prop(b, "compatible", "vendor,x\0riscv,plic0", 21);
	b_prop(b, "interrupt-controller", "", 0);
	b_cells(b, "reg", 4, 0, 0xc000000, 0, 0x4000000);
}

static void test_plic_errors(void)
{
	struct dt_platform p;
	struct builder *b;

	/* an entry naming a phandle nobody has: its size is unknown */
	b = b_new();
	b_root(b);
	b_cpus(b, 1, -1);
	b_plic_begin(b);
	b_cells(b, "riscv,ndev", 1, 10);
	b_cells(b, "interrupts-extended", 4, 1, 11, 99, 9);
	b_end(b);
	b_end(b);
	b_parse(b, &p, -EINVAL, "unknown phandle");
	expect_error(&p, "interrupts-extended");
	/* a last entry cut short, and a length not in cells */
	b = b_new();
	b_root(b);
	b_cpus(b, 1, -1);
	b_plic_begin(b);
	b_cells(b, "riscv,ndev", 1, 10);
	b_cells(b, "interrupts-extended", 3, 1, 11, 1);
	b_end(b);
	b_end(b);
	b_parse(b, &p, -EINVAL, "cut entry");
	b = b_new();
	b_root(b);
	b_cpus(b, 1, -1);
	b_plic_begin(b);
	b_cells(b, "riscv,ndev", 1, 10);
	b_prop(b, "interrupts-extended", "\0\0\0\1\0\0\0\x0b\0", 9);
	b_end(b);
	b_end(b);
	b_parse(b, &p, -EINVAL, "odd length");
	/* no riscv,ndev: not a PLIC (the binding's own property finds it),
	 * so the hart has no context and the kernel polls */
	b = b_new();
	b_root(b);
	b_cpus(b, 1, -1);
	b_plic_begin(b);
	b_cells(b, "interrupts-extended", 2, 1, 9);
	b_end(b);
	b_end(b);
	b_parse(b, &p, 0, "no ndev");
	CHECK(!p.plic.present);
	CHECK_EQ(hart(&p, 0)->plic_s_context, -1);
	/* riscv,ndev malformed */
	b = b_new();
	b_root(b);
	b_cpus(b, 1, -1);
	b_plic_begin(b);
	b_prop(b, "riscv,ndev", "\0\0", 2);
	b_cells(b, "interrupts-extended", 2, 1, 9);
	b_end(b);
	b_end(b);
	b_parse(b, &p, -EINVAL, "bad ndev");
	expect_error(&p, "riscv,ndev");
	/* a good one, where the hart's entries come in reverse order */
	b = b_new();
	b_root(b);
	b_cpus(b, 2, -1);
	b_plic_begin(b);
	b_cells(b, "riscv,ndev", 1, 10);
	b_cells(b, "interrupts-extended", 6, 2, 9, 1, 9, 1, 0xffffffff);
	b_end(b);
	b_plic_begin(b); /* a second PLIC is ignored */
	b_end(b);
	b_end(b);
	b_parse(b, &p, 0, "reversed");
	CHECK_EQ(hart(&p, 1)->plic_s_context, 0);
	CHECK_EQ(hart(&p, 0)->plic_s_context, 1);
	CHECK_EQ(p.plic.ncontexts, 3);
}

static void test_hart_errors(void)
{
	struct dt_platform p;
	struct builder *b;

	b = b_new();
	b_root(b);
	b_cpus(b, 3, 2);
	b_end(b);
	b_parse(b, &p, -EINVAL, "duplicate hart id");
	expect_error(&p, "two cpu nodes with hart id 0");
	/* a reg of one and a half cells */
	b = b_new();
	b_root(b);
	b_begin(b, "cpus");
	b_cells(b, "#address-cells", 1, 1);
	b_cells(b, "#size-cells", 1, 0);
	b_begin(b, "cpu@0");
	b_str(b, "device_type", "cpu");
	b_prop(b, "reg", "\0\0\0\0\0", 6);
	b_end(b);
	b_end(b);
	b_end(b);
	b_parse(b, &p, -EINVAL, "hart reg");
	expect_error(&p, "cpu@0");
	/* #address-cells past FDT_MAX_CELLS */
	b = b_new();
	b_root(b);
	b_begin(b, "cpus");
	b_cells(b, "#address-cells", 1, 5);
	b_begin(b, "cpu@0");
	b_str(b, "device_type", "cpu");
	b_cells(b, "reg", 1, 0);
	b_end(b);
	b_end(b);
	b_end(b);
	b_parse(b, &p, -EINVAL, "address cells 5");
	/* a 33-bit hart id */
	b = b_new();
	b_root(b);
	b_begin(b, "cpus");
	b_cells(b, "#address-cells", 1, 2);
	b_cells(b, "#size-cells", 1, 0);
	b_begin(b, "cpu@0");
	b_str(b, "device_type", "cpu");
	b_cells(b, "reg", 2, 1, 0);
	b_end(b);
	b_end(b);
	b_end(b);
	b_parse(b, &p, -EINVAL, "hart id > 32 bits");
}

/*
 * A root-level UART that stdout-path names, with one property overridden:
 * want 0 if it can be read, -EINVAL if not.  An unreadable one leaves the
 * console on SBI (stdout_uart.node -1); the tree is still good.
 */
static void uart_case(const char *prop, const void *val, size_t len, int want)
{
	struct builder *b = b_new();
	struct dt_platform p;
	struct dt_uart u;
	struct fdt fdt;

	b_root(b);
	b_begin(b, "chosen");
	b_str(b, "stdout-path", "/uart@1000");
	b_end(b);
	b_begin(b, "uart@1000");
	b_str(b, "compatible", "snps,dw-apb-uart");
	if (strcmp(prop, "reg"))
		b_cells(b, "reg", 4, 0, 0x1000, 0, 0x100);
	if (val)
		b_prop(b, prop, val, len);
	b_end(b);
	b_end(b);
	b_u32(b, FDT_END);
	struct blob bl = b_blob(b, false);
	free(b);
	parse_expect(&bl, &p, 0, prop);
	check_sane(&p);
	CHECK_EQ(p.stdout_uart.node >= 0, want == 0);
	fdt_init_ok(&fdt, &bl);
	const char *bad = dt_uart_read(&fdt, fdt_path_offset(&fdt, "/uart@1000", 10), &u);
	if (want == 0)
		CHECK(bad == NULL);
	else
		CHECK_STR(bad, prop);
	free(bl.data);
}

static void test_uart_errors(void)
{
	uart_case("reg-shift", "\0\0\0\x28", 4, -EINVAL);
	uart_case("reg-shift", "\0\0\x02", 3, -EINVAL);
	uart_case("reg-shift", "\0\0\0\x03", 4, 0);
	uart_case("reg-io-width", "\0\0\0\x03", 4, -EINVAL);
	uart_case("reg-io-width", "\0\0\0\x08", 4, 0);
	uart_case("clock-frequency", "\0\0\0\x01\0\0\0\0", 8, -EINVAL); /* > 32 bits */
	uart_case("clock-frequency", "\0\0\0", 3, -EINVAL);
	uart_case("reg", NULL, 0, -EINVAL);
	uart_case("reg", "\0\0\0\0\0\0\x10\0\0\0\0\0", 12, -EINVAL);
	uart_case("interrupts", "", 0, 0);
	uart_case("status", "\0\0\0\0", 4, 0); /* not a string: disabled */
}

/* A /chosen with these properties (NULL: absent). */
static void chosen_case(const void *start, size_t slen, const void *end, size_t elen,
			const char *stdout_path, int want, struct dt_platform *p)
{
	struct builder *b = b_new();

	b_root(b);
	b_begin(b, "aliases");
	b_str(b, "serial0", "/uart@1000");
	b_str(b, "broken", "uart@1000");
	b_end(b);
	b_begin(b, "chosen");
	if (start)
		b_prop(b, "linux,initrd-start", start, slen);
	if (end)
		b_prop(b, "linux,initrd-end", end, elen);
	if (stdout_path)
		b_str(b, "stdout-path", stdout_path);
	b_end(b);
	b_begin(b, "uart@1000");
	b_str(b, "compatible", "ns16550");
	b_cells(b, "reg", 4, 0, 0x1000, 0, 0x100);
	b_end(b);
	b_end(b);
	b_parse(b, p, want, "chosen");
}

static void test_chosen(void)
{
	struct dt_platform p;
	char longpath[200];

	chosen_case("\0\0\x10\0", 4, "\0\0\0\0\0\0\x20\0", 8, NULL, 0, &p);
	CHECK(p.has_initrd && p.initrd_start == 0x1000 && p.initrd_end == 0x2000);
	chosen_case("\0\0\x10\0", 4, "\0\0\x10\0", 4, NULL, 0, &p);
	CHECK(!p.has_initrd); /* empty */
	chosen_case("\0\0\x20\0", 4, "\0\0\x10\0", 4, NULL, -EINVAL, &p);
	expect_error(&p, "initrd");
	chosen_case("\0\0\x20", 3, "\0\0\x10\0", 4, NULL, -EINVAL, &p);
	chosen_case("\0\0\x20\0", 4, NULL, 0, NULL, -EINVAL, &p);
	chosen_case(NULL, 0, NULL, 0, "serial0:115200n8", 0, &p);
	CHECK_STR(p.stdout_path, "/uart@1000");
	CHECK(p.stdout_uart.node >= 0);
	chosen_case(NULL, 0, NULL, 0, "serial0", 0, &p);
	CHECK(p.stdout_uart.node >= 0);
	chosen_case(NULL, 0, NULL, 0, "/uart", 0, &p); /* unit address left out */
	CHECK_STR(p.stdout_path, "/uart@1000");
	CHECK(p.stdout_uart.node >= 0);
	/* names that lead nowhere are kept as written, options cut */
	chosen_case(NULL, 0, NULL, 0, "serial9:9600", 0, &p);
	CHECK_STR(p.stdout_path, "serial9");
	CHECK_EQ(p.stdout_uart.node, -1);
	chosen_case(NULL, 0, NULL, 0, "broken", 0, &p);
	CHECK_EQ(p.stdout_uart.node, -1);
	chosen_case(NULL, 0, NULL, 0, ":9600", 0, &p);
	CHECK_STR(p.stdout_path, "");
	CHECK_EQ(p.stdout_uart.node, -1);
	chosen_case(NULL, 0, NULL, 0, "/", 0, &p);
	CHECK_STR(p.stdout_path, "/");
	CHECK_EQ(p.stdout_uart.node, -1);
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	chosen_case(NULL, 0, NULL, 0, longpath, 0, &p);
	CHECK_EQ(strlen(p.stdout_path), DT_PATH_MAX - 1);
}

/* Memory and reservation edge cases, and each table's overflow. */
static void test_memory(void)
{
	struct dt_platform p;
	struct builder *b;
	int i;

	b = b_new();
	b_root(b);
	b_begin(b, "memory@0");
	b_str(b, "device_type", "memory");
	b_cells(b, "reg", 4, 0xffffffff, 0xfffff000, 0, 0x2000); /* wraps */
	b_end(b);
	b_end(b);
	b_parse(b, &p, -EINVAL, "wrapping memory");
	expect_error(&p, "memory@0");
	b = b_new();
	b_root(b);
	b_begin(b, "memory@0");
	b_str(b, "device_type", "memory");
	b_cells(b, "reg", 4, 0xffffffff, 0xfffff000, 0, 0x1000); /* ends at 2^64 */
	b_end(b);
	b_begin(b, "memory@2");
	b_str(b, "device_type", "memory");
	b_cells(b, "status", 1, 0); /* not a string: disabled, reg not read */
	b_cells(b, "reg", 1, 0);
	b_end(b);
	b_end(b);
	b_parse(b, &p, 0, "memory at the top");
	CHECK_EQ(p.nmem, 1);
	CHECK_EQ(p.mem[0].base, 0xfffffffffffff000ull);
	b = b_new();
	b_root(b);
	b_begin(b, "memory@1");
	b_str(b, "device_type", "memory");
	b_cells(b, "reg", 3, 0, 0x1000, 0);
	b_end(b);
	b_end(b);
	b_parse(b, &p, -EINVAL, "memory reg length");
	b = b_new();
	b->nrsv = 1;
	b->rsv[0][0] = 0xfffffffffffff000ull;
	b->rsv[0][1] = 0x2000;
	b_root(b);
	b_end(b);
	b_parse(b, &p, -EINVAL, "wrapping memreserve");
	expect_error(&p, "/memreserve/");
	/* seventeen ranges: one more than DT_MAX_MEM */
	b = b_new();
	b_root(b);
	b_begin(b, "memory@0");
	b_str(b, "device_type", "memory");
	b_prop(b, "reg", (uint8_t[16 * 17]){0}, 16 * 17);
	for (i = 0; i < 17; i++) /* each entry's size, low cell */
		put32(b->st + b->nst - 16 * 17 + 16 * i + 12, 0x1000);
	b_end(b);
	b_end(b);
	b_parse(b, &p, -E2BIG, "17 ranges");
	expect_error(&p, "memory ranges");
	CHECK_EQ(p.nmem, DT_MAX_MEM);
	/* 33 reservations: 8 in the header, 25 in /reserved-memory */
	b = b_new();
	b->nrsv = 8;
	for (i = 0; i < 8; i++) {
		b->rsv[i][0] = 0x1000 * (uint64_t)i;
		b->rsv[i][1] = 0x1000;
	}
	b_root(b);
	b_begin(b, "reserved-memory");
	b_cells(b, "#address-cells", 1, 2);
	b_cells(b, "#size-cells", 1, 2);
	for (i = 0; i < 25; i++) {
		b_begin(b, "r");
		b_cells(b, "reg", 4, 0, 0x100000 * i, 0, 0x1000);
		b_end(b);
	}
	b_end(b);
	b_end(b);
	b_parse(b, &p, -E2BIG, "33 reservations");
	expect_error(&p, "reserved");
	CHECK_EQ(p.nreserved, DT_MAX_RESERVED);
}

/* ---- 4. Truncation and mutation ---- */

/*
 * Every prefix of the tree: as is (the header claims more than there is),
 * and with the header rewritten to claim exactly the prefix, blocks clipped
 * to fit, so the structure walk itself meets the cut.
 */
static void test_truncations(const struct blob *full, const char *what)
{
	struct dt_platform p;
	struct fdt fdt;
	uint32_t soff = get32(full->data + 8), stroff = get32(full->data + 12);
	size_t len;
	int ok = 0, err;

	for (len = 0; len < full->len; len++) {
		uint8_t *d = dup_exact(full->data, len);

		CHECK_EQ(dt_platform_parse(d, len, &p), -EINVAL);
		if (len >= 40) {
			put32(d + 4, (uint32_t)len);
			put32(d + 36,
			      len > soff ? MIN(get32(full->data + 36), (uint32_t)(len - soff)) : 0);
			put32(d + 32,
			      len > stroff ? MIN(get32(full->data + 32), (uint32_t)(len - stroff))
					   : 0);
			err = dt_platform_parse(d, len, &p);
			CHECK(err == 0 || err == -EINVAL);
			if (err == 0) {
				check_sane(&p);
				ok++;
			}
			if (fdt_init(&fdt, d, len) == 0)
				walk_api(&fdt, false);
		}
		free(d);
	}
	printf("%s: %zu truncations, %d parsed (free space cut)\n", what, full->len, ok);
}

static uint64_t rng = 0x5eed5eed5eedull;

static uint32_t rnd(void)
{
	/* xorshift64: deterministic, so a failure reproduces */
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* Damage a copy in a few places: flip a bit, write a byte, or a word. */
static void mutate(uint8_t *d, size_t len)
{
	int n = 1 + (int)(rnd() % 4), i;
	size_t pos;

	for (i = 0; i < n; i++) {
		pos = rnd() % len;
		switch (rnd() % 4) {
		case 0:
			d[pos] ^= (uint8_t)(1u << (rnd() % 8));
			break;
		case 1:
			d[pos] = (uint8_t)rnd();
			break;
		case 2:
			d[pos] = (rnd() & 1) ? 0xff : 0x00;
			break;
		default:
			/* a whole aligned word: lengths, offsets, tokens */
			pos &= ~(size_t)3;
			if (pos + 4 <= len)
				put32(d + pos, (rnd() & 1) ? rnd() : rnd() % 64);
			break;
		}
	}
}

static void test_mutations(const struct blob *full, int rounds, const char *what)
{
	struct dt_platform p;
	struct fdt fdt;
	int r, err, counts[3] = {0};

	for (r = 0; r < rounds; r++) {
		uint8_t *d = dup_exact(full->data, full->len);

		mutate(d, full->len);
		err = dt_platform_parse(d, full->len, &p);
		CHECK(err == 0 || err == -EINVAL || err == -E2BIG);
		counts[err == 0 ? 0 : err == -EINVAL ? 1 : 2]++;
		if (err != -EINVAL)
			check_sane(&p);
		CHECK(p.error != NULL);
		/* the full walk is quadratic: keep it to small trees */
		if (full->len < 16384 && fdt_init(&fdt, d, full->len) == 0)
			walk_api(&fdt, false);
		free(d);
	}
	printf("%s: %d mutations: %d parsed, %d refused, %d overflowed\n", what, rounds, counts[0],
	       counts[1], counts[2]);
}

static void test_damage(const char *shared, const char *project)
{
	struct blob b;

	b = shared ? load(shared, "qemu-virt.dtb") : (struct blob){NULL, 0};
	if (b.data) {
		test_truncations(&b, "qemu-virt.dtb");
		test_mutations(&b, 3000, "qemu-virt.dtb");
		free(b.data);
	}
	b = shared ? load(shared, "qemu-virt-smp4-as-seen-by-payload.dtb") : (struct blob){NULL, 0};
	if (b.data) {
		test_truncations(&b, "qemu-virt-smp4-as-seen-by-payload.dtb");
		free(b.data);
	}
	b = shared ? load(shared, "jh7110-starfive-visionfive-2-v1.3b.dtb")
		   : (struct blob){NULL, 0};
	if (b.data) {
		test_mutations(&b, 500, "jh7110-starfive-visionfive-2-v1.3b.dtb");
		free(b.data);
	}
	if (project) {
		b = must_load(project, "multi-memory.dtb");
		test_truncations(&b, "multi-memory.dtb");
		test_mutations(&b, 2000, "multi-memory.dtb");
		free(b.data);
		b = must_load(project, "odd-cells.dtb");
		test_mutations(&b, 2000, "odd-cells.dtb");
		free(b.data);
	}
	b = make_small();
	test_truncations(&b, "small");
	test_mutations(&b, 2000, "small");
	free(b.data);
}

int main(void)
{
	const char *shared = getenv("SHARED_DTB_DIR");
	const char *project = getenv("PROJECT_DTB_DIR");

	test_primitives();
	test_small_tree();
	test_bad_headers();
	test_unterminated_rsvmap();
	test_bad_structure();
	test_bad_nesting();
	test_isa_strings();
	test_plic_errors();
	test_hart_errors();
	test_uart_errors();
	test_chosen();
	test_memory();
	test_shared_trees(shared);
	test_project_trees(project);
	test_damage(shared, project);
	printf("test_dt: all passed\n");
	return 0;
}
