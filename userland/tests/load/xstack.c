/*
 * xstack: calls an instruction it wrote on its stack.  Linked with
 * -z execstack (PT_GNU_STACK with PF_X) it must exit 0; with -z
 * noexecstack it must die of SIGSEGV (t_exec.c exec_stack).
 */
#include "mini.h"

MINI_START(xstack_main);

HIDDEN uint64_t xstack_main(const uint64_t *sp)
{
	volatile uint16_t code[2] = {0x8082, 0x0001}; /* c.ret; c.nop */

	(void)sp;
	__asm__ volatile("fence.i" ::: "memory");
	((void (*)(void))(uintptr_t)code)();
	mini_puts("xstack: ran code on the stack\n");
	mini_exit(0);
	return 0;
}
