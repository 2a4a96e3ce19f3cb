/*
 * The typed pools: one function per argument kind of the kernel's list
 * (sluice/syscall_abi.h), each drawing from values that find bugs: fds
 * open and closed, paths of every length around PATH_MAX and NAME_MAX,
 * pointers at page edges and into read-only, PROT_NONE and unmapped
 * pages, kernel and non-canonical addresses, huge sizes.
 *
 * The one rule that bends the pools: a path or fd that a call may use to
 * change the file system (create, write, truncate, remove, rename, link,
 * mount) or to move the working directory stays inside the worker's
 * scratch directories.  Such paths are absolute under /tmp/fuzz-<w> or
 * /mnt/fuzz/<w>, or relative to a scratch directory (the working one, or
 * an fd of kind FDK_SCRATCH); they never hold "..", and the symbolic links
 * the worker makes point only inside the scratch directory or nowhere, so
 * following them stays inside too.  docs/robustness.md lists the rules.
 */
#include <string.h>

#include "worker.h"

#define DATA_SIZE (AR_DATA_N * PG)

/* Addresses no call may use: the kernel must answer EFAULT (or EINVAL). */
static const unsigned long bad_ptrs[] = {
	0,
	1,
	0xfff,
	0x10000 - 8,	    /* just below the program */
	0x3ffffff000,	    /* the signal trampoline: readable, not writable */
	0x4000000000,	    /* just above Sv39's user half */
	0x7ffffffff000,	    /* non-canonical in Sv39 */
	0x8000000000000000, /* non-canonical */
	0xffffffc000000000, /* the start of the kernel half */
	0xffffffff80200000, /* the kernel image */
	0xfffffffffffff000, /* the last page */
	0xffffffffffffffff,
};

static unsigned long pick(struct fz_worker *w, const unsigned long *t, size_t n)
{
	return t[fz_below(&w->rng, n)];
}
#define PICK(w, t) pick(w, t, sizeof(t) / sizeof((t)[0]))

/* ---- the arena ---- */

/*
 * The data area starts with a mangled ELF program for RISC-V: a header
 * and eight program headers, each field now and then replaced by an
 * interesting value.  A write from there to the start of a scratch file
 * makes a file that execve must refuse, or load and run without harm.
 * The rest of its first 2 KiB is zeros, an illegal instruction: code from
 * there cannot make calls.
 */
static unsigned long elf_field(struct fz_worker *w, unsigned long good)
{
	static const unsigned long odd[] = {
		0, 1, 0x1000, 0x10000, 0x10001, ~0ul, 1ul << 38, 0xffffffff80000000, 0x7fff};

	return fz_chance(&w->rng, 1, 8) ? PICK(w, odd) : good;
}

static void elf_mangle(struct fz_worker *w, unsigned char *p)
{
	static const unsigned char ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
	struct {
		uint32_t type, flags;
		uint64_t off, vaddr, paddr, filesz, memsz, align;
	} *ph = (void *)(p + 64);

	memset(p, 0, 2048);
	memcpy(p, ident, sizeof(ident));
	*(uint16_t *)(p + 16) = (uint16_t)elf_field(w, 2);    /* e_type: EXEC */
	*(uint16_t *)(p + 18) = (uint16_t)elf_field(w, 243);  /* e_machine: RISC-V */
	*(uint32_t *)(p + 20) = 1;			      /* e_version */
	*(uint64_t *)(p + 24) = elf_field(w, 0x10000 + 1024); /* e_entry */
	*(uint64_t *)(p + 32) = elf_field(w, 64);	      /* e_phoff */
	*(uint16_t *)(p + 52) = 64;			      /* e_ehsize */
	*(uint16_t *)(p + 54) = (uint16_t)elf_field(w, 56);   /* e_phentsize */
	*(uint16_t *)(p + 56) = (uint16_t)elf_field(w, 1 + fz_below(&w->rng, 8)); /* e_phnum */
	for (int i = 0; i < 8; i++) {
		ph[i].type =
			(uint32_t)elf_field(w, fz_chance(&w->rng, 3, 4) ? 1 : fz_below(&w->rng, 8));
		ph[i].flags = (uint32_t)elf_field(w, 1 + fz_below(&w->rng, 7));
		ph[i].off = elf_field(w, 0);
		ph[i].vaddr = elf_field(w, 0x10000 + (unsigned long)i * 0x10000);
		ph[i].filesz = elf_field(w, 2048);
		ph[i].memsz = elf_field(w, 4096);
		ph[i].align = elf_field(w, 4096);
	}
}

void fz_arena_refresh(struct fz_worker *w)
{
	unsigned long *words = (unsigned long *)ar_page(w, AR_DATA);
	unsigned long data = (unsigned long)words;

	for (size_t i = 0; i < DATA_SIZE / 8; i += 8) {
		int style = (int)fz_below(&w->rng, 6);
		for (size_t j = i; j < i + 8; j++) {
			unsigned long r = fz_rand(&w->rng);
			words[j] = style == 0	? r
				   : style == 1 ? 0
				   : style == 2 ? r % 17
				   : style == 3
					   ? data + r % DATA_SIZE /* structs holding pointers */
				   : style == 4 ? (j & 1 ? r % 4097 : data + r % DATA_SIZE)
						: ~0ul;
		}
	}
	elf_mangle(w, (unsigned char *)words);
}

void fz_arena_init(struct fz_worker *w)
{
	long a = syscall6(__NR_mmap, 0, AR_PAGES * PG, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (a < 0 && a > -4096) {
		fz_say("fuzz: worker %d: cannot map its arena: %ld\n", w->index, a);
		syscall1(__NR_exit_group, 3);
	}
	w->arena = (char *)a;
	fz_arena_refresh(w);
	/* The read-only page holds a scratch path at its start, then names
	 * "xxx...x" of 199 bytes: wherever a pointer into it starts, the
	 * string is a relative name, which stays in the scratch directory. */
	char *ro = ar_page(w, AR_RO);
	for (unsigned long i = 0; i < PG; i++)
		ro[i] = i % 200 == 199 ? '\0' : 'x';
	strcpy(ro, w->tmp);
	strcat(ro, "/ro");
	syscall3(__NR_mprotect, (long)ro, PG, PROT_READ);
	syscall3(__NR_mprotect, (long)ar_page(w, AR_NONE), PG, PROT_NONE);
	syscall2(__NR_munmap, (long)ar_page(w, AR_HOLE), PG);
	syscall2(__NR_munmap, (long)ar_page(w, AR_HOLE2), PG);
	syscall2(__NR_munmap, (long)ar_page(w, AR_HOLE3), PG);
}

bool fz_in_arena(struct fz_worker *w, unsigned long p, size_t n)
{
	unsigned long lo = (unsigned long)w->arena,
		      hi = lo + AR_PLAY * PG; /* below the playground */

	return p < hi && p + n > lo && p + n >= p;
}

bool fz_in_data(struct fz_worker *w, unsigned long p, size_t n)
{
	unsigned long data = (unsigned long)ar_page(w, AR_DATA);

	return p >= data && p - data <= DATA_SIZE && n <= DATA_SIZE - (p - data);
}

char *fz_data(struct fz_worker *w, size_t n)
{
	unsigned long off = fz_below(&w->rng, DATA_SIZE - n + 1) & ~7ul;

	return ar_page(w, AR_DATA) + off;
}

/* ---- numbers ---- */

unsigned long fz_int(struct fz_worker *w)
{
	/* clang-format off */
	static const unsigned long ints[] = {
		0, 1, 2, 3, 4, 8, 16, 255, 256, 4096, 0x7fffffff, 0x80000000, 0xffffffff,
		1ul << 32, 0x7fffffffffffffff, 0x8000000000000000, ~0ul, ~0ul - 1, -100ul
	};
	/* clang-format on */

	switch (fz_below(&w->rng, 4)) {
	case 0:
		return fz_below(&w->rng, 64);
	case 1:
	case 2:
		return PICK(w, ints);
	default:
		return fz_rand(&w->rng);
	}
}

unsigned long fz_size(struct fz_worker *w)
{
	/* clang-format off */
	static const unsigned long sizes[] = {
		0, 1, 2, 7, 8, 15, 16, 17, 24, 63, 64, 127, 128, 255, 256, 511, 512, 1023,
		1024, 4095, 4096, 4097, 8191, 8192, 8193, 65535, 65536, 1ul << 20, 0x7ffff000,
		0x7fffffff, 0x80000000, 0xffffffff, 1ul << 32, (1ul << 32) + 1, 1ul << 40,
		0x7fffffffffffffff, 0x8000000000000000, ~0ul, ~0ul - 4095
	};
	/* clang-format on */
	unsigned long room = w->d.last_room;

	switch (fz_below(&w->rng, 8)) {
	case 0:
	case 1:
	case 2:
		return fz_below(&w->rng, 600);
	case 3:
	case 4:
		return PICK(w, sizes);
	case 5:
	case 6: /* exactly up to the edge of what the last pointer may touch, or one past */
		return room + fz_below(&w->rng, 3) - 1;
	default:
		return fz_rand(&w->rng) >> fz_below(&w->rng, 64);
	}
}

long fz_off(struct fz_worker *w)
{
	/* clang-format off */
	static const unsigned long offs[] = {
		0, 1, 511, 512, 4095, 4096, 4097, 1ul << 20, 1ul << 31, (1ul << 32) - 1,
		1ul << 32, 1ul << 40, 0x7fffffffffffffff, ~0ul, -4096ul, 0x8000000000000000,
		0x7ffffffffffff000
	};
	/* clang-format on */

	return fz_chance(&w->rng, 1, 2) ? (long)fz_below(&w->rng, 20000) : (long)PICK(w, offs);
}

unsigned long fz_flags(struct fz_worker *w)
{
	switch (fz_below(&w->rng, 6)) {
	case 0:
	case 1:
		return 0;
	case 2:
		return 1ul << fz_below(&w->rng, 32);
	case 3:
		return fz_rand(&w->rng) & 0xffff;
	case 4:
		return fz_rand(&w->rng) & 0xffffffff;
	default:
		return fz_rand(&w->rng);
	}
}

unsigned long fz_mode(struct fz_worker *w)
{
	/* clang-format off */
	static const unsigned long modes[] = {
		0, 0777, 0755, 0644, 0600, 0444, 0111, 07777, 0170644, 0xffff, ~0ul
	};
	/* clang-format on */

	return fz_chance(&w->rng, 3, 4) ? PICK(w, modes) : fz_rand(&w->rng);
}

/*
 * Process ids a worker may name: itself, its own children and group, and
 * ids no process has.  Never -1 (every process) and never another
 * worker, the supervisor or init; 0 means the caller or its own group.
 */
long fz_pid(struct fz_worker *w)
{
	static const unsigned long nobody[] = {
		0x40000000, 0x7fffffff, 0x7ffffffe, 0x80000000 /* INT_MIN */, -0x40000000ul,
	};

	uint64_t r = fz_rand(&w->rng);

	switch (r % 6) {
	case 0:
		return 0;
	case 1:
		return w->pid;
	case 2:
		return -(long)w->pid; /* its own group: workers lead their groups */
	case 3:
	case 4:
		return w->nkids ? w->kids[(r >> 8) % (uint64_t)w->nkids] : w->pid;
	default:
		return (long)(int)nobody[(r >> 8) % (sizeof(nobody) / sizeof(nobody[0]))];
	}
}

/* Signals: mostly harmless ones; the deadly ones seldom (the worker dies
 * and the supervisor starts another). */
long fz_sig(struct fz_worker *w)
{
	/* clang-format off */
	static const unsigned long harmless[] = {
		0, LINUX_SIGUSR1, LINUX_SIGUSR2, LINUX_SIGCHLD, LINUX_SIGCONT, LINUX_SIGSTOP,
		LINUX_SIGTSTP, LINUX_SIGURG, LINUX_SIGWINCH, 65, -1ul, 1000, 0x80000000
	};
	/* clang-format on */
	static const unsigned long deadly[] = {
		LINUX_SIGKILL, LINUX_SIGTERM, LINUX_SIGSEGV, LINUX_SIGPIPE, LINUX_SIGALRM, 33, 64};

	if (fz_chance(&w->rng, 1, 40))
		return (long)PICK(w, deadly);
	return (long)(int)PICK(w, harmless);
}

/* ---- fds ---- */

int fz_fd_kind(struct fz_worker *w, long fd)
{
	for (int i = 0; i < w->nfds; i++)
		if (w->fds[i].fd == fd)
			return w->fds[i].kind;
	return -1;
}

void fz_fd_remove(struct fz_worker *w, long fd)
{
	for (int i = 0; i < w->nfds; i++) {
		if (w->fds[i].fd == fd) {
			w->fds[i] = w->fds[--w->nfds];
			w->closed[w->nclosed++ % 8] = (int)fd;
			return;
		}
	}
}

void fz_fd_add(struct fz_worker *w, long fd, int kind)
{
	if (fd < 0 || fd >= 64)
		return;
	for (int i = 0; i < 8; i++) /* open again: no longer a closed number */
		if (w->closed[i] == fd)
			w->closed[i] = -1;
	for (int i = 0; i < w->nfds; i++) {
		if (w->fds[i].fd == fd) {
			w->fds[i].kind = (uint8_t)kind;
			return;
		}
	}
	w->fds[w->nfds++] = (struct fz_fd){(int)fd, (uint8_t)kind};
}

/* A number that is not an open fd of ours (and never a reserved one). */
static long fz_unopen_fd(struct fz_worker *w)
{
	static const unsigned long bad[] = {-1ul, 64, 65, 1000, 1ul << 20, 0x7fffffff, 0x80000000};
	long fd = w->closed[fz_below(&w->rng, 8)];

	if (fz_chance(&w->rng, 1, 2) && fd >= 0 && fz_fd_kind(w, fd) < 0)
		return fd;
	return (long)(int)PICK(w, bad);
}

/*
 * An fd: mostly one the worker holds (files, directories, pipe ends,
 * devices, /proc files), else a closed or never-open number.
 * scratch_only: only fds of the scratch directories (for calls that
 * change what the fd names, or make it the working directory).
 */
long fz_fd(struct fz_worker *w, bool scratch_only)
{
	int n = 0, pickable[64];

	/* The draws do not depend on the table, so a seed replays the same
	 * calls whatever the fds turn out to be. */
	bool held = fz_chance(&w->rng, 4, 5);
	uint64_t r = fz_rand(&w->rng);
	long unopen = fz_unopen_fd(w);

	for (int i = 0; i < w->nfds; i++)
		if (!scratch_only || w->fds[i].kind == FDK_SCRATCH)
			pickable[n++] = w->fds[i].fd;
	return held && n ? pickable[r % (uint64_t)n] : unopen;
}

long fz_dirfd(struct fz_worker *w, bool scratch_only)
{
	return fz_chance(&w->rng, 1, 3) ? LINUX_AT_FDCWD : fz_fd(w, scratch_only);
}

/* ---- pointers ---- */

/*
 * A pointer for an IN or OUT argument, and (in w->d) how many bytes the
 * kernel may touch from it before it must fail: the edge of the data
 * area (the read-only page next for OUT), of the tail page (PROT_NONE
 * next), or 0 for pointers that must fault at once.
 */
/* A pointer no access may use (room 0): PROT_NONE, unmapped, the kernel's,
 * or the program's own text and rodata, which a write must not reach. */
static unsigned long faulting_ptr(struct fz_worker *w, unsigned long k, bool out)
{
	switch (fz_below(&w->rng, 5)) {
	case 0:
		return (unsigned long)ar_page(w, AR_NONE) + k;
	case 1:
		return (unsigned long)ar_page(w, fz_chance(&w->rng, 1, 2) ? AR_HOLE : AR_HOLE3) + k;
	case 2:
		w->d.ro |= out;
		return fz_chance(&w->rng, 1, 2) ? (unsigned long)fz_landing
						: (unsigned long)fz_rodata_sentinel;
	default:
		return PICK(w, bad_ptrs);
	}
}

unsigned long fz_ptr(struct fz_worker *w, bool out)
{
	unsigned long data = (unsigned long)ar_page(w, AR_DATA), p, room = 0;
	unsigned long tail_end = (unsigned long)ar_page(w, AR_NONE);
	unsigned long k = fz_below(&w->rng, 2) ? fz_below(&w->rng, 17) : fz_below(&w->rng, 300);
	uint64_t r;

	switch (fz_below(&w->rng, 16)) {
	case 0 ... 6: /* anywhere in the data area, now and then its mangled ELF program */
		p = data + (fz_chance(&w->rng, 1, 8) ? 0 : fz_below(&w->rng, DATA_SIZE));
		if (fz_chance(&w->rng, 3, 4))
			p &= ~7ul;
		room = out ? data + DATA_SIZE - p : tail_end - p;
		break;
	case 7: /* just before the read-only page */
		p = data + DATA_SIZE - k;
		room = out ? k : tail_end - p;
		break;
	case 8: /* just before the PROT_NONE page */
		p = tail_end - k;
		room = k;
		break;
	case 9: /* the read-only page */
		p = (unsigned long)ar_page(w, AR_RO) + fz_below(&w->rng, PG);
		room = out ? 0 : tail_end - p;
		w->d.ro |= out;
		break;
	case 10 ... 13:
		p = faulting_ptr(w, k, out);
		break;
	default: /* the playground, or a mapping made lately: maybe gone */
		r = fz_rand(&w->rng);
		p = w->nmaps && (r & 1) ? w->maps[(r >> 1) % (uint64_t)w->nmaps]
					: (unsigned long)ar_page(w, AR_PLAY);
		p += (r >> 16) % (2 * PG);
	}
	w->d.last_ptr = p;
	w->d.last_room = room;
	return p;
}

/* A pointer no read can use: the PROT_NONE page, a hole, past user space
 * or the kernel's (for an IN argument whose bytes, if readable, could say
 * anything: rlimit_new). */
unsigned long fz_unreadable(struct fz_worker *w)
{
	static const unsigned long far[] = {0x4000000000, 0x8000000000000000, 0xffffffc000000000,
					    0xffffffffffffffff};

	switch (fz_below(&w->rng, 3)) {
	case 0:
		return (unsigned long)ar_page(w, AR_NONE) + fz_below(&w->rng, PG);
	case 1:
		return (unsigned long)ar_page(w, AR_HOLE) + fz_below(&w->rng, PG);
	default:
		return PICK(w, far);
	}
}

/* An address for brk, mmap, munmap, mprotect: the playground, mappings
 * made lately, and addresses that must be refused.  Never the arena or
 * the program itself, except seldom (the worker then likely dies). */
unsigned long fz_addr(struct fz_worker *w)
{
	unsigned long play = (unsigned long)ar_page(w, AR_PLAY);
	uint64_t r;

	switch (fz_below(&w->rng, 10)) {
	case 0 ... 3:
		return play + fz_below(&w->rng, AR_PLAY_N) * PG +
		       (fz_chance(&w->rng, 1, 8) ? 1 : 0);
	case 4:
	case 5:
		r = fz_rand(&w->rng);
		return w->nmaps ? w->maps[r % (uint64_t)w->nmaps] : play;
	case 6:
		return 0;
	case 7:
	case 8: /* not the signal trampoline: without it no handler returns */
		r = PICK(w, bad_ptrs) & ~0xffful;
		return r == 0x3ffffff000 ? 0x4000000000 : r;
	default:
		if (fz_chance(&w->rng, 1, 50))
			return 0x10000;				/* the program's text: self-harm */
		return 0x1000ul * fz_below(&w->rng, 0x4000000); /* anywhere below 256 GiB */
	}
}
