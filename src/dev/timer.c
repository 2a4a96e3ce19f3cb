/*
 * The hart timer.  The time CSR counts at the device tree's
 * timebase-frequency.  An interrupt fires when time >= the hart's compare
 * value: with Sstc the kernel writes stimecmp itself; without it, the SBI
 * firmware programs the M-mode timer for us (set_timer).  Either way the
 * pending bit clears when a later deadline is written.
 *
 * Each hart has a periodic tick (TIMER_HZ) for the scheduler and the time
 * accounts, and between ticks its compare register is brought forward to
 * the nearest deadline anyone asked for on it (timer_want): a sleep, a
 * timeout, a timerfd or POSIX timer expiry.  So those end when they are
 * due, not at the next tick: an interrupt that comes before the tick is due
 * wakes what is due and is no tick.  docs/scheduling.md ("Time").
 */
#include <sluice/deadline.h>
#include <sluice/errno.h>
#include <sluice/hart.h>
#include <sluice/printk.h>
#include <sluice/riscv.h>
#include <sluice/sbi.h>
#include <sluice/signal.h>
#include <sluice/timer.h>
#include <sluice/waitq.h>

static uint64_t timebase_hz;
/* Processes sleeping for time: woken by the timer interrupt that finds
 * their deadline passed. */
static struct waitq tick_wq = WAITQ_INIT;
static struct spinlock tick_lock = SPINLOCK_INIT;
static uint64_t tick_interval; /* timebase units per tick */
static bool use_sstc;

/* Per hart, in timebase units: when its next tick is due, and what its
 * compare register holds (that tick, or an earlier deadline).  Each hart
 * touches only its own, with interrupts off. */
static struct {
	uint64_t tick_next, armed;
} hart_timer[DT_MAX_HARTS];

#define NSEC_PER_SEC 1000000000ull

/* The first time CSR value at which timer_ns() >= ns (rounded up, so that
 * an interrupt at it never finds the deadline not yet passed). */
static uint64_t ns_to_time(uint64_t ns)
{
	return ns / NSEC_PER_SEC * timebase_hz +
	       (ns % NSEC_PER_SEC * timebase_hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
}

static void timer_program(uint64_t deadline)
{
	/* LAB boards: begin (docs/labs/boards.md, task 3: a timer without Sstc) */
	if (use_sstc)
		csr_write(CSR_STIMECMP, deadline);
	else
		sbi_set_timer(deadline);
	/* LAB boards: stub
	(void)use_sstc;
	csr_write(CSR_STIMECMP, deadline);
	   LAB boards: end */
}

void timer_init(const struct dt_platform *p, uint32_t hartid, bool force_sbi)
{
	const struct dt_hart *h = dt_find_hart(p, hartid);

	timebase_hz = p->timebase_frequency;
	if (!timebase_hz) {
		printk("timer: no timebase-frequency in the device tree; assuming 10 MHz\n");
		timebase_hz = 10000000;
	}
	tick_interval = timebase_hz / TIMER_HZ;
	use_sstc = h && h->has_sstc && !force_sbi;
	printk_set_clock(timer_ns); /* the kernel log's times, from now on */
	timer_init_hart();
}

void timer_init_hart(void)
{
	unsigned int i = this_hart()->index;

	hart_timer[i].tick_next = hart_timer[i].armed = read_time() + tick_interval;
	timer_program(hart_timer[i].armed);
	csr_set(CSR_SIE, SIE_STIE);
}

void timer_want(uint64_t deadline_ns)
{
	if (!deadline_ns || deadline_ns == UINT64_MAX)
		return;
	uint64_t at = ns_to_time(deadline_ns);
	unsigned long sie = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE) & SSTATUS_SIE;
	unsigned int i = this_hart()->index;

	if (at < hart_timer[i].armed) {
		hart_timer[i].armed = at;
		timer_program(at); /* at in the past: the interrupt comes at once */
	}
	csr_set(CSR_SSTATUS, sie);
}

bool timer_interrupt(void)
{
	unsigned int i = this_hart()->index;
	uint64_t now = read_time();
	bool tick = now >= hart_timer[i].tick_next;

	/* The next tick from now, not from the last one: after a long stall
	 * we want one interrupt, not a burst of catch-up ones. */
	if (tick)
		hart_timer[i].tick_next = now + tick_interval;
	hart_timer[i].armed = hart_timer[i].tick_next;
	timer_program(hart_timer[i].armed);
	/* The sleepers due now, then the earliest left, if before the tick. */
	timer_want(waitq_wake_due(&tick_wq, timer_ns()));
	return tick;
}

void timer_idle_enter(void)
{
	unsigned int i = this_hart()->index;
	uint64_t next = MIN(waitq_next_due(&tick_wq), deadlines_next());

	if (!next)
		return; /* a sleeper waits for the next tick: keep ticking */
	uint64_t at = read_time() + ns_to_time(TIMER_IDLE_MAX_NS);
	if (next != UINT64_MAX)
		at = MIN(at, ns_to_time(next));
	hart_timer[i].tick_next = hart_timer[i].armed = at;
	timer_program(at);
}

void timer_idle_exit(void)
{
	unsigned int i = this_hart()->index;
	uint64_t tick = read_time() + tick_interval;

	/* Woken before the deadline (an IPI: work came): tick again. */
	if (hart_timer[i].tick_next > tick) {
		hart_timer[i].tick_next = tick;
		if (hart_timer[i].armed > tick) {
			hart_timer[i].armed = tick;
			timer_program(tick);
		}
	}
}

int timer_sleep_until(uint64_t deadline_ns)
{
	unsigned long flags = spin_lock_irqsave(&tick_lock);
	int err = 0;

	while (timer_ns() < deadline_ns) {
		timer_want(deadline_ns);
		if (!waitq_sleep_until(&tick_wq, &tick_lock, deadline_ns)) {
			err = -EINTR; /* a signal waits */
			break;
		}
	}
	spin_unlock_irqrestore(&tick_lock, flags);
	return err;
}

bool timer_sleep_tick(struct spinlock *lk, uint64_t deadline_ns)
{
	timer_want(deadline_ns);
	return waitq_sleep_until(&tick_wq, lk, deadline_ns);
}

uint64_t timer_frequency(void)
{
	return timebase_hz;
}

bool timer_uses_sstc(void)
{
	return use_sstc;
}

uint64_t timer_ns(void)
{
	uint64_t t = read_time();
	/* Split to avoid overflow of t * 1e9 within 64 bits. */
	return t / timebase_hz * NSEC_PER_SEC + t % timebase_hz * NSEC_PER_SEC / timebase_hz;
}

/* CLOCK_REALTIME minus time since boot, set once at boot from the RTC. */
static uint64_t realtime_offset;

void timer_set_realtime(uint64_t realtime_ns)
{
	realtime_offset = realtime_ns - timer_ns();
}

uint64_t timer_realtime_ns(void)
{
	return timer_ns() + realtime_offset;
}
