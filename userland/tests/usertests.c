/*
 * usertests - Sluice's in-guest test suite.
 *
 *   usertests [-a] [-l] [-p DIR] [name...]
 *
 *   -a      also the slow tests
 *   -l      reference run on Linux (qemu-riscv64 user mode): skip the checks
 *           of what only Sluice promises (uname "Sluice", ids 0, free pages)
 *   -p DIR  look for programs under DIR/bin, not /bin (for -l runs)
 *   name    run only these tests
 *
 * Each test runs in a child process of its own; the parent checks how the
 * child ended and prints "ok   name" or "FAIL name: why", then a closing
 * "N passed, N failed".  The exit status is 0 only if nothing failed.
 *
 * Around the run it compares the kernel's free page count (Sluice's
 * syscall 1000) before and after: every page a test took must be back once
 * its process is reaped.
 *
 * Until the kernel has fork, the tests that need neither fork nor faults
 * nor signals run inside this process and the others are skipped.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "usertests.h"

#define TEST(name, needs, sig, slow)                                                               \
	{                                                                                          \
#name, test_##name, needs, sig, slow                                               \
	}
#define QUICK false
#define SLOW  true

/*
 * The table.  The needs column says which kernel features (K_*, in
 * usertests.h) a test exercises; every test also needs K_PROC and, to run
 * in a child of its own, K_FORK.
 */
static const struct test tests[] = {
	/* System-call basics (t_basic.c). */
	TEST(getpid, K_PROC, 0, QUICK),
	TEST(ids, K_INFO, 0, QUICK),
	TEST(write_stdout, K_PROC, 0, QUICK),
	TEST(write_badfd, K_PROC, 0, QUICK),
	TEST(write_badbuf, K_PROC, 0, QUICK),
	TEST(read_badfd, K_PROC, 0, QUICK),
	TEST(dev_null, K_PROC, 0, QUICK),
	TEST(termios, K_PROC, 0, QUICK),
	TEST(unknown_syscall, K_PROC, 0, QUICK),
	TEST(errno_translation, K_PROC, 0, QUICK),
	TEST(nanosleep, K_TIME, 0, QUICK),
	TEST(nanosleep_bad, K_TIME, 0, QUICK),
	TEST(nanosleep_long, K_TIME | K_FORK, 0, QUICK),
	TEST(clock_gettime, K_TIME, 0, QUICK),
	TEST(clock_nanosleep, K_TIME, 0, QUICK),
	TEST(timeouts_precise, K_TIME, 0, SLOW),
	TEST(gettimeofday, K_TIME, 0, QUICK),
	TEST(realtime_clock, K_TIME, 0, QUICK),
	TEST(clock_gettime_bad, K_TIME, 0, QUICK),
	TEST(getrandom, K_INFO, 0, QUICK),
	TEST(uname, K_INFO, 0, QUICK),
	TEST(prlimit, K_INFO, 0, QUICK),
	TEST(sched_yield, K_PROC, 0, QUICK),
	TEST(int_args, K_INFO, 0, QUICK),
	TEST(sethostname, K_INFO, 0, QUICK),
	TEST(sysinfo, K_INFO, 0, QUICK),
	TEST(initramfs_file, K_PROC, 0, QUICK),
	TEST(trace_proc, K_PROC, 0, QUICK),

	/* Memory: the break, mappings, and faults (t_mem.c). */
	TEST(brk_grow_shrink, K_MM, 0, QUICK),
	TEST(brk_bad, K_MM, 0, QUICK),
	TEST(malloc_big, K_MM, 0, QUICK),
	TEST(mmap_anon, K_MM, 0, QUICK),
	TEST(mmap_fixed, K_MM, 0, QUICK),
	TEST(mmap_bad, K_MM, 0, QUICK),
	TEST(zero_page, K_MM | K_FORK, 0, QUICK),
	TEST(truncate_fault_race, K_MM | K_FORK | K_FAULT, 0, QUICK),
	TEST(copy_fault_stuck, K_MM | K_FORK | K_FAULT, 0, QUICK),
	TEST(mincore, K_MM, 0, QUICK),
	TEST(mm_wrap, K_MM, 0, QUICK),
	TEST(munmap_fault, K_MM | K_FAULT, SIGSEGV, QUICK),
	TEST(mprotect_ro, K_MM | K_FAULT, SIGSEGV, QUICK),
	TEST(text_store, K_FAULT, SIGSEGV, QUICK),
	TEST(rodata_store, K_FAULT, SIGSEGV, QUICK),
	TEST(null_load, K_FAULT, SIGSEGV, QUICK),
	TEST(kernel_load, K_FAULT, SIGSEGV, QUICK),
	TEST(kernel_store, K_FAULT, SIGSEGV, QUICK),
	TEST(exec_nx, K_MM | K_FAULT, SIGSEGV, QUICK),
	TEST(exec_data, K_FAULT, SIGSEGV, QUICK),
	TEST(illegal_insn, K_FAULT, SIGILL, QUICK),
	TEST(ebreak, K_FAULT, SIGTRAP, QUICK),
	TEST(misaligned_amo, K_FAULT, SIGBUS, QUICK),
	TEST(out_of_memory, K_MM | K_FAULT, SIGKILL, QUICK),

	/* Shared anonymous memory across fork (t_shm.c). */
	TEST(shared_anon_fork, K_FORK | K_MM, 0, QUICK),
	TEST(shared_anon_keep, K_FORK | K_MM, 0, QUICK),
	TEST(shared_anon_mremap, K_FORK | K_MM | K_FAULT, 0, QUICK),
	TEST(shared_anon_maps, K_MM, 0, QUICK),
	TEST(shared_anon_pages, K_FORK | K_MM, 0, QUICK),
	TEST(futex_shm_fault, K_FORK | K_MM | K_TIME, 0, QUICK),
	TEST(futex_shared_anon, K_FORK | K_MM | K_TIME, 0, QUICK),
	TEST(futex_shared_file, K_FORK | K_MM | K_TIME, 0, QUICK),
	TEST(futex_shared_private, K_FORK | K_MM | K_TIME, 0, QUICK),
	TEST(futex_shared_requeue, K_FORK | K_MM | K_TIME, 0, QUICK),
	TEST(futex_shared_robust, K_FORK | K_MM | K_TIME, 0, QUICK),

	/* TLB flushing on several harts (t_tlb.c). */
	TEST(tlb_no_remote, K_MM, 0, QUICK),
	TEST(tlb_stress, K_FORK | K_MM | K_FAULT | K_SIGNAL, 0, QUICK),

	/* Processes (t_proc.c). */
	TEST(fork_exit, K_FORK, 0, QUICK),
	TEST(getppid, K_FORK, 0, QUICK),
	TEST(clone_flags, K_FORK, 0, QUICK),
	TEST(waitid_exit, K_FORK, 0, QUICK),
	TEST(waitid_killed, K_FORK, 0, QUICK),
	TEST(waitid_stop_cont, K_FORK | K_SIGNAL, 0, QUICK),
	TEST(waitid_pgid, K_FORK, 0, QUICK),
	TEST(waitid_kill_zombie, K_FORK | K_SIGNAL, 0, QUICK),
	TEST(waitid_bad, K_FORK, 0, QUICK),
	TEST(rlimit_set, K_INFO, 0, QUICK),
	TEST(rlimit_perm, K_INFO | K_FORK, 0, QUICK),
	TEST(rlimit_nofile, K_INFO, 0, QUICK),
	TEST(rlimit_nofile_calls, K_FORK | K_INFO, 0, QUICK),
	TEST(syslog_read_all, K_INFO, 0, QUICK),
	TEST(syslog_read, K_INFO | K_SIGNAL | K_TIME, 0, QUICK),
	TEST(syslog_clear, K_INFO, 0, QUICK),
	TEST(syslog_console, K_INFO, 0, QUICK),
	TEST(syslog_perm, K_INFO | K_FORK, 0, QUICK),
	TEST(rlimit_fsize, K_INFO | K_FORK | K_SIGNAL, 0, QUICK),
	TEST(rlimit_nproc, K_INFO | K_FORK, 0, QUICK),
	TEST(rlimit_mem, K_INFO | K_MM, 0, QUICK),
	TEST(rlimit_stack, K_INFO | K_EXEC | K_FAULT, 0, QUICK),
	TEST(priority, K_INFO | K_FORK, 0, QUICK),
	TEST(nice_share, K_PREEMPT | K_FORK | K_TIME, 0, QUICK),
	TEST(affinity, K_INFO | K_FORK, 0, QUICK),
	TEST(sched_policy, K_INFO | K_FORK, 0, QUICK),
	TEST(idle_no_tick, K_TIME | K_INFO, 0, QUICK),
	TEST(exit_wake_sync, K_FORK | K_INFO, 0, QUICK),
	TEST(sched_spreads, K_PREEMPT | K_TIME, 0, QUICK),
	TEST(timer_signal, K_TIME | K_SIGNAL, 0, QUICK),
	TEST(timer_overrun, K_TIME | K_SIGNAL, 0, QUICK),
	TEST(timer_none_abs, K_TIME | K_SIGNAL, 0, QUICK),
	TEST(timer_bad, K_TIME | K_FORK, 0, QUICK),
	TEST(timer_exec, K_TIME | K_EXEC | K_FORK, 0, QUICK),
	TEST(settime, K_TIME | K_FORK, 0, QUICK),
	/* The real-time clock, /dev/rtc0 (t_rtc.c). */
	TEST(rtc_read_set, K_TIME, 0, QUICK),
	TEST(rtc_errors, K_TIME | K_FORK, 0, QUICK),
	TEST(rtc_file, K_TIME | K_FORK | K_SIGNAL, 0, QUICK),
	TEST(cpu_times, K_FORK | K_TIME, 0, QUICK),
	TEST(rusage_counts, K_FORK | K_MM | K_TIME, 0, QUICK),
	TEST(prctl, K_FORK | K_SIGNAL, 0, QUICK),
	TEST(exit_status, K_FORK, 0, QUICK),
	TEST(wait_nohang, K_FORK | K_TIME, 0, QUICK),
	TEST(wait_nochild, K_FORK, 0, QUICK),
	TEST(wait_badptr, K_FORK, 0, QUICK),
	TEST(kill_child, K_FORK | K_TIME, 0, QUICK),
	TEST(process_group, K_FORK, 0, QUICK),
	TEST(proc_syscall, K_FORK, 0, QUICK),
	TEST(proc_traps_syscalls, K_PROC, 0, QUICK),
	TEST(proc_traps_retired, K_PROC | K_FORK, 0, QUICK),
	TEST(signal_mutex_storm, K_FORK | K_SIGNAL, 0, QUICK),
	TEST(late_wake_race, K_FORK | K_SIGNAL | K_TIME, 0, QUICK),
	TEST(proc_self, K_PROC, 0, QUICK),
	TEST(proc_stat, K_PROC, 0, QUICK),
	TEST(proc_cmdline, K_FORK, 0, QUICK),
	TEST(proc_cmdline_long, K_FORK | K_EXEC, 0, QUICK),
	TEST(proc_maps_many, K_MM, 0, QUICK),
	TEST(proc_reaped, K_FORK, 0, QUICK),
	TEST(proc_offsets, K_PROC, 0, QUICK),
	TEST(proc_fd_far_pos, K_PROC, 0, QUICK),
	TEST(proc_fd_links, K_PROC, 0, QUICK),
	TEST(kill_bad, K_FORK, 0, QUICK),
	TEST(cow, K_FORK, 0, QUICK),
	TEST(cow_heap, K_FORK | K_MM, 0, QUICK),
	TEST(many_forks, K_FORK, 0, QUICK),
	TEST(fork_tree, K_FORK, 0, QUICK),
	TEST(fork_until_fail, K_FORK, 0, SLOW),
	TEST(exec_missing, K_EXEC, 0, QUICK),
	TEST(exec_notelf, K_EXEC, 0, QUICK),
	TEST(exec_shared_page, K_EXEC, 0, QUICK),
	TEST(exec_bad_args, K_EXEC, 0, QUICK),
	TEST(exec_args, K_FORK | K_EXEC, 0, QUICK),
	/* What exec loads (t_exec.c). */
	TEST(exec_script, K_FORK | K_EXEC, 0, QUICK),
	TEST(exec_script_noargv, K_FORK | K_EXEC, 0, QUICK),
	TEST(exec_script_nested, K_FORK | K_EXEC, 0, QUICK),
	TEST(exec_script_sh, K_FORK | K_EXEC, 0, QUICK),
	TEST(exec_static_pie, K_FORK | K_EXEC, 0, QUICK),
	TEST(exec_interp, K_FORK | K_EXEC, 0, QUICK),
	TEST(exec_low, K_FORK | K_EXEC, 0, QUICK),
	TEST(exec_stack, K_FORK | K_EXEC, 0, QUICK),
	TEST(exec_refused_refs, K_EXEC, 0, QUICK),
	TEST(exec_bss_tail, K_FORK | K_EXEC, 0, QUICK),
	TEST(exec_private_data, K_FORK | K_EXEC, 0, QUICK),
	TEST(exec_etxtbsy, K_FORK | K_EXEC, 0, QUICK),
	TEST(exec_maps, K_EXEC, 0, QUICK),
	TEST(preempt, K_FORK | K_PREEMPT | K_TIME, 0, QUICK),
	TEST(sched_stays_put, K_PREEMPT | K_TIME, 0, QUICK),
	TEST(fp_yield, K_FORK, 0, QUICK),

	/* Signals (t_signal.c). */
	TEST(sig_handler_exit, K_SIGNAL | K_FAULT, 0, QUICK),
	TEST(sig_longjmp, K_SIGNAL | K_FAULT, 0, QUICK),
	TEST(sig_fault_codes, K_SIGNAL | K_FAULT | K_MM, 0, QUICK),
	TEST(itimer, K_SIGNAL | K_TIME | K_FORK, 0, QUICK),
	TEST(sig_return, K_SIGNAL, 0, QUICK),
	TEST(sig_block, K_SIGNAL, 0, QUICK),
	TEST(sig_ignore, K_SIGNAL, 0, QUICK),
	TEST(sig_default_kill, K_SIGNAL, SIGTERM, QUICK),
	TEST(sigkill_uncatchable, K_SIGNAL | K_FORK, 0, QUICK),
	TEST(sigaction_bad, K_SIGNAL, 0, QUICK),
	TEST(sigprocmask_bad, K_SIGNAL, 0, QUICK),

	/* Waiting for signals and files, job control (t_sigwait.c). */
	TEST(sigsuspend, K_SIGNAL | K_FORK | K_TIME, 0, QUICK),
	TEST(sigsuspend_bad, K_SIGNAL | K_FORK | K_TIME, 0, QUICK),
	TEST(ppoll_pipe, K_PROC, 0, QUICK),
	TEST(ppoll_wait, K_FORK | K_TIME, 0, QUICK),
	TEST(ppoll_sigmask, K_SIGNAL | K_FORK | K_TIME, 0, QUICK),
	TEST(ppoll_bad, K_MM, 0, QUICK),
	TEST(pselect, K_FORK | K_TIME, 0, QUICK),
	TEST(epoll, K_FORK | K_TIME, 0, QUICK),
	TEST(epoll_many, K_FORK, 0, QUICK),
	TEST(epoll_bad, K_PROC, 0, QUICK),
	TEST(eventfd, K_PROC, 0, QUICK),
	TEST(eventfd_wait, K_SIGNAL | K_FORK | K_TIME, 0, QUICK),
	TEST(timerfd, K_TIME, 0, QUICK),
	TEST(timerfd_bad, K_PROC, 0, QUICK),
	TEST(timerfd_wait, K_TIME, 0, QUICK),
	TEST(timerfd_clock_set, K_TIME, 0, QUICK),
	TEST(stop_cont, K_SIGNAL | K_FORK | K_TIME, 0, QUICK),
	TEST(stop_restart, K_SIGNAL | K_FORK | K_TIME, 0, QUICK),
	TEST(setsid, K_FORK, 0, QUICK),
	TEST(orphan_hup, K_SIGNAL | K_FORK | K_TIME, 0, QUICK),
	TEST(tty_orphaned, K_SIGNAL | K_FORK | K_TIME, 0, QUICK),
	TEST(winsize, K_SIGNAL | K_FORK, 0, QUICK),
	TEST(poll_server, K_FORK | K_TIME, 0, QUICK),
	TEST(epoll_server, K_FORK | K_TIME, 0, QUICK),
	TEST(poll_timeout, K_TIME, 0, QUICK),
	TEST(epoll_ready, K_PROC, 0, QUICK),
	TEST(fd_table_grow, K_FORK | K_INFO, 0, QUICK),

	/* What handlers get, and how calls come back from them (t_sigaction.c). */
	TEST(sa_restart, K_SIGNAL | K_FORK | K_TIME, 0, QUICK),
	TEST(sa_nodefer_resethand, K_SIGNAL, 0, QUICK),
	TEST(siginfo, K_SIGNAL, 0, QUICK),
	TEST(sigreturn_erestart_a0, K_SIGNAL, 0, QUICK),
	TEST(sigqueueinfo_bad, K_SIGNAL | K_FORK, 0, QUICK),
	TEST(sigaltstack, K_SIGNAL, 0, QUICK),
	TEST(sigpending, K_SIGNAL, 0, QUICK),
	TEST(sigtimedwait, K_SIGNAL | K_FORK | K_TIME, 0, QUICK),

	/* The kernel's user-memory helpers (t_uaccess.c). */
	TEST(dev_zero_edge, K_MM, 0, QUICK),
	TEST(copy_preempt, K_MM | K_PREEMPT, 0, QUICK),

	/* Rules of the trap path (t_trap.c). */
	TEST(lrsc_switch, K_FORK, 0, QUICK),

	/* vfork, threads and futexes (t_thread.c). */
	TEST(vfork_shares, K_FORK, 0, QUICK),
	TEST(vfork_exec, K_FORK | K_EXEC, 0, QUICK),
	TEST(vfork_kill_child, K_FORK | K_SIGNAL, 0, QUICK),
	TEST(vfork_kill_parent, K_FORK | K_SIGNAL, 0, QUICK),
	TEST(thread_basic, K_FORK | K_MM | K_SIGNAL, 0, QUICK),
	TEST(thread_files, K_FORK | K_MM | K_SIGNAL, 0, QUICK),
	TEST(thread_exit_group, K_FORK | K_MM | K_SIGNAL, 0, QUICK),
	TEST(thread_kill9, K_FORK | K_MM | K_SIGNAL, 0, QUICK),
	TEST(thread_fault, K_FORK | K_MM | K_SIGNAL, 0, QUICK),
	TEST(thread_leader_exit, K_FORK | K_MM | K_SIGNAL, 0, QUICK),
	TEST(thread_exec, K_FORK | K_MM | K_SIGNAL, 0, QUICK),
	TEST(thread_tgkill, K_FORK | K_MM | K_SIGNAL, 0, QUICK),
	TEST(thread_group_stop, K_FORK | K_MM | K_SIGNAL, 0, QUICK),
	TEST(thread_resethand, K_FORK | K_MM | K_SIGNAL, 0, QUICK),
	TEST(futex_errors, K_FORK | K_MM | K_SIGNAL, 0, QUICK),
	TEST(futex_requeue, K_FORK | K_MM | K_SIGNAL, 0, QUICK),
	TEST(futex_eintr, K_FORK | K_MM | K_SIGNAL, 0, QUICK),
	TEST(futex_robust, K_FORK | K_MM | K_SIGNAL, 0, QUICK),
	TEST(futex_private_apart, K_FORK | K_MM | K_SIGNAL, 0, QUICK),
	TEST(thread_munmap_reader, K_FORK | K_MM | K_FAULT, 0, QUICK),
	TEST(thread_mm_stress, K_MM, 0, QUICK),
	TEST(thread_fork_vs_mmap, K_FORK | K_MM, 0, QUICK),
	TEST(thread_file_fault_race, K_MM, 0, QUICK),
	TEST(thread_read_remap_race, K_MM, 0, QUICK),
	TEST(thread_exit_race, K_FORK | K_MM, 0, SLOW),
};
#define NTESTS (sizeof(tests) / sizeof(tests[0]))

bool on_linux;
const char *bin_prefix = "";
/* No fork yet: tests run in this process and a failure jumps back here. */
static bool in_process;
static jmp_buf in_process_failed;

static bool run_in_process(const struct test *t, char *why, size_t n)
{
	bool ok = true;

	harness_test = t->name;
	harness_fail_jump = &in_process_failed;
	if (setjmp(in_process_failed)) {
		snprintf(why, n, "check failed");
		ok = false;
	} else {
		t->fn();
	}
	harness_test = NULL;
	harness_fail_jump = NULL;
	return ok;
}

/* Without fork, can it run inside the harness's own process? */
static bool runs_in_process(const struct test *t)
{
	return !(t->needs & (K_FORK | K_FAULT | K_SIGNAL | K_PREEMPT)) && !t->expect_signal;
}

static bool selected(const struct test *t, int argc, char **argv, bool all)
{
	bool named;

	return harness_named(t->name, argc, argv, "-p", &named) || (!named && (all || !t->slow));
}

/*
 * Touch the stack this process will use, so that a kernel growing stacks
 * on demand does not count those pages as lost by the tests.
 */
static void __attribute__((noinline)) touch_stack(void)
{
	volatile char pad[64 * 1024];

	for (size_t i = 0; i < sizeof(pad); i += 512)
		pad[i] = 0;
}

/* Free pages, or -1 (printing why) when the kernel cannot say. */
static long free_pages(void)
{
	syscall0(__NR_sluice_drop_caches); /* the page cache's bookkeeping */
	long n = sluice_free_pages();

	if (n < 0)
		printf("note: sluice_free_pages: %s; leak check skipped\n", strerror(errno));
	return n;
}

int main(int argc, char **argv, char **envp)
{
	int passed = 0, failed = 0, skipped = 0;
	bool all = false;
	long before = -1, after = -1;

	if (argc > 1 && strcmp(argv[1], "--exec-helper") == 0)
		return exec_helper(argc, argv, envp);
	if (argc > 1 && strcmp(argv[1], "--timer-gone") == 0)
		return timer_gone();
	if (argc > 2 && strcmp(argv[1], "--stack-probe") == 0)
		return stack_probe(argv[2]);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-a") == 0)
			all = true;
		else if (strcmp(argv[i], "-l") == 0)
			on_linux = true;
		else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
			bin_prefix = argv[++i];
		else if (argv[i][0] == '-') {
			printf("usage: usertests [-a] [-l] [-p DIR] [name...]\n");
			return 2;
		}
	}
	printf("usertests: starting (pid %d)\n", getpid());
	if (!on_linux) {
		touch_stack();
		sluice_touch_program(); /* its text comes by fault: all of it now */
		before = free_pages();
	}

	for (size_t i = 0; i < NTESTS; i++) {
		const struct test *t = &tests[i];
		char why[160] = "";
		int r;

		if (!selected(t, argc, argv, all))
			continue;
		r = in_process ? -1
			       : harness_run_child(t->name, t->fn, NULL, t->expect_signal, why,
						   sizeof(why));
		if (r < 0 && !in_process) {
			printf("note: no fork (ENOSYS): running what can run in this process\n");
			in_process = true;
		}
		if (r < 0) {
			if (!runs_in_process(t)) {
				printf("skip %s: needs a process of its own\n", t->name);
				skipped++;
				continue;
			}
			r = run_in_process(t, why, sizeof(why));
		}
		if (r) {
			printf("ok   %s\n", t->name);
			passed++;
		} else {
			printf("FAIL %s: %s\n", t->name, why);
			failed++;
		}
	}

	/* Every test's process is reaped by now, but an orphan one left (init
	 * reaps those in its own time) may still be on its way out: its pages
	 * must be free again within a few seconds, or they are lost. */
	for (long end = now_ms() + 5000;
	     before >= 0 && (after = free_pages()) >= 0 && after != before && now_ms() < end;)
		sleep_ms(20);
	if (before >= 0 && after >= 0) {
		if (after == before) {
			printf("ok   free-pages (%ld before and after)\n", after);
			passed++;
		} else {
			printf("FAIL free-pages: %ld before, %ld after (%ld lost)\n", before, after,
			       before - after);
			failed++;
		}
	}

	if (skipped)
		printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	else
		printf("%d passed, %d failed\n", passed, failed);
	/*
	 * Run in init's place (a kernel without fork): pid 1 must not exit,
	 * so end the machine as init would have.
	 */
	if (getpid() == 1 && !on_linux)
		reboot(LINUX_REBOOT_CMD_POWER_OFF);
	return failed ? 1 : 0;
}
