/*
 * Flattened device tree reader: see <sluice/fdt.h> for the format and the
 * contract.  Written from the Devicetree Specification v0.4, chapter 5.
 *
 * Safety rests on one function, fdt_next_tag(): it is the only code that
 * decodes a token, and it checks that the token and everything it spans
 * (node name, property value, property name in the strings block) lie
 * inside their blocks before anyone reads them.  Every walk advances through
 * it, and a token is at least 4 bytes long, so walks always move forward
 * and end.
 */
#include <sluice/errno.h>
#include <sluice/fdt.h>
#include <sluice/printk.h>
#include <sluice/string.h>

/* Header fields: byte offsets of big-endian u32s (spec 5.2). */
#define HDR_MAGIC	      0
#define HDR_TOTALSIZE	      4
#define HDR_OFF_DT_STRUCT     8
#define HDR_OFF_DT_STRINGS    12
#define HDR_OFF_MEM_RSVMAP    16
#define HDR_VERSION	      20
#define HDR_LAST_COMP_VERSION 24
#define HDR_BOOT_CPUID_PHYS   28
#define HDR_SIZE_DT_STRINGS   32
#define HDR_SIZE_DT_STRUCT    36 /* only from version 17 */
#define HDR_SIZE_V16	      36
#define HDR_SIZE_V17	      40

/* Version 16 introduced FDT_NOP and bare node names; 17 is the current one. */
#define FDT_OLDEST_VERSION 16
#define FDT_NEWEST_VERSION 17

/* Far above any real tree; keeps every offset and its rounding in an int. */
#define FDT_MAX_TOTALSIZE (1u << 30)

#define FDT_TAGSIZE	  4
#define FDT_PROP_HDRSIZE  12 /* FDT_PROP, len, nameoff */
#define FDT_RSV_ENTRYSIZE 16 /* u64 address, u64 size */

uint32_t fdt32_ld(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt64_ld(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)fdt32_ld(b) << 32 | fdt32_ld(b + 4);
}

static __printf(2, 3) int fdt_fail(struct fdt *fdt, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fdt->error, sizeof(fdt->error), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* True if [off, off + size) lies inside the blob, after a header of hdrsize. */
static bool fdt_block_ok(const struct fdt *fdt, uint32_t off, uint32_t size, uint32_t hdrsize)
{
	return off >= hdrsize && (uint64_t)off + size <= fdt->totalsize;
}

/* Locate the three blocks; each must lie inside totalsize and be aligned. */
static int fdt_check_blocks(struct fdt *fdt, uint32_t hdrsize)
{
	const uint8_t *b = fdt->blob;
	uint32_t soff = fdt32_ld(b + HDR_OFF_DT_STRUCT);
	uint32_t ssize, stroff = fdt32_ld(b + HDR_OFF_DT_STRINGS);
	uint32_t strsize = fdt32_ld(b + HDR_SIZE_DT_STRINGS);
	uint32_t rsv = fdt32_ld(b + HDR_OFF_MEM_RSVMAP);

	/* Version 16 headers lack size_dt_struct: assume it runs to the end. */
	if (fdt->version >= 17)
		ssize = fdt32_ld(b + HDR_SIZE_DT_STRUCT);
	else
		ssize = soff < fdt->totalsize ? fdt->totalsize - soff : 0;
	if (!IS_ALIGNED(soff, 4) || !fdt_block_ok(fdt, soff, ssize, hdrsize))
		return fdt_fail(fdt,
				"structure block 0x%x+0x%x unaligned or outside totalsize 0x%x",
				soff, ssize, fdt->totalsize);
	if (!fdt_block_ok(fdt, stroff, strsize, hdrsize))
		return fdt_fail(fdt, "strings block 0x%x+0x%x outside totalsize 0x%x", stroff,
				strsize, fdt->totalsize);
	if (!IS_ALIGNED(rsv, 8) || !fdt_block_ok(fdt, rsv, FDT_RSV_ENTRYSIZE, hdrsize))
		return fdt_fail(
			fdt, "memory reservation block at 0x%x unaligned or outside totalsize 0x%x",
			rsv, fdt->totalsize);
	fdt->struct_off = soff;
	fdt->struct_end = soff + ssize;
	fdt->strings_off = stroff;
	fdt->strings_size = strsize;
	fdt->rsvmap_off = rsv;
	return 0;
}

static int fdt_check_header(struct fdt *fdt, size_t maxlen)
{
	const uint8_t *b = fdt->blob;
	uint32_t last_comp;

	if (maxlen < 4)
		return fdt_fail(fdt, "truncated: 0x%zx bytes, no room for a header", maxlen);
	if (fdt32_ld(b + HDR_MAGIC) != FDT_MAGIC)
		return fdt_fail(fdt, "bad magic 0x%08x (want 0x%08x)", fdt32_ld(b + HDR_MAGIC),
				FDT_MAGIC);
	/* A v16 header is 36 bytes, but no valid v16 tree is shorter than 40. */
	if (maxlen < HDR_SIZE_V17)
		return fdt_fail(fdt, "truncated: 0x%zx bytes, no room for a header", maxlen);
	fdt->version = fdt32_ld(b + HDR_VERSION);
	last_comp = fdt32_ld(b + HDR_LAST_COMP_VERSION);
	if (fdt->version < FDT_OLDEST_VERSION || last_comp > FDT_NEWEST_VERSION)
		return fdt_fail(fdt, "unsupported version %u (last compatible %u)", fdt->version,
				last_comp);
	fdt->totalsize = fdt32_ld(b + HDR_TOTALSIZE);
	if (fdt->totalsize > maxlen)
		return fdt_fail(fdt, "truncated: totalsize 0x%x > available 0x%zx", fdt->totalsize,
				maxlen);
	if (fdt->totalsize < HDR_SIZE_V17 || fdt->totalsize > FDT_MAX_TOTALSIZE)
		return fdt_fail(fdt, "bad totalsize 0x%x", fdt->totalsize);
	fdt->boot_cpuid_phys = fdt32_ld(b + HDR_BOOT_CPUID_PHYS);
	return fdt_check_blocks(fdt, fdt->version >= 17 ? HDR_SIZE_V17 : HDR_SIZE_V16);
}

/* The reservation list must end with (0, 0) inside totalsize (spec 5.3). */
static int fdt_check_rsvmap(struct fdt *fdt)
{
	uint64_t off = fdt->rsvmap_off;
	int n;

	for (n = 0;; n++, off += FDT_RSV_ENTRYSIZE) {
		if (off + FDT_RSV_ENTRYSIZE > fdt->totalsize)
			return fdt_fail(fdt, "memory reservation block not terminated");
		if (!fdt64_ld(fdt->blob + off) && !fdt64_ld(fdt->blob + off + 8))
			break;
	}
	fdt->nrsv = n;
	return 0;
}

/* True if a NUL-terminated string starts at nameoff in the strings block. */
static bool fdt_string_ok(const struct fdt *fdt, uint32_t nameoff)
{
	const char *s;

	/* check first: even forming a pointer past the blob is undefined */
	if (nameoff >= fdt->strings_size)
		return false;
	s = (const char *)fdt->blob + fdt->strings_off + nameoff;
	return strnlen(s, fdt->strings_size - nameoff) < fdt->strings_size - nameoff;
}

/*
 * Decode the token at off: return it (FDT_*) and set *next to the offset of
 * the token after it (tokens are 4-byte aligned, spec 5.4.1), or return
 * -EINVAL if off is not a token position inside the structure block or the
 * token runs past it.
 */
static int fdt_next_tag(const struct fdt *fdt, int off, int *next)
{
	uint64_t end;
	uint32_t tag, avail;

	if (off < 0 || (uint32_t)off < fdt->struct_off || !IS_ALIGNED(off, 4) ||
	    (uint64_t)off + FDT_TAGSIZE > fdt->struct_end)
		return -EINVAL;
	tag = fdt32_ld(fdt->blob + off);
	end = (uint64_t)off + FDT_TAGSIZE;
	switch (tag) {
	case FDT_BEGIN_NODE:
		/* the name follows, NUL-terminated */
		avail = fdt->struct_end - (uint32_t)end;
		end += strnlen((const char *)fdt->blob + end, avail) + 1;
		break;
	case FDT_PROP:
		if ((uint64_t)off + FDT_PROP_HDRSIZE > fdt->struct_end)
			return -EINVAL;
		end = (uint64_t)off + FDT_PROP_HDRSIZE + fdt32_ld(fdt->blob + off + 4);
		if (!fdt_string_ok(fdt, fdt32_ld(fdt->blob + off + 8)))
			return -EINVAL;
		break;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		break;
	default:
		return -EINVAL;
	}
	if (end > fdt->struct_end)
		return -EINVAL;
	*next = (int)ALIGN_UP(end, 4);
	return (int)tag;
}

/*
 * Walk the whole structure block once: one root node, balanced nodes nested
 * at most FDT_MAX_DEPTH deep, properties only inside nodes, and FDT_END after
 * the root (spec 5.4.2).
 */
static int fdt_check_struct(struct fdt *fdt)
{
	int off = (int)fdt->struct_off, next, tag, depth = 0;

	for (fdt->root = -1;; off = next) {
		tag = fdt_next_tag(fdt, off, &next);
		if (tag < 0 && (uint64_t)off + FDT_TAGSIZE > fdt->struct_end)
			return fdt_fail(fdt, "structure block ends without FDT_END");
		if (tag < 0)
			return fdt_fail(fdt, "bad or truncated token at 0x%x", off);
		if (tag == FDT_BEGIN_NODE) {
			if (depth == 0 && fdt->root >= 0)
				return fdt_fail(fdt, "second root node at 0x%x", off);
			if (depth == 0)
				fdt->root = off;
			if (++depth > FDT_MAX_DEPTH)
				return fdt_fail(fdt, "nodes nested deeper than %d at 0x%x",
						FDT_MAX_DEPTH, off);
		} else if (tag == FDT_END_NODE) {
			if (depth-- == 0)
				return fdt_fail(fdt, "FDT_END_NODE without a node at 0x%x", off);
		} else if (tag == FDT_PROP && depth == 0) {
			return fdt_fail(fdt, "property outside any node at 0x%x", off);
		} else if (tag == FDT_END) {
			if (depth != 0 || fdt->root < 0)
				return fdt_fail(fdt,
						"FDT_END at 0x%x inside a node or before the root",
						off);
			return 0;
		}
	}
}

int fdt_init(struct fdt *fdt, const void *blob, size_t maxlen)
{
	int err;

	memset(fdt, 0, sizeof(*fdt));
	fdt->blob = blob;
	fdt->root = -1;
	if (!blob)
		return fdt_fail(fdt, "no blob");
	err = fdt_check_header(fdt, maxlen);
	if (!err)
		err = fdt_check_rsvmap(fdt);
	if (!err)
		err = fdt_check_struct(fdt);
	return err;
}

int fdt_get_mem_rsv(const struct fdt *fdt, int n, uint64_t *address, uint64_t *size)
{
	uint64_t off = fdt->rsvmap_off + (uint64_t)n * FDT_RSV_ENTRYSIZE;

	if (n < 0 || n >= fdt->nrsv || off + FDT_RSV_ENTRYSIZE > fdt->totalsize)
		return -ENOENT;
	*address = fdt64_ld(fdt->blob + off);
	*size = fdt64_ld(fdt->blob + off + 8);
	return 0;
}

/* ---- Nodes ---- */

int fdt_next_node(const struct fdt *fdt, int node, int *depth)
{
	int off, next, tag, d = 0;

	if (node < 0) {
		if (depth)
			*depth = 0;
		return fdt->root >= 0 ? fdt->root : -EINVAL;
	}
	if (fdt_next_tag(fdt, node, &off) != FDT_BEGIN_NODE)
		return -EINVAL;
	for (;; off = next) {
		tag = fdt_next_tag(fdt, off, &next);
		if (tag < 0)
			return tag;
		if (tag == FDT_END)
			return -ENOENT;
		if (tag == FDT_END_NODE)
			d--;
		if (tag == FDT_BEGIN_NODE)
			break;
	}
	if (depth)
		*depth += d + 1;
	return off;
}

int fdt_first_child(const struct fdt *fdt, int node)
{
	int depth = 0, child = fdt_next_node(fdt, node, &depth);

	if (child < 0)
		return child;
	return depth == 1 ? child : -ENOENT;
}

int fdt_next_sibling(const struct fdt *fdt, int node)
{
	int depth = 0;

	/* Skip node's descendants (depth > 0); depth < 0 means we left the parent. */
	do {
		node = fdt_next_node(fdt, node, &depth);
		if (node < 0)
			return node;
	} while (depth > 0);
	return depth == 0 ? node : -ENOENT;
}

/*
 * Walk from the root to node, filling path[0..depth] with the offsets of its
 * ancestors and node itself.  Returns node's depth (the root's is 0), or
 * -EINVAL if node is not the offset of a node.
 */
static int fdt_walk_to(const struct fdt *fdt, int node, int path[FDT_MAX_DEPTH])
{
	int off = fdt->root, depth = 0;

	if (off < 0)
		return -EINVAL;
	path[0] = off;
	while (off != node) {
		off = fdt_next_node(fdt, off, &depth);
		if (off < 0 || off > node || depth < 0 || depth >= FDT_MAX_DEPTH)
			return -EINVAL;
		path[depth] = off;
	}
	return depth;
}

int fdt_parent(const struct fdt *fdt, int node)
{
	int path[FDT_MAX_DEPTH];
	int depth = fdt_walk_to(fdt, node, path);

	if (depth < 0)
		return depth;
	return depth == 0 ? -ENOENT : path[depth - 1];
}

const char *fdt_node_name(const struct fdt *fdt, int node, int *len)
{
	int next;
	const char *name;

	/* fdt_next_tag() has checked the name is terminated */
	if (fdt_next_tag(fdt, node, &next) != FDT_BEGIN_NODE)
		return NULL;
	name = (const char *)fdt->blob + node + FDT_TAGSIZE;
	if (len)
		*len = (int)strlen(name);
	return name;
}

static bool has_char(const char *s, size_t len, char c)
{
	while (len--)
		if (*s++ == c)
			return true;
	return false;
}

int fdt_subnode(const struct fdt *fdt, int parent, const char *name, size_t namelen)
{
	int child, len, found = -ENOENT, nfound = 0;
	const char *cname;
	bool bare = !has_char(name, namelen, '@'); /* no unit address given */

	for (child = fdt_first_child(fdt, parent); child >= 0;
	     child = fdt_next_sibling(fdt, child)) {
		cname = fdt_node_name(fdt, child, &len);
		if (!cname)
			return -EINVAL;
		if ((size_t)len == namelen && !memcmp(cname, name, namelen))
			return child;
		if (bare && (size_t)len > namelen && cname[namelen] == '@' &&
		    !memcmp(cname, name, namelen)) {
			found = child;
			nfound++;
		}
	}
	if (child != -ENOENT)
		return child;
	return nfound == 1 ? found : -ENOENT;
}

/* Follow the '/'-separated components of p[0..len) down from node. */
static int fdt_walk_path(const struct fdt *fdt, int node, const char *p, size_t len)
{
	const char *end = p + len, *c;

	while (node >= 0 && p < end) {
		if (*p == '/') {
			p++;
			continue;
		}
		for (c = p; c < end && *c != '/'; c++)
			;
		node = fdt_subnode(fdt, node, p, (size_t)(c - p));
		p = c;
	}
	return node;
}

int fdt_path_offset(const struct fdt *fdt, const char *path, size_t len)
{
	const char *alias, *slash;
	int node;

	if (!path || len == 0 || fdt->root < 0)
		return -EINVAL;
	if (path[0] == '/')
		return fdt_walk_path(fdt, fdt->root, path, len);
	/* The first component is an alias for a full path (spec 3.3). */
	for (slash = path; slash < path + len && *slash != '/'; slash++)
		;
	alias = fdt_get_alias(fdt, path, (size_t)(slash - path));
	if (!alias || alias[0] != '/')
		return -ENOENT;
	node = fdt_walk_path(fdt, fdt->root, alias, strlen(alias));
	if (node < 0)
		return node;
	return fdt_walk_path(fdt, node, slash, (size_t)(path + len - slash));
}

int fdt_get_path(const struct fdt *fdt, int node, char *buf, size_t size)
{
	int path[FDT_MAX_DEPTH];
	int depth = fdt_walk_to(fdt, node, path), i, len;
	size_t pos = 0;
	const char *name;

	if (depth < 0)
		return depth;
	if (size < 2)
		return -ENAMETOOLONG;
	buf[pos++] = '/';
	for (i = 1; i <= depth; i++) {
		name = fdt_node_name(fdt, path[i], &len);
		if (!name)
			return -EINVAL;
		/* room for the name and what follows it: a '/' or the NUL */
		if (pos + (size_t)len + 1 > size)
			return -ENAMETOOLONG;
		memcpy(buf + pos, name, (size_t)len);
		pos += (size_t)len;
		if (i < depth)
			buf[pos++] = '/';
	}
	buf[pos] = '\0';
	return 0;
}

/* ---- Properties ---- */

/* The first property at or after off, skipping NOPs; -ENOENT at a node edge. */
static int fdt_prop_from(const struct fdt *fdt, int off)
{
	int next, tag;

	for (;; off = next) {
		tag = fdt_next_tag(fdt, off, &next);
		if (tag < 0)
			return tag;
		if (tag == FDT_PROP)
			return off;
		if (tag != FDT_NOP)
			return -ENOENT;
	}
}

int fdt_first_prop(const struct fdt *fdt, int node)
{
	int next;

	if (fdt_next_tag(fdt, node, &next) != FDT_BEGIN_NODE)
		return -EINVAL;
	return fdt_prop_from(fdt, next);
}

int fdt_next_prop(const struct fdt *fdt, int prop)
{
	int next;

	if (fdt_next_tag(fdt, prop, &next) != FDT_PROP)
		return -EINVAL;
	return fdt_prop_from(fdt, next);
}

const void *fdt_prop_value(const struct fdt *fdt, int prop, const char **name, int *len)
{
	int next;

	/* fdt_next_tag() has checked the value and the name lie in their blocks */
	if (fdt_next_tag(fdt, prop, &next) != FDT_PROP)
		return NULL;
	if (name)
		*name = (const char *)fdt->blob + fdt->strings_off + fdt32_ld(fdt->blob + prop + 8);
	if (len)
		*len = (int)fdt32_ld(fdt->blob + prop + 4);
	return fdt->blob + prop + FDT_PROP_HDRSIZE;
}

/* fdt_getprop() for a name that need not be NUL-terminated. */
static const void *fdt_getprop_namelen(const struct fdt *fdt, int node, const char *name,
				       size_t namelen, int *len)
{
	const char *pname;
	const void *val;
	int prop, plen;

	for (prop = fdt_first_prop(fdt, node); prop >= 0; prop = fdt_next_prop(fdt, prop)) {
		val = fdt_prop_value(fdt, prop, &pname, &plen);
		if (!val)
			break;
		if (strlen(pname) == namelen && !memcmp(pname, name, namelen)) {
			if (len)
				*len = plen;
			return val;
		}
	}
	if (len)
		*len = prop == -ENOENT ? -ENOENT : -EINVAL;
	return NULL;
}

const void *fdt_getprop(const struct fdt *fdt, int node, const char *name, int *len)
{
	return fdt_getprop_namelen(fdt, node, name, strlen(name), len);
}

const char *fdt_getprop_str(const struct fdt *fdt, int node, const char *name)
{
	int len;
	const char *s = fdt_getprop(fdt, node, name, &len);

	if (!s || len <= 0 || strnlen(s, (size_t)len) == (size_t)len)
		return NULL;
	return s;
}

const char *fdt_get_alias(const struct fdt *fdt, const char *name, size_t namelen)
{
	int aliases = fdt_subnode(fdt, fdt->root, "aliases", 7), len;
	const char *path;

	if (aliases < 0)
		return NULL;
	path = fdt_getprop_namelen(fdt, aliases, name, namelen, &len);
	if (!path || len <= 0 || strnlen(path, (size_t)len) == (size_t)len)
		return NULL;
	return path;
}

int fdt_getprop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *val)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return len < 0 ? len : -EINVAL;
	if (len != 4)
		return -EINVAL;
	*val = fdt32_ld(p);
	return 0;
}

int fdt_getprop_uint(const struct fdt *fdt, int node, const char *name, uint64_t *val)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return len < 0 ? len : -EINVAL;
	if (len == 4)
		*val = fdt32_ld(p);
	else if (len == 8)
		*val = fdt64_ld(p);
	else
		return -EINVAL;
	return 0;
}

/* ---- String lists ---- */

const char *fdt_stringlist_next(const char *list, int len, const char *prev)
{
	const char *p = prev ? prev + strlen(prev) + 1 : list;
	size_t left;

	if (!list || len <= 0 || p < list || p >= list + len)
		return NULL;
	left = (size_t)(list + len - p);
	return strnlen(p, left) < left ? p : NULL;
}

bool fdt_stringlist_contains(const char *list, int len, const char *str)
{
	const char *s;

	for (s = fdt_stringlist_next(list, len, NULL); s; s = fdt_stringlist_next(list, len, s))
		if (!strcmp(s, str))
			return true;
	return false;
}

/* ---- Standard properties ---- */

/* #address-cells or #size-cells: not inherited, default given (spec 2.3.5). */
static int fdt_cells(const struct fdt *fdt, int node, const char *name, int dflt)
{
	uint32_t v = 0;
	int err = fdt_getprop_u32(fdt, node, name, &v);

	if (err == -ENOENT)
		return dflt;
	if (err)
		return err;
	return v <= FDT_MAX_CELLS ? (int)v : -EINVAL;
}

int fdt_address_cells(const struct fdt *fdt, int node)
{
	return fdt_cells(fdt, node, "#address-cells", 2);
}

int fdt_size_cells(const struct fdt *fdt, int node)
{
	return fdt_cells(fdt, node, "#size-cells", 1);
}

int fdt_read_cells(const void *p, int ncells, uint64_t *val)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	int i;

	if (ncells < 0 || ncells > FDT_MAX_CELLS)
		return -EINVAL;
	for (i = 0; i < ncells; i++) {
		if (v >> 32)
			return -ERANGE;
		v = v << 32 | fdt32_ld(b + 4 * i);
	}
	*val = v;
	return 0;
}

int fdt_reg_cells(const struct fdt *fdt, int node, int addr_cells, int size_cells, int idx,
		  uint64_t *addr, uint64_t *size)
{
	const uint8_t *reg;
	int len, entry, err;

	if (addr_cells < 0 || addr_cells > FDT_MAX_CELLS || size_cells < 0 ||
	    size_cells > FDT_MAX_CELLS || addr_cells + size_cells == 0)
		return -EINVAL;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return len;
	entry = 4 * (addr_cells + size_cells);
	if (len % entry)
		return -EINVAL;
	if (idx < 0 || idx >= len / entry)
		return -ENOENT;
	reg += idx * entry;
	err = fdt_read_cells(reg, addr_cells, addr);
	if (!err)
		err = fdt_read_cells(reg + 4 * addr_cells, size_cells, size);
	return err;
}

int fdt_reg(const struct fdt *fdt, int node, int idx, uint64_t *addr, uint64_t *size)
{
	int parent = fdt_parent(fdt, node), ac, sc;

	if (parent < 0)
		return parent;
	ac = fdt_address_cells(fdt, parent);
	if (ac < 0)
		return ac;
	sc = fdt_size_cells(fdt, parent);
	if (sc < 0)
		return sc;
	return fdt_reg_cells(fdt, node, ac, sc, idx, addr, size);
}

uint32_t fdt_get_phandle(const struct fdt *fdt, int node)
{
	uint32_t ph;

	if (!fdt_getprop_u32(fdt, node, "phandle", &ph))
		return ph;
	if (!fdt_getprop_u32(fdt, node, "linux,phandle", &ph))
		return ph;
	return 0;
}

int fdt_node_by_phandle(const struct fdt *fdt, uint32_t phandle)
{
	int node;

	/* 0 and ~0 are never valid phandles (~0 marks "none" in some trees) */
	if (phandle == 0 || phandle == 0xffffffffu)
		return -ENOENT;
	for (node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL))
		if (fdt_get_phandle(fdt, node) == phandle)
			return node;
	return node;
}

bool fdt_node_is_compatible(const struct fdt *fdt, int node, const char *compat)
{
	int len;
	const char *list = fdt_getprop(fdt, node, "compatible", &len);

	return list && fdt_stringlist_contains(list, len, compat);
}

int fdt_node_by_compatible(const struct fdt *fdt, int from, const char *compat)
{
	int node;

	/* fdt_next_node(-1) is the root itself */
	for (node = fdt_next_node(fdt, from < 0 ? -1 : from, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL))
		if (fdt_node_is_compatible(fdt, node, compat))
			return node;
	return node;
}

bool fdt_node_enabled(const struct fdt *fdt, int node)
{
	int len;
	const char *status;

	if (!fdt_getprop(fdt, node, "status", &len))
		return len == -ENOENT;
	/* present but not a string: malformed, so not usable */
	status = fdt_getprop_str(fdt, node, "status");
	return status && (!strcmp(status, "okay") || !strcmp(status, "ok"));
}
