/*
 * Out of memory: what a user page fault does when no page is free
 * (src/vm/oom.c, docs/robustness.md).
 *
 * Memory a program asks for (brk, mmap) is not reserved, as on Linux by
 * default: pages come on first touch, so the moment the machine runs out
 * is a page fault, in user mode or in a system call copying to or from
 * user memory.  Then, as Linux's OOM killer does: first reclaim what can
 * be given back without killing, then kill the process with the largest
 * resident set (never init), say so on the console, and let the process
 * that faulted wait for the victim's memory and carry on.
 *
 * The kernel's own allocations (kmalloc, page tables, kernel stacks) do not
 * come here: they fail at once and the system call returns -ENOMEM (fork
 * -EAGAIN at the process limit, open -ENFILE at the file limit).
 */
#ifndef SLUICE_OOM_H
#define SLUICE_OOM_H

#include <sluice/types.h>

struct mm;

/*
 * uvm_fault(mm, addr, is_write, is_exec, may_wait), and when it finds no page, the
 * policy above, then try again.  may_wait: the fault came where interrupts
 * were on, so no spinlock is held and the caller may give up the hart while
 * the victim dies.  from_user: a user-mode access (it holds nothing, so it
 * waits as long as the victim takes); else a copy in a system call, which
 * may hold a sleeping lock the victim wants, so it waits at most
 * OOM_KERNEL_WAIT_MS.
 *
 * Returns uvm_fault's 0 or -EFAULT, or -ENOMEM: the caller itself was
 * chosen (SIGKILL is pending: it dies on its way out of the kernel), or it
 * could not wait, or its wait ran out.
 */
int oom_fault(struct mm *mm, vaddr_t addr, bool is_write, bool is_exec, bool from_user,
	      bool may_wait);

#define OOM_KERNEL_WAIT_MS 5000

#endif
