/*
 * The hart timer: a periodic tick for the scheduler.  Interrupts come from
 * stimecmp where the hart has Sstc, else from SBI set_timer.
 */
#ifndef SLUICE_TIMER_H
#define SLUICE_TIMER_H

#include <sluice/dt.h>
#include <sluice/spinlock.h>

#define TIMER_HZ 100 /* ticks per second */

/* Learn the timebase and Sstc from the tree, start this hart's tick.  With
 * force_sbi, use SBI set_timer even if the hart has Sstc. */
void timer_init(const struct dt_platform *p, uint32_t hartid, bool force_sbi);

/* The timer interrupt handler (called by the trap dispatcher). */
void timer_interrupt(void);

/* Timebase frequency in Hz, and whether stimecmp is in use. */
uint64_t timer_frequency(void);
bool timer_uses_sstc(void);

/* Sleep until timer_ns() >= deadline_ns: 0, or -EINTR if a signal came. */
int timer_sleep_until(uint64_t deadline_ns);

/* Sleep until the next tick, or until proc_wake (a futex wake-up, a
 * signal), whichever comes first: for sleepers that watch a condition of
 * their own as well as a deadline. */
void timer_wait_tick(void);

/*
 * Sleep (releasing lk, held again on return) until the first tick at or
 * after deadline_ns (0: the next tick) or an earlier wakeup of this
 * process, for waits that other events may end first (ppoll).  false,
 * without sleeping, if a signal waits.
 */
bool timer_sleep_tick(struct spinlock *lk, uint64_t deadline_ns);

/* Every tick (beside itimer_tick): count the expiries of the timerfds
 * now due and wake their readers and pollers (src/fs/timerfd.c). */
void timerfd_tick(void);

/* The wall clock: now is realtime_ns nanoseconds since 1970 (rtc_init). */
void timer_set_realtime(uint64_t realtime_ns);

/* Nanoseconds since 1970 if an RTC said so at boot, else since boot. */
uint64_t timer_realtime_ns(void);

/* Nanoseconds since boot (from the time CSR). */
uint64_t timer_ns(void);

#endif
