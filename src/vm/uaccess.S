/*
 * Byte copies to and from user memory.  Each load or store that touches user
 * memory is listed in __ex_table with a fixup address: if it faults and the
 * page-fault handler cannot map the page, the trap returns to the fixup
 * instead of panicking, and the copy reports how many bytes it did not copy.
 * The caller (uaccess.c) sets sstatus.SUM around the call: S-mode may touch
 * user pages only then.
 */
	.section .text

/* Record that the instruction at label 1 may fault; resume at label 9. */
.macro EX_ENTRY insn:vararg
1:	\insn
	.pushsection __ex_table, "a"
	.balign 8
	.dword	1b, 9f
	.popsection
.endm

/* size_t __uaccess_copy(void *dst, const void *src, size_t n): bytes NOT copied. */
	.globl __uaccess_copy
__uaccess_copy:
	beqz	a2, 8f
2:	EX_ENTRY lbu t0, 0(a1)
	EX_ENTRY sb t0, 0(a0)
	addi	a0, a0, 1
	addi	a1, a1, 1
	addi	a2, a2, -1
	bnez	a2, 2b
8:	li	a0, 0
	ret
9:	mv	a0, a2
	ret

/*
 * long __uaccess_strncpy(char *dst, const char *src, size_t n): copy up to
 * and including the NUL, at most n bytes.  Returns the string's length, n if
 * no NUL came within n bytes, or -1 on a fault.
 */
	.globl __uaccess_strncpy
__uaccess_strncpy:
	li	t1, 0
3:	beq	t1, a2, 8f
	EX_ENTRY lbu t0, 0(a1)
	sb	t0, 0(a0)
	beqz	t0, 8f
	addi	a0, a0, 1
	addi	a1, a1, 1
	addi	t1, t1, 1
	j	3b
8:	mv	a0, t1
	ret
9:	li	a0, -1
	ret
