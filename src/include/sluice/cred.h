/*
 * Credentials: who a process is, as Linux keeps it (credentials(7)).
 *
 * Real, effective, saved and file-system uid and gid, and the
 * supplementary groups.  The effective ids decide what a process may do to
 * other processes and the system; the file-system ids (which follow the
 * effective ones unless setfsuid/setfsgid moved them) decide what it may do
 * to files.  Id 0 stands for all of Linux's capabilities: an fsuid of 0 for
 * the file ones (CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID), an
 * euid of 0 for the rest (CAP_SETUID, CAP_SETGID, CAP_SYS_CHROOT).
 *
 * Each process has its own copy (struct proc.cred), changed only by the
 * process itself, so reading one's own needs no lock.
 */
#ifndef SLUICE_CRED_H
#define SLUICE_CRED_H

#include <sluice/types.h>

/* Supplementary groups a process may hold (Linux allows 65536; more here
 * is EINVAL from setgroups). */
#define CRED_NGROUPS 32

struct cred {
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;
	int ngroups;
	uint32_t groups[CRED_NGROUPS];
};

/* The current process's credentials; root's for kernel threads. */
const struct cred *cred_current(void);
/* Is gid the caller's fsgid or one of its supplementary groups? */
bool cred_in_group(const struct cred *c, uint32_t gid);
/* The privilege of the file capabilities (fsuid 0) and of the others. */
static inline bool cred_fs_capable(const struct cred *c)
{
	return c->fsuid == 0;
}
static inline bool cred_capable(const struct cred *c)
{
	return c->euid == 0;
}

#endif
