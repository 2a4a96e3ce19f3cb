/*
 * User address spaces (struct mm): the lower half of Sv39, described by a
 * sorted list of regions (struct vma) and filled in lazily by page faults:
 * demand-zero pages for heap, stack and anonymous mmap, copy-on-write after
 * fork.  See docs/user-memory.md.
 */
#ifndef SLUICE_UVM_H
#define SLUICE_UVM_H

#include <sluice/spinlock.h>
#include <sluice/tlb.h>
#include <sluice/types.h>

/* Region protections: Linux's PROT_* values, as mmap/mprotect take them. */
#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4

#define VMA_HEAP  1u /* the brk region */
#define VMA_STACK 2u /* the main stack */
/* MAP_SHARED: stores reach the file; never copied on write.  Always with a
 * file: shared anonymous memory maps an unlinked tmpfs file (sys_mm.c). */
#define VMA_SHARED 4u

/* Where things go in a new address space. */
#define USER_STACK_TOP 0x0000003ffffff000ull /* the top page stays unmapped */
#define USER_STACK_MAX (8 * 1024 * 1024ull)  /* with a guard page below */
#define USER_MMAP_TOP  (USER_STACK_TOP - USER_STACK_MAX - 64 * 1024 * 1024ull)
#define USER_LOWEST    0x1000ull /* Linux's mmap_min_addr: page 0 never maps, null pointers fault */

struct file;

struct vma {
	vaddr_t start, end; /* [start, end), page aligned */
	uint32_t prot;
	uint32_t flags;
	struct file *file; /* a file mapping: counted; NULL: anonymous */
	uint64_t pgoff;	   /* the file page at start */
	struct vma *next;  /* sorted by start, no overlaps */
};

struct mm {
	/* Guards the regions, the page table and brk against the other
	 * threads sharing the space (faults, mmap, munmap, mprotect, brk). */
	struct spinlock lock;
	int users;    /* tasks using it: threads, a vfork child */
	paddr_t root; /* Sv39 root table; kernel half shared with all */
	struct vma *vmas;
	/* Regions of files taken out under the lock: their files are put
	 * after it (uvm_reap), since the last put of a file may sleep. */
	struct vma *dead;
	vaddr_t brk_start, brk; /* the heap: [brk_start, brk) */
	/* Where exec put the argument and environment strings, for
	 * /proc/<pid>/cmdline and environ (Linux's mm fields of these names). */
	vaddr_t arg_start, arg_end, env_start, env_end;
	uint64_t asid_ctx;    /* generation and ASID (asid.h) */
	struct tlb_track tlb; /* its ASID now, and which harts' TLBs concern it */
};

/* A new, empty address space, or NULL. */
struct mm *uvm_create(void);

/* Free every page, table and region of mm, and mm itself; returns the
 * pages it had mapped (its resident size, for ru_maxrss). */
size_t uvm_destroy(struct mm *mm);

/* One more task uses mm (CLONE_VM: a thread or a vfork child). */
struct mm *uvm_get(struct mm *mm);

/* A task stops using mm: the last one destroys it (and gets
 * uvm_destroy's count; 0 while others use it). */
size_t uvm_put(struct mm *mm);

/* Switch this hart to mm (satp, with an ASID where the hart has them),
 * flushing what this hart may still hold of it from an earlier visit. */
void uvm_activate(struct mm *mm);

/* This hart leaves mm for the kernel's own table (the scheduler, exit). */
void uvm_deactivate(struct mm *mm);

/* The kernel's ASID set-up: probe this hart's ASID bits, or force none. */
void uvm_init_asids(bool force_none);

/* The shared zero page that reads of untouched private anonymous memory
 * map (uvm.c); -ENOMEM if no page for it. */
int uvm_zero_page_init(void);
unsigned int uvm_asid_bits(void);

/*
 * The calls below that change regions (add, unmap, protect, find_free,
 * brk) expect the caller to hold mm->lock (interrupts off), so that they
 * and the page faults of other threads see one another whole; uvm_fault
 * and uvm_fork take it themselves.
 *
 * Add a region [start, start+len) with prot (no pages yet: they come on
 * first touch).  -EINVAL for a bad or kernel-half range, -EEXIST if it
 * overlaps a region, -ENOMEM.
 */
int uvm_add_region(struct mm *mm, vaddr_t start, size_t len, uint32_t prot, uint32_t flags);

/* The same for a mapping of file (which the region then holds a reference
 * to) from page pgoff on; flags may have VMA_SHARED. */
int uvm_add_file_region(struct mm *mm, vaddr_t start, size_t len, uint32_t prot, uint32_t flags,
			struct file *file, uint64_t pgoff);

/* Without mm->lock: put the files of the regions unmapping took out. */
void uvm_reap(struct mm *mm);

/* Remove regions and pages in [start, start+len) (munmap semantics). */
int uvm_unmap(struct mm *mm, vaddr_t start, size_t len);

/* Change the protection of [start, start+len) (mprotect semantics). */
int uvm_protect(struct mm *mm, vaddr_t start, size_t len, uint32_t prot);

/* Is every page of [start, end) in some region? */
bool uvm_range_mapped(struct mm *mm, vaddr_t start, vaddr_t end);

/*
 * A file shrank to size: every mapping of ino, in every address space,
 * loses its pages (the file's, and private copies of them) from the page
 * past the new end on, so the next touch faults and gets SIGBUS, as on
 * Linux.  Takes proc_tree_lock, then each mm->lock: hold neither.
 */
struct inode;
void uvm_truncate_mappings(const struct inode *ino, uint64_t size);

/*
 * mincore: for up to n pages from va, as far as the region at va goes,
 * vec[i] = 1 if the page is mapped, 0 if not, UVM_MINCORE_ASK if not but
 * it is a file's page (whose cache may hold it): then *file (counted: put
 * it) and *pg, the file page at va.  How many pages; 0 if va is in no
 * region.  Takes mm->lock.
 */
#define UVM_MINCORE_ASK 2
size_t uvm_mincore(struct mm *mm, vaddr_t va, size_t n, uint8_t *vec, struct file **file,
		   uint64_t *pg);

/*
 * What the memory at va is, for a shared futex's key (Linux's
 * get_futex_key): in a MAP_SHARED region, its file's inode (counted: the
 * caller puts it) and va's byte offset in the file, the same in every
 * process that maps it; elsewhere *ino NULL.  -EFAULT if va is in no region
 * or a PROT_NONE one.  Takes mm->lock.
 */
int uvm_shared_object(struct mm *mm, vaddr_t va, struct inode **ino, uint64_t *off);

/* Drop the pages of [start, end), keeping the regions (MADV_DONTNEED): the
 * next touch faults in a zeroed page, or the file's page again. */
void uvm_zap(struct mm *mm, vaddr_t start, vaddr_t end);

/*
 * mremap of [addr, addr+old_len) (page-aligned lengths, checked by the
 * caller) to new_len: shrink or grow in place, else with may_move to a
 * free range (fixed: to fixed, unmapping what was there), the pages
 * moving with it.  The new address, or -EFAULT (the old range is not in
 * one region), -ENOMEM.
 */
long uvm_remap(struct mm *mm, vaddr_t addr, size_t old_len, size_t new_len, bool may_move,
	       vaddr_t fixed);

/* A free range of len bytes below USER_MMAP_TOP, or 0. */
vaddr_t uvm_find_free(struct mm *mm, size_t len);

/* Move the heap's end (brk semantics: returns the new, or old, break). */
vaddr_t uvm_brk(struct mm *mm, vaddr_t new_brk);

/*
 * Resolve a fault at addr: is_write/is_exec say which access.  Returns 0 if
 * the page is now mapped (demand zero, a file's page, copy on write),
 * -EFAULT if addr is in no region, -EACCES if its region forbids the access
 * (the caller sends SIGSEGV with SEGV_MAPERR or SEGV_ACCERR), -ENXIO if it
 * maps a whole page past the end of its file (SIGBUS, BUS_ADRERR), -ENOMEM
 * if no page could be had.  A file's page may have to be read (sleeping),
 * so the fault takes mm->lock itself and must be called without it;
 * may_sleep false (a copy with interrupts off) makes such a fault -EFAULT.
 */
int uvm_fault(struct mm *mm, vaddr_t addr, bool is_write, bool is_exec, bool may_sleep);

/*
 * Fault in the pages of [addr, addr+len) that lie in file mappings (for
 * writing if write) before a file system copies to or from them with its
 * own lock held: a file page's fault may need that lock (see
 * docs/user-memory.md, "File mappings").  Stops at the first failure; the
 * copy then reports it.
 */
void uvm_prefault_files(struct mm *mm, vaddr_t addr, size_t len, bool write);

/*
 * After uvm_fault answered 0 to a fault of the kernel's own user copy: is
 * the page at va now mapped for it, in the tables satp names?  If not, the
 * copy would fault again and again (no signal is looked at in between), so
 * the caller makes it fail with EFAULT instead; a page that is there but
 * still refuses, or satp naming other tables, is a kernel bug and said once
 * on the console.
 */
bool uvm_fault_took(struct mm *mm, vaddr_t va, bool is_write);

/* The protection of the region holding va, or -ENOENT. */
int uvm_region_prot(struct mm *mm, vaddr_t va);

/* The page at va (in a region), mapped now if it was not (zeroed), as a
 * kernel address for exec to fill; NULL on error. */
void *uvm_page_for_kernel(struct mm *mm, vaddr_t va);

/*
 * mm->lock held: the kernel's address of the aligned 32-bit user word at
 * va, if its page is mapped now for user reads (and writes, if write),
 * else NULL (the caller faults it in with uvm_fault and tries again).
 * futex uses it to read and change a word atomically through the kernel's
 * own mapping, with no user access and no TLB of the space involved.
 */
uint32_t *uvm_user_word(struct mm *mm, vaddr_t va, bool write);

/*
 * The pages mapped in mm's user half now: its resident set, as the
 * out-of-memory killer and /proc/<pid>/status (VmRSS) see it.  A page
 * shared after fork counts in each sharer, as on Linux.  Another process's
 * mm may be read while it cannot be freed (under proc_tree_lock: exit and
 * exec change p->mm only under it).
 */
size_t uvm_resident_pages(struct mm *mm);

/*
 * Copy up to len bytes at va of another process's mm (under
 * proc_tree_lock, so mm stays), stopping at the first page not present
 * or not readable: the count copied.  For /proc/<pid>/cmdline and environ,
 * which Linux also reads from the process's memory.  Not synchronised
 * with the owner's munmap: a page it frees meanwhile may be read stale.
 */
size_t uvm_read_other(struct mm *mm, vaddr_t va, void *buf, size_t len);

/* Call fn on each region of mm in address order under mm->lock, which
 * every change to the list takes (so a region's file stays open
 * meanwhile: fn must not sleep), for /proc/<pid>/maps, stat and status. */
void uvm_regions_each(struct mm *mm, void (*fn)(const struct vma *v, void *arg), void *arg);

/* The file (counted) of the first region at or past *from that maps a
 * file with no /proc/<pid>/maps name yet, *from moved past the region; or
 * NULL.  For naming them before the maps are made under mm->lock. */
struct file *uvm_unnamed_file(struct mm *mm, vaddr_t *from);

/* A copy of mm sharing every page copy-on-write (fork), or NULL. */
struct mm *uvm_fork(struct mm *mm);

#endif
