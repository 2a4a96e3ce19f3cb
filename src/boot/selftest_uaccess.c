/*
 * sluice.test=uaccess: the user-copy helpers at every alignment and length
 * near page edges.  A scratch address space has two user pages mapped at
 * UT_LO..UT_HI with unmapped pages on both sides; each helper runs from just
 * below or across each edge, and must report exactly the bytes a byte-by-
 * byte copy would not have reached, change exactly the bytes it reports,
 * and leave every other byte alone.
 *
 * This thread has no mm of its own, so a kernel fault on the unmapped pages
 * goes straight to the exception table, as it does for a process when the
 * VM cannot map the page.  Interrupts stay off: the thread must not move to
 * a hart whose satp is not the scratch space.
 */
#include <sluice/boot.h>
#include <sluice/kvm.h>
#include <sluice/mm.h>
#include <sluice/printk.h>
#include <sluice/riscv.h>
#include <sluice/sbi.h>
#include <sluice/string.h>
#include <sluice/uaccess.h>
#include <sluice/uvm.h>

#define UT_LO	  0x20000ul		  /* the mapped pages: [UT_LO, UT_HI) */
#define UT_HI	  (UT_LO + 2 * PAGE_SIZE) /* UT_LO - 1 and UT_HI are unmapped */
#define UT_SPAN	  (UT_HI - UT_LO)
#define POISON	  0xa5
#define KBUF_SIZE (UT_SPAN + 64)

static uint8_t *user_kva[2]; /* the two pages, through the linear map */
static uint8_t *kbuf, *kpattern;
static unsigned long cases, failed;

enum dir { FROM_USER, TO_USER, CLEAR };
static const char *const dir_names[] = {"from_user", "to_user", "clear"};

/* The byte a source holds at offset i: never POISON, never 0. */
static uint8_t pattern(unsigned long i)
{
	uint8_t b = (uint8_t)((i * 131) ^ (i >> 7));

	return b == POISON || b == 0 ? 0x5a : b;
}

static uint8_t *user_byte(unsigned long ua)
{
	return &user_kva[(ua - UT_LO) / PAGE_SIZE][(ua - UT_LO) % PAGE_SIZE];
}

/*
 * What user byte a must hold after a copy of done bytes between ua and
 * kernel offset ka: copies from user memory change none.
 */
static uint8_t user_expect(enum dir d, unsigned long a, unsigned long ua, size_t ka, size_t done)
{
	if (d == FROM_USER)
		return pattern(a);
	if (a < ua || a >= ua + done)
		return POISON;
	return d == CLEAR ? 0 : pattern(ka + (a - ua));
}

/* Check the bytes around one case; put the poison back where it changed. */
static bool check_bytes(enum dir d, unsigned long ua, size_t ka, size_t n, size_t done)
{
	bool ok = true;
	unsigned long from = MAX(ua, UT_LO + 16) - 16, to = MIN(ua + n + 16, UT_HI);

	for (unsigned long a = from; a < to; a++) {
		ok = ok && *user_byte(a) == user_expect(d, a, ua, ka, done);
		if (d != FROM_USER)
			*user_byte(a) = POISON;
	}
	for (size_t i = ka > 16 ? ka - 16 : 0; d == FROM_USER && i < MIN(ka + n + 16, KBUF_SIZE);
	     i++) {
		uint8_t want = i >= ka && i < ka + done ? pattern(ua + (i - ka)) : POISON;
		ok = ok && kbuf[i] == want;
		kbuf[i] = POISON;
	}
	return ok;
}

/* One copy of n bytes between user address ua and kernel offset ka. */
static void run_case(enum dir d, unsigned long ua, size_t ka, size_t n)
{
	unsigned long lo = MAX(ua, UT_LO), hi = MIN(ua + n, UT_HI);
	/* A byte copy reaches the mapped bytes up to the first unmapped one. */
	size_t want = ua < UT_LO && n ? n : n - (hi > lo ? hi - lo : 0);
	size_t left;

	if (d == FROM_USER)
		left = raw_copy_from_user(kbuf + ka, (void *)ua, n);
	else if (d == TO_USER)
		left = raw_copy_to_user((void *)ua, kpattern + ka, n);
	else
		left = clear_user((void *)ua, n);
	cases++;
	bool bytes_ok = check_bytes(d, ua, ka, n, n - left); /* puts the poison back too */
	if (left != want || !bytes_ok) {
		if (failed++ < 10)
			printk("selftest: FAIL %s ua %#lx ka %zu n %zu: %zu not copied, want %zu\n",
			       dir_names[d], ua, ka, n, left, want);
	}
}

static const size_t lengths[] = {0,  1,	 2,   3,   4,	5,   6,	  7,   8,   9,	 10,   11,   12,
				 13, 14, 15,  16,  17,	18,  19,  20,  23,  24,	 25,   31,   32,
				 33, 39, 40,  41,  47,	48,  55,  56,  57,  63,	 64,   65,   71,
				 72, 73, 127, 128, 129, 136, 200, 255, 256, 257, 4095, 4096, 4097};

/* Every kernel alignment and length from each start. */
static void run_start(enum dir d, unsigned long ua)
{
	for (size_t ka = 0; ka < 8; ka++)
		for (size_t l = 0; l < ARRAY_SIZE(lengths); l++)
			run_case(d, ua, ka, lengths[l]);
}

/*
 * Starts up to 80 bytes below the edge between the mapped pages and below
 * the unmapped page above them, and up to 8 bytes into the unmapped page
 * below them.
 */
static void run_direction(enum dir d)
{
	for (unsigned long k = 0; k < 80; k++) {
		run_start(d, UT_LO + PAGE_SIZE - k);
		run_start(d, UT_HI - k);
	}
	for (unsigned long k = 0; k <= 8; k++)
		run_start(d, UT_LO - k);
	/* Long copies: the whole span, from each alignment, to past its end. */
	for (size_t u = 0; u < 8; u++)
		for (size_t ka = 0; ka < 8; ka++) {
			run_case(d, UT_LO + u, ka, UT_SPAN - 8);
			run_case(d, UT_LO + u, ka, UT_SPAN);
		}
}

/* The scratch space: two pages in a region, filled with the pattern. */
static struct mm *make_space(void)
{
	struct mm *mm = uvm_create();

	if (!mm || uvm_add_region(mm, UT_LO, UT_SPAN, PROT_READ | PROT_WRITE, 0))
		return mm;
	for (int i = 0; i < 2; i++)
		user_kva[i] = uvm_page_for_kernel(mm, UT_LO + i * PAGE_SIZE);
	return mm;
}

void selftest_uaccess(void)
{
	struct mm *mm = make_space();

	kbuf = kmalloc(KBUF_SIZE);
	kpattern = kmalloc(KBUF_SIZE);
	if (!mm || !user_kva[0] || !user_kva[1] || !kbuf || !kpattern) {
		printk("selftest: FAIL no memory for the scratch space\n");
		sbi_poweroff();
	}
	for (size_t i = 0; i < KBUF_SIZE; i++)
		kpattern[i] = pattern(i), kbuf[i] = POISON;
	local_irq_disable();
	uvm_activate(mm);
	for (unsigned long a = UT_LO; a < UT_HI; a++)
		*user_byte(a) = pattern(a);
	run_direction(FROM_USER);
	for (unsigned long a = UT_LO; a < UT_HI; a++)
		*user_byte(a) = POISON;
	run_direction(TO_USER);
	run_direction(CLEAR);
	kvm_activate_kernel();
	local_irq_enable();
	uvm_destroy(mm);
	printk("selftest: %lu user copies at page edges, %lu wrong\n", cases, failed);
	printk("sluice: uaccess %s\n", failed ? "FAILED" : "ok");
	sbi_poweroff();
}
