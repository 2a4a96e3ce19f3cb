/*
 * Host tests for the TLB bookkeeping of user address spaces (the
 * tlb_track_* functions of <sluice/tlb.h>), with the real ASID allocator
 * (src/vm/asid.c), against a model of each hart's TLB.
 *
 * The model keeps, per hart and per ASID, whose translations the TLB may
 * hold and the oldest version of them: a space's version goes up each time
 * its page table loses or weakens a translation.  Harts do what uvm.c does:
 * on entering a space, flush the whole TLB if the allocator says so, else
 * the space's ASID if tlb_track_enter says so; a change flushes locally and
 * remotely the harts tlb_track_changed names; leaving a space without an
 * ASID flushes the whole TLB.  The invariant, checked after every step: a
 * hart running a space holds no translation of it older than its current
 * version (nothing stale can be used), and none of another space under the
 * same ASID.
 */
#include <string.h>

#include <sluice/asid.h>
#include <sluice/tlb.h>

#include "host_stubs.h"

#define HARTS 6
#define SLOTS 16
#define NONE  (-1)

static struct asid_allocator A;

struct space {
	int id; /* NONE: the slot is free */
	uint64_t ctx;
	struct tlb_track t;
	int version;
};

struct cached {
	int id;	    /* whose translations, or NONE */
	int oldest; /* the oldest version among them */
};

static struct {
	unsigned int bits, nharts;
	int threads; /* percent of entries that may join a space running elsewhere */
	struct space s[SLOTS];
	int running[HARTS]; /* slot, or NONE: the kernel's own table */
	uint16_t asid[HARTS];
	struct cached tlb[HARTS][256];
	int next_id;
	unsigned long enters, stale_flushes, remote_flushes, changes;
} m;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void flush_all(unsigned int h)
{
	for (int a = 0; a < 256; a++)
		m.tlb[h][a].id = NONE;
}

/* sfence.vma for one ASID; ASID 0 stands for "no ASID": everything. */
static void flush_asid(unsigned int h, uint16_t asid)
{
	if (asid == 0)
		flush_all(h);
	else
		m.tlb[h][asid].id = NONE;
}

/* A running hart walks the table and caches the current translations. */
static void fill(unsigned int h)
{
	struct space *sp = &m.s[m.running[h]];
	struct cached *c = &m.tlb[h][m.asid[h]];

	if (c->id == NONE)
		*c = (struct cached){sp->id, sp->version};
}

static void check_hart(unsigned int h)
{
	if (m.running[h] == NONE)
		return;
	struct space *sp = &m.s[m.running[h]];
	struct cached *c = &m.tlb[h][m.asid[h]];

	CHECK_EQ(m.asid[h], sp->t.asid);
	if (c->id == NONE)
		return;
	if (c->id != sp->id || c->oldest != sp->version) {
		fprintf(stderr,
			"hart %u runs space %d (version %d, ASID %u) holding space %d's "
			"translations of version %d\n",
			h, sp->id, sp->version, m.asid[h], c->id, c->oldest);
		exit(1);
	}
}

static void leave(unsigned int h)
{
	if (m.running[h] == NONE)
		return;
	struct space *sp = &m.s[m.running[h]];

	tlb_track_leave(&sp->t, 1ul << h);
	if (sp->t.asid == 0)
		flush_all(h); /* uvm_deactivate */
	m.running[h] = NONE;
}

static bool is_running(int slot)
{
	for (unsigned int h = 0; h < m.nharts; h++)
		if (m.running[h] == slot)
			return true;
	return false;
}

static void enter(unsigned int h, int slot)
{
	struct space *sp = &m.s[slot];
	bool flush = false;

	if (m.running[h] == slot)
		return;
	if (is_running(slot) && (int)(rng() % 100) >= m.threads)
		return; /* one thread: it cannot run on two harts */
	leave(h);
	if (sp->id == NONE)
		*sp = (struct space){.id = m.next_id++};
	uint16_t asid = asid_get(&A, &sp->ctx, h, &flush);
	bool stale = tlb_track_enter(&sp->t, 1ul << h, asid);
	if (flush)
		flush_all(h);
	else if (stale)
		flush_asid(h, asid), m.stale_flushes++;
	m.running[h] = slot;
	m.asid[h] = asid;
	m.enters++;
	check_hart(h);
	fill(h);
}

/* Hart h, running a space, unmaps or protects some of it. */
static void change(unsigned int h)
{
	if (m.running[h] == NONE)
		return;
	struct space *sp = &m.s[m.running[h]];

	sp->version++;
	m.changes++;
	unsigned long now = tlb_track_changed(&sp->t, 1ul << h);
	flush_asid(h, sp->t.asid);
	CHECK(!(now & (1ul << h)));
	for (unsigned int g = 0; g < m.nharts; g++) {
		if (now & (1ul << g)) {
			CHECK(m.running[g] == m.running[h]);
			flush_asid(g, sp->t.asid);
			m.remote_flushes++;
		}
	}
	if (m.threads == 0)
		CHECK_EQ(now, 0); /* one thread: nobody else runs it */
}

static void step(void)
{
	unsigned int h = rng() % m.nharts, r = rng() % 100;
	int slot = rng() % SLOTS;

	if (r < 40)
		enter(h, slot);
	else if (r < 75)
		change(h);
	else if (r < 97)
		leave(h);
	else if (m.s[slot].id != NONE && !is_running(slot))
		m.s[slot].id = NONE; /* exit: its ASID is not given back */
	for (unsigned int g = 0; g < m.nharts; g++) {
		check_hart(g);
		if (m.running[g] != NONE)
			fill(g);
	}
}

static void simulate(unsigned int bits, unsigned int nharts, int threads, int steps)
{
	memset(&m, 0, sizeof(m));
	m.bits = bits;
	m.nharts = nharts;
	m.threads = threads;
	for (int i = 0; i < SLOTS; i++)
		m.s[i].id = NONE;
	for (unsigned int h = 0; h < nharts; h++) {
		m.running[h] = NONE;
		flush_all(h);
	}
	asid_init(&A, bits);
	for (int i = 0; i < steps; i++)
		step();
	printf("simulation: %u ASID bits, %u harts, %d%% threads: %d spaces, %lu entries, "
	       "%lu changes, %lu stale flushes on entry, %lu remote flushes, %llu rollovers\n",
	       bits, nharts, threads, m.next_id, m.enters, m.changes, m.stale_flushes,
	       m.remote_flushes, (unsigned long long)A.rollovers);
	CHECK(bits == 0 || m.stale_flushes > 0); /* without ASIDs every entry flushes */
	CHECK(threads == 0 || m.remote_flushes > 0);
	CHECK(bits == 0 || bits == 8 || A.rollovers > 0);
}

/* Hand-written: a space that moves hart 0 -> 1, changes, and comes back. */
static void test_migration(void)
{
	struct tlb_track t = {0};

	CHECK(!tlb_track_enter(&t, 1ul << 0, 5)); /* first run: nothing cached */
	tlb_track_leave(&t, 1ul << 0);
	CHECK(!tlb_track_enter(&t, 1ul << 1, 5));     /* hart 1 never ran it */
	CHECK_EQ(tlb_track_changed(&t, 1ul << 1), 0); /* nobody else runs it */
	CHECK_EQ(t.stale, 1ul << 0);
	tlb_track_leave(&t, 1ul << 1);
	CHECK(tlb_track_enter(&t, 1ul << 0, 5)); /* hart 0 flushes before running it */
	CHECK_EQ(t.stale, 0);
	tlb_track_leave(&t, 1ul << 0);
	CHECK(!tlb_track_enter(&t, 1ul << 1, 5)); /* no change since hart 1 ran it */
	CHECK(!tlb_track_enter(&t, 1ul << 2, 7)); /* a new ASID: everything starts afresh */
	CHECK_EQ(t.harts, 1ul << 2);
}

/* Two threads: a change on one hart must reach the other at once. */
static void test_threads(void)
{
	struct tlb_track t = {0};

	tlb_track_enter(&t, 1ul << 0, 3);
	tlb_track_enter(&t, 1ul << 1, 3);
	tlb_track_enter(&t, 1ul << 2, 3);
	tlb_track_leave(&t, 1ul << 2);
	CHECK_EQ(tlb_track_changed(&t, 1ul << 0), 1ul << 1); /* running: now */
	CHECK_EQ(t.stale, (1ul << 1) | (1ul << 2));	     /* hart 2 later */
}

int main(void)
{
	test_migration();
	test_threads();
	simulate(8, HARTS, 0, 300000); /* enough ASIDs: rare rollovers */
	simulate(3, HARTS, 0, 300000);
	simulate(2, 4, 0, 200000);	/* few ASIDs: rollovers, ASID 0 fallback */
	simulate(0, 4, 0, 200000);	/* no ASIDs (the U74) */
	simulate(8, HARTS, 50, 300000); /* with threads */
	simulate(3, HARTS, 30, 300000);
	simulate(2, 4, 30, 200000);
	printf("test_tlb_track: ok\n");
	return 0;
}
