/*
 * User floating-point state, switched lazily with sstatus.FS: the registers
 * are saved only when FS says the process changed them (Dirty) since they
 * were last loaded, and a process that never saved any gets zeroed registers,
 * never another process's values.  The FS that counts is the one in the
 * process's user trap frame: the kernel itself runs with FS Off.
 */
#ifndef SLUICE_FP_H
#define SLUICE_FP_H

struct proc;

/* If p (running on this hart) left its FP registers Dirty, save them. */
void fp_save_current(struct proc *p);

/* Load p's FP registers (or zeroes) before it runs on this hart. */
void fp_switch_in(struct proc *p);

#endif
