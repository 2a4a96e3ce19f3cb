/*
 * low: a program linked at 0x1000 (-Ttext-segment), the lowest address
 * Linux's mmap_min_addr lets a program use, for t_exec.c exec_low.
 */
#include "mini.h"

MINI_START(low_main);

HIDDEN uint64_t low_main(const uint64_t *sp)
{
	(void)sp;
	mini_puts("low: running at ");
	mini_putx((uint64_t)__ehdr_start);
	mini_puts("\n");
	mini_exit(0);
	return 0;
}
