/*
 * futex(2): threads sleep on a 32-bit word of user memory until another
 * wakes them, the word having changed.  A waiter is a struct on its own
 * kernel stack, on a hashed list under one lock (futex_lock), keyed as
 * Linux keys it (struct futex_key): a private futex (FUTEX_PRIVATE_FLAG)
 * by (address space, address); a shared one in a MAP_SHARED region
 * (shared anonymous memory is one, of an unlinked tmpfs file) by (inode,
 * offset in the file), so processes that map the page at any address
 * meet there; a shared one elsewhere by (address space, address) again,
 * but apart from the private ones: a shared wake never wakes a private
 * waiter, nor the reverse, as on Linux.
 *
 * The word is read and changed through the kernel's own mapping of its
 * page (uvm_user_word) under mm->lock, so WAKE_OP and the robust-list
 * updates are atomic against the threads changing it from user mode.
 * docs/scheduling.md ("Threads and futexes") tells the story.
 */
#include <sluice/errno.h>
#include <sluice/proc.h>
#include <sluice/syscall.h>
#include <sluice/timer.h>
#include <sluice/uaccess.h>
#include <sluice/uvm.h>
#include <sluice/vfs.h>

/* Linux's futex operations and flags (include/uapi/linux/futex.h). */
#define FUTEX_WAIT	       0
#define FUTEX_WAKE	       1
#define FUTEX_REQUEUE	       3
#define FUTEX_CMP_REQUEUE      4
#define FUTEX_WAKE_OP	       5
#define FUTEX_WAIT_BITSET      9
#define FUTEX_WAKE_BITSET      10
#define FUTEX_PRIVATE_FLAG     128
#define FUTEX_CLOCK_REALTIME   256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

#define FUTEX_WAITERS	  0x80000000u
#define FUTEX_OWNER_DIED  0x40000000u
#define FUTEX_TID_MASK	  0x3fffffffu
#define ROBUST_LIST_LIMIT 2048 /* Linux's bound on a (maybe circular) list */

#define NSEC_PER_SEC 1000000000ull

enum futex_kind {
	KEY_PRIVATE,   /* FUTEX_PRIVATE_FLAG: obj the mm, off the address */
	KEY_MM_SHARED, /* shared, not in a MAP_SHARED region: the same */
	KEY_INODE,     /* shared, in one: obj the inode (counted), off in the file */
};

/*
 * What a waiter waits on.  An inode key holds a reference to the inode
 * while it is in use (queued, or being woken), so the inode and its key
 * outlive an munmap or exit of every mapping meanwhile, as on Linux.  An
 * mm key is never followed, only compared: the waiter's mm outlives its
 * wait (it is the waiter's own, or a requeuer's: then a stale match is a
 * spurious wake-up, which futex users allow for).
 */
struct futex_key {
	const void *obj;
	uint64_t off;
	enum futex_kind kind;
};

struct futex_waiter {
	struct futex_key key; /* changed only under futex_lock, while queued */
	uint32_t bitset;
	bool woken; /* set by the waker, under futex_lock */
	struct proc *p;
	struct waitq wq; /* an untimed waiter sleeps here */
	struct futex_waiter *next, **pprev;
};

#define FUTEX_BUCKETS 64
static struct futex_waiter *buckets[FUTEX_BUCKETS];
static struct spinlock futex_lock = SPINLOCK_INIT;

static struct futex_waiter **bucket_of(const struct futex_key *k)
{
	unsigned long h = ((unsigned long)k->obj >> 6) ^ (k->off >> 2) ^ (k->off >> 12);

	return &buckets[h % FUTEX_BUCKETS];
}

static bool key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->obj == b->obj && a->off == b->off && a->kind == b->kind;
}

/*
 * The key of the word at uaddr of mm (Linux's get_futex_key).  A shared
 * one looks up the region: -EFAULT if there is none there, as on Linux.
 * Put it (futex_key_put) when done.
 */
static int futex_key_get(struct mm *mm, unsigned long uaddr, bool shared, struct futex_key *k)
{
	struct inode *ino;
	uint64_t off;
	int err;

	*k = (struct futex_key){mm, uaddr, KEY_PRIVATE};
	if (!shared)
		return 0;
	err = uvm_shared_object(mm, uaddr, &ino, &off);
	if (err)
		return err;
	*k = ino ? (struct futex_key){ino, off, KEY_INODE}
		 : (struct futex_key){mm, uaddr, KEY_MM_SHARED};
	return 0;
}

/* Without futex_lock (interrupts on): the last put of an inode may sleep. */
static void futex_key_put(const struct futex_key *k)
{
	if (k->kind == KEY_INODE)
		inode_put((struct inode *)k->obj);
}

static void waiter_link(struct futex_waiter *w)
{
	struct futex_waiter **head = bucket_of(&w->key);

	w->next = *head;
	if (*head)
		(*head)->pprev = &w->next;
	w->pprev = head;
	*head = w;
}

static void waiter_unlink(struct futex_waiter *w)
{
	*w->pprev = w->next;
	if (w->next)
		w->next->pprev = w->pprev;
	w->next = NULL;
	w->pprev = NULL;
}

/* futex_lock held: wake w (it leaves its list).  proc_wake under the lock:
 * the waiter cannot return (and its thread end) before it has the lock. */
static void waiter_wake(struct futex_waiter *w)
{
	waiter_unlink(w);
	w->woken = true;
	proc_wake(w->p);
}

/*
 * futex_lock held (interrupts off): run fn on the user word at uaddr of
 * mm, under mm->lock, faulting its page in first if need be (a fault takes
 * mm->lock itself).  A file's page (shared anonymous memory is one) may
 * sleep in its file system's mutex, so futex_lock is let go for the fault:
 * callers take nothing else under futex_lock before this.  Returns fn's
 * result, or -EFAULT if the word is not there for the access.
 */
static long futex_word(struct mm *mm, unsigned long uaddr, bool write,
		       long (*fn)(uint32_t *word, void *arg), void *arg)
{
	for (int tries = 0; tries < 4; tries++) {
		spin_lock(&mm->lock);
		uint32_t *word = uvm_user_word(mm, uaddr, write);
		long r = word ? fn(word, arg) : 0;
		spin_unlock(&mm->lock);
		if (word)
			return r;
		spin_unlock(&futex_lock); /* (interrupts as they were: a sleep may) */
		int err = uvm_fault(mm, uaddr, write, false, true);
		spin_lock(&futex_lock);
		if (err)
			return -EFAULT;
	}
	return -EFAULT; /* unmapped again each time: give up */
}

static long word_load(uint32_t *word, void *arg)
{
	*(uint32_t *)arg = __atomic_load_n(word, __ATOMIC_SEQ_CST);
	return 0;
}

/* futex_lock held: wake up to nr (at least one, as Linux counts) waiters
 * on k whose bitset meets bitset.  Returns how many. */
static long futex_wake_locked(const struct futex_key *k, int nr, uint32_t bitset)
{
	struct futex_waiter *w = *bucket_of(k), *next;
	long n = 0;

	for (; w; w = next) {
		next = w->next;
		if (!key_eq(&w->key, k) || !(w->bitset & bitset))
			continue;
		waiter_wake(w);
		if (++n >= nr)
			break;
	}
	return n;
}

static long futex_wake(struct mm *mm, unsigned long uaddr, bool shared, int nr, uint32_t bitset)
{
	struct futex_key k;
	long n = futex_key_get(mm, uaddr, shared, &k);

	if (n)
		return n;
	unsigned long flags = spin_lock_irqsave(&futex_lock);
	n = futex_wake_locked(&k, nr, bitset);
	spin_unlock_irqrestore(&futex_lock, flags);
	futex_key_put(&k);
	return n;
}

/* futex_lock held (interrupts off): sleep until woken, a signal, or the
 * monotonic deadline (0: none).  A timed waiter sleeps on the timer's
 * queue, which the deadline's interrupt wakes; a waker finds it by
 * proc_wake either way, and futex_lock, held until it sleeps, keeps the
 * wake-up from coming in between. */
static long futex_sleep(struct futex_waiter *w, uint64_t deadline)
{
	for (;;) {
		if (w->woken)
			return 0;
		if (signal_pending())
			return -EINTR;
		if (deadline && timer_ns() >= deadline)
			return -ETIMEDOUT;
		if (!deadline) {
			waitq_sleep(&w->wq, &futex_lock);
			continue;
		}
		timer_sleep_tick(&futex_lock, deadline);
	}
}

static long futex_wait(struct mm *mm, unsigned long uaddr, bool shared, uint32_t val,
		       uint32_t bitset, uint64_t deadline)
{
	struct futex_waiter w = {.bitset = bitset, .p = current_proc(), .wq = WAITQ_INIT};
	uint32_t now;
	long err = futex_key_get(mm, uaddr, shared, &w.key);

	if (err)
		return err;
	spin_lock_irqsave(&futex_lock); /* interrupts stay off until unlock */
	/* Read and queue under one lock: a waker that changed the word
	 * after this read finds us queued. */
	err = futex_word(mm, uaddr, false, word_load, &now);
	if (!err && now != val)
		err = -EAGAIN;
	if (!err) {
		waiter_link(&w);
		err = futex_sleep(&w, deadline);
		if (!w.woken)
			waiter_unlink(&w);
	}
	spin_unlock(&futex_lock);
	local_irq_enable();
	futex_key_put(&w.key); /* off the list: the key it ended on (a requeue's) */
	return err;
}

/* The keys of uaddr and uaddr2, both or neither (then an error). */
static int futex_keys_get(struct mm *mm, unsigned long uaddr, unsigned long uaddr2, bool shared,
			  struct futex_key *k1, struct futex_key *k2)
{
	int err = futex_key_get(mm, uaddr, shared, k1);

	if (err)
		return err;
	err = futex_key_get(mm, uaddr2, shared, k2);
	if (err)
		futex_key_put(k1);
	return err;
}

/* futex_lock held: move w from its key to k2.  Its reference to k2's
 * inode is a new one; the one to its old key's the caller puts. */
static void waiter_requeue(struct futex_waiter *w, const struct futex_key *k2)
{
	waiter_unlink(w);
	w->key = *k2;
	if (k2->kind == KEY_INODE)
		inode_get((struct inode *)k2->obj); /* not the first: k2 holds one */
	waiter_link(w);
}

/*
 * REQUEUE and CMP_REQUEUE: wake nr_wake waiters of uaddr, move up to
 * nr_requeue more to uaddr2; CMP_REQUEUE first wants *uaddr == cmpval.
 * Returns the woken plus the moved, as Linux does.
 */
static long futex_requeue(struct mm *mm, unsigned long uaddr, unsigned long uaddr2, bool shared,
			  int nr_wake, int nr_requeue, const uint32_t *cmpval)
{
	struct futex_key k1, k2;
	long n = 0, err;
	uint32_t now;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	err = futex_keys_get(mm, uaddr, uaddr2, shared, &k1, &k2);
	if (err)
		return err;
	spin_lock_irqsave(&futex_lock);
	if (cmpval) {
		err = futex_word(mm, uaddr, false, word_load, &now);
		if (!err && now != *cmpval)
			err = -EAGAIN;
	}
	for (struct futex_waiter *w = *bucket_of(&k1), *next; w && !err; w = next) {
		next = w->next;
		if (n - nr_wake >= nr_requeue)
			break;
		if (!key_eq(&w->key, &k1))
			continue;
		if (++n <= nr_wake)
			waiter_wake(w);
		else
			waiter_requeue(w, &k2);
	}
	spin_unlock(&futex_lock);
	local_irq_enable();
	/* The moved waiters' references to k1's inode, then our own. */
	for (long moved = n - nr_wake; !err && moved > 0; moved--)
		futex_key_put(&k1);
	futex_key_put(&k1);
	futex_key_put(&k2);
	return err ? err : n;
}

/* FUTEX_WAKE_OP's encoded operation on the word at uaddr2. */
struct wake_op {
	uint32_t op, cmp;
	int32_t oparg, cmparg;
	uint32_t old;
};

static long word_op(uint32_t *word, void *arg)
{
	struct wake_op *o = arg;
	uint32_t old = __atomic_load_n(word, __ATOMIC_SEQ_CST), new;

	do {
		switch (o->op & 7) {
		case 0:
			new = (uint32_t)o->oparg;
			break; /* SET */
		case 1:
			new = old + (uint32_t)o->oparg;
			break; /* ADD */
		case 2:
			new = old | (uint32_t)o->oparg;
			break; /* OR */
		case 3:
			new = old & ~(uint32_t)o->oparg;
			break; /* ANDN */
		case 4:
			new = old ^ (uint32_t)o->oparg;
			break; /* XOR */
		default:
			return -ENOSYS;
		}
	} while (!__atomic_compare_exchange_n(word, &old, new, false, __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	o->old = old;
	return 0;
}

/* Does FUTEX_WAKE_OP's comparison hold for the old value?  -ENOSYS: no such one. */
static int wake_op_cmp(const struct wake_op *o)
{
	int32_t old = (int32_t)o->old;

	switch (o->cmp) {
	case 0:
		return old == o->cmparg;
	case 1:
		return old != o->cmparg;
	case 2:
		return old < o->cmparg;
	case 3:
		return old <= o->cmparg;
	case 4:
		return old > o->cmparg;
	case 5:
		return old >= o->cmparg;
	default:
		return -ENOSYS;
	}
}

static long futex_wake_op(struct mm *mm, unsigned long uaddr, unsigned long uaddr2, bool shared,
			  int nr_wake, int nr_wake2, uint32_t encoded)
{
	struct wake_op o = {.op = encoded >> 28,
			    .cmp = (encoded >> 24) & 15,
			    .oparg = (int32_t)(encoded << 8) >> 20,
			    .cmparg = (int32_t)(encoded << 20) >> 20};
	struct futex_key k1, k2;
	long n = 0, err;

	if (o.op & 8) /* FUTEX_OP_OPARG_SHIFT: the argument is a shift count */
		o.oparg = (int32_t)(1u << (o.oparg & 31));
	err = futex_keys_get(mm, uaddr, uaddr2, shared, &k1, &k2);
	if (err)
		return err;
	spin_lock_irqsave(&futex_lock);
	err = futex_word(mm, uaddr2, true, word_op, &o);
	int cmp = err ? 0 : wake_op_cmp(&o);
	if (!err && cmp >= 0) {
		n = futex_wake_locked(&k1, nr_wake, FUTEX_BITSET_MATCH_ANY);
		if (cmp)
			n += futex_wake_locked(&k2, nr_wake2, FUTEX_BITSET_MATCH_ANY);
	}
	spin_unlock(&futex_lock);
	local_irq_enable();
	futex_key_put(&k1);
	futex_key_put(&k2);
	return err ? err : cmp < 0 ? cmp : n;
}

/*
 * The wait's deadline on the monotonic clock (0: none): FUTEX_WAIT's
 * timeout is relative, WAIT_BITSET's absolute (on CLOCK_REALTIME with
 * FUTEX_CLOCK_REALTIME).  0 or an error in *err.
 */
static uint64_t futex_deadline(unsigned long utime, bool absolute, bool realtime, long *err)
{
	struct {
		int64_t tv_sec, tv_nsec;
	} ts;
	uint64_t now = timer_ns(), t;

	*err = 0;
	if (!utime)
		return 0;
	if (copy_from_user(&ts, (const void __user *)utime, sizeof(ts))) {
		*err = -EFAULT;
		return 0;
	}
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || (uint64_t)ts.tv_nsec >= NSEC_PER_SEC) {
		*err = -EINVAL;
		return 0;
	}
	t = (uint64_t)ts.tv_sec > UINT64_MAX / NSEC_PER_SEC / 2
		    ? UINT64_MAX / 2
		    : (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	if (!absolute)
		return now + t;
	if (realtime) {
		uint64_t wall = timer_realtime_ns();
		return t <= wall ? 1 : now + (t - wall);
	}
	return t ? t : 1; /* an absolute 0 is long past, not "no deadline" */
}

long sys_futex(uint32_t __user *uaddr, int op, uint32_t val, unsigned long utime,
	       uint32_t __user *uaddr2, uint32_t val3)
{
	struct mm *mm = current_proc()->mm;
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	bool realtime = op & FUTEX_CLOCK_REALTIME, shared = !(op & FUTEX_PRIVATE_FLAG);
	unsigned long a = (unsigned long)uaddr, a2 = (unsigned long)uaddr2;
	uint64_t deadline;
	long err;

	if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	if (a % sizeof(uint32_t))
		return -EINVAL;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (cmd == FUTEX_WAIT)
			val3 = FUTEX_BITSET_MATCH_ANY;
		if (!val3)
			return -EINVAL;
		deadline = futex_deadline(utime, cmd == FUTEX_WAIT_BITSET, realtime, &err);
		return err ? err : futex_wait(mm, a, shared, val, val3, deadline);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (cmd == FUTEX_WAKE)
			val3 = FUTEX_BITSET_MATCH_ANY;
		if (!val3)
			return -EINVAL;
		return futex_wake(mm, a, shared, (int)val, val3);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
	case FUTEX_WAKE_OP:
		if (a2 % sizeof(uint32_t))
			return -EINVAL;
		if (cmd == FUTEX_WAKE_OP)
			return futex_wake_op(mm, a, a2, shared, (int)val, (int)utime, val3);
		return futex_requeue(mm, a, a2, shared, (int)val, (int)utime,
				     cmd == FUTEX_CMP_REQUEUE ? &val3 : NULL);
	default:
		return -ENOSYS; /* FUTEX_FD (gone from Linux too), the PI operations */
	}
}

/* The robust list's owner died: mark the lock's word, wake a waiter. */
struct death {
	uint32_t tid;
	bool wake;
};

static long word_owner_died(uint32_t *word, void *arg)
{
	struct death *d = arg;
	uint32_t old = __atomic_load_n(word, __ATOMIC_SEQ_CST);

	do {
		if ((old & FUTEX_TID_MASK) != d->tid)
			return 0; /* not held by the dying thread */
	} while (!__atomic_compare_exchange_n(word, &old, (old & FUTEX_WAITERS) | FUTEX_OWNER_DIED,
					      false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	d->wake = old & FUTEX_WAITERS;
	return 0;
}

/* The wake-up is a shared one, as Linux's: a robust lock may be in memory
 * other processes share (glibc waits on any robust lock shared so). */
static void futex_owner_died(struct mm *mm, unsigned long uaddr, uint32_t tid)
{
	struct death d = {tid, false};
	struct futex_key k;

	if (uaddr % sizeof(uint32_t) || futex_key_get(mm, uaddr, true, &k))
		return;
	unsigned long flags = spin_lock_irqsave(&futex_lock);
	if (futex_word(mm, uaddr, true, word_owner_died, &d) == 0 && d.wake)
		futex_wake_locked(&k, 1, FUTEX_BITSET_MATCH_ANY);
	spin_unlock_irqrestore(&futex_lock, flags);
	futex_key_put(&k);
}

/*
 * Walk the robust list (struct robust_list_head: list, futex_offset,
 * list_op_pending), bounded as Linux bounds it; a bad pointer ends it.
 * Entries' low bit marks PI locks, which only shifts the address here.
 */
static void robust_list_walk(struct proc *p)
{
	struct {
		uint64_t list;
		int64_t offset;
		uint64_t pending;
	} head;
	uint64_t entry, next;

	if (copy_from_user(&head, (const void __user *)p->robust_list, sizeof(head)))
		return;
	entry = head.list & ~1ull;
	for (int n = 0; entry != p->robust_list && n < ROBUST_LIST_LIMIT; n++) {
		if (copy_from_user(&next, (const void __user *)entry, sizeof(next)))
			return;
		if (entry != (head.pending & ~1ull))
			futex_owner_died(p->mm, entry + (uint64_t)head.offset, (uint32_t)p->pid);
		entry = next & ~1ull;
	}
	if (head.pending & ~1ull)
		futex_owner_died(p->mm, (head.pending & ~1ull) + (uint64_t)head.offset,
				 (uint32_t)p->pid);
}

static long word_clear(uint32_t *word, void *arg)
{
	__atomic_store_n(word, 0, __ATOMIC_SEQ_CST);
	return 0;
}

void futex_exit(struct proc *p)
{
	struct mm *mm = p->mm;

	if (p->robust_list)
		robust_list_walk(p);
	p->robust_list = 0;
	/* CLONE_CHILD_CLEARTID, set_tid_address: zero the tid word and wake
	 * its waiter (pthread_join), when anyone else shares the memory.  A
	 * shared wake, as Linux's: a FUTEX_PRIVATE_FLAG waiter is not woken
	 * (glibc and musl wait on the tid word without the flag). */
	struct futex_key k;
	if (p->clear_child_tid && __atomic_load_n(&mm->users, __ATOMIC_ACQUIRE) > 1 &&
	    futex_key_get(mm, p->clear_child_tid, true, &k) == 0) {
		unsigned long flags = spin_lock_irqsave(&futex_lock);
		if (futex_word(mm, p->clear_child_tid, true, word_clear, NULL) == 0)
			futex_wake_locked(&k, 1, FUTEX_BITSET_MATCH_ANY);
		spin_unlock_irqrestore(&futex_lock, flags);
		futex_key_put(&k);
	}
	p->clear_child_tid = 0;
}
