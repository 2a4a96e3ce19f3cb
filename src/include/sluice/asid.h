/*
 * ASID allocation with generations (the scheme Linux's arm64 and riscv use).
 *
 * An address space's context is a 64-bit value: generation << bits | asid.
 * While its generation is the current one, its ASID is valid on every hart
 * and a switch to it needs no TLB flush.  When the ASIDs run out, the
 * generation advances, every ASID is free again, and each hart must flush its
 * whole TLB once before it next runs with a new-generation ASID: the
 * allocator tracks which harts still owe that flush.  ASID 0 is reserved for
 * address spaces that have none (the kernel, and every space when the hart
 * has zero ASID bits: then each switch flushes).  An exiting address space
 * does not give its ASID back: reuse within a generation would need a flush
 * on every hart first, and a rollover does that wholesale.
 */
#ifndef SLUICE_ASID_H
#define SLUICE_ASID_H

#include <sluice/spinlock.h>
#include <sluice/types.h>

#define ASID_MAX_BITS  16
#define ASID_MAX_HARTS 64

struct asid_allocator {
	struct spinlock lock;
	unsigned int bits;			   /* 0: no ASIDs (every switch flushes) */
	uint64_t generation;			   /* current generation, starting at 1 */
	uint64_t used[(1u << ASID_MAX_BITS) / 64]; /* this generation's ASIDs in use */
	uint32_t next;				   /* where to look for a free ASID */
	uint64_t flush_pending; /* bit h: hart h must flush before using a new ASID */
	uint64_t rollovers;	/* how often the generation advanced (statistics) */
	/*
	 * Added for asid.c: the context each hart last switched to (0: none
	 * since the last rollover; read and swapped without the lock by the
	 * fast path), and the one it was running at the last rollover, whose
	 * ASID stays reserved because it may still be running with it: see
	 * the comment in src/vm/asid.c.
	 */
	uint64_t active[ASID_MAX_HARTS];
	uint64_t reserved[ASID_MAX_HARTS];
};

/* Set up for a hart with this many ASID bits (0 to 16). */
void asid_init(struct asid_allocator *a, unsigned int bits);

/*
 * The ASID hart (a small index < ASID_MAX_HARTS) should put in satp to run
 * the address space whose context is *ctx (0 for a new address space),
 * assigning a new one when *ctx is from an old generation.  Sets *flush when
 * the hart must flush its whole TLB first (a rollover it has not flushed for,
 * or no ASIDs at all).
 */
uint16_t asid_get(struct asid_allocator *a, uint64_t *ctx, unsigned int hart, bool *flush);

#endif
