/*
 * /proc/<pid>'s texts and links, in Linux's formats (proc(5); the field
 * order of stat is that of Linux's fs/proc/array.c).  docs/proc.md.
 *
 * The texts are made under proc_tree_lock, which keeps the process and its
 * address space from being freed; its regions are copied under mm->lock.
 * stat's session, tty_nr and tpgid come from the job-control state
 * (src/proc/jobctl.c): the console is the only terminal.
 */
#include <sluice/console.h>
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/printk.h>
#include <sluice/procfs_internal.h>
#include <sluice/signal.h>
#include <sluice/string.h>
#include <sluice/uvm.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

/* What stat, statm and status say about an address space, in bytes. */
struct mm_sizes {
	unsigned long vsize, rss_pages, code_start, code_end, data, stack;
	unsigned long data_start, data_end, brk_start;
};

/* One region's part of the sizes (under the space's lock). */
static void region_sizes(const struct vma *v, void *arg)
{
	struct mm_sizes *s = arg;
	unsigned long len = v->end - v->start;

	s->vsize += len;
	if ((v->prot & PROT_EXEC) && !s->code_start) {
		s->code_start = v->start;
		s->code_end = v->end;
	} else if (v->flags & VMA_STACK) {
		s->stack += len;
	} else if (v->prot & PROT_WRITE) {
		s->data += len;
		if (!s->data_start && !(v->flags & VMA_HEAP)) {
			s->data_start = v->start;
			s->data_end = v->end;
		}
	}
}

/* Every region counts, however many (Sluice once read only the first 32). */
static void mm_sizes(struct mm *mm, struct mm_sizes *s)
{
	memset(s, 0, sizeof(*s));
	if (!mm)
		return;
	s->rss_pages = uvm_resident_pages(mm);
	s->brk_start = mm->brk_start;
	uvm_regions_each(mm, region_sizes, s);
}

static char state_char(struct proc *p)
{
	if (p->exited)
		return 'Z';
	if (p->stopped)
		return 'T';
	return p->state == PROC_SLEEPING ? 'S' : 'R';
}

/* Signal sets as Linux's stat and status give them: bit (sig - 1). */
static void sig_sets(struct proc *p, uint64_t *ign, uint64_t *cgt)
{
	*ign = *cgt = 0;
	for (int i = 0; i < NSIG; i++) {
		if (p->sig_action[i].handler == SIG_IGN)
			*ign |= 1ull << i;
		else if (p->sig_action[i].handler != SIG_DFL)
			*cgt |= 1ull << i;
	}
}

void procfs_pid_stat(struct text *t, struct proc *p)
{
	struct mm_sizes s;
	struct mm *mm = p->exited ? NULL : p->mm;
	uint64_t ign, cgt;

	mm_sizes(mm, &s);
	sig_sets(p, &ign, &cgt);
	/* 1-13: pid (comm) state ppid pgrp session tty_nr tpgid flags, faults */
	struct proc *parent = p->leader->parent; /* a thread's is its group's */

	/* The console (5:1 here, as Linux encodes tty_nr) if it is the
	 * controlling terminal of p's session; its foreground group, else -1. */
	int sid = p->leader->sid;
	bool ctty = sid && sid == console_sid();

	procfs_put(t, "%d (%s) %c %d %d %d %d %d 0 %lu %lu %lu %lu ", p->pid, p->name,
		   state_char(p), parent ? parent->pid : 0, p->leader->pgid, sid,
		   ctty ? (5 << 8) | 1 : 0, ctty ? console_fg_pgrp() : -1,
		   (unsigned long)p->ru.minflt, (unsigned long)p->leader->cru.minflt,
		   (unsigned long)p->ru.majflt, (unsigned long)p->leader->cru.majflt);
	/* 14-25: times in clock ticks (TIMER_HZ is Linux's USER_HZ, 100),
	 * priority nice threads itrealvalue starttime vsize rss rsslim */
	procfs_put(t, "%lu %lu %lu %lu 20 0 %d 0 %lu %lu %lu 18446744073709551615 ",
		   (unsigned long)p->utime, (unsigned long)p->stime, (unsigned long)p->cutime,
		   (unsigned long)p->cstime, p->leader->threads_live,
		   (unsigned long)(p->start_ns / (1000000000ull / 100)), s.vsize, s.rss_pages);
	/* 26-37: startcode endcode startstack esp eip, signals, wchan nswap cnswap */
	procfs_put(t, "%lu %lu %lu 0 0 %lu %lu %lu %lu 0 0 0 ", s.code_start, s.code_end,
		   mm ? (unsigned long)mm->arg_start : 0,
		   (unsigned long)__atomic_load_n(&p->sig_pending, __ATOMIC_RELAXED),
		   (unsigned long)p->sig_blocked, (unsigned long)ign, (unsigned long)cgt);
	/* 38-52: exit_signal processor rt_priority policy blkio guest cguest,
	 * start_data end_data start_brk arg_start arg_end env_start env_end
	 * exit_code */
	procfs_put(t, "%d 0 0 0 0 0 0 %lu %lu %lu %lu %lu %lu %lu %d\n", p->exit_signal,
		   s.data_start, s.data_end, s.brk_start, mm ? (unsigned long)mm->arg_start : 0,
		   mm ? (unsigned long)mm->arg_end : 0, mm ? (unsigned long)mm->env_start : 0,
		   mm ? (unsigned long)mm->env_end : 0, p->exited ? p->exit_status : 0);
}

/* size resident shared text lib data dt, in pages. */
void procfs_pid_statm(struct text *t, struct proc *p)
{
	struct mm_sizes s;

	mm_sizes(p->exited ? NULL : p->mm, &s);
	unsigned long page = PAGE_SIZE;

	procfs_put(t, "%lu %lu 0 %lu 0 %lu 0\n", s.vsize / page, s.rss_pages,
		   (s.code_end - s.code_start) / page, (s.data + s.stack) / page);
}

void procfs_pid_status(struct text *t, struct proc *p)
{
	static const char *const states[] = {"R (running)", "R (running)", "R (running)",
					     "S (sleeping)", "Z (zombie)"};
	struct mm *mm = p->exited ? NULL : p->mm;
	struct mm_sizes s;
	uint64_t ign, cgt;

	mm_sizes(mm, &s);
	sig_sets(p, &ign, &cgt);
	procfs_put(t, "Name:\t%s\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n", p->name,
		   p->stopped && !p->exited ? "T (stopped)"
					    : states[p->exited ? PROC_ZOMBIE : p->state],
		   p->tgid, p->pid, p->leader->parent ? p->leader->parent->pid : 0);
	const struct cred *c = &p->cred;
	/* The table's slots now, as Linux (fds goes only under proc_tree_lock). */
	int fdsize = p->fds ? __atomic_load_n(&p->fds->size, __ATOMIC_RELAXED) : 0;
	procfs_put(
		t,
		"TracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\nGroups:\t",
		c->uid, c->euid, c->suid, c->fsuid, c->gid, c->egid, c->sgid, c->fsgid, fdsize);
	for (int i = 0; i < c->ngroups; i++)
		procfs_put(t, "%u ", c->groups[i]);
	procfs_put(t, "\n");
	procfs_put(t, "NSpid:\t%d\nNSpgid:\t%d\nThreads:\t%d\n", p->pid, p->leader->pgid,
		   p->leader->threads_live);
	if (mm)
		procfs_put(t,
			   "VmSize:\t%8lu kB\nVmRSS:\t%8lu kB\nVmData:\t%8lu kB\nVmStk:\t%8lu kB\n"
			   "VmExe:\t%8lu kB\n",
			   s.vsize / 1024, s.rss_pages * (unsigned long)(PAGE_SIZE / 1024),
			   s.data / 1024, s.stack / 1024, (s.code_end - s.code_start) / 1024);
	procfs_put(t, "Threads:\t1\nSigPnd:\t%016lx\nShdPnd:\t0000000000000000\n",
		   (unsigned long)__atomic_load_n(&p->sig_pending, __ATOMIC_RELAXED));
	procfs_put(t, "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
		   (unsigned long)p->sig_blocked, (unsigned long)ign, (unsigned long)cgt);
}

void procfs_pid_strings(struct text *t, struct proc *p, bool env)
{
	struct mm *mm = p->exited ? NULL : p->mm;
	vaddr_t start, end;

	if (!mm)
		return; /* a zombie or a kernel thread: empty, as on Linux */
	start = env ? mm->env_start : mm->arg_start;
	end = env ? mm->env_end : mm->arg_end;
	if (end <= start)
		return;
	t->len += uvm_read_other(mm, start, t->buf + t->len, MIN(end - start, t->cap - 1 - t->len));
}

/* One line of /proc/<pid>/maps, under the space's lock (the region's file
 * stays open meanwhile): start-end perms offset dev inode, then the name
 * from column 73, as Linux pads it. */
static void maps_line(const struct vma *v, void *arg)
{
	struct text *t = arg;
	struct inode *ino = v->file ? v->file->inode : NULL;
	uint64_t dev = ino ? ino->sb->dev : 0;
	const char *name = v->file		  ? v->file->map_name
			   : v->flags & VMA_STACK ? "[stack]"
			   : v->flags & VMA_HEAP  ? "[heap]"
						  : NULL;
	size_t at = t->len;

	procfs_put(t, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %llu ", (unsigned long)v->start,
		   (unsigned long)v->end, v->prot & PROT_READ ? 'r' : '-',
		   v->prot & PROT_WRITE ? 'w' : '-', v->prot & PROT_EXEC ? 'x' : '-',
		   v->flags & VMA_SHARED ? 's' : 'p',
		   (unsigned long long)(ino ? v->pgoff << PAGE_SHIFT : 0),
		   (unsigned int)((dev >> 8) & 0xfff),
		   (unsigned int)((dev & 0xff) | ((dev >> 12) & 0xfff00)),
		   (unsigned long long)(ino ? ino->ino : 0));
	if (name)
		procfs_put(t, "%*s%s", t->len - at < 72 ? (int)(72 - (t->len - at)) + 1 : 1, "",
			   name);
	procfs_put(t, "\n");
}

void procfs_pid_maps(struct text *t, struct proc *p)
{
	struct mm *mm = p->exited ? NULL : p->mm;

	if (mm)
		uvm_regions_each(mm, maps_line, t);
}

/* The process pid (not a kernel thread), under proc_tree_lock; or NULL. */
static struct proc *find_locked(int pid)
{
	for (struct proc *p = proc_list; p; p = p->all_next)
		if (p->pid == pid && !p->kthread && !p->exited)
			return p;
	return NULL;
}

void procfs_pid_maps_names(int pid)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *p = find_locked(pid);
	/* Under proc_tree_lock, p->mm has a user (exit and exec change it
	 * under the lock, and put it after): hold it past the lock. */
	struct mm *mm = p && p->mm ? uvm_get(p->mm) : NULL;
	struct file *f;
	vaddr_t from = 0;

	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (!mm)
		return;
	while ((f = uvm_unnamed_file(mm, &from))) {
		file_name_for_maps(f);
		file_put(f);
	}
	uvm_put(mm);
}

int procfs_pid_fds(int pid, int from, uint64_t *mask)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *p = find_locked(pid);

	*mask = 0;
	/* from < 0: no fd there, an empty mask (never an index below 0).
	 * files_exit takes p->fds away under proc_tree_lock. */
	if (p && p->fds && from >= 0) {
		spin_lock(&p->fds->lock);
		for (int fd = from; fd < from + 64 && fd < p->fds->size; fd++)
			if (p->fds->fd[fd])
				*mask |= 1ull << (fd - from);
		spin_unlock(&p->fds->lock);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return p ? 0 : -ESRCH;
}

/* References to what the link names: a file (fd), or an inode and the
 * directory it was found in (cwd, exe).  -ENOENT if there is none. */
static int link_refs(int pid, enum procfs_link which, int fd, struct file **f, struct inode **ino,
		     struct inode **dir)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *p = find_locked(pid);
	int err = p ? 0 : -ENOENT;

	*f = NULL;
	*ino = *dir = NULL;
	/* fds and fs are taken away (files_exit, files_exec) and exe and
	 * exe_dir changed (exec) only under proc_tree_lock. */
	if (p && p->fds && p->fs) {
		if (which == PROCFS_FD && fd >= 0) {
			spin_lock(&p->fds->lock);
			if (fd < p->fds->size && p->fds->fd[fd])
				*f = file_get(p->fds->fd[fd]);
			spin_unlock(&p->fds->lock);
		} else if (which == PROCFS_CWD) {
			spin_lock(&p->fs->lock);
			*ino = p->fs->cwd ? vfs_get(p->fs->cwd) : NULL;
			spin_unlock(&p->fs->lock);
			if (!*ino)
				*ino = vfs_root();
		} else if (which == PROCFS_EXE && p->exe) {
			*ino = vfs_get(p->exe);
		}
		if (which == PROCFS_EXE && p->exe_dir)
			*dir = vfs_get(p->exe_dir);
	}
	if (p && !*f && !*ino)
		err = -ENOENT;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return err;
}

long procfs_pid_link(int pid, enum procfs_link which, int fd, char *buf, size_t size)
{
	struct file *f;
	struct inode *ino, *dir;
	long n = link_refs(pid, which, fd, &f, &ino, &dir);

	if (n)
		return n;
	const char *anon;
	if (f && S_ISFIFO(f->inode->mode) && !f->dir) /* as Linux names a pipe */
		n = snprintf(buf, size, "pipe:[%lu]", (unsigned long)f->inode->ino);
	else if (f && anon_file_name(f, &anon))
		n = snprintf(buf, size, "anon_inode:%s", anon);
	else if (f)
		n = vfs_file_path(f->dir, f->inode, buf, size);
	else
		n = vfs_file_path(dir, ino, buf, size);
	file_put(f);
	vfs_put(ino);
	vfs_put(dir);
	return n;
}
