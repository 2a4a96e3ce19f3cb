/*
 * libFuzzer target for the ELF reader (src/lib/elf.c): any bytes must give
 * 0 or -ENOEXEC with a message, and on success the result must keep every
 * promise exec relies on: each segment inside the file and inside user
 * space without wrapping, filesz <= memsz, p_offset and p_vaddr congruent
 * modulo the page size, no two segments sharing a byte, the entry point in
 * an executable segment, end the highest segment end.
 */
#include <stdint.h>
#include <stdlib.h>

#include <sluice/elf.h>
#include <sluice/errno.h>

#define USER_LO 0x10000ull
#define USER_HI 0x3f00000000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int cond)
{
	if (!cond)
		abort();
}

/* An ET_DYN image's addresses are offsets: only its span must fit. */
static void check_segment(const struct elf_segment *s, size_t size, uint64_t lo, uint64_t hi)
{
	require(s->memsz > 0 && s->filesz <= s->memsz);
	require(s->offset <= size && s->filesz <= size - s->offset);
	require(s->vaddr >= lo && s->vaddr < hi && s->memsz <= hi - s->vaddr);
	require(((s->vaddr ^ s->offset) & (PAGE_SIZE - 1)) == 0);
	require((s->flags & ~(uint32_t)(ELF_PF_R | ELF_PF_W | ELF_PF_X)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_info info;
	int err = elf_parse(data, size, USER_LO, USER_HI, &info);
	uint64_t end = 0, start = ~0ull;
	int entry_ok = 0;

	require(err == 0 || err == -ENOEXEC);
	require((err == 0) == (info.error == NULL));
	if (err)
		return 0;
	require(info.nsegs >= 1 && info.nsegs <= ELF_MAX_SEGMENTS && info.phent >= 56);
	for (int i = 0; i < info.nsegs; i++) {
		const struct elf_segment *s = &info.segs[i];
		check_segment(s, size, info.dyn ? 0 : USER_LO,
			      info.dyn ? USER_HI - USER_LO : USER_HI);
		for (int j = 0; j < i; j++) /* exact ranges: pages may be shared */
			require(s->vaddr >= info.segs[j].vaddr + info.segs[j].memsz ||
				info.segs[j].vaddr >= s->vaddr + s->memsz);
		if ((s->flags & ELF_PF_X) && info.entry >= s->vaddr &&
		    info.entry - s->vaddr < s->memsz)
			entry_ok = 1;
		end = MAX(end, s->vaddr + s->memsz);
		start = MIN(start, s->vaddr);
	}
	require(entry_ok && info.end == end && info.start == start);
	/* PT_INTERP's path, if any, is inside the file and 2 to 4096 bytes. */
	require(!info.interp_len ||
		(info.interp_len >= 2 && info.interp_len <= 4096 && info.interp_off <= size &&
		 info.interp_len <= size - info.interp_off));
	return 0;
}
