/*
 * Processes: allocation, pids, kernel threads.  exec, fork, exit and wait4,
 * which give processes their user-mode life, are in their own files.
 */
#include <sluice/dt.h>
#include <sluice/errno.h>
#include <sluice/hart.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/panic.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/string.h>
#include <sluice/timer.h>

_Static_assert(__builtin_offsetof(struct context, ra) == 0, "swtch.S layout");
_Static_assert(__builtin_offsetof(struct context, sp) == 8, "swtch.S layout");
_Static_assert(__builtin_offsetof(struct context, s[11]) == 104, "swtch.S layout");

struct spinlock proc_tree_lock = SPINLOCK_INIT;
struct proc *proc_list; /* every process, newest first: under proc_tree_lock */
static int next_pid = 1;
static unsigned long nr_procs; /* allocated and not yet freed: atomic */

/*
 * Linux's max_threads: kernel stacks may take at most an eighth of RAM
 * (with 16 KiB stacks, one process per 32 pages: 997 on 128 MiB), at least
 * Linux's 20, and never more than the stack area has slots once every
 * hart has its two.
 */
unsigned long proc_max(void)
{
	unsigned long n = page_total_count() / (8 * (KSTACK_SIZE / PAGE_SIZE));

	return MIN(MAX(n, 20ul), KSTACK_SLOTS - 2ul * DT_MAX_HARTS);
}

struct proc *proc_find_task(int pid)
{
	for (struct proc *p = proc_list; p && pid > 0; p = p->all_next)
		if (p->pid == pid && !p->kthread && !p->exited && !p->thread_gone)
			return p;
	return NULL;
}

size_t proc_count(void)
{
	return __atomic_load_n(&nr_procs, __ATOMIC_RELAXED);
}

/* Count one more process, unless there are threads-max already.  A
 * compare-and-swap, not proc_tree_lock: every fork and exit passes here,
 * and harts forking independent processes should not queue for a lock. */
static bool proc_count_take(void)
{
	unsigned long n = __atomic_load_n(&nr_procs, __ATOMIC_RELAXED), max = proc_max();

	do {
		if (n >= max)
			return false;
	} while (!__atomic_compare_exchange_n(&nr_procs, &n, n + 1, true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return true;
}

static void proc_count_put(void)
{
	__atomic_fetch_sub(&nr_procs, 1, __ATOMIC_RELAXED);
}

struct proc *proc_alloc(const char *name, int *err)
{
	struct proc *p;
	unsigned long flags;

	*err = -EAGAIN; /* fork's answer at threads-max, as on Linux */
	if (!proc_count_take())
		return NULL;
	*err = -ENOMEM;
	p = kzalloc(sizeof(*p));
	if (p)
		p->kstack_top = kstack_alloc();
	if (!p || !p->kstack_top) {
		kfree(p);
		proc_count_put();
		return NULL;
	}
	p->state = PROC_NEW;
	p->lock = (struct spinlock)SPINLOCK_INIT;
	p->child_exit = (struct waitq)WAITQ_INIT;
	p->exit_signal = SIGCHLD;
	strncpy_safe(p->name, name, sizeof(p->name));
	/* The top of the stack holds the user trap frame; the kernel's own
	 * frames grow down from below it. */
	p->tf = (struct trap_frame *)(p->kstack_top - sizeof(struct trap_frame));
	p->ctx.sp = (unsigned long)p->tf;
	p->start_ns = timer_ns();

	p->leader = p; /* a thread group of one */
	p->threads_live = 1;
	flags = spin_lock_irqsave(&proc_tree_lock);
	p->pid = p->tgid = next_pid++;
	p->all_next = proc_list;
	p->all_prev = NULL;
	if (proc_list)
		proc_list->all_prev = p;
	proc_list = p;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return p;
}

void proc_set_parent(struct proc *c, struct proc *parent)
{
	if (c->parent) {
		if (c->sib_prev)
			c->sib_prev->sib_next = c->sib_next;
		else
			c->parent->children = c->sib_next;
		if (c->sib_next)
			c->sib_next->sib_prev = c->sib_prev;
	}
	c->parent = parent;
	c->sib_prev = NULL;
	c->sib_next = parent ? parent->children : NULL;
	if (parent) {
		if (parent->children)
			parent->children->sib_prev = c;
		parent->children = c;
	}
}

void proc_free(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);

	/* O(1): exit and wait4 must not cost more with many processes about. */
	proc_set_parent(p, NULL);
	if (p->all_prev)
		p->all_prev->all_next = p->all_next;
	else
		proc_list = p->all_next;
	if (p->all_next)
		p->all_next->all_prev = p->all_prev;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	kstack_free(p->kstack_top);
	kfree(p);
	proc_count_put();
}

/*
 * Where a new kernel thread starts: the scheduler switched here holding
 * p->lock with interrupts off, as if returning from sched().
 */
static void kthread_first_run(void)
{
	struct proc *p = current_proc();

	spin_unlock(&p->lock);
	local_irq_enable();
	p->kfn(p->karg);
	proc_exit(0);
}

struct proc *kthread_create(void (*fn)(void *), void *arg, const char *name)
{
	int err;
	struct proc *p = proc_alloc(name, &err);

	if (!p)
		return NULL;
	p->tf = NULL;
	p->kthread = true;
	p->kfn = fn;
	p->karg = arg;
	p->ctx.sp = p->kstack_top;
	p->ctx.ra = (unsigned long)kthread_first_run;
	return p;
}

__noreturn void proc_exit(int status)
{
	struct proc *p = current_proc();

	BUG_ON(!p);
	p->exit_status = status;
	__atomic_store_n(&p->exiting, true, __ATOMIC_RELAXED); /* the OOM killer waits for it */
	/* User processes give back their memory and tell their parent here
	 * (exit.c); a kernel thread has neither. */
	if (p->mm)
		proc_exit_user(p);
	sched_exit();
}
