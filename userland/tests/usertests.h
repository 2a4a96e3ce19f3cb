/*
 * usertests.h - the in-guest test suite's table entry and its tests.
 *
 * A test is a function that returns when it passes.  It runs in a child
 * process of its own; a failed CHECK prints why and ends that child with
 * status 1 (the checks, spawn(), reap() and the rest: harness.h).  A test
 * that expects to be killed (say by SIGSEGV) names the signal in its table
 * entry: the harness then wants exactly that death.
 */
#ifndef USERTESTS_H
#define USERTESTS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "harness.h"
#include "syscall.h"

/*
 * What of the kernel a test needs, so the table shows which tests can pass
 * at each stage of the kernel's growth.
 */
enum {
	K_PROC = 1 << 0,    /* exec of a static ELF, write to the console, exit */
	K_FORK = 1 << 1,    /* fork (clone), wait4, exit status, kill */
	K_EXEC = 1 << 2,    /* execve from a running process, initramfs lookup */
	K_MM = 1 << 3,	    /* brk, mmap, munmap, mprotect */
	K_FAULT = 1 << 4,   /* user faults become signals (SIGSEGV, SIGILL, ...) */
	K_SIGNAL = 1 << 5,  /* rt_sigaction handlers, rt_sigreturn, sigprocmask */
	K_TIME = 1 << 6,    /* clock_gettime, nanosleep */
	K_PREEMPT = 1 << 7, /* timer preemption of a process that never traps */
	K_INFO = 1 << 8,    /* uname, getrandom, prlimit64, ids */
};

/* Addresses no user access may reach. */
#define KERNEL_HALF  0xffffffc000000000ul /* Sv39's kernel half starts here */
#define KERNEL_IMAGE 0xffffffff80000000ul /* the kernel itself: mapped, not U */
#define PAST_USER    0x0000004000000000ul /* not canonical in Sv39 */
#define LOW_UNMAPPED 0x1000ul		  /* below the program (user.ld) */
#define PAGE_SIZE    4096ul

/*
 * Prefix for the paths of programs (exec tests): "" in Sluice; a reference
 * run on Linux points it at the staged initramfs tree (-p DIR).
 */
extern const char *bin_prefix;

struct test {
	const char *name;
	void (*fn)(void);
	unsigned needs;	   /* K_* */
	int expect_signal; /* 0: must exit 0; else must be killed by it */
	bool slow;	   /* only with -a */
};

/*
 * Set by -l: the suite runs on Linux as a reference (qemu-riscv64 user
 * mode), so Sluice-only expectations (uname "Sluice", ids 0) are skipped.
 */
extern bool on_linux;

/* Is this kernel argument on the command line (/proc/cmdline)?  For the
 * tests that need a test hook (t_mem.c). */
bool cmdline_has(const char *word);

/* Each tests file's tests, as the table in usertests.c lists them. */
#define T(name) void test_##name(void)
/* t_basic.c */
T(getpid);
T(ids);
T(write_stdout);
T(write_badfd);
T(write_badbuf);
T(read_badfd);
T(dev_null);
T(termios);
T(unknown_syscall);
T(errno_translation);
T(nanosleep);
T(nanosleep_bad);
T(nanosleep_long);
T(clock_gettime);
T(clock_nanosleep);
T(gettimeofday);
T(realtime_clock);
T(clock_gettime_bad);
T(getrandom);
T(uname);
T(prlimit);
T(sched_yield);
T(int_args);
T(sethostname);
T(sysinfo);
T(initramfs_file);
T(trace_proc);
/* t_mem.c */
T(brk_grow_shrink);
T(brk_bad);
T(malloc_big);
T(mmap_anon);
T(mmap_fixed);
T(mmap_bad);
T(zero_page);
T(truncate_fault_race);
T(copy_fault_stuck);
T(mincore);
T(mm_wrap);
T(munmap_fault);
T(mprotect_ro);
T(text_store);
T(rodata_store);
T(null_load);
T(kernel_load);
T(kernel_store);
T(exec_nx);
T(exec_data);
T(illegal_insn);
T(ebreak);
T(misaligned_amo);
T(out_of_memory);
/* t_shm.c */
T(shared_anon_fork);
T(shared_anon_keep);
T(shared_anon_mremap);
T(shared_anon_maps);
T(shared_anon_pages);
T(futex_shm_fault);
T(futex_shared_anon);
T(futex_shared_file);
T(futex_shared_private);
T(futex_shared_requeue);
T(futex_shared_robust);
/* t_tlb.c */
T(tlb_no_remote);
T(tlb_stress);
/* t_proc.c */
T(fork_exit);
T(getppid);
T(clone_flags);
/* t_waitid.c */
T(waitid_exit);
T(waitid_killed);
T(waitid_stop_cont);
T(waitid_pgid);
T(waitid_kill_zombie);
T(waitid_bad);
/* t_syslog.c */
T(syslog_read_all);
T(syslog_read);
T(syslog_clear);
T(syslog_console);
T(syslog_perm);
/* t_rlimit.c */
T(rlimit_set);
T(rlimit_perm);
T(rlimit_nofile);
T(rlimit_nofile_calls);
T(rlimit_fsize);
T(rlimit_nproc);
T(rlimit_mem);
T(rlimit_stack);
int stack_probe(const char *kib); /* usertests --stack-probe KIB */
/* t_sched.c */
T(priority);
T(nice_share);
T(affinity);
T(sched_policy);
T(idle_no_tick);
T(exit_wake_sync);
T(sched_spreads);
/* t_timer.c */
T(timer_signal);
T(timer_overrun);
T(timer_none_abs);
T(timer_bad);
T(timer_exec);
T(settime);
int timer_gone(void); /* usertests --timer-gone */
/* t_rtc.c */
T(rtc_read_set);
T(rtc_errors);
T(rtc_file);
T(cpu_times);
T(rusage_counts);
T(prctl);
T(exit_status);
T(wait_nohang);
T(wait_nochild);
T(wait_badptr);
T(kill_child);
T(process_group);
T(proc_syscall);
T(proc_traps_syscalls);
T(proc_traps_retired);
T(signal_mutex_storm);
T(late_wake_race);
/* t_procfs.c */
T(proc_self);
T(proc_stat);
T(proc_cmdline);
T(proc_cmdline_long);
T(proc_maps_many);
T(proc_reaped);
T(proc_offsets);
T(proc_fd_far_pos);
T(proc_fd_links);
T(kill_bad);
T(cow);
T(cow_heap);
T(many_forks);
T(fork_tree);
T(fork_until_fail);
T(exec_missing);
T(exec_notelf);
T(exec_shared_page);
T(exec_bad_args);
T(exec_args);
/* t_exec.c */
T(exec_script);
T(exec_script_noargv);
T(exec_script_nested);
T(exec_script_sh);
T(exec_static_pie);
T(exec_interp);
T(exec_low);
T(exec_stack);
T(exec_refused_refs);
T(exec_bss_tail);
T(exec_private_data);
T(exec_etxtbsy);
T(exec_maps);
T(preempt);
T(sched_stays_put);
T(fp_yield);
/* t_signal.c */
T(sig_handler_exit);
T(sig_longjmp);
T(sig_fault_codes);
T(itimer);
T(sig_return);
T(sig_block);
T(sig_ignore);
T(sig_default_kill);
T(sigkill_uncatchable);
T(sigaction_bad);
T(sigprocmask_bad);
/* t_sigwait.c */
T(sigsuspend);
T(sigsuspend_bad);
T(ppoll_pipe);
T(ppoll_wait);
T(ppoll_sigmask);
T(ppoll_bad);
T(pselect);
T(epoll);
T(epoll_many);
T(epoll_bad);
/* t_events.c */
T(eventfd);
T(eventfd_wait);
T(timerfd);
T(timerfd_bad);
T(timerfd_wait);
T(timerfd_clock_set);
T(stop_cont);
T(stop_restart);
T(setsid);
T(orphan_hup);
T(tty_orphaned);
T(winsize);
T(poll_server);
T(epoll_server);
T(poll_timeout);
T(epoll_ready);
T(fd_table_grow);
/* t_sigaction.c */
T(sa_restart);
T(sa_nodefer_resethand);
T(siginfo);
T(timeouts_precise);
T(sigreturn_erestart_a0);
T(sigqueueinfo_bad);
T(sigaltstack);
T(sigpending);
T(sigtimedwait);
/* t_uaccess.c */
T(dev_zero_edge);
T(copy_preempt);
/* t_trap.c */
T(lrsc_switch);
/* t_thread.c */
T(vfork_shares);
T(vfork_exec);
T(vfork_kill_child);
T(vfork_kill_parent);
T(thread_basic);
T(thread_files);
T(thread_exit_group);
T(thread_kill9);
T(thread_fault);
T(thread_leader_exit);
T(thread_exec);
T(thread_tgkill);
T(thread_group_stop);
T(futex_errors);
T(futex_requeue);
T(futex_eintr);
T(futex_robust);
T(futex_private_apart);
T(thread_munmap_reader);
T(thread_mm_stress);
T(thread_resethand);
T(thread_fork_vs_mmap);
T(thread_file_fault_race);
T(thread_read_remap_race);
T(thread_exit_race);
#undef T

/* usertests --exec-helper: what exec_args runs (t_proc.c). */
int exec_helper(int argc, char **argv, char **envp);

#endif
