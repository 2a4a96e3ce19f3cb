/*
 * The one trap vector.  stvec points here (direct mode) on every hart, so
 * every exception and interrupt, from user or kernel mode, starts at
 * trap_entry.  It saves all registers in a struct trap_frame (trap.h) on the
 * kernel stack, calls trap_dispatch(frame) in C, and returns through
 * trap_return.  docs/traps.md walks through it.
 *
 * sscratch tells where the trap came from (the convention Linux uses):
 *   in the kernel, sscratch = 0 and tp = this hart's struct hart;
 *   in user mode, sscratch = this hart's struct hart and tp is the user's.
 * One csrrw swaps them: afterwards tp != 0 means "came from user mode".
 */
#include <sluice/hart.h>
#include <sluice/riscv.h>
#include <sluice/trap.h>

/* Save or load x<n> in the frame at sp. */
.macro SAVE_X n
	sd	x\n, TF_X(\n)(sp)
.endm
.macro LOAD_X n
	ld	x\n, TF_X(\n)(sp)
.endm

	.section .text
	.align 2
	.globl trap_entry
trap_entry:
	csrrw	tp, CSR_SSCRATCH, tp
	bnez	tp, .Lfrom_user

	/* From the kernel: the hart pointer went to sscratch; take it back. */
	csrr	tp, CSR_SSCRATCH
	sd	sp, HART_SAVED_SP(tp)
	sd	t0, HART_SCRATCH0(tp)
	sd	t1, HART_SCRATCH1(tp)
	/*
	 * Would the frame fit above the guard page?  If not, this trap is (or
	 * would cause) a kernel stack overflow: build the frame on the hart's
	 * overflow stack instead, where the dispatcher can report it.
	 */
	ld	t1, HART_KSTACK_LO(tp)
	addi	t0, sp, -TF_SIZE
	bgeu	t0, t1, 1f
	ld	sp, HART_OVERFLOW_SP(tp)
1:	addi	sp, sp, -TF_SIZE
	/* The registers parked in struct hart go into the frame. */
	ld	t0, HART_SCRATCH0(tp)
	sd	t0, TF_X(5)(sp)
	ld	t0, HART_SCRATCH1(tp)
	sd	t0, TF_X(6)(sp)
	j	.Lsave

.Lfrom_user:
	/* tp = hart, sscratch = user tp.  Switch to the thread's kernel stack;
	 * its place is known, so t0 and t1 go straight into the frame. */
	sd	sp, HART_SAVED_SP(tp)
	ld	sp, HART_KSTACK_TOP(tp)
	addi	sp, sp, -TF_SIZE
	sd	t0, TF_X(5)(sp)
	sd	t1, TF_X(6)(sp)

.Lsave:
	SAVE_X 1
	SAVE_X 3
	.irp n, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	SAVE_X \n
	.endr
	/* The interrupted sp (parked) and tp (in sscratch now). */
	ld	t0, HART_SAVED_SP(tp)
	sd	t0, TF_X(2)(sp)
	csrr	t0, CSR_SSCRATCH
	sd	t0, TF_X(4)(sp)
	/* We are in the kernel now: a nested trap must see sscratch = 0. */
	csrw	CSR_SSCRATCH, zero

	csrr	t0, CSR_SEPC
	sd	t0, TF_SEPC(sp)
	/*
	 * Close user memory and the FPU, and keep what they were in the frame
	 * (one csrrc reads the old sstatus and clears the bits).
	 *
	 * SUM: user memory is open only inside the user-access helpers
	 * (uaccess.c).  A trap taken there (a tick, a page fault on a user
	 * page) must not run its handler, or the scheduler and another
	 * process's kernel code after it, with user memory open: a stray user
	 * pointer there must fault.  trap_return writes the saved sstatus
	 * back, so the interrupted helper gets SUM again; sret alone would
	 * not restore it (it restores SIE and the privilege only).
	 *
	 * FS: the kernel is built without F and D and never uses the FPU,
	 * except fp.S saving and loading a process's registers, which turns
	 * it on for that alone (fp.c).  Off, a stray FP instruction in the
	 * kernel traps at once.  A process's FP state (Dirty: it changed
	 * them) is read from its frame, where it stays correct whatever runs
	 * in between (fp.c, the lazy switch).
	 */
	li	t1, SSTATUS_SUM | SSTATUS_FS
	csrrc	t0, CSR_SSTATUS, t1
	sd	t0, TF_SSTATUS(sp)
	/* scause and stval stay in their CSRs: trap_dispatch reads them (a
	 * system call needs neither in the frame). */

	/* s0 = the interrupted frame pointer: backtraces walk through the trap. */
	mv	a0, sp
	call	trap_dispatch

	.globl trap_return
trap_return:
	/*
	 * sp = the frame to return to.  Interrupts are off (trap_dispatch
	 * returns with them off) and stay off when the saved sstatus is
	 * written back (a saved sstatus always has SIE clear: the hardware
	 * cleared it on the trap, and exec builds one without it): an
	 * interrupt between writing sepc and sret would overwrite sepc.
	 */
	ld	t0, TF_SSTATUS(sp)
	andi	t1, t0, SSTATUS_SPP
	bnez	t1, 1f
	/* Back to user mode: the next trap must find the hart in sscratch,
	 * and the user gets its own tp back. */
	csrw	CSR_SSCRATCH, tp
	LOAD_X 4
	/*
	 * Back to the kernel: tp stays this hart's.  The interrupted code may
	 * have been preempted and resumed on another hart, so the tp saved in
	 * the frame could name the wrong one.
	 */
1:	csrw	CSR_SSTATUS, t0
	ld	t0, TF_SEPC(sp)
	csrw	CSR_SEPC, t0
	/*
	 * Drop any LR reservation this hart holds.  The privileged spec lets
	 * sret (and the trap itself) keep it, and says a trap handler should
	 * clear it with a dummy sc when that matters.  It does here: the
	 * reservation may be another process's (an lr, then a switch), and
	 * returning to it, an sc.d there could succeed without an lr of its
	 * own; returning to interrupted kernel code, an lr/sc pair there must
	 * not pair with a reservation a handler left behind (a failed
	 * compare-and-swap branches around its sc).  Its target is the
	 * frame's x0 slot, which nothing reads (sc.d takes no offset, and
	 * sp points at that slot): a store there, if the sc succeeds at all,
	 * changes nothing; with no reservation on it, it just fails.
	 */
	sc.d	zero, zero, (sp)

	LOAD_X 1
	.irp n, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	LOAD_X \n
	.endr
	LOAD_X 2		/* sp last: it addresses the frame */
	sret

/* Enter user mode (or resume a kernel context) from the frame tf: a0 = tf. */
	.globl trap_return_to
trap_return_to:
	mv	sp, a0
	j	trap_return
