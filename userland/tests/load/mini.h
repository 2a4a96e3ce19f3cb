/*
 * mini.h - what the loader's test programs share: system calls and output
 * with no C library, and only PC-relative references, so that a
 * position-independent build runs wherever exec put it without relocating
 * itself (these programs check the loader, so they must not need one).
 */
#ifndef LOAD_MINI_H
#define LOAD_MINI_H

#include <stdint.h>

#define NR_write 64
#define NR_exit	 93

/* Auxiliary vector keys (Linux's elf.h). */
#define AT_NULL	       0
#define AT_PHDR	       3
#define AT_PHENT       4
#define AT_PHNUM       5
#define AT_PAGESZ      6
#define AT_BASE	       7
#define AT_ENTRY       9
#define AT_RANDOM      25
#define AT_EXECFN      31
#define AT_MINSIGSTKSZ 51

#define HIDDEN __attribute__((visibility("hidden")))

/* The ELF header, where the linker put the first loaded byte (ld defines it). */
extern const char __ehdr_start[] HIDDEN;

static inline long mini_syscall3(long n, long a, long b, long c)
{
	register long a0 __asm__("a0") = a, a1 __asm__("a1") = b, a2 __asm__("a2") = c;
	register long a7 __asm__("a7") = n;

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
	return a0;
}

static inline void mini_exit(int code)
{
	mini_syscall3(NR_exit, code, 0, 0);
	for (;;)
		;
}

static inline void mini_puts(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	mini_syscall3(NR_write, 1, (long)s, n);
}

static inline void mini_putx(uint64_t v)
{
	char buf[19];
	int i = 18;

	buf[i] = 0;
	do {
		buf[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	mini_puts(buf + i);
}

/* The auxiliary vector of the initial stack sp (argc, argv, envp, auxv). */
static inline const uint64_t *mini_auxv(const uint64_t *sp)
{
	const uint64_t *p = sp + 1 + sp[0] + 1;

	while (*p)
		p++;
	return p + 1;
}

/* The value of key in auxv, or ~0 if it is not there. */
static inline uint64_t mini_getauxval(const uint64_t *auxv, uint64_t key)
{
	for (; auxv[0] != AT_NULL; auxv += 2)
		if (auxv[0] == key)
			return auxv[1];
	return ~0ull;
}

/* _start: pass the initial sp to name(sp); jump to what it returns, with
 * sp as it was and a0 = 0 (no finalizer, as the kernel starts a program). */
#define MINI_START(name)                                                                           \
	__asm__(".globl _start\n_start:\n\tmv s1, sp\n\tmv a0, sp\n\tcall " #name                  \
		"\n\tmv sp, s1\n\tmv t0, a0\n\tli a0, 0\n\tjr t0\n")

#endif
