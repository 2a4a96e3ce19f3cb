/*
 * glibc-malloc: glibc's malloc under load, statically linked.  glibc grows
 * small-object arenas with brk and serves big blocks with mmap (above 128
 * KiB by default) and gives them back with munmap, so this drives all
 * three calls with the patterns a real allocator makes.  Each block is
 * filled with a pattern that is checked before it is freed.  Exits 0 when
 * every check held.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS  512
#define ROUNDS 20000

static uint32_t rng = 12345;

static uint32_t next(void)
{
	/* xorshift32: deterministic, so a failure repeats. */
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static size_t pick_size(void)
{
	uint32_t r = next();

	if (r % 100 == 0)
		return 128 * 1024 + r % (512 * 1024); /* mmap-sized */
	return 1 + r % 4096;
}

int main(void)
{
	static unsigned char *block[SLOTS];
	static size_t size[SLOTS];
	size_t live = 0, peak = 0;

	for (int round = 0; round < ROUNDS; round++) {
		int i = (int)(next() % SLOTS);

		if (block[i]) {
			for (size_t j = 0; j < size[i]; j += 61)
				if (block[i][j] != (unsigned char)(i + j)) {
					printf("glibc-malloc: block %d corrupt at %zu\n", i, j);
					return 1;
				}
			free(block[i]);
			live -= size[i];
			block[i] = NULL;
			continue;
		}
		size[i] = pick_size();
		block[i] = malloc(size[i]);
		if (!block[i]) {
			printf("glibc-malloc: malloc(%zu) failed\n", size[i]);
			return 1;
		}
		for (size_t j = 0; j < size[i]; j++)
			block[i][j] = (unsigned char)(i + j);
		live += size[i];
		if (live > peak)
			peak = live;
	}
	for (int i = 0; i < SLOTS; i++)
		free(block[i]);
	printf("glibc-malloc: %d rounds, peak %zu KiB live: ok\n", ROUNDS, peak / 1024);
	return 0;
}
