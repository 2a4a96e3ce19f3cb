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

/* Format into buf (at most size bytes, always terminated); returns the
 * length the full output would have had, as C's snprintf does. */
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
