/*
 * uname [-asnrvm] - print what the kernel says about itself.  No option
 * is -s; -a is all five fields in the order of the options.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "syscall.h"

enum { F_SYS = 1, F_NODE = 2, F_REL = 4, F_VER = 8, F_MACH = 16, F_ALL = 31 };

int main(int argc, char **argv)
{
	struct utsname u;
	int c, fields = 0, first = 1;

	opterr = 0;
	while ((c = getopt(argc, argv, "asnrvm")) != -1) {
		switch (c) {
		case 'a':
			fields |= F_ALL;
			break;
		case 's':
			fields |= F_SYS;
			break;
		case 'n':
			fields |= F_NODE;
			break;
		case 'r':
			fields |= F_REL;
			break;
		case 'v':
			fields |= F_VER;
			break;
		case 'm':
			fields |= F_MACH;
			break;
		default:
			fprintf(stderr, "usage: uname [-asnrvm]\n");
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "usage: uname [-asnrvm]\n");
		return 1;
	}
	if (uname(&u) < 0) {
		fprintf(stderr, "uname: %s\n", strerror(errno));
		return 1;
	}
	if (!fields)
		fields = F_SYS;
	const char *val[] = {u.sysname, u.nodename, u.release, u.version, u.machine};
	for (int i = 0; i < 5; i++) {
		if (!(fields & (1 << i)))
			continue;
		printf("%s%s", first ? "" : " ", val[i]);
		first = 0;
	}
	putchar('\n');
	return 0;
}
