/* Kernel messages to the console. */
#ifndef SLUICE_PRINTK_H
#define SLUICE_PRINTK_H

#include <sluice/types.h>
#include <stdarg.h>

/*
 * printf-style output to the console.  Conversions: %d %i %u %x %X %o %c %s
 * %p %%, with flags "-0+ #", width, precision, and the length modifiers
 * hh h l ll z t.  Returns the number of characters written.
 */
int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

/*
 * Send printk's text to write(s, n) from now on.  The console registers
 * its writer first thing at boot (console_init_early); printk itself knows
 * no device.  Before that, messages are dropped.
 */
void printk_set_sink(void (*write)(const char *s, size_t n));

/*
 * The kernel log (<sluice/klog.h>): printk also appends every message to
 * it, each line stamped with the time ns() gives once the timer registers
 * it (0 before).  KLOG_SIZE bytes of the newest lines are kept.
 */
#define KLOG_SIZE (16 * 1024)
void printk_set_clock(uint64_t (*ns)(void));
struct klog;
/* The log under its lock, interrupts off; NULL if the lock cannot be had
 * (a hart halted by a panic holds it). */
struct klog *printk_log_lock(unsigned long *flags);
void printk_log_unlock(unsigned long flags);

/*
 * syslog(2)'s console level: a message reaches the console only if its
 * level (KERN_INFO, 6, for every printk) is below it.  Linux's default 7
 * prints everything; `dmesg -n 1` quiets the console, a panic speaks again.
 */
#define CONSOLE_LOGLEVEL_DEFAULT 7
void printk_set_console_level(int level);

/* Format into buf (at most size bytes, always terminated); returns the
 * length the full output would have had, as C's snprintf does. */
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
