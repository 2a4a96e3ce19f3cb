/*
 * Host tests for the deadline list (src/dev/deadline.c): sorted insertion,
 * cancel of the head, the middle and one not armed, several due fired in
 * order by one call, a fire that arms its deadline again, the hart timer
 * brought forward (timer_want) and deadlines_next; and a fire that finds
 * the owner's lock held by another thread, which arms under it meanwhile.
 */
#include <pthread.h>
#include <unistd.h>

#include <sluice/deadline.h>

#include "host_stubs.h"

static uint64_t wanted; /* the last timer_want */
static int nfired;
static struct deadline *fired[16]; /* in the order fire saw them */

void timer_want(uint64_t deadline_ns)
{
	wanted = deadline_ns;
}

static struct spinlock owner_lock = SPINLOCK_INIT;

static void record(struct deadline *d, uint64_t now)
{
	CHECK(owner_lock.locked); /* fire runs under the owner's lock */
	CHECK(!deadline_armed(d));
	CHECK(d->at <= now);
	fired[nfired++] = d;
}

/* A periodic timer: fire arms it again, 100 ns on, until `left` runs out. */
struct periodic {
	struct deadline dl;
	int left;
};

static void reload(struct deadline *d, uint64_t now)
{
	struct periodic *p = deadline_owner(d, struct periodic, dl);

	record(d, now);
	if (--p->left > 0)
		deadline_arm(d, d->at + 100);
}

static void arm(struct deadline *d, uint64_t at)
{
	spin_lock(&owner_lock);
	deadline_arm(d, at);
	spin_unlock(&owner_lock);
}

static void cancel(struct deadline *d)
{
	spin_lock(&owner_lock);
	deadline_cancel(d);
	spin_unlock(&owner_lock);
}

static void fire(uint64_t now)
{
	nfired = 0;
	deadlines_fire(now);
}

static void test_order_and_cancel(void)
{
	struct deadline d[5];

	for (int i = 0; i < 5; i++)
		deadline_init(&d[i], record, &owner_lock);
	CHECK_EQ(deadlines_next(), UINT64_MAX);
	arm(&d[0], 300);
	CHECK_EQ(wanted, 300);
	arm(&d[1], 100);
	arm(&d[2], 200);
	arm(&d[3], 200); /* equal: after d[2] */
	arm(&d[4], 500);
	CHECK_EQ(deadlines_next(), 100);
	cancel(&d[1]); /* the head */
	CHECK_EQ(deadlines_next(), 200);
	cancel(&d[0]); /* the middle */
	cancel(&d[0]); /* not armed: nothing */
	CHECK(!deadline_armed(&d[0]));
	arm(&d[4], 50); /* armed already: moves to the front */
	CHECK_EQ(deadlines_next(), 50);
	fire(49);
	CHECK_EQ(nfired, 0);
	fire(250); /* three due at once, soonest first, equal ones in order */
	CHECK_EQ(nfired, 3);
	CHECK(fired[0] == &d[4] && fired[1] == &d[2] && fired[2] == &d[3]);
	CHECK_EQ(deadlines_next(), UINT64_MAX);
	fire(1000);
	CHECK_EQ(nfired, 0);
}

static void test_rearm_from_fire(void)
{
	struct periodic p = {.left = 3};
	struct deadline other;

	deadline_init(&p.dl, reload, &owner_lock);
	deadline_init(&other, record, &owner_lock);
	arm(&p.dl, 100);
	arm(&other, 250);
	fire(150); /* p fires once and comes back at 200 */
	CHECK_EQ(nfired, 1);
	CHECK(deadline_armed(&p.dl));
	CHECK_EQ(deadlines_next(), 200);
	wanted = 0;
	fire(320); /* p at 200 and 300 (its last), other at 250 between */
	CHECK_EQ(nfired, 3);
	CHECK(fired[0] == &p.dl && fired[1] == &other && fired[2] == &p.dl);
	CHECK(!deadline_armed(&p.dl));
	CHECK_EQ(deadlines_next(), UINT64_MAX);
	/* A periodic one left armed: the hart's timer comes to it. */
	p.left = 5;
	arm(&p.dl, 400);
	wanted = 0;
	fire(400);
	CHECK_EQ(wanted, 500);
	cancel(&p.dl);
	CHECK_EQ(deadlines_next(), UINT64_MAX);
}

static struct deadline late;
static volatile int owner_in;

/* The owner, on another thread: holds its lock a while, then arms a
 * deadline under it (taking the list's lock) while deadlines_fire waits. */
static void *owner_thread(void *arg)
{
	(void)arg;
	spin_lock(&owner_lock);
	owner_in = 1;
	usleep(20000);
	deadline_arm(&late, 900);
	spin_unlock(&owner_lock);
	return NULL;
}

static void test_owner_lock_busy(void)
{
	struct deadline due;
	pthread_t th;

	deadline_init(&due, record, &owner_lock);
	deadline_init(&late, record, &owner_lock);
	arm(&due, 100);
	CHECK(!pthread_create(&th, NULL, owner_thread, NULL));
	while (!owner_in)
		;
	fire(200); /* waits for the owner, lets it arm, then fires `due` */
	CHECK(!pthread_join(th, NULL));
	CHECK_EQ(nfired, 1);
	CHECK(fired[0] == &due);
	CHECK_EQ(deadlines_next(), 900);
	cancel(&late);
}

int main(void)
{
	test_order_and_cancel();
	test_rearm_from_fire();
	test_owner_lock_busy();
	printf("test_deadline: ok\n");
	return 0;
}
