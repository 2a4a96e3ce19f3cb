/*
 * Memory syscalls: brk, mmap (anonymous, private), munmap, mprotect.  Each
 * holds mm->lock throughout, so that threads sharing the space (and their
 * page faults) see each change whole.
 */
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/proc.h>
#include <sluice/syscall.h>
#include <sluice/uvm.h>

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_STACK 0x20000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_KNOWN (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_NORESERVE | \
		   MAP_POPULATE | MAP_STACK | MAP_FIXED_NOREPLACE)

/*
 * RLIMIT_AS and RLIMIT_DATA (sluice/rlimit.h): may mm grow by len bytes,
 * data or not?  Data is what Linux counts as such (data_vm): writable
 * private regions other than the stack, the heap among them.  Under
 * mm->lock.
 */
static bool vm_may_grow(struct mm *mm, uint64_t len, bool data)
{
	uint64_t as = rlimit_cur(RLIMIT_AS), dl = rlimit_cur(RLIMIT_DATA);
	uint64_t total = 0, dtotal = 0;

	if (as == RLIM_INFINITY && (dl == RLIM_INFINITY || !data))
		return true;
	for (struct vma *v = mm->vmas; v; v = v->next) {
		total += v->end - v->start;
		if ((v->prot & PROT_WRITE) && !(v->flags & VMA_STACK))
			dtotal += v->end - v->start;
	}
	return total + len <= as && (!data || dtotal + len <= dl);
}

long sys_brk(unsigned long addr)
{
	struct mm *mm = current_proc()->mm;
	unsigned long flags = spin_lock_irqsave(&mm->lock);
	uint64_t grow = addr > mm->brk ? ALIGN_UP(addr, PAGE_SIZE) - ALIGN_UP(mm->brk, PAGE_SIZE) : 0;
	/* Linux answers a refused brk with the unchanged break. */
	bool ok = addr && (!grow || vm_may_grow(mm, grow, true));
	long ret = (long)(ok ? uvm_brk(mm, addr) : mm->brk);

	spin_unlock_irqrestore(&mm->lock, flags);
	return ret;
}

/* mmap's placement and region, under mm->lock. */
static long mmap_locked(struct mm *mm, unsigned long addr, unsigned long size, unsigned long prot,
			unsigned long flags)
{
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
	err = uvm_add_region(mm, addr, size, (uint32_t)prot, 0);
	return err ? err : (long)addr; /* -EEXIST: MAP_FIXED_NOREPLACE onto a mapping */
}

long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      unsigned long fd, unsigned long off)
{
	struct mm *mm = current_proc()->mm;
	unsigned long size = ALIGN_UP(len, PAGE_SIZE);

	if (!len || (prot & ~7ul) || (flags & ~(unsigned long)MAP_KNOWN))
		return -EINVAL;
	if (size < len)
		return -ENOMEM; /* as Linux: rounding up to pages wrapped to 0 */
	if ((flags & (MAP_SHARED | MAP_PRIVATE)) != MAP_PRIVATE)
		return -EINVAL; /* shared mappings need files or shared memory: later */
	if (!(flags & MAP_ANONYMOUS))
		return -EBADF; /* no files yet */
	if (size > USER_VA_END)
		return -ENOMEM;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (!IS_ALIGNED(addr, PAGE_SIZE) || addr + size < addr || addr + size > USER_VA_END)
			return -EINVAL;
		if (addr < USER_LOWEST)
			return -EPERM;
	}
	unsigned long irq = spin_lock_irqsave(&mm->lock);
	long ret = mmap_locked(mm, addr, size, prot, flags);

	spin_unlock_irqrestore(&mm->lock, irq);
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
