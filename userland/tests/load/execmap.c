/*
 * execmap: what exec's mapping of a program's file must keep true
 * (t_exec.c exec_bss_tail, exec_private_data; docs/exec.md).
 *
 * 1. The bss that starts inside the page where the data segment's file
 *    bytes end reads as zero there, though the file goes on with other
 *    bytes (its section and symbol tables), which a mapping of the file's
 *    page would show.  No C library start-up clears the bss first here.
 * 2. .data starts with its value from the file, and a store to it reaches
 *    neither the file nor another process running the program.
 *
 * Linked with --no-relax: nothing here sets gp for relaxed accesses.
 * "execmap hold" then says "ready" and waits for its stdin to close, so
 * that a second run (t_exec.c) can look at .data meanwhile.  Prints
 * "execmap: ok" and exits 0, or says what was wrong and exits 1; exits 2
 * if the test could not be made (the file has zeros after the data).
 */
#include "mini.h"

#define NR_openat  56
#define NR_close   57
#define NR_read	   63
#define NR_pread64 67
#define AT_FDCWD   (-100)
#define PT_LOAD	   1
#define PF_W	   2
#define PAGE	   4096ul

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

HIDDEN volatile uint64_t data_word = 0x5eed5eed12345678ull;
HIDDEN volatile uint8_t bss[3 * PAGE];

static long sys4(long n, long a, long b, long c, long d)
{
	register long a0 __asm__("a0") = a, a1 __asm__("a1") = b, a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d, a7 __asm__("a7") = n;

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a7) : "memory");
	return a0;
}

static void fail(const char *why)
{
	mini_puts("execmap: ");
	mini_puts(why);
	mini_puts("\n");
	mini_exit(1);
}

/* The writable PT_LOAD, from the headers the first segment maps. */
static const struct phdr *data_segment(void)
{
	const uint8_t *eh = (const uint8_t *)__ehdr_start;
	uint64_t phoff = *(const uint64_t *)(eh + 32);
	uint16_t phnum = *(const uint16_t *)(eh + 56);
	const struct phdr *ph = (const struct phdr *)(eh + phoff);

	for (int i = 0; i < phnum; i++)
		if (ph[i].type == PT_LOAD && (ph[i].flags & PF_W))
			return &ph[i];
	fail("no writable segment");
	return 0;
}

/* Part 1: the rest of the page after the file's bytes: zero in memory,
 * not all zero in the file (else exit 2: nothing was shown). */
static void check_tail(const struct phdr *d, long fd)
{
	uint64_t end = d->vaddr + d->filesz, stop = (end + PAGE - 1) & ~(PAGE - 1);
	uint8_t file[PAGE]; /* on the stack: the bss is what is looked at */
	int nonzero = 0;

	if (d->memsz <= d->filesz || end == stop)
		mini_exit(2); /* no bss in the last file page: nothing to see */
	if (stop > d->vaddr + d->memsz)
		stop = d->vaddr + d->memsz;
	for (uint64_t a = end; a < stop; a++)
		if (*(volatile uint8_t *)a)
			fail("bss after the file's bytes is not zero");
	long n =
		sys4(NR_pread64, fd, (long)file, (long)(stop - end), (long)(d->offset + d->filesz));
	for (long i = 0; i < n; i++)
		nonzero |= file[i];
	if (!nonzero)
		mini_exit(2);
}

/* Part 2: .data as the file has it; a store stays in this process. */
static void check_data(const struct phdr *d, long fd)
{
	uint64_t seen = 0, off = d->offset + ((uint64_t)&data_word - d->vaddr);

	if (data_word != 0x5eed5eed12345678ull)
		fail(".data is not the file's (another run's store showed)");
	data_word = 0xbad0bad0bad0bad0ull;
	bss[PAGE] = 1;
	if (sys4(NR_pread64, fd, (long)&seen, 8, (long)off) != 8 || seen != 0x5eed5eed12345678ull)
		fail("a store to .data reached the file");
}

MINI_START(execmap_main);

HIDDEN uint64_t execmap_main(const uint64_t *sp)
{
	const struct phdr *d = data_segment();
	long fd = sys4(NR_openat, AT_FDCWD, (long)"/proc/self/exe", 0, 0);
	const char *const *argv = (const char *const *)(sp + 1);
	char c;

	if (fd < 0)
		fail("cannot open /proc/self/exe");
	check_tail(d, fd);
	check_data(d, fd);
	sys4(NR_close, fd, 0, 0, 0);
	if (sp[0] > 1 && argv[1][0] == 'h') { /* "hold" */
		mini_puts("ready\n");
		while (sys4(NR_read, 0, (long)&c, 1, 0) > 0)
			;
		if (data_word != 0xbad0bad0bad0bad0ull)
			fail("this run's own store was lost");
	}
	mini_puts("execmap: ok\n");
	mini_exit(0);
	return 0;
}
