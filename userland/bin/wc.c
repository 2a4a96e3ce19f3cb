/*
 * wc [-lwc] [file...] - count lines (newlines), words (runs of non-space)
 * and bytes; no option is all three.  With several files, a total line.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { LINES = 1, WORDS = 2, BYTES = 4 };

struct counts {
	long lines, words, bytes;
};

static int count(int fd, struct counts *c)
{
	static unsigned char buf[8192];
	int in_word = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		c->bytes += n;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n')
				c->lines++;
			if (isspace(buf[i])) {
				in_word = 0;
			} else if (!in_word) {
				in_word = 1;
				c->words++;
			}
		}
	}
	return n < 0 ? -1 : 0;
}

static void print(const struct counts *c, int what, const char *name)
{
	const char *sep = "";

	if (what & LINES) {
		printf("%7ld", c->lines);
		sep = " ";
	}
	if (what & WORDS) {
		printf("%s%7ld", sep, c->words);
		sep = " ";
	}
	if (what & BYTES)
		printf("%s%7ld", sep, c->bytes);
	if (name)
		printf(" %s", name);
	putchar('\n');
}

int main(int argc, char **argv)
{
	struct counts total = {0};
	int c, what = 0, status = 0;

	opterr = 0;
	while ((c = getopt(argc, argv, "lwc")) != -1) {
		switch (c) {
		case 'l':
			what |= LINES;
			break;
		case 'w':
			what |= WORDS;
			break;
		case 'c':
			what |= BYTES;
			break;
		default:
			fprintf(stderr, "usage: wc [-lwc] [file...]\n");
			return 1;
		}
	}
	if (!what)
		what = LINES | WORDS | BYTES;
	if (optind == argc) {
		struct counts one = {0};
		if (count(0, &one) < 0) {
			fprintf(stderr, "wc: standard input: %s\n", strerror(errno));
			return 1;
		}
		print(&one, what, NULL);
		return 0;
	}
	for (int i = optind; i < argc; i++) {
		struct counts one = {0};
		int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);
		if (fd < 0 || count(fd, &one) < 0) {
			fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		} else {
			print(&one, what, argv[i]);
		}
		if (fd > 0)
			close(fd);
		total.lines += one.lines;
		total.words += one.words;
		total.bytes += one.bytes;
	}
	if (argc - optind > 1)
		print(&total, what, "total");
	return status;
}
