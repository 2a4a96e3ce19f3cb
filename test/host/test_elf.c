/*
 * Host tests for the ELF64 executable reader (src/lib/elf.c).
 *
 * 1. Images built here, in memory, with glibc's <elf.h> structures (test
 *    side only): a valid two-segment executable and its variants, and one
 *    test per kind of failure, each checking the message too.
 * 2. Every truncation of a valid image, and many random corruptions of it,
 *    each in an exact-size heap buffer so AddressSanitizer sees any read
 *    past the end; whatever is accepted must satisfy the contract.
 * 3. Real executables linked by riscv64-unknown-elf-gcc at build time, in
 *    $ELF_TEST_DIR (skipped if unset): compared with an independent reading
 *    of their program headers, at several alignments, and truncated.
 */
#include <elf.h>
#include <stdbool.h>
#include <string.h>

#include <sluice/elf.h>
#include <sluice/errno.h>

#include "host_stubs.h"

#define USER_LO 0x1000ull
#define USER_HI (1ull << 38) /* the lower half of Sv39 */
#define IMG_MAX 0x10000

#define TEXT_VA 0x10000ull
#define DATA_VA 0x11000ull

/* An executable under construction: headers as structs, bytes built from them. */
struct builder {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[40];
	int nph;     /* entries in ph (e_phnum may claim more) */
	size_t size; /* of the image */
};

static void add_phdr(struct builder *b, uint32_t type, uint32_t flags, uint64_t off, uint64_t va,
		     uint64_t filesz, uint64_t memsz)
{
	Elf64_Phdr *p;

	CHECK(b->nph < (int)ARRAY_SIZE(b->ph));
	p = &b->ph[b->nph++];
	b->eh.e_phnum = b->nph;
	*p = (Elf64_Phdr){.p_type = type,
			  .p_flags = flags,
			  .p_offset = off,
			  .p_vaddr = va,
			  .p_paddr = va,
			  .p_filesz = filesz,
			  .p_memsz = memsz,
			  .p_align = 0x1000};
}

/* A valid header with no program headers yet. */
static void init_builder(struct builder *b)
{
	memset(b, 0, sizeof(*b));
	memcpy(b->eh.e_ident, ELFMAG, SELFMAG);
	b->eh.e_ident[EI_CLASS] = ELFCLASS64;
	b->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	b->eh.e_ident[EI_VERSION] = EV_CURRENT;
	b->eh.e_type = ET_EXEC;
	b->eh.e_machine = EM_RISCV;
	b->eh.e_version = EV_CURRENT;
	b->eh.e_entry = TEXT_VA + 0x100;
	b->eh.e_phoff = sizeof(Elf64_Ehdr);
	b->eh.e_ehsize = sizeof(Elf64_Ehdr);
	b->eh.e_phentsize = sizeof(Elf64_Phdr);
	b->size = 0x1100;
}

/*
 * The standard image: text (R+X, holding the headers) at 0x10000, data
 * (R+W, 0x100 bytes then bss) at 0x11000, and a PT_GNU_STACK.
 */
static void std_builder(struct builder *b)
{
	init_builder(b);
	add_phdr(b, PT_LOAD, PF_R | PF_X, 0, TEXT_VA, 0x1000, 0x1000);
	add_phdr(b, PT_LOAD, PF_R | PF_W, 0x1000, DATA_VA, 0x100, 0x2000);
	add_phdr(b, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
}

/* The image bytes (the host is little endian, like RISC-V: checked in main). */
static uint8_t *build(const struct builder *b, uint8_t *img)
{
	memset(img, 0, IMG_MAX);
	memcpy(img, &b->eh, sizeof(b->eh));
	for (int i = 0; i < b->nph && b->eh.e_phoff < IMG_MAX; i++) {
		uint64_t at = b->eh.e_phoff + (uint64_t)i * b->eh.e_phentsize;
		/* A table that wraps past 2^64 is not written (it would land on
		 * the ELF header). */
		if (at >= b->eh.e_phoff && at < IMG_MAX && IMG_MAX - at >= sizeof(Elf64_Phdr))
			memcpy(img + at, &b->ph[i], sizeof(Elf64_Phdr));
	}
	return img;
}

/* elf_parse on a copy of exactly len bytes at the given misalignment. */
static int parse_bytes(const uint8_t *bytes, size_t len, size_t misalign, struct elf_info *info)
{
	/* The copy ends where the allocation does: ASan sees any overread. */
	uint8_t *buf = malloc(len + misalign ? len + misalign : 1);
	int ret;

	CHECK(buf != NULL);
	memcpy(buf + misalign, bytes, len);
	ret = elf_parse(buf + misalign, len, USER_LO, USER_HI, info);
	free(buf);
	CHECK(ret == 0 || ret == -ENOEXEC);
	CHECK((ret == 0) == (info->error == NULL));
	return ret;
}

static int parse(const struct builder *b, struct elf_info *info)
{
	static uint8_t img[IMG_MAX];

	CHECK(b->size <= IMG_MAX);
	return parse_bytes(build(b, img), b->size, 0, info);
}

static void expect_fail(const struct builder *b, const char *msg)
{
	struct elf_info info;

	CHECK_EQ(parse(b, &info), -ENOEXEC);
	CHECK(info.error != NULL);
	if (strcmp(info.error, msg) != 0) {
		fprintf(stderr, "expected error \"%s\", got \"%s\"\n", msg, info.error);
		exit(1);
	}
}

static void check_seg(const struct elf_segment *s, uint64_t va, uint64_t memsz, uint64_t off,
		      uint64_t filesz, uint32_t flags)
{
	CHECK_EQ(s->vaddr, va);
	CHECK_EQ(s->memsz, memsz);
	CHECK_EQ(s->offset, off);
	CHECK_EQ(s->filesz, filesz);
	CHECK_EQ(s->flags, flags);
}

static void test_valid_image(void)
{
	struct builder b;
	struct elf_info info;

	std_builder(&b);
	CHECK_EQ(parse(&b, &info), 0);
	CHECK(info.error == NULL);
	CHECK_EQ(info.entry, TEXT_VA + 0x100);
	CHECK_EQ(info.phent, sizeof(Elf64_Phdr));
	CHECK_EQ(info.phnum, 3);
	CHECK_EQ(info.nsegs, 2);
	check_seg(&info.segs[0], TEXT_VA, 0x1000, 0, 0x1000, ELF_PF_R | ELF_PF_X);
	check_seg(&info.segs[1], DATA_VA, 0x2000, 0x1000, 0x100, ELF_PF_R | ELF_PF_W);
	CHECK_EQ(info.end, DATA_VA + 0x2000);
	/* No PT_PHDR: the headers at file offset 64 are in the text segment. */
	CHECK_EQ(info.phdr_addr, TEXT_VA + sizeof(Elf64_Ehdr));
}

/* The image may sit at any address: fields are read byte by byte. */
static void test_any_alignment(void)
{
	static uint8_t img[IMG_MAX];
	struct builder b;
	struct elf_info ref, info;

	std_builder(&b);
	build(&b, img);
	CHECK_EQ(parse_bytes(img, b.size, 0, &ref), 0);
	for (size_t mis = 1; mis < 16; mis++) {
		CHECK_EQ(parse_bytes(img, b.size, mis, &info), 0);
		CHECK(memcmp(&info, &ref, sizeof(info)) == 0);
	}
}

static void test_pt_phdr(void)
{
	struct builder b;
	struct elf_info info;

	init_builder(&b);
	add_phdr(&b, PT_PHDR, PF_R, 64, TEXT_VA + 64, 2 * 56, 2 * 56);
	add_phdr(&b, PT_LOAD, PF_R | PF_X, 0, TEXT_VA, 0x1000, 0x1000);
	CHECK_EQ(parse(&b, &info), 0);
	CHECK_EQ(info.phdr_addr, TEXT_VA + 64);
	CHECK_EQ(info.nsegs, 1);

	/* PT_PHDR wins over the computed address, wherever the table is. */
	b.ph[0].p_vaddr = TEXT_VA + 0x800;
	CHECK_EQ(parse(&b, &info), 0);
	CHECK_EQ(info.phdr_addr, TEXT_VA + 0x800);
}

/* Headers outside every PT_LOAD and no PT_PHDR: AT_PHDR is 0. */
static void test_phdr_not_loaded(void)
{
	struct builder b;
	struct elf_info info;

	init_builder(&b);
	add_phdr(&b, PT_LOAD, PF_R | PF_X, 0x1000, TEXT_VA, 0x100, 0x100);
	b.size = 0x1100;
	b.eh.e_entry = TEXT_VA; /* inside the segment: its end is not */
	CHECK_EQ(parse(&b, &info), 0);
	CHECK_EQ(info.phdr_addr, 0);

	/* Headers in the bss part (beyond p_filesz) are not in the file image. */
	init_builder(&b);
	add_phdr(&b, PT_LOAD, PF_R | PF_X, 0, TEXT_VA, 0x40, 0x1000);
	b.eh.e_entry = TEXT_VA;
	CHECK_EQ(parse(&b, &info), 0);
	CHECK_EQ(info.phdr_addr, 0);
}

/* Text and data in one page, as tight linking does: allowed, bytes apart. */
static void test_shared_page(void)
{
	struct builder b;
	struct elf_info info;

	init_builder(&b);
	add_phdr(&b, PT_LOAD, PF_R | PF_X, 0, TEXT_VA, 0x800, 0x800);
	add_phdr(&b, PT_LOAD, PF_R | PF_W, 0x800, TEXT_VA + 0x800, 0x100, 0x900);
	CHECK_EQ(parse(&b, &info), 0);
	CHECK_EQ(info.nsegs, 2);
	CHECK_EQ(info.end, TEXT_VA + 0x1100);

	b.ph[1].p_offset = 0x7ff; /* one byte of overlap */
	b.ph[1].p_vaddr = TEXT_VA + 0x7ff;
	expect_fail(&b, "overlapping segments");
	b.ph[1].p_offset = 0x1000; /* the second segment covering the first */
	b.ph[1].p_vaddr = TEXT_VA - 0x1000;
	b.ph[1].p_memsz = 0x3000;
	expect_fail(&b, "overlapping segments");
}

static void test_ignored_types(void)
{
	struct builder b;
	struct elf_info info;

	std_builder(&b);
	add_phdr(&b, PT_NOTE, PF_R, 0x200, TEXT_VA + 0x200, 0x20, 0x20);
	add_phdr(&b, PT_TLS, PF_R, 0x1000, DATA_VA, 0x10, 0x40);
	add_phdr(&b, PT_RISCV_ATTRIBUTES, PF_R, 0x300, 0, 0x53, 0);
	add_phdr(&b, PT_GNU_RELRO, PF_R, 0x1000, DATA_VA, 0x10, 0x10);
	add_phdr(&b, 0x6fffffff, 0, ~0ull, ~0ull, ~0ull, 0); /* unknown: ignored */
	CHECK_EQ(parse(&b, &info), 0);
	CHECK_EQ(info.nsegs, 2);
	CHECK_EQ(info.phnum, 8);

	/* Flags beyond R, W and X (OS and processor bits) are dropped. */
	b.ph[0].p_flags |= PF_MASKOS | PF_MASKPROC;
	CHECK_EQ(parse(&b, &info), 0);
	CHECK_EQ(info.segs[0].flags, ELF_PF_R | ELF_PF_X);
}

/* Larger program header entries are stepped over by e_phentsize. */
static void test_big_phentsize(void)
{
	struct builder b;
	struct elf_info info;

	std_builder(&b);
	b.eh.e_phentsize = 64;
	CHECK_EQ(parse(&b, &info), 0);
	CHECK_EQ(info.phent, 64);
	CHECK_EQ(info.nsegs, 2);
	CHECK_EQ(info.segs[1].vaddr, DATA_VA);
}

/* An empty PT_LOAD maps nothing and is left out; the others keep their order. */
static void test_empty_load_skipped(void)
{
	struct builder b;
	struct elf_info info;

	init_builder(&b);
	add_phdr(&b, PT_LOAD, PF_R | PF_W, 0x1000, DATA_VA, 0, 0);
	add_phdr(&b, PT_LOAD, PF_R | PF_X, 0, TEXT_VA, 0x1000, 0x1000);
	CHECK_EQ(parse(&b, &info), 0);
	CHECK_EQ(info.nsegs, 1);
	CHECK_EQ(info.segs[0].vaddr, TEXT_VA);
	CHECK_EQ(info.end, TEXT_VA + 0x1000);
}

static void test_user_range_edges(void)
{
	struct builder b;
	struct elf_info info;

	/* Ending exactly at user_hi, starting exactly at user_lo: fine. */
	init_builder(&b);
	add_phdr(&b, PT_LOAD, PF_R | PF_X, 0, USER_LO, 0x1000, 0x1000);
	add_phdr(&b, PT_LOAD, PF_R | PF_W, 0x1000, USER_HI - 0x3000, 0x100, 0x3000);
	b.eh.e_entry = USER_LO + 0x100;
	CHECK_EQ(parse(&b, &info), 0);
	CHECK_EQ(info.end, USER_HI);

	b.ph[1].p_memsz++;
	expect_fail(&b, "segment outside user space");
	b.ph[1].p_memsz--;
	b.ph[0].p_vaddr = USER_LO - 0x1000; /* one page too low */
	expect_fail(&b, "segment outside user space");
}

/* Each kind of malformed header gets its own message. */
static void test_bad_headers(void)
{
	struct builder b;

	std_builder(&b);
	b.size = sizeof(Elf64_Ehdr) - 1;
	expect_fail(&b, "file smaller than an ELF header");
	b.size = 0;
	expect_fail(&b, "file smaller than an ELF header");
	std_builder(&b);
	b.eh.e_ident[EI_MAG1] = 'e';
	expect_fail(&b, "bad ELF magic");
	std_builder(&b);
	b.eh.e_ident[EI_CLASS] = ELFCLASS32;
	expect_fail(&b, "not ELFCLASS64");
	std_builder(&b);
	b.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	expect_fail(&b, "not little endian");
	std_builder(&b);
	b.eh.e_ident[EI_VERSION] = EV_NONE;
	expect_fail(&b, "unknown ELF version");
	std_builder(&b);
	b.eh.e_version = 2;
	expect_fail(&b, "unknown ELF version");
	std_builder(&b);
	b.eh.e_type = ET_REL;
	expect_fail(&b, "not ET_EXEC or ET_DYN");
	b.eh.e_type = ET_CORE;
	expect_fail(&b, "not ET_EXEC or ET_DYN");
	std_builder(&b);
	b.eh.e_machine = EM_X86_64;
	expect_fail(&b, "not EM_RISCV");
	b.eh.e_machine = EM_RISCV << 8; /* byte-swapped */
	expect_fail(&b, "not EM_RISCV");
}

/* ET_DYN: addresses are offsets from a base exec picks, so 0 is allowed and
 * only the span must fit in user space; PT_GNU_STACK's X is reported. */
static void test_dyn(void)
{
	struct builder b;
	struct elf_info info;

	init_builder(&b);
	b.eh.e_type = ET_DYN;
	b.eh.e_entry = 0x100;
	add_phdr(&b, PT_LOAD, PF_R | PF_X, 0, 0, 0x1000, 0x1000);
	add_phdr(&b, PT_LOAD, PF_R | PF_W, 0x1000, 0x1000, 0x100, 0x2000);
	CHECK_EQ(parse(&b, &info), 0);
	CHECK(info.dyn);
	CHECK(!info.exec_stack);
	CHECK_EQ(info.start, 0);
	CHECK_EQ(info.end, 0x3000);
	add_phdr(&b, PT_GNU_STACK, PF_R | PF_W | PF_X, 0, 0, 0, 0);
	CHECK_EQ(parse(&b, &info), 0);
	CHECK(info.exec_stack);
	b.ph[1].p_vaddr = USER_HI - USER_LO - 0x2000; /* the span just fits */
	b.ph[1].p_memsz = 0x2000;
	CHECK_EQ(parse(&b, &info), 0);
	b.ph[1].p_memsz = 0x2001;
	expect_fail(&b, "segment outside user space");
}

static void test_bad_phdr_table(void)
{
	struct builder b;

	std_builder(&b);
	b.eh.e_phentsize = sizeof(Elf64_Phdr) - 1;
	expect_fail(&b, "e_phentsize smaller than Elf64_Phdr");
	b.eh.e_phentsize = 0;
	expect_fail(&b, "e_phentsize smaller than Elf64_Phdr");
	std_builder(&b);
	b.eh.e_phnum = PN_XNUM;
	expect_fail(&b, "extended program header numbering (PN_XNUM)");
	std_builder(&b);
	b.eh.e_phoff = b.size - 3 * sizeof(Elf64_Phdr) + 1; /* last byte past the end */
	expect_fail(&b, "program headers outside the file");
	b.eh.e_phoff = b.size + 1;
	expect_fail(&b, "program headers outside the file");
	b.eh.e_phoff = ~0ull - 8; /* phoff + table wraps */
	expect_fail(&b, "program headers outside the file");
	std_builder(&b);
	b.eh.e_phnum = 0xfffe; /* 3.5 MB of headers in a 4 KB file */
	expect_fail(&b, "program headers outside the file");
}

static void test_interp_and_counts(void)
{
	struct builder b;
	struct elf_info info;

	/* PT_INTERP is reported (the first one), not refused; bounded as Linux bounds it. */
	std_builder(&b);
	add_phdr(&b, PT_INTERP, PF_R, 0x200, TEXT_VA + 0x200, 0x10, 0x10);
	add_phdr(&b, PT_INTERP, PF_R, 0x300, TEXT_VA + 0x300, 0x20, 0x20);
	CHECK_EQ(parse(&b, &info), 0);
	CHECK_EQ(info.interp_off, 0x200);
	CHECK_EQ(info.interp_len, 0x10);
	b.nph = 4;
	b.eh.e_phnum = 4;
	b.ph[3].p_filesz = 1;
	expect_fail(&b, "PT_INTERP's size outside 2 to PATH_MAX");
	b.ph[3].p_filesz = 4097;
	expect_fail(&b, "PT_INTERP's size outside 2 to PATH_MAX");
	b.ph[3].p_filesz = 0x1000;
	expect_fail(&b, "PT_INTERP outside the file");

	/* No PT_LOAD at all: none, or only others. */
	init_builder(&b);
	expect_fail(&b, "no PT_LOAD segment");
	add_phdr(&b, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
	expect_fail(&b, "no PT_LOAD segment");

	/* ELF_MAX_SEGMENTS one-page segments fit; one more does not. */
	init_builder(&b);
	b.size = 0x1000;
	for (int i = 0; i < ELF_MAX_SEGMENTS; i++)
		add_phdr(&b, PT_LOAD, PF_R | PF_X, 0, TEXT_VA + i * 0x1000ull, 0x1000, 0x1000);
	CHECK_EQ(parse(&b, &info), 0);
	CHECK_EQ(info.nsegs, ELF_MAX_SEGMENTS);
	CHECK_EQ(info.end, TEXT_VA + ELF_MAX_SEGMENTS * 0x1000ull);
	add_phdr(&b, PT_LOAD, PF_R, 0, TEXT_VA + ELF_MAX_SEGMENTS * 0x1000ull, 0x1000, 0x1000);
	expect_fail(&b, "too many PT_LOAD segments");
}

static void test_bad_segments(void)
{
	struct builder b;

	std_builder(&b);
	b.ph[1].p_filesz = b.ph[1].p_memsz + 1;
	expect_fail(&b, "segment p_filesz > p_memsz");
	std_builder(&b);
	b.ph[1].p_filesz = 0x101; /* one byte past the end of the file */
	expect_fail(&b, "segment outside the file");
	std_builder(&b);
	b.ph[1].p_offset = ~0ull - 0xfff; /* far past the end */
	expect_fail(&b, "segment outside the file");
	std_builder(&b);
	b.ph[1].p_filesz = ~0ull - 0x7ff; /* offset + filesz wraps */
	b.ph[1].p_memsz = ~0ull - 0x7ff;
	expect_fail(&b, "segment outside the file");
	std_builder(&b);
	b.ph[1].p_vaddr = ~0ull - 0xfff; /* vaddr + memsz wraps */
	expect_fail(&b, "segment wraps around the address space");
	std_builder(&b);
	b.ph[1].p_vaddr = 0xffffffc000000000ull; /* the kernel's half */
	expect_fail(&b, "segment outside user space");
	std_builder(&b);
	b.ph[1].p_vaddr = 0; /* below user_lo (the null page) */
	b.ph[1].p_offset = 0;
	expect_fail(&b, "segment outside user space");
	std_builder(&b);
	b.ph[1].p_vaddr = DATA_VA + 8;
	expect_fail(&b, "p_offset and p_vaddr differ modulo the page size");
	std_builder(&b);
	b.ph[1] = b.ph[0]; /* the same segment twice */
	expect_fail(&b, "overlapping segments");
}

static void test_bad_entry_and_phdr(void)
{
	struct builder b;
	struct elf_info info;

	std_builder(&b);
	b.eh.e_entry = DATA_VA + 0x10; /* in a segment without X */
	expect_fail(&b, "entry point not in an executable segment");
	b.eh.e_entry = TEXT_VA + 0x1000; /* one past the end of text */
	expect_fail(&b, "entry point not in an executable segment");
	b.eh.e_entry = 0;
	expect_fail(&b, "entry point not in an executable segment");
	b.eh.e_entry = TEXT_VA + 0xfff; /* the last byte: accepted */
	CHECK_EQ(parse(&b, &info), 0);

	std_builder(&b);
	add_phdr(&b, PT_PHDR, PF_R, 64, TEXT_VA + 64, 4 * 56, 4 * 56);
	CHECK_EQ(parse(&b, &info), 0);
	add_phdr(&b, PT_PHDR, PF_R, 64, TEXT_VA + 64, 5 * 56, 5 * 56);
	expect_fail(&b, "more than one PT_PHDR");
	std_builder(&b);
	add_phdr(&b, PT_PHDR, PF_R, 64, 0x20000000, 4 * 56, 4 * 56); /* nothing there */
	expect_fail(&b, "PT_PHDR outside the loaded segments");
	b.ph[3].p_vaddr = TEXT_VA + 0x1000 - 4 * 56 + 1; /* the table straddles the end */
	expect_fail(&b, "PT_PHDR outside the loaded segments");
}

/* Whatever elf_parse accepts must keep the promises of <sluice/elf.h>. */
static void check_contract(const struct elf_info *info, size_t size)
{
	uint64_t end = 0;
	bool entry_ok = false;

	CHECK(info->nsegs >= 1 && info->nsegs <= ELF_MAX_SEGMENTS);
	CHECK(info->phent >= sizeof(Elf64_Phdr));
	for (int i = 0; i < info->nsegs; i++) {
		const struct elf_segment *s = &info->segs[i];
		CHECK(s->filesz <= s->memsz && s->memsz > 0);
		CHECK(s->offset <= size && s->filesz <= size - s->offset);
		CHECK(s->vaddr >= USER_LO && s->vaddr < USER_HI && s->memsz <= USER_HI - s->vaddr);
		CHECK((s->vaddr & 0xfff) == (s->offset & 0xfff));
		CHECK((s->flags & ~(uint32_t)(ELF_PF_R | ELF_PF_W | ELF_PF_X)) == 0);
		for (int j = 0; j < i; j++)
			CHECK(s->vaddr >= info->segs[j].vaddr + info->segs[j].memsz ||
			      info->segs[j].vaddr >= s->vaddr + s->memsz);
		if ((s->flags & ELF_PF_X) && info->entry >= s->vaddr &&
		    info->entry < s->vaddr + s->memsz)
			entry_ok = true;
		end = end > s->vaddr + s->memsz ? end : s->vaddr + s->memsz;
	}
	CHECK(entry_ok);
	CHECK_EQ(info->end, end);
}

/* Every truncation of the standard image fails (its data runs to the end). */
static void test_truncations(void)
{
	static uint8_t img[IMG_MAX];
	struct builder b;
	struct elf_info info;

	std_builder(&b);
	build(&b, img);
	for (size_t len = 0; len < b.size; len++) {
		CHECK_EQ(parse_bytes(img, len, len & 7, &info), -ENOEXEC);
		CHECK(info.error != NULL);
	}
	CHECK_EQ(parse_bytes(img, b.size, 0, &info), 0);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Values that sit on the checks' edges, for the random corruptions. */
static uint64_t interesting(void)
{
	static const uint64_t v[] = {
		0,	    1,	     55,	56,	 64,	  0xfff, 0x1000,
		0x1100,	    0x10000, 0x11000,	USER_HI, USER_LO, ~0ull, ~0ull - 0xfff,
		1ull << 63, 0xffff,  0x7fffffff};

	return v[rng() % ARRAY_SIZE(v)] + (rng() % 3) - 1;
}

static void mutate(uint8_t *img, size_t hdr_bytes)
{
	int n = 1 + rng() % 4;

	while (n--) {
		size_t at = rng() % hdr_bytes;
		if (rng() % 2) {
			img[at] = (uint8_t)rng();
		} else {
			uint64_t v = interesting();
			at &= ~(size_t)7;
			memcpy(img + at, &v, MIN(8, hdr_bytes - at));
		}
	}
}

/* Random corruptions of the headers: no crash, and only sound results. */
static void test_random_corruptions(void)
{
	static uint8_t ref[IMG_MAX], img[IMG_MAX];
	struct builder b;
	struct elf_info info;
	int accepted = 0;

	std_builder(&b);
	add_phdr(&b, PT_PHDR, PF_R, 64, TEXT_VA + 64, 4 * 56, 4 * 56);
	build(&b, ref);
	for (int i = 0; i < 50000; i++) {
		memcpy(img, ref, b.size);
		mutate(img, sizeof(Elf64_Ehdr) + 4 * sizeof(Elf64_Phdr));
		if (parse_bytes(img, b.size, i & 7, &info) == 0) {
			check_contract(&info, b.size);
			accepted++;
		}
	}
	printf("random corruptions: %d of 50000 accepted\n", accepted);
}

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	CHECK(f != NULL);
	CHECK(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0);
	rewind(f);
	buf = malloc((size_t)n);
	CHECK(buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/*
 * A real executable against an independent reading of it with glibc's
 * structures: same entry, same PT_LOADs, and AT_PHDR as Linux computes it.
 * Returns the bytes the program headers and PT_LOADs reach into the file.
 */
static size_t check_against_reference(const uint8_t *img, size_t size, const struct elf_info *info)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint64_t phdr_addr = 0, need;
	int n = 0;

	memcpy(&eh, img, sizeof(eh));
	CHECK_EQ(info->entry, eh.e_entry);
	CHECK_EQ(info->phnum, eh.e_phnum);
	CHECK_EQ(info->phent, eh.e_phentsize);
	need = eh.e_phoff + (uint64_t)eh.e_phnum * eh.e_phentsize;
	for (int i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, img + eh.e_phoff + (size_t)i * eh.e_phentsize, sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		CHECK(n < info->nsegs);
		check_seg(&info->segs[n++], ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz,
			  ph.p_flags & (PF_R | PF_W | PF_X));
		if (!phdr_addr && ph.p_offset <= eh.e_phoff &&
		    eh.e_phoff < ph.p_offset + ph.p_filesz)
			phdr_addr = eh.e_phoff - ph.p_offset + ph.p_vaddr;
		need = MAX(need, ph.p_offset + ph.p_filesz);
	}
	CHECK_EQ(info->nsegs, n);
	CHECK_EQ(info->phdr_addr, phdr_addr);
	check_contract(info, size);
	CHECK(need <= size);
	return need;
}

/* Parse at several alignments, then every truncation: fails iff it cuts needed bytes. */
static void check_real(const char *dir, const char *name, struct elf_info *info)
{
	char path[4096];
	struct elf_info t;
	uint8_t *img;
	size_t size, need;

	CHECK(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path));
	img = read_file(path, &size);
	CHECK_EQ(parse_bytes(img, size, 0, info), 0);
	need = check_against_reference(img, size, info);
	for (size_t mis = 1; mis < 8; mis++) {
		CHECK_EQ(parse_bytes(img, size, mis, &t), 0);
		CHECK(memcmp(&t, info, sizeof(t)) == 0);
	}
	for (size_t len = 0; len < size; len++)
		CHECK_EQ(parse_bytes(img, len, len & 7, &t), len < need ? -ENOEXEC : 0);
	free(img);
	printf("%s: entry %#lx, %d segments, AT_PHDR %#lx, end %#lx\n", name,
	       (unsigned long)info->entry, info->nsegs, (unsigned long)info->phdr_addr,
	       (unsigned long)info->end);
}

/*
 * The executables CMake links with riscv64-unknown-elf-gcc from
 * elf_prog.c: static.elf the usual way (text, then data+bss a page up),
 * omagic.elf with -N (one RWX segment, program headers not loaded).
 */
static void test_real_executables(void)
{
	const char *dir = getenv("ELF_TEST_DIR");
	struct elf_info info;

	if (!dir || !*dir) {
		printf("SKIP: real executables (ELF_TEST_DIR unset: no riscv64-unknown-elf-gcc)\n");
		return;
	}
	check_real(dir, "static.elf", &info);
	CHECK_EQ(info.nsegs, 2);
	CHECK_EQ(info.segs[0].flags, ELF_PF_R | ELF_PF_X);
	CHECK_EQ(info.segs[1].flags, ELF_PF_R | ELF_PF_W);
	CHECK(info.segs[1].memsz > info.segs[1].filesz); /* the bss */
	CHECK(info.entry >= info.segs[0].vaddr &&
	      info.entry < info.segs[0].vaddr + info.segs[0].memsz);
	CHECK_EQ(info.phdr_addr, info.segs[0].vaddr + sizeof(Elf64_Ehdr)); /* headers at 64 */

	check_real(dir, "omagic.elf", &info);
	CHECK_EQ(info.nsegs, 1);
	CHECK_EQ(info.segs[0].flags, ELF_PF_R | ELF_PF_W | ELF_PF_X);
	CHECK_EQ(info.phdr_addr, 0);
}

int main(void)
{
	const uint16_t one = 1;

	/* build() copies structs as they are in memory: ELF here is little endian. */
	CHECK(*(const uint8_t *)&one == 1);
	test_valid_image();
	test_any_alignment();
	test_pt_phdr();
	test_phdr_not_loaded();
	test_shared_page();
	test_ignored_types();
	test_big_phentsize();
	test_empty_load_skipped();
	test_user_range_edges();
	test_bad_headers();
	test_dyn();
	test_bad_phdr_table();
	test_interp_and_counts();
	test_bad_segments();
	test_bad_entry_and_phdr();
	test_truncations();
	test_random_corruptions();
	test_real_executables();
	printf("test_elf: ok\n");
	return 0;
}
