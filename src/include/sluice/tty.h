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

#endif
