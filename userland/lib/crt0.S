/*
 * crt0.S - where a Sluice user program starts, and the signal return
 * trampoline.
 *
 * The kernel enters _start as Linux does: sp points at argc, then argv[]
 * (NULL-terminated), envp[] (NULL-terminated) and the auxiliary vector
 * (type, value pairs ending with AT_NULL); sp is 16-byte aligned; the other
 * registers hold nothing we rely on.  Everything past setting gp is C
 * (__libc_start in start.c).
 */
	.section .text.start, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	/*
	 * gp must be loaded without relaxation: relaxed, the assembler
	 * would turn this into "mv gp, gp" relative to the gp we are setting.
	 */
	.option push
	.option norelax
	lla	gp, __global_pointer$
	.option pop
	mv	a0, sp
	/* End of the frame-pointer chain and of the return-address chain. */
	li	s0, 0
	li	ra, 0
	andi	sp, sp, -16
	call	__libc_start
	/* __libc_start does not return; trap if it ever does. */
	unimp
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
