/*
 * The only way the kernel touches user memory.  Each helper checks that the
 * range lies in the user half, sets sstatus.SUM for the copy alone, and turns
 * a fault on an unmapped or forbidden user address into -EFAULT (through the
 * exception-fixup table) instead of a panic.  Everywhere else SUM is clear,
 * so a stray kernel dereference of a user pointer faults and is reported.
 */
#ifndef SLUICE_UACCESS_H
#define SLUICE_UACCESS_H

#include <sluice/trap.h>
#include <sluice/types.h>

/* 0, or -EFAULT if any byte could not be copied. */
int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);

/*
 * The same, returning the number of bytes NOT copied (0: all of them).  A
 * fault stops the copy at the first byte that cannot be reached: every byte
 * before it was copied, none after it.  A range not wholly in the user
 * half copies nothing.
 */
size_t raw_copy_from_user(void *dst, const void *usrc, size_t n);
size_t raw_copy_to_user(void *udst, const void *src, size_t n);

/* Store n zero bytes at udst; returns the bytes NOT cleared, as above. */
size_t clear_user(void *udst, size_t n);

/*
 * Copy a NUL-terminated user string into dst (size bytes).  Returns its
 * length, -EFAULT, or -ENAMETOOLONG if it does not fit.
 */
long strncpy_from_user(char *dst, const char *usrc, size_t size);
/* The same, never traced (the tracer's own copies of string arguments). */
long strncpy_from_user_quiet(char *dst, const char *usrc, size_t size);

/* Is [uaddr, uaddr+n) entirely in the user half, without wrapping? */
bool user_range_ok(const void *uaddr, size_t n);

/*
 * Check that user memory is closed (sstatus.SUM clear), as it must be
 * everywhere but inside the helpers above: in every trap handler (the trap
 * entry clears SUM) and after every context switch.  If it is open, say so
 * once on the console, as "BUG: ..." (which fails every QEMU test case).
 * where names the place, for that message.
 */
void uaccess_check_closed(const char *where);

/*
 * Called for a kernel-mode fault: if the faulting instruction is in the
 * exception table, point sepc at its fixup and return true.
 */
bool uaccess_fixup(struct trap_frame *tf);

#endif
