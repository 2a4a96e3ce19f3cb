/* The kernel console: see <sluice/console.h>. */
#include <sluice/console.h>
#include <sluice/irq.h>
#include <sluice/proc.h>
#include <sluice/timer.h>
#include <sluice/errno.h>
#include <sluice/printk.h>
#include <sluice/sbi.h>
#include <sluice/spinlock.h>
#include <sluice/uart.h>
#include <sluice/kvm.h>

/* Device-tree glue: which register-level driver serves which UART kind. */
static const struct {
	enum dt_uart_kind kind;
	const char *compatible;
	const struct uart_ops *ops;
} uart_drivers[] = {
	{ DT_UART_NS16550, "ns16550a", &uart_ns16550_ops },
	{ DT_UART_DW_APB, "snps,dw-apb-uart", &uart_ns16550_ops },
	{ DT_UART_SIFIVE, "sifive,uart0", &uart_sifive_ops },
};

static struct uart_port port;
static const struct uart_ops *uart; /* NULL: the SBI console */
static char description[64];
static struct spinlock console_lock = SPINLOCK_INIT;
static bool panicking;

static void console_putc_raw(char c)
{
	if (uart)
		uart->putc(&port, c);
	else
		sbi_console_putchar(c);
}

void console_write(const char *s, size_t n)
{
	unsigned long flags = 0;

	if (!panicking)
		flags = spin_lock_irqsave(&console_lock);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			console_putc_raw('\r');
		console_putc_raw(s[i]);
	}
	if (!panicking)
		spin_unlock_irqrestore(&console_lock, flags);
}

int console_init_uart(const struct dt_platform *p)
{
	const struct dt_uart *u;

	if (p->stdout_uart < 0) {
		printk("console: /chosen stdout-path names no UART we know; staying on SBI\n");
		return -ENODEV;
	}
	u = &p->uarts[p->stdout_uart];
	for (size_t i = 0; i < ARRAY_SIZE(uart_drivers); i++) {
		if (uart_drivers[i].kind != u->kind)
			continue;
		void *regs = ioremap(u->base, u->size ? u->size : PAGE_SIZE);
		if (!regs) {
			printk("console: cannot map UART at 0x%lx; staying on SBI\n", (unsigned long)u->base);
			return -ENOMEM;
		}
		port = (struct uart_port){ .base = (uintptr_t)regs,
					   .reg_shift = u->reg_shift,
					   .reg_io_width = u->reg_io_width ? u->reg_io_width : 1 };
		snprintf(description, sizeof(description), "%s@0x%lx", uart_drivers[i].compatible,
			 (unsigned long)u->base);
		uart = uart_drivers[i].ops;
		return 0;
	}
	printk("console: no driver for the stdout UART; staying on SBI\n");
	return -ENODEV;
}

/* Input by interrupt: the handler moves bytes from the UART into this ring
 * and wakes readers. */
#define RX_RING 256
static char rx_ring[RX_RING];
static unsigned int rx_head, rx_tail; /* take at tail, put at head */
static struct spinlock rx_lock = SPINLOCK_INIT;
static struct waitq rx_wq = WAITQ_INIT;
static bool rx_by_irq;

static void console_rx_interrupt(void *arg)
{
	int c;

	spin_lock(&rx_lock);
	/* Drain the UART (its line stays up while bytes wait); when the ring
	 * is full, newer bytes are dropped. */
	while ((c = uart->getc(&port)) >= 0)
		if (rx_head - rx_tail < RX_RING)
			rx_ring[rx_head++ % RX_RING] = (char)c;
	spin_unlock(&rx_lock);
	waitq_wake_all(&rx_wq);
}

int console_enable_input_irq(const struct dt_platform *p)
{
	const struct dt_uart *u;
	int err;

	if (!uart || !uart->enable_rx_irq || p->stdout_uart < 0)
		return -ENODEV;
	u = &p->uarts[p->stdout_uart];
	err = irq_register(u->irq, console_rx_interrupt, NULL);
	if (err) {
		printk("console: no interrupt for UART input (error %d): polled\n", err);
		return err;
	}
	rx_by_irq = true;
	uart->enable_rx_irq(&port);
	return 0;
}

long console_read(char *buf, size_t n)
{
	unsigned long flags;
	size_t got = 0;
	int c;

	if (!rx_by_irq) {
		/* Polled: look once per tick. */
		while ((c = console_getc()) < 0)
			if (timer_sleep_until(timer_ns() + 1000000000ull / TIMER_HZ))
				return -EINTR;
		buf[got++] = (char)(c == '\r' ? '\n' : c);
		while (got < n && buf[got - 1] != '\n' && (c = console_getc()) >= 0)
			buf[got++] = (char)(c == '\r' ? '\n' : c);
		return (long)got;
	}
	flags = spin_lock_irqsave(&rx_lock);
	while (rx_head == rx_tail) {
		if (signal_pending()) {
			spin_unlock_irqrestore(&rx_lock, flags);
			return -EINTR;
		}
		waitq_sleep(&rx_wq, &rx_lock); /* the UART's interrupt wakes us */
	}
	while (got < n && rx_tail != rx_head && (got == 0 || buf[got - 1] != '\n')) {
		c = rx_ring[rx_tail++ % RX_RING];
		buf[got++] = (char)(c == '\r' ? '\n' : c);
	}
	spin_unlock_irqrestore(&rx_lock, flags);
	return (long)got;
}

int console_getc(void)
{
	if (uart)
		return uart->getc(&port);
	/* Legacy SBI console_getchar (extension 0x02): -1 when nothing waits. */
	return (int)sbi_ecall(0x02, 0, 0, 0, 0).error;
}

const char *console_describe(void)
{
	if (uart)
		return description;
	return sbi.has_dbcn ? "sbi (debug console extension)" : "sbi (legacy putchar)";
}

void console_enter_panic(void)
{
	panicking = true;
}
