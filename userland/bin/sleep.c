/*
 * sleep SECONDS - pause for SECONDS, which may have a fraction ("0.25").
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "syscall.h"

/* "12.345" as a timespec, by hand: no floating point for a sleep. */
static int parse_seconds(const char *s, struct timespec *ts)
{
	long sec = 0, nsec = 0, scale = 100000000;

	if (!isdigit((unsigned char)*s) && !(*s == '.' && isdigit((unsigned char)s[1])))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		if (sec > 100000000)
			return -1; /* over three years: a typo */
		sec = sec * 10 + (*s - '0');
	}
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++, scale /= 10)
			nsec += (*s - '0') * scale;
	if (*s != '\0')
		return -1;
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
	return 0;
}

int main(int argc, char **argv)
{
	struct timespec ts, rem;

	if (argc != 2 || parse_seconds(argv[1], &ts) < 0) {
		fprintf(stderr, "usage: sleep SECONDS\n");
		return 1;
	}
	/* A signal that is caught does not cut the sleep short. */
	while (nanosleep(&ts, &rem) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "sleep: %s\n", strerror(errno));
			return 1;
		}
		ts = rem;
	}
	return 0;
}
