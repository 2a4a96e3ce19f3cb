/*
 * ps - list every process: PID, PPID, STAT (R running, S sleeping, Z
 * zombie) and NAME, from /proc/<pid>/status, in pid order.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct proc {
	long pid, ppid;
	char state;
	char name[32];
};

/* Fill p from /proc/<pid>/status; -1 if it cannot be read (the process may be gone). */
static int read_status(const char *pid, struct proc *p)
{
	char path[300], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	p->state = '?';
	strcpy(p->name, "?");
	p->pid = strtol(pid, NULL, 10);
	p->ppid = 0;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');
		if (!v)
			continue;
		*v++ = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		v[strcspn(v, "\n")] = '\0';
		if (strcmp(line, "Name") == 0)
			snprintf(p->name, sizeof(p->name), "%s", v);
		else if (strcmp(line, "State") == 0)
			p->state = *v;
		else if (strcmp(line, "PPid") == 0)
			p->ppid = strtol(v, NULL, 10);
	}
	fclose(f);
	return 0;
}

static int by_pid(const void *a, const void *b)
{
	long x = ((const struct proc *)a)->pid, y = ((const struct proc *)b)->pid;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct proc *procs = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: ps\n");
		return 1;
	}
	if ((d = opendir("/proc")) == NULL) {
		fprintf(stderr, "ps: /proc: %s\n", strerror(errno));
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct proc *bigger = realloc(procs, cap * sizeof(*procs));
			if (!bigger)
				break;
			procs = bigger;
		}
		if (read_status(e->d_name, &procs[n]) == 0)
			n++;
	}
	closedir(d);
	qsort(procs, n, sizeof(*procs), by_pid);
	printf("  PID  PPID STAT NAME\n");
	for (size_t i = 0; i < n; i++)
		printf("%5ld %5ld %-4c %s\n", procs[i].pid, procs[i].ppid, procs[i].state,
		       procs[i].name);
	free(procs);
	return 0;
}
