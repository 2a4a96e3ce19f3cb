/*
 * Reading ELF64 executables for execve (the System V ABI's ELF chapter and
 * the RISC-V ELF psABI).  elf_parse() checks everything it reads against the
 * image's size and the user address space, and reports what exec needs.
 * ET_EXEC (at its own addresses) and ET_DYN (position independent: exec
 * picks a base and adds it to every address), EM_RISCV, ELFCLASS64, little
 * endian; PT_INTERP is reported, not followed (exec loads the interpreter).
 */
#ifndef SLUICE_ELF_H
#define SLUICE_ELF_H

#include <sluice/types.h>

#define ELF_MAX_SEGMENTS 16

/* Segment permissions (p_flags) */
#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4

struct elf_segment {
	uint64_t vaddr;	 /* where it goes (p_vaddr) */
	uint64_t memsz;	 /* bytes in memory; the tail beyond filesz is zero (bss) */
	uint64_t offset; /* where its bytes start in the file */
	uint64_t filesz;
	uint32_t flags; /* ELF_PF_R | ELF_PF_W | ELF_PF_X */
};

struct elf_info {
	uint64_t entry;	     /* e_entry */
	uint64_t phdr_addr;  /* user address of the program headers (AT_PHDR), 0 if not loaded */
	uint32_t phent;	     /* e_phentsize (AT_PHENT) */
	uint32_t phnum;	     /* e_phnum (AT_PHNUM) */
	uint64_t start;	     /* lowest p_vaddr of a PT_LOAD */
	uint64_t end;	     /* highest vaddr + memsz over all segments: where brk starts */
	bool dyn;	     /* ET_DYN: every address above is relative to a base exec picks */
	bool exec_stack;     /* PT_GNU_STACK asks for an executable stack */
	uint64_t interp_off; /* PT_INTERP: the interpreter's path at this file offset, */
	uint32_t interp_len; /* this many bytes with its NUL; 0 if none */
	int nsegs;	     /* PT_LOAD segments, in file order */
	struct elf_segment segs[ELF_MAX_SEGMENTS];
	const char *error; /* on failure: what was wrong, for the kernel log */
};

/*
 * Parse the executable at image (size bytes).  Returns 0, or -ENOEXEC when
 * it is not an executable Sluice can run or is malformed: bad magic, class,
 * data, machine or type; headers or segments outside the file; filesz >
 * memsz; a segment outside user space [user_lo, user_hi) (for ET_DYN: a
 * span larger than user_hi - user_lo) or wrapping; overlapping segments;
 * p_offset and p_vaddr not congruent modulo the page size; a PT_INTERP
 * outside the file or not 2 to 4096 bytes long; no PT_LOAD; more than
 * ELF_MAX_SEGMENTS.
 */
int elf_parse(const void *image, size_t size, uint64_t user_lo, uint64_t user_hi,
	      struct elf_info *out);

/* The same with only the file's first head_len bytes in hand (exec reads
 * a page): the ELF and program headers must lie inside them, segments
 * inside file_size. */
int elf_parse_head(const void *head, size_t head_len, uint64_t file_size, uint64_t user_lo,
		   uint64_t user_hi, struct elf_info *out);

#endif
