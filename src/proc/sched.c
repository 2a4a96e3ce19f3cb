/*
 * The scheduler: preemptive round robin over a run queue per hart (idle
 * harts take work from busy ones).  Each hart runs scheduler() on its own
 * stack; a process gives the hart back by calling sched(), which swtch()es
 * to that loop, and the loop swtch()es to the next runnable process.  The timer tick sets need_resched;
 * the process yields on its way back to user mode.  docs/scheduling.md tells
 * the story, including why p->lock is held across the switch.
 */
#include <sluice/fp.h>
#include <sluice/hart.h>
#include <sluice/kvm.h>
#include <sluice/memlayout.h>
#include <sluice/panic.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/sbi.h>
#include <sluice/testhooks.h>
#include <sluice/timer.h>
#include <sluice/trace.h>
#include <sluice/uaccess.h>
#include <sluice/uvm.h>

/*
 * A run queue per hart.  A process that yields goes back on its own hart's
 * queue, so a lone busy process stays where it is instead of hopping to
 * whichever idle hart was woken for it.  New and woken processes go to an
 * idle hart if there is one (woken with an IPI), else to the waker's hart.
 * A hart whose queue is empty takes a process from another hart's queue
 * if one waits there, and otherwise sleeps in wfi until an interrupt.
 */
struct runq {
	struct spinlock lock;
	struct proc *head, *tail;
	unsigned int len; /* read without the lock by harts looking for work */
} __attribute__((aligned(64)));

static struct runq runqs[DT_MAX_HARTS];
/* Harts waiting in wfi for work (bit n: hart index n). */
static unsigned long idle_harts;

static struct runq *this_runq(void)
{
	return &runqs[this_hart()->index];
}

/* Append p to rq.  Caller holds p->lock, interrupts off. */
static void runq_push(struct runq *rq, struct proc *p)
{
	spin_lock(&rq->lock);
	p->run_next = NULL;
	if (rq->tail)
		rq->tail->run_next = p;
	else
		rq->head = p;
	rq->tail = p;
	__atomic_store_n(&rq->len, rq->len + 1, __ATOMIC_RELEASE);
	spin_unlock(&rq->lock);
}

static struct proc *runq_pop(struct runq *rq)
{
	struct proc *p;

	if (!__atomic_load_n(&rq->len, __ATOMIC_ACQUIRE))
		return NULL;
	spin_lock(&rq->lock);
	p = rq->head;
	if (p) {
		rq->head = p->run_next;
		if (!rq->head)
			rq->tail = NULL;
		__atomic_store_n(&rq->len, rq->len - 1, __ATOMIC_RELAXED);
	}
	spin_unlock(&rq->lock);
	return p;
}

/* The harts p may run on (sched_setaffinity; 0 there: any), by index. */
static unsigned long proc_harts(const struct proc *p)
{
	uint64_t a = __atomic_load_n(&p->affinity, __ATOMIC_ACQUIRE);

	return a ? a : ~0ul;
}

static bool hart_allowed(const struct proc *p, unsigned int index)
{
	return proc_harts(p) >> index & 1;
}

/*
 * Claim an idle hart among allowed (hart indices) by clearing its bit, so
 * that no other waker picks the same one: its index, or -1 if none idles.
 */
static int idle_claim(unsigned long allowed)
{
	unsigned long idle;

	while ((idle = __atomic_load_n(&idle_harts, __ATOMIC_ACQUIRE) & allowed) != 0) {
		unsigned int i = (unsigned int)__builtin_ctzl(idle);

		if (__atomic_fetch_and(&idle_harts, ~(1ul << i), __ATOMIC_ACQ_REL) & (1ul << i))
			return (int)i;
	}
	return -1;
}

/*
 * Make p runnable somewhere: on an idle hart it may use if one sleeps
 * (claimed by clearing its bit, so two wakers do not pick the same one,
 * then woken by IPI), else on this hart, or if p may not run here, on the
 * first hart it may use.  Caller holds p->lock, interrupts off, and calls
 * kicks_send once it has let go of p->lock: the idle hart's IPI waits
 * until then, since the first thing that hart does is take p->lock.  (A
 * placer whose hart is taken away meanwhile, as a hypervisor's or QEMU's
 * host may do, would otherwise leave the woken hart spinning on it.)
 */
static void runq_place(struct proc *p)
{
	struct hart *self = this_hart();
	unsigned long allowed = proc_harts(p);

	/* Woken by a process on its way out (Linux's sync wakeup): this
	 * hart is about to be free, and nothing else waits for it, so p runs
	 * here next: no IPI, no other hart, and p's wait for the dying one to
	 * be off its hart is over by then (wait_until_zombie). */
	if (self->wake_sync && allowed >> self->index & 1 &&
	    !__atomic_load_n(&runqs[self->index].len, __ATOMIC_ACQUIRE)) {
		runq_push(&runqs[self->index], p);
		return;
	}
	/* An idle hart, unless this one is (a wake from its interrupt) and may run p. */
	if (self->current || !(allowed >> self->index & 1)) {
		int i = idle_claim(allowed);
		if (i >= 0) {
			runq_push(&runqs[i], p);
			self->nr_placed_remote++;
			self->kick_pending |= 1ul << hart_at((unsigned int)i)->hartid;
			return;
		}
	}
	if (!(allowed >> self->index & 1)) {
		unsigned int i = (unsigned int)__builtin_ctzl(allowed);
		if (hart_at(i)) {
			runq_push(&runqs[i], p); /* busy: it looks at its queue at its next tick */
			return;
		}
	}
	runq_push(&runqs[self->index], p);
}

/* Wake the idle harts runq_place gave work to.  Interrupts off. */
static void kicks_send(void)
{
	struct hart *self = this_hart();
	unsigned long harts = self->kick_pending;

	if (harts) {
		self->kick_pending = 0;
		sbi_send_ipi(harts);
	}
}

/*
 * This hart's queue is empty: take a process waiting on another's.  Not
 * the one that hart is still running: that one is yielding at its tick
 * and will be picked up again at once where its cache is warm; nor one
 * whose affinity leaves this hart out.
 */
static struct proc *runq_steal(struct hart *h)
{
	for (unsigned int i = 0; hart_at(i); i++) {
		struct runq *rq = &runqs[i];
		struct proc *p;

		if (i == h->index || !__atomic_load_n(&rq->len, __ATOMIC_ACQUIRE))
			continue;
		spin_lock(&rq->lock);
		p = rq->head;
		while (p && (p == __atomic_load_n(&hart_at(i)->current, __ATOMIC_ACQUIRE) ||
			     !hart_allowed(p, h->index)))
			p = p->run_next;
		if (p) {
			/* Unlink p, which may be second after the yielder. */
			struct proc **pp = &rq->head, *prev = NULL;
			while (*pp != p) {
				prev = *pp;
				pp = &(*pp)->run_next;
			}
			*pp = p->run_next;
			if (rq->tail == p)
				rq->tail = prev;
			__atomic_store_n(&rq->len, rq->len - 1, __ATOMIC_RELAXED);
			h->nr_steals++;
		}
		spin_unlock(&rq->lock);
		if (p)
			return p;
	}
	return NULL;
}

/*
 * Nothing to run: sleep until an interrupt (an IPI from whoever places
 * work here, or the tick).  Saying we are idle before looking again closes
 * the window in which work could arrive unannounced.
 */
static void idle_wait(struct hart *h)
{
	unsigned long bit = 1ul << h->index;

	__atomic_or_fetch(&idle_harts, bit, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&runqs[h->index].len, __ATOMIC_SEQ_CST)) {
		h->nr_idle++;
		timer_idle_enter(); /* no tick while nothing runs here */
		wait_for_interrupt();
		timer_idle_exit();
	}
	__atomic_and_fetch(&idle_harts, ~bit, __ATOMIC_SEQ_CST);
}

/*
 * Switch to this hart's scheduler.  The caller holds p->lock (so no other
 * hart can pick p up before we are off its stack), has interrupts off, and
 * has already set p->state.  Returns when the scheduler picks p again.
 */
static void sched(struct proc *p)
{
	struct hart *h = this_hart();

	BUG_ON(csr_read(CSR_SSTATUS) & SSTATUS_SIE);
	BUG_ON(p->state == PROC_RUNNING);
	/* getrusage's switches: still runnable is preempted or yielding. */
	if (p->state == PROC_RUNNABLE)
		p->ru.nivcsw++;
	else
		p->ru.nvcsw++;
	swtch(&p->ctx, h->sched_ctx);
	uaccess_check_closed("a process resumed by the scheduler");
}

/* Run p on this hart until it gives the hart back. */
static void run(struct hart *h, struct proc *p)
{
	h->current = p;
	h->syscall_count = p->syscall_count;
	h->kstack_lo = p->kstack_top - KSTACK_SIZE;
	h->kstack_top = p->kstack_top;
	if (p->mm)
		uvm_activate(p->mm);
	fp_switch_in(p);
	swtch(h->sched_ctx, &p->ctx);
	uaccess_check_closed("the scheduler after a process ran");
	/* The FP registers still hold p's values: keep them if it changed any. */
	fp_save_current(p);
	/*
	 * Leave p's page table: p may exit on another hart and free it while
	 * this hart sits in the scheduler, and a trap here must not walk a
	 * freed table.  The kernel's own table maps the same kernel half.
	 * (An exited p has left it already.)
	 */
	if (p->mm)
		uvm_deactivate(p->mm);
	else if (p->tf)
		kvm_activate_kernel();
	/* Back on the scheduler's stack, with p->lock held by whoever left. */
	h->current = NULL;
	h->kstack_lo = h->idle_stack_lo;
	h->kstack_top = h->idle_stack_top;
}

/*
 * How many turns a task of this nice value lets pass before it runs again,
 * when others wait: each nice level above 0 gives up a fifth of the share
 * (Linux's weights fall by about 1.25 a level), so nice 19 runs about one
 * turn in 70 beside a nice-0 task.  Nice values below 0 run as 0.
 */
static int nice_skips(int nice)
{
	unsigned int w = 1024;

	for (int i = 0; i < nice; i++)
		w = w * 4 / 5;
	return (int)(1024 / (w ? w : 1)) - 1;
}

/*
 * The next task to run from h's queue: one whose affinity has left this
 * hart goes where it may run; a niced one goes to the back while it still
 * has turns to let pass and another task waits.  Interrupts off.
 */
static struct proc *runq_pick(struct hart *h)
{
	struct runq *rq = &runqs[h->index];
	struct proc *p;

	while ((p = runq_pop(rq)) != NULL) {
		bool here = hart_allowed(p, h->index);
		if (here && (p->nice_skips <= 0 || !__atomic_load_n(&rq->len, __ATOMIC_ACQUIRE))) {
			p->nice_skips = p->nice > 0 ? nice_skips(p->nice) : 0;
			return p;
		}
		spin_lock(&p->lock);
		if (here) {
			p->nice_skips--;
			runq_push(rq, p);
		} else {
			runq_place(p);
		}
		spin_unlock(&p->lock);
		kicks_send();
	}
	return NULL;
}

__noreturn void scheduler(void)
{
	struct hart *h = this_hart();
	struct context ctx;

	h->sched_ctx = &ctx;
	for (;;) {
		local_irq_disable();
		struct proc *p = runq_pick(h);
		if (!p)
			p = runq_steal(h);
		if (!p) {
			idle_wait(h);
			local_irq_enable();
			continue;
		}
		spin_lock(&p->lock);
		if (p->state == PROC_RUNNABLE) {
			p->state = PROC_RUNNING;
			h->nr_switches++;
			run(h, p);
		}
		/* A kernel thread or a user thread (not a group leader) that
		 * exited has no parent to reap it: we do, now that nothing
		 * runs on its stack. */
		bool reap = p->state == PROC_ZOMBIE && (p->kthread || p->autoreap);
		spin_unlock(&p->lock);
		kicks_send(); /* a yield that left p to another hart */
		if (reap)
			proc_free(p);
		local_irq_enable();
	}
}

void proc_start(struct proc *p)
{
	unsigned long flags;

	flags = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE);
	spin_lock(&p->lock);
	BUG_ON(p->state != PROC_NEW);
	p->state = PROC_RUNNABLE;
	runq_place(p);
	spin_unlock(&p->lock);
	kicks_send();
	csr_set(CSR_SSTATUS, flags & SSTATUS_SIE);
}

void proc_yield(void)
{
	struct proc *p = current_proc();
	unsigned long flags;

	if (!p)
		return;
	flags = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE);
	this_hart()->need_resched = false;
	spin_lock(&p->lock);
	p->state = PROC_RUNNABLE;
	if (hart_allowed(p, this_hart()->index))
		runq_push(this_runq(), p); /* its own hart's: no migration, no IPI */
	else
		runq_place(p); /* its affinity has left this hart out */
	sched(p);
	spin_unlock(&p->lock);
	csr_set(CSR_SSTATUS, flags & SSTATUS_SIE);
}

__noreturn void sched_exit(void)
{
	struct proc *p = current_proc();

	local_irq_disable();
	spin_lock(&p->lock);
	p->state = PROC_ZOMBIE;
	sched(p);
	panic("sched_exit: a zombie (pid %d) was scheduled", p->pid);
}

/*
 * Wake one idle hart (claimed by clearing its bit, as runq_place does) so
 * that it looks for work: its scheduler loop steals from the others'
 * queues (runq_steal).  Interrupts off, no lock held.
 */
static void kick_idle_hart(void)
{
	int i = idle_claim(~0ul);

	if (i >= 0) {
		this_hart()->kick_pending |= 1ul << hart_at((unsigned int)i)->hartid;
		kicks_send();
	}
}

void sched_tick(void)
{
	struct hart *h = this_hart();

	if (!h->current)
		return;
	h->need_resched = true;
	/* A process waits here while a hart idles: an idle hart has no tick
	 * (tickless), so nothing would make it look for work before its
	 * one-second cap.  Wake it to take the waiting one (Linux's idle
	 * balance kick does the same for its NOHZ harts). */
	if (__atomic_load_n(&runqs[h->index].len, __ATOMIC_ACQUIRE) &&
	    __atomic_load_n(&idle_harts, __ATOMIC_ACQUIRE))
		kick_idle_hart();
}

void proc_account_tick(bool user)
{
	struct proc *p = this_hart()->current;

	/* Kernel threads and the idle scheduler loop are nobody's time. */
	const uint64_t tick_ns = 1000000000ull / TIMER_HZ;

	if (!p || p->kthread)
		return;
	if (user)
		p->utime++;
	else
		p->stime++;
	/* The CPU-time interval timers count only time this process ran. */
	if (user && itimer_cpu_tick(&p->virt_left, p->virt_interval, tick_ns))
		signal_send(p, SIGVTALRM);
	if (itimer_cpu_tick(&p->prof_left, p->prof_interval, tick_ns))
		signal_send(p, SIGPROF);
}

void sched_preempt_point(void)
{
	if (this_hart()->need_resched)
		proc_yield();
}

/*
 * Lock order: p->lock, then wq->lock.  The sleeper holds p->lock from before
 * it is on the queue until the scheduler has switched away from it, so a
 * waker that takes it off the queue and then waits for p->lock always finds
 * it PROC_SLEEPING: it cannot slip in between "queued" and "asleep".
 */
static void waitq_unlink(struct waitq *wq, struct proc *p)
{
	if (p->wq_prev)
		p->wq_prev->wq_next = p->wq_next;
	else
		wq->head = p->wq_next;
	if (p->wq_next)
		p->wq_next->wq_prev = p->wq_prev;
	else
		wq->tail = p->wq_prev;
	p->wq = NULL;
}

/* Queue p on wq (p->lock held). */
static void waitq_link(struct waitq *wq, struct proc *p)
{
	spin_lock(&wq->lock);
	p->wq = wq;
	p->wq_next = NULL;
	p->wq_prev = wq->tail;
	if (wq->tail)
		wq->tail->wq_next = p;
	else
		wq->head = p;
	wq->tail = p;
	spin_unlock(&wq->lock);
}

/* Sleep on wq, releasing lk once p->lock is held; intr: not if a signal
 * waits (lk stays held then).  Returns whether it slept. */
static bool waitq_do_sleep(struct waitq *wq, struct spinlock *lk, bool intr, void *caller)
{
	struct proc *p = current_proc();
	unsigned long flags;
	bool slept = false;

	BUG_ON(!p);
	flags = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE);
	spin_lock(&p->lock);
	if (!intr || !(p->sig_pending & (~p->sig_blocked | p->sig_waiting))) {
		if (__builtin_expect(trace_on, 0))
			trace_sleep(caller); /* who sleeps here, for the tracer */
		waitq_link(wq, p);
		spin_unlock(lk);
		p->state = PROC_SLEEPING;
		sched(p);
		slept = true;
	}
	spin_unlock(&p->lock);
	csr_set(CSR_SSTATUS, flags & SSTATUS_SIE);
	if (slept)
		spin_lock(lk);
	return slept;
}

void waitq_sleep(struct waitq *wq, struct spinlock *lk)
{
	waitq_do_sleep(wq, lk, false, __builtin_return_address(0));
}

bool waitq_sleep_intr(struct waitq *wq, struct spinlock *lk)
{
	return waitq_do_sleep(wq, lk, true, __builtin_return_address(0));
}

bool waitq_sleep_until(struct waitq *wq, struct spinlock *lk, uint64_t at)
{
	current_proc()->wake_at = at; /* read by wakers under wq->lock, once queued */
	return waitq_do_sleep(wq, lk, true, __builtin_return_address(0));
}

/*
 * p->lock held: make a sleeper runnable.  The hart doing the waking is
 * asked to reschedule at its next safe point, so that a process woken by
 * an interrupt (its disk request done, its line typed) runs promptly
 * instead of after a CPU-bound process's whole time slice.
 */
static void wake_locked(struct proc *p)
{
	if (p->state == PROC_SLEEPING) {
		if (__builtin_expect(trace_on, 0))
			trace_wake(p);
		p->state = PROC_RUNNABLE;
		runq_place(p);
		if (this_hart()->current)
			this_hart()->need_resched = true;
	}
}

/*
 * sluice.wake_delay=US: a timer wake (waitq_wake_due) busy-waits US
 * microseconds, at most a second, between taking the sleeper off the queue
 * and taking its lock, so that a signal can wake it and it can sleep again
 * in between (usertests late_wake_race).  Interrupts are off meanwhile.
 */
static void wake_test_delay(void)
{
	const char *v;
	size_t n;

	if (test_hook(TEST_HOOK_WAKE_DELAY, &v, &n)) {
		uint64_t us = 0;
		for (size_t i = 0; i < n && v[i] >= '0' && v[i] <= '9' && us < 1000000; i++)
			us = us * 10 + (uint64_t)(v[i] - '0');
		uint64_t end = timer_ns() + MIN(us, 1000000ull) * 1000;
		while (timer_ns() < end)
			;
	}
}

/*
 * Take the first sleeper of wq due by "due" (wake_at <= due; UINT64_MAX
 * takes any) off the queue and wake it.  False if there is none.  Under
 * wq->lock, then p->lock: never both, so the lock order stays free.
 */
static inline __attribute__((always_inline)) bool waitq_wake_first_due(struct waitq *wq,
								       uint64_t due)
{
	struct proc *p;

	spin_lock(&wq->lock);
	for (p = wq->head; p && p->wake_at > due; p = p->wq_next)
		;
	if (p)
		waitq_unlink(wq, p);
	spin_unlock(&wq->lock);
	if (!p)
		return false;
	if (due != UINT64_MAX)
		wake_test_delay(); /* a timer wake: widen the window below for a test */
	spin_lock(&p->lock);
	/*
	 * Between the unlink and here a signal may have woken p (proc_wake
	 * found it on no queue), and p may have run and gone to sleep again,
	 * on this queue or another.  Waking it now would make it runnable
	 * while queued, and its next sleep would queue it twice: a loop in the
	 * list that the callers would walk forever with interrupts off.  Its
	 * own wake was the one it needed; the queue it is on now will wake it
	 * again.
	 */
	if (!p->wq)
		wake_locked(p);
	spin_unlock(&p->lock);
	kicks_send();
	return true;
}

/*
 * Sleepers of a timed queue whose time has come, one at a time; the others
 * sleep on undisturbed, so a process that sleeps for seconds is not made
 * runnable a hundred times a second.
 */
uint64_t waitq_wake_due(struct waitq *wq, uint64_t now)
{
	unsigned long flags = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE);

	while (waitq_wake_first_due(wq, now))
		;
	csr_set(CSR_SSTATUS, flags & SSTATUS_SIE);
	/* What is left is due later: the timer is brought forward to it. */
	return waitq_next_due(wq);
}

uint64_t waitq_next_due(struct waitq *wq)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	uint64_t next = UINT64_MAX;

	for (struct proc *p = wq->head; p; p = p->wq_next)
		next = MIN(next, p->wake_at);
	spin_unlock_irqrestore(&wq->lock, flags);
	return next;
}

void waitq_wake_all(struct waitq *wq)
{
	unsigned long flags = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE);

	/* Pollers stay on the queue (they leave when their call ends); the
	 * lock keeps each entry alive while it is woken. */
	if (__atomic_load_n(&wq->pollers, __ATOMIC_ACQUIRE)) {
		spin_lock(&wq->lock);
		for (struct poll_entry *e = wq->pollers; e; e = e->next)
			poll_entry_wake(e);
		spin_unlock(&wq->lock);
	}
	while (waitq_wake_first_due(wq, UINT64_MAX))
		;
	csr_set(CSR_SSTATUS, flags & SSTATUS_SIE);
}

void proc_wake(struct proc *p)
{
	unsigned long flags = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE);

	spin_lock(&p->lock);
	struct waitq *wq = p->wq;
	if (p->state == PROC_SLEEPING && wq) {
		spin_lock(&wq->lock);
		if (p->wq == wq) /* a waker may have taken it off meanwhile */
			waitq_unlink(wq, p);
		spin_unlock(&wq->lock);
	}
	wake_locked(p);
	spin_unlock(&p->lock);
	kicks_send();
	csr_set(CSR_SSTATUS, flags & SSTATUS_SIE);
}
