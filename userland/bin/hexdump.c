/*
 * hexdump [-C] [file...] - the files (or standard input) as one stream, in
 * hexdump -C's canonical form: offset, 16 bytes in hex, the same as text.
 * A run of lines equal to the one before is shown as one "*"; the last
 * line is the total length.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static unsigned char line[16], prev[16];
static unsigned long offset;
static size_t fill;
static int have_prev, squeezing;

static void print_line(void)
{
	if (have_prev && fill == 16 && memcmp(line, prev, 16) == 0) {
		if (!squeezing)
			puts("*");
		squeezing = 1;
		return;
	}
	squeezing = 0;
	printf("%08lx ", offset);
	for (size_t i = 0; i < 16; i++) {
		if (i % 8 == 0)
			putchar(' ');
		if (i < fill)
			printf("%02x ", line[i]);
		else
			fputs("   ", stdout);
	}
	fputs(" |", stdout);
	for (size_t i = 0; i < fill; i++)
		putchar(line[i] >= 0x20 && line[i] < 0x7f ? line[i] : '.');
	puts("|");
	memcpy(prev, line, 16);
	have_prev = 1;
}

static int dump(int fd)
{
	unsigned char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			line[fill++] = buf[i];
			if (fill == 16) {
				print_line();
				offset += 16;
				fill = 0;
			}
		}
	}
	return n < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	int i = 1, status = 0;

	if (i < argc && strcmp(argv[i], "-C") == 0)
		i++;
	if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
		fprintf(stderr, "usage: hexdump [-C] [file...]\n");
		return 1;
	}
	if (i == argc && dump(0) < 0) {
		fprintf(stderr, "hexdump: standard input: %s\n", strerror(errno));
		status = 1;
	}
	for (; i < argc; i++) {
		int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);
		if (fd < 0 || dump(fd) < 0) {
			fprintf(stderr, "hexdump: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
		if (fd > 0)
			close(fd);
	}
	if (fill > 0)
		print_line();
	offset += fill;
	if (offset > 0)
		printf("%08lx\n", offset);
	return status;
}
