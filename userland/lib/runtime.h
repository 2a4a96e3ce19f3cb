/*
 * runtime.h - what the runtime's own files share; not for programs.
 */
#ifndef SLUICE_USER_RUNTIME_H
#define SLUICE_USER_RUNTIME_H

/*
 * Write out whatever stdout and stderr hold.  fork() calls it so a child
 * does not inherit, and later print again, its parent's pending output;
 * execve() so the output is not lost with the old image.
 */
void __stdio_flush_all(void);

/*
 * A wait status from the kernel with its signal number (terminating or
 * stopping) turned into picolibc's.
 */
int __wait_status_from_linux(int status);

/* The auxiliary vector the kernel passed (crt0), for getauxval(). */
extern const unsigned long *__auxv;

#endif
