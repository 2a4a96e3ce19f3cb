/*
 * The kernel console.  Until the UART is mapped, output goes through the SBI
 * firmware; then through the UART that /chosen stdout-path names, polled
 * until its interrupt is set up and driven by it after.
 */
#ifndef SLUICE_CONSOLE_H
#define SLUICE_CONSOLE_H

#include <sluice/dt.h>

/* Write n bytes; "\n" becomes "\r\n".  Safe from any context: never sleeps
 * (kernel messages). */
void console_write(const char *s, size_t n);

/* Send everything queued, polled (before power-off; panics do it too). */
void console_flush(void);

/* The same for a process's write(): may sleep while the output queue is full. */
void console_write_user(const char *s, size_t n);

/* First thing at boot: make console_write printk's sink (SBI output). */
void console_init_early(void);

/*
 * Switch to the UART that p->stdout_uart (/chosen stdout-path) names, driven
 * by the UART driver (DRIVER()) whose compatible it has.  Returns 0, or -ENODEV when
 * there is none we can drive (the SBI console stays, with a message).
 */
int console_init_uart(const struct dt_platform *p);

/* A byte typed on the console, or -1 if none is waiting (polled). */
int console_getc(void);

/* Take console input by the UART's interrupt instead of polling (needs the
 * PLIC).  Returns 0, or a negative errno and input stays polled. */
int console_enable_input_irq(const struct dt_platform *p);

/* Tests: make the UART raise its interrupt on input while nobody handles it
 * (console_enable_input_irq not called).  Its PLIC source, or -ENODEV. */
int console_test_unhandled_rx(const struct dt_platform *p);

/*
 * Read up to n bytes typed on the console (at least one; stopping after a
 * newline; '\r' reads as '\n').  Sleeps until input arrives, woken by the
 * UART's interrupt (or, without one, by the tick).  -ERESTARTSYS if a
 * signal came first (EINTR, or a restart: docs/job-control.md); with
 * nonblock, -EAGAIN instead of sleeping.
 */
long console_read(char *buf, size_t n, bool nonblock);

/*
 * What a read of the console would find now (POLLIN when a line, or in raw
 * mode a byte, or an end of file waits; writes are always accepted), for
 * ppoll; registers on the input queue through pt.  Without input
 * interrupts it cannot tell and says readable.
 */
struct poll_table;
unsigned int console_poll(struct poll_table *pt);

/* The terminal settings (struct termios as Linux's TCGETS/TCSETS pass it,
 * 36 bytes), and the foreground process group ^C signals. */
int console_get_termios(void *ktermios);
void console_set_termios(const void *ktermios);
int console_fg_pgrp(void);
void console_set_fg_pgrp(int pgrp);
/* The session the console is the controlling terminal of (0: none); at
 * boot, init's (1).  The rules are src/proc/jobctl.c's. */
int console_sid(void);
void console_set_sid(int sid);

/* What the console writes to now, e.g. "sbi (legacy putchar)" or "ns16550a@0x10000000". */
const char *console_describe(void);

/* From now on, ignore the console lock: a panic must get its message out. */
void console_enter_panic(void);

#endif
