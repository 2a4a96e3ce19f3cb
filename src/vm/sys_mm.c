/*
 * Memory syscalls: brk, mmap (anonymous or of a file, private or shared),
 * munmap, mprotect.  Each
 * holds mm->lock throughout, so that threads sharing the space (and their
 * page faults) see each change whole.  A shared anonymous mapping is a
 * shared mapping of a new unlinked file of an internal tmpfs, as on Linux
 * (shmem_zero_file; docs/user-memory.md): nothing below treats it apart.
 */
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/proc.h>
#include <sluice/signal.h>
#include <sluice/syscall.h>
#include <sluice/uaccess.h>
#include <sluice/uvm.h>
#include <sluice/vfs_internal.h>

#define MAP_SHARED	    0x01
#define MAP_PRIVATE	    0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE	    0x0f
#define MAP_FIXED	    0x10
#define MAP_ANONYMOUS	    0x20
#define MAP_DENYWRITE	    0x0800 /* ignored, as by Linux: glibc's loader passes it */
#define MAP_EXECUTABLE	    0x1000 /* ignored, as by Linux */
#define MAP_NORESERVE	    0x4000
#define MAP_POPULATE	    0x8000
#define MAP_STACK	    0x20000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_KNOWN                                                                                  \
	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_NORESERVE |   \
	 MAP_POPULATE | MAP_STACK | MAP_FIXED_NOREPLACE)

/*
 * RLIMIT_AS and RLIMIT_DATA (sluice/rlimit.h): may mm grow by len bytes,
 * data or not?  Data is what Linux counts as such (data_vm): writable
 * private regions other than the stack, the heap among them (not a shared
 * one, anonymous or not).  Under mm->lock.
 */
static bool vm_may_grow(struct mm *mm, uint64_t len, bool data)
{
	uint64_t as = rlimit_cur(RLIMIT_AS), dl = rlimit_cur(RLIMIT_DATA);
	uint64_t total = 0, dtotal = 0;

	if (as == RLIM_INFINITY && (dl == RLIM_INFINITY || !data))
		return true;
	for (struct vma *v = mm->vmas; v; v = v->next) {
		total += v->end - v->start;
		if ((v->prot & PROT_WRITE) && !(v->flags & (VMA_STACK | VMA_SHARED)))
			dtotal += v->end - v->start;
	}
	return total + len <= as && (!data || dtotal + len <= dl);
}

long sys_brk(unsigned long addr)
{
	struct mm *mm = current_proc()->mm;
	unsigned long flags = spin_lock_irqsave(&mm->lock);
	uint64_t grow =
		addr > mm->brk ? ALIGN_UP(addr, PAGE_SIZE) - ALIGN_UP(mm->brk, PAGE_SIZE) : 0;
	/* Linux answers a refused brk with the unchanged break. */
	bool ok = addr && (!grow || vm_may_grow(mm, grow, true));
	long ret = (long)(ok ? uvm_brk(mm, addr) : mm->brk);

	spin_unlock_irqrestore(&mm->lock, flags);
	return ret;
}

/* mmap's placement and region, under mm->lock. */
static long mmap_locked(struct mm *mm, unsigned long addr, unsigned long size, unsigned long prot,
			unsigned long flags, struct file *f, uint64_t pgoff)
{
	uint32_t vflags = (flags & MAP_TYPE) == MAP_PRIVATE ? 0 : VMA_SHARED;
	int err;

	/* Before MAP_FIXED unmaps anything (what it replaces counts too). */
	if (!vm_may_grow(mm, size, (prot & PROT_WRITE) && !(flags & MAP_SHARED)))
		return -ENOMEM;
	if (flags & MAP_FIXED) {
		err = uvm_unmap(mm, addr, size);
		if (err)
			return err;
	} else if (!(flags & MAP_FIXED_NOREPLACE)) {
		addr = uvm_find_free(mm, size);
		if (!addr)
			return -ENOMEM;
	}
	err = uvm_add_file_region(mm, addr, size, (uint32_t)prot, vflags, f, pgoff);
	return err ? err : (long)addr; /* -EEXIST: MAP_FIXED_NOREPLACE onto a mapping */
}

/*
 * May f be mapped so?  Linux's order and answers (do_mmap): a shared
 * writable mapping needs a file open for writing, any mapping one open for
 * reading; only regular files of a file system that can map them may be.
 */
static int mmap_file_check(struct file *f, unsigned long prot, unsigned long flags)
{
	struct inode *ino = f->inode;
	uint32_t acc = f->flags & O_ACCMODE;

	if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) && acc == O_RDONLY)
		return -EACCES;
	if (acc == O_WRONLY)
		return -EACCES;
	if (!S_ISREG(ino->mode) || !ino->ops || !ino->ops->map_page)
		return -ENODEV;
	return 0;
}

/* The checks Linux makes before it looks at the address space. */
static long mmap_check(unsigned long len, unsigned long prot, unsigned long flags, struct file *f,
		       unsigned long pgoff)
{
	unsigned long type = flags & MAP_TYPE, size = ALIGN_UP(len, PAGE_SIZE), end;

	if (type == MAP_SHARED_VALIDATE && (flags & ~(unsigned long)MAP_KNOWN))
		return -EOPNOTSUPP;
	if (!len || (prot & ~7ul) || (flags & ~(unsigned long)MAP_KNOWN))
		return -EINVAL;
	if (size < len)
		return -ENOMEM; /* as Linux: rounding up to pages wrapped to 0 */
	if (f && __builtin_add_overflow(pgoff, size >> PAGE_SHIFT, &end))
		return -EOVERFLOW;
	if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (size > USER_VA_END)
		return -ENOMEM;
	return f ? mmap_file_check(f, prot, flags) : 0;
}

/* MAP_POPULATE: fault the pages in now.  A failure (no memory) leaves the
 * rest to their first touch, as Linux ignores it too; no OOM kill here.  A
 * private writable mapping is faulted for writing, as Linux's
 * populate_vma_page_range does, so its pages are its own (not the shared
 * zero page, nor a file's page to copy at the first store). */
static void mmap_populate(struct mm *mm, unsigned long addr, unsigned long size, unsigned long prot,
			  bool shared)
{
	bool exec_only = !(prot & (PROT_READ | PROT_WRITE));
	bool write = (prot & PROT_WRITE) && !shared;

	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return;
	for (unsigned long va = addr; va < addr + size; va += PAGE_SIZE)
		if (uvm_fault(mm, va, write, exec_only, true) || fatal_signal_pending())
			break;
}

long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      unsigned long fd, unsigned long off)
{
	struct mm *mm = current_proc()->mm;
	unsigned long size = ALIGN_UP(len, PAGE_SIZE);
	/* Linux shifts the signed offset: a negative one is a huge page number. */
	unsigned long pgoff = (unsigned long)((long)off >> PAGE_SHIFT);
	struct file *f = NULL, *shm = NULL;
	long ret;

	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS) && !(f = fd_get((int)fd)))
		return -EBADF;
	ret = mmap_check(len, prot, flags, f, pgoff);
	if (ret)
		return ret;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (!IS_ALIGNED(addr, PAGE_SIZE) || addr + size < addr || addr + size > USER_VA_END)
			return -EINVAL;
		if (addr < USER_LOWEST)
			return -EPERM;
	}
	if (f)
		file_name_for_maps(f);
	else if ((flags & MAP_TYPE) != MAP_PRIVATE && (ret = shmem_zero_file(size, &shm)))
		return ret;
	unsigned long irq = spin_lock_irqsave(&mm->lock);
	ret = mmap_locked(mm, addr, size, prot, flags, f ? f : shm, f ? pgoff : 0);
	spin_unlock_irqrestore(&mm->lock, irq);
	file_put(shm); /* the region holds its own reference */
	uvm_reap(mm);  /* MAP_FIXED may have unmapped files */
	if (ret > 0 && (flags & MAP_POPULATE))
		mmap_populate(mm, (unsigned long)ret, size, prot, flags & MAP_SHARED);
	return ret;
}

long sys_munmap(unsigned long addr, unsigned long len)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE) || !len)
		return -EINVAL;
	struct mm *mm = current_proc()->mm;
	unsigned long flags = spin_lock_irqsave(&mm->lock);
	int err = uvm_unmap(mm, addr, len);

	spin_unlock_irqrestore(&mm->lock, flags);
	uvm_reap(mm);
	return err;
}

long sys_mprotect(unsigned long addr, unsigned long len, unsigned long prot)
{
	unsigned long size = ALIGN_UP(len, PAGE_SIZE), end;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || (prot & ~7ul))
		return -EINVAL;
	if (!len)
		return 0;
	/* As Linux: a range that wraps or leaves user space is not all mapped. */
	if (size < len || __builtin_add_overflow(addr, size, &end) || end > USER_VA_END)
		return -ENOMEM;
	struct mm *mm = current_proc()->mm;
	unsigned long flags = spin_lock_irqsave(&mm->lock);
	int err = uvm_protect(mm, addr, len, (uint32_t)prot);

	spin_unlock_irqrestore(&mm->lock, flags);
	return err;
}

#define MS_ASYNC      1
#define MS_INVALIDATE 2
#define MS_SYNC	      4

#define MSYNC_FILES 8

/* Under mm->lock: up to MSYNC_FILES files of the shared file regions in
 * [addr, end), counted, into f; how many. */
static int msync_files(struct mm *mm, unsigned long addr, unsigned long end, struct file **f)
{
	int k = 0;

	for (struct vma *v = mm->vmas; v && v->start < end && k < MSYNC_FILES; v = v->next) {
		bool seen = false;
		if (!v->file || !(v->flags & VMA_SHARED) || v->end <= addr)
			continue;
		for (int j = 0; j < k; j++)
			seen |= f[j] == v->file;
		if (!seen)
			f[k++] = file_get(v->file);
	}
	return k;
}

/*
 * Linux's checks and answers: ENOMEM if part of the range is not mapped.
 * MS_SYNC writes the shared file mappings' stores back (the file's fsync:
 * ext2 writes its dirty pages and the block cache); MS_ASYNC has nothing
 * to do, as on Linux: the stores are in the file's pages already.
 */
long sys_msync(unsigned long addr, size_t len, int flags)
{
	struct file *files[MSYNC_FILES];
	unsigned long end;
	int n = 0, err = 0;

	if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || !IS_ALIGNED(addr, PAGE_SIZE) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (__builtin_add_overflow(addr, len, &end))
		return -ENOMEM;
	if (addr == end)
		return 0;
	struct mm *mm = current_proc()->mm;
	unsigned long irq = spin_lock_irqsave(&mm->lock);
	bool whole = end <= USER_VA_END && uvm_range_mapped(mm, addr, end);
	if (flags & MS_SYNC)
		n = msync_files(mm, addr, end, files);
	spin_unlock_irqrestore(&mm->lock, irq);
	for (int i = 0; i < n; i++) {
		struct inode *ino = files[i]->inode;
		int e = ino->ops && ino->ops->fsync ? ino->ops->fsync(ino) : 0;
		err = err ? err : e;
		file_put(files[i]);
	}
	return !whole ? -ENOMEM : err;
}

#define MADV_DONTNEED 4
#define MADV_FREE     8
#define MADV_LAST     25 /* MADV_COLLAPSE; the rest are hints taken and ignored */

/* Does Linux know advice (and let anyone give it)? */
static bool madv_known(int advice)
{
	return (advice >= 0 && advice <= 4) || (advice >= MADV_FREE && advice <= MADV_LAST);
}

/*
 * MADV_DONTNEED drops the pages of the range's regions: anonymous memory
 * reads as zeros again, a file mapping as the file.  Every other advice is
 * a hint: accepted.  ENOMEM, as Linux, if part of the range is unmapped
 * (after the mapped part has taken the advice).
 */
long sys_madvise(unsigned long addr, size_t len, int advice)
{
	unsigned long end;
	bool whole;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || !madv_known(advice))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (__builtin_add_overflow(addr, len, &end))
		return -EINVAL;
	if (addr == end)
		return 0;
	if (end > USER_VA_END)
		return -ENOMEM;
	struct mm *mm = current_proc()->mm;
	unsigned long irq = spin_lock_irqsave(&mm->lock);
	whole = uvm_range_mapped(mm, addr, end);
	if (advice == MADV_DONTNEED)
		uvm_zap(mm, addr, end);
	spin_unlock_irqrestore(&mm->lock, irq);
	return whole ? 0 : -ENOMEM;
}

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED   2

/*
 * Linux's checks, in its order.  MREMAP_DONTUNMAP and the old_len 0 form
 * (a second mapping of a shared region) are not supported: EINVAL.
 */
long sys_mremap(unsigned long addr, size_t old_len, size_t new_len, unsigned long flags,
		unsigned long new_addr)
{
	bool fixed = flags & MREMAP_FIXED;

	if ((flags & ~(unsigned long)(MREMAP_MAYMOVE | MREMAP_FIXED)) ||
	    (fixed && !(flags & MREMAP_MAYMOVE)) || !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if (!new_len || !old_len)
		return -EINVAL;
	if (addr + old_len < addr || addr + old_len > USER_VA_END || new_len > USER_VA_END)
		return -EFAULT;
	if (fixed) {
		if (!IS_ALIGNED(new_addr, PAGE_SIZE) || new_addr + new_len < new_addr ||
		    new_addr + new_len > USER_VA_END)
			return -EINVAL;
		if (new_addr < addr + old_len && addr < new_addr + new_len)
			return -EINVAL; /* the two ranges overlap */
		if (new_addr < USER_LOWEST)
			return -EPERM;
	}
	struct mm *mm = current_proc()->mm;
	unsigned long irq = spin_lock_irqsave(&mm->lock);
	long ret =
		uvm_remap(mm, addr, old_len, new_len, flags & MREMAP_MAYMOVE, fixed ? new_addr : 0);

	spin_unlock_irqrestore(&mm->lock, irq);
	uvm_reap(mm);
	return ret;
}

/* Is page pg of f in memory: its file system's cache, or ramfs's pages? */
static uint8_t file_page_cached(struct file *f, uint64_t pg)
{
	struct inode *ino = f->inode;

	return ino->ops && ino->ops->page_cached && ino->ops->page_cached(ino, pg);
}

#define MINCORE_CHUNK 64 /* pages answered per copy to vec */

/*
 * Linux's answer: a byte per page of [addr, addr + len), bit 0 set if the
 * page is resident: mapped here, or (a file's page) in the file's cache,
 * as Linux answers for the owner of a file or root.  EINVAL for an
 * unaligned addr, ENOMEM if the range leaves user space or meets an
 * unmapped page (the bytes before it written), EFAULT if vec cannot take
 * the bytes.
 */
long sys_mincore(unsigned long addr, size_t len, unsigned char __user *vec)
{
	struct mm *mm = current_proc()->mm;
	uint8_t buf[MINCORE_CHUNK];
	size_t pages, done = 0;

	if (!IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	if (addr >= USER_VA_END || len > USER_VA_END - addr)
		return -ENOMEM;
	pages = ALIGN_UP(len, PAGE_SIZE) / PAGE_SIZE;
	if ((unsigned long)vec >= USER_VA_END || pages > USER_VA_END - (unsigned long)vec)
		return -EFAULT;
	while (done < pages) {
		struct file *f;
		uint64_t pg;
		size_t n = uvm_mincore(mm, addr + done * PAGE_SIZE,
				       MIN(pages - done, MINCORE_CHUNK), buf, &f, &pg);
		for (size_t i = 0; i < n; i++)
			if (buf[i] == UVM_MINCORE_ASK)
				buf[i] = file_page_cached(f, pg + i);
		if (f)
			file_put(f);
		if (!n)
			return -ENOMEM;
		if (copy_to_user(vec + done, buf, n))
			return -EFAULT;
		done += n;
	}
	return 0;
}
