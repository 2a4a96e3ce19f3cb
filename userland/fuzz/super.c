/*
 * The supervisor: starts the workers, each in its own process group,
 * signals them while they sleep in calls, starts another as each dies
 * until every worker has made its calls, and watches for hangs.
 *
 * Each tick (2-15 ms) it reads the workers' progress records, reaps the
 * dead, and sends one worker a signal: SIGUSR1 or SIGUSR2 (caught: a
 * sleeping call ends with EINTR), SIGSTOP/SIGCONT, now and then SIGKILL
 * or SIGTERM.  With -S it sends only SIGUSR1, and only to a worker that
 * has made no progress for 300 ms: a sleeping call still ends, and a run
 * replays exactly.  A worker that makes no progress is killed (watch());
 * one that does not die within a minute of SIGKILL is a hang: the kernel is
 * stuck, and the supervisor says where (/proc/<pid>/syscall) and gives up.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

#define STALL_NS     5000000000ull  /* asleep in a call this long: kill it */
#define STALL_RUN_NS 30000000000ull /* running (a busy or slow machine): this long */
#define HANG_NS	     60000000000ull /* still there this long after SIGKILL: a hang */
#define QUIET_NS     300000000ull

struct slot {
	int pid, gen;
	long base, calls; /* calls of finished generations; of this one */
	int base_findings, findings;
	bool done, finished;
	uint64_t last, killed_at, quiet_sig;
};

static struct slot slots[FZ_MAX_WORKERS];
static int progress_fd;
static struct fz_rng rng;
static long signals_sent, respawns;
static int deaths[66]; /* [0] exits, [sig] killed by sig, [65] other */

static void spawn(int w)
{
	struct slot *s = &slots[w];
	long budget = fz_opts.calls - s->base;
	long pid = syscall5(__NR_clone, LINUX_SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		fz_worker(fz_opts.first + w, s->gen, budget);
	if (pid < 0) {
		fz_say("fuzz: cannot start worker %d: %ld; giving it up\n", w, pid);
		s->finished = true;
		return;
	}
	s->pid = (int)pid;
	s->calls = s->findings = 0;
	s->done = false;
	s->last = fz_now_ns();
	s->killed_at = 0;
}

static void read_progress(void)
{
	struct fz_progress p[32];
	long n;

	while ((n = syscall3(__NR_read, progress_fd, (long)p, sizeof(p))) > 0) {
		for (long i = 0; i < n / (long)sizeof(p[0]); i++) {
			struct slot *s = &slots[(p[i].worker - fz_opts.first) % FZ_MAX_WORKERS];
			if (p[i].gen != s->gen)
				continue; /* from a generation already counted */
			s->calls = p[i].calls;
			s->findings = p[i].findings;
			s->done = p[i].done;
			s->last = fz_now_ns();
		}
	}
}

static void count_death(int status)
{
	int sig = status & 0x7f;

	deaths[sig == 0 ? 0 : sig < 65 ? sig : 65]++;
}

/* A worker died: count what it did, start another unless it finished. */
static void worker_died(int w, int status, bool stopping)
{
	struct slot *s = &slots[w];

	read_progress();
	count_death(status);
	s->base += s->calls;
	s->base_findings += s->findings;
	s->calls = s->findings = 0;
	s->pid = 0;
	if (s->done || s->base >= fz_opts.calls || stopping) {
		s->finished = true;
		return;
	}
	s->gen++;
	respawns++;
	spawn(w);
}

static void reap(bool stopping)
{
	int status;
	long pid;

	while ((pid = syscall4(__NR_wait4, -1, (long)&status, 1 /* WNOHANG */, 0)) > 0)
		for (int w = 0; w < fz_opts.workers; w++)
			if (slots[w].pid == pid)
				worker_died(w, status, stopping);
}

static void send(int pid, int sig)
{
	syscall2(__NR_kill, pid, sig);
	signals_sent++;
}

static void signal_one(void)
{
	static int stopped;
	int w = (int)fz_below(&rng, (uint64_t)fz_opts.workers), r = (int)fz_below(&rng, 100);
	int pid = slots[w].pid;

	if (stopped) { /* SIGCONT for the one stopped last tick */
		send(stopped, LINUX_SIGCONT);
		stopped = 0;
	}
	if (!pid || slots[w].killed_at)
		return;
	if (r < 70)
		send(pid, LINUX_SIGUSR1);
	else if (r < 80)
		send(pid, LINUX_SIGUSR2);
	else if (r < 90)
		send(stopped = pid, LINUX_SIGSTOP);
	else if (r < 98)
		send(pid, LINUX_SIGCONT);
	else if (fz_chance(&rng, 1, 4))
		send(pid, LINUX_SIGTERM);
	else
		send(pid, LINUX_SIGKILL);
}

static void say_where(int pid)
{
	char path[48], buf[512];

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (fz_read_file(path, buf, sizeof(buf)) > 0)
		fz_say("%s", buf);
	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	if (fz_read_file(path, buf, sizeof(buf)) > 0)
		fz_say("syscall: %s", buf);
	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	if (fz_read_file(path, buf, sizeof(buf)) > 0)
		fz_say("%s", buf);
}

/* Is pid running or waiting for a hart (not asleep in a call)? */
static bool running(int pid)
{
	char path[48], buf[32];

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	return fz_read_file(path, buf, sizeof(buf)) > 0 && !strncmp(buf, "running", 7);
}

/*
 * A worker that makes no progress: asleep in a call for 5 s (it blocked or
 * ignored the supervisor's signals), or running for 30 s (a slow machine
 * makes workers slow, not stuck), is killed.  One still there a minute
 * after SIGKILL is a hang: returns 1.
 */
static int watch(void)
{
	uint64_t now = fz_now_ns();

	for (int w = 0; w < fz_opts.workers; w++) {
		struct slot *s = &slots[w];
		if (!s->pid)
			continue;
		if (!fz_opts.signals && !s->killed_at && now - s->last > QUIET_NS &&
		    now - s->quiet_sig > QUIET_NS) {
			send(s->pid, LINUX_SIGUSR1); /* -S: only to end a long sleep */
			s->quiet_sig = now;
		}
		if (!s->killed_at && now - s->last > STALL_NS &&
		    (now - s->last > STALL_RUN_NS || !running(s->pid))) {
			fz_say("fuzz: worker %d (pid %d) made no progress for %llu s: killing it\n",
			       w, s->pid, (unsigned long long)((now - s->last) / 1000000000));
			say_where(s->pid);
			send(s->pid, LINUX_SIGKILL);
			s->killed_at = now;
		} else if (s->killed_at && now - s->killed_at > HANG_NS) {
			fz_say("fuzz: HANG: worker %d (pid %d) still there a minute after "
			       "SIGKILL\n",
			       w, s->pid);
			for (int o = 0; o < fz_opts.workers; o++) /* and where the others are */
				if (slots[o].pid)
					fz_say("fuzz: worker %d:\n", o), say_where(slots[o].pid);
			return 1;
		}
	}
	return 0;
}

static bool all_finished(void)
{
	for (int w = 0; w < fz_opts.workers; w++)
		if (!slots[w].finished)
			return false;
	return true;
}

/* Stop: every worker killed and reaped. */
static void stop_all(void)
{
	for (int w = 0; w < fz_opts.workers; w++)
		if (slots[w].pid)
			syscall2(__NR_kill, slots[w].pid, LINUX_SIGKILL);
	for (int tries = 0; !all_finished() && tries < 2000; tries++) {
		reap(true);
		fz_sleep_ms(10);
	}
}

static uint64_t started;

static void summary(bool timed_out)
{
	long calls = 0;
	int findings = 0;

	for (int w = 0; w < fz_opts.workers; w++) {
		calls += slots[w].base;
		findings += slots[w].base_findings;
	}
	uint64_t ms = (fz_now_ns() - started) / 1000000;
	fz_say("fuzz: %ld calls by %d workers in %llu.%01llu s (%ld started again), %ld signals "
	       "sent%s\n",
	       calls, fz_opts.workers, (unsigned long long)ms / 1000,
	       (unsigned long long)ms % 1000 / 100, respawns, signals_sent,
	       timed_out ? "; stopped by the time limit" : "");
	fz_say("fuzz: workers ended: %d by exit", deaths[0]);
	for (int sig = 1; sig < 66; sig++)
		if (deaths[sig])
			fz_say(", %d by signal %d", deaths[sig], sig);
	fz_say("\nfuzz: %d finding%s\n", findings, findings == 1 ? "" : "s");
}

static int findings_total(void)
{
	int n = 0;

	for (int w = 0; w < fz_opts.workers; w++)
		n += slots[w].base_findings;
	return n;
}

/* The progress pipe at FZ_FD_PROGRESS, the console at FZ_FD_LOG: the fds
 * every worker keeps (close-on-exec: a program a worker runs has neither). */
static int setup_fds(void)
{
	int p[2];

	if (syscall2(__NR_pipe2, (long)p, LINUX_O_NONBLOCK | LINUX_O_CLOEXEC) < 0)
		return -1;
	syscall3(__NR_dup3, p[1], FZ_FD_PROGRESS, LINUX_O_CLOEXEC);
	syscall1(__NR_close, p[1]);
	progress_fd = p[0];
	syscall3(__NR_dup3, 1, FZ_FD_LOG, LINUX_O_CLOEXEC);
	return 0;
}

int fz_supervise(void)
{
	uint64_t start = started = fz_now_ns();
	bool timed_out = false;

	/* Ignored here, so a new worker ignores them until it catches them. */
	struct kernel_sigaction ign = {(void *)1 /* SIG_IGN */, 0, 0};
	syscall4(__NR_rt_sigaction, LINUX_SIGUSR1, (long)&ign, 0, 8);
	syscall4(__NR_rt_sigaction, LINUX_SIGUSR2, (long)&ign, 0, 8);
	syscall2(__NR_setpgid, 0, 0);
	if (setup_fds() < 0) {
		fz_say("fuzz: no pipe for the workers' progress\n");
		return 1;
	}
	fz_rng_init(&rng, fz_opts.seed, FZ_MAX_WORKERS, 0); /* a stream of its own */
	for (int w = 0; w < fz_opts.workers; w++)
		spawn(w);
	while (!all_finished()) {
		fz_sleep_ms(2 + (long)fz_below(&rng, 14));
		read_progress();
		reap(false);
		if (fz_opts.signals)
			signal_one();
		if (watch())
			return 2;
		if (fz_opts.seconds &&
		    fz_now_ns() - start > (uint64_t)fz_opts.seconds * 1000000000ull) {
			timed_out = true;
			break;
		}
	}
	stop_all();
	summary(timed_out);
	return findings_total() ? 1 : 0;
}
