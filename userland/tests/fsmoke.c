#include "syscall.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
static void cat(const char *p)
{
	char b[512];
	int fd = open(p, O_RDONLY);
	if (fd < 0) {
		printf("open %s failed\n", p);
		return;
	}
	int n;
	while ((n = read(fd, b, sizeof b)) > 0)
		write(1, b, n);
	close(fd);
}
int main(void)
{
	DIR *d = opendir("/");
	struct dirent *e;
	while ((e = readdir(d)))
		printf("%s ", e->d_name);
	printf("\n");
	closedir(d);
	d = opendir("/proc");
	while ((e = readdir(d)))
		printf("%s ", e->d_name);
	printf("\n");
	closedir(d);
	cat("/proc/meminfo");
	cat("/proc/mounts");
	cat("/proc/interrupts");
	cat("/proc/traps");
	cat("/proc/1/status");
	int fd = open("/tmp/foo", O_CREAT | O_WRONLY, 0644);
	write(fd, "hello world\n", 12);
	close(fd);
	cat("/tmp/foo");
	mkdir("/tmp/d", 0755);
	chdir("/tmp/d");
	char cwd[100];
	getcwd(cwd, 100);
	printf("cwd=%s\n", cwd);
	rename("/tmp/foo", "/tmp/d/bar");
	cat("bar");
	struct stat st;
	stat("bar", &st);
	printf("size %ld nlink %d\n", (long)st.st_size, (int)st.st_nlink);
	int p[2];
	pipe(p);
	if (fork() == 0) {
		close(p[0]);
		write(p[1], "through a pipe\n", 15);
		_exit(0);
	}
	close(p[1]);
	char b[64];
	int n = read(p[0], b, 64);
	write(1, b, n);
	n = read(p[0], b, 64);
	printf("eof read %d\n", n);
	wait(NULL);
	unlink("bar");
	chdir("/");
	rmdir("/tmp/d");
	printf("open missing: %ld\n", syscall4(__NR_openat, -100, (long)"/nope/x", 0, 0));
	return 0;
}
