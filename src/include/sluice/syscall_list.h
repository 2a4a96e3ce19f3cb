/*
 * The one list of Sluice's system calls: number, name and typed arguments.
 *
 * Everything that needs to know the calls reads this file (an "X-macro"):
 * the kernel's SYS_* numbers and handler prototypes (sluice/syscall.h), its
 * dispatch table (src/trap/syscall.c), the names and argument kinds the
 * kernel prints when a system call goes wrong, the userland's __NR_*
 * numbers (userland/lib/syscall.h) and its fuzzer's table
 * (userland/fuzz/calls.c).  Add a call here
 * and nowhere else; docs/syscalls.md says how.
 *
 * Each line is SYSCALLn(number, name, args...), n the number of arguments;
 * each argument is a triple (KIND, C type, name).  A reader defines
 * SYSCALL(nr, name, n, triples...) and includes this file: it expands once
 * per call, in the order below (so the reader sees every call, not a
 * sorted table).  The handler is
 *
 *     long sys_<name>(<C type> <name>, ...);
 *
 * and receives the argument registers converted to those types, as Linux's
 * SYSCALL_DEFINEn does: an `int` argument is the low 32 bits of its
 * register, whatever the caller left above them.  Types and names follow
 * Linux's own definitions (include/linux/syscalls.h).  Numbers are
 * asm-generic's (include/uapi/asm-generic/unistd.h), as riscv64 uses them;
 * Sluice's own calls are numbered from SYSCALL_SLUICE_BASE so they never
 * meet a Linux one.
 *
 * KIND says what an argument means, for printing and for the fuzzer:
 *   INT    a number            FD     a file descriptor   DIRFD  fd or AT_FDCWD
 *   PATH   user string (path)  STR    user string         ARGV   user string array
 *   IN     user memory read    OUT    user memory written INOUT  both
 *   SIZE   a byte count        OFF    a file offset       ADDR   a user address
 *   FLAGS  bit flags           MODE   permission bits     PID    a process id
 *   SIG    a signal number     CMD    a command number
 *
 * A user pointer's type carries __user (an empty marker, as in Linux): the
 * kernel may only pass it to the user-access helpers (sluice/uaccess.h).
 */

/* The helpers this list's readers use; a reader includes it first itself
 * when it reads the list inside a declaration (an enum, an array). */
#include <sluice/syscall_abi.h>

/*
 * Each inclusion reads the list through the includer's
 * SYSCALL(nr, name, nargs, triples...); the arity forms below feed it.
 */
#define SYSCALL0(nr, name)	SYSCALL(nr, name, 0)
#define SYSCALL1(nr, name, ...) SYSCALL(nr, name, 1, __VA_ARGS__)
#define SYSCALL2(nr, name, ...) SYSCALL(nr, name, 2, __VA_ARGS__)
#define SYSCALL3(nr, name, ...) SYSCALL(nr, name, 3, __VA_ARGS__)
#define SYSCALL4(nr, name, ...) SYSCALL(nr, name, 4, __VA_ARGS__)
#define SYSCALL5(nr, name, ...) SYSCALL(nr, name, 5, __VA_ARGS__)
#define SYSCALL6(nr, name, ...) SYSCALL(nr, name, 6, __VA_ARGS__)

/* Files and directories */
SYSCALL2(17, getcwd, (OUT, char __user *, ubuf), (SIZE, unsigned long, size))
SYSCALL2(19, eventfd2, (INT, unsigned int, count), (FLAGS, int, flags))
SYSCALL1(20, epoll_create1, (FLAGS, int, flags))
SYSCALL4(21, epoll_ctl, (FD, int, epfd), (INT, int, op), (FD, int, fd),
	 (IN, const void __user *, uevent))
SYSCALL6(22, epoll_pwait, (FD, int, epfd), (OUT, void __user *, uevents), (INT, int, maxevents),
	 (INT, int, timeout), (IN, const void __user *, umask), (SIZE, size_t, sigsetsize))
SYSCALL1(23, dup, (FD, unsigned int, fd))
SYSCALL3(24, dup3, (FD, unsigned int, fd), (FD, unsigned int, fd2), (FLAGS, int, flags))
SYSCALL3(25, fcntl, (FD, unsigned int, fd), (CMD, unsigned int, cmd), (INT, unsigned long, arg))
SYSCALL3(29, ioctl, (FD, unsigned int, fd), (CMD, unsigned int, cmd), (INT, unsigned long, arg))
SYSCALL2(32, flock, (FD, unsigned int, fd), (CMD, unsigned int, cmd))
SYSCALL4(33, mknodat, (DIRFD, int, dirfd), (PATH, const char __user *, upath),
	 (MODE, unsigned short, mode), (INT, unsigned int, dev))
SYSCALL3(34, mkdirat, (DIRFD, int, dirfd), (PATH, const char __user *, upath),
	 (MODE, unsigned short, mode))
SYSCALL3(35, unlinkat, (DIRFD, int, dirfd), (PATH, const char __user *, upath), (FLAGS, int, flags))
SYSCALL3(36, symlinkat, (STR, const char __user *, utarget), (DIRFD, int, dirfd),
	 (PATH, const char __user *, upath))
SYSCALL5(37, linkat, (DIRFD, int, odirfd), (PATH, const char __user *, uold), (DIRFD, int, ndirfd),
	 (PATH, const char __user *, unew), (FLAGS, int, flags))
SYSCALL2(39, umount2, (PATH, const char __user *, utarget), (FLAGS, int, flags))
SYSCALL5(40, mount, (STR, const char __user *, usource), (PATH, const char __user *, utarget),
	 (STR, const char __user *, utype), (FLAGS, unsigned long, flags),
	 (IN, const void __user *, udata))
SYSCALL2(43, statfs, (PATH, const char __user *, upath), (OUT, void __user *, ubuf))
SYSCALL2(44, fstatfs, (FD, unsigned int, fd), (OUT, void __user *, ubuf))
SYSCALL2(45, truncate, (PATH, const char __user *, upath), (OFF, long, len))
SYSCALL2(46, ftruncate, (FD, unsigned int, fd), (OFF, long, len))
SYSCALL4(47, fallocate, (FD, int, fd), (FLAGS, int, mode), (OFF, long, offset), (SIZE, long, len))
SYSCALL3(48, faccessat, (DIRFD, int, dirfd), (PATH, const char __user *, upath), (MODE, int, mode))
SYSCALL1(49, chdir, (PATH, const char __user *, upath))
SYSCALL1(50, fchdir, (FD, unsigned int, fd))
SYSCALL1(51, chroot, (PATH, const char __user *, upath))
SYSCALL2(52, fchmod, (FD, unsigned int, fd), (MODE, unsigned short, mode))
SYSCALL3(53, fchmodat, (DIRFD, int, dirfd), (PATH, const char __user *, upath),
	 (MODE, unsigned short, mode))
SYSCALL5(54, fchownat, (DIRFD, int, dirfd), (PATH, const char __user *, upath),
	 (INT, unsigned int, uid), (INT, unsigned int, gid), (FLAGS, int, flags))
SYSCALL3(55, fchown, (FD, unsigned int, fd), (INT, unsigned int, uid), (INT, unsigned int, gid))
SYSCALL4(56, openat, (DIRFD, int, dirfd), (PATH, const char __user *, upath), (FLAGS, int, flags),
	 (MODE, unsigned short, mode))
SYSCALL1(57, close, (FD, unsigned int, fd))
SYSCALL2(59, pipe2, (OUT, int __user *, ufds), (FLAGS, int, flags))
SYSCALL3(61, getdents64, (FD, unsigned int, fd), (OUT, void __user *, ubuf),
	 (SIZE, unsigned int, size))
SYSCALL3(62, lseek, (FD, unsigned int, fd), (OFF, long, off), (INT, unsigned int, whence))
SYSCALL3(63, read, (FD, unsigned int, fd), (OUT, char __user *, ubuf), (SIZE, size_t, len))
SYSCALL3(64, write, (FD, unsigned int, fd), (IN, const char __user *, ubuf), (SIZE, size_t, len))
SYSCALL3(65, readv, (FD, unsigned long, fd), (IN, const void __user *, uiov),
	 (SIZE, unsigned long, cnt))
SYSCALL3(66, writev, (FD, unsigned long, fd), (IN, const void __user *, uiov),
	 (SIZE, unsigned long, cnt))
SYSCALL4(67, pread64, (FD, unsigned int, fd), (OUT, char __user *, ubuf), (SIZE, size_t, len),
	 (OFF, long, off))
SYSCALL4(68, pwrite64, (FD, unsigned int, fd), (IN, const char __user *, ubuf), (SIZE, size_t, len),
	 (OFF, long, off))
SYSCALL4(71, sendfile, (FD, int, out_fd), (FD, int, in_fd), (INOUT, long __user *, uoff),
	 (SIZE, size_t, count))
SYSCALL6(72, pselect6, (INT, int, n), (INOUT, void __user *, uin), (INOUT, void __user *, uout),
	 (INOUT, void __user *, uex), (INOUT, void __user *, utsp), (IN, void __user *, usig))
SYSCALL5(73, ppoll, (INOUT, void __user *, ufds), (SIZE, unsigned int, nfds),
	 (INOUT, void __user *, utsp), (IN, const void __user *, umask), (SIZE, size_t, sigsetsize))
SYSCALL4(78, readlinkat, (DIRFD, int, dirfd), (PATH, const char __user *, upath),
	 (OUT, char __user *, ubuf), (SIZE, int, size))
SYSCALL4(79, newfstatat, (DIRFD, int, dirfd), (PATH, const char __user *, upath),
	 (OUT, void __user *, ustat), (FLAGS, int, flags))
SYSCALL2(80, fstat, (FD, unsigned int, fd), (OUT, void __user *, ustat))
SYSCALL0(81, sync)
SYSCALL1(82, fsync, (FD, unsigned int, fd))
SYSCALL1(83, fdatasync, (FD, unsigned int, fd))
SYSCALL2(85, timerfd_create, (INT, int, clock), (FLAGS, int, flags))
SYSCALL4(86, timerfd_settime, (FD, int, fd), (FLAGS, int, flags), (IN, const void __user *, unew),
	 (OUT, void __user *, uold))
SYSCALL2(87, timerfd_gettime, (FD, int, fd), (OUT, void __user *, ucur))
SYSCALL4(88, utimensat, (DIRFD, int, dirfd), (PATH, const char __user *, upath),
	 (IN, const void __user *, utimes), (FLAGS, int, flags))
SYSCALL1(166, umask, (MODE, int, mask))
SYSCALL4(223, fadvise64, (FD, int, fd), (OFF, long, offset), (SIZE, long, len), (INT, int, advice))
SYSCALL1(267, syncfs, (FD, int, fd))
SYSCALL5(276, renameat2, (DIRFD, int, odirfd), (PATH, const char __user *, uold),
	 (DIRFD, int, ndirfd), (PATH, const char __user *, unew), (FLAGS, unsigned int, flags))
SYSCALL6(285, copy_file_range, (FD, int, fd_in), (INOUT, long __user *, uoff_in), (FD, int, fd_out),
	 (INOUT, long __user *, uoff_out), (SIZE, size_t, len), (FLAGS, unsigned int, flags))
SYSCALL5(291, statx, (DIRFD, int, dirfd), (PATH, const char __user *, upath),
	 (FLAGS, unsigned int, flags), (FLAGS, unsigned int, mask), (OUT, void __user *, ubuf))
SYSCALL4(439, faccessat2, (DIRFD, int, dirfd), (PATH, const char __user *, upath),
	 (MODE, int, mode), (FLAGS, int, flags))
SYSCALL4(452, fchmodat2, (DIRFD, int, dirfd), (PATH, const char __user *, upath),
	 (MODE, unsigned short, mode), (FLAGS, unsigned int, flags))

/* Processes */
SYSCALL1(93, exit, (INT, int, code))
SYSCALL1(94, exit_group, (INT, int, code))
SYSCALL5(95, waitid, (INT, int, which), (PID, int, upid), (OUT, void __user *, uinfo),
	 (FLAGS, int, options), (OUT, void __user *, uru))
SYSCALL1(96, set_tid_address, (ADDR, int __user *, utidptr))
SYSCALL6(98, futex, (ADDR, uint32_t __user *, uaddr), (CMD, int, op), (INT, uint32_t, val),
	 (ADDR, unsigned long, utime), (ADDR, uint32_t __user *, uaddr2), (INT, uint32_t, val3))
SYSCALL2(99, set_robust_list, (ADDR, void __user *, uhead), (SIZE, size_t, len))
SYSCALL3(100, get_robust_list, (PID, int, pid), (OUT, void __user *, uhead_ptr),
	 (OUT, size_t __user *, ulen_ptr))
SYSCALL2(118, sched_setparam, (PID, int, pid), (IN, const void __user *, uparam))
SYSCALL3(119, sched_setscheduler, (PID, int, pid), (INT, int, policy),
	 (IN, const void __user *, uparam))
SYSCALL1(120, sched_getscheduler, (PID, int, pid))
SYSCALL2(121, sched_getparam, (PID, int, pid), (OUT, void __user *, uparam))
SYSCALL3(122, sched_setaffinity, (PID, int, pid), (SIZE, unsigned int, len),
	 (IN, const void __user *, umask))
SYSCALL0(124, sched_yield)
SYSCALL1(125, sched_get_priority_max, (INT, int, policy))
SYSCALL1(126, sched_get_priority_min, (INT, int, policy))
SYSCALL3(140, setpriority, (INT, int, which), (INT, int, who), (INT, int, niceval))
SYSCALL2(141, getpriority, (INT, int, which), (INT, int, who))
SYSCALL2(143, setregid, (INT, unsigned int, r), (INT, unsigned int, e))
SYSCALL1(144, setgid, (INT, unsigned int, gid))
SYSCALL2(145, setreuid, (INT, unsigned int, r), (INT, unsigned int, e))
SYSCALL1(146, setuid, (INT, unsigned int, uid))
SYSCALL3(147, setresuid, (INT, unsigned int, r), (INT, unsigned int, e), (INT, unsigned int, s))
SYSCALL3(148, getresuid, (OUT, uint32_t __user *, ur), (OUT, uint32_t __user *, ue),
	 (OUT, uint32_t __user *, us))
SYSCALL3(149, setresgid, (INT, unsigned int, r), (INT, unsigned int, e), (INT, unsigned int, s))
SYSCALL3(150, getresgid, (OUT, uint32_t __user *, ur), (OUT, uint32_t __user *, ue),
	 (OUT, uint32_t __user *, us))
SYSCALL1(151, setfsuid, (INT, unsigned int, uid))
SYSCALL1(152, setfsgid, (INT, unsigned int, gid))
SYSCALL2(154, setpgid, (PID, int, pid), (PID, int, pgid))
SYSCALL1(155, getpgid, (PID, int, pid))
SYSCALL1(156, getsid, (PID, int, pid))
SYSCALL0(157, setsid)
SYSCALL2(158, getgroups, (SIZE, int, size), (OUT, uint32_t __user *, ulist))
SYSCALL2(159, setgroups, (SIZE, int, size), (IN, const uint32_t __user *, ulist))
SYSCALL2(163, getrlimit, (INT, unsigned int, resource), (OUT, void __user *, urlim))
SYSCALL2(164, setrlimit, (INT, unsigned int, resource), (IN, const void __user *, urlim))
SYSCALL0(172, getpid)
SYSCALL0(173, getppid)
SYSCALL0(174, getuid)
SYSCALL0(175, geteuid)
SYSCALL0(176, getgid)
SYSCALL0(177, getegid)
SYSCALL0(178, gettid)
SYSCALL5(220, clone, (FLAGS, unsigned long, flags), (ADDR, unsigned long, stack),
	 (OUT, int __user *, uptid), (ADDR, unsigned long, tls), (OUT, int __user *, uctid))
SYSCALL3(221, execve, (PATH, const char __user *, upath),
	 (ARGV, const char __user *const __user *, uargv),
	 (ARGV, const char __user *const __user *, uenvp))
SYSCALL4(260, wait4, (PID, int, pid), (OUT, int __user *, ustatus), (FLAGS, int, options),
	 (OUT, void __user *, urusage))
SYSCALL5(167, prctl, (CMD, int, option), (INT, unsigned long, arg2), (INT, unsigned long, arg3),
	 (INT, unsigned long, arg4), (INT, unsigned long, arg5))
SYSCALL4(261, prlimit64, (PID, int, pid), (INT, unsigned int, resource),
	 (IN, const void __user *, unew), (OUT, void __user *, uold))

/* Signals */
SYSCALL0(128, restart_syscall)
SYSCALL2(129, kill, (PID, int, pid), (SIG, int, sig))
SYSCALL2(130, tkill, (PID, int, tid), (SIG, int, sig))
SYSCALL3(131, tgkill, (PID, int, tgid), (PID, int, tid), (SIG, int, sig))
SYSCALL2(132, sigaltstack, (IN, const void __user *, uss), (OUT, void __user *, uoss))
SYSCALL4(134, rt_sigaction, (SIG, int, sig), (IN, const void __user *, uact),
	 (OUT, void __user *, uold), (SIZE, size_t, sigsetsize))
SYSCALL4(135, rt_sigprocmask, (INT, int, how), (IN, const void __user *, uset),
	 (OUT, void __user *, uold), (SIZE, size_t, sigsetsize))
SYSCALL2(133, rt_sigsuspend, (IN, const void __user *, umask), (SIZE, size_t, sigsetsize))
SYSCALL2(136, rt_sigpending, (OUT, void __user *, uset), (SIZE, size_t, sigsetsize))
SYSCALL4(137, rt_sigtimedwait, (IN, const void __user *, uthese), (OUT, void __user *, uinfo),
	 (IN, const void __user *, uts), (SIZE, size_t, sigsetsize))
SYSCALL3(138, rt_sigqueueinfo, (PID, int, pid), (SIG, int, sig), (IN, const void __user *, uinfo))
SYSCALL0(139, rt_sigreturn)

/* Time */
SYSCALL2(101, nanosleep, (IN, const void __user *, ureq), (OUT, void __user *, urem))
SYSCALL3(107, timer_create, (INT, int, clock), (IN, void __user *, usevp), (OUT, int __user *, uid))
SYSCALL2(108, timer_gettime, (INT, int, id), (OUT, void __user *, ucur))
SYSCALL1(109, timer_getoverrun, (INT, int, id))
SYSCALL4(110, timer_settime, (INT, int, id), (FLAGS, int, flags), (IN, const void __user *, unew),
	 (OUT, void __user *, uold))
SYSCALL1(111, timer_delete, (INT, int, id))
SYSCALL2(112, clock_settime, (INT, int, clock), (IN, const void __user *, uts))
SYSCALL2(113, clock_gettime, (INT, int, clock), (OUT, void __user *, uts))
SYSCALL2(114, clock_getres, (INT, int, clock), (OUT, void __user *, uts))
SYSCALL4(115, clock_nanosleep, (INT, int, clock), (FLAGS, int, flags),
	 (IN, const void __user *, ureq), (OUT, void __user *, urem))
SYSCALL2(169, gettimeofday, (OUT, void __user *, utv), (OUT, void __user *, utz))
SYSCALL2(170, settimeofday, (IN, const void __user *, utv), (IN, const void __user *, utz))
SYSCALL1(153, times, (OUT, void __user *, ubuf))
SYSCALL2(102, getitimer, (INT, int, which), (OUT, void __user *, ucur))
SYSCALL3(103, setitimer, (INT, int, which), (IN, const void __user *, unew),
	 (OUT, void __user *, uold))
SYSCALL2(165, getrusage, (INT, int, who), (OUT, void __user *, uru))

/* Memory */
SYSCALL1(214, brk, (ADDR, unsigned long, addr))
SYSCALL2(215, munmap, (ADDR, unsigned long, addr), (SIZE, size_t, len))
SYSCALL5(216, mremap, (ADDR, unsigned long, addr), (SIZE, size_t, old_len), (SIZE, size_t, new_len),
	 (FLAGS, unsigned long, flags), (ADDR, unsigned long, new_addr))
SYSCALL6(222, mmap, (ADDR, unsigned long, addr), (SIZE, unsigned long, len),
	 (FLAGS, unsigned long, prot), (FLAGS, unsigned long, flags), (FD, unsigned long, fd),
	 (OFF, unsigned long, off))
SYSCALL3(226, mprotect, (ADDR, unsigned long, addr), (SIZE, size_t, len),
	 (FLAGS, unsigned long, prot))
SYSCALL3(227, msync, (ADDR, unsigned long, addr), (SIZE, size_t, len), (FLAGS, int, flags))
SYSCALL3(232, mincore, (ADDR, unsigned long, start), (SIZE, size_t, len),
	 (OUT, unsigned char __user *, vec))
SYSCALL3(233, madvise, (ADDR, unsigned long, addr), (SIZE, size_t, len), (INT, int, advice))

/* The system */
SYSCALL4(142, reboot, (INT, int, magic1), (INT, int, magic2), (CMD, unsigned int, cmd),
	 (IN, void __user *, uarg))
SYSCALL1(160, uname, (OUT, void __user *, ubuf))
SYSCALL2(161, sethostname, (IN, const char __user *, uname), (SIZE, int, len))
SYSCALL3(116, syslog, (CMD, int, type), (OUT, char __user *, ubuf), (SIZE, int, len))
SYSCALL1(179, sysinfo, (OUT, void __user *, uinfo))
SYSCALL3(123, sched_getaffinity, (PID, int, pid), (SIZE, unsigned int, len),
	 (OUT, void __user *, umask))
SYSCALL3(168, getcpu, (OUT, unsigned int __user *, ucpu), (OUT, unsigned int __user *, unode),
	 (OUT, void __user *, ucache))
SYSCALL3(278, getrandom, (OUT, char __user *, ubuf), (SIZE, size_t, len),
	 (FLAGS, unsigned int, flags))

/*
 * Sluice's own (docs/userland.md): the number of free physical pages, for
 * tests that prove nothing leaks; interrupts a PLIC source delivered on the
 * hart with index hart_index; write back and forget the cached blocks.
 */
SYSCALL0(1000, sluice_free_pages)
SYSCALL2(1001, sluice_irq_count, (INT, unsigned int, irq), (INT, unsigned int, hart_index))
SYSCALL0(1002, sluice_drop_caches)

#undef SYSCALL0
#undef SYSCALL1
#undef SYSCALL2
#undef SYSCALL3
#undef SYSCALL4
#undef SYSCALL5
#undef SYSCALL6
