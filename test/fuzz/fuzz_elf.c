/*
 * libFuzzer target for the ELF reader (src/lib/elf.c): any bytes must give
 * 0 or -ENOEXEC, and on success every segment must satisfy what exec relies
 * on (inside the file, inside user space, filesz <= memsz).
 */
#include <stdint.h>
#include <stdlib.h>

#include <sluice/elf.h>
#include <sluice/errno.h>

#define USER_LO 0x10000ull
#define USER_HI 0x3f00000000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_info info;
	int err = elf_parse(data, size, USER_LO, USER_HI, &info);

	if (err != 0 && err != -ENOEXEC)
		abort();
	if (err)
		return 0;
	for (int i = 0; i < info.nsegs; i++) {
		const struct elf_segment *s = &info.segs[i];
		if (s->filesz > s->memsz || s->offset > size || s->filesz > size - s->offset ||
		    s->vaddr < USER_LO || s->vaddr + s->memsz > USER_HI || s->vaddr + s->memsz < s->vaddr)
			abort();
	}
	return 0;
}
