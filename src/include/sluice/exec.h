/* Starting programs: execve and the first process. */
#ifndef SLUICE_EXEC_H
#define SLUICE_EXEC_H

#include <sluice/types.h>

#define PATH_MAX 4096

/* How much of a file exec reads for a "#!" line (Linux's BINPRM_BUF_SIZE),
 * and how many scripts may run one another before ELOOP (Linux: five). */
#define EXEC_SCRIPT_BUF	  256
#define EXEC_SCRIPT_DEPTH 5

struct proc;

/* The initramfs: the boot loader's if it handed one over, else the built-in
 * one.  False if there is neither. */
bool initramfs_get(const void **archive, size_t *len);

/*
 * Replace p's program with the executable (ELF, or "#!" script) at path.  argv
 * and envp are NULL-terminated arrays, in user memory (from_user) or in the
 * kernel.  Returns 0 (p's trap frame now starts the new program) or a
 * negative errno with p untouched.
 */
int exec_kernel(struct proc *p, const char *path, const char *const *argv, const char *const *envp,
		bool from_user);

/*
 * Parse the "#!" line in buf (EXEC_SCRIPT_BUF bytes, zero-filled past the
 * file's end), NUL-terminating the interpreter's path (*name) and the
 * optional argument (*arg, else NULL) in place.  -ENOEXEC when buf is not
 * a script, names no interpreter, or the path runs past the buffer.
 */
int exec_script_parse(char *buf, const char **name, const char **arg);

#endif
