/* The kernel command line (/chosen bootargs, QEMU's -append). */
#ifndef SLUICE_CMDLINE_H
#define SLUICE_CMDLINE_H

#include <sluice/types.h>

/*
 * Find "key=value" or a bare "key" among the space-separated words of
 * cmdline.  Returns true if present; *val and *len give the value (empty for
 * a bare key).  The last occurrence wins, as on Linux.
 */
bool cmdline_get(const char *cmdline, const char *key, const char **val, size_t *len);

/* True if key is present with exactly this value. */
bool cmdline_is(const char *cmdline, const char *key, const char *value);

#endif
