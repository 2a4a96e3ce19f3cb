/*
 * Signals, with Linux's numbers, structures and semantics for the cases
 * Sluice implements.  A fault in user mode becomes a signal to the process;
 * pending signals are acted on when it is about to return to user mode
 * (signal_deliver): the default action (terminate, or ignore), or a call to
 * its handler on the user stack, returning through rt_sigreturn.
 */
#ifndef SLUICE_SIGNAL_H
#define SLUICE_SIGNAL_H

#include <sluice/trap.h>
#include <sluice/types.h>

struct mm;

#define SIGHUP	  1
#define SIGINT	  2
#define SIGQUIT	  3
#define SIGILL	  4
#define SIGTRAP	  5
#define SIGABRT	  6
#define SIGBUS	  7
#define SIGFPE	  8
#define SIGKILL	  9
#define SIGUSR1	  10
#define SIGSEGV	  11
#define SIGUSR2	  12
#define SIGPIPE	  13
#define SIGALRM	  14
#define SIGTERM	  15
#define SIGCHLD	  17
#define SIGCONT	  18
#define SIGSTOP	  19
#define SIGTSTP	  20
#define SIGTTIN	  21
#define SIGTTOU	  22
#define SIGURG	  23
#define SIGVTALRM 26
#define SIGPROF	  27
#define SIGWINCH  28

#define SIG_DFL 0ul
#define SIG_IGN 1ul

#define SA_NOCLDSTOP 0x00000001ul
#define SA_SIGINFO   0x00000004ul
#define SA_ONSTACK   0x08000000ul
#define SA_RESTART   0x10000000ul
#define SA_NODEFER   0x40000000ul
#define SA_RESETHAND 0x80000000ul

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define sig_bit(sig) (1ull << ((sig)-1))

/* The signals whose default action stops the process. */
#define SIG_STOP_MASK (sig_bit(SIGSTOP) | sig_bit(SIGTSTP) | sig_bit(SIGTTIN) | sig_bit(SIGTTOU))

/*
 * What a system call a signal interrupted returns so that it is restarted
 * (never seen by user mode, as Linux's): ERESTARTSYS restarts it unless a
 * handler without SA_RESTART runs (then EINTR); ERESTARTNOHAND only if no
 * handler runs; ERESTARTNOINTR always; ERESTART_RESTARTBLOCK as NOHAND, but
 * through restart_syscall (a sleep goes on to its first deadline).
 */
#define ERESTARTSYS	      512
#define ERESTARTNOINTR	      513
#define ERESTARTNOHAND	      514
#define ERESTART_RESTARTBLOCK 516

/* wait4 status words for a stop by sig, and for a continue. */
#define WAIT_STOPPED(sig) (((sig) << 8) | 0x7f)
#define WAIT_CONTINUED	  0xffff
/* wait4's options that ask for them (Linux's WUNTRACED, alias WSTOPPED, and WCONTINUED). */
#define WAIT_WUNTRACED	2
#define WAIT_WCONTINUED 8

/*
 * What a handler with SA_SIGINFO learns of a signal besides its number:
 * Linux's siginfo_t has si_code at offset 8, then at 16 the sender's pid
 * and uid (or a fault's address), at 24 a value (sigqueue) or status.
 */
struct sig_info {
	int32_t code;
	uint64_t at16, at24;
};
#define SI_USER	  0    /* kill */
#define SI_KERNEL 0x80 /* the kernel's own */
#define SI_QUEUE  (-1) /* sigqueue */
#define SI_TIMER  (-2) /* a timer_create timer */
#define SI_TKILL  (-6) /* tkill, tgkill */

/* sigaltstack's flags (ss_flags). */
#define SS_ONSTACK    1
#define SS_DISABLE    2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ   2048 /* riscv64's */

/* The kernel's struct sigaction on riscv64 (asm-generic, no sa_restorer). */
struct k_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t mask;
};

/* Where every process finds the code that calls rt_sigreturn (a handler
 * returns there): the top user page, mapped read+execute. */
#define SIGRETURN_TRAMPOLINE 0x0000003ffffff000ull

/* Set up the shared trampoline page at boot. */
int signal_init(void);

/* Map the trampoline into a new address space (exec). */
int signal_map_trampoline(struct mm *mm);

/* The bytes a signal frame takes on the stack (exec's AT_MINSIGSTKSZ). */
unsigned long signal_frame_size(void);

struct proc;

/* Make sig pending for p and wake it if it sleeps (si_code SI_KERNEL). */
void signal_send(struct proc *p, int sig);

/* The same with what its handler is told (kept only if sig was not
 * pending already: standard signals do not queue). */
void signal_send_info(struct proc *p, int sig, const struct sig_info *info);
/* SIGCONT's effect on p alone, without the signal: its stop ends (threads). */
void signal_continue(struct proc *p);

/* execve: no alternate signal stack in the new program. */
void signal_exec(struct proc *p);

/* A fault in the current process: deliver sig even if it is blocked or
 * ignored (then the default action kills it).  addr: the faulting address. */
void signal_force_fault(int sig, unsigned long addr, int code);

/* Act on pending signals before returning to user mode with frame tf. */
void signal_deliver(struct trap_frame *tf);

/* kill(2)'s pid rules: > 0 one process, 0 self's group, -1 all but init
 * and self, < -1 group -pid.  0 or -ESRCH. */
long signal_kill(long pid, int sig, struct proc *self);

/*
 * A temporary signal mask for one call (rt_sigsuspend, ppoll, pselect6):
 * set it, and at the end restore the old one.  If the call was interrupted
 * by a signal, the old mask comes back only once the signal is acted on
 * (its handler's frame carries it), so the handler runs under the
 * temporary one, as on Linux.
 */
void signal_set_temp_mask(uint64_t mask);
void signal_restore_mask(bool interrupted);

/*
 * A system call returned ret <= -ERESTARTSYS.  If it is one of the
 * ERESTART codes, remember it (with the call's first argument, which the
 * return value overwrites) for signal_deliver, which restarts the call or
 * makes it EINTR.  Returns what a0 gets meanwhile (ret itself if it is no
 * ERESTART code: rt_sigreturn's restored a0, say).
 */
long signal_syscall_interrupted(struct trap_frame *tf, long ret);

/*
 * A sleep until deadline (timer_ns) that a signal interrupted: what the
 * call returns.  A relative sleep (urem: where the time left goes, may be
 * NULL) goes on after a stop or an ignored signal through restart_syscall
 * and writes the time left if a handler ends it (EINTR); an absolute one
 * (abs) restarts as it was asked.
 */
long signal_sleep_interrupted(uint64_t deadline, void __user *urem, bool abs);

/* Under proc_tree_lock: wait4's report of child c for options (a stop
 * with WUNTRACED, a continue with WCONTINUED), taken; 0 if none. */
int signal_take_wait_report(struct proc *c, int options);

/* Does the current process have a signal that interrupts a sleep? */
bool signal_pending(void);

/*
 * Is the current process being killed (SIGKILL pending)?  Long loops in
 * the kernel (path walks, big reads and writes) check it and stop early,
 * so the process dies at once: what they would return no longer matters.
 */
bool fatal_signal_pending(void);

#endif
