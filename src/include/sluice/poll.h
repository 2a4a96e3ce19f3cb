/*
 * Polling: how ppoll, pselect6 (and a file's readiness) work
 * (docs/polling.md).
 *
 * A file that can make a caller wait has a poll operation (struct
 * file_ops.poll): it returns what the file is ready for now (POLLIN,
 * POLLOUT, POLLHUP, ...) and names, with poll_wait, each wait queue whose
 * wakeup may change that answer.  The poller hangs an entry on each such
 * queue; waitq_wake_all then wakes the poller as well as the queue's own
 * sleepers, and the poller asks every file again.  A file without a poll
 * operation is always ready to read and write (regular files, /dev/null),
 * as on Linux.
 */
#ifndef SLUICE_POLL_H
#define SLUICE_POLL_H

#include <sluice/types.h>

struct waitq;
struct file;
struct poll_table;

/* Linux's poll bits (asm-generic/poll.h). */
#define POLLIN	   0x0001
#define POLLPRI	   0x0002
#define POLLOUT	   0x0004
#define POLLERR	   0x0008
#define POLLHUP	   0x0010
#define POLLNVAL   0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200

/* What a file without a poll operation answers: always ready. */
#define POLL_DEFAULT_MASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

/*
 * Called by a file's poll operation for each wait queue that is woken when
 * its readiness may change.  pt is NULL when the poller only asks again
 * (it is already on the queues): then it does nothing.
 */
void poll_wait(struct poll_table *pt, struct waitq *wq);
/* The same for a queue of file f's own, from a scan that poll_wait_for
 * calls directly (not through f's poll operation): the entry holds f. */
void poll_wait_file(struct poll_table *pt, struct waitq *wq, struct file *f);

/* What f is ready for now, registering on its queues through pt (may be
 * NULL). */
unsigned int poll_file(struct file *f, struct poll_table *pt);

/*
 * The wait ppoll, pselect6 and epoll_pwait share: call scan(arg, pt) until
 * it returns nonzero, the deadline passes (timer_ns; UINT64_MAX: never, 0:
 * scan once) or a signal comes (-EINTR).  The first scan gets a table to
 * hang on at most queues wait queues (through poll_file); later ones get
 * NULL.  scan's result (the number ready), 0 at the deadline, -EINTR or
 * -ENOMEM.
 */
long poll_wait_for(long (*scan)(void *arg, struct poll_table *pt), void *arg, unsigned int queues,
		   uint64_t deadline);

struct poll_entry;

/*
 * Ask f what it is ready for and hang, for as long as the caller likes, an
 * entry from pool (n of them) on each queue it names, whose wakeups call
 * func(entry) with entry->priv = priv (epoll's watches).  *used: the
 * entries hung; *overflow: f named more queues than n (those wakeups are
 * not heard).  Returns f's readiness.  poll_unhook takes them off again.
 */
unsigned int poll_file_hook(struct file *f, struct poll_entry *pool, unsigned int n,
			    void (*func)(struct poll_entry *e), void *priv, unsigned int *used,
			    bool *overflow);
void poll_unhook(struct poll_entry *pool, unsigned int used);

#endif
