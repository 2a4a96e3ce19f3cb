/*
 * SiFive UART ("sifive,uart0"), polled.  Registers are 32 bits wide; txdata
 * bit 31 says the transmit FIFO is full, rxdata bit 31 that the receive FIFO
 * is empty.  The firmware has enabled the transmitter and set the divisor.
 */
#include <sluice/uart.h>

#define SIFIVE_TXDATA 0x00
#define SIFIVE_RXDATA 0x04
#define SIFIVE_FIFO_FLAG (1u << 31)

static volatile uint32_t *sifive_reg(struct uart_port *port, unsigned int off)
{
	return (volatile uint32_t *)(port->base + off);
}

static void sifive_putc(struct uart_port *port, char c)
{
	while (*sifive_reg(port, SIFIVE_TXDATA) & SIFIVE_FIFO_FLAG)
		;
	*sifive_reg(port, SIFIVE_TXDATA) = (unsigned char)c;
}

static int sifive_getc(struct uart_port *port)
{
	uint32_t v = *sifive_reg(port, SIFIVE_RXDATA);

	return (v & SIFIVE_FIFO_FLAG) ? -1 : (int)(v & 0xff);
}

const struct uart_ops uart_sifive_ops = {
	.putc = sifive_putc,
	.getc = sifive_getc,
};
