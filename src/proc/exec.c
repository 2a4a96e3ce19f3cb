/*
 * execve: replace the calling process's program with an ELF executable
 * from the file system, or with the interpreter a "#!" script names
 * (exec_script.c).  An ELF file may be position independent (ET_DYN: exec
 * picks its base) and may name an interpreter (PT_INTERP: the dynamic
 * linker, which exec loads beside it and starts instead).  Everything that
 * can fail (the paths, the checks, copying argv and envp, building the new
 * address space) is done before the old address space is touched, so a
 * failed exec leaves the caller exactly as it was.  The new program starts
 * with the Linux initial stack: argc, argv[], NULL, envp[], NULL, auxv
 * pairs, AT_NULL.  docs/exec.md follows one exec through.
 */
#include <sluice/boot.h>
#include <sluice/cpio.h>
#include <sluice/elf.h>
#include <sluice/errno.h>
#include <sluice/exec.h>
#include <sluice/hart.h>
#include <sluice/kvm.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/random.h>
#include <sluice/riscv.h>
#include <sluice/string.h>
#include <sluice/syscall.h>
#include <sluice/uaccess.h>
#include <sluice/uvm.h>
#include <sluice/vfs_internal.h>

/* The built-in archive (src/boot/initramfs.S); weak, so that a kernel built
 * without one still links and says there is no /init. */
extern const char __initramfs_start[] __attribute__((weak));
extern const char __initramfs_end[] __attribute__((weak));

/*
 * The archive programs come from: the one the boot loader handed over
 * (/chosen linux,initrd-start/end: QEMU's -initrd, U-Boot's booti) if
 * there is one, else the one built into the kernel.  The handed-over bytes
 * are in RAM that mm_init kept out of the page allocator.
 */
bool initramfs_get(const void **archive, size_t *len)
{
	if (platform.has_initrd && platform.initrd_end > platform.initrd_start &&
	    platform.initrd_end <= LINEAR_MAP_MAX_PA) {
		*archive = phys_to_virt(platform.initrd_start);
		*len = platform.initrd_end - platform.initrd_start;
		return true;
	}
	if (!__initramfs_start)
		return false;
	*archive = __initramfs_start;
	*len = (size_t)(__initramfs_end - __initramfs_start);
	return true;
}

/* Auxiliary vector keys (the System V ABI and Linux's elf.h) */
enum {
	AT_NULL = 0,
	AT_PHDR = 3,
	AT_PHENT = 4,
	AT_PHNUM = 5,
	AT_PAGESZ = 6,
	AT_BASE = 7,
	AT_FLAGS = 8,
	AT_ENTRY = 9,
	AT_UID = 11,
	AT_EUID = 12,
	AT_GID = 13,
	AT_EGID = 14,
	AT_HWCAP = 16,
	AT_CLKTCK = 17,
	AT_SECURE = 23,
	AT_RANDOM = 25,
	AT_EXECFN = 31,
	AT_MINSIGSTKSZ = 51
};

/*
 * Where a position-independent program that has an interpreter goes:
 * two thirds of the way up user space, Linux's ELF_ET_DYN_BASE for Sv39
 * (TASK_SIZE / 3 * 2, page aligned; Sluice does not randomise it), out of
 * the way of the interpreter and of mmap, which come down from the top.
 * A program without one (static-pie, or ld.so run by itself) goes where
 * mmap would put it, as Linux does, and its heap starts here instead.
 */
#define EXEC_DYN_BASE ALIGN_DOWN(USER_VA_END / 3 * 2, PAGE_SIZE)

/*
 * How much argv and envp may take, as Linux's bprm_stack_limits: a quarter
 * of RLIMIT_STACK's soft limit, at least ARG_MAX (128 KiB), counting the
 * strings with their NULs, a pointer for each (argc at least 1) and the
 * path exec was given; but
 * never past a quarter of the USER_STACK_MAX Sluice's layout gives a stack
 * (Linux's cap is 6 MiB), since build_stack refuses a bigger stack.  One
 * string is MAX_ARG_STRLEN at most.  The strings are gathered in a buffer
 * of EXEC_ARG_START bytes that doubles as they need.
 */
#define EXEC_ARG_MIN	(128 * 1024)	 /* Linux's ARG_MAX */
#define EXEC_ARG_START	(128 * 1024)	 /* the buffer at first */
#define EXEC_ARG_STRLEN (32 * PAGE_SIZE) /* Linux's MAX_ARG_STRLEN */
#define EXEC_AUXV	18		 /* auxv pairs, AT_NULL's included */
#define ELF_EHDR_SIZE	64		 /* sizeof(Elf64_Ehdr) */

/* The arguments, copied into the kernel while the old program still exists. */
struct exec_args {
	char *buf; /* strings, NUL-terminated, one after another */
	size_t used, cap;
	size_t limit; /* strings and their pointers: exec_arg_limit */
	int argc, envc;
	struct cred cred; /* the ids the program runs with (exec_creds) */
	bool secure;	  /* set-user-id or set-group-id changed them: AT_SECURE */
	size_t stack;	  /* the size of the new stack (exec_stack_size) */
};

#define STACK_GAP (128 * 1024) /* room the new stack has below its strings at least */

/*
 * The new program's stack: RLIMIT_STACK's soft limit, but within the
 * USER_STACK_MAX that Sluice's layout reserves under USER_STACK_TOP (the
 * mmap area starts below it), and with STACK_GAP below the argument
 * strings at least (Linux too lets the arguments take a stack past a tiny
 * limit).
 */
static size_t exec_stack_size(const struct proc *p, const struct exec_args *a)
{
	uint64_t lim = p->leader->rlim[RLIMIT_STACK].cur;
	uint64_t least = ALIGN_UP(a->used + 8ull * (a->argc + a->envc + 64), PAGE_SIZE) + STACK_GAP;

	return (size_t)MIN(ALIGN_DOWN(MAX(lim, least), PAGE_SIZE), USER_STACK_MAX);
}

/*
 * The ids after exec: a set-user-id file's owner becomes the effective
 * (and saved, and file-system) uid, a set-group-id file's group the gid
 * (with group execute, else the bit marks mandatory locking); the saved
 * ids take the effective ones, as execve(2) says.  Not with no_new_privs.
 */
static void exec_creds(struct proc *p, struct inode *file, struct exec_args *a)
{
	struct cred *c = &a->cred;

	*c = p->cred;
	if (!p->no_new_privs && (file->mode & S_ISUID))
		c->euid = file->uid;
	if (!p->no_new_privs && (file->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		c->egid = file->gid;
	a->secure = c->euid != c->uid || c->egid != c->gid;
	c->suid = c->fsuid = c->euid;
	c->sgid = c->fsgid = c->egid;
}

/* The limit on argv and envp for p (see EXEC_ARG_MIN). */
static size_t exec_arg_limit(const struct proc *p)
{
	uint64_t lim = p->leader->rlim[RLIMIT_STACK].cur / 4;

	return (size_t)MAX(MIN(lim, USER_STACK_MAX / 4), EXEC_ARG_MIN);
}

/* Do the strings so far and their pointers, and argc's at least, fit? */
static bool args_fit(const struct exec_args *a)
{
	size_t ptrs = 8 * ((size_t)MAX(a->argc, 1) + (size_t)a->envc);

	return a->used + ptrs <= a->limit;
}

/* Room in a's buffer for n more bytes (it doubles); -E2BIG past the
 * limit, -ENOMEM if there is no memory for more. */
static int args_room(struct exec_args *a, size_t n)
{
	size_t cap = a->cap;

	if (a->used + n > a->limit)
		return -E2BIG;
	while (cap - a->used < n)
		cap *= 2;
	/* argc's pointer at least comes on top: at the limit, 2 MiB with
	 * kmalloc's header is one order-9 block, not an order-10 one. */
	cap = MIN(cap, a->limit - 8);
	if (cap - a->used < n)
		return -E2BIG;
	if (cap == a->cap)
		return 0;
	char *buf = kmalloc(cap);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, a->buf, a->used);
	kfree(a->buf);
	a->buf = buf;
	a->cap = cap;
	return 0;
}

/* Copy a NULL-terminated user array of strings (argv or envp) into a. */
static int copy_strings(struct exec_args *a, const char *const *uvec, int *count, bool user)
{
	for (int i = 0;; i++) {
		const char *s;
		if (!uvec)
			return 0;
		if (user) {
			if (copy_from_user(&s, &uvec[i], sizeof(s)))
				return -EFAULT;
		} else {
			s = uvec[i];
		}
		if (!s)
			return 0;
		if (i % 256 == 255 && fatal_signal_pending())
			return -EINTR; /* (the process dies on its way out) */
		/* The string, into the room there is; again in more room if it
		 * did not fit, up to one string's limit. */
		long n;
		for (;;) {
			size_t room = MIN(a->cap - a->used, (size_t)EXEC_ARG_STRLEN);
			n = user ? strncpy_from_user(a->buf + a->used, s, room)
				 : (long)strnlen(s, room);
			if (n != -ENAMETOOLONG && (user || (size_t)n < room))
				break;
			if (room == EXEC_ARG_STRLEN)
				return -E2BIG; /* longer than MAX_ARG_STRLEN */
			int err = args_room(a, a->cap - a->used + 1);
			if (err)
				return err;
		}
		if (n < 0)
			return (int)n;
		if (!user)
			memcpy(a->buf + a->used, s, (size_t)n + 1);
		a->used += (size_t)n + 1;
		(*count)++;
		if (!args_fit(a))
			return -E2BIG;
	}
}

/* The file's bytes of segment s (already moved) that lie in [from, to),
 * read now into the pages there (mapped now, zeroed, if they were not). */
static int load_file_bytes(struct mm *mm, struct inode *file, const struct elf_segment *s,
			   vaddr_t from, vaddr_t to)
{
	vaddr_t lo0 = MAX(from, s->vaddr), hi0 = MIN(to, s->vaddr + s->filesz);

	for (vaddr_t va = ALIGN_DOWN(lo0, PAGE_SIZE); va < hi0; va += PAGE_SIZE) {
		uint8_t *page = uvm_page_for_kernel(mm, va);
		if (!page)
			return -ENOMEM;
		/* The part of this page that comes from the file. */
		vaddr_t lo = MAX(va, lo0), hi = MIN(va + PAGE_SIZE, hi0);
		long n = kernel_read(file, page + (lo - va), hi - lo, s->offset + (lo - s->vaddr));
		if (n < 0)
			return (int)n;
		if ((size_t)n != hi - lo)
			return -EIO; /* the file shrank under us */
	}
	return 0;
}

/* What exec runs: the ELF program, and the interpreter it names, if any. */
struct exec_image {
	struct inode *file, *dir; /* the program and where it was found (/proc/pid/exe) */
	struct elf_info info;
	uint64_t bias;		     /* added to the program's addresses (ET_DYN), else 0 */
	struct inode *interp, *idir; /* PT_INTERP's program and its directory, or NULL */
	struct elf_info iinfo;
	uint64_t ibias;
};

/* One file exec loads: its inode, and the open file its regions map, or
 * NULL where its file system cannot map pages (they are copied then). */
struct exec_file {
	struct inode *ino;
	struct file *map;
};

static uint32_t elf_prot(uint32_t flags)
{
	return (flags & ELF_PF_R ? PROT_READ : 0) | (flags & ELF_PF_W ? PROT_WRITE : 0) |
	       (flags & ELF_PF_X ? PROT_EXEC : 0);
}

/* Has a segment of info other than segs[i] a byte in the page at pg? */
static bool page_shared_by(const struct elf_info *info, int i, uint64_t pg)
{
	for (int j = 0; j < info->nsegs; j++) {
		const struct elf_segment *o = &info->segs[j];
		if (j != i && o->memsz && o->vaddr < pg + PAGE_SIZE && o->vaddr + o->memsz > pg)
			return true;
	}
	return false;
}

/*
 * A page two segments share (a tightly linked program; elf_parse allows
 * it, as Linux does): anonymous, with both segments' permissions, and
 * filled now with both segments' file bytes, whichever comes first.
 */
static int load_shared_page(struct mm *mm, struct inode *file, const struct elf_segment *s,
			    vaddr_t va, uint32_t prot)
{
	int prev = uvm_region_prot(mm, va);
	int err = prev >= 0 ? uvm_protect(mm, va, PAGE_SIZE, (uint32_t)prev | prot)
			    : uvm_add_region(mm, va, PAGE_SIZE, prot, 0);

	/*
	 * A segment no access may touch (p_flags without R, W or X) gets no
	 * pages: nothing could read them, and a PTE with none of R, W, X is
	 * not a leaf: no walk would find the page again.
	 */
	if (err || !prot)
		return err;
	return load_file_bytes(mm, file, s, va, va + PAGE_SIZE);
}

/*
 * The pages [lo, hi) that only segment s (moved) touches.  Those that hold
 * its file bytes map the file privately, from the page at lo on: they come
 * by fault, the file's own pages read-only, copied on the first write
 * (docs/user-memory.md).  The page where the file's bytes end mid-page
 * with bss after them is a page of the program's own, filled now and zero
 * past the file's bytes (Linux's padzero): the file's page must not show
 * what follows in the file, nor be zeroed itself.  The rest of the bss is
 * anonymous, demand zero.  Without x->map, the file's bytes are copied
 * into anonymous pages now.
 */
static int load_body(struct mm *mm, const struct exec_file *x, const struct elf_segment *s,
		     vaddr_t lo, vaddr_t hi, uint32_t prot)
{
	vaddr_t fend = s->vaddr + s->filesz, tail = ALIGN_DOWN(fend, PAGE_SIZE);
	vaddr_t mid = x->map && s->filesz ? MIN(hi, MAX(lo, ALIGN_UP(fend, PAGE_SIZE))) : lo;
	int err = 0;

	if (mid > lo) /* offset and vaddr are congruent modulo the page size (elf_parse) */
		err = uvm_add_file_region(mm, lo, mid - lo, prot, 0, x->map,
					  (s->offset + lo - s->vaddr) / PAGE_SIZE);
	if (!err && mid < hi)
		err = uvm_add_region(mm, mid, hi - mid, prot, 0);
	if (err || !prot) /* no pages where no access may go: load_shared_page */
		return err;
	if (!x->map)
		return load_file_bytes(mm, x->ino, s, lo, hi);
	if (fend != tail && s->memsz > s->filesz && tail >= lo && tail < mid)
		return load_file_bytes(mm, x->ino, s, tail, fend);
	return 0;
}

/* Load PT_LOAD segment segs[i] of x, moved by bias (a multiple of the page
 * size): the pages it shares with another segment, then the rest. */
static int load_segment(struct mm *mm, const struct exec_file *x, const struct elf_info *info,
			int i, uint64_t bias)
{
	struct elf_segment s = info->segs[i];
	uint32_t prot = elf_prot(s.flags);
	uint64_t first = ALIGN_DOWN(s.vaddr, PAGE_SIZE);
	uint64_t last = ALIGN_DOWN(s.vaddr + s.memsz - 1, PAGE_SIZE);
	int err = 0;

	if (!s.memsz)
		return 0; /* nothing to map, as on Linux */
	/* Only a segment's first and last pages can hold another's bytes. */
	bool head = page_shared_by(info, i, first);
	bool tail = last != first && page_shared_by(info, i, last);
	vaddr_t lo = first + bias + (head ? PAGE_SIZE : 0),
		hi = last + bias + (tail ? 0 : PAGE_SIZE);

	s.vaddr += bias;
	if (head)
		err = load_shared_page(mm, x->ino, &s, first + bias, prot);
	if (!err && tail)
		err = load_shared_page(mm, x->ino, &s, last + bias, prot);
	if (!err && lo < hi)
		err = load_body(mm, x, &s, lo, hi, prot);
	return err == -EEXIST ? -ENOEXEC : err;
}

/* RISC-V hwcap: one bit per single-letter extension of the boot hart's ISA. */
static unsigned long exec_hwcap(void)
{
	const struct dt_hart *h = dt_find_hart(&platform, this_hart_id());
	unsigned long caps = 0;

	if (!h || strncmp(h->isa, "rv64", 4))
		return 0;
	for (const char *c = h->isa + 4; *c && *c != '_'; c++)
		if (*c >= 'a' && *c <= 'z')
			caps |= 1ul << (*c - 'a');
	return caps;
}

/*
 * The auxiliary vector Linux's riscv64 gives (create_elf_tables and
 * ARCH_DLINFO), less the vDSO and cache geometry entries: Sluice has no
 * vDSO yet.  riscv64 Linux has no AT_PLATFORM (its ELF_PLATFORM is NULL).
 */
static void fill_auxv(uint64_t (*aux)[2], const struct exec_args *a, const struct exec_image *img,
		      vaddr_t random, vaddr_t execfn)
{
	const uint64_t v[][2] = {
		{AT_HWCAP, exec_hwcap()},
		{AT_PAGESZ, PAGE_SIZE},
		{AT_CLKTCK, 100},
		{AT_PHDR, img->info.phdr_addr + img->bias},
		{AT_PHENT, img->info.phent},
		{AT_PHNUM, img->info.phnum},
		{AT_BASE, img->interp ? img->ibias : 0},
		{AT_FLAGS, 0},
		{AT_ENTRY, img->info.entry + img->bias},
		{AT_UID, a->cred.uid},
		{AT_EUID, a->cred.euid},
		{AT_GID, a->cred.gid},
		{AT_EGID, a->cred.egid},
		{AT_SECURE, a->secure},
		{AT_RANDOM, random},
		{AT_EXECFN, execfn},
		{AT_MINSIGSTKSZ, signal_frame_size()},
		{AT_NULL, 0},
	};
	_Static_assert(sizeof(v) / sizeof(v[0]) == EXEC_AUXV, "auxv entries");
	memcpy(aux, v, sizeof(v));
}

/* Copy the image of [sp, USER_STACK_TOP) into the new space's pages. */
static int stack_copy_out(struct mm *mm, const uint8_t *img, vaddr_t sp)
{
	for (vaddr_t va = ALIGN_DOWN(sp, PAGE_SIZE); va < USER_STACK_TOP; va += PAGE_SIZE) {
		uint8_t *page = uvm_page_for_kernel(mm, va);
		vaddr_t lo = MAX(va, sp);
		if (!page)
			return -ENOMEM;
		memcpy(page + (lo - va), img + (lo - sp), va + PAGE_SIZE - lo);
	}
	return 0;
}

/*
 * Build the initial stack in a kernel buffer that mirrors
 * [sp, USER_STACK_TOP), then copy it into the new address space's pages.
 * From the top: the path and the argument strings, 16 random bytes
 * (AT_RANDOM), then, 16-aligned at sp, argc, argv[], NULL, envp[], NULL, auxv.
 */
static int build_stack(struct mm *mm, const struct exec_args *a, const char *path,
		       const struct exec_image *ximg, unsigned long *sp_out)
{
	size_t pathlen = strlen(path) + 1;
	vaddr_t top = USER_STACK_TOP;
	vaddr_t strings = top - a->used - pathlen;
	vaddr_t random = ALIGN_DOWN(strings - 16, 16);
	size_t nptrs = 1 + (size_t)a->argc + 1 + (size_t)a->envc + 1 + 2 * EXEC_AUXV;
	vaddr_t sp = ALIGN_DOWN(random - nptrs * 8, 16);
	size_t size = top - sp;
	uint8_t *img;
	int err;

	/* The strings and pointers fit exec_arg_limit, at most a quarter of
	 * USER_STACK_MAX; argc, the NULLs, auxv and AT_RANDOM's bytes come on
	 * top (a page is plenty). */
	if (size > USER_STACK_MAX / 4 + PAGE_SIZE)
		return -E2BIG;
	img = kzalloc(size);
	if (!img)
		return -ENOMEM;
	memcpy(img + (strings - sp), a->buf, a->used);
	memcpy(img + (strings - sp) + a->used, path, pathlen);
	random_fill(img + (random - sp), 16);

	uint64_t *v = (uint64_t *)img;
	vaddr_t s = strings;
	*v++ = (uint64_t)a->argc;
	for (int i = 0; i < a->argc + a->envc; i++) {
		if (i == a->argc)
			*v++ = 0; /* end of argv */
		*v++ = s;
		s += strlen((const char *)img + (s - sp)) + 1;
	}
	if (a->envc == 0)
		*v++ = 0;
	*v++ = 0; /* end of envp */
	fill_auxv((uint64_t(*)[2])v, a, ximg, random, strings + a->used);
	/* argv's strings come first in a->buf, envp's after them. */
	mm->arg_start = mm->arg_end = strings;
	for (int i = 0; i < a->argc; i++)
		mm->arg_end += strlen(a->buf + (mm->arg_end - strings)) + 1;
	mm->env_start = mm->arg_end;
	mm->env_end = strings + a->used;
	err = stack_copy_out(mm, img, sp);
	kfree(img);
	*sp_out = sp;
	return err;
}

/*
 * Where an ET_DYN image goes (the bias added to its addresses): a program
 * with an interpreter at EXEC_DYN_BASE, anything else (an interpreter, a
 * static-pie program) at the highest free range below the mmap top, as
 * mmap(NULL, ...) would place it.  An ET_EXEC image stays where it is linked.
 */
static int exec_pick_bias(struct mm *mm, const struct elf_info *info, bool fixed_base,
			  uint64_t *bias)
{
	vaddr_t lo = ALIGN_DOWN(info->start, PAGE_SIZE);
	size_t span = ALIGN_UP(info->end, PAGE_SIZE) - lo;
	vaddr_t at;

	*bias = 0;
	if (!info->dyn)
		return 0;
	at = fixed_base ? EXEC_DYN_BASE : uvm_find_free(mm, span);
	if (!at || span > USER_MMAP_TOP - at)
		return -ENOMEM;
	*bias = at - lo;
	return 0;
}

/*
 * Map every segment of one ELF file (ino, found in dir) at its bias.  The
 * regions share one open file of it (their /proc/<pid>/maps name is its
 * path); for the program (deny), that file also keeps writes to it out
 * (ETXTBSY) for as long as a region maps it, as Linux's exe_file does.
 */
static int load_elf(struct mm *mm, struct inode *ino, struct inode *dir,
		    const struct elf_info *info, uint64_t bias, bool deny)
{
	struct exec_file x = {ino, NULL};
	int err = 0;

	if (ino->ops && ino->ops->map_page) {
		err = file_alloc(vfs_get(ino), &generic_file_ops, O_RDONLY, &x.map);
		if (err) {
			vfs_put(ino);
			return err;
		}
		x.map->dir = dir ? vfs_get(dir) : NULL;
		/* exec holds a denial already (exec_lookup): this one cannot fail */
		x.map->deny_write = deny && !inode_deny_write(ino);
		/* Its /proc/<pid>/maps name is found when the maps are read
		 * (procfs_pid_maps_names): a path costs a search of each
		 * directory, and /bin holds hundreds of names. */
	}
	for (int i = 0; i < info->nsegs && !err; i++)
		err = load_segment(mm, &x, info, i, bias);
	file_put(x.map); /* the regions hold it now */
	return err;
}

/* Build the whole new address space for the program image. */
static int exec_build_mm(struct mm *mm, struct exec_image *img, const struct exec_args *a,
			 const char *path, unsigned long *sp)
{
	uint32_t stack_prot = PROT_READ | PROT_WRITE | (img->info.exec_stack ? PROT_EXEC : 0);
	int err = exec_pick_bias(mm, &img->info, img->interp, &img->bias);

	if (!err)
		err = load_elf(mm, img->file, img->dir, &img->info, img->bias, true);
	if (!err && img->interp)
		err = exec_pick_bias(mm, &img->iinfo, false, &img->ibias);
	if (!err && img->interp)
		err = load_elf(mm, img->interp, img->idir, &img->iinfo, img->ibias, false);
	if (!err)
		err = uvm_add_region(mm, USER_STACK_TOP - a->stack, a->stack, stack_prot,
				     VMA_STACK);
	if (!err)
		err = signal_map_trampoline(mm);
	if (!err)
		err = build_stack(mm, a, path, img, sp);
	/* The heap follows the program; a static-pie's starts at
	 * EXEC_DYN_BASE instead (Linux's choice when it randomises). */
	if (img->info.dyn && !img->interp)
		mm->brk_start = mm->brk = EXEC_DYN_BASE;
	else
		mm->brk_start = mm->brk = ALIGN_UP(img->info.end + img->bias, PAGE_SIZE);
	return err;
}

/* Point the frame at the new program; reset what exec resets. */
static void exec_start(struct proc *p, uint64_t entry, unsigned long sp, const char *path)
{
	struct trap_frame *tf = p->tf;
	const char *base = path;

	memset(tf->x, 0, sizeof(tf->x));
	tf->x[REG_SP] = sp;
	tf->sepc = entry;
	/*
	 * Return to user mode (SPP clear) with interrupts on after sret
	 * (SPIE) and the FPU usable.  Built from nothing, not from the live
	 * sstatus: a saved sstatus must have SIE clear, because trap_return
	 * writes it back just before sret, and an interrupt taken in between
	 * would overwrite sepc.
	 */
	tf->sstatus = SSTATUS_SPIE | SSTATUS_FS_INITIAL;
	p->fp_saved = false;
	signal_exec(p);
	for (int i = 0; i < NSIG; i++)
		if (p->sig_action[i].handler != SIG_IGN)
			p->sig_action[i] = (struct k_sigaction){0};
	for (const char *c = path; *c; c++)
		if (*c == '/' && c[1])
			base = c + 1;
	strncpy_safe(p->name, base, sizeof(p->name));
}

/*
 * The file at path, if exec may run it: a regular file we may execute
 * and nobody has open for writing (ETXTBSY), as Linux's open_exec.  It
 * stays so (inode_deny_write) until exec_put_file.
 */
static int exec_lookup(const char *path, struct inode **out, struct inode **dir)
{
	struct inode *ino;
	int err = vfs_lookup_named(AT_FDCWD, path, true, &ino, dir);

	if (err)
		return err;
	err = S_ISREG(ino->mode) ? vfs_permission(ino, MAY_EXEC) : -EACCES;
	if (!err)
		err = inode_deny_write(ino);
	if (err) {
		vfs_put(ino);
		vfs_put(*dir);
		*dir = NULL; /* the caller puts what it holds: not this again */
		return err;  /* a directory, a device, or not executable by us */
	}
	*out = ino;
	return 0;
}

/* Done with a file exec_lookup found: writes may come again. */
static void exec_put_file(struct inode *ino)
{
	inode_allow_write(ino);
	vfs_put(ino);
}

/* The file's first page into head (zero-filled past its end): bytes read or -errno. */
static long exec_read_head(struct inode *ino, uint8_t *head)
{
	memset(head, 0, PAGE_SIZE);
	return kernel_read(ino, head, PAGE_SIZE, 0);
}

/*
 * argv for a script's interpreter, as Linux builds it: argv[0] goes (if
 * there is one), and the interpreter's path, its optional argument and
 * the script's path (the name it was run by) go in front.
 */
static int args_for_script(struct exec_args *a, const char *script, const char *name,
			   const char *arg)
{
	const char *front[3];
	size_t len = 0, at = 0;
	int n = 0;

	front[n++] = name;
	if (arg)
		front[n++] = arg;
	front[n++] = script;

	if (a->argc > 0) {
		size_t first = strlen(a->buf) + 1;
		memmove(a->buf, a->buf + first, a->used - first);
		a->used -= first;
		a->argc--;
	}
	for (int i = 0; i < n; i++)
		len += strlen(front[i]) + 1;
	int err = args_room(a, len);
	if (err)
		return err;
	memmove(a->buf + len, a->buf, a->used);
	a->used += len;
	a->argc += n;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(front[i]) + 1;
		memcpy(a->buf + at, front[i], l);
		at += l;
	}
	return 0;
}
/*
 * Follow "#!" lines from img->file (opened from path) to an ELF file, as
 * Linux does: each script's interpreter is looked up by its path (from the
 * cwd) and argv rebuilt for it; the sixth script in a row is ELOOP.  head
 * then holds the ELF file's first page: its length is returned.
 */
static long exec_follow_scripts(struct exec_args *a, const char *path, struct exec_image *img,
				uint8_t *head, char (*names)[EXEC_SCRIPT_BUF])
{
	const char *cur = path, *name, *arg;

	for (int depth = 0;; depth++) {
		long n = exec_read_head(img->file, head);
		if (n < 2 || head[0] != '#' || head[1] != '!')
			return n; /* an error, or not a script: the ELF checks say */
		int err = exec_script_parse((char *)head, &name, &arg);
		if (!err)
			err = args_for_script(a, cur, name, arg);
		if (err)
			return err;
		/* The name lives on past head's next read; it fits (parse's rule). */
		char *next = names[depth & 1];
		strncpy_safe(next, name, EXEC_SCRIPT_BUF);
		exec_put_file(img->file);
		vfs_put(img->dir);
		img->file = img->dir = NULL;
		/* An empty name (a line of "#!" and a NUL) names the cwd on
		 * Linux: a directory, so EACCES. */
		err = next[0] ? exec_lookup(next, &img->file, &img->dir) : -EACCES;
		if (!err && depth + 1 > EXEC_SCRIPT_DEPTH)
			err = -ELOOP;
		if (err)
			return err;
		cur = next;
	}
}

/*
 * PT_INTERP's program: its path from the file (NUL-terminated, or
 * ENOEXEC), then the file (ENOENT, EACCES as for the program), then its
 * ELF headers: a file too short for one is EIO, anything else wrong
 * ELIBBAD, Linux's answers for a bad interpreter's headers.
 */
static int exec_open_interp(struct exec_image *img, uint8_t *head)
{
	uint32_t len = img->info.interp_len;
	long n = kernel_read(img->file, head, len, img->info.interp_off);
	int err;

	if (n != (long)len)
		return n < 0 ? (int)n : -EIO;
	if (head[len - 1] != '\0')
		return -ENOEXEC;
	err = exec_lookup((const char *)head, &img->interp, &img->idir);
	if (err)
		return err;
	n = exec_read_head(img->interp, head);
	if (n < 0)
		return (int)n;
	if (n < ELF_EHDR_SIZE)
		return -EIO;
	if (elf_parse_head(head, (size_t)n, img->interp->size, USER_LOWEST, USER_MMAP_TOP,
			   &img->iinfo))
		return -ELIBBAD;
	return 0;
}

/* The program's ELF headers (in head, n bytes), then its interpreter's. */
static int exec_parse(struct exec_image *img, uint8_t *head, size_t n)
{
	if (elf_parse_head(head, n, img->file->size, USER_LOWEST, USER_MMAP_TOP, &img->info))
		return -ENOEXEC;
	return img->info.interp_len ? exec_open_interp(img, head) : 0;
}

static void exec_image_put(struct exec_image *img)
{
	if (img->file)
		exec_put_file(img->file);
	if (img->dir)
		vfs_put(img->dir);
	if (img->interp)
		exec_put_file(img->interp);
	if (img->idir)
		vfs_put(img->idir);
}

/*
 * Everything that may fail, in Linux's order: the file (ENOENT, EACCES),
 * argv and envp (EFAULT, E2BIG), scripts, the ELF headers (ENOEXEC), the
 * interpreter, then the new address space in mm.
 */
static int exec_prepare(struct proc *p, const char *path, const char *const *argv,
			const char *const *envp, bool from_user, struct exec_image *img,
			struct exec_args *a, struct mm **mm, unsigned long *sp)
{
	char(*names)[EXEC_SCRIPT_BUF] = kmalloc(2 * EXEC_SCRIPT_BUF);
	uint8_t *head = kmalloc(PAGE_SIZE);
	long n;
	int err = exec_lookup(path, &img->file, &img->dir);

	if (!err)
		err = a->buf && head && names ? 0 : -ENOMEM;
	if (!err)
		err = copy_strings(a, argv, &a->argc, from_user);
	if (!err)
		err = copy_strings(a, envp, &a->envc, from_user);
	n = err ? err : exec_follow_scripts(a, path, img, head, names);
	err = n < 0 ? (int)n : exec_parse(img, head, (size_t)n);
	kfree(head);
	kfree(names);
	if (err)
		return err;
	exec_creds(p, img->file, a);
	a->stack = exec_stack_size(p, a); /* the arguments as the program gets them */
	*mm = uvm_create();
	if (!*mm)
		return -ENOMEM;
	return exec_build_mm(*mm, img, a, path, sp);
}

/* The program now running in p is file, named in dir (both given). */
static void exec_set_exe(struct proc *p, struct inode *file, struct inode *dir)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock); /* /proc reads them under it */
	struct inode *old = p->exe, *old_dir = p->exe_dir;

	p->exe = file;
	p->exe_dir = dir;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	vfs_put(old);
	vfs_put(old_dir);
}

/* Past the point of no return: p runs the new program from img in mm. */
static void exec_commit(struct proc *p, struct exec_image *img, struct mm *mm,
			const struct cred *cred, unsigned long sp, const char *path)
{
	struct mm *old = p->mm;

	/* The old space may live on (a vfork parent's): leave it first, done
	 * with the robust list and the tid word, as at exit.  p->mm changes
	 * under the lock the out-of-memory killer reads it under. */
	if (old) {
		futex_exit(p);
		uvm_deactivate(old);
	}
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	p->mm = mm;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	uvm_activate(mm);
	if (old) {
		proc_account_rss(p->leader, uvm_put(old)); /* ru_maxrss spans exec */
		vfork_release(p);
	}
	/* The interpreter runs first; it finds the program through auxv. */
	exec_start(p, img->interp ? img->iinfo.entry + img->ibias : img->info.entry + img->bias, sp,
		   path);
	p->cred = *cred;
	inode_allow_write(img->file); /* the regions' file denies writes now (load_elf) */
	exec_set_exe(p, img->file, img->dir);
	if (img->interp)
		exec_put_file(img->interp);
	if (img->idir)
		vfs_put(img->idir);
	files_exec(p);
}

int exec_kernel(struct proc *p, const char *path, const char *const *argv, const char *const *envp,
		bool from_user)
{
	/* The path goes on the new stack too, and counts, as on Linux. */
	struct exec_args a = {.buf = kmalloc(EXEC_ARG_START),
			      .cap = EXEC_ARG_START,
			      .limit = exec_arg_limit(p) - (strnlen(path, PATH_MAX) + 1)};
	struct exec_image img = {0};
	struct mm *mm = NULL;
	unsigned long sp;
	int err = exec_prepare(p, path, argv, envp, from_user, &img, &a, &mm, &sp);

	kfree(a.buf);
	/* The other threads go first (an execve from user mode only). */
	if (!err && from_user)
		err = thread_exec_alone();
	if (err) {
		exec_image_put(&img);
		if (mm)
			uvm_destroy(mm);
		return err;
	}
	if (from_user)
		ptimer_exit(p); /* timer_create's timers end with the old program */
	exec_commit(p, &img, mm, &a.cred, sp, path);
	return 0;
}

long sys_execve(const char __user *upath, const char __user *const __user *uargv,
		const char __user *const __user *uenvp)
{
	char *path;
	long err = user_path(upath, &path);

	if (err)
		return err;
	err = exec_kernel(current_proc(), path, uargv, uenvp, true);
	kfree(path);
	return err;
}
