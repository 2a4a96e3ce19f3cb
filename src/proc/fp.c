/*
 * Lazy FP switching: see <sluice/fp.h>.
 *
 * The kernel runs with sstatus.FS Off (trap_entry clears it, trap_init_hart
 * at boot): it never uses the FPU itself.  A process's FP state is the FS
 * field of the sstatus in its user trap frame: what the hardware left when
 * the process last trapped into the kernel (Dirty if it wrote an FP
 * register since they were last loaded or saved), and what trap_return
 * restores.  These routines turn the FPU on only while fp.S moves the
 * registers, with interrupts off, so no trap sees it on.
 */
#include <sluice/fp.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>

void fp_save_regs(uint64_t *regs, uint32_t *fcsr);
void fp_load_regs(const uint64_t *regs, const uint32_t *fcsr);
void fp_zero_regs(void);

/* Turn the FPU on (Clean) for fp.S; returns the sstatus to give back. */
static unsigned long fp_on(void)
{
	unsigned long old = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE);

	csr_set(CSR_SSTATUS, SSTATUS_FS_CLEAN);
	return old;
}

/* Off again (loading marks it Dirty: that is no state of the kernel's). */
static void fp_off(unsigned long old)
{
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
	csr_set(CSR_SSTATUS, old & SSTATUS_SIE);
}

/* The process returns to user mode with its registers Clean: saved or loaded. */
static void fp_mark_clean(struct proc *p)
{
	p->tf->sstatus = (p->tf->sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
}

void fp_save_current(struct proc *p)
{
	if (!p->tf || (p->tf->sstatus & SSTATUS_FS) != SSTATUS_FS_DIRTY)
		return;
	unsigned long old = fp_on();
	fp_save_regs(p->fp_regs, &p->fp_fcsr);
	fp_off(old);
	p->fp_saved = true;
	fp_mark_clean(p);
}

void fp_switch_in(struct proc *p)
{
	if (!p->tf)
		return; /* kernel threads have no FP state */
	unsigned long old = fp_on();
	if (p->fp_saved)
		fp_load_regs(p->fp_regs, &p->fp_fcsr);
	else
		fp_zero_regs();
	fp_off(old);
	/* A fork child's frame may say Dirty: the copy fork made is current. */
	if ((p->tf->sstatus & SSTATUS_FS) == SSTATUS_FS_DIRTY)
		fp_mark_clean(p);
}
