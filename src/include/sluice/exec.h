/* Starting programs: execve and the first process. */
#ifndef SLUICE_EXEC_H
#define SLUICE_EXEC_H

#include <sluice/types.h>

#define PATH_MAX 4096

struct proc;

/* The initramfs: the boot loader's if it handed one over, else the built-in
 * one.  False if there is neither. */
bool initramfs_get(const void **archive, size_t *len);

/*
 * Replace p's program with the executable at path in the initramfs.  argv
 * and envp are NULL-terminated arrays, in user memory (from_user) or in the
 * kernel.  Returns 0 (p's trap frame now starts the new program) or a
 * negative errno with p untouched.
 */
int exec_kernel(struct proc *p, const char *path, const char *const *argv,
		const char *const *envp, bool from_user);

#endif
