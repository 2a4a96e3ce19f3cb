/*
 * glibc-hello: a static program linked with Debian's glibc for riscv64,
 * built without any Sluice code: it checks that the kernel runs an
 * ordinary Linux binary (glibc's start-up reads the auxiliary vector, sets
 * up TLS with its own code, calls brk and more).  Exits with status 3 so a
 * test can tell its exit from a crash.
 */
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct utsname u;

	printf("glibc-hello: hello from glibc, pid %d, argv[0] %s, %d argument%s\n", (int)getpid(),
	       argv[0], argc - 1, argc == 2 ? "" : "s");
	if (uname(&u) == 0)
		printf("glibc-hello: running on %s %s (%s)\n", u.sysname, u.release, u.machine);
	return 3;
}
