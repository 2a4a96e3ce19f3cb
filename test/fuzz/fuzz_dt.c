/*
 * libFuzzer target for the device-tree reader (src/lib/fdt.c) and platform
 * discovery (src/lib/dt.c): see README.md in this directory.
 *
 * Each input is parsed by dt_platform_parse() and, if fdt_init() accepts
 * it, walked node by node and property by property through the fdt API.
 * Every string handed back is read to its end, so AddressSanitizer sees any
 * pointer that strays outside the input; broken invariants of the result
 * abort, so the fuzzer reports them as crashes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/dt.h>
#include <sluice/errno.h>
#include <sluice/fdt.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Nodes past this many get only the cheap queries: the rest walk from the root. */
#define FUZZ_DEEP_NODES 64

static volatile size_t sink; /* keeps the reads below from being optimised away */

static void touch(const char *s)
{
	if (s)
		sink += strlen(s);
}

static void touch_bytes(const void *p, int len)
{
	const uint8_t *b = p;
	int i;

	for (i = 0; i < len; i++)
		sink += b[i];
}

static void require(int cond)
{
	if (!cond)
		abort();
}

/* The result of a parse that did not fail must be self-consistent. */
static void check_platform(const struct dt_platform *p, int err)
{
	int i;

	touch(p->error);
	require(err == 0 || err == -EINVAL || err == -E2BIG);
	if (err == -EINVAL)
		return;
	touch(p->model);
	touch(p->bootargs);
	touch(p->stdout_path);
	require(p->nmem <= DT_MAX_MEM && p->nreserved <= DT_MAX_RESERVED);
	require(p->nharts <= DT_MAX_HARTS);
	require(p->stdout_uart.node >= -1);
	if (p->stdout_uart.node >= 0 && p->stdout_uart.compatible)
		require(p->stdout_uart.compatible_len > 0);
	for (i = 0; i < p->nharts; i++) {
		touch(p->harts[i].isa);
		touch(p->harts[i].mmu_type);
		require(p->harts[i].plic_s_context < p->plic.ncontexts);
		require(dt_find_hart(p, p->harts[i].hartid) != NULL);
	}
}

static void walk_strings(const char *list, int len)
{
	const char *s;

	for (s = fdt_stringlist_next(list, len, NULL); s; s = fdt_stringlist_next(list, len, s))
		touch(s);
}

static void walk_props(const struct fdt *fdt, int node)
{
	const char *name;
	const void *val;
	int prop, len;

	for (prop = fdt_first_prop(fdt, node); prop >= 0; prop = fdt_next_prop(fdt, prop)) {
		val = fdt_prop_value(fdt, prop, &name, &len);
		require(val != NULL);
		touch(name);
		touch_bytes(val, len);
		walk_strings(val, len);
	}
}

/* The queries that walk from the root: only for the first nodes. */
static void deep_queries(const struct fdt *fdt, int node)
{
	char path[256];
	uint64_t a, s;
	int i;

	(void)fdt_parent(fdt, node);
	if (fdt_get_path(fdt, node, path, sizeof(path)) == 0)
		(void)fdt_path_offset(fdt, path, strlen(path));
	for (i = 0; i < 8 && fdt_reg(fdt, node, i, &a, &s) == 0; i++)
		sink += a + s;
	(void)fdt_node_by_phandle(fdt, fdt_get_phandle(fdt, node));
}

static void walk(const struct fdt *fdt)
{
	static const char *const paths[] = {"/cpus",   "/chosen",   "/memory",	"/soc/serial",
					    "serial0", "serial0/x", "/aliases", "//"};
	uint64_t a, s;
	int node, depth = 0, n = 0, c, i;

	for (node = fdt_next_node(fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		require(depth >= 0 && depth < FDT_MAX_DEPTH);
		touch(fdt_node_name(fdt, node, NULL));
		walk_props(fdt, node);
		for (c = fdt_first_child(fdt, node); c >= 0; c = fdt_next_sibling(fdt, c))
			;
		sink += fdt_node_enabled(fdt, node) + fdt_address_cells(fdt, node) +
			fdt_size_cells(fdt, node);
		touch(fdt_getprop_str(fdt, node, "compatible"));
		if (n++ < FUZZ_DEEP_NODES)
			deep_queries(fdt, node);
	}
	for (i = 0; fdt_get_mem_rsv(fdt, i, &a, &s) == 0; i++)
		sink += a + s;
	for (i = 0; i < (int)(sizeof(paths) / sizeof(paths[0])); i++)
		(void)fdt_path_offset(fdt, paths[i], strlen(paths[i]));
	touch(fdt_get_alias(fdt, "serial0", 7));
	for (node = fdt_node_by_compatible(fdt, -1, "ns16550a"); node >= 0;
	     node = fdt_node_by_compatible(fdt, node, "ns16550a"))
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dt_platform p;
	struct fdt fdt;

	check_platform(&p, dt_platform_parse(data, size, &p));
	if (fdt_init(&fdt, data, size) == 0)
		walk(&fdt);
	return 0;
}
