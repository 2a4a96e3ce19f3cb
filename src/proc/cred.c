/*
 * Credentials (sluice/cred.h): the calls that read and change a process's
 * user and group ids, with Linux's rules (credentials(7), setresuid(2)):
 * an unprivileged process may only move among the ids it holds.
 */
#include <sluice/cred.h>
#include <sluice/errno.h>
#include <sluice/proc.h>
#include <sluice/syscall.h>
#include <sluice/uaccess.h>

static const struct cred root_cred;

const struct cred *cred_current(void)
{
	struct proc *p = current_proc();

	return p ? &p->cred : &root_cred;
}

bool cred_in_group(const struct cred *c, uint32_t gid)
{
	if (gid == c->fsgid)
		return true;
	for (int i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}
