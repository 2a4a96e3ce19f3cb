/*
 * glibc-abi: the calling conventions of Debian's glibc, where they differ
 * from what a hand-written wrapper would do.  Each of these failed on
 * Sluice before its handlers took Linux's argument types:
 *
 *   fstat(fd, &st)   glibc 2.33 and later call newfstatat(fd, "", &st,
 *                    AT_EMPTY_PATH): the fd may be any kind of file.
 *   reboot(howto)    passes LINUX_REBOOT_MAGIC1 (0xfee1dead) as an int,
 *                    sign-extended to 64 bits in a0.
 *   fork()           is clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID |
 *                    SIGCHLD, 0, NULL, NULL, &tid), not clone(SIGCHLD).
 *   usleep(), sleep() are clock_nanosleep (115), not nanosleep (101).
 *   shm_open(name)   is openat of /dev/shm/name with O_NOFOLLOW and
 *                    O_CLOEXEC: /dev/shm must be a tmpfs (init mounts one).
 *
 * With the argument "signals" it runs glibc/signals.c's checks instead.
 * With the argument "reboot" it ends by powering the machine off with
 * reboot(RB_POWER_OFF); if that returns, it says why and exits 1.
 * Prints "glibc-abi: FAIL ..." for any check that does not hold.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void check_fstat(const char *what, int fd, mode_t type)
{
	struct stat st;

	if (fd < 0) {
		printf("glibc-abi: FAIL %s: could not open: %m\n", what);
		failures++;
	} else if (fstat(fd, &st) != 0) {
		printf("glibc-abi: FAIL fstat(%s): %m\n", what);
		failures++;
	} else if ((st.st_mode & S_IFMT) != type) {
		printf("glibc-abi: FAIL fstat(%s): mode 0%o\n", what, (unsigned)st.st_mode);
		failures++;
	} else {
		printf("glibc-abi: fstat(%s) ok\n", what);
	}
}

int glibc_signals_main(void); /* signals.c */

/* POSIX shared memory through glibc: an object a child's store shows in. */
static void check_shm(void)
{
	int fd = shm_open("/glibc-abi", O_RDWR | O_CREAT | O_EXCL, 0600);
	char *p = MAP_FAILED;
	int status = -1;

	if (fd >= 0 && ftruncate(fd, 4096) == 0)
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED) {
		pid_t pid = fork();
		if (pid == 0) {
			p[100] = 'z';
			_exit(0);
		}
		waitpid(pid, &status, 0);
	}
	if (p == MAP_FAILED || status != 0 || p[100] != 'z' || shm_unlink("/glibc-abi") != 0) {
		printf("glibc-abi: FAIL shm_open: %m\n");
		failures++;
	} else {
		printf("glibc-abi: shm_open ok\n");
	}
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	int fds[2] = {-1, -1};

	/* The signal checks live in this binary too: one static glibc
	 * program less in the initramfs (16 MiB boards are short of room). */
	if (argc > 1 && !strcmp(argv[1], "signals"))
		return glibc_signals_main();

	check_fstat("a regular file", open("/bin/glibc-abi", O_RDONLY), S_IFREG);
	check_fstat("/dev/null", open("/dev/null", O_RDWR), S_IFCHR);
	check_fstat("a directory", open("/", O_RDONLY | O_DIRECTORY), S_IFDIR);
	if (pipe(fds) != 0)
		printf("glibc-abi: FAIL pipe: %m\n");
	check_fstat("a pipe", fds[0], S_IFIFO);
	pid_t pid = fork();
	int status = 0;
	if (pid == 0)
		_exit(5);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 5) {
		printf("glibc-abi: FAIL fork (%d): %m, status 0x%x\n", (int)pid, status);
		failures++;
	} else {
		printf("glibc-abi: fork ok\n");
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = usleep(20000);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long us = (t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
	if (r != 0 || us < 20000) {
		printf("glibc-abi: FAIL usleep(20000): %d (%m) after %ld us\n", r, us);
		failures++;
	} else {
		printf("glibc-abi: usleep ok\n");
	}
	check_shm();
	printf("glibc-abi: %d failed\n", failures);
	if (argc > 1 && !strcmp(argv[1], "reboot")) {
		printf("glibc-abi: calling reboot(RB_POWER_OFF)\n");
		fflush(stdout);
		reboot(RB_POWER_OFF);
		printf("glibc-abi: FAIL reboot(RB_POWER_OFF): %m\n");
		return 1;
	}
	return failures ? 1 : 0;
}
