/*
 * Host tests for the errata rules (src/lib/errata.c): which machine ids
 * have SiFive's CIP-1200, and the parser of the sluice.hart_ids test hook.
 * The ids are those of real cores: the FU540's U54 (marchid 1), the FU740's
 * and JH7110's U74 (marchid 0x8000000000000007), and QEMU's zeros.
 */
#include <string.h>

#include <sluice/errata.h>

#include "host_stubs.h"

#define U7 0x8000000000000007ul

static int failures;

static void expect_cip1200(unsigned long v, unsigned long a, unsigned long i, bool want)
{
	if (erratum_sifive_cip1200(v, a, i) != want) {
		printf("FAIL: cip1200(%#lx, %#lx, %#lx) should be %d\n", v, a, i, want);
		failures++;
	}
}

static void expect_parse(const char *s, bool ok, unsigned long a, unsigned long b, unsigned long c)
{
	unsigned long ids[3] = {7, 7, 7};
	bool got = errata_parse_ids(s, strlen(s), ids);

	if (got != ok || (ok && (ids[0] != a || ids[1] != b || ids[2] != c))) {
		printf("FAIL: parse \"%s\": %d %#lx %#lx %#lx\n", s, got, ids[0], ids[1], ids[2]);
		failures++;
	}
}

int main(void)
{
	expect_cip1200(0, 0, 0, false);				/* QEMU */
	expect_cip1200(MVENDORID_SIFIVE, U7, 0x20181004, true); /* early U74 */
	expect_cip1200(MVENDORID_SIFIVE, U7, 0x200630, true);	/* the last affected */
	expect_cip1200(MVENDORID_SIFIVE, U7, 0x200631, false);	/* the fix */
	expect_cip1200(MVENDORID_SIFIVE, U7, 0x1200626, false); /* fixed, though lower */
	expect_cip1200(MVENDORID_SIFIVE, U7, 0x4210427, false); /* JH7110's U74 */
	expect_cip1200(MVENDORID_SIFIVE, 1, 0x20181004, true);	/* FU540's U54 */
	expect_cip1200(MVENDORID_SIFIVE, 2, 0x20181004, false); /* another core */
	expect_cip1200(0x5b7, U7, 0x20181004, false);		/* another vendor */

	expect_parse("0x489,0x8000000000000007,0x20181004", true, 0x489, U7, 0x20181004);
	expect_parse("489,1,0", true, 0x489, 1, 0);
	expect_parse("0X0,Ff,a", true, 0, 0xff, 0xa);
	expect_parse("0x489,1", false, 0, 0, 0);
	expect_parse("0x489,1,2,3", false, 0, 0, 0);
	expect_parse("0x489,,2", false, 0, 0, 0);
	expect_parse("0x489,1,0x", false, 0, 0, 0);
	expect_parse("0x489,1,0x10000000000000000", false, 0, 0, 0);
	expect_parse("", false, 0, 0, 0);
	expect_parse("g,1,2", false, 0, 0, 0);

	if (failures)
		return 1;
	printf("test_errata: ok\n");
	return 0;
}
