/*
 * The kernel's first instructions.  OpenSBI (or U-Boot's booti) jumps to the
 * start of the image in S-mode with the MMU off:
 *   a0 = this hart's id (any hart may be first), a1 = device tree (physical),
 *   satp = 0, interrupts off.
 * We run at whatever physical address we were loaded, so until the MMU is on
 * only PC-relative addressing (la, call) may be used.  We build the boot page
 * table, turn on Sv39, continue at the kernel's high virtual address, and
 * call kmain.  docs/boot.md tells the whole story.
 */
#include <sluice/riscv.h>

	.section .head.text, "ax"
	.option push
	.option norvc		/* the header's fields sit at fixed offsets */
	.globl _start
_start:
	/* The Linux RISC-V boot image header (64 bytes), which booti checks. */
	j	boot_entry			/* code0 */
	.word	0				/* code1 */
	.dword	0x200000			/* text_offset: load at RAM + 2 MiB */
	.dword	__image_size			/* image_size, bss included */
	.dword	0				/* flags: little endian */
	.word	2				/* version 0.2 */
	.word	0				/* res1 */
	.dword	0				/* res2 */
	.ascii	"RISCV\0\0\0"			/* magic (deprecated) */
	.ascii	"RSC\x05"			/* magic2 */
	.word	0				/* res3 */
	.option pop

boot_entry:
	/* Boot cost is measured from here (docs/boot.md: "Measuring"). */
	csrr	s2, CSR_INSTRET

	/*
	 * One hart boots; any later arrival is a hart that hart_start sent to
	 * secondary_entry.  Debian's OpenSBI 1.1 marks a hart STARTING before
	 * it stores the start address, so a waiting hart that wakes in between
	 * jumps to the firmware's default address, the start of this image.
	 * Booting again would zero bss under the running kernel: the flag
	 * (in .data, set by whoever swaps it first) sends it on instead.
	 */
	lla	t0, boot_taken
	li	t1, 1
	amoswap.w.aqrl t1, t1, (t0)
	bnez	t1, secondary_entry

	mv	s0, a0			/* hart id */
	mv	s1, a1			/* device tree, physical */

	/* A trap before we are ready: spin where a debugger can see it. */
	la	t0, boot_trap_spin
	csrw	CSR_STVEC, t0
	csrw	CSR_SIE, zero
	csrw	CSR_SSCRATCH, zero

	/* Zero bss: the boot loader copies only the file, not bss. */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	la	sp, boot_stack_top

	/* Build the boot page table; a0 = satp value, or 0 if we cannot run. */
	mv	a0, s1
	call	boot_map_early
	beqz	a0, boot_fail

	/*
	 * Turn on translation.  The instruction after the satp write is
	 * fetched through the new table, where this physical address is not
	 * mapped: the fetch faults, and the trap goes to stvec, which we point
	 * at the same instruction's virtual address.  So we arrive high without
	 * ever identity-mapping the image.
	 */
	la	t0, _start
	li	t1, 0xffffffff80000000
	sub	s3, t1, t0		/* s3 = virtual - physical */
	la	t0, 3f
	add	t0, t0, s3
	csrw	CSR_STVEC, t0
	sfence.vma
	csrw	CSR_SATP, a0
	.align 2
3:
	/* Now at the virtual address.  Move the stack pointer there too. */
	la	t0, boot_trap_spin
	csrw	CSR_STVEC, t0
	add	sp, sp, s3
	la	t0, _start
	sub	a3, t0, s3		/* a3 = physical address of the image */
	mv	a0, s0
	mv	a1, s1
	mv	a2, s2
	call	kmain
	j	boot_trap_spin

/*
 * Where a hart started by SBI HSM (hart.c) arrives: a0 = its hart id, MMU
 * off.  The starting hart left the kernel's satp, this hart's stack and its
 * struct hart in secondary_satp/_sp/_tp.  Same trick as above to go high.
 */
	.globl secondary_entry
	.align 2
secondary_entry:
	la	t0, boot_trap_spin
	csrw	CSR_STVEC, t0
	csrw	CSR_SIE, zero
	csrw	CSR_SSCRATCH, zero
	la	t0, secondary_satp
	ld	a2, 0(t0)
	la	t0, _start
	li	t1, 0xffffffff80000000
	sub	s3, t1, t0
	la	t0, 5f
	add	t0, t0, s3
	csrw	CSR_STVEC, t0
	sfence.vma
	csrw	CSR_SATP, a2
	.align 2
5:
	sfence.vma
	la	t0, boot_trap_spin
	csrw	CSR_STVEC, t0
	la	t0, secondary_sp	/* PC-relative, and the PC is virtual now */
	ld	sp, 0(t0)
	la	t0, secondary_tp
	ld	tp, 0(t0)
	call	secondary_main
	j	boot_trap_spin

boot_fail:
	/* The image is not 2 MiB aligned: say so through SBI and stop. */
	la	s4, boot_fail_msg
4:	lbu	a0, 0(s4)
	beqz	a0, boot_trap_spin
	li	a7, 0x01		/* legacy console_putchar */
	ecall
	addi	s4, s4, 1
	j	4b

	.align 2
boot_trap_spin:
	wfi
	j	boot_trap_spin

	.section .rodata
boot_fail_msg:
	.asciz	"sluice: cannot start: the kernel image must be loaded at a 2 MiB aligned address\r\n"

	.section .data
	.align 2
/* Nonzero once a hart has begun to boot (boot_entry). */
boot_taken:
	.word	0
