/*
 * Credentials (sluice/cred.h): the calls that read and change a process's
 * user and group ids, with Linux's rules (credentials(7), setresuid(2)):
 * an unprivileged process may only move among the ids it holds.
 */
#include <sluice/cred.h>
#include <sluice/errno.h>
#include <sluice/proc.h>
#include <sluice/string.h>
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

/* --- reading the ids --- */

long sys_getuid(void)
{
	return cred_current()->uid;
}

long sys_geteuid(void)
{
	return cred_current()->euid;
}

long sys_getgid(void)
{
	return cred_current()->gid;
}

long sys_getegid(void)
{
	return cred_current()->egid;
}

static long put_ids(uint32_t __user *ur, uint32_t __user *ue, uint32_t __user *us, uint32_t r,
		    uint32_t e, uint32_t s)
{
	if (copy_to_user(ur, &r, 4) || copy_to_user(ue, &e, 4) || copy_to_user(us, &s, 4))
		return -EFAULT;
	return 0;
}

long sys_getresuid(uint32_t __user *ur, uint32_t __user *ue, uint32_t __user *us)
{
	const struct cred *c = cred_current();

	return put_ids(ur, ue, us, c->uid, c->euid, c->suid);
}

long sys_getresgid(uint32_t __user *ur, uint32_t __user *ue, uint32_t __user *us)
{
	const struct cred *c = cred_current();

	return put_ids(ur, ue, us, c->gid, c->egid, c->sgid);
}

/* --- changing them: one rule for users and groups --- */

#define KEEP ((uint32_t)-1)

/* One kind of id (user or group): real, effective, saved, file system. */
struct idset {
	uint32_t *r, *e, *s, *fs;
};

static struct idset uids(struct cred *c)
{
	return (struct idset){&c->uid, &c->euid, &c->suid, &c->fsuid};
}

static struct idset gids(struct cred *c)
{
	return (struct idset){&c->gid, &c->egid, &c->sgid, &c->fsgid};
}

/* May an unprivileged process take id: one of its real, effective, saved? */
static bool holds(struct idset ids, uint32_t id)
{
	return id == KEEP || id == *ids.r || id == *ids.e || id == *ids.s;
}

/* setresuid/setresgid: each new id (KEEP: unchanged) one the process holds,
 * unless it is root; the file-system id follows the effective one. */
static long set_res(struct idset ids, uint32_t r, uint32_t e, uint32_t s)
{
	if (!cred_capable(cred_current()) && (!holds(ids, r) || !holds(ids, e) || !holds(ids, s)))
		return -EPERM;
	if (r != KEEP)
		*ids.r = r;
	if (e != KEEP)
		*ids.e = e;
	if (s != KEEP)
		*ids.s = s;
	*ids.fs = *ids.e;
	return 0;
}

/* setreuid/setregid: the real id may become the real or effective one;
 * the saved id follows the effective one when the real id is set or the
 * effective one becomes other than the real (setreuid(2)). */
static long set_re(struct idset ids, uint32_t r, uint32_t e)
{
	uint32_t old_r = *ids.r, s = KEEP;

	if (!cred_capable(cred_current()) && r != KEEP && r != *ids.r && r != *ids.e)
		return -EPERM;
	if (r != KEEP || (e != KEEP && e != old_r))
		s = e != KEEP ? e : *ids.e;
	return set_res(ids, r, e, s);
}

/* setuid/setgid: root sets all three; others only the effective id, to
 * their real or saved one. */
static long set_one(struct idset ids, uint32_t id)
{
	if (id == KEEP)
		return -EINVAL;
	if (cred_capable(cred_current()))
		return set_res(ids, id, id, id);
	if (id != *ids.r && id != *ids.s)
		return -EPERM;
	return set_res(ids, KEEP, id, KEEP);
}

/* setfsuid/setfsgid: the old file-system id, whether or not it changed. */
static long set_fs(struct idset ids, uint32_t id)
{
	uint32_t old = *ids.fs;

	if (id == KEEP)
		return old; /* not an id: a way to ask for the current one */
	if (cred_capable(cred_current()) || holds(ids, id) || id == *ids.fs)
		*ids.fs = id;
	return old;
}

long sys_setresuid(unsigned int r, unsigned int e, unsigned int s)
{
	return set_res(uids(&current_proc()->cred), r, e, s);
}

long sys_setresgid(unsigned int r, unsigned int e, unsigned int s)
{
	return set_res(gids(&current_proc()->cred), r, e, s);
}

long sys_setreuid(unsigned int r, unsigned int e)
{
	return set_re(uids(&current_proc()->cred), r, e);
}

long sys_setregid(unsigned int r, unsigned int e)
{
	return set_re(gids(&current_proc()->cred), r, e);
}

long sys_setuid(unsigned int uid)
{
	return set_one(uids(&current_proc()->cred), uid);
}

long sys_setgid(unsigned int gid)
{
	return set_one(gids(&current_proc()->cred), gid);
}

long sys_setfsuid(unsigned int uid)
{
	return set_fs(uids(&current_proc()->cred), uid);
}

long sys_setfsgid(unsigned int gid)
{
	return set_fs(gids(&current_proc()->cred), gid);
}

/* --- supplementary groups --- */

#define NGROUPS_MAX 65536 /* Linux's */

long sys_getgroups(int size, uint32_t __user *ulist)
{
	const struct cred *c = cred_current();

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if (size < c->ngroups)
		return -EINVAL;
	if (copy_to_user(ulist, c->groups, (size_t)c->ngroups * 4))
		return -EFAULT;
	return c->ngroups;
}

/* Root only.  Linux sorts the list; getgroups shows it in that order. */
long sys_setgroups(int size, const uint32_t __user *ulist)
{
	struct cred *c = &current_proc()->cred;
	uint32_t g[CRED_NGROUPS];

	if (!cred_capable(c))
		return -EPERM;
	if ((unsigned int)size > NGROUPS_MAX)
		return -EINVAL;
	if (size > CRED_NGROUPS)
		return -ENOMEM; /* Sluice's own limit */
	if (copy_from_user(g, ulist, (size_t)size * 4))
		return -EFAULT;
	for (int i = 1; i < size; i++) /* insertion sort: at most 32 */
		for (int j = i; j > 0 && g[j - 1] > g[j]; j--) {
			uint32_t t = g[j];
			g[j] = g[j - 1], g[j - 1] = t;
		}
	memcpy(c->groups, g, sizeof(g));
	c->ngroups = size;
	return 0;
}
