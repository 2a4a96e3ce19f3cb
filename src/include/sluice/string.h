/* The C string and memory functions the kernel provides (src/lib/string.c). */
#ifndef SLUICE_STRING_H
#define SLUICE_STRING_H

#include <sluice/types.h>

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);

/* Copy at most size-1 characters and always terminate (size > 0). */
void strncpy_safe(char *dst, const char *src, size_t size);

/* The value of a hexadecimal digit (either case), or -1 if c is none. */
static inline int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
