/*
 * ELF64 executables: see <sluice/elf.h>.
 *
 * The image comes from a file (an initramfs member, later a disk) and may
 * sit at any alignment, so every field is read byte by byte, little endian,
 * never through a cast to a struct pointer.  Every offset and size is
 * checked against the image before it is used, with subtractions rather
 * than additions so that no sum can wrap.
 *
 * Two PT_LOAD segments may share a page: a tightly linked binary puts the
 * end of its text and the start of its data in the same page, which Linux
 * accepts.  So segments are checked for overlap on their exact
 * [p_vaddr, p_vaddr + p_memsz) ranges, not page-rounded ones, and the
 * loader must be ready to fill one page from two segments (with the union
 * of their permissions).
 */
#include <sluice/elf.h>
#include <sluice/errno.h>
#include <sluice/string.h>

/* Sizes and offsets from the System V ABI, ELF64. */
#define EHDR_SIZE 64
#define PHDR_SIZE 56 /* sizeof(Elf64_Phdr): e_phentsize may be larger, never smaller */

#define EI_MAG0	    0
#define EI_CLASS    4
#define EI_DATA	    5
#define EI_VERSION  6
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC	    2
#define ET_DYN	    3
#define EM_RISCV    243
#define PN_XNUM	    0xffff /* e_phnum escape: the real count is in section header 0 */

#define E_TYPE	    16
#define E_MACHINE   18
#define E_VERSION   20
#define E_ENTRY	    24
#define E_PHOFF	    32
#define E_PHENTSIZE 54
#define E_PHNUM	    56

#define PT_LOAD	     1
#define PT_INTERP    3
#define PT_PHDR	     6
#define PT_GNU_STACK 0x6474e551

#define INTERP_MAX 4096 /* PATH_MAX: Linux's limit on PT_INTERP's p_filesz */

#define P_TYPE	 0
#define P_FLAGS	 4
#define P_OFFSET 8
#define P_VADDR	 16
#define P_FILESZ 32
#define P_MEMSZ	 40

static uint64_t ld_le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* One program header, as read from the image. */
struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

static void elf_read_phdr(const uint8_t *p, struct phdr *ph)
{
	ph->type = (uint32_t)ld_le(p + P_TYPE, 4);
	ph->flags = (uint32_t)ld_le(p + P_FLAGS, 4);
	ph->offset = ld_le(p + P_OFFSET, 8);
	ph->vaddr = ld_le(p + P_VADDR, 8);
	ph->filesz = ld_le(p + P_FILESZ, 8);
	ph->memsz = ld_le(p + P_MEMSZ, 8);
}

/* The ELF header: identification, then where the program headers are. */
static const char *elf_check_header(const uint8_t *img, size_t size, struct elf_info *out,
				    uint64_t *phoff)
{
	static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
	uint64_t table;

	if (size < EHDR_SIZE)
		return "file smaller than an ELF header";
	if (memcmp(img + EI_MAG0, magic, sizeof(magic)) != 0)
		return "bad ELF magic";
	if (img[EI_CLASS] != ELFCLASS64)
		return "not ELFCLASS64";
	if (img[EI_DATA] != ELFDATA2LSB)
		return "not little endian";
	if (img[EI_VERSION] != EV_CURRENT || ld_le(img + E_VERSION, 4) != EV_CURRENT)
		return "unknown ELF version";
	if (ld_le(img + E_TYPE, 2) != ET_EXEC && ld_le(img + E_TYPE, 2) != ET_DYN)
		return "not ET_EXEC or ET_DYN";
	out->dyn = ld_le(img + E_TYPE, 2) == ET_DYN;
	if (ld_le(img + E_MACHINE, 2) != EM_RISCV)
		return "not EM_RISCV";
	out->entry = ld_le(img + E_ENTRY, 8);
	out->phent = (uint32_t)ld_le(img + E_PHENTSIZE, 2);
	out->phnum = (uint32_t)ld_le(img + E_PHNUM, 2);
	*phoff = ld_le(img + E_PHOFF, 8);
	if (out->phent < PHDR_SIZE)
		return "e_phentsize smaller than Elf64_Phdr";
	if (out->phnum == PN_XNUM)
		return "extended program header numbering (PN_XNUM)";
	/* At most 65534 * 65535 bytes: no overflow in 64 bits. */
	table = (uint64_t)out->phnum * out->phent;
	if (*phoff > size || table > size - *phoff)
		return "program headers outside the file";
	return NULL;
}

/* One PT_LOAD on its own: inside the file, inside user space, congruent. */
static const char *elf_check_load(const struct phdr *ph, size_t size, uint64_t user_lo,
				  uint64_t user_hi)
{
	if (ph->filesz > ph->memsz)
		return "segment p_filesz > p_memsz";
	if (ph->offset > size || ph->filesz > size - ph->offset)
		return "segment outside the file";
	if (ph->vaddr + ph->memsz < ph->vaddr)
		return "segment wraps around the address space";
	if (ph->vaddr < user_lo || ph->vaddr + ph->memsz > user_hi)
		return "segment outside user space";
	/* Pages are mapped from the file at page granularity (mmap's rule). */
	if ((ph->offset ^ ph->vaddr) & (PAGE_SIZE - 1))
		return "p_offset and p_vaddr differ modulo the page size";
	return NULL;
}

static const char *elf_add_load(const struct phdr *ph, struct elf_info *out)
{
	struct elf_segment *s;

	/* It maps nothing: leaving it out spares the loader an empty range. */
	if (ph->memsz == 0)
		return NULL;
	if (out->nsegs == ELF_MAX_SEGMENTS)
		return "too many PT_LOAD segments";
	s = &out->segs[out->nsegs++];
	s->vaddr = ph->vaddr;
	s->memsz = ph->memsz;
	s->offset = ph->offset;
	s->filesz = ph->filesz;
	s->flags = ph->flags & (ELF_PF_R | ELF_PF_W | ELF_PF_X);
	out->start = out->nsegs == 1 ? ph->vaddr : MIN(out->start, ph->vaddr);
	out->end = MAX(out->end, ph->vaddr + ph->memsz);
	return NULL;
}

/* Exact ranges: two segments may share a page, never a byte. */
static const char *elf_check_overlap(const struct elf_info *out)
{
	for (int i = 0; i < out->nsegs; i++) {
		const struct elf_segment *a = &out->segs[i];
		for (int j = i + 1; j < out->nsegs; j++) {
			const struct elf_segment *b = &out->segs[j];
			if (a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz)
				return "overlapping segments";
		}
	}
	return NULL;
}

/* The segment holding [va, va + len), or NULL; with want, only with those flags. */
static const struct elf_segment *elf_find_seg(const struct elf_info *out, uint64_t va, uint64_t len,
					      uint32_t want)
{
	for (int i = 0; i < out->nsegs; i++) {
		const struct elf_segment *s = &out->segs[i];
		if ((s->flags & want) == want && va >= s->vaddr && va - s->vaddr < s->memsz &&
		    len <= s->memsz - (va - s->vaddr))
			return s;
	}
	return NULL;
}

/*
 * AT_PHDR without a PT_PHDR: where the segment that carries the program
 * headers' file bytes puts them, as Linux computes it; 0 if none does.
 */
static uint64_t elf_phdr_from_loads(const struct elf_info *out, uint64_t phoff)
{
	for (int i = 0; i < out->nsegs; i++) {
		const struct elf_segment *s = &out->segs[i];
		if (s->offset <= phoff && phoff - s->offset < s->filesz)
			return phoff - s->offset + s->vaddr;
	}
	return 0;
}

/* What the checks share: the image, the user range, the result so far. */
struct elf_ctx {
	const uint8_t *img;
	size_t size;	    /* bytes at img: the headers must be inside */
	uint64_t file_size; /* the whole file: segments must be inside */
	uint64_t user_lo, user_hi;
	uint64_t phoff;
	bool have_phdr;
	struct elf_info *out;
};

/*
 * PT_INTERP: the interpreter's path, NUL included, as Linux bounds it (2
 * to PATH_MAX bytes, inside the file); the first one counts, as on Linux.
 */
static const char *elf_note_interp(const struct elf_ctx *c, const struct phdr *ph)
{
	struct elf_info *out = c->out;

	if (out->interp_len)
		return NULL;
	if (ph->filesz < 2 || ph->filesz > INTERP_MAX)
		return "PT_INTERP's size outside 2 to PATH_MAX";
	if (ph->offset > c->file_size || ph->filesz > c->file_size - ph->offset)
		return "PT_INTERP outside the file";
	out->interp_off = ph->offset;
	out->interp_len = (uint32_t)ph->filesz;
	return NULL;
}

/* Every program header: collect PT_LOADs, note PT_PHDR, PT_INTERP, PT_GNU_STACK. */
static const char *elf_scan_phdrs(struct elf_ctx *c)
{
	struct elf_info *out = c->out;
	struct phdr ph;
	const char *err;

	for (uint32_t i = 0; i < out->phnum; i++) {
		elf_read_phdr(c->img + c->phoff + (uint64_t)i * out->phent, &ph);
		if (ph.type == PT_INTERP && (err = elf_note_interp(c, &ph)))
			return err;
		if (ph.type == PT_GNU_STACK)
			out->exec_stack = ph.flags & ELF_PF_X;
		if (ph.type == PT_PHDR) {
			if (c->have_phdr)
				return "more than one PT_PHDR";
			c->have_phdr = true;
			out->phdr_addr = ph.vaddr;
		}
		if (ph.type != PT_LOAD)
			continue;
		/* A position-independent image's addresses are offsets from
		 * wherever exec puts it: its span must fit in user space. */
		err = out->dyn ? elf_check_load(&ph, c->file_size, 0, c->user_hi - c->user_lo)
			       : elf_check_load(&ph, c->file_size, c->user_lo, c->user_hi);
		if (!err)
			err = elf_add_load(&ph, out);
		if (err)
			return err;
	}
	return NULL;
}

static const char *elf_check(struct elf_ctx *c)
{
	struct elf_info *out = c->out;
	const char *err;

	err = elf_check_header(c->img, c->size, out, &c->phoff);
	if (!err)
		err = elf_scan_phdrs(c);
	if (err)
		return err;
	if (out->nsegs == 0)
		return "no PT_LOAD segment";
	err = elf_check_overlap(out);
	if (err)
		return err;
	if (!elf_find_seg(out, out->entry, 1, ELF_PF_X))
		return "entry point not in an executable segment";
	/* PT_PHDR promises the table is loaded: hold it to that (AT_PHDR is read). */
	if (c->have_phdr &&
	    !elf_find_seg(out, out->phdr_addr, (uint64_t)out->phnum * out->phent, 0))
		return "PT_PHDR outside the loaded segments";
	if (!c->have_phdr)
		out->phdr_addr = elf_phdr_from_loads(out, c->phoff);
	return NULL;
}

int elf_parse(const void *image, size_t size, uint64_t user_lo, uint64_t user_hi,
	      struct elf_info *out)
{
	return elf_parse_head(image, size, size, user_lo, user_hi, out);
}

int elf_parse_head(const void *head, size_t head_len, uint64_t file_size, uint64_t user_lo,
		   uint64_t user_hi, struct elf_info *out)
{
	struct elf_ctx c = {
		.img = head,
		.size = MIN(head_len, file_size),
		.file_size = file_size,
		.user_lo = user_lo,
		.user_hi = user_hi,
		.out = out,
	};

	memset(out, 0, sizeof(*out));
	out->error = elf_check(&c);
	return out->error ? -ENOEXEC : 0;
}
