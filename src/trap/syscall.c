/*
 * The syscall table.  Each handler takes the six argument registers as
 * unsigned longs (using what it needs) and returns the value for a0.
 * The handlers live with their subsystems; this file only routes.
 */
#include <sluice/errno.h>
#include <sluice/riscv.h>
#include <sluice/syscall.h>

#define SYSCALL(name) long sys_##name()
SYSCALL(read); SYSCALL(write); SYSCALL(readv); SYSCALL(writev); SYSCALL(ioctl);
SYSCALL(close); SYSCALL(openat); SYSCALL(readlinkat); SYSCALL(newfstatat); SYSCALL(fstat);
SYSCALL(exit); SYSCALL(exit_group); SYSCALL(set_tid_address); SYSCALL(set_robust_list);
SYSCALL(nanosleep); SYSCALL(clock_gettime); SYSCALL(clock_getres); SYSCALL(sched_yield);
SYSCALL(kill); SYSCALL(tgkill); SYSCALL(rt_sigaction); SYSCALL(rt_sigprocmask);
SYSCALL(rt_sigreturn); SYSCALL(reboot); SYSCALL(uname); SYSCALL(getpid); SYSCALL(getppid);
SYSCALL(getuid); SYSCALL(gettid); SYSCALL(brk); SYSCALL(munmap); SYSCALL(clone);
SYSCALL(execve); SYSCALL(mmap); SYSCALL(mprotect); SYSCALL(wait4); SYSCALL(prlimit64);
SYSCALL(getrandom); SYSCALL(getcwd); SYSCALL(lseek); SYSCALL(fsync); SYSCALL(setpgid); SYSCALL(getpgid);
SYSCALL(dup); SYSCALL(dup3); SYSCALL(fcntl); SYSCALL(mkdirat); SYSCALL(unlinkat); SYSCALL(symlinkat);
SYSCALL(linkat); SYSCALL(umount2); SYSCALL(mount); SYSCALL(statfs); SYSCALL(fstatfs);
SYSCALL(ftruncate); SYSCALL(faccessat); SYSCALL(chdir); SYSCALL(fchdir); SYSCALL(pipe2);
SYSCALL(getdents64); SYSCALL(pread64); SYSCALL(pwrite64); SYSCALL(renameat2);

#define ENTRY(name) [SYS_##name] = (syscall_fn)sys_##name

const syscall_fn syscall_table[SYS_NR] = {
	ENTRY(getcwd),		ENTRY(ioctl),		ENTRY(openat),
	ENTRY(close),		ENTRY(read),		ENTRY(write),
	ENTRY(readv),		ENTRY(writev),		ENTRY(readlinkat),
	ENTRY(newfstatat),	ENTRY(fstat),		ENTRY(exit),
	ENTRY(exit_group),	ENTRY(set_tid_address), ENTRY(set_robust_list),
	ENTRY(nanosleep),	ENTRY(clock_gettime),	ENTRY(clock_getres),
	ENTRY(sched_yield),	ENTRY(kill),		ENTRY(tgkill),
	ENTRY(rt_sigaction),	ENTRY(rt_sigprocmask),	ENTRY(rt_sigreturn),
	ENTRY(reboot),		ENTRY(uname),		ENTRY(getpid),
	ENTRY(getppid),		ENTRY(gettid),		ENTRY(brk),
	ENTRY(munmap),		ENTRY(clone),		ENTRY(execve),
	ENTRY(mmap),		ENTRY(mprotect),	ENTRY(wait4),
	ENTRY(prlimit64),	ENTRY(getrandom),	ENTRY(lseek),
	ENTRY(fsync),		ENTRY(setpgid),		ENTRY(getpgid),
	ENTRY(dup),		ENTRY(dup3),		ENTRY(fcntl),
	ENTRY(mkdirat),		ENTRY(unlinkat),	ENTRY(symlinkat),
	ENTRY(linkat),		ENTRY(umount2),		ENTRY(mount),
	ENTRY(statfs),		ENTRY(fstatfs),		ENTRY(ftruncate),
	ENTRY(faccessat),	ENTRY(chdir),		ENTRY(fchdir),
	ENTRY(pipe2),		ENTRY(getdents64),	ENTRY(pread64),
	ENTRY(pwrite64),	ENTRY(renameat2),	ENTRY(sync),
	[SYS_fdatasync] = (syscall_fn)sys_fsync,
	/* uid and gid: everything runs as root for now */
	[SYS_getuid] = (syscall_fn)sys_getuid, [SYS_geteuid] = (syscall_fn)sys_getuid,
	[SYS_getgid] = (syscall_fn)sys_getuid, [SYS_getegid] = (syscall_fn)sys_getuid,
};

void syscall_dispatch(struct trap_frame *tf)
{
	syscall_run(tf);
}
