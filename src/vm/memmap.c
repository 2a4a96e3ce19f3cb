/* Physical range lists: see <sluice/memmap.h>. */
#include <sluice/errno.h>
#include <sluice/memmap.h>
#include <sluice/string.h>

static void memmap_delete(struct memmap *m, int i)
{
	memmove(&m->r[i], &m->r[i + 1], (size_t)(m->n - i - 1) * sizeof(m->r[0]));
	m->n--;
}

static int memmap_insert(struct memmap *m, int i, paddr_t start, paddr_t end)
{
	if (m->n == MEMMAP_MAX)
		return -E2BIG;
	memmove(&m->r[i + 1], &m->r[i], (size_t)(m->n - i) * sizeof(m->r[0]));
	m->r[i].start = start;
	m->r[i].end = end;
	m->n++;
	return 0;
}

int memmap_add(struct memmap *m, paddr_t start, paddr_t end)
{
	int i = 0;

	if (start >= end)
		return 0;
	while (i < m->n && m->r[i].end < start)
		i++;
	/* Merge with every range that overlaps or touches [start, end). */
	while (i < m->n && m->r[i].start <= end) {
		start = MIN(start, m->r[i].start);
		end = MAX(end, m->r[i].end);
		memmap_delete(m, i);
	}
	return memmap_insert(m, i, start, end);
}

int memmap_remove(struct memmap *m, paddr_t start, paddr_t end)
{
	if (start >= end)
		return 0;
	for (int i = 0; i < m->n; i++) {
		paddr_t s = m->r[i].start, e = m->r[i].end;
		if (e <= start || s >= end)
			continue;
		if (s < start && e > end) { /* the hole splits this range in two */
			m->r[i].end = start;
			return memmap_insert(m, i + 1, end, e);
		}
		if (s < start) {
			m->r[i].end = start;
		} else if (e > end) {
			m->r[i].start = end;
		} else {
			memmap_delete(m, i--);
		}
	}
	return 0;
}

void memmap_align(struct memmap *m, paddr_t align)
{
	for (int i = 0; i < m->n; i++) {
		paddr_t s = ALIGN_UP(m->r[i].start, align), e = ALIGN_DOWN(m->r[i].end, align);
		if (s >= e) {
			memmap_delete(m, i--);
			continue;
		}
		m->r[i].start = s;
		m->r[i].end = e;
	}
}

uint64_t memmap_bytes(const struct memmap *m)
{
	uint64_t total = 0;

	for (int i = 0; i < m->n; i++)
		total += m->r[i].end - m->r[i].start;
	return total;
}
