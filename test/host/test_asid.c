/*
 * Host tests for the ASID allocator (src/vm/asid.c).
 *
 * Hand-written scenarios first (no ASIDs, reuse within a generation,
 * rollover and the per-hart flush, an ASID reserved for a space running on
 * another hart, the lock-free common switch, the fallback to ASID 0), then long random simulations of
 * several harts switching between address spaces that come and go, against
 * a model of each hart's TLB: a hart must never run a space with an ASID
 * under which its TLB may still hold another space's entries.
 */
#include <string.h>
#include <unistd.h>

#include <sluice/asid.h>

#include "host_stubs.h"

static struct asid_allocator A;

static uint16_t get(uint64_t *ctx, unsigned int hart, bool *flush)
{
	*flush = false;
	return asid_get(&A, ctx, hart, flush);
}

static uint16_t asid_part(uint64_t ctx)
{
	return (uint16_t)(ctx & ((1u << A.bits) - 1));
}

static void test_no_asids(void)
{
	uint64_t ctx = 0;
	bool flush;

	asid_init(&A, 0);
	for (unsigned int hart = 0; hart < 4; hart++) {
		for (int i = 0; i < 3; i++) {
			CHECK_EQ(get(&ctx, hart, &flush), 0);
			CHECK(flush); /* every switch */
		}
	}
	CHECK_EQ(A.rollovers, 0);
}

/* Within a generation a space keeps its ASID, on every hart, with no flush. */
static void test_keep_within_generation(void)
{
	uint64_t a = 0, b = 0, a0;
	bool flush;

	asid_init(&A, 16);
	CHECK_EQ(get(&a, 0, &flush), 1); /* ASID 0 is never handed out */
	CHECK(!flush);
	CHECK_EQ(get(&b, 0, &flush), 2);
	CHECK(!flush);
	a0 = a;
	for (unsigned int hart = 0; hart < ASID_MAX_HARTS; hart++) {
		CHECK_EQ(get(&a, hart, &flush), 1);
		CHECK(!flush);
		CHECK_EQ(a, a0);
	}
	CHECK_EQ(A.active[0], a);
	CHECK_EQ(A.rollovers, 0);
}

/* bits = 2: ASIDs 1 to 3.  The fourth space rolls over; each hart flushes once. */
static void test_rollover(void)
{
	uint64_t s[4] = {0};
	bool flush;

	asid_init(&A, 2);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(get(&s[i], 0, &flush), i + 1);
	CHECK_EQ(A.generation, 1);
	CHECK_EQ(get(&s[3], 0, &flush), 1); /* hart 0 leaves s[2]: not reserved */
	CHECK(flush);
	CHECK_EQ(A.generation, 2);
	CHECK_EQ(A.rollovers, 1);
	CHECK_EQ(A.flush_pending, ~1ull); /* hart 0 flushed in this very call */
	CHECK_EQ(get(&s[3], 0, &flush), 1);
	CHECK(!flush);
	for (unsigned int hart = 1; hart < ASID_MAX_HARTS; hart++) {
		CHECK_EQ(get(&s[3], hart, &flush), 1);
		CHECK(flush); /* once per hart... */
		CHECK_EQ(get(&s[3], hart, &flush), 1);
		CHECK(!flush); /* ...and no more */
	}
	CHECK_EQ(A.flush_pending, 0);
	/* s[0] is from generation 1: it needs a new ASID, now free again. */
	CHECK_EQ(get(&s[0], 0, &flush), 2);
	CHECK(!flush);
	CHECK_EQ(s[0] >> 2, 2);
}

/*
 * A space running on hart 1 at a rollover keeps its ASID: no other space gets
 * it in the new generation, or the one after, while hart 1 keeps running it.
 */
static void test_reserved_for_running_space(void)
{
	uint64_t a = 0, s[6] = {0};
	bool flush;

	asid_init(&A, 2);
	CHECK_EQ(get(&a, 1, &flush), 1); /* hart 1 runs a with ASID 1 */
	CHECK_EQ(get(&s[0], 0, &flush), 2);
	CHECK_EQ(get(&s[1], 0, &flush), 3);
	for (int i = 2; i < 6; i++) {
		CHECK(get(&s[i], 0, &flush) != 1);
		CHECK(asid_part(s[i]) != 1);
	}
	CHECK_EQ(A.rollovers, 2); /* s[2], s[3] in generation 2; s[4], s[5] in 3 */
	CHECK_EQ(A.generation, 3);
	CHECK_EQ(a >> 2, 1); /* a's context is still stamped with generation 1 */
	/* Hart 1 switches back to a: re-stamped, same ASID; its flush is due. */
	CHECK_EQ(get(&a, 1, &flush), 1);
	CHECK(flush);
	CHECK_EQ(a >> 2, 3);
	/* Another hart running a now: same ASID, no new flush for hart 0. */
	CHECK_EQ(get(&a, 0, &flush), 1);
	CHECK(!flush);
}

/* The same, re-stamped from another hart while hart 1 still runs it. */
static void test_reserved_restamped_elsewhere(void)
{
	uint64_t a = 0, s[3] = {0};
	bool flush;

	asid_init(&A, 2);
	CHECK_EQ(get(&a, 1, &flush), 1);
	CHECK_EQ(get(&s[0], 0, &flush), 2);
	CHECK_EQ(get(&s[1], 0, &flush), 3);
	CHECK_EQ(get(&s[2], 0, &flush), 2); /* rollover: 1 stays a's */
	CHECK_EQ(get(&a, 2, &flush), 1);    /* hart 2 looks a up: re-stamped */
	CHECK(flush);
	CHECK_EQ(A.reserved[1], a); /* hart 1's copy follows */
	CHECK_EQ(get(&s[0], 2, &flush), 3);
	CHECK_EQ(get(&s[1], 2, &flush), 3); /* rollover: 1 (a, hart 1) and 2 (s[2], hart 0) kept */
	CHECK_EQ(A.generation, 3);
	CHECK_EQ(get(&a, 1, &flush), 1);
	CHECK(flush);
}

/*
 * The common switch (a space of this generation, a hart that switched
 * since the last rollover) takes no lock: with the lock held elsewhere it
 * still answers.  Before the fast path it spun on the lock; the alarm ends
 * that.  A rollover then sends every hart through the lock once, to flush.
 */
static void test_fast_path_takes_no_lock(void)
{
	uint64_t a = 0, b = 0, s[3] = {0};
	bool flush;

	asid_init(&A, 2);
	CHECK_EQ(get(&a, 0, &flush), 1);
	CHECK_EQ(get(&b, 1, &flush), 2);
	spin_lock(&A.lock);
	alarm(5); /* a switch waiting for the lock would wait for ever */
	CHECK_EQ(get(&b, 0, &flush), 2);
	CHECK(!flush);
	CHECK_EQ(get(&a, 1, &flush), 1);
	CHECK(!flush);
	alarm(0);
	spin_unlock(&A.lock);
	CHECK_EQ(A.active[0], b);
	CHECK_EQ(A.active[1], a);
	CHECK_EQ(get(&s[0], 2, &flush), 3);
	CHECK_EQ(get(&s[1], 2, &flush), 3); /* rollover: 1 (a, hart 1) and 2 (b, hart 0) kept */
	CHECK_EQ(A.rollovers, 1);
	CHECK_EQ(A.active[0], 0);
	CHECK_EQ(A.reserved[0], b);
	CHECK_EQ(get(&b, 0, &flush), 2); /* the locked path: re-stamped, and the flush */
	CHECK(flush);
	CHECK_EQ(get(&b, 0, &flush), 2); /* fast again */
	CHECK(!flush);
}

/* bits = 1: one ASID.  When it is reserved, a space runs with ASID 0 and flushes. */
static void test_fallback_to_asid0(void)
{
	uint64_t a = 0, b = 0, c = 0;
	bool flush;

	asid_init(&A, 1);
	CHECK_EQ(get(&a, 1, &flush), 1);
	CHECK_EQ(get(&b, 0, &flush), 0); /* rollover, but 1 stays a's */
	CHECK(flush);
	CHECK_EQ(get(&b, 0, &flush), 0);
	CHECK(flush);			 /* every time */
	CHECK_EQ(get(&b, 2, &flush), 0); /* the same ASID everywhere, in this generation */
	CHECK(flush);
	/* Hart 1 leaves a for c: a is not running anywhere, c can have 1. */
	CHECK_EQ(get(&c, 1, &flush), 1);
	CHECK(flush);
	CHECK_EQ(A.rollovers, 2);
}

static void test_bad_arguments_panic(void)
{
	jmp_buf env;
	uint64_t ctx = 0;
	bool flush;

	asid_init(&A, 4);
	host_expect_panic = &env;
	if (setjmp(env) == 0) {
		asid_get(&A, &ctx, ASID_MAX_HARTS, &flush);
		CHECK(!"asid_get accepted hart ASID_MAX_HARTS");
	}
	host_expect_panic = &env;
	if (setjmp(env) == 0) {
		asid_init(&A, ASID_MAX_BITS + 1);
		CHECK(!"asid_init accepted 17 bits");
	}
	host_expect_panic = NULL;
}

/* 16 bits: 65535 spaces fit in one generation; the next one rolls over. */
static void test_full_width(void)
{
	static uint64_t ctx[65536];
	bool flush;

	asid_init(&A, 16);
	for (int i = 1; i < 65536; i++)
		CHECK_EQ(get(&ctx[i], 0, &flush), i);
	CHECK_EQ(A.rollovers, 0);
	CHECK_EQ(get(&ctx[0], 0, &flush), 1);
	CHECK_EQ(A.rollovers, 1);
	CHECK(flush);
}

/* ---- Random simulation against a model of the harts' TLBs ---- */

#define SIM_HARTS  8
#define SIM_SPACES 48
#define NO_SPACE   (-1)

struct sim {
	unsigned int bits, nharts;
	int nspaces;
	uint64_t ctx[SIM_SPACES];
	int id[SIM_SPACES];	/* a fresh id for each space created, NO_SPACE: free slot */
	int running[SIM_HARTS]; /* slot each hart runs, or NO_SPACE (idle) */
	uint16_t running_asid[SIM_HARTS];
	int tlb[SIM_HARTS][1 << 8]; /* per hart, per ASID: whose entries may be cached */
	int next_id;
};

static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void sim_tlb_flush(struct sim *s, unsigned int h)
{
	for (int i = 0; i < (1 << s->bits); i++)
		s->tlb[h][i] = NO_SPACE;
}

/*
 * Hart h switches to the space in slot: the TLB model says whether stale
 * entries of another space could be used.
 */
static void sim_switch(struct sim *s, unsigned int h, int slot)
{
	bool flush;
	uint16_t asid = get(&s->ctx[slot], h, &flush);

	CHECK(asid < (1u << s->bits));
	CHECK_EQ(asid, asid_part(s->ctx[slot]));
	CHECK(!(A.flush_pending & (1ull << h)));
	if (asid == 0)
		CHECK(flush); /* ASID 0 is everybody's: never trusted */
	if (flush)
		sim_tlb_flush(s, h);
	if (s->tlb[h][asid] != NO_SPACE && s->tlb[h][asid] != s->id[slot]) {
		fprintf(stderr,
			"hart %u: space %d runs with ASID %u, which still caches space %d\n", h,
			s->id[slot], asid, s->tlb[h][asid]);
		exit(1);
	}
	s->tlb[h][asid] = s->id[slot];
	s->running[h] = slot;
	s->running_asid[h] = asid;
}

static bool sim_is_running(const struct sim *s, int slot)
{
	for (unsigned int h = 0; h < s->nharts; h++)
		if (s->running[h] == slot)
			return true;
	return false;
}

/*
 * After every step: a running space's ASID is what its context says (a TLB
 * shootdown by that ASID reaches every hart running it); no two spaces run
 * with the same ASID; no two live spaces of this generation share one.
 */
static void sim_check(const struct sim *s)
{
	int owner[1 << 8];

	for (unsigned int h = 0; h < s->nharts; h++) {
		if (s->running[h] == NO_SPACE)
			continue;
		CHECK_EQ(s->running_asid[h], asid_part(s->ctx[s->running[h]]));
		for (unsigned int g = 0; g < h; g++)
			if (s->running[g] != NO_SPACE && s->running[g] != s->running[h])
				CHECK(s->running_asid[g] != s->running_asid[h] ||
				      s->running_asid[h] == 0);
	}
	for (int i = 0; i < (1 << s->bits); i++)
		owner[i] = NO_SPACE;
	for (int i = 0; i < s->nspaces; i++) {
		uint16_t asid = asid_part(s->ctx[i]);
		if (s->id[i] == NO_SPACE || s->ctx[i] >> s->bits != A.generation || asid == 0)
			continue;
		CHECK(owner[asid] == NO_SPACE);
		owner[asid] = i;
	}
}

/* One random event: mostly switches, sometimes a space exits or a hart idles. */
static void sim_step(struct sim *s)
{
	unsigned int h = rng() % s->nharts;
	int slot = rng() % s->nspaces;
	unsigned int r = rng() % 100;

	if (r < 5) {
		s->running[h] = NO_SPACE; /* a kernel thread: satp keeps the old ASID */
	} else if (r < 15) {
		/* Exit (when nothing runs it): the slot gets a new space later. */
		if (s->id[slot] != NO_SPACE && !sim_is_running(s, slot))
			s->id[slot] = NO_SPACE;
	} else {
		if (s->id[slot] == NO_SPACE) {
			s->id[slot] = s->next_id++;
			s->ctx[slot] = 0;
		}
		sim_switch(s, h, slot);
	}
}

static void simulate(unsigned int bits, unsigned int nharts, int nspaces, int steps)
{
	static struct sim s;

	memset(&s, 0, sizeof(s));
	s.bits = bits;
	s.nharts = nharts;
	s.nspaces = nspaces;
	for (int i = 0; i < nspaces; i++)
		s.id[i] = NO_SPACE;
	for (unsigned int h = 0; h < nharts; h++) {
		s.running[h] = NO_SPACE;
		sim_tlb_flush(&s, h); /* boot flushes */
	}
	asid_init(&A, bits);
	for (int i = 0; i < steps; i++) {
		sim_step(&s);
		sim_check(&s);
	}
	printf("simulation: %u bits, %u harts, %d slots, %d steps: %d spaces, %llu rollovers\n",
	       bits, nharts, nspaces, steps, s.next_id, (unsigned long long)A.rollovers);
	CHECK(bits == 8 || A.rollovers > 0);
}

static void test_simulations(void)
{
	simulate(1, 2, 8, 100000); /* ASIDs < harts: ASID 0 fallback */
	simulate(2, 2, 8, 100000);
	simulate(2, 4, 16, 100000); /* reserved ASIDs fill the space */
	simulate(3, 4, 16, 200000);
	simulate(3, SIM_HARTS, 24, 200000);
	simulate(4, SIM_HARTS, SIM_SPACES, 200000);
	simulate(8, SIM_HARTS, SIM_SPACES, 200000);
}

int main(void)
{
	test_no_asids();
	test_keep_within_generation();
	test_rollover();
	test_reserved_for_running_space();
	test_reserved_restamped_elsewhere();
	test_fast_path_takes_no_lock();
	test_fallback_to_asid0();
	test_bad_arguments_panic();
	test_full_width();
	test_simulations();
	printf("test_asid: ok\n");
	return 0;
}
