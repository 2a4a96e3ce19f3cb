/*
 * The console as a controlling terminal: sessions, the foreground process
 * group, and the signals a background process gets (src/proc/jobctl.c,
 * docs/job-control.md).  The line discipline itself is console.c's.
 */
#ifndef SLUICE_TTY_H
#define SLUICE_TTY_H

/* Linux's terminal ioctls (asm-generic/ioctls.h). */
#define TCGETS	   0x5401
#define TCSETS	   0x5402
#define TCSETSW	   0x5403
#define TCSETSF	   0x5404
#define TIOCSCTTY  0x540e
#define TIOCGPGRP  0x540f
#define TIOCSPGRP  0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define TIOCNOTTY  0x5422
#define TIOCGSID   0x5429

/* TIOCGPGRP, TIOCSPGRP, TIOCGSID, TIOCSCTTY, TIOCNOTTY, with Linux's
 * errors (ENOTTY when the console is not the caller's terminal). */
long tty_job_ioctl(unsigned long cmd, unsigned long arg);

/* Before a read of the console: 0, or (a background process) -EIO or
 * -ERESTARTSYS after SIGTTIN to its group. */
long tty_check_read(void);

/* Before a change of the terminal (settings, foreground group): 0, or
 * -ERESTARTSYS after SIGTTOU to a background caller's group. */
long tty_check_change(void);

struct proc;

/*
 * Is process group pgid orphaned (gone: a process about to exit, counted
 * out): no member has a parent in another group of the same session, a
 * shell that could continue it?  init does not count as such a parent.
 * Then, as on Linux, the terminal's stop signals do not stop it.
 */
bool jobctl_pgrp_orphaned(int pgid, struct proc *gone);

/*
 * p is exiting (its children still on it): a session leader's terminal
 * is released, its foreground group hung up (SIGHUP, SIGCONT); a process
 * group that p's exit orphans and that has a stopped member gets SIGHUP
 * and SIGCONT, as POSIX wants, so nothing stays stopped for good.
 */
void jobctl_exit(struct proc *p);

#endif
