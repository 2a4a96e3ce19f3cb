/* Hart errata from the machine ids: see <sluice/errata.h>. */
#include <sluice/errata.h>
#include <sluice/string.h>

#define MARCHID_SIFIVE_U7    0x8000000000000007ul
#define MARCHID_SIFIVE_U5    0x1ul
#define MIMPID_CIP1200_LAST  0x200630ul	 /* the last affected revision */
#define MIMPID_CIP1200_FIXED 0x1200626ul /* an earlier number, but fixed */
#define MIMPID_REVISION_MASK 0xfffffful

bool erratum_sifive_cip1200(unsigned long mvendorid, unsigned long marchid, unsigned long mimpid)
{
	if (mvendorid != MVENDORID_SIFIVE)
		return false;
	if (marchid != MARCHID_SIFIVE_U7 && marchid != MARCHID_SIFIVE_U5)
		return false;
	return (mimpid & MIMPID_REVISION_MASK) <= MIMPID_CIP1200_LAST &&
	       mimpid != MIMPID_CIP1200_FIXED;
}

bool errata_parse_ids(const char *s, size_t len, unsigned long ids[3])
{
	size_t i = 0;

	for (int n = 0; n < 3; n++) {
		if (n > 0 && (i >= len || s[i++] != ','))
			return false;
		if (i + 1 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X'))
			i += 2;
		size_t first = i;
		unsigned long v = 0;
		for (; i < len && hex_digit(s[i]) >= 0; i++) {
			if (i - first == 16)
				return false; /* more than 64 bits */
			v = v << 4 | (unsigned long)hex_digit(s[i]);
		}
		if (i == first)
			return false;
		ids[n] = v;
	}
	return i == len;
}
