/*
 * mark.h - the markers bench_busybox.py counts between (bbtime, bbpoll):
 * marker N is "slli x0, x0, N", a HINT (a no-op on any hart) that QEMU's
 * hartinsn plugin sees and reports with the machine's instruction count.
 * mark(k, after) executes marker 2k or 2k+1 for k in 8..31 (bbpoll's
 * figures of issue 10 took 8..12 when 16..31 were full): a HINT's
 * shift amount is an immediate, so each one is an instruction of its own.
 */
#ifndef SLUICE_CONFORMANCE_MARK_H
#define SLUICE_CONFORMANCE_MARK_H

#define MARK(n) __asm__ volatile("slli x0, x0, %0" ::"i"(n) : "memory")
#define MARK_CASE(k)                                                                               \
	case k:                                                                                    \
		if (after)                                                                         \
			MARK(2 * (k) + 1);                                                         \
		else                                                                               \
			MARK(2 * (k));                                                             \
		break

static void mark(int k, int after)
{
	switch (k) {
		MARK_CASE(8);
		MARK_CASE(9);
		MARK_CASE(10);
		MARK_CASE(11);
		MARK_CASE(12);
		MARK_CASE(13);
		MARK_CASE(14);
		MARK_CASE(15);
		MARK_CASE(16);
		MARK_CASE(17);
		MARK_CASE(18);
		MARK_CASE(19);
		MARK_CASE(20);
		MARK_CASE(21);
		MARK_CASE(22);
		MARK_CASE(23);
		MARK_CASE(24);
		MARK_CASE(25);
		MARK_CASE(26);
		MARK_CASE(27);
		MARK_CASE(28);
		MARK_CASE(29);
		MARK_CASE(30);
		MARK_CASE(31);
	}
}

#endif
