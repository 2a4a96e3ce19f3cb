/*
 * df - for each mount in /proc/mounts: its size, used and available space
 * in KiB from statfs(2), and how full it is.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "syscall.h"

static void print_row(const char *source, const char *dir, const struct statfs *s)
{
	/* f_frsize is the unit of the block counts; old file systems leave it 0. */
	unsigned long unit = s->f_frsize ? (unsigned long)s->f_frsize : (unsigned long)s->f_bsize;
	unsigned long total = s->f_blocks * unit / 1024;
	unsigned long used = (s->f_blocks - s->f_bfree) * unit / 1024;
	unsigned long avail = s->f_bavail * unit / 1024;
	char pct[8] = "-";

	/* As df does: used over what a user could have, rounded up. */
	if (used + avail > 0)
		snprintf(pct, sizeof(pct), "%lu%%",
			 (used * 100 + used + avail - 1) / (used + avail));
	printf("%-15s %10lu %10lu %10lu %4s %s\n", source, total, used, avail, pct, dir);
}

int main(int argc, char **argv)
{
	char line[512], source[128], dir[256];
	struct statfs s;
	int status = 0;
	FILE *f;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: df\n");
		return 1;
	}
	if ((f = fopen("/proc/mounts", "r")) == NULL) {
		fprintf(stderr, "df: /proc/mounts: %s\n", strerror(errno));
		return 1;
	}
	printf("%-15s %10s %10s %10s %4s %s\n", "Filesystem", "1K-blocks", "Used", "Available",
	       "Use%", "Mounted on");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %255s", source, dir) != 2)
			continue;
		if (statfs(dir, &s) < 0) {
			fprintf(stderr, "df: %s: %s\n", dir, strerror(errno));
			status = 1;
			continue;
		}
		print_row(source, dir, &s);
	}
	fclose(f);
	return status;
}
