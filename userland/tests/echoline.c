/*
 * echoline IRQ: wait for one line on the console and say what came, and how
 * many interrupts PLIC source IRQ (the console UART's) has delivered, summed
 * over the harts (Sluice's syscall 1001).  The QEMU test types the line
 * after the program has gone to sleep waiting for it: the UART's interrupt
 * must wake it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syscall.h"

int main(int argc, char **argv)
{
	char line[128];
	long irq = argc > 1 ? strtol(argv[1], NULL, 0) : 10;
	long before = sluice_irq_total(irq), n;

	printf("echoline: waiting for a line (source %ld: %ld interrupts so far)\n", irq, before);
	/* A read returns what has arrived: gather up to the newline. */
	n = 0;
	while (n == 0 || line[n - 1] != '\n') {
		long r = read(0, line + n, sizeof(line) - 1 - (size_t)n);
		if (r <= 0) {
			printf("echoline: read failed (%ld)\n", r);
			return 1;
		}
		n += r;
		if ((size_t)n == sizeof(line) - 1)
			break;
	}
	line[n] = '\0';
	if (line[n - 1] == '\n')
		line[n - 1] = '\0';
	printf("echoline: got '%s'\n", line);
	printf("echoline: source %ld delivered %ld interrupts while it waited\n", irq,
	       sluice_irq_total(irq) - before);
	return 0;
}
