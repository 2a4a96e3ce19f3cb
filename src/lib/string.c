/*
 * The C library's memory and string functions, for the kernel.  The compiler
 * also calls memset/memcpy itself for struct copies and initialisers.
 * Simple loops: word-at-a-time versions can come when a profile asks.
 */
#include <sluice/string.h>

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	/*
	 * Whole words when aligned, eight at a time: zeroing pages (page
	 * tables, demand-zero faults) is on hot paths, and one store per
	 * loop trip would spend two thirds of the instructions on the loop.
	 */
	if (IS_ALIGNED((uintptr_t)p, 8)) {
		uint64_t w = (unsigned char)c * 0x0101010101010101ull;
		uint64_t *q = (uint64_t *)p;
		for (; n >= 64; n -= 64, q += 8) {
			q[0] = w, q[1] = w, q[2] = w, q[3] = w;
			q[4] = w, q[5] = w, q[6] = w, q[7] = w;
		}
		for (; n >= 8; n -= 8, q++)
			*q = w;
		p = (unsigned char *)q;
	}
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (IS_ALIGNED((uintptr_t)d | (uintptr_t)s, 8)) {
		uint64_t *dq = (uint64_t *)d;
		const uint64_t *sq = (const uint64_t *)s;
		/* Eight words a trip: copy-on-write copies whole pages. */
		for (; n >= 64; n -= 64, dq += 8, sq += 8) {
			uint64_t a = sq[0], b = sq[1], c = sq[2], e = sq[3];
			uint64_t f = sq[4], g = sq[5], h = sq[6], i = sq[7];
			dq[0] = a, dq[1] = b, dq[2] = c, dq[3] = e;
			dq[4] = f, dq[5] = g, dq[6] = h, dq[7] = i;
		}
		for (; n >= 8; n -= 8, dq++, sq++)
			*dq = *sq;
		d = (unsigned char *)dq;
		s = (const unsigned char *)sq;
	} else if (IS_ALIGNED((uintptr_t)d | (uintptr_t)s, 4)) {
		/* cpio members are 4-aligned: unpacking the initramfs goes here. */
		uint32_t *dw = (uint32_t *)d;
		const uint32_t *sw = (const uint32_t *)s;
		for (; n >= 32; n -= 32, dw += 8, sw += 8) {
			uint32_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
			uint32_t f = sw[4], g = sw[5], h = sw[6], i = sw[7];
			dw[0] = a, dw[1] = b, dw[2] = c, dw[3] = e;
			dw[4] = f, dw[5] = g, dw[6] = h, dw[7] = i;
		}
		d = (unsigned char *)dw;
		s = (const unsigned char *)sw;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (!strncmp(haystack, needle, n))
			return (char *)haystack;
	return n ? NULL : (char *)haystack;
}

void strncpy_safe(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}
