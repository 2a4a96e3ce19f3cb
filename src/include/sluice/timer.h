/*
 * The hart timer: a periodic tick for the scheduler, and between ticks an
 * interrupt at the nearest deadline asked for (timer_want).  Interrupts
 * come from stimecmp where the hart has Sstc, else from SBI set_timer.
 */
#ifndef SLUICE_TIMER_H
#define SLUICE_TIMER_H

#include <sluice/dt.h>
#include <sluice/spinlock.h>

#define TIMER_HZ 100 /* ticks per second */

/* Learn the timebase and Sstc from the tree, start this hart's tick.  With
 * force_sbi, use SBI set_timer even if the hart has Sstc. */
void timer_init(const struct dt_platform *p, uint32_t hartid, bool force_sbi);

/* Start the tick on this hart (each hart, once timer_init has run). */
void timer_init_hart(void);

/* The timer interrupt handler (called by the trap dispatcher): wakes the
 * sleepers now due.  True if it is this hart's tick (account the time,
 * consider switching), false for an early deadline between ticks. */
bool timer_interrupt(void);

/* Have this hart's timer interrupt come by deadline_ns (timer_ns time;
 * 0 or UINT64_MAX: none) if its next one would come later.  Any
 * context; whoever arms a deadline calls it. */
void timer_want(uint64_t deadline_ns);

/* Timebase frequency in Hz, and whether stimecmp is in use. */
uint64_t timer_frequency(void);
bool timer_uses_sstc(void);

/*
 * Tickless idle (docs/scheduling.md, "Time"): with nothing to run, a hart
 * stops its tick before it waits for an interrupt, its compare register
 * set to the earliest deadline anything waits for (timed sleepers, the
 * shared deadline list), at most TIMER_IDLE_MAX_NS away; the tick comes
 * back when it wakes.  Interrupts off, in the scheduler.
 */
#define TIMER_IDLE_MAX_NS 1000000000ull
void timer_idle_enter(void);
void timer_idle_exit(void);

/* Sleep until timer_ns() >= deadline_ns: 0, or -EINTR if a signal came. */
int timer_sleep_until(uint64_t deadline_ns);

/*
 * Sleep (releasing lk, held again on return) until deadline_ns (0: the
 * next timer interrupt) or an earlier wakeup of this process (proc_wake),
 * for waits that other events may end first (ppoll, a timed futex wait).
 * false, without sleeping, if a signal waits.
 */
bool timer_sleep_tick(struct spinlock *lk, uint64_t deadline_ns);

/* The wall clock: now is realtime_ns nanoseconds since 1970 (set at boot
 * from rtc0, dev/rtc.c, and by clock_settime and settimeofday). */
void timer_set_realtime(uint64_t realtime_ns);

/* Nanoseconds since 1970 if an RTC said so at boot, else since boot. */
uint64_t timer_realtime_ns(void);

/* Nanoseconds since boot (from the time CSR). */
uint64_t timer_ns(void);

#endif
