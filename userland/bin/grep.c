/*
 * grep [-vcnilqF] pattern [file...] - print the lines that match.
 *
 * Patterns are a subset of basic regular expressions: a character matches
 * itself; "." any character; "[abc]", "[a-z]", "[^0-9]" one of a set (or
 * not); "*" any number of what precedes it; "^" at the start and "$" at
 * the end anchor; "\" makes the next character plain.  -F takes the
 * pattern as a plain string.
 *
 *   -v  the lines that do not match     -c  only a count per file
 *   -n  line numbers                     -i  ignore case
 *   -l  only the names of files that match   -q  nothing, only the status
 *
 * Exit status: 0 a line was selected, 1 none was, 2 an error.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum atom_kind { ATOM_CHAR, ATOM_ANY, ATOM_SET };

struct atom {
	unsigned char kind, c, star;
	unsigned char set[32]; /* ATOM_SET: bit c for each byte c in it */
};

static struct atom *atoms;
static int natoms, anchor_start, anchor_end;
static int invert, count_only, numbers, nocase, list_only, quiet;

static void set_add(struct atom *a, unsigned c)
{
	a->set[c / 8] |= 1u << (c % 8);
}

/* "[...]" starting at p (just past the "["); returns past the "]" or NULL. */
static const char *compile_set(const char *p, struct atom *a)
{
	int negate = *p == '^';

	p += negate;
	a->kind = ATOM_SET;
	memset(a->set, 0, sizeof(a->set));
	/* A "]" first in the set is a member, not its end. */
	for (const char *first = p; *p && (*p != ']' || p == first); p++) {
		unsigned lo = (unsigned char)*p, hi = lo;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			hi = (unsigned char)p[2];
			p += 2;
		}
		for (unsigned c = lo; c <= hi; c++) {
			set_add(a, c);
			if (nocase) {
				set_add(a, (unsigned)tolower((int)c));
				set_add(a, (unsigned)toupper((int)c));
			}
		}
	}
	if (*p != ']')
		return NULL;
	if (negate)
		for (int i = 0; i < 32; i++)
			a->set[i] = (unsigned char)~a->set[i];
	return p + 1;
}

/* The pattern as a list of atoms; -1 if it is malformed. */
static int compile(const char *p, int fixed)
{
	atoms = calloc(strlen(p) + 1, sizeof(*atoms));
	if (!atoms)
		return -1;
	if (!fixed && *p == '^') {
		anchor_start = 1;
		p++;
	}
	while (*p) {
		struct atom *a = &atoms[natoms];
		if (fixed) {
			a->c = (unsigned char)*p++;
		} else if (*p == '$' && p[1] == '\0') {
			anchor_end = 1;
			break;
		} else if (*p == '.') {
			a->kind = ATOM_ANY;
			p++;
		} else if (*p == '[') {
			if ((p = compile_set(p + 1, a)) == NULL)
				return -1;
		} else if (*p == '\\') {
			if (p[1] == '\0')
				return -1;
			a->c = (unsigned char)p[1];
			p += 2;
		} else {
			a->c = (unsigned char)*p++; /* "*" first is plain too */
		}
		if (a->kind == ATOM_CHAR && nocase)
			a->c = (unsigned char)tolower(a->c);
		natoms++;
		if (!fixed && *p == '*') {
			a->star = 1;
			while (*p == '*')
				p++;
		}
	}
	return 0;
}

static int atom_matches(const struct atom *a, unsigned char c)
{
	switch (a->kind) {
	case ATOM_ANY:
		return 1;
	case ATOM_SET:
		return a->set[c / 8] >> (c % 8) & 1;
	default:
		return a->c == (nocase ? tolower(c) : c);
	}
}

/* Do atoms[i..] match at s?  A starred atom takes as much as it can, then backs off. */
static int match_here(int i, const unsigned char *s)
{
	for (; i < natoms; i++, s++) {
		if (atoms[i].star) {
			const unsigned char *t = s;
			while (*t && atom_matches(&atoms[i], *t))
				t++;
			do {
				if (match_here(i + 1, t))
					return 1;
			} while (t-- > s);
			return 0;
		}
		if (!*s || !atom_matches(&atoms[i], *s))
			return 0;
	}
	return !anchor_end || !*s;
}

static int matches(const char *line)
{
	const unsigned char *s = (const unsigned char *)line;

	if (anchor_start)
		return match_here(0, s);
	do {
		if (match_here(0, s))
			return 1;
	} while (*s++);
	return 0;
}

/* A file read a buffer at a time. */
struct input {
	int fd, pos, len;
	char buf[4096];
};

/*
 * The next line, without its newline, in *line (grown as needed): its
 * length; -1 at the end; -2 on an error (errno set).
 */
static long read_line(struct input *in, char **line, size_t *cap)
{
	size_t n = 0;

	for (;;) {
		if (in->pos == in->len) {
			ssize_t got = read(in->fd, in->buf, sizeof(in->buf));
			if (got < 0)
				return -2;
			if (got == 0 && n == 0)
				return -1;
			if (got == 0)
				break; /* a last line without a newline */
			in->pos = 0;
			in->len = (int)got;
		}
		if (n + 1 >= *cap) {
			size_t bigger = *cap ? *cap * 2 : 256;
			char *p = realloc(*line, bigger);
			if (!p)
				return -2;
			*line = p;
			*cap = bigger;
		}
		char c = in->buf[in->pos++];
		if (c == '\n')
			break;
		(*line)[n++] = c;
	}
	(*line)[n] = '\0';
	return (long)n;
}

/* Search one file; the number of lines selected, or -1 on an error. */
static long grep(int fd, const char *name, int show_name)
{
	static struct input in;
	static char *line;
	static size_t cap;
	long r, lineno = 0, selected = 0;

	in.fd = fd;
	in.pos = in.len = 0;
	while ((r = read_line(&in, &line, &cap)) >= 0) {
		lineno++;
		if (matches(line) == invert)
			continue;
		selected++;
		if (quiet)
			return selected; /* the answer is known */
		if (list_only) {
			puts(name);
			return selected;
		}
		if (count_only)
			continue;
		if (show_name)
			printf("%s:", name);
		if (numbers)
			printf("%ld:", lineno);
		puts(line);
	}
	if (r == -2)
		return -1;
	if (count_only) {
		if (show_name)
			printf("%s:", name);
		printf("%ld\n", selected);
	}
	return selected;
}

int main(int argc, char **argv)
{
	int c, fixed = 0, status = 1;

	opterr = 0;
	while ((c = getopt(argc, argv, "vcnilqF")) != -1) {
		switch (c) {
		case 'v':
			invert = 1;
			break;
		case 'c':
			count_only = 1;
			break;
		case 'n':
			numbers = 1;
			break;
		case 'i':
			nocase = 1;
			break;
		case 'l':
			list_only = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'F':
			fixed = 1;
			break;
		default:
			goto usage;
		}
	}
	if (optind == argc)
		goto usage;
	if (compile(argv[optind++], fixed) < 0) {
		fprintf(stderr, "grep: %s: bad pattern\n", argv[optind - 1]);
		return 2;
	}
	if (optind == argc)
		return grep(0, "(standard input)", 0) > 0 ? 0 : 1;
	int show_name = argc - optind > 1;
	int errors = 0;
	for (int i = optind; i < argc; i++) {
		int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);
		long n = fd < 0 ? -1 : grep(fd, argv[i], show_name);
		if (n < 0) {
			fprintf(stderr, "grep: %s: %s\n", argv[i], strerror(errno));
			errors = 1;
		}
		if (n > 0)
			status = 0;
		if (fd > 0)
			close(fd);
		if (n > 0 && quiet)
			return 0;
	}
	return errors ? 2 : status;
usage:
	fprintf(stderr, "usage: grep [-vcnilqF] pattern [file...]\n");
	return 2;
}
