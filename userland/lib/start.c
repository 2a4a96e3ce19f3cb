/*
 * start.c - from crt0's _start to main() and back out through exit().
 */
#include <errno.h>
#include <picotls.h>
#include <stdlib.h>
#include <sys/auxv.h>

#include "runtime.h"

#define AT_NULL 0

extern int main(int argc, char **argv, char **envp);
extern char **environ;
/* picolibc: run the constructors (.preinit_array, .init_array). */
extern void __libc_init_array(void);
/* user.ld: the main thread's TLS block, __tls_size bytes in .bss. */
extern char __tls_main_block[];

const unsigned long *__auxv;

/*
 * sp is the stack pointer the kernel started us with: argc, argv[argc + 1],
 * envp[...NULL], then the auxiliary vector.
 */
__attribute__((noreturn, used)) void __libc_start(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	char **p = envp;

	/*
	 * errno (and any other thread-local) is reached through tp: set it up
	 * before anything can fail.  memcpy and memset, which _init_tls uses,
	 * touch no TLS.
	 */
	_init_tls(__tls_main_block);
	_set_tls(__tls_main_block);

	while (*p)
		p++;
	__auxv = (const unsigned long *)(p + 1);
	environ = envp;

	__libc_init_array();
	/* exit() runs atexit handlers and destructors (stdio's flush), then _exit. */
	exit(main(argc, argv, envp));
}

unsigned long getauxval(unsigned long type)
{
	for (const unsigned long *a = __auxv; a && a[0] != AT_NULL; a += 2)
		if (a[0] == type)
			return a[1];
	errno = ENOENT;
	return 0;
}
