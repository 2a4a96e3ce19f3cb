/*
 * file.c - read, write, close, lseek: the calls every program makes (the
 * rest of the file-system calls are in fs.c).
 */
#include <unistd.h>

#include "syscall.h"

ssize_t read(int fd, void *buf, size_t len)
{
	return (ssize_t)syscall_result(syscall3(__NR_read, fd, (long)buf, (long)len));
}

ssize_t write(int fd, const void *buf, size_t len)
{
	return (ssize_t)syscall_result(syscall3(__NR_write, fd, (long)buf, (long)len));
}

int close(int fd)
{
	return (int)syscall_result(syscall1(__NR_close, fd));
}

/* SEEK_SET, SEEK_CUR, SEEK_END are 0, 1, 2 in both numberings. */
off_t lseek(int fd, off_t off, int whence)
{
	return (off_t)syscall_result(syscall3(__NR_lseek, fd, off, whence));
}
