/*
 * errno.c - turning the kernel's -errno results into picolibc's errno.
 *
 * The kernel speaks Linux's errno numbers; picolibc's <errno.h> keeps
 * newlib's, which agree with Linux's up to ERANGE (34) and differ above
 * (ENOSYS is 38 in Linux, 88 in picolibc).  Translating here keeps
 * strerror(), perror() and every `errno == ENOSYS` in a program right.
 */
#include <errno.h>

#include "syscall.h"

/* The shared range, checked rather than trusted. */
_Static_assert(EPERM == 1 && ENOENT == 2 && ESRCH == 3 && EINTR == 4 && EIO == 5 && ENXIO == 6 &&
		       E2BIG == 7 && ENOEXEC == 8 && EBADF == 9 && ECHILD == 10 && EAGAIN == 11 &&
		       ENOMEM == 12 && EACCES == 13 && EFAULT == 14,
	       "picolibc's errno 1-14 must be Linux's");
_Static_assert(EBUSY == 16 && EEXIST == 17 && EXDEV == 18 && ENODEV == 19 && ENOTDIR == 20 &&
		       EISDIR == 21 && EINVAL == 22 && ENFILE == 23 && EMFILE == 24 &&
		       ENOTTY == 25 && ETXTBSY == 26 && EFBIG == 27 && ENOSPC == 28 &&
		       ESPIPE == 29 && EROFS == 30 && EMLINK == 31 && EPIPE == 32 && EDOM == 33 &&
		       ERANGE == 34,
	       "picolibc's errno 16-34 must be Linux's");

#define LINUX_ERRNO_MAX 133

/*
 * Indexed by Linux's number, from 35 on (asm-generic/errno.h): the codes
 * picolibc names without extensions (POSIX's, and a few more).
 */
static const unsigned char errno_above_34[LINUX_ERRNO_MAX + 1] = {
	[35] = EDEADLK,		 [36] = ENAMETOOLONG,  [37] = ENOLCK,	    [38] = ENOSYS,
	[39] = ENOTEMPTY,	 [40] = ELOOP,	       [42] = ENOMSG,	    [43] = EIDRM,
	[60] = ENOSTR,		 [61] = ENODATA,       [62] = ETIME,	    [63] = ENOSR,
	[67] = ENOLINK,		 [71] = EPROTO,	       [72] = EMULTIHOP,    [74] = EBADMSG,
	[75] = EOVERFLOW,	 [84] = EILSEQ,	       [88] = ENOTSOCK,	    [89] = EDESTADDRREQ,
	[90] = EMSGSIZE,	 [91] = EPROTOTYPE,    [92] = ENOPROTOOPT,  [93] = EPROTONOSUPPORT,
	[95] = EOPNOTSUPP,	 [96] = EPFNOSUPPORT,  [97] = EAFNOSUPPORT, [98] = EADDRINUSE,
	[99] = EADDRNOTAVAIL,	 [100] = ENETDOWN,     [101] = ENETUNREACH, [102] = ENETRESET,
	[103] = ECONNABORTED,	 [104] = ECONNRESET,   [105] = ENOBUFS,	    [106] = EISCONN,
	[107] = ENOTCONN,	 [109] = ETOOMANYREFS, [110] = ETIMEDOUT,   [111] = ECONNREFUSED,
	[112] = EHOSTDOWN,	 [113] = EHOSTUNREACH, [114] = EALREADY,    [115] = EINPROGRESS,
	[116] = ESTALE,		 [122] = EDQUOT,       [125] = ECANCELED,   [130] = EOWNERDEAD,
	[131] = ENOTRECOVERABLE,
};

int errno_from_linux(int e)
{
	if (e >= 1 && e <= ERANGE)
		return e;
	if (e > ERANGE && e <= LINUX_ERRNO_MAX && errno_above_34[e])
		return errno_above_34[e];
	return EINVAL;
}

long syscall_result(long r)
{
	if (r < 0 && r >= -4095) {
		errno = errno_from_linux((int)-r);
		return -1;
	}
	return r;
}
