/*
 * libFuzzer target for the cpio reader (src/lib/cpio.c): walk every member
 * of any bytes, touching each name and each byte of data (so AddressSanitizer
 * sees any that lie outside the input), and look a few paths up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/cpio.h>
#include <sluice/errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_entry e;
	size_t off = 0;
	volatile uint8_t sink = 0;
	int r;

	for (int n = 0; n < 100000 && (r = cpio_next(data, size, &off, &e)) == 1; n++) {
		sink ^= (uint8_t)strlen(e.name);
		for (size_t i = 0; i < e.size; i++)
			sink ^= ((const uint8_t *)e.data)[i];
		if (off > size)
			abort();
	}
	static const char *const paths[] = { "/init", "bin/a", "./b", "/", "" };
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		r = cpio_find(data, size, paths[i], &e);
		if (r != 0 && r != -ENOENT && r != -EINVAL)
			abort();
	}
	(void)sink;
	return 0;
}
