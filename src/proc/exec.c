/*
 * execve: replace the calling process's program with a static ELF
 * executable from the file system.  Everything that can fail (the path, the
 * ELF checks, copying argv and envp, building the new address space) is done
 * before the old address space is touched, so a failed exec leaves the
 * caller exactly as it was.  The new program starts with the Linux initial
 * stack: argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL.
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
enum { AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
       AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
       AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_EXECFN = 31 };

#define EXEC_ARG_MAX  (128 * 1024) /* argv + envp strings, NULs included */
#define EXEC_ARGS_MAX 4096	   /* strings in argv, and in envp */

/* The arguments, copied into the kernel while the old program still exists. */
struct exec_args {
	char *buf;    /* strings, NUL-terminated, one after another */
	size_t used;
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
		if (i >= EXEC_ARGS_MAX) /* EXEC_ARGS_MAX strings, then the NULL */
			return -E2BIG;
		long n = user ? strncpy_from_user(a->buf + a->used, s, EXEC_ARG_MAX - a->used)
			      : (long)strnlen(s, EXEC_ARG_MAX - a->used);
		if (n == -ENAMETOOLONG || (!user && (size_t)n == EXEC_ARG_MAX - a->used))
			return -E2BIG;
		if (n < 0)
			return (int)n;
		if (!user)
			memcpy(a->buf + a->used, s, (size_t)n + 1);
		a->used += (size_t)n + 1;
		(*count)++;
	}
}

/* Load one PT_LOAD segment: its file bytes into fresh pages; the bss tail
 * past the last file page comes later, by demand-zero faults. */
static int load_segment(struct mm *mm, struct inode *file, const struct elf_segment *s)
{
	uint32_t prot = (s->flags & ELF_PF_R ? PROT_READ : 0) |
			(s->flags & ELF_PF_W ? PROT_WRITE : 0) |
			(s->flags & ELF_PF_X ? PROT_EXEC : 0);
	vaddr_t start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
	vaddr_t end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
	int prev = uvm_region_prot(mm, start);
	int err = 0;

	/*
	 * A tightly linked program may start a segment in the page where the
	 * previous one ends (elf_parse allows it, as Linux does).  That page
	 * gets both segments' permissions; this segment's region starts after.
	 */
	if (prev >= 0) {
		err = uvm_protect(mm, start, PAGE_SIZE, (uint32_t)prev | prot);
		start += PAGE_SIZE;
	}
	if (!err && start < end)
		err = uvm_add_region(mm, start, end - start, prot, 0);
	if (err)
		return err == -EEXIST ? -ENOEXEC : err;
	/*
	 * A segment no access may touch (p_flags without R, W or X) keeps its
	 * region but gets no pages: nothing could read them, and a PTE with
	 * none of R, W, X is not a leaf: no walk would find the page again.
	 */
	if (!prot)
		return 0;
	start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
	for (vaddr_t va = start; va < s->vaddr + s->filesz; va += PAGE_SIZE) {
		uint8_t *page = uvm_page_for_kernel(mm, va);
		if (!page)
			return -ENOMEM;
		/* The part of this page that comes from the file. */
		vaddr_t lo = MAX(va, s->vaddr), hi = MIN(va + PAGE_SIZE, s->vaddr + s->filesz);
		long n = kernel_read(file, page + (lo - va), hi - lo, s->offset + (lo - s->vaddr));
		if (n < 0)
			return (int)n;
		if ((size_t)n != hi - lo)
			return -EIO; /* the file shrank under us */
	}
	return 0;
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
 * Build the initial stack in a kernel buffer that mirrors
 * [sp, USER_STACK_TOP), then copy it into the new address space's pages.
 * From the top: the path and the argument strings, 16 random bytes
 * (AT_RANDOM), then, 16-aligned at sp, argc, argv[], NULL, envp[], NULL, auxv.
 */
static int build_stack(struct mm *mm, const struct exec_args *a, const char *path,
		       const struct elf_info *info, unsigned long *sp_out)
{
	size_t pathlen = strlen(path) + 1;
	vaddr_t top = USER_STACK_TOP;
	vaddr_t strings = top - a->used - pathlen;
	vaddr_t random = ALIGN_DOWN(strings - 16, 16);
	size_t nptrs = 1 + (size_t)a->argc + 1 + (size_t)a->envc + 1 + 2 * 18;
	vaddr_t sp = ALIGN_DOWN(random - nptrs * 8, 16);
	size_t size = top - sp;
	uint8_t *img;
	int err = 0;

	if (size > USER_STACK_MAX / 4)
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
	const uint64_t aux[][2] = {
		{AT_PHDR, info->phdr_addr},
		{AT_PHENT, info->phent},
		{AT_PHNUM, info->phnum},
		{AT_PAGESZ, PAGE_SIZE},
		{AT_BASE, 0},
		{AT_FLAGS, 0},
		{AT_ENTRY, info->entry},
		{AT_UID, a->cred.uid},
		{AT_EUID, a->cred.euid},
		{AT_GID, a->cred.gid},
		{AT_EGID, a->cred.egid},
		{AT_HWCAP, exec_hwcap()},
		{AT_CLKTCK, 100},
		{AT_SECURE, a->secure},
		{AT_RANDOM, random},
		{AT_EXECFN, strings + a->used},
		{AT_NULL, 0},
	};
	memcpy(v, aux, sizeof(aux));
	/* argv's strings come first in a->buf, envp's after them. */
	mm->arg_start = mm->arg_end = strings;
	for (int i = 0; i < a->argc; i++)
		mm->arg_end += strlen(a->buf + (mm->arg_end - strings)) + 1;
	mm->env_start = mm->arg_end;
	mm->env_end = strings + a->used;

	for (vaddr_t va = ALIGN_DOWN(sp, PAGE_SIZE); va < top && !err; va += PAGE_SIZE) {
		uint8_t *page = uvm_page_for_kernel(mm, va);
		vaddr_t lo = MAX(va, sp);
		if (!page)
			err = -ENOMEM;
		else
			memcpy(page + (lo - va), img + (lo - sp), va + PAGE_SIZE - lo);
	}
	kfree(img);
	*sp_out = sp;
	return err;
}

/* Build the whole new address space for the program image. */
static int exec_build_mm(struct mm *mm, struct inode *file, const struct elf_info *info,
			 const struct exec_args *a, const char *path, unsigned long *sp)
{
	int err = 0;

	for (int i = 0; i < info->nsegs && !err; i++)
		err = load_segment(mm, file, &info->segs[i]);
	if (!err)
		err = uvm_add_region(mm, USER_STACK_TOP - a->stack, a->stack,
				     PROT_READ | PROT_WRITE, VMA_STACK);
	if (!err)
		err = signal_map_trampoline(mm);
	if (!err)
		err = build_stack(mm, a, path, info, sp);
	mm->brk_start = mm->brk = ALIGN_UP(info->end, PAGE_SIZE);
	return err;
}

/* Point the frame at the new program; reset what exec resets. */
static void exec_start(struct proc *p, const struct elf_info *info, unsigned long sp,
		       const char *path)
{
	struct trap_frame *tf = p->tf;
	const char *base = path;

	memset(tf->x, 0, sizeof(tf->x));
	tf->x[REG_SP] = sp;
	tf->sepc = info->entry;
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
			p->sig_action[i] = (struct k_sigaction){ 0 };
	for (const char *c = path; *c; c++)
		if (*c == '/' && c[1])
			base = c + 1;
	strncpy_safe(p->name, base, sizeof(p->name));
}

/*
 * The program at path: its inode and its first page (the ELF and program
 * headers), parsed.  Errors as execve reports them.
 */
static int exec_open(const char *path, struct inode **out, struct inode **dir,
		     struct elf_info *info)
{
	struct inode *ino;
	uint8_t *head;
	long n;
	int err = vfs_lookup_named(AT_FDCWD, path, true, &ino, dir);

	if (err)
		return err;
	err = S_ISREG(ino->mode) ? vfs_permission(ino, MAY_EXEC) : -EACCES;
	if (err) {
		vfs_put(ino);
		vfs_put(*dir);
		return err; /* a directory, a device, or not executable by us */
	}
	head = kmalloc(PAGE_SIZE);
	if (!head) {
		vfs_put(ino);
		vfs_put(*dir);
		return -ENOMEM;
	}
	n = kernel_read(ino, head, PAGE_SIZE, 0);
	err = n < 0 ? (int)n
	      : elf_parse_head(head, (size_t)n, ino->size, USER_LOWEST, USER_MMAP_TOP, info)
		      ? -ENOEXEC
		      : 0;
	kfree(head);
	if (err) {
		vfs_put(ino);
		vfs_put(*dir);
	} else {
		*out = ino;
	}
	return err;
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

int exec_kernel(struct proc *p, const char *path, const char *const *argv,
		const char *const *envp, bool from_user)
{
	struct exec_args a = { 0 };
	struct inode *file, *dir;
	struct elf_info info;
	struct mm *mm = NULL, *old;
	unsigned long sp;
	int err;

	err = exec_open(path, &file, &dir, &info);
	if (err)
		return err;
	a.buf = kmalloc(EXEC_ARG_MAX);
	if (!a.buf) {
		vfs_put(file);
		vfs_put(dir);
		return -ENOMEM;
	}
	exec_creds(p, file, &a);
	err = copy_strings(&a, argv, &a.argc, from_user);
	if (!err)
		err = copy_strings(&a, envp, &a.envc, from_user);
	a.stack = exec_stack_size(p, &a);
	if (!err)
		err = (mm = uvm_create()) ? 0 : -ENOMEM;
	if (!err)
		err = exec_build_mm(mm, file, &info, &a, path, &sp);
	kfree(a.buf);
	/* The other threads go first (an execve from user mode only). */
	if (!err && from_user)
		err = thread_exec_alone();
	if (err) {
		vfs_put(file);
		vfs_put(dir);
		if (mm)
			uvm_destroy(mm);
		return err;
	}
	if (from_user)
		ptimer_exit(p); /* timer_create's timers end with the old program */
	/* Past the point of no return: switch to the new program.  The old
	 * space may live on (a vfork parent's): leave it first, done with
	 * the robust list and the tid word, as at exit.  p->mm changes under
	 * the lock the out-of-memory killer reads it under. */
	old = p->mm;
	if (old) {
		futex_exit(p);
		uvm_deactivate(old);
	}
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	p->mm = mm;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	uvm_activate(mm);
	if (old) {
		uvm_put(old);
		vfork_release(p);
	}
	exec_start(p, &info, sp, path);
	p->cred = a.cred;
	exec_set_exe(p, file, dir);
	files_exec(p);
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
