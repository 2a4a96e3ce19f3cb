/*
 * The scheduler: preemptive round robin over one run queue shared by every
 * hart.  Each hart runs scheduler() on its own stack; a process gives the
 * hart back by calling sched(), which swtch()es to that loop, and the loop
 * swtch()es to the next runnable process.  The timer tick sets need_resched;
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
#include <sluice/tlb.h>
#include <sluice/uvm.h>

static struct spinlock runq_lock = SPINLOCK_INIT;
static struct proc *runq_head, *runq_tail;
/* Harts waiting in wfi for work (bit n: hart id n). */
static volatile unsigned long idle_harts;

/* New work: wake one idle hart with an IPI rather than at its next tick. */
static void kick_idle_hart(void)
{
	unsigned long idle = idle_harts & ~(1ul << this_hart()->hartid);

	if (idle)
		sbi_send_ipi(idle & -idle);
}

/* Append p to the run queue.  Caller holds p->lock. */
static void runq_push(struct proc *p)
{
	spin_lock(&runq_lock);
	p->run_next = NULL;
	if (runq_tail)
		runq_tail->run_next = p;
	else
		runq_head = p;
	runq_tail = p;
	spin_unlock(&runq_lock);
	kick_idle_hart();
}

static struct proc *runq_pop(void)
{
	struct proc *p;

	spin_lock(&runq_lock);
	p = runq_head;
	if (p) {
		runq_head = p->run_next;
		if (!runq_head)
			runq_tail = NULL;
	}
	spin_unlock(&runq_lock);
	return p;
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
	swtch(&p->ctx, h->sched_ctx);
}

/* Run p on this hart until it gives the hart back. */
static void run(struct hart *h, struct proc *p)
{
	/* p's kernel stack may sit where a freed one was mapped (kstack.c). */
	tlb_kernel_flush_sync();
	h->current = p;
	h->kstack_lo = p->kstack_top - KSTACK_SIZE;
	h->kstack_top = p->kstack_top;
	if (p->mm)
		uvm_activate(p->mm);
	fp_switch_in(p);
	swtch(h->sched_ctx, &p->ctx);
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

__noreturn void scheduler(void)
{
	struct hart *h = this_hart();
	struct context ctx;

	h->sched_ctx = &ctx;
	for (;;) {
		local_irq_disable();
		struct proc *p = runq_pop();
		if (!p) {
			/*
			 * Nothing to run: sleep until an interrupt (an IPI from
			 * whoever makes work, or the tick).  Saying we are idle
			 * before looking again closes the window in which work
			 * could arrive unannounced.
			 */
			__atomic_or_fetch(&idle_harts, 1ul << h->hartid, __ATOMIC_SEQ_CST);
			if (!__atomic_load_n(&runq_head, __ATOMIC_SEQ_CST))
				wait_for_interrupt();
			__atomic_and_fetch(&idle_harts, ~(1ul << h->hartid), __ATOMIC_SEQ_CST);
			local_irq_enable();
			continue;
		}
		spin_lock(&p->lock);
		if (p->state == PROC_RUNNABLE) {
			p->state = PROC_RUNNING;
			run(h, p);
		}
		/* A kernel thread that exited has no parent to reap it: we do,
		 * now that nothing runs on its stack. */
		bool reap = p->state == PROC_ZOMBIE && p->kthread;
		spin_unlock(&p->lock);
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
	runq_push(p);
	spin_unlock(&p->lock);
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
	runq_push(p);
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

void sched_tick(void)
{
	struct hart *h = this_hart();

	if (h->current)
		h->need_resched = true;
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

void waitq_sleep(struct waitq *wq, struct spinlock *lk)
{
	struct proc *p = current_proc();
	unsigned long flags;

	BUG_ON(!p);
	flags = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE);
	spin_lock(&p->lock);
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
	spin_unlock(lk);
	p->state = PROC_SLEEPING;
	sched(p);
	spin_unlock(&p->lock);
	csr_set(CSR_SSTATUS, flags & SSTATUS_SIE);
	spin_lock(lk);
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
		p->state = PROC_RUNNABLE;
		runq_push(p);
		if (this_hart()->current)
			this_hart()->need_resched = true;
	}
}

void waitq_wake_all(struct waitq *wq)
{
	unsigned long flags = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE);

	for (;;) {
		/* One at a time, never holding wq->lock and p->lock together
		 * in the wrong order. */
		spin_lock(&wq->lock);
		struct proc *p = wq->head;
		if (p)
			waitq_unlink(wq, p);
		spin_unlock(&wq->lock);
		if (!p)
			break;
		spin_lock(&p->lock);
		wake_locked(p);
		spin_unlock(&p->lock);
	}
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
	csr_set(CSR_SSTATUS, flags & SSTATUS_SIE);
}
