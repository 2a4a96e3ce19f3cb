/*
 * util.c - memory for the shell: an arena for everything one command line
 * needs, malloc that never returns NULL, growable strings; error messages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

/*
 * The arena is a list of blocks; each allocation takes the next bytes of
 * the newest block, or a new block.  Big requests get a block of their own.
 */
#define ARENA_BLOCK 4096

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	_Alignas(16) char data[];
};

static struct arena_block *arena;

void *arena_alloc(size_t size)
{
	size = (size + 15) & ~(size_t)15;
	if (!arena || arena->size - arena->used < size) {
		size_t bsize = size > ARENA_BLOCK ? size : ARENA_BLOCK;
		struct arena_block *b = xmalloc(sizeof(*b) + bsize);

		b->next = arena;
		b->used = 0;
		b->size = bsize;
		arena = b;
	}
	void *p = arena->data + arena->used;
	arena->used += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(const char *s, size_t n)
{
	char *p = arena_alloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(const char *s)
{
	return arena_strndup(s, strlen(s));
}

void arena_free_all(void)
{
	while (arena) {
		struct arena_block *next = arena->next;
		free(arena);
		arena = next;
	}
}

void arena_push(char ***v, int *n, char *s)
{
	/* The array holds the smallest power of two >= *n + 1 entries. */
	int cap = 1;

	while (cap < *n + 1)
		cap *= 2;
	if (*n + 2 > cap) {
		char **grown = arena_alloc(sizeof(char *) * (size_t)cap * 2);
		if (*n)
			memcpy(grown, *v, sizeof(char *) * (size_t)*n);
		*v = grown;
	}
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

void *xmalloc(size_t size)
{
	return xrealloc(NULL, size);
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p) {
		sh_error("out of memory");
		_exit(2);
	}
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

void sb_addc(struct strbuf *sb, char c)
{
	if (sb->len + 2 > sb->cap) {
		sb->cap = sb->cap ? sb->cap * 2 : 32;
		sb->s = xrealloc(sb->s, sb->cap);
	}
	sb->s[sb->len++] = c;
	sb->s[sb->len] = '\0';
}

char *sb_take(struct strbuf *sb)
{
	char *s = arena_strndup(sb->s ? sb->s : "", sb->len);

	sb->len = 0;
	if (sb->s)
		sb->s[0] = '\0';
	return s;
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

void sh_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	/* One write, so the line is not interleaved with a child's output. */
	fflush(stdout);
	memcpy(msg, "sh: ", 4);
	va_start(ap, fmt);
	n = vsnprintf(msg + 4, sizeof(msg) - 5, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	n += 4;
	if (n > (int)sizeof(msg) - 1)
		n = sizeof(msg) - 1;
	msg[n++] = '\n';
	if (write(2, msg, (size_t)n) < 0) {
		/* Nowhere left to complain to. */
	}
}
