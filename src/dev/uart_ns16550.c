/*
 * 16550-compatible UART, polled.  The DesignWare APB UART is the same
 * register set with registers 4 bytes apart (reg-shift 2) that must be
 * accessed 32 bits wide (reg-io-width 4).  The firmware has already set the
 * baud rate; we leave it alone.
 */
#include <sluice/driver.h>
#include <sluice/uart.h>

#define UART_RBR      0	   /* receive buffer (read) */
#define UART_THR      0	   /* transmit holding (write) */
#define UART_IER      1	   /* interrupt enable */
#define UART_IER_RDI  0x01 /* received data available */
#define UART_IER_THRI 0x02 /* transmit holding register empty */
#define UART_MCR      4	   /* modem control */
#define UART_MCR_OUT2 0x08 /* gates the interrupt line on PC-style 16550s */
#define UART_LSR      5	   /* line status */
#define UART_LSR_DR   0x01 /* data ready */
#define UART_LSR_THRE 0x20 /* transmit holding register empty */

static uint32_t ns16550_read(struct uart_port *port, unsigned int reg)
{
	uintptr_t addr = port->base + ((uintptr_t)reg << port->reg_shift);

	if (port->reg_io_width == 4)
		return *(volatile uint32_t *)addr;
	return *(volatile uint8_t *)addr;
}

static void ns16550_write(struct uart_port *port, unsigned int reg, uint32_t val)
{
	uintptr_t addr = port->base + ((uintptr_t)reg << port->reg_shift);

	if (port->reg_io_width == 4)
		*(volatile uint32_t *)addr = val;
	else
		*(volatile uint8_t *)addr = (uint8_t)val;
}

static void ns16550_putc(struct uart_port *port, char c)
{
	while (!(ns16550_read(port, UART_LSR) & UART_LSR_THRE))
		;
	ns16550_write(port, UART_THR, (unsigned char)c);
}

static int ns16550_getc(struct uart_port *port)
{
	if (!(ns16550_read(port, UART_LSR) & UART_LSR_DR))
		return -1;
	return (int)(ns16550_read(port, UART_RBR) & 0xff);
}

static void ns16550_enable_rx_irq(struct uart_port *port)
{
	ns16550_write(port, UART_MCR, ns16550_read(port, UART_MCR) | UART_MCR_OUT2);
	ns16550_write(port, UART_IER, ns16550_read(port, UART_IER) | UART_IER_RDI);
}

static bool ns16550_tx_ready(struct uart_port *port)
{
	return ns16550_read(port, UART_LSR) & UART_LSR_THRE;
}

static void ns16550_tx_irq(struct uart_port *port, bool on)
{
	uint32_t ier = ns16550_read(port, UART_IER);

	ns16550_write(port, UART_IER, on ? ier | UART_IER_THRI : ier & ~UART_IER_THRI);
}

const struct uart_ops uart_ns16550_ops = {
	.putc = ns16550_putc,
	.getc = ns16550_getc,
	.enable_rx_irq = ns16550_enable_rx_irq,
	.tx_ready = ns16550_tx_ready,
	.tx_irq = ns16550_tx_irq,
};

/* The console matches stdout-path's node against these (console.c). */
static const char *const ns16550_compatible[] = {"ns16550a", "ns16550", "snps,dw-apb-uart", NULL};

DRIVER(ns16550_driver) = {
	.name = "ns16550",
	.compatible = ns16550_compatible,
	.uart = &uart_ns16550_ops,
};
