/*
 * Copies to, from and clearing of user memory.  Each load or store that
 * touches user memory is listed in __ex_table with a fixup address: if it
 * faults and the page-fault handler cannot map the page, the trap returns to
 * the fixup instead of panicking.  The caller (uaccess.c) sets sstatus.SUM
 * around the call: S-mode may touch user pages only then.
 *
 * The copies move 8-byte words: a byte head until the destination is
 * aligned, words (eight per loop turn while 64 bytes remain), a byte tail.
 * Every word access is naturally aligned, so it lies in one page (a page
 * holds whole words) and never traps as misaligned (the U74 would emulate
 * that in firmware, slowly).  Where source and destination differ in
 * alignment, each destination word is put together from two aligned source
 * words with shifts; the extra bytes read share a word, and so a page, with
 * a byte of the range.
 *
 * The result is the number of bytes NOT copied, exactly as a byte copy
 * would leave it: a fault in a word loop goes to .Lcopy_redo, which goes on
 * a byte at a time from the last whole word stored (the word loops move the
 * pointers only after their stores), so the byte loop stops on the first
 * byte that cannot be reached.  Bytes of a loop turn stored before a later
 * store of it faulted are stored again, with the same values.
 */
	.section .text

/* Record that insn may fault; resume at fixup. */
.macro UACCESS fixup, insn:vararg
.Luaccess_\@:
	\insn
	.pushsection __ex_table, "a"
	.balign 8
	.dword	.Luaccess_\@, \fixup
	.popsection
.endm

/*
 * size_t __uaccess_copy(void *dst, const void *src, size_t n): a0 = dst,
 * a1 = src, a2 = bytes left.  Returns the bytes NOT copied.
 */
	.globl __uaccess_copy
__uaccess_copy:
	li	t0, 16
	bltu	a2, t0, .Lcopy_bytes	/* too short to gain from words */
	andi	t0, a0, 7
	beqz	t0, 2f
1:	/* Byte head: until dst is aligned (a2 stays above 8). */
	UACCESS .Lcopy_fault, lbu t1, 0(a1)
	UACCESS .Lcopy_fault, sb t1, 0(a0)
	addi	a0, a0, 1
	addi	a1, a1, 1
	addi	a2, a2, -1
	andi	t0, a0, 7
	bnez	t0, 1b
2:	andi	t0, a1, 7
	bnez	t0, .Lcopy_shifted
	li	t0, 64
	bltu	a2, t0, .Lcopy_words
3:	/* Same alignment: 64 bytes a turn, all loads before all stores. */
	UACCESS .Lcopy_redo, ld t1, 0(a1)
	UACCESS .Lcopy_redo, ld t2, 8(a1)
	UACCESS .Lcopy_redo, ld t3, 16(a1)
	UACCESS .Lcopy_redo, ld t4, 24(a1)
	UACCESS .Lcopy_redo, ld t5, 32(a1)
	UACCESS .Lcopy_redo, ld t6, 40(a1)
	UACCESS .Lcopy_redo, ld a3, 48(a1)
	UACCESS .Lcopy_redo, ld a4, 56(a1)
	UACCESS .Lcopy_redo, sd t1, 0(a0)
	UACCESS .Lcopy_redo, sd t2, 8(a0)
	UACCESS .Lcopy_redo, sd t3, 16(a0)
	UACCESS .Lcopy_redo, sd t4, 24(a0)
	UACCESS .Lcopy_redo, sd t5, 32(a0)
	UACCESS .Lcopy_redo, sd t6, 40(a0)
	UACCESS .Lcopy_redo, sd a3, 48(a0)
	UACCESS .Lcopy_redo, sd a4, 56(a0)
	addi	a0, a0, 64
	addi	a1, a1, 64
	addi	a2, a2, -64
	bgeu	a2, t0, 3b
.Lcopy_words:
	li	t0, 8
	bltu	a2, t0, .Lcopy_bytes
4:	UACCESS .Lcopy_redo, ld t1, 0(a1)
	UACCESS .Lcopy_redo, sd t1, 0(a0)
	addi	a0, a0, 8
	addi	a1, a1, 8
	addi	a2, a2, -8
	bgeu	a2, t0, 4b
	j	.Lcopy_bytes

.Lcopy_shifted:
	/*
	 * dst aligned, src = an aligned address a3 plus t0 (1..7) bytes.
	 * Little-endian: the dst word is the high 8 - t0 bytes of the word at
	 * a3 (shifted right by 8*t0 bits) and the low t0 bytes of the next
	 * (shifted left by 64 - 8*t0: sll takes the shift amount mod 64).
	 * t1 carries the previous source word from turn to turn.
	 */
	sub	a3, a1, t0
	slli	t5, t0, 3
	neg	t6, t5
	li	t0, 8
	UACCESS .Lcopy_redo, ld t1, 0(a3)
5:	UACCESS .Lcopy_redo, ld t2, 8(a3)
	srl	t3, t1, t5
	sll	t4, t2, t6
	or	t3, t3, t4
	UACCESS .Lcopy_redo, sd t3, 0(a0)
	mv	t1, t2
	addi	a3, a3, 8
	addi	a0, a0, 8
	addi	a1, a1, 8
	addi	a2, a2, -8
	bgeu	a2, t0, 5b

.Lcopy_bytes:
.Lcopy_redo:
	beqz	a2, 7f
6:	UACCESS .Lcopy_fault, lbu t1, 0(a1)
	UACCESS .Lcopy_fault, sb t1, 0(a0)
	addi	a0, a0, 1
	addi	a1, a1, 1
	addi	a2, a2, -1
	bnez	a2, 6b
7:	li	a0, 0
	ret
.Lcopy_fault:
	mv	a0, a2
	ret

/*
 * size_t __uaccess_zero(void *dst, size_t n): store n zero bytes at dst,
 * the same way (byte head, words, byte tail; a word fault goes on by bytes).
 * Returns the bytes NOT cleared.
 */
	.globl __uaccess_zero
__uaccess_zero:
	li	t0, 16
	bltu	a1, t0, .Lzero_bytes
	andi	t0, a0, 7
	beqz	t0, 2f
1:	UACCESS .Lzero_fault, sb zero, 0(a0)
	addi	a0, a0, 1
	addi	a1, a1, -1
	andi	t0, a0, 7
	bnez	t0, 1b
2:	li	t0, 64
	bltu	a1, t0, .Lzero_words
3:	UACCESS .Lzero_redo, sd zero, 0(a0)
	UACCESS .Lzero_redo, sd zero, 8(a0)
	UACCESS .Lzero_redo, sd zero, 16(a0)
	UACCESS .Lzero_redo, sd zero, 24(a0)
	UACCESS .Lzero_redo, sd zero, 32(a0)
	UACCESS .Lzero_redo, sd zero, 40(a0)
	UACCESS .Lzero_redo, sd zero, 48(a0)
	UACCESS .Lzero_redo, sd zero, 56(a0)
	addi	a0, a0, 64
	addi	a1, a1, -64
	bgeu	a1, t0, 3b
.Lzero_words:
	li	t0, 8
	bltu	a1, t0, .Lzero_bytes
4:	UACCESS .Lzero_redo, sd zero, 0(a0)
	addi	a0, a0, 8
	addi	a1, a1, -8
	bgeu	a1, t0, 4b
.Lzero_bytes:
.Lzero_redo:
	beqz	a1, 6f
5:	UACCESS .Lzero_fault, sb zero, 0(a0)
	addi	a0, a0, 1
	addi	a1, a1, -1
	bnez	a1, 5b
6:	li	a0, 0
	ret
.Lzero_fault:
	mv	a0, a1
	ret

/*
 * long __uaccess_strncpy(char *dst, const char *src, size_t n): copy up to
 * and including the NUL, at most n bytes.  Returns the string's length, n if
 * no NUL came within n bytes, or -1 on a fault.  Bytes: strings (paths,
 * arguments) are short, and a word read could not stop at the NUL.
 */
	.globl __uaccess_strncpy
__uaccess_strncpy:
	li	t1, 0
3:	beq	t1, a2, 8f
	UACCESS 9f, lbu t0, 0(a1)
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
