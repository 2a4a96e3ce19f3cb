/* Lazy FP switching: see <sluice/fp.h>. */
#include <sluice/fp.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>

void fp_save_regs(uint64_t *regs, uint32_t *fcsr);
void fp_load_regs(const uint64_t *regs, const uint32_t *fcsr);
void fp_zero_regs(void);

void fp_save_current(struct proc *p)
{
	if ((csr_read(CSR_SSTATUS) & SSTATUS_FS) != SSTATUS_FS_DIRTY)
		return;
	fp_save_regs(p->fp_regs, &p->fp_fcsr);
	p->fp_saved = true;
	/* Clean now, here and in the state the process returns to. */
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
	csr_set(CSR_SSTATUS, SSTATUS_FS_CLEAN);
	if (p->tf)
		p->tf->sstatus = (p->tf->sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
}

void fp_switch_in(struct proc *p)
{
	if (!p->tf)
		return; /* kernel threads have no FP state */
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
	csr_set(CSR_SSTATUS, SSTATUS_FS_CLEAN);
	if (p->fp_saved)
		fp_load_regs(p->fp_regs, &p->fp_fcsr);
	else
		fp_zero_regs();
	if ((p->tf->sstatus & SSTATUS_FS) == SSTATUS_FS_DIRTY)
		p->tf->sstatus = (p->tf->sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
}
