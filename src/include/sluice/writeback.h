/*
 * The flusher (src/fs/writeback.c): a kernel thread that writes back, every
 * dirty_writeback_centisecs, what has been dirty longer than
 * dirty_expire_centisecs, as Linux's periodic write-back does.  Both are
 * /proc/sys/vm files (docs/proc.md).
 */
#ifndef SLUICE_WRITEBACK_H
#define SLUICE_WRITEBACK_H

#include <sluice/types.h>

enum writeback_knob {
	WB_INTERVAL, /* dirty_writeback_centisecs: 500 (5 s); 0 stops the flusher */
	WB_EXPIRE,   /* dirty_expire_centisecs: 3000 (30 s) */
	WB_KNOBS,
};

/* Boot: start the flusher thread (once, before anything counts pages). */
void writeback_start(void);

/* A knob's value in centiseconds, and setting it (the flusher takes a new
 * value at once, as Linux's does). */
unsigned int writeback_knob(enum writeback_knob k);
void writeback_set_knob(enum writeback_knob k, unsigned int centisecs);

#endif
