/*
 * A reader for flattened device trees: the Devicetree Specification v0.4,
 * chapter 5, "Flattened Devicetree (DTB) Format".
 *
 * A blob is, with every integer big-endian:
 *
 *	header | memory reservation block | structure block | strings block
 *
 * The memory reservation block is a list of (u64 address, u64 size) pairs
 * ended by (0, 0).  The structure block is a stream of 32-bit aligned tokens:
 * FDT_BEGIN_NODE + the node's NUL-terminated name, FDT_PROP + u32 length +
 * u32 offset of its name in the strings block + the value, FDT_END_NODE,
 * FDT_NOP, and a single FDT_END last.
 *
 * fdt_init() checks the header and walks the whole structure block once, so a
 * tree it accepts is well formed: every token lies inside its block, every
 * name is terminated, nodes are balanced and nest at most FDT_MAX_DEPTH deep.
 * The other functions still check every offset they are handed, so a wrong
 * offset gives an error, never a read outside the blob.  Nothing here
 * allocates, recurses or writes to the blob.
 *
 * A node or property is named by its offset: the byte offset of its token
 * from the start of the blob.  Functions returning an offset return a negative
 * errno instead: -ENOENT when there is no such node or property, -EINVAL when
 * the tree or an argument is malformed.
 *
 * Pointers returned into the blob may be unaligned: read cells with
 * fdt32_ld()/fdt64_ld(), never by casting.
 */
#ifndef SLUICE_FDT_H
#define SLUICE_FDT_H

#include <sluice/types.h>

#define FDT_MAGIC     0xd00dfeedu
#define FDT_MAX_DEPTH 64 /* deepest nesting accepted; real trees use < 10 */
#define FDT_MAX_CELLS 4	 /* largest #address-cells/#size-cells accepted */

/* Structure block tokens */
#define FDT_BEGIN_NODE 0x1u
#define FDT_END_NODE   0x2u
#define FDT_PROP       0x3u
#define FDT_NOP	       0x4u
#define FDT_END	       0x9u

/* A checked view of one blob; fill it with fdt_init(). */
struct fdt {
	const uint8_t *blob;
	uint32_t totalsize;
	uint32_t version;
	uint32_t boot_cpuid_phys;
	uint32_t struct_off, struct_end; /* the structure block: [off, end) */
	uint32_t strings_off, strings_size;
	uint32_t rsvmap_off;
	int nrsv;	/* entries in the memory reservation block */
	int root;	/* offset of the root node */
	char error[96]; /* after fdt_init() failed: why, e.g. "bad magic 0x..." */
};

/*
 * Check the blob at blob, of which at most maxlen bytes may be read, and fill
 * fdt.  Requires: magic FDT_MAGIC, version >= 16 and last_comp_version <= 17,
 * totalsize <= maxlen, every block inside totalsize and aligned (structure
 * block 4, reservation block 8), a terminated reservation list and a well
 * formed structure block.  Returns 0 or -EINVAL with fdt->error set.
 */
int fdt_init(struct fdt *fdt, const void *blob, size_t maxlen);

/* Big-endian loads from any alignment. */
uint32_t fdt32_ld(const void *p);
uint64_t fdt64_ld(const void *p);

/*
 * Entry n of the memory reservation block (/memreserve/ in source form).
 * Returns 0, or -ENOENT when n is out of range.
 */
int fdt_get_mem_rsv(const struct fdt *fdt, int n, uint64_t *address, uint64_t *size);

/* ---- Nodes ---- */

/*
 * The node after node in document order (depth first), or the root when
 * node < 0.  If depth is not NULL it is adjusted by how far the walk went:
 * +1 into a child, -1 for each node it left; the root has depth 0 when
 * starting from node < 0.  Returns -ENOENT after the last node.
 */
int fdt_next_node(const struct fdt *fdt, int node, int *depth);

/* node's first child / next sibling, or -ENOENT. */
int fdt_first_child(const struct fdt *fdt, int node);
int fdt_next_sibling(const struct fdt *fdt, int node);

/* node's parent, -ENOENT for the root.  Walks from the root: O(tree). */
int fdt_parent(const struct fdt *fdt, int node);

/*
 * node's name including any unit address ("serial@10000000"; "" for the
 * root), with its length in *len if len is not NULL.  NULL if node is bad.
 */
const char *fdt_node_name(const struct fdt *fdt, int node, int *len);

/*
 * The child of parent called name[0..namelen).  An exact match wins; else a
 * name without '@' matches a child "name@unit" if exactly one child does
 * ("memory" finds "memory@80000000").  Ambiguous names give -ENOENT.
 */
int fdt_subnode(const struct fdt *fdt, int parent, const char *name, size_t namelen);

/*
 * The node at path[0..len): "/" + components as fdt_subnode() matches them
 * ("/soc/serial@10000000", "/memory").  A path not starting with '/' starts
 * with an alias: "serial0" or "serial0/child" is looked up in /aliases, whose
 * value must itself be a full path.
 */
int fdt_path_offset(const struct fdt *fdt, const char *path, size_t len);

/* The value of /aliases/name[0..namelen) (a path), or NULL. */
const char *fdt_get_alias(const struct fdt *fdt, const char *name, size_t namelen);

/*
 * Write node's full path ("/soc/serial@10000000") into buf, NUL-terminated.
 * Returns 0, -ENAMETOOLONG if it does not fit in size bytes, or -EINVAL.
 */
int fdt_get_path(const struct fdt *fdt, int node, char *buf, size_t size);

/* ---- Properties ---- */

/* node's first property / the property after prop, or -ENOENT. */
int fdt_first_prop(const struct fdt *fdt, int node);
int fdt_next_prop(const struct fdt *fdt, int prop);

/* The property at offset prop: its value, name (*name) and length (*len). */
const void *fdt_prop_value(const struct fdt *fdt, int prop, const char **name, int *len);

/*
 * node's property called name: its value, and its length in *len if len is
 * not NULL.  NULL if absent (then *len is -ENOENT) or node is bad (-EINVAL).
 */
const void *fdt_getprop(const struct fdt *fdt, int node, const char *name, int *len);

/*
 * The property as a string: NULL unless present and NUL-terminated within
 * its length.
 */
const char *fdt_getprop_str(const struct fdt *fdt, int node, const char *name);

/* A one-cell property.  Returns 0, -ENOENT, or -EINVAL if not 4 bytes long. */
int fdt_getprop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *val);

/*
 * A property of one or two cells (the spec allows either for frequencies and
 * initrd addresses).  Returns 0, -ENOENT, or -EINVAL for other lengths.
 */
int fdt_getprop_uint(const struct fdt *fdt, int node, const char *name, uint64_t *val);

/* ---- String lists ("a\0b\0") ---- */

/*
 * The string after prev in the list of len bytes, or the first if prev is
 * NULL; NULL at the end or when the rest of the list is not terminated.
 */
const char *fdt_stringlist_next(const char *list, int len, const char *prev);

/* True if the list of len bytes holds str. */
bool fdt_stringlist_contains(const char *list, int len, const char *str);

/* ---- Standard properties (spec chapter 2.3) ---- */

/*
 * node's #address-cells / #size-cells: how many cells its children's reg
 * addresses and sizes take.  Defaults 2 and 1 when absent.  Returns the count
 * or -EINVAL if malformed or above FDT_MAX_CELLS.
 */
int fdt_address_cells(const struct fdt *fdt, int node);
int fdt_size_cells(const struct fdt *fdt, int node);

/*
 * Read ncells (0 to FDT_MAX_CELLS) big-endian cells at p into *val.  Returns
 * 0, or -ERANGE if the value does not fit in 64 bits.
 */
int fdt_read_cells(const void *p, int ncells, uint64_t *val);

/*
 * Entry idx of node's reg, sized by its parent's #address-cells and
 * #size-cells.  Addresses are the parent bus's: no ranges translation.
 * Returns 0, -ENOENT past the last entry or without reg, -EINVAL if reg's
 * length is not a whole number of entries, or -ERANGE if a value is above
 * 64 bits.
 */
int fdt_reg(const struct fdt *fdt, int node, int idx, uint64_t *addr, uint64_t *size);

/* fdt_reg() with the parent's #address-cells and #size-cells already known. */
int fdt_reg_cells(const struct fdt *fdt, int node, int addr_cells, int size_cells, int idx,
		  uint64_t *addr, uint64_t *size);

/* node's phandle ("phandle", or the older "linux,phandle"), 0 if none. */
uint32_t fdt_get_phandle(const struct fdt *fdt, int node);

/* The node whose phandle is phandle; -ENOENT (also for 0 and 0xffffffff). */
int fdt_node_by_phandle(const struct fdt *fdt, uint32_t phandle);

/* True if node's compatible list holds compat exactly. */
bool fdt_node_is_compatible(const struct fdt *fdt, int node, const char *compat);

/*
 * The first node after from (from < 0: from the start) whose compatible list
 * holds compat, or -ENOENT.
 */
int fdt_node_by_compatible(const struct fdt *fdt, int from, const char *compat);

/* True if node's status is absent, "okay" or "ok" (spec table 2.4). */
bool fdt_node_enabled(const struct fdt *fdt, int node);

#endif
