/*
 * UART register-level drivers (polled).  Each knows one register layout; the
 * driver table (DRIVER() in each file) names the compatible strings each serves.
 */
#ifndef SLUICE_UART_H
#define SLUICE_UART_H

#include <sluice/types.h>

struct uart_port {
	uintptr_t base;	       /* registers, mapped */
	uint32_t reg_shift;    /* register i is at base + (i << reg_shift) */
	uint32_t reg_io_width; /* 1 or 4 bytes per access */
};

struct uart_ops {
	void (*putc)(struct uart_port *port, char c);
	int (*getc)(struct uart_port *port); /* a byte, or -1 if none waiting */
	/* Raise the UART's interrupt line while received bytes wait. */
	void (*enable_rx_irq)(struct uart_port *port);
	/* Can a byte be written without waiting? */
	bool (*tx_ready)(struct uart_port *port);
	/* Raise (on) or stop raising the line while the UART can take bytes. */
	void (*tx_irq)(struct uart_port *port, bool on);
};

/* 16550-compatible: "ns16550a", and "snps,dw-apb-uart" (reg-shift 2, 32-bit). */
extern const struct uart_ops uart_ns16550_ops;
/* SiFive: "sifive,uart0". */
extern const struct uart_ops uart_sifive_ops;

#endif
