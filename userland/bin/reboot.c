/*
 * reboot - write the disks out and restart the machine.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "syscall.h"

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: reboot\n");
		return 1;
	}
	sync();
	reboot(LINUX_REBOOT_CMD_RESTART);
	fprintf(stderr, "reboot: %s\n", strerror(errno));
	return 1;
}
