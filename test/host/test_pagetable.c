/* Host tests of the Sv39 page-table code (src/vm/pagetable.c) over fake RAM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/vm.h>

#include "fake_ram.h"
#include "host_stubs.h"

#define SZ_4K	 PT_LEVEL_SIZE(0)
#define SZ_2M	 PT_LEVEL_SIZE(1)
#define SZ_1G	 PT_LEVEL_SIZE(2)
#define RW	 (PTE_R | PTE_W)
#define USER_TOP (1ull << 38)

static paddr_t root;
static size_t free_at_start; /* with only the root allocated */

static void new_root(void)
{
	fake_ram_reset();
	root = virt_to_phys(page_alloc_zeroed_kva());
	free_at_start = page_free_count();
}

/* Check va maps to pa with exactly bits (PTE_V added) through a level-"level" leaf. */
static void expect_map(vaddr_t va, paddr_t pa, uint64_t bits, int level)
{
	paddr_t got_pa = 0;
	uint64_t got_bits = 0;
	int got_level = -1;

	CHECK_EQ(vm_translate(root, va, &got_pa, &got_bits), 0);
	CHECK_EQ(got_pa, pa);
	CHECK_EQ(got_bits, bits | PTE_V);
	CHECK(vm_walk(root, va, false, &got_level) != NULL);
	CHECK_EQ(got_level, level);
}

static void expect_unmapped(vaddr_t va)
{
	paddr_t pa = 1;
	int level = -1;

	CHECK_EQ(vm_translate(root, va, &pa, NULL), -ENOENT);
	CHECK(vm_walk(root, va, false, &level) == NULL);
}

/* Non-leaf PTEs carry V and the PPN only; level-0 entries are all leaves. */
static void check_nonleaf_bits(paddr_t table, int level)
{
	pte_t *t = phys_to_virt(table);

	for (int i = 0; i < PT_ENTRIES; i++) {
		if (!(t[i] & PTE_V) || pte_is_leaf(t[i]))
			continue;
		CHECK(level > 0);
		CHECK_EQ(t[i] & ~PTE_PPN_MASK, PTE_V);
		check_nonleaf_bits(pte_to_pa(t[i]), level - 1);
	}
}

/* Unmap everything, free every table: back to just the root. */
static void teardown(void)
{
	CHECK_EQ(vm_unmap_range(root, 0, USER_TOP), 0);
	CHECK_EQ(vm_unmap_range(root, 0ull - USER_TOP, USER_TOP), 0);
	vm_free_tables(root, 0, USER_TOP);
	vm_free_tables(root, 0ull - USER_TOP, 0);
	CHECK_EQ(page_free_count(), free_at_start);
	for (int i = 0; i < PT_ENTRIES; i++)
		CHECK_EQ(((pte_t *)phys_to_virt(root))[i], 0);
}

static void test_4k(void)
{
	vaddr_t va = 0x10000000;
	paddr_t pa = 0x90000000;
	const uint64_t bits = RW | PTE_U | PTE_A | PTE_D;

	new_root();
	CHECK_EQ(vm_map_range(root, va, pa, 3 * SZ_4K, bits, 0), 0);
	/* One level-1 and one level-0 table. */
	CHECK_EQ(free_at_start - page_free_count(), 2);
	for (int i = 0; i < 3; i++) {
		expect_map(va + i * SZ_4K, pa + i * SZ_4K, bits, 0);
		expect_map(va + i * SZ_4K + 0x123, pa + i * SZ_4K + 0x123, bits, 0);
	}
	expect_unmapped(va - SZ_4K);
	expect_unmapped(va + 3 * SZ_4K);
	CHECK_EQ(vm_translate(root, va + 5, NULL, NULL), 0);
	CHECK_EQ(vm_map_range(root, va, pa, 0, PTE_R, 0), 0); /* nothing to do */
	check_nonleaf_bits(root, 2);
	teardown();
}

/* 2 MiB and 1 GiB leaves, only with VM_MAP_HUGE and only where aligned. */
static void test_huge(void)
{
	new_root();
	CHECK_EQ(vm_map_range(root, 0x40200000, 0x80200000, 2 * SZ_2M, PTE_R | PTE_X, VM_MAP_HUGE),
		 0);
	CHECK_EQ(free_at_start - page_free_count(), 1); /* a level-1 table, no level 0 */
	expect_map(0x40200000, 0x80200000, PTE_R | PTE_X, 1);
	expect_map(0x40200000 + SZ_2M + 0x12345, 0x80200000 + SZ_2M + 0x12345, PTE_R | PTE_X, 1);
	teardown();

	/* Same range without the flag: 4 KiB leaves, two level-0 tables. */
	CHECK_EQ(vm_map_range(root, 0x40200000, 0x80200000, 2 * SZ_2M, PTE_R | PTE_X, 0), 0);
	CHECK_EQ(free_at_start - page_free_count(), 3);
	expect_map(0x40200000 + SZ_2M, 0x80200000 + SZ_2M, PTE_R | PTE_X, 0);
	teardown();

	/* A gigapage needs no table at all. */
	CHECK_EQ(vm_map_range(root, 2 * SZ_1G, SZ_1G, SZ_1G, RW | PTE_A | PTE_D, VM_MAP_HUGE), 0);
	CHECK_EQ(page_free_count(), free_at_start);
	expect_map(2 * SZ_1G + 0x12345678, SZ_1G + 0x12345678, RW | PTE_A | PTE_D, 2);
	teardown();

	/* va aligned, pa not: 4 KiB leaves however big the range. */
	CHECK_EQ(vm_map_range(root, SZ_1G, 0x80001000, SZ_2M, PTE_R, VM_MAP_HUGE), 0);
	expect_map(SZ_1G + SZ_2M - SZ_4K, 0x80001000 + SZ_2M - SZ_4K, PTE_R, 0);
	teardown();

	/* Ragged edges around a gigapage: 4K, 2M, 1G, 2M, 4K leaves. */
	vaddr_t va = 3 * SZ_1G - SZ_2M - SZ_4K;
	paddr_t pa = 5 * SZ_1G - SZ_2M - SZ_4K;
	size_t size = SZ_1G + 2 * SZ_2M + 2 * SZ_4K;
	CHECK_EQ(vm_map_range(root, va, pa, size, PTE_R | PTE_W, VM_MAP_HUGE), 0);
	expect_map(va, pa, RW, 0);
	expect_map(va + SZ_4K, pa + SZ_4K, RW, 1);
	expect_map(3 * SZ_1G, 5 * SZ_1G, RW, 2);
	expect_map(4 * SZ_1G, 6 * SZ_1G, RW, 1);
	expect_map(va + size - SZ_4K, pa + size - SZ_4K, RW, 0);
	expect_unmapped(va + size);
	expect_unmapped(va - SZ_4K);
	check_nonleaf_bits(root, 2);
	teardown();
}

/* Leaf bits come back exactly as given, at every level; non-leaves stay bare. */
static void test_perm_bits(void)
{
	const uint64_t perms[] = {
		PTE_R,
		PTE_X,
		PTE_R | PTE_W,
		PTE_R | PTE_X,
		PTE_R | PTE_W | PTE_X,
		PTE_R | PTE_U,
		PTE_R | PTE_W | PTE_U | PTE_A | PTE_D,
		PTE_X | PTE_U | PTE_A,
		PTE_R | PTE_W | PTE_X | PTE_U | PTE_G | PTE_A | PTE_D,
		PTE_R | PTE_G,
		PTE_R | PTE_V,
	};
	const vaddr_t kva = LINEAR_MAP_BASE;

	new_root();
	for (size_t i = 0; i < ARRAY_SIZE(perms); i++) {
		uint64_t want = perms[i] & ~PTE_V;
		for (int level = 0; level < PT_LEVELS; level++) {
			vaddr_t va = (i + 1) * 4 * SZ_1G + level * SZ_1G;
			size_t size = PT_LEVEL_SIZE(level);
			CHECK_EQ(vm_map_range(root, va, 7 * SZ_1G, size, perms[i], VM_MAP_HUGE), 0);
			expect_map(va + size - 8, 7 * SZ_1G + size - 8, want, level);
			CHECK_EQ(vm_map_range(root, kva + va, 7 * SZ_1G, size, perms[i],
					      VM_MAP_HUGE),
				 0);
			expect_map(kva + va, 7 * SZ_1G, want, level);
		}
	}
	/* PTE_G in the leaves only: the kernel half's root entries are bare. */
	check_nonleaf_bits(root, 2);
	teardown();
}

static void test_einval(void)
{
	new_root();
	CHECK_EQ(vm_map_range(root, 0x1800, 0x2000, SZ_4K, PTE_R, 0), -EINVAL);
	CHECK_EQ(vm_map_range(root, 0x1000, 0x2800, SZ_4K, PTE_R, 0), -EINVAL);
	CHECK_EQ(vm_map_range(root, 0x1000, 0x2000, 0x800, PTE_R, 0), -EINVAL);
	CHECK_EQ(vm_map_range(root + 8, 0x1000, 0x2000, SZ_4K, PTE_R, 0), -EINVAL);
	/* Non-canonical, off the end of a half, across the halves, wrapping. */
	CHECK_EQ(vm_map_range(root, USER_TOP, 0, SZ_4K, PTE_R, 0), -EINVAL);
	CHECK_EQ(vm_map_range(root, 0x8000000000000000ull, 0, SZ_4K, PTE_R, 0), -EINVAL);
	CHECK_EQ(vm_map_range(root, USER_TOP - SZ_4K, 0, 2 * SZ_4K, PTE_R, 0), -EINVAL);
	CHECK_EQ(vm_map_range(root, 0ull - USER_TOP - SZ_4K, 0, 2 * SZ_4K, PTE_R, 0), -EINVAL);
	CHECK_EQ(vm_map_range(root, 0ull - SZ_4K, 0, 2 * SZ_4K, PTE_R, 0), -EINVAL);
	CHECK_EQ(vm_map_range(root, 0, 0, 0ull - SZ_4K, PTE_R, 0), -EINVAL);
	/* Reserved and meaningless permissions. */
	CHECK_EQ(vm_map_range(root, 0x1000, 0x2000, SZ_4K, PTE_W, 0), -EINVAL);
	CHECK_EQ(vm_map_range(root, 0x1000, 0x2000, SZ_4K, PTE_W | PTE_X, 0), -EINVAL);
	CHECK_EQ(vm_map_range(root, 0x1000, 0x2000, SZ_4K, 0, 0), -EINVAL);
	CHECK_EQ(vm_map_range(root, 0x1000, 0x2000, SZ_4K, PTE_U | PTE_A, 0), -EINVAL);
	CHECK_EQ(vm_map_range(root, 0x1000, 0x2000, SZ_4K, PTE_R | (1ull << 8), 0), -EINVAL);
	CHECK_EQ(vm_map_range(root, 0x1000, 0x2000, SZ_4K, PTE_R | pa_to_pte(0x5000), 0), -EINVAL);
	CHECK_EQ(vm_map_range(root, 0x1000, 0x2000, SZ_4K, PTE_R, 2), -EINVAL);
	/* A physical address the PPN cannot hold. */
	CHECK_EQ(vm_map_range(root, 0x1000, 1ull << 56, SZ_4K, PTE_R, 0), -EINVAL);
	CHECK_EQ(vm_map_range(root, 0x1000, (1ull << 56) - SZ_4K, 2 * SZ_4K, PTE_R, 0), -EINVAL);
	CHECK_EQ(vm_map_range(root, 0x1000, (1ull << 56) - SZ_4K, SZ_4K, PTE_R, 0), 0);
	expect_map(0x1000, (1ull << 56) - SZ_4K, PTE_R, 0);
	CHECK_EQ(vm_unmap_range(root, 0x1800, SZ_4K), -EINVAL);
	CHECK_EQ(vm_unmap_range(root, 0x1000, 0x800), -EINVAL);
	CHECK_EQ(vm_unmap_range(root, USER_TOP, SZ_4K), -EINVAL);
	CHECK_EQ(vm_unmap_range(root, 0x1000, 0), 0);
	/* vm_walk and vm_translate: non-canonical is simply not mapped. */
	CHECK(vm_walk(root, USER_TOP, true, NULL) == NULL);
	CHECK_EQ(vm_translate(root, USER_TOP + 0x1000, NULL, NULL), -ENOENT);
	teardown();
}

/* -EEXIST: nothing of the call stays, not even its table pages. */
static void test_eexist(void)
{
	size_t before;

	new_root();
	CHECK_EQ(vm_map_range(root, 0x200000, 0x1000000, SZ_4K, PTE_R, 0), 0);
	before = page_free_count();
	/* Partly new tables (below 2 MiB), then the conflict. */
	CHECK_EQ(vm_map_range(root, 0x200000 - 8 * SZ_4K, 0x5000000, 16 * SZ_4K, RW, 0), -EEXIST);
	CHECK_EQ(page_free_count(), before);
	for (int i = -8; i < 8; i++)
		if (i != 0)
			expect_unmapped(0x200000 + i * SZ_4K);
	expect_map(0x200000, 0x1000000, PTE_R, 0);
	/* The conflict at the very end of a big range that needs many tables. */
	CHECK_EQ(vm_map_range(root, 7 * SZ_1G + SZ_4K, 0, SZ_4K, PTE_R, 0), 0);
	before = page_free_count();
	CHECK_EQ(vm_map_range(root, 6 * SZ_1G, 0, SZ_1G + 2 * SZ_4K, PTE_R, 0), -EEXIST);
	CHECK_EQ(vm_map_range(root, 6 * SZ_1G, 0, SZ_1G + 2 * SZ_4K, PTE_R, VM_MAP_HUGE), -EEXIST);
	CHECK_EQ(page_free_count(), before);
	expect_unmapped(6 * SZ_1G);
	expect_unmapped(7 * SZ_1G);
	/* Huge leaf against a smaller one inside it, and the other way round. */
	CHECK_EQ(vm_map_range(root, 0, 0, SZ_1G, PTE_R, VM_MAP_HUGE), -EEXIST);
	CHECK_EQ(vm_map_range(root, 10 * SZ_1G, 0, SZ_1G, PTE_R, VM_MAP_HUGE), 0);
	CHECK_EQ(vm_map_range(root, 10 * SZ_1G + SZ_2M, 0, SZ_4K, PTE_R, 0), -EEXIST);
	CHECK_EQ(vm_map_range(root, 11 * SZ_1G - SZ_2M, 0, 2 * SZ_2M, PTE_R, VM_MAP_HUGE), -EEXIST);
	CHECK_EQ(page_free_count(), before);
	expect_unmapped(11 * SZ_1G);
	/* The same page twice. */
	CHECK_EQ(vm_map_range(root, 0x200000, 0x1000000, SZ_4K, PTE_R, 0), -EEXIST);
	teardown();
}

static paddr_t hoard[FAKE_RAM_SIZE / PAGE_SIZE];
static size_t nhoard;

/* Take pages until only "leave" are free. */
static void exhaust(size_t leave)
{
	while (page_free_count() > leave)
		hoard[nhoard++] = page_alloc(0);
}

static void unhoard(void)
{
	while (nhoard)
		page_free(hoard[--nhoard], 0);
}

/* -ENOMEM: all or nothing, and the pages it did get go back. */
static void test_enomem(void)
{
	int level;

	new_root();
	/* [1 GiB - 4K, 1 GiB + 2 MiB + 4K) needs 2 level-1 and 3 level-0 tables. */
	for (size_t leave = 0; leave < 5; leave++) {
		exhaust(leave);
		CHECK_EQ(vm_map_range(root, SZ_1G - SZ_4K, 0, SZ_2M + 2 * SZ_4K, RW, 0), -ENOMEM);
		CHECK_EQ(page_free_count(), leave);
		expect_unmapped(SZ_1G - SZ_4K);
		expect_unmapped(SZ_1G);
		expect_unmapped(SZ_1G + SZ_2M);
		unhoard();
	}
	exhaust(5);
	CHECK_EQ(vm_map_range(root, SZ_1G - SZ_4K, 0, SZ_2M + 2 * SZ_4K, RW, 0), 0);
	CHECK_EQ(page_free_count(), 0);
	expect_map(SZ_1G + SZ_2M, SZ_2M + SZ_4K, RW, 0);
	/* Walk with alloc: out of memory is NULL. */
	CHECK(vm_walk(root, 20 * SZ_1G, true, &level) == NULL);
	unhoard();

	/* Splitting a gigapage needs two tables: with one, nothing changes. */
	CHECK_EQ(vm_map_range(root, 4 * SZ_1G, 0, SZ_1G, RW, VM_MAP_HUGE), 0);
	exhaust(1);
	CHECK_EQ(vm_unmap_range(root, 4 * SZ_1G + SZ_2M, SZ_4K), -ENOMEM);
	CHECK_EQ(page_free_count(), 1);
	expect_map(4 * SZ_1G + SZ_2M, SZ_2M, RW, 2);
	unhoard();
	teardown();
}

/* Unmapping part of a huge leaf splits it; the rest keeps its exact bits. */
static void test_unmap_split(void)
{
	const uint64_t bits = PTE_R | PTE_X | PTE_G | PTE_A;
	vaddr_t v = 2 * SZ_1G;
	paddr_t p = 9 * SZ_1G;

	new_root();
	CHECK_EQ(vm_map_range(root, v, p, SZ_1G, bits, VM_MAP_HUGE), 0);
	CHECK_EQ(vm_unmap_range(root, v + SZ_2M + SZ_4K, SZ_4K), 0);
	CHECK_EQ(free_at_start - page_free_count(), 2);
	expect_map(v, p, bits, 1);
	expect_map(v + SZ_2M, p + SZ_2M, bits, 0);
	expect_unmapped(v + SZ_2M + SZ_4K);
	expect_map(v + SZ_2M + 2 * SZ_4K + 0x10, p + SZ_2M + 2 * SZ_4K + 0x10, bits, 0);
	expect_map(v + 2 * SZ_2M, p + 2 * SZ_2M, bits, 1);
	expect_map(v + SZ_1G - 1, p + SZ_1G - 1, bits, 1);
	check_nonleaf_bits(root, 2);

	/* Across two 2 MiB leaves, partly each: both split at their edge. */
	CHECK_EQ(vm_unmap_range(root, v + 5 * SZ_2M - SZ_4K, 2 * SZ_4K), 0);
	expect_map(v + 5 * SZ_2M - 2 * SZ_4K, p + 5 * SZ_2M - 2 * SZ_4K, bits, 0);
	expect_unmapped(v + 5 * SZ_2M - SZ_4K);
	expect_unmapped(v + 5 * SZ_2M);
	expect_map(v + 5 * SZ_2M + SZ_4K, p + 5 * SZ_2M + SZ_4K, bits, 0);

	/* A whole huge leaf goes without a split; a range over holes is fine. */
	size_t before = page_free_count();
	CHECK_EQ(vm_unmap_range(root, v + 8 * SZ_2M, 3 * SZ_2M), 0);
	CHECK_EQ(page_free_count(), before);
	expect_unmapped(v + 9 * SZ_2M);
	expect_map(v + 11 * SZ_2M, p + 11 * SZ_2M, bits, 1);
	CHECK_EQ(vm_unmap_range(root, v - SZ_1G, 4 * SZ_1G), 0);
	CHECK_EQ(page_free_count(), before);
	expect_unmapped(v);
	expect_unmapped(v + SZ_2M);

	/* A gigapage unmapped exactly: no table needed or allocated. */
	CHECK_EQ(vm_map_range(root, 0ull - SZ_1G, 3 * SZ_1G, SZ_1G, bits, VM_MAP_HUGE), 0);
	CHECK_EQ(vm_unmap_range(root, 0ull - SZ_1G, SZ_1G), 0);
	CHECK_EQ(page_free_count(), before);
	expect_unmapped(0ull - SZ_1G);
	teardown();
}

/* Remapping into tables left empty by unmap; a huge map over an existing table. */
static void test_remap_after_unmap(void)
{
	new_root();
	CHECK_EQ(vm_map_range(root, SZ_1G, 0, SZ_4K, PTE_R, 0), 0);
	CHECK_EQ(vm_unmap_range(root, SZ_1G, SZ_4K), 0);
	/* The empty tables stay; the gigapage is built from smaller leaves in them. */
	CHECK_EQ(vm_map_range(root, SZ_1G, 0, SZ_1G, PTE_R, VM_MAP_HUGE), 0);
	expect_map(SZ_1G, 0, PTE_R, 0);
	expect_map(SZ_1G + SZ_2M, SZ_2M, PTE_R, 1);
	teardown();
}

static void test_walk_alloc(void)
{
	int level = -1;
	pte_t *pte;

	new_root();
	CHECK(vm_walk(root, 0x7000, false, &level) == NULL);
	pte = vm_walk(root, 0x7000, true, &level);
	CHECK(pte != NULL);
	CHECK_EQ(level, 0);
	CHECK_EQ(*pte, 0);
	CHECK_EQ(free_at_start - page_free_count(), 2);
	CHECK(vm_walk(root, 0x7000, false, &level) == NULL); /* still unmapped */
	*pte = pa_to_pte(0xabcd000) | PTE_R | PTE_V;
	expect_map(0x7123, 0xabcd123, PTE_R, 0);
	CHECK(vm_walk(root, 0x7000, true, NULL) == pte);
	CHECK(vm_walk(root, 0x8000, true, NULL) == pte + 1);
	CHECK_EQ(free_at_start - page_free_count(), 2);
	/* Inside a huge leaf: the leaf itself, with its level. */
	CHECK_EQ(vm_map_range(root, SZ_1G + SZ_2M, 0, SZ_2M, PTE_R, VM_MAP_HUGE), 0);
	pte = vm_walk(root, SZ_1G + SZ_2M + 0x5000, true, &level);
	CHECK(pte && pte_is_leaf(*pte));
	CHECK_EQ(level, 1);
	CHECK_EQ(vm_unmap_range(root, 0x7000, SZ_4K), 0);
	expect_unmapped(0x7000);
	teardown();
}

/* vm_free_tables frees what lies wholly in the range, and only that. */
static void test_free_tables(void)
{
	new_root();
	CHECK_EQ(vm_map_range(root, 0x1000, 0, SZ_4K, PTE_R, 0), 0);		      /* L1a, L0a */
	CHECK_EQ(vm_map_range(root, SZ_2M, 0, SZ_4K, PTE_R, 0), 0);		      /* L0b */
	CHECK_EQ(vm_map_range(root, SZ_1G + 0x1000, 0, SZ_4K, PTE_R, 0), 0);	      /* L1b, L0c */
	CHECK_EQ(vm_map_range(root, LINEAR_MAP_BASE, 0, SZ_4K, PTE_R | PTE_G, 0), 0); /* L1k, L0k */
	CHECK_EQ(free_at_start - page_free_count(), 7);
	/* [0, 2 MiB + 4K): only L0a lies wholly inside. */
	vm_free_tables(root, 0, SZ_2M + SZ_4K);
	CHECK_EQ(free_at_start - page_free_count(), 6);
	expect_unmapped(0x1000);
	expect_map(SZ_2M, 0, PTE_R, 0);
	/* Empty and reversed ranges do nothing. */
	vm_free_tables(root, SZ_1G, SZ_1G);
	vm_free_tables(root, 2 * SZ_1G, SZ_1G);
	CHECK_EQ(free_at_start - page_free_count(), 6);
	/* The first gigabyte: L1a and L0b. */
	vm_free_tables(root, 0, SZ_1G);
	CHECK_EQ(free_at_start - page_free_count(), 4);
	expect_map(SZ_1G + 0x1000, 0, PTE_R, 0);
	/* The user half leaves the kernel half alone. */
	vm_free_tables(root, 0, USER_TOP);
	CHECK_EQ(free_at_start - page_free_count(), 2);
	expect_map(LINEAR_MAP_BASE, 0, PTE_R | PTE_G, 0);
	/* va_hi == 0: to the top. */
	vm_free_tables(root, LINEAR_MAP_BASE, 0);
	CHECK_EQ(page_free_count(), free_at_start);
	expect_unmapped(LINEAR_MAP_BASE);
	/* Leaves in the root are not tables: untouched. */
	CHECK_EQ(vm_map_range(root, 0, 0, SZ_1G, PTE_R, VM_MAP_HUGE), 0);
	vm_free_tables(root, 0, USER_TOP);
	expect_map(0x1234, 0x1234, PTE_R, 2);
	teardown();
}

/* Many mappings, then tear down: every table page comes back. */
static void test_no_leak(void)
{
	new_root();
	for (int i = 0; i < 200; i++) {
		vaddr_t va = (vaddr_t)(i * 7919) * SZ_4K * 13 % (USER_TOP / 2);
		va = ALIGN_DOWN(va, SZ_4K);
		size_t size = (size_t)(i % 5 + 1) * SZ_4K;
		int err = vm_map_range(root, va, va, size, RW | PTE_U, VM_MAP_HUGE);
		CHECK(err == 0 || err == -EEXIST);
	}
	CHECK_EQ(vm_map_range(root, USER_TOP / 2, 0, 3 * SZ_1G + 5 * SZ_2M, RW, VM_MAP_HUGE), 0);
	CHECK_EQ(vm_unmap_range(root, USER_TOP / 2 + SZ_1G + 0x3000, SZ_1G), 0);
	check_nonleaf_bits(root, 2);
	CHECK(page_free_count() < free_at_start);
	teardown();
}

int main(void)
{
	fake_ram_setup();
	test_4k();
	test_huge();
	test_perm_bits();
	test_einval();
	test_eexist();
	test_enomem();
	test_unmap_split();
	test_remap_after_unmap();
	test_walk_alloc();
	test_free_tables();
	test_no_leak();
	printf("test_pagetable: ok\n");
	return 0;
}
