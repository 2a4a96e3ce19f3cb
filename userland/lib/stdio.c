/*
 * stdio.c - stdin, stdout and stderr for picolibc's tinystdio.
 *
 * tinystdio moves one character at a time through a FILE's put and get
 * hooks and leaves buffering to whoever defines the streams (picolibc.md).
 * Here:
 *
 *   stdout  line-buffered: one write(2) per line, or per BUF_SIZE bytes;
 *           also written out by fflush, at exit (a destructor, which
 *           exit() runs), before fork and execve, and before stdin reads
 *   stderr  unbuffered, as C requires; stdout goes out first so the two
 *           stay in order on the console
 *   stdin   reads up to BUF_SIZE bytes at a time (a console returns a line)
 *
 * One thread per process, so no locking.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "runtime.h"

#define BUF_SIZE 1024

struct fd_stream {
	FILE file; /* first: tinystdio hands us &file */
	int fd;
	int len; /* bytes in buf: pending output, or input not yet taken */
	int pos; /* input: the next byte of buf to hand out */
	char buf[BUF_SIZE];
};

static int out_flush(FILE *f);
static int out_put_line(char c, FILE *f);
static int out_put_unbuffered(char c, FILE *f);
static int in_get(FILE *f);

static struct fd_stream in_stream = {
	.file = FDEV_SETUP_STREAM(NULL, in_get, NULL, _FDEV_SETUP_READ),
	.fd = 0,
};
static struct fd_stream out_stream = {
	.file = FDEV_SETUP_STREAM(out_put_line, NULL, out_flush, _FDEV_SETUP_WRITE),
	.fd = 1,
};
static struct fd_stream err_stream = {
	.file = FDEV_SETUP_STREAM(out_put_unbuffered, NULL, out_flush, _FDEV_SETUP_WRITE),
	.fd = 2,
};

FILE *const stdin = &in_stream.file;
FILE *const stdout = &out_stream.file;
FILE *const stderr = &err_stream.file;

/* Write all of buf, however the kernel splits it.  0, or -1 with errno. */
static int write_all(int fd, const char *buf, int len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, (size_t)len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (int)n;
	}
	return 0;
}

static int out_flush(FILE *f)
{
	struct fd_stream *s = (struct fd_stream *)f;
	int r = write_all(s->fd, s->buf, s->len);

	/* On error the bytes are dropped: retrying a broken fd forever helps no one. */
	s->len = 0;
	return r;
}

static int out_put_line(char c, FILE *f)
{
	struct fd_stream *s = (struct fd_stream *)f;

	s->buf[s->len++] = c;
	if (c == '\n' || s->len == BUF_SIZE)
		return out_flush(f);
	return 0;
}

static int out_put_unbuffered(char c, FILE *f)
{
	struct fd_stream *s = (struct fd_stream *)f;

	out_flush(stdout);
	return write_all(s->fd, &c, 1);
}

static int in_get(FILE *f)
{
	struct fd_stream *s = (struct fd_stream *)f;

	if (s->pos == s->len) {
		ssize_t n;

		/* A prompt written without a newline shows before we wait. */
		out_flush(stdout);
		do
			n = read(s->fd, s->buf, sizeof(s->buf));
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return _FDEV_ERR;
		if (n == 0)
			return _FDEV_EOF;
		s->pos = 0;
		s->len = (int)n;
	}
	return (unsigned char)s->buf[s->pos++];
}

void __stdio_flush_all(void)
{
	out_flush(stdout);
	out_flush(stderr);
}

/* exit() runs the .fini_array: pending output is not lost at exit. */
__attribute__((destructor)) static void stdio_exit_flush(void)
{
	__stdio_flush_all();
}
