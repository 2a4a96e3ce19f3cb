/*
 * free - memory in KiB: total, used and free, from /proc/meminfo's
 * MemTotal and MemFree.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	long total = -1, freemem = -1;
	char line[128];
	FILE *f;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: free\n");
		return 1;
	}
	if ((f = fopen("/proc/meminfo", "r")) == NULL) {
		fprintf(stderr, "free: /proc/meminfo: %s\n", strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "MemTotal: %ld", &total);
		sscanf(line, "MemFree: %ld", &freemem);
	}
	fclose(f);
	if (total < 0 || freemem < 0) {
		fprintf(stderr, "free: /proc/meminfo: no MemTotal or MemFree line\n");
		return 1;
	}
	printf("%-5s %12s %12s %12s\n", "KiB", "total", "used", "free");
	printf("%-5s %12ld %12ld %12ld\n", "Mem:", total, total - freemem, freemem);
	return 0;
}
