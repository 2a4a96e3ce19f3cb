/*
 * init - the first user process (pid 1).
 *
 * First it mounts what the kernel command line says: with root=/dev/vda
 * the ext2 disk becomes the root (with /dev and /proc mounted on it), else
 * the initramfs stays the root and the disk, if there is one, is mounted
 * at /mnt; either way a tmpfs goes on /dev/shm.  (name=value words of the
 * command line reach init as environment variables.)
 *
 * Then, with no arguments, it runs /etc/init.d/rcS, then busybox's ash as
 * a login shell on the console, and starts a new one whenever it exits;
 * busybox's poweroff, reboot and halt signal it to shut down (below).  With arguments (the words of the command line
 * that are neither rdinit= nor name=value, as Linux passes them:
 * `rdinit=/init usertests -a` gives argv = { "/init", "usertests", "-a" })
 * it runs argv[1] (a path, or a name under /bin) with the rest as its
 * arguments, reaps every child (orphans come to pid 1), reports how each
 * ended, and when the program has exited and no child remains it powers
 * the machine off: the way the tests run.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscall.h"

extern char **environ;

/*
 * Before the machine stops: reboot(2) does not write the disks out, so
 * sync; unmount the disk at /mnt, and make the root read-only (if it is the
 * ext2 disk, this marks it clean, as Linux's shutdown does): e2fsck then
 * finds a file system that was cleanly unmounted.
 */
static void write_back(void)
{
	sync();
	if (umount("/mnt") == 0)
		printf("init: /mnt unmounted\n");
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0)
		printf("init: / remounted read-only\n");
}

static void power_off(void)
{
	write_back();
	reboot(LINUX_REBOOT_CMD_POWER_OFF);
	/* pid 1 must not exit (the kernel would have no init): wait forever. */
	printf("init: power-off failed: %s; halting here\n", strerror(errno));
	for (;;) {
		struct timespec ts = {.tv_sec = 3600};

		if (nanosleep(&ts, NULL) < 0)
			sched_yield();
	}
}

static void report(const char *who, pid_t pid, int status)
{
	char name[32];

	if (!who) {
		snprintf(name, sizeof(name), "pid %d", (int)pid);
		who = name;
	}
	if (WIFEXITED(status))
		printf("init: %s exited with status %d\n", who, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("init: %s killed by signal %d (%s)\n", who, WTERMSIG(status),
		       strsignal(WTERMSIG(status)));
	else
		printf("init: %s ended with wait status %#x\n", who, status);
}

/* Child side: become the program.  Returns only if execve failed. */
static void run(const char *path, char **argv)
{
	execve(path, argv, environ);
	printf("init: cannot run %s: %s\n", path, strerror(errno));
}

static void mount_or_say(const char *source, const char *dir, const char *type)
{
	if (mount(source, dir, type, 0, NULL) < 0)
		printf("init: cannot mount %s (%s) on %s: %s\n", source, type, dir,
		       strerror(errno));
}

/*
 * POSIX shared memory (glibc's shm_open) lives in /dev/shm, a tmpfs that
 * user space mounts, as Debian's boot scripts and systemd do (Linux's
 * devtmpfs has no shm).  Everyone may make objects there: mode 1777.
 */
static void mount_shm(void)
{
	mkdir("/dev/shm", 01777);
	if (mount("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777") < 0)
		printf("init: cannot mount tmpfs on /dev/shm: %s\n", strerror(errno));
}

/* The file systems the command line asks for (see the top). */
static void mount_all(void)
{
	const char *root = getenv("root");
	struct stat st;

	if (root && *root) {
		if (mount(root, "/", "ext2", 0, NULL) < 0) {
			printf("init: cannot mount %s as the root: %s; staying on the initramfs\n",
			       root, strerror(errno));
		} else {
			printf("init: root is %s (ext2)\n", root);
			chdir("/");
			mount_or_say("devtmpfs", "/dev", "devtmpfs");
			mount_or_say("proc", "/proc", "proc");
			mount_shm();
			return;
		}
	}
	if (stat("/dev/vda", &st) == 0 && mount("/dev/vda", "/mnt", "ext2", 0, NULL) == 0)
		printf("init: /dev/vda (ext2) mounted on /mnt\n");
	mount_shm();
}

/*
 * Shutdown, as busybox's halt, poweroff and reboot ask it of init: by a
 * signal to pid 1 (SIGUSR1 halt, SIGUSR2 power off, SIGTERM reboot; `-f`
 * skips init and calls reboot(2) itself).  The handler only notes which.
 */
static volatile sig_atomic_t shutdown_sig;

static void on_shutdown_signal(int sig)
{
	shutdown_sig = sig;
}

/* Everyone else stops, the disks are written out and unmounted, then the
 * machine halts, powers off or restarts. */
static void shutdown_now(int sig)
{
	const char *what = sig == SIGTERM   ? "rebooting"
			   : sig == SIGUSR1 ? "halting"
					    : "powering off";

	printf("init: %s: stopping every process\n", what);
	struct timespec grace = {.tv_sec = 1};

	kill(-1, SIGTERM);
	nanosleep(&grace, NULL);
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	if (sig == SIGTERM) {
		write_back();
		reboot(LINUX_REBOOT_CMD_RESTART);
		printf("init: reboot failed: %s\n", strerror(errno));
	}
	power_off();
}

/* /etc/init.d/rcS, if there is one: the system's own set-up, run to its end. */
static void run_rcs(void)
{
	char *argv[] = {"/bin/sh", "/etc/init.d/rcS", NULL};
	struct stat st;
	int status;

	if (stat(argv[1], &st) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		run(argv[0], argv);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

/*
 * The interactive life of pid 1: a login shell on the console ("-sh": ash
 * reads /etc/profile), again and again, in its own session and process
 * group, the terminal's foreground.
 */
static void shell_forever(void)
{
	char *sh_argv[] = {"-sh", NULL};

	/* Without SA_RESTART (signal() would set it): the signal must end
	 * init's wait below, which no child may be about to end. */
	struct sigaction sa = {.sa_handler = on_shutdown_signal};

	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	run_rcs();
	for (;;) {
		pid_t pid = fork(), w;
		int status = 0;

		if (pid < 0) {
			printf("init: fork: %s; powering off\n", strerror(errno));
			power_off();
		}
		if (pid == 0) {
			signal(SIGUSR1, SIG_DFL);
			signal(SIGUSR2, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			/* A session of its own with the console as its terminal
			 * (taken from init's, or a previous shell's, by force),
			 * its group the foreground one: so ^C and ^Z reach it
			 * and what it runs, and it can hand the terminal on. */
			setsid();
			syscall3(__NR_ioctl, 0, LINUX_TIOCSCTTY, 1);
			chdir("/root");
			run("/bin/sh", sh_argv);
			_exit(127);
		}
		do {
			w = waitpid(-1, &status, 0); /* orphans too */
			if (shutdown_sig)
				shutdown_now(shutdown_sig);
		} while (w != pid && !(w < 0 && errno != EINTR));
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
			printf("init: no shell to run; powering off\n");
			power_off();
		}
		printf("init: the shell exited; starting another\n");
	}
}

int main(int argc, char **argv)
{
	char path[256];
	const char *prog;
	pid_t pid;

	printf("init: starting");
	for (int i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	mount_all();

	if (argc < 2)
		shell_forever();
	prog = argv[1];
	if (strchr(prog, '/'))
		snprintf(path, sizeof(path), "%s", prog);
	else
		snprintf(path, sizeof(path), "/bin/%s", prog);

	/* Every page the program and its children take must be back once the
	 * last of them is reaped: the exact leak check of the test suite.  The
	 * page cache's clean pages count as free, but not its bookkeeping:
	 * caches are dropped first, as Linux's drop_caches. */
	sluice_touch_program(); /* init's own pages in before the count */
	syscall0(__NR_sluice_drop_caches);
	long before = sluice_free_pages();

	pid = fork();
	if (pid < 0 && (errno == ENOSYS || errno == EINVAL)) {
		/* A kernel without fork yet: the program replaces init. */
		printf("init: no fork (%s); running %s in place of init\n", strerror(errno), path);
		run(path, argv + 1);
		power_off();
	}
	if (pid < 0) {
		printf("init: fork: %s\n", strerror(errno));
		power_off();
	}
	if (pid == 0) {
		run(path, argv + 1);
		_exit(127);
	}

	/* Reap until no child is left: the program and anything it orphaned. */
	for (;;) {
		int status;
		pid_t w = waitpid(-1, &status, 0);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			if (errno != ECHILD)
				printf("init: wait: %s\n", strerror(errno));
			break;
		}
		report(w == pid ? prog : NULL, w, status);
	}
	syscall0(__NR_sluice_drop_caches);
	long after = sluice_free_pages();
	if (before >= 0 && after >= 0)
		printf("init: free pages %ld before, %ld after: %s\n", before, after,
		       before == after ? "nothing leaked" : "LEAKED");
	printf("init: no processes left; powering off\n");
	power_off();
	return 0;
}
