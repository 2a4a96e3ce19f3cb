/*
 * SiFive UART ("sifive,uart0"), polled.  Registers are 32 bits wide; txdata
 * bit 31 says the transmit FIFO is full, rxdata bit 31 that the receive FIFO
 * is empty.  The firmware has enabled the transmitter and set the divisor.
 */
#include <sluice/driver.h>
#include <sluice/uart.h>

#define SIFIVE_TXDATA	       0x00
#define SIFIVE_RXDATA	       0x04
#define SIFIVE_TXCTRL	       0x08
#define SIFIVE_RXCTRL	       0x0c
#define SIFIVE_IE	       0x10
#define SIFIVE_RXCTRL_RXEN     1u	 /* receiver on; rxcnt (bits 16-18) 0 */
#define SIFIVE_IE_RXWM	       (1u << 1) /* interrupt while the RX FIFO holds > rxcnt */
#define SIFIVE_IE_TXWM	       (1u << 0) /* interrupt while the TX FIFO holds < txcnt */
#define SIFIVE_TXCTRL_TXCNT(n) ((uint32_t)(n) << 16)
#define SIFIVE_FIFO_FLAG       (1u << 31)

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

static void sifive_enable_rx_irq(struct uart_port *port)
{
	*sifive_reg(port, SIFIVE_RXCTRL) = SIFIVE_RXCTRL_RXEN;
	*sifive_reg(port, SIFIVE_IE) |= SIFIVE_IE_RXWM;
}

static bool sifive_tx_ready(struct uart_port *port)
{
	return !(*sifive_reg(port, SIFIVE_TXDATA) & SIFIVE_FIFO_FLAG);
}

static void sifive_tx_irq(struct uart_port *port, bool on)
{
	/* Watermark 1: interrupt while the FIFO is empty.  Keep txen. */
	uint32_t ctrl = *sifive_reg(port, SIFIVE_TXCTRL) & ~SIFIVE_TXCTRL_TXCNT(7);

	*sifive_reg(port, SIFIVE_TXCTRL) = ctrl | SIFIVE_TXCTRL_TXCNT(1);
	uint32_t ie = *sifive_reg(port, SIFIVE_IE);
	*sifive_reg(port, SIFIVE_IE) = on ? ie | SIFIVE_IE_TXWM : ie & ~SIFIVE_IE_TXWM;
}

const struct uart_ops uart_sifive_ops = {
	.putc = sifive_putc,
	.getc = sifive_getc,
	.enable_rx_irq = sifive_enable_rx_irq,
	.tx_ready = sifive_tx_ready,
	.tx_irq = sifive_tx_irq,
};

/* The console matches stdout-path's node against this (console.c). */
static const char *const sifive_uart_compatible[] = {"sifive,uart0", NULL};

DRIVER(sifive_uart_driver) = {
	.name = "sifive-uart",
	.compatible = sifive_uart_compatible,
	.uart = &uart_sifive_ops,
};
