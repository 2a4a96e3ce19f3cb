/*
 * kill [-SIGNAL | -s SIGNAL] pid...   send a signal (TERM if none named)
 * kill -l                             list the signals
 *
 * SIGNAL is a name (KILL, SIGKILL, kill) or a number as Linux numbers
 * signals (9, 15, 10 for USR1), whatever picolibc calls them inside.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "syscall.h"

static const struct {
	const char *name;
	int sig; /* picolibc's number */
} signals[] = {
	{"HUP", SIGHUP},       {"INT", SIGINT},	  {"QUIT", SIGQUIT},   {"ILL", SIGILL},
	{"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"BUS", SIGBUS},     {"FPE", SIGFPE},
	{"KILL", SIGKILL},     {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},
	{"PIPE", SIGPIPE},     {"ALRM", SIGALRM}, {"TERM", SIGTERM},   {"CHLD", SIGCHLD},
	{"CONT", SIGCONT},     {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},
	{"TTOU", SIGTTOU},     {"URG", SIGURG},	  {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},
	{"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
	{"SYS", SIGSYS},
};
#define NSIGNALS (sizeof(signals) / sizeof(signals[0]))

/* A signal name or Linux number as picolibc's number; -1 if unknown. */
static int parse_signal(const char *s)
{
	if (isdigit((unsigned char)*s)) {
		char *end;
		long n = strtol(s, &end, 10);
		if (*end || n < 0 || n > LINUX_NSIG)
			return -1;
		if (n == 0)
			return 0; /* kill -0: does the process exist? */
		int sig = signal_from_linux((int)n);
		return sig ? sig : -1;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < NSIGNALS; i++)
		if (strcasecmp(s, signals[i].name) == 0)
			return signals[i].sig;
	return -1;
}

static void list(void)
{
	for (int lsig = 1; lsig <= LINUX_NSIG; lsig++) {
		int sig = signal_from_linux(lsig);
		for (size_t i = 0; sig && i < NSIGNALS; i++)
			if (signals[i].sig == sig)
				printf("%2d) SIG%s\n", lsig, signals[i].name);
	}
}

int main(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;

	if (argc == 2 && strcmp(argv[1], "-l") == 0) {
		list();
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		sig = parse_signal(argv[2]);
		i = 3;
	} else if (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0') {
		sig = parse_signal(argv[1] + 1);
		i = 2;
	}
	if (sig < 0) {
		fprintf(stderr, "kill: %s: unknown signal (kill -l lists them)\n", argv[i - 1]);
		return 1;
	}
	if (i == argc) {
		fprintf(stderr, "usage: kill [-SIGNAL | -s SIGNAL] pid...\n       kill -l\n");
		return 1;
	}
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);
		if (*end || end == argv[i]) {
			fprintf(stderr, "kill: %s: not a process id\n", argv[i]);
			status = 1;
		} else if (kill((pid_t)pid, sig) < 0) {
			fprintf(stderr, "kill: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}
