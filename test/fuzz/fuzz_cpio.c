/*
 * libFuzzer target for the cpio reader (src/lib/cpio.c): walk every member
 * of any bytes, checking that each name and each member's data lie inside
 * the input and that the offset only moves forward, and reading them all
 * (so AddressSanitizer sees any stray byte); then look a few paths up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/cpio.h>
#include <sluice/errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int cond)
{
	if (!cond)
		abort();
}

/* [p, p + n) inside the input. */
static void require_inside(const void *p, size_t n, const uint8_t *data, size_t size)
{
	const uint8_t *b = p;

	require(b >= data && (size_t)(b - data) <= size && n <= size - (size_t)(b - data));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {"/init", "bin/a", "./b", "/", "", "TRAILER!!!"};
	struct cpio_entry e;
	size_t off = 0, last = 0;
	volatile uint8_t sink = 0;
	int r;

	while ((r = cpio_next(data, size, &off, &e)) == 1) {
		require(off > last && off <= size);
		last = off;
		require_inside(e.name, strlen(e.name) + 1, data, size);
		require_inside(e.data, e.size, data, size);
		for (size_t i = 0; i < e.size; i++)
			sink ^= ((const uint8_t *)e.data)[i];
	}
	require(r == 0 || r == -EINVAL);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		r = cpio_find(data, size, paths[i], &e);
		require(r == 0 || r == -ENOENT || r == -EINVAL);
		if (r == 0)
			require_inside(e.data, e.size, data, size);
	}
	(void)sink;
	return 0;
}
