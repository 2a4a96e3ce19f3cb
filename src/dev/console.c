/* The kernel console: see <sluice/console.h>. */
#include <sluice/console.h>
#include <sluice/driver.h>
#include <sluice/errno.h>
#include <sluice/irq.h>
#include <sluice/kvm.h>
#include <sluice/poll.h>
#include <sluice/printk.h>
#include <sluice/sbi.h>
#include <sluice/signal.h>
#include <sluice/spinlock.h>
#include <sluice/string.h>
#include <sluice/testhooks.h>
#include <sluice/timer.h>
#include <sluice/uart.h>
#include <sluice/waitq.h>

static struct uart_port port;
static const struct uart_ops *uart; /* NULL: the SBI console */
static uint32_t uart_irq;	    /* its interrupt (the node's), 0 if none */
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

/*
 * Output by interrupt, once the UART's interrupt is set up: bytes go into
 * tx_ring, and the UART's "can take more" interrupt moves them out, so a
 * writer does not wait for the wire with interrupts off.  Before that, and
 * for panic messages, bytes go straight to the UART (polled).  Under
 * console_lock.
 */
#define TX_RING 4096
static char tx_ring[TX_RING];
static unsigned int tx_head, tx_tail; /* take at tail, put at head */
static bool tx_by_irq;
static struct waitq tx_wq = WAITQ_INIT;
/* The test hook sluice.tx_slow: one byte per push, so that the interrupt moves the
 * rest; QEMU's UARTs otherwise take every byte at once. */
static bool tx_slow;

/* Move queued bytes to the UART while it takes them; interrupt for the rest. */
static void tx_push(void)
{
	unsigned int budget = tx_slow ? 1 : TX_RING;

	while (budget-- && tx_tail != tx_head && uart->tx_ready(&port))
		uart->putc(&port, tx_ring[tx_tail++ % TX_RING]);
	uart->tx_irq(&port, tx_tail != tx_head);
}

/* Queue one byte; false if the ring is full. */
static bool tx_put(char c)
{
	if (tx_head - tx_tail == TX_RING)
		return false;
	tx_ring[tx_head++ % TX_RING] = c;
	return true;
}

/* Queue s[0..n) with "\n" as "\r\n"; returns how many of s went in. */
static size_t tx_queue(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n' && tx_head - tx_tail > TX_RING - 2)
			break; /* keep \r\n together */
		if (s[i] == '\n')
			tx_put('\r');
		if (!tx_put(s[i]))
			break;
	}
	tx_push();
	return i;
}

void console_write(const char *s, size_t n)
{
	unsigned long flags = 0;

	if (panicking || !tx_by_irq) {
		if (!panicking)
			flags = spin_lock_irqsave(&console_lock);
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '\n')
				console_putc_raw('\r');
			console_putc_raw(s[i]);
		}
		if (!panicking)
			spin_unlock_irqrestore(&console_lock, flags);
		return;
	}
	flags = spin_lock_irqsave(&console_lock);
	/* Kernel messages never sleep: with the ring full, wait for the wire
	 * (rare: 4 KiB of backlog). */
	for (size_t done = 0; done < n;) {
		done += tx_queue(s + done, n - done);
		if (done < n)
			while (!uart->tx_ready(&port))
				;
	}
	spin_unlock_irqrestore(&console_lock, flags);
}

void console_init_early(void)
{
	printk_set_sink(console_write);
}

/* Send everything queued, polled: before a power-off, and before a panic
 * message (which goes straight out), so nothing is lost or reordered. */
void console_flush(void)
{
	if (!tx_by_irq)
		return;
	unsigned long flags = 0;
	if (!panicking)
		flags = spin_lock_irqsave(&console_lock);
	while (tx_tail != tx_head) {
		while (!uart->tx_ready(&port))
			;
		uart->putc(&port, tx_ring[tx_tail++ % TX_RING]);
	}
	uart->tx_irq(&port, false);
	if (!panicking)
		spin_unlock_irqrestore(&console_lock, flags);
}

void console_write_user(const char *s, size_t n)
{
	unsigned long flags;

	if (!tx_by_irq) {
		console_write(s, n);
		return;
	}
	flags = spin_lock_irqsave(&console_lock);
	for (size_t done = 0; done < n;) {
		done += tx_queue(s + done, n - done);
		if (done < n)
			waitq_sleep(&tx_wq, &console_lock); /* the interrupt makes room */
	}
	spin_unlock_irqrestore(&console_lock, flags);
}

/* The UART stdout-path names, driven by the driver whose compatible it has. */
int console_init_uart(const struct dt_platform *p)
{
	const struct dt_uart *u = &p->stdout_uart;
	const char *matched;
	const struct driver *d;

	if (u->node < 0) {
		printk("console: /chosen stdout-path names no UART; staying on SBI\n");
		return -ENODEV;
	}
	d = driver_for(u->compatible, u->compatible_len, &matched);
	if (!d || !d->uart) {
		printk("console: no driver for the stdout UART; staying on SBI\n");
		return -ENODEV;
	}
	void *regs = ioremap(u->base, u->size ? u->size : PAGE_SIZE);
	if (!regs) {
		printk("console: cannot map UART at 0x%lx; staying on SBI\n",
		       (unsigned long)u->base);
		return -ENOMEM;
	}
	port = (struct uart_port){.base = (uintptr_t)regs,
				  .reg_shift = u->reg_shift,
				  .reg_io_width = u->reg_io_width ? u->reg_io_width : 1};
	snprintf(description, sizeof(description), "%s@0x%lx", matched, (unsigned long)u->base);
	uart_irq = u->irq;
	uart = d->uart;
	return 0;
}

/*
 * Input by interrupt, through a small line discipline (termios semantics
 * for what is implemented).  In canonical mode (ICANON, the default) typed
 * characters collect in an edit line, echoed (ECHO): erase (VERASE, and
 * backspace) removes the last, kill (VKILL, ^U) the whole line, end of file
 * (VEOF, ^D) hands over the line without a newline or, on an empty line,
 * makes a read return 0; a newline completes the line.  Only completed
 * lines reach readers.  With ISIG, VINTR (^C), VQUIT (^\) and VSUSP (^Z)
 * drop the line and send SIGINT, SIGQUIT and SIGTSTP to the terminal's
 * foreground process group.  Without ICANON each byte is available at
 * once (raw mode).
 */
struct ktermios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line, c_cc[19];
};

/* termios bits, Linux's asm-generic/termbits.h values. */
#define ICRNL	 0x100
#define OPOST	 0x001
#define ONLCR	 0x004
#define B4000000 0x100f /* CBAUDEX | 017 */
#define CS8	 0x030
#define CREAD	 0x080
#define ISIG	 0x001
#define ICANON	 0x002
#define ECHO	 0x008
#define ECHOE	 0x010
#define ECHOK	 0x020
#define ECHOCTL	 0x200
#define ECHOKE	 0x800
#define IEXTEN	 0x8000
#define VINTR	 0
#define VQUIT	 1
#define VERASE	 2
#define VKILL	 3
#define VEOF	 4
#define VSUSP	 10

static struct ktermios tio = {
	.c_iflag = ICRNL,
	.c_oflag = OPOST | ONLCR,
	/* The speed bits read B4000000, though the line was meant to say
	 * B115200; nothing here depends on them (the UART keeps the
	 * firmware's rate), so they stay as programs have seen them. */
	.c_cflag = B4000000 | CS8 | CREAD,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_cc = {[VINTR] = 3,
		 [VQUIT] = 0x1c,
		 [VERASE] = 0x7f,
		 [VKILL] = 0x15,
		 [VEOF] = 4,
		 [6] = 1,
		 [VSUSP] = 0x1a},
};

#define RX_RING 256
static char rx_ring[RX_RING];	      /* completed input, for readers */
static unsigned int rx_head, rx_tail; /* take at tail, put at head */
static unsigned int rx_eofs;	      /* ^D on an empty line: reads that return 0 */
static char edit[RX_RING];	      /* the line being typed (canonical mode) */
static unsigned int edit_len;
static struct spinlock rx_lock = SPINLOCK_INIT;
static struct waitq rx_wq = WAITQ_INIT;
static bool rx_by_irq;
static int fg_pgrp = 1; /* the terminal's foreground process group */
static int tty_sid = 1; /* the session it is the controlling terminal of (0: none) */

static void rx_put(char c)
{
	if (rx_head - rx_tail < RX_RING)
		rx_ring[rx_head++ % RX_RING] = c;
}

static void echo(const char *s, size_t n)
{
	if (tio.c_lflag & ECHO)
		console_write(s, n);
}

static void edit_commit(void)
{
	for (unsigned int i = 0; i < edit_len; i++)
		rx_put(edit[i]);
	edit_len = 0;
}

/* With ISIG: the signal c stands for (^C, ^\\, ^Z), or 0. */
static int ldisc_signal(char c)
{
	static const struct {
		int cc, sig;
		char echo;
	} keys[] = {{VINTR, SIGINT, 'C'}, {VQUIT, SIGQUIT, '\\'}, {VSUSP, SIGTSTP, 'Z'}};

	if (!(tio.c_lflag & ISIG))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (tio.c_cc[keys[i].cc] && c == (char)tio.c_cc[keys[i].cc]) {
			char e[3] = {'^', keys[i].echo, '\n'};
			edit_len = 0;
			echo(e, 3);
			return keys[i].sig;
		}
	}
	return 0;
}

/* One typed character (rx_lock held).  Returns the signal it sends, or 0. */
static int ldisc_input(char c)
{
	int sig;

	if ((tio.c_iflag & ICRNL) && c == '\r')
		c = '\n';
	if ((sig = ldisc_signal(c)) != 0)
		return sig;
	/* LAB interrupts: begin (docs/labs/interrupts.md, task 2: the line discipline) */
	if (!(tio.c_lflag & ICANON)) {
		rx_put(c);
		echo(&c, 1);
	} else if (c == (char)tio.c_cc[VERASE] || c == '\b') {
		if (edit_len) {
			edit_len--;
			echo("\b \b", 3);
		}
	} else if (c == (char)tio.c_cc[VKILL]) {
		for (; edit_len; edit_len--)
			echo("\b \b", 3);
	} else if (c == (char)tio.c_cc[VEOF]) {
		if (edit_len)
			edit_commit();
		else
			rx_eofs++;
	} else if (edit_len < sizeof(edit) - 1 || c == '\n') {
		edit[edit_len++] = c;
		echo(&c, 1);
		if (c == '\n')
			edit_commit();
	}
	/* LAB interrupts: stub
	rx_put(c); // every byte straight to readers: no line, no editing
	echo(&c, 1);
	   LAB interrupts: end */
	return 0;
}

/* The UART's interrupt: received bytes in, queued bytes out. */
static void console_interrupt(void *arg)
{
	int c, sig = 0, s;

	if (tx_by_irq) {
		spin_lock(&console_lock);
		tx_push();
		spin_unlock(&console_lock);
		waitq_wake_all(&tx_wq);
	}
	/* LAB interrupts: begin (docs/labs/interrupts.md, task 1: the receive interrupt) */
	spin_lock(&rx_lock);
	/* Drain the UART: its line stays up while bytes wait. */
	while ((c = uart->getc(&port)) >= 0)
		if ((s = ldisc_input((char)c)) != 0)
			sig = s; /* the last one typed */
	spin_unlock(&rx_lock);
	if (sig)
		signal_kill(-(long)fg_pgrp, sig, NULL);
	waitq_wake_all(&rx_wq);
	/* LAB interrupts: stub
	// The bytes are taken (else the UART's line stays up for ever) and
	// edited, but the signals they stand for go nowhere and nobody is woken.
	spin_lock(&rx_lock);
	while ((c = uart->getc(&port)) >= 0)
		(void)ldisc_input((char)c);
	spin_unlock(&rx_lock);
	(void)s;
	(void)sig;
	   LAB interrupts: end */
}

int console_get_termios(void *k)
{
	memcpy(k, &tio, sizeof(tio));
	return 0;
}

void console_set_termios(const void *k)
{
	unsigned long flags = spin_lock_irqsave(&rx_lock);

	memcpy(&tio, k, sizeof(tio));
	if (!(tio.c_lflag & ICANON))
		edit_commit(); /* to raw mode: what was typed is readable now */
	spin_unlock_irqrestore(&rx_lock, flags);
	waitq_wake_all(&rx_wq);
}

int console_fg_pgrp(void)
{
	return fg_pgrp;
}

void console_set_fg_pgrp(int pgrp)
{
	fg_pgrp = pgrp;
}

int console_sid(void)
{
	return tty_sid;
}

void console_set_sid(int sid)
{
	tty_sid = sid;
}

int console_enable_input_irq(const struct dt_platform *p)
{
	int err;

	(void)p;
	if (!uart || !uart->enable_rx_irq)
		return -ENODEV;
	err = irq_register(uart_irq, console_interrupt, NULL);
	if (err) {
		printk("console: no interrupt for the UART (error %d): polled\n", err);
		return err;
	}
	irq_set_name(uart_irq, "uart");
	rx_by_irq = true;
	uart->enable_rx_irq(&port);
	if (uart->tx_ready && uart->tx_irq) {
		const char *v;
		size_t len;
		unsigned long flags = spin_lock_irqsave(&console_lock);
		tx_slow = test_hook(TEST_HOOK_TX_SLOW, &v, &len);
		tx_by_irq = true;
		spin_unlock_irqrestore(&console_lock, flags);
	}
	return 0;
}

int console_test_unhandled_rx(const struct dt_platform *p)
{
	(void)p;
	if (!uart || !uart->enable_rx_irq || rx_by_irq)
		return -ENODEV;
	uart->enable_rx_irq(&port);
	return (int)uart_irq;
}

/*
 * make bench's boot-to-prompt figure: the first read or poll of the
 * console is the shell waiting for its first command, its prompt printed.  With the test
 * hook sluice.prompt_instret the kernel says when that was.
 */
static void console_note_first_read(void)
{
	static int seen;
	const char *v;
	size_t len;

	if (!__atomic_exchange_n(&seen, 1, __ATOMIC_RELAXED) &&
	    test_hook(TEST_HOOK_PROMPT_INSTRET, &v, &len))
		printk("console: first read at instret %lu\n", csr_read(CSR_INSTRET));
}

long console_read(char *buf, size_t n, bool nonblock)
{
	unsigned long flags;
	size_t got = 0;
	int c;

	console_note_first_read();

	if (!rx_by_irq) {
		/* Polled: look once per tick. */
		while ((c = console_getc()) < 0)
			if (nonblock)
				return -EAGAIN;
			else if (timer_sleep_until(timer_ns() + 1000000000ull / TIMER_HZ))
				return -ERESTARTSYS;
		buf[got++] = (char)(c == '\r' ? '\n' : c);
		while (got < n && buf[got - 1] != '\n' && (c = console_getc()) >= 0)
			buf[got++] = (char)(c == '\r' ? '\n' : c);
		return (long)got;
	}
	flags = spin_lock_irqsave(&rx_lock);
	while (rx_head == rx_tail) {
		if (rx_eofs) { /* ^D on an empty line: end of file, once */
			rx_eofs--;
			spin_unlock_irqrestore(&rx_lock, flags);
			return 0;
		}
		if (nonblock || signal_pending()) {
			spin_unlock_irqrestore(&rx_lock, flags);
			/* EINTR unless the handler has SA_RESTART */
			return nonblock ? -EAGAIN : -ERESTARTSYS;
		}
		waitq_sleep(&rx_wq, &rx_lock); /* the UART's interrupt wakes us */
	}
	/* A line at most (canonical mode fills the ring a line at a time). */
	while (got < n && rx_tail != rx_head && (got == 0 || buf[got - 1] != '\n'))
		buf[got++] = rx_ring[rx_tail++ % RX_RING];
	spin_unlock_irqrestore(&rx_lock, flags);
	return (long)got;
}

unsigned int console_poll(struct poll_table *pt)
{
	console_note_first_read();		  /* a shell with a line editor polls first */
	unsigned int mask = POLLOUT | POLLWRNORM; /* writes queue or wait briefly */
	unsigned long flags;

	if (!rx_by_irq)
		return mask | POLLIN | POLLRDNORM; /* polled input: cannot tell */
	poll_wait(pt, &rx_wq);
	flags = spin_lock_irqsave(&rx_lock);
	if (rx_head != rx_tail || rx_eofs)
		mask |= POLLIN | POLLRDNORM;
	spin_unlock_irqrestore(&rx_lock, flags);
	return mask;
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
	if (panicking)
		return;
	panicking = true;
	printk_set_console_level(CONSOLE_LOGLEVEL_DEFAULT); /* `dmesg -n 1` or not */
	/* What was queued before the panic comes out first.  (Without the lock:
	 * a panicking hart cannot wait for one another hart may hold.) */
	console_flush();
}
