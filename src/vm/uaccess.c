/* Safe user-memory access: see <sluice/uaccess.h> and uaccess.S. */
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/printk.h>
#include <sluice/riscv.h>
#include <sluice/trace.h>
#include <sluice/uaccess.h>

size_t __uaccess_copy(void *dst, const void *src, size_t n);
size_t __uaccess_zero(void *dst, size_t n);
long __uaccess_strncpy(char *dst, const char *src, size_t n);

struct ex_entry {
	unsigned long insn, fixup;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

bool user_range_ok(const void *uaddr, size_t n)
{
	uintptr_t a = (uintptr_t)uaddr;

	return a + n >= a && a + n <= USER_VA_END;
}

/*
 * The one copy both directions share: uaddr is whichever side is user
 * memory.  SUM (S-mode may touch U pages) is set for the copy alone; a trap
 * taken inside it runs its handler with SUM clear (trap_entry clears it),
 * and trap_return gives it back with the saved sstatus.
 */
static size_t user_copy(void *dst, const void *src, size_t n, const void *uaddr)
{
	size_t left;

	if (!user_range_ok(uaddr, n))
		return n;
	csr_set(CSR_SSTATUS, SSTATUS_SUM);
	left = __uaccess_copy(dst, src, n);
	csr_clear(CSR_SSTATUS, SSTATUS_SUM);
	return left;
}

size_t raw_copy_from_user(void *dst, const void *usrc, size_t n)
{
	return user_copy(dst, usrc, n, usrc);
}

size_t raw_copy_to_user(void *udst, const void *src, size_t n)
{
	return user_copy(udst, src, n, udst);
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	return raw_copy_from_user(dst, usrc, n) ? -EFAULT : 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	return raw_copy_to_user(udst, src, n) ? -EFAULT : 0;
}

size_t clear_user(void *udst, size_t n)
{
	size_t left;

	if (!user_range_ok(udst, n))
		return n;
	csr_set(CSR_SSTATUS, SSTATUS_SUM);
	left = __uaccess_zero(udst, n);
	csr_clear(CSR_SSTATUS, SSTATUS_SUM);
	return left;
}

long strncpy_from_user(char *dst, const char *usrc, size_t size)
{
	long len = strncpy_from_user_quiet(dst, usrc, size);

	if (__builtin_expect(trace_on, 0) && len >= 0)
		trace_copy_str(usrc, dst, len);
	return len;
}

long strncpy_from_user_quiet(char *dst, const char *usrc, size_t size)
{
	uintptr_t a = (uintptr_t)usrc;
	size_t n = size;
	long len;

	if (a >= USER_VA_END)
		return -EFAULT;
	if (n > USER_VA_END - a)
		n = USER_VA_END - a; /* stop at the end of user space */
	csr_set(CSR_SSTATUS, SSTATUS_SUM);
	len = __uaccess_strncpy(dst, usrc, n);
	csr_clear(CSR_SSTATUS, SSTATUS_SUM);
	if (len < 0)
		return -EFAULT;
	if ((size_t)len == size)
		return -ENAMETOOLONG;
	if ((size_t)len == n) /* ran into the end of user space */
		return -EFAULT;
	return len;
}

static unsigned long sum_leaks;

void uaccess_check_closed(const char *where)
{
	if (!(csr_read(CSR_SSTATUS) & SSTATUS_SUM))
		return;
	/* Once: the first says what is wrong; more would flood the console. */
	if (__atomic_fetch_add(&sum_leaks, 1, __ATOMIC_RELAXED) == 0)
		printk("BUG: sstatus.SUM set in %s: user memory open outside the helpers\n", where);
}

bool uaccess_fixup(struct trap_frame *tf)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn == tf->sepc) {
			tf->sepc = e->fixup;
			return true;
		}
	}
	return false;
}
