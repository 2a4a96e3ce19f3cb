/*
 * System calls: Linux riscv64's ABI.  ecall from user mode with the number
 * in a7 and arguments in a0-a5; the result, or a negative errno, in a0.
 * Numbers are asm-generic's (include/uapi/asm-generic/unistd.h in Linux).
 */
#ifndef SLUICE_SYSCALL_H
#define SLUICE_SYSCALL_H

#include <sluice/errno.h>
#include <sluice/riscv.h>
#include <sluice/trap.h>

#define SYS_getcwd 17
#define SYS_dup 23
#define SYS_dup3 24
#define SYS_fcntl 25
#define SYS_ioctl 29
#define SYS_mkdirat 34
#define SYS_unlinkat 35
#define SYS_symlinkat 36
#define SYS_linkat 37
#define SYS_umount2 39
#define SYS_mount 40
#define SYS_statfs 43
#define SYS_fstatfs 44
#define SYS_ftruncate 46
#define SYS_faccessat 48
#define SYS_chdir 49
#define SYS_fchdir 50
#define SYS_openat 56
#define SYS_close 57
#define SYS_pipe2 59
#define SYS_getdents64 61
#define SYS_lseek 62
#define SYS_read 63
#define SYS_write 64
#define SYS_readv 65
#define SYS_writev 66
#define SYS_pread64 67
#define SYS_pwrite64 68
#define SYS_readlinkat 78
#define SYS_newfstatat 79
#define SYS_fstat 80
#define SYS_sync 81
#define SYS_fsync 82
#define SYS_fdatasync 83
#define SYS_exit 93
#define SYS_exit_group 94
#define SYS_set_tid_address 96
#define SYS_set_robust_list 99
#define SYS_nanosleep 101
#define SYS_clock_gettime 113
#define SYS_clock_getres 114
#define SYS_sched_yield 124
#define SYS_kill 129
#define SYS_tgkill 131
#define SYS_rt_sigaction 134
#define SYS_rt_sigprocmask 135
#define SYS_rt_sigreturn 139
#define SYS_reboot 142
#define SYS_setpgid 154
#define SYS_getpgid 155
#define SYS_uname 160
#define SYS_getpid 172
#define SYS_getppid 173
#define SYS_getuid 174
#define SYS_geteuid 175
#define SYS_getgid 176
#define SYS_getegid 177
#define SYS_gettid 178
#define SYS_brk 214
#define SYS_munmap 215
#define SYS_clone 220
#define SYS_execve 221
#define SYS_mmap 222
#define SYS_mprotect 226
#define SYS_wait4 260
#define SYS_prlimit64 261
#define SYS_renameat2 276
#define SYS_getrandom 278
#define SYS_NR 279

/* Sluice's own: the free page count, for tests that prove nothing leaks;
 * interrupts from PLIC source a0 taken on the hart with index a1. */
#define SYS_sluice_free_pages 1000
#define SYS_sluice_irq_count 1001
#define SYS_sluice_drop_caches 1002 /* write back and forget cached blocks */

typedef long (*syscall_fn)(unsigned long, unsigned long, unsigned long, unsigned long,
			   unsigned long, unsigned long);

/* The table (syscall.c): handlers by number, NULL where none. */
extern const syscall_fn syscall_table[SYS_NR];
/* Declared without a prototype, like the table's entries (syscall.c), so
 * it converts to syscall_fn; defined in src/proc/sys_proc.c. */
long sys_sluice_free_pages();
long sys_sluice_irq_count();
long sys_sluice_drop_caches();
long sys_sync();

/* The handler for syscall number nr, or NULL (the caller answers -ENOSYS). */
static inline syscall_fn syscall_lookup(unsigned long nr)
{
	if (nr < SYS_NR)
		return syscall_table[nr];
	if (nr == SYS_sluice_free_pages)
		return (syscall_fn)sys_sluice_free_pages;
	if (nr == SYS_sluice_irq_count)
		return (syscall_fn)sys_sluice_irq_count;
	return nr == SYS_sluice_drop_caches ? (syscall_fn)sys_sluice_drop_caches : NULL;
}

/*
 * Run the system call in tf: the handler a7 names, with a0-a5; its result
 * (or -ENOSYS) goes to a0, and sepc past the 4-byte ecall.  Interrupts are
 * on while it runs (a call may take long) and off again on return.  Inline:
 * trap_dispatch's short route and the exception table's entry share it.
 */
static inline void syscall_run(struct trap_frame *tf)
{
	syscall_fn fn = syscall_lookup(tf->x[REG_A7]);

	tf->sepc += 4;
	local_irq_enable();
	tf->x[REG_A0] = fn ? (unsigned long)fn(tf->x[10], tf->x[11], tf->x[12], tf->x[13],
					       tf->x[14], tf->x[15])
			   : (unsigned long)-ENOSYS;
	local_irq_disable();
}

/* The exception table's entry for EXC_ECALL_U. */
void syscall_dispatch(struct trap_frame *tf);

#endif
