/*
 * The PLIC driver: see <sluice/irq.h>.  Registers (from the PLIC spec):
 *   priority of source s      base + 4 * s          (0 = never interrupts)
 *   enable bits of context c  base + 0x2000 + 0x80 * c, one bit per source
 *   threshold of context c    base + 0x200000 + 0x1000 * c
 *   claim/complete of c       threshold + 4
 * Each hart's S-mode context number comes from the device tree's
 * interrupts-extended list (dt.c): it differs between boards.
 */
#include <sluice/boot.h>
#include <sluice/errno.h>
#include <sluice/hart.h>
#include <sluice/irq.h>
#include <sluice/kvm.h>
#include <sluice/mm.h>
#include <sluice/printk.h>
#include <sluice/riscv.h>
#include <sluice/spinlock.h>
#include <sluice/trace.h>

#define PLIC_PRIORITY(s)  (4ul * (s))
#define PLIC_ENABLE(c)	  (0x2000ul + 0x80ul * (c))
#define PLIC_THRESHOLD(c) (0x200000ul + 0x1000ul * (c))
#define PLIC_CLAIM(c)	  (PLIC_THRESHOLD(c) + 4)

struct irq_slot {
	irq_handler_t handler;
	void *arg;
	const char *name; /* for /proc/interrupts */
};

static uintptr_t plic;	  /* mapped registers, 0 without a PLIC */
static uint32_t nsources; /* sources 1..nsources (0 means "none") */
static struct irq_slot *slots;
static uint64_t *counts;	       /* [source * DT_MAX_HARTS + hart index] */
static int hart_context[DT_MAX_HARTS]; /* by hart index; -1: none */
static struct spinlock plic_lock = SPINLOCK_INIT;

static volatile uint32_t *plic_reg(uintptr_t off)
{
	return (volatile uint32_t *)(plic + off);
}

static void plic_enable(int ctx, uint32_t src, bool on)
{
	volatile uint32_t *word = plic_reg(PLIC_ENABLE(ctx) + 4 * (src / 32));

	if (on)
		*word |= 1u << (src % 32);
	else
		*word &= ~(1u << (src % 32));
}

int plic_init(const struct dt_platform *p)
{
	if (!p->plic.present)
		return -ENODEV;
	nsources = p->plic.ndev;
	plic = (uintptr_t)ioremap(p->plic.base, p->plic.size);
	slots = kzalloc((nsources + 1) * sizeof(*slots));
	counts = kzalloc((nsources + 1) * DT_MAX_HARTS * sizeof(*counts));
	if (!plic || !slots || !counts) {
		printk("plic: cannot map or set up %u sources; devices stay polled\n", nsources);
		plic = 0;
		return -ENOMEM;
	}
	for (uint32_t s = 1; s <= nsources; s++)
		*plic_reg(PLIC_PRIORITY(s)) = 0;
	for (int i = 0; i < DT_MAX_HARTS; i++)
		hart_context[i] = -1;
	return 0;
}

void plic_init_hart(void)
{
	struct hart *h = this_hart();
	const struct dt_hart *d = dt_find_hart(&platform, h->hartid);

	if (!plic || !d || d->plic_s_context < 0)
		return;
	hart_context[h->index] = d->plic_s_context;
	/* Sources registered before this hart came up are enabled here too. */
	for (uint32_t s = 1; s <= nsources; s++)
		plic_enable(d->plic_s_context, s, slots[s].handler != NULL);
	*plic_reg(PLIC_THRESHOLD(d->plic_s_context)) = 0;
	csr_set(CSR_SIE, SIE_SEIE);
}

int irq_register(uint32_t irq, irq_handler_t handler, void *arg)
{
	unsigned long flags;

	if (!plic)
		return -ENODEV;
	if (irq == 0 || irq > nsources)
		return -EINVAL;
	flags = spin_lock_irqsave(&plic_lock);
	if (slots[irq].handler) {
		spin_unlock_irqrestore(&plic_lock, flags);
		return -EBUSY;
	}
	slots[irq] = (struct irq_slot){handler, arg, NULL};
	*plic_reg(PLIC_PRIORITY(irq)) = 1;
	for (int i = 0; i < DT_MAX_HARTS; i++)
		if (hart_context[i] >= 0)
			plic_enable(hart_context[i], irq, true);
	spin_unlock_irqrestore(&plic_lock, flags);
	return 0;
}

#ifdef SLUICE_TEST_HOOKS
int plic_test_enable_unhandled(uint32_t irq)
{
	unsigned long flags;

	if (!plic || irq == 0 || irq > nsources)
		return -EINVAL;
	flags = spin_lock_irqsave(&plic_lock);
	*plic_reg(PLIC_PRIORITY(irq)) = 1;
	for (int i = 0; i < DT_MAX_HARTS; i++)
		if (hart_context[i] >= 0)
			plic_enable(hart_context[i], irq, true);
	spin_unlock_irqrestore(&plic_lock, flags);
	return 0;
}
#endif

void plic_handle_interrupt(void)
{
	struct hart *h = this_hart();
	int ctx = hart_context[h->index];
	uint32_t src;

	if (ctx < 0)
		return;
	/* Several sources may be pending: claim until none is left (0). */
	while ((src = *plic_reg(PLIC_CLAIM(ctx))) != 0) {
		if (src <= nsources) {
			counts[src * DT_MAX_HARTS + h->index]++;
			if (__builtin_expect(trace_on, 0))
				trace_plic(src, slots[src].name);
			if (slots[src].handler) {
				slots[src].handler(slots[src].arg);
			} else {
				/* Nobody asked for it: count it and mask it, not fatal. */
				*plic_reg(PLIC_PRIORITY(src)) = 0;
				printk("plic: unexpected interrupt from source %u: masked\n", src);
			}
		}
		*plic_reg(PLIC_CLAIM(ctx)) = src; /* complete */
	}
}

long irq_count(uint32_t irq, unsigned int hart_index)
{
	if (!plic || irq == 0 || irq > nsources || hart_index >= DT_MAX_HARTS)
		return -EINVAL;
	return (long)counts[irq * DT_MAX_HARTS + hart_index];
}

long irq_count_all(uint32_t irq)
{
	long total = 0;

	if (!plic || irq == 0 || irq > nsources)
		return -EINVAL;
	for (unsigned int h = 0; h < DT_MAX_HARTS; h++)
		total += (long)counts[irq * DT_MAX_HARTS + h];
	return total;
}

void irq_set_name(uint32_t irq, const char *name)
{
	if (plic && irq >= 1 && irq <= nsources)
		slots[irq].name = name;
}

const char *irq_name(uint32_t irq)
{
	if (!plic || irq < 1 || irq > nsources)
		return NULL;
	return slots[irq].handler ? (slots[irq].name ? slots[irq].name : "?") : NULL;
}

uint32_t irq_max(void)
{
	return plic ? nsources : 0;
}
