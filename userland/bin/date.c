/*
 * date [+FORMAT] - print the time of day in UTC (there are no time zones
 * here), by default as "Mon Nov 23 20:01:00 UTC 2026"; +FORMAT is
 * strftime's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "syscall.h"

int main(int argc, char **argv)
{
	const char *fmt = "%a %b %e %H:%M:%S UTC %Y";
	struct timespec ts;
	struct tm tm;
	char out[256];

	if (argc > 2 || (argc == 2 && argv[1][0] != '+')) {
		fprintf(stderr, "usage: date [+FORMAT]\n");
		return 1;
	}
	if (argc == 2)
		fmt = argv[1] + 1;
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0) {
		fprintf(stderr, "date: clock_gettime: %s\n", strerror(errno));
		return 1;
	}
	gmtime_r(&ts.tv_sec, &tm);
	/* strftime returns 0 for an empty result as for one too long. */
	if (strftime(out, sizeof(out), fmt, &tm) == 0 && *fmt) {
		fprintf(stderr, "date: format too long\n");
		return 1;
	}
	puts(out);
	return 0;
}
