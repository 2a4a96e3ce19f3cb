/*
 * The UART drivers against fake register files: the 16550 layout at
 * reg-shift 0 with byte access (ns16550a on QEMU virt) and at reg-shift 2
 * with 32-bit access (snps,dw-apb-uart on the VisionFive 2, where LSR is at
 * +0x14), and the SiFive UART.  QEMU emulates no DesignWare UART, so this is
 * where that layout is checked.
 */
#include <string.h>

#include <sluice/uart.h>

#include "host_stubs.h"

#define LSR_DR	 0x01
#define LSR_THRE 0x20

/* 16550 at reg-shift 0, 8-bit registers: THR/RBR at +0, LSR at +5. */
static void test_ns16550_bytes(void)
{
	uint8_t regs[8];
	struct uart_port port = {.base = (uintptr_t)regs, .reg_shift = 0, .reg_io_width = 1};

	memset(regs, 0, sizeof(regs));
	regs[5] = LSR_THRE;
	uart_ns16550_ops.putc(&port, 'A');
	CHECK_EQ(regs[0], 'A');
	CHECK_EQ(uart_ns16550_ops.getc(&port), -1); /* DR clear: nothing waiting */
	regs[5] |= LSR_DR;
	regs[0] = 'z';
	CHECK_EQ(uart_ns16550_ops.getc(&port), 'z');
}

/* DesignWare APB: registers 4 bytes apart, accessed as 32-bit words. */
static void test_dw_apb_words(void)
{
	uint32_t regs[8];
	struct uart_port port = {.base = (uintptr_t)regs, .reg_shift = 2, .reg_io_width = 4};

	memset(regs, 0xff, sizeof(regs));
	regs[5] = LSR_THRE;		   /* LSR at byte offset 0x14 */
	uart_ns16550_ops.putc(&port, 'B'); /* over 0xffffffff: a byte store would leave ff's */
	CHECK_EQ(regs[0], 'B');		   /* a whole word written: upper bytes zero */
	CHECK_EQ(regs[1], 0xffffffffu);	   /* nothing else touched */
	CHECK_EQ(uart_ns16550_ops.getc(&port), -1);
	regs[5] = LSR_THRE | LSR_DR;
	regs[0] = 0xabcd0071; /* only the low byte is data */
	CHECK_EQ(uart_ns16550_ops.getc(&port), 0x71);
}

/* SiFive: txdata at +0 (bit 31: FIFO full), rxdata at +4 (bit 31: empty). */
static void test_sifive(void)
{
	uint32_t regs[4] = {0};
	struct uart_port port = {.base = (uintptr_t)regs};

	uart_sifive_ops.putc(&port, 'C');
	CHECK_EQ(regs[0], 'C');
	regs[1] = 1u << 31;
	CHECK_EQ(uart_sifive_ops.getc(&port), -1);
	regs[1] = 'q';
	CHECK_EQ(uart_sifive_ops.getc(&port), 'q');
}

int main(void)
{
	test_ns16550_bytes();
	test_dw_apb_words();
	test_sifive();
	printf("test_uart: ok\n");
	return 0;
}
