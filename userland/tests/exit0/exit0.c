/*
 * exit0: the smallest program that runs: _start exits with status 0.  No C
 * library, one page of text.  The stress tests exec it (thousands of
 * arguments, damaged copies of it) where busybox's 1.6 MB /bin/true would
 * be slow to copy and would read argv[0] as an applet's name.
 */
void _start(void)
{
	register long a7 __asm__("a7") = 93; /* exit */
	register long a0 __asm__("a0") = 0;

	__asm__ volatile("ecall" : : "r"(a0), "r"(a7));
	for (;;)
		;
}
