/*
 * tight: a program linked with a 16-byte "page size", so that its data
 * segment starts in the same 4 KiB page as its text ends: the layout of
 * tightly linked binaries, which Linux loads and so must Sluice.  No C
 * library: _start writes a line and exits 0 if its data was loaded and is
 * writable (usertests' exec_shared_page runs it).
 */
static volatile long counter = 41; /* .data, in the shared page */
static const char msg[] = "  tight: text and data share a page: ok\n";

static long sys(long n, long a0, long a1, long a2)
{
	register long a7 __asm__("a7") = n;
	register long x0 __asm__("a0") = a0;
	register long x1 __asm__("a1") = a1;
	register long x2 __asm__("a2") = a2;

	__asm__ volatile("ecall" : "+r"(x0) : "r"(x1), "r"(x2), "r"(a7) : "memory");
	return x0;
}

void _start(void)
{
	counter++;
	if (counter == 42)
		sys(64, 1, (long)msg, sizeof(msg) - 1); /* write */
	sys(93, counter == 42 ? 0 : 1, 0, 0);		/* exit */
	for (;;)
		;
}
