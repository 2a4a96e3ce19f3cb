/*
 * /proc: the kernel's state as text files and links, in Linux's formats
 * where Linux has the file.  This file is the tree (one table of fixed
 * entries by parent, a directory per process, fd/ links), lookups,
 * listings, links, open and read; the texts are made in procfs_sys.c (the
 * system's) and procfs_pid.c (a process's).  Every file and its format:
 * docs/proc.md.
 *
 * A text is made whole at open (a process's at the first read, as Linux
 * makes it), so reads at any offset see one snapshot.
 *
 * Inode numbers: 1 the root, 2.. the fixed files and directories, 4096 +
 * pid * PID_KINDS a process's directory and the files in it just above,
 * 2^40 + pid * 256 + fd its fd links.
 */
#include <sluice/bcache.h>
#include <sluice/blk.h>
#include <sluice/boot.h>
#include <sluice/errno.h>
#include <sluice/hart.h>
#include <sluice/irq.h>
#include <sluice/ksyms.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/objcount.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/procfs_internal.h>
#include <sluice/riscv.h>
#include <sluice/string.h>
#include <sluice/syscall.h>
#include <sluice/tlb.h>
#include <sluice/trace.h>
#include <sluice/uaccess.h>
#include <sluice/uvm.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>
#include <sluice/writeback.h>

enum {
	P_ROOT,
	P_MEMINFO,
	P_INTERRUPTS,
	P_TRAPS,
	P_MOUNTS,
	P_DISKSTATS,
	P_VMSTAT,
	P_HARTS,
	P_OBJECTS,
	P_SYS,
	P_SYS_KERNEL,
	P_SYS_FS,
	P_THREADS_MAX,
	P_FILE_MAX,
	P_FILE_NR,
	P_SELF,
	P_CPUINFO,
	P_UPTIME,
	P_LOADAVG,
	P_VERSION,
	P_FILESYSTEMS,
	P_STAT,
	P_HOSTNAME,
	P_OSTYPE,
	P_OSRELEASE,
	P_PID_MAX,
	P_TRACE,
	P_KCMDLINE,
	P_SYS_VM,
	P_DIRTY_EXPIRE,
	P_DIRTY_WRITEBACK,
	P_FD_LINK, /* /proc/<pid>/fd/<n>: numbered apart (ino_of) */
	P_PID_DIR, /* from here on, a process's: numbered from P_PID_DIR */
	P_STATUS,
	P_PID_TRAPS,
	P_SYSCALL,
	P_STACK,
	P_PID_STAT,
	P_STATM,
	P_CMDLINE,
	P_ENVIRON,
	P_COMM,
	P_MAPS,
	P_EXE,
	P_CWD,
	P_MOUNTINFO,
	P_FD_DIR, /* last (PID_KINDS per process at most) */
};
#define PID_KINDS 32

/* The tree, by parent: every directory's fixed entries, in listing order. */
static const struct {
	int parent;
	const char *name;
	int kind;
} entries[] = {
	{P_ROOT, "meminfo", P_MEMINFO},
	{P_ROOT, "interrupts", P_INTERRUPTS},
	{P_ROOT, "traps", P_TRAPS},
	{P_ROOT, "mounts", P_MOUNTS},
	{P_ROOT, "diskstats", P_DISKSTATS},
	{P_ROOT, "harts", P_HARTS},
	{P_ROOT, "vmstat", P_VMSTAT},
	{P_ROOT, "sluice-objects", P_OBJECTS},
	{P_ROOT, "sys", P_SYS},
	{P_ROOT, "trace", P_TRACE},
	{P_SYS, "kernel", P_SYS_KERNEL},
	{P_SYS, "fs", P_SYS_FS},
	{P_SYS_KERNEL, "threads-max", P_THREADS_MAX},
	{P_SYS_FS, "file-max", P_FILE_MAX},
	{P_SYS_FS, "file-nr", P_FILE_NR},
	{P_ROOT, "self", P_SELF},
	{P_ROOT, "cpuinfo", P_CPUINFO},
	{P_ROOT, "uptime", P_UPTIME},
	{P_ROOT, "loadavg", P_LOADAVG},
	{P_ROOT, "version", P_VERSION},
	{P_ROOT, "filesystems", P_FILESYSTEMS},
	{P_ROOT, "stat", P_STAT},
	{P_ROOT, "cmdline", P_KCMDLINE},
	{P_SYS_KERNEL, "hostname", P_HOSTNAME},
	{P_SYS_KERNEL, "ostype", P_OSTYPE},
	{P_SYS_KERNEL, "osrelease", P_OSRELEASE},
	{P_SYS_KERNEL, "pid_max", P_PID_MAX},
	{P_SYS, "vm", P_SYS_VM},
	{P_SYS_VM, "dirty_expire_centisecs", P_DIRTY_EXPIRE},
	{P_SYS_VM, "dirty_writeback_centisecs", P_DIRTY_WRITEBACK},
	{P_PID_DIR, "status", P_STATUS},
	{P_PID_DIR, "traps", P_PID_TRAPS},
	{P_PID_DIR, "syscall", P_SYSCALL},
	{P_PID_DIR, "stack", P_STACK},
	{P_PID_DIR, "stat", P_PID_STAT},
	{P_PID_DIR, "statm", P_STATM},
	{P_PID_DIR, "mountinfo", P_MOUNTINFO},
	{P_PID_DIR, "cmdline", P_CMDLINE},
	{P_PID_DIR, "environ", P_ENVIRON},
	{P_PID_DIR, "comm", P_COMM},
	{P_PID_DIR, "maps", P_MAPS},
	{P_PID_DIR, "exe", P_EXE},
	{P_PID_DIR, "cwd", P_CWD},
	{P_PID_DIR, "fd", P_FD_DIR},
};

_Static_assert(P_FD_DIR - P_PID_DIR < PID_KINDS, "a process's inode numbers overlap");
_Static_assert(FD_MAX <= 1024, "an fd takes 10 bits of a /proc inode's number and priv");

static bool kind_is_dir(int kind)
{
	return kind == P_ROOT || kind == P_SYS || kind == P_SYS_KERNEL || kind == P_SYS_FS ||
	       kind == P_SYS_VM || kind == P_PID_DIR || kind == P_FD_DIR;
}

/* The /proc/sys files root may write (sysctl's knobs), or -1. */
static int knob_of(int kind)
{
	return kind == P_DIRTY_WRITEBACK ? WB_INTERVAL : kind == P_DIRTY_EXPIRE ? WB_EXPIRE : -1;
}

static bool kind_is_link(int kind)
{
	return kind == P_SELF || kind == P_EXE || kind == P_CWD || kind == P_FD_LINK;
}

/* The directory that holds a directory: a process's is the root. */
static int parent_of(int kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(entries); i++)
		if (entries[i].kind == kind && kind != P_PID_DIR)
			return entries[i].parent;
	return P_ROOT;
}

static int parse_pid(const char *name, size_t len);

/* The n-th fixed entry of directory kind (from 0), or -1 past the last. */
static int nth_entry(int kind, uint64_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(entries); i++)
		if (entries[i].parent == kind && n-- == 0)
			return (int)i;
	return -1;
}

static const struct inode_ops procfs_ops;
static const struct file_ops procfs_fops;
static const struct file_ops trace_fops;
static const struct file_ops sysctl_fops;

/* Fixed files 2..; a process's from 4096 + pid * PID_KINDS; fd links apart. */
static uint64_t ino_of_fd(int kind, int pid, int fd)
{
	if (kind == P_FD_LINK)
		return (1ull << 40) | ((uint64_t)pid << 10) | (uint64_t)fd; /* fd < FD_MAX */
	return pid ? (uint64_t)pid * PID_KINDS + 4096 + (uint64_t)(kind - P_PID_DIR)
		   : (uint64_t)kind + 1;
}

static uint64_t ino_of(int kind, int pid)
{
	return ino_of_fd(kind, pid, 0);
}

/* priv holds the kind (bits 0-7), an fd (8-17: below FD_MAX) and a pid (18 up). */
static struct inode *proc_inode_fd(struct super_block *sb, int kind, int pid, int fd)
{
	struct inode *ino = inode_new(sb, ino_of_fd(kind, pid, fd));

	if (!ino)
		return NULL;
	bool dir = kind_is_dir(kind), link = kind_is_link(kind);
	ino->mode = dir			 ? S_IFDIR | 0555
		    : link		 ? S_IFLNK | 0777
		    : kind == P_TRACE	 ? S_IFREG | 0600
		    : knob_of(kind) >= 0 ? S_IFREG | 0644
					 : S_IFREG | 0444;
	ino->nlink = dir ? 2 : 1;
	ino->ops = &procfs_ops;
	ino->fops = dir || link		 ? NULL
		    : kind == P_TRACE	 ? &trace_fops
		    : knob_of(kind) >= 0 ? &sysctl_fops
					 : &procfs_fops;
	ino->priv =
		(void *)(uintptr_t)(((uint64_t)pid << 18) | ((uint64_t)fd << 8) | (uint64_t)kind);
	ino->atime = ino->mtime = ino->ctime = vfs_now();
	return ino;
}

static struct inode *proc_inode(struct super_block *sb, int kind, int pid)
{
	return proc_inode_fd(sb, kind, pid, 0);
}

static int kind_of(struct inode *ino)
{
	return (int)((uintptr_t)ino->priv & 0xff);
}

static int fd_of(struct inode *ino)
{
	return (int)(((uintptr_t)ino->priv >> 8) & 0x3ff);
}

static int pid_of(struct inode *ino)
{
	return (int)((uintptr_t)ino->priv >> 18);
}

static bool pid_exists(int pid)
{
	bool found = false;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);

	for (struct proc *p = proc_list; p; p = p->all_next)
		if (p->pid == pid && !p->kthread)
			found = true;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return found;
}

static int parse_pid(const char *name, size_t len)
{
	int pid = 0;

	if (!len || len > 9 || (name[0] == '0' && len > 1))
		return -1; /* Linux's name_to_int: no leading zeros */
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		pid = pid * 10 + (name[i] - '0');
	}
	return pid;
}

/* /proc/<pid>/fd/<n>: a link while the process has fd n open. */
static int procfs_lookup_fd(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	int fd = parse_pid(name, len);
	uint64_t open;

	if (fd < 0 || fd >= FD_MAX || procfs_pid_fds(pid_of(dir), fd & ~63, &open) ||
	    !(open >> (fd % 64) & 1))
		return -ENOENT;
	*out = proc_inode_fd(dir->sb, P_FD_LINK, pid_of(dir), fd);
	return *out ? 0 : -ENOMEM;
}

static int procfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	int kind = kind_of(dir), pid;

	if (len == 2 && name[0] == '.' && name[1] == '.') {
		int up = parent_of(kind);
		if (up == P_ROOT)
			*out = inode_get(dir->sb->root);
		else if (!(*out = proc_inode(dir->sb, up, up == P_PID_DIR ? pid_of(dir) : 0)))
			return -ENOMEM;
		return 0;
	}
	if (kind == P_FD_DIR)
		return procfs_lookup_fd(dir, name, len, out);
	for (size_t i = 0; i < ARRAY_SIZE(entries); i++) {
		if (entries[i].parent != kind || strlen(entries[i].name) != len ||
		    memcmp(entries[i].name, name, len))
			continue;
		*out = proc_inode(dir->sb, entries[i].kind, pid_of(dir));
		return *out ? 0 : -ENOMEM;
	}
	if (kind != P_ROOT)
		return -ENOENT;
	pid = parse_pid(name, len);
	if (pid <= 0 || !pid_exists(pid))
		return -ENOENT;
	return (*out = proc_inode(dir->sb, P_PID_DIR, pid)) ? 0 : -ENOMEM;
}

/*
 * Up to n of the smallest pids >= after, ascending, in one pass over the
 * process list: a listing of /proc then walks the list once per batch,
 * not once per process.  The count found.
 */
#define PID_BATCH 64

static int next_pids(int after, int *pids, int n)
{
	int found = 0;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);

	for (struct proc *p = proc_list; p; p = p->all_next) {
		/* Processes only, as Linux lists them: /proc/<tid> of a thread
		 * is there to look up, not in the listing. */
		if (p->kthread || p->leader != p || p->pid < after ||
		    (found == n && p->pid > pids[n - 1]))
			continue;
		int i = found < n ? found++ : n - 1; /* insert, dropping the largest */
		while (i > 0 && pids[i - 1] > p->pid) {
			pids[i] = pids[i - 1];
			i--;
		}
		pids[i] = p->pid;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return found;
}

/* The processes, by pid from *pos's: pos = 2 + the root's fixed entries + pid. */
static int procfs_readdir_pids(uint64_t *pos, filldir_t filldir, void *ctx)
{
	uint64_t first = 2;
	int pids[PID_BATCH], n;
	char name[16];

	while (nth_entry(P_ROOT, first - 2) >= 0)
		first++;
	while ((n = next_pids((int)(*pos - first), pids, PID_BATCH)) > 0) {
		for (int i = 0; i < n; i++) {
			*pos = first + (uint64_t)pids[i];
			snprintf(name, sizeof(name), "%d", pids[i]);
			if (filldir(ctx, name, strlen(name), ino_of(P_PID_DIR, pids[i]), DT_DIR,
				    *pos + 1))
				return 0;
			(*pos)++;
		}
	}
	return 0;
}

/* A process's open fds, by number: pos = 2 + fd. */
static int procfs_readdir_fds(struct inode *dir, uint64_t *pos, filldir_t filldir, void *ctx)
{
	uint64_t open;
	char name[8];

	if (*pos - 2 >= FD_MAX)
		return 0; /* past the last fd (an lseek can put pos anywhere) */
	if (procfs_pid_fds(pid_of(dir), (int)(*pos - 2) & ~63, &open))
		return -ENOENT; /* gone: Linux's readdir says so */
	for (; *pos - 2 < FD_MAX; (*pos)++) {
		int fd = (int)(*pos - 2);
		if (fd % 64 == 0 && procfs_pid_fds(pid_of(dir), fd, &open))
			return 0; /* gone meanwhile */
		if (!(open >> (fd % 64) & 1))
			continue;
		snprintf(name, sizeof(name), "%d", fd);
		if (filldir(ctx, name, strlen(name), ino_of_fd(P_FD_LINK, pid_of(dir), fd), DT_LNK,
			    *pos + 1))
			return 0;
	}
	return 0;
}

static int procfs_readdir(struct inode *dir, uint64_t *pos, filldir_t filldir, void *ctx)
{
	int kind = kind_of(dir), i;
	uint64_t open;

	if (kind == P_FD_DIR && procfs_pid_fds(pid_of(dir), 0, &open))
		return -ENOENT; /* the process is gone: Linux says so before "." */
	if (*pos == 0) {
		if (filldir(ctx, ".", 1, dir->ino, DT_DIR, 1))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		int up = parent_of(kind);
		if (filldir(ctx, "..", 2, ino_of(up, up == P_PID_DIR ? pid_of(dir) : 0), DT_DIR, 2))
			return 0;
		*pos = 2;
	}
	if (kind == P_FD_DIR)
		return procfs_readdir_fds(dir, pos, filldir, ctx);
	for (; (i = nth_entry(kind, *pos - 2)) >= 0; (*pos)++)
		if (filldir(ctx, entries[i].name, strlen(entries[i].name),
			    ino_of(entries[i].kind, pid_of(dir)),
			    kind_is_dir(entries[i].kind)    ? DT_DIR
			    : kind_is_link(entries[i].kind) ? DT_LNK
							    : DT_REG,
			    *pos + 1))
			return 0;
	return kind == P_ROOT ? procfs_readdir_pids(pos, filldir, ctx) : 0;
}

/* /proc/self names the reader's own directory; the others what a process
 * has open, made into a path when read (procfs_pid.c). */
static long procfs_readlink(struct inode *link, char *buf, size_t size)
{
	switch (kind_of(link)) {
	case P_SELF:
		return snprintf(buf, size, "%d", current_proc()->pid);
	case P_EXE:
		return procfs_pid_link(pid_of(link), PROCFS_EXE, 0, buf, size);
	case P_CWD:
		return procfs_pid_link(pid_of(link), PROCFS_CWD, 0, buf, size);
	default:
		return procfs_pid_link(pid_of(link), PROCFS_FD, fd_of(link), buf, size);
	}
}

static const struct inode_ops procfs_ops = {
	.lookup = procfs_lookup,
	.readdir = procfs_readdir,
	.readlink = procfs_readlink,
};

/* --- the texts --- */

#define put procfs_put

void procfs_put_bytes(struct text *t, const void *bytes, size_t n)
{
	if (t->grow && n >= t->cap - t->len)
		procfs_text_reserve(t, n);
	n = MIN(n, t->cap - 1 - t->len);
	memcpy(t->buf + t->len, bytes, n);
	t->len += n;
}

void procfs_put(struct text *t, const char *fmt, ...)
{
	va_list ap, again;

	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	if (n > 0 && t->grow && (size_t)n >= t->cap - t->len) {
		procfs_text_reserve(t, (size_t)n);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, again);
	}
	va_end(again);
	va_end(ap);
	if (n > 0)
		t->len = MIN(t->len + (size_t)n, t->cap - 1);
}

/* The most a text may take: a process's cmdline (exec's 2 MiB at most,
 * pointers included), or many mounts' sources and paths, escaped. */
#define TEXT_LIMIT (2 * 1024 * 1024)

void procfs_text_reserve(struct text *t, size_t n)
{
	size_t cap = t->cap;

	while (cap - t->len <= n && cap < TEXT_LIMIT)
		cap *= 2;
	char *buf = cap > t->cap ? kmalloc(cap) : NULL;
	if (!buf)
		return;
	memcpy(buf, t->buf, t->len);
	kfree(t->buf);
	t->buf = buf;
	t->cap = cap;
}

/*
 * s with the characters that separate fields and lines in /proc/mounts
 * and mountinfo (space, tab, newline, and the backslash itself) written
 * as a backslash and three octal digits, as Linux's mangle() does: a
 * mount point or source named "a b" or "x\ny" is still one field.
 */
static bool needs_escape(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\\';
}

static void put_escaped(struct text *t, const char *s)
{
	while (*s) {
		size_t n = 0;
		while (s[n] && !needs_escape(s[n]))
			n++;
		procfs_put_bytes(t, s, n); /* the plain run at once */
		s += n;
		if (*s)
			put(t, "\\%03o", (unsigned char)*s++);
	}
}

static const char *cause_name(unsigned int cause, bool irq)
{
	static const char *const exc[16] = {
		"instr-misaligned",
		"instr-access-fault",
		"illegal-instr",
		"breakpoint",
		"load-misaligned",
		"load-access-fault",
		"store-misaligned",
		"store-access-fault",
		"ecall-u",
		"ecall-s",
		NULL,
		NULL,
		"instr-page-fault",
		"load-page-fault",
		NULL,
		"store-page-fault",
	};
	static const char *const ints[16] = {NULL,    "software", NULL, NULL, NULL,
					     "timer", NULL,	  NULL, NULL, "external"};

	if (cause >= 16)
		return "other";
	return (irq ? ints[cause] : exc[cause]) ?: "other";
}

/* Exceptions as "cause count name", interrupts numbered 1000 + cause. */
/* Exceptions by cause (ecall-u: the sum of sys[]), interrupts, then
 * "syscall <nr> <count> <name>" for each call made (nr -1: a number in
 * neither range).  sys[] is by slot of the system-call table. */
static void put_traps(struct text *t, uint64_t *exc, const uint64_t *ints, const uint64_t *sys)
{
	exc[EXC_ECALL_U] = 0;
	for (unsigned int s = 0; s < SYSCALL_COUNTS; s++)
		exc[EXC_ECALL_U] += sys[s];
	for (unsigned int c = 0; c < 32; c++)
		if (exc[c])
			put(t, "%u %lu %s\n", c, (unsigned long)exc[c], cause_name(c, false));
	for (unsigned int c = 0; ints && c < 16; c++)
		if (ints[c])
			put(t, "%u %lu %s\n", 1000 + c, (unsigned long)ints[c],
			    cause_name(c, true));
	for (unsigned int s = 0; s < SYSCALL_COUNTS; s++) {
		const struct syscall_desc *d = syscall_slot_describe(s);
		if (sys[s])
			put(t, "syscall %ld %lu %s\n",
			    s == SYSCALL_SLOT_BAD ? -1l : (long)syscall_slot_nr(s),
			    (unsigned long)sys[s], d ? d->name : "unknown");
	}
}

/* Add p's exceptions and system calls to exc[] and sys[]. */
static void add_traps(const struct proc *p, uint64_t *exc, uint64_t *sys)
{
	for (int c = 0; c < 32; c++)
		exc[c] += p->trap_count[c];
	for (int s = 0; s < SYSCALL_COUNTS; s++)
		sys[s] += p->syscall_count[s];
}

static void gen_traps(struct text *t)
{
	uint64_t exc[32], ints[16] = {0};
	uint64_t *sys = kmalloc(SYSCALL_COUNTS * sizeof(*sys)); /* 4 KiB: not on the stack */

	if (!sys)
		return;
	for (int c = 0; c < 32; c++)
		exc[c] = __atomic_load_n(&traps_retired[c], __ATOMIC_RELAXED);
	for (int s = 0; s < SYSCALL_COUNTS; s++)
		sys[s] = __atomic_load_n(&syscalls_retired[s], __ATOMIC_RELAXED);
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	for (struct proc *p = proc_list; p; p = p->all_next)
		if (!p->trap_count_retired)
			add_traps(p, exc, sys);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	for (unsigned int i = 0; hart_at(i); i++)
		for (int c = 0; c < 16; c++)
			ints[c] += hart_at(i)->irq_count[c];
	put_traps(t, exc, ints, sys);
	kfree(sys);
}

static void gen_interrupts(struct text *t)
{
	unsigned int n = hart_count_online();

	put(t, "    ");
	for (unsigned int h = 0; h < n; h++)
		put(t, " %10s%u", "CPU", h);
	put(t, "\n");
	for (uint32_t irq = 1; irq <= irq_max(); irq++) {
		const char *name = irq_name(irq);
		if (!name)
			continue;
		put(t, "%3u:", irq);
		for (unsigned int h = 0; h < n; h++)
			put(t, " %11ld", irq_count(irq, h));
		put(t, "  %s\n", name);
	}
}

/* Sluice's own: the scheduler's counters per hart (docs/scheduling.md). */
static void gen_harts(struct text *t)
{
	for (unsigned int i = 0; hart_at(i); i++) {
		const struct hart *h = hart_at(i);
		put(t, "hart%u id %u switches %lu idle %lu steals %lu placed %lu\n", i, h->hartid,
		    (unsigned long)h->nr_switches, (unsigned long)h->nr_idle,
		    (unsigned long)h->nr_steals, (unsigned long)h->nr_placed_remote);
	}
}

static void gen_mounts(struct text *t)
{
	char *path = kmalloc(PATH_MAX);

	if (!path)
		return; /* (nothing shown: ENOMEM has no way out of a read here) */
	mutex_lock(&mount_lock);
	for (int i = 0; i < MOUNT_MAX; i++) {
		struct super_block *sb = mounts[i].sb;
		char opts[96] = "";
		if (!sb)
			continue;
		if (sb->ops && sb->ops->show_options)
			sb->ops->show_options(sb, opts, sizeof(opts));
		vfs_mount_path(&mounts[i], path, PATH_MAX);
		put_escaped(t, mounts[i].source);
		put(t, " ");
		put_escaped(t, path);
		put(t, " %s %s%s 0 0\n", sb->type, sb->flags & SB_RDONLY ? "ro" : "rw", opts);
	}
	mutex_unlock(&mount_lock);
	kfree(path);
}

/* A mount's id in mountinfo: its slot, above the ids Linux gives its
 * own early mounts (every process sees the same mounts: no namespaces). */
#define MOUNT_ID(i) (20 + (i))

/*
 * /proc/<pid>/mountinfo as proc(5) lays it out: mount id, parent id (the
 * mount whose file system holds the covered directory; the root's own),
 * st_dev's major:minor, the root of the mount within its file system
 * ("/"), the mount point, per-mount options, no optional fields, "-",
 * the type, the source and the super block's options.
 */
static void gen_mountinfo(struct text *t)
{
	char *path = kmalloc(PATH_MAX);

	if (!path)
		return;
	mutex_lock(&mount_lock);
	for (int i = 0; i < MOUNT_MAX; i++) {
		struct super_block *sb = mounts[i].sb;
		char opts[96] = "";
		int parent = i;
		if (!sb)
			continue;
		for (int j = 0; mounts[i].dir && j < MOUNT_MAX; j++)
			if (mounts[j].sb && mounts[j].sb == mounts[i].dir->sb)
				parent = j;
		if (sb->ops && sb->ops->show_options)
			sb->ops->show_options(sb, opts, sizeof(opts));
		const char *rw = sb->flags & SB_RDONLY ? "ro" : "rw";
		vfs_mount_path(&mounts[i], path, PATH_MAX);
		put(t, "%d %d %lu:%lu / ", MOUNT_ID(i), MOUNT_ID(parent),
		    (unsigned long)MAJOR(sb->dev), (unsigned long)MINOR(sb->dev));
		put_escaped(t, path);
		put(t, " %s - %s ", rw, sb->type);
		put_escaped(t, mounts[i].source);
		put(t, " %s%s\n", rw, opts);
	}
	mutex_unlock(&mount_lock);
	kfree(path);
}

static void gen_vmstat(struct text *t)
{
	struct tlb_stats s;

	tlb_stats_read(&s);
	put(t, "nr_tlb_remote_flush %lu\n", (unsigned long)s.remote);
	put(t, "nr_tlb_remote_flush_received %lu\n", (unsigned long)s.remote_harts);
	put(t, "nr_tlb_local_flush_all %lu\n", (unsigned long)s.local_all);
	put(t, "nr_tlb_local_flush_one %lu\n", (unsigned long)s.local_one);
	put(t, "sluice_tlb_deferred_flush %lu\n", (unsigned long)s.deferred);
}

/*
 * /proc/<pid>/syscall as Linux writes it (proc(5)): while p sleeps in a
 * system call, the call's number, its six argument registers, sp and pc
 * (past the ecall), in hex; "running" while it runs or waits for a hart;
 * else "-1 sp pc".  Saved register values only: no user memory is read.
 * Caller holds proc_tree_lock (which comes before p->lock).
 */
static void put_syscall(struct text *t, struct proc *p)
{
	const struct trap_frame *tf = p->tf;
	spin_lock(&p->lock);
	enum proc_state state = p->state;
	spin_unlock(&p->lock);

	if (state == PROC_RUNNING || state == PROC_RUNNABLE)
		put(t, "running\n");
	else if (state == PROC_SLEEPING && !p->exited && tf->scause == EXC_ECALL_U)
		put(t, "%ld 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx\n", (long)tf->x[REG_A7],
		    tf->x[REG_A0], tf->x[REG_A0 + 1], tf->x[REG_A0 + 2], tf->x[REG_A0 + 3],
		    tf->x[REG_A0 + 4], tf->x[REG_A0 + 5], tf->x[REG_SP], tf->sepc);
	else
		put(t, "-1 0x%lx 0x%lx\n", tf->x[REG_SP], tf->sepc);
}

/*
 * /proc/<pid>/stack, as Linux writes it: the kernel functions a process
 * that is off its hart is in, innermost first, one "[<0>] name+0xoff" a
 * line (empty while it runs).  Its saved context (swtch's ra and s0) starts
 * the frame-pointer chain, which is followed only inside its own kernel
 * stack; p->lock keeps it from being run meanwhile.  Caller holds
 * proc_tree_lock.
 */
static void put_stack(struct text *t, struct proc *p)
{
	unsigned long lo = p->kstack_top - KSTACK_SIZE, hi = p->kstack_top, off;

	spin_lock(&p->lock);
	unsigned long pc = p->ctx.ra, fp = p->ctx.s[0];
	bool off_hart = p->state == PROC_SLEEPING || p->state == PROC_RUNNABLE;
	for (int depth = 0; off_hart && depth < 32 && pc; depth++) {
		const char *name = ksyms_lookup(pc - 4, &off); /* pc is after the call */
		put(t, "[<0>] %s+0x%lx\n", name ? name : "?", name ? off + 4 : pc);
		if (!IS_ALIGNED(fp, 8) || fp < lo + 16 || fp > hi)
			break;
		const unsigned long *frame = (const unsigned long *)fp;
		pc = frame[-1];
		fp = frame[-2];
	}
	spin_unlock(&p->lock);
}

/* A process's text, made under proc_tree_lock (so p and its mm stay). */
static void gen_pid_locked(struct text *t, int kind, struct proc *p)
{
	switch (kind) {
	case P_STATUS:
		procfs_pid_status(t, p);
		break;
	case P_SYSCALL:
		put_syscall(t, p);
		break;
	case P_STACK:
		put_stack(t, p);
		break;
	case P_PID_STAT:
		procfs_pid_stat(t, p);
		break;
	case P_STATM:
		procfs_pid_statm(t, p);
		break;
	case P_CMDLINE:
	case P_ENVIRON:
		procfs_pid_strings(t, p, kind == P_ENVIRON);
		break;
	case P_COMM:
		put(t, "%s\n", p->name);
		break;
	case P_MAPS:
		procfs_pid_maps(t, p);
		break;
	}
}

static int gen_pid_once(struct text *t, int kind, int pid)
{
	uint64_t exc[32] = {0}, *sys = NULL;

	if (kind == P_PID_TRAPS && !(sys = kzalloc(SYSCALL_COUNTS * sizeof(*sys))))
		return -ENOMEM;
	if (kind == P_MAPS)
		procfs_pid_maps_names(pid); /* finding a path may sleep: first */
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *p = proc_list;
	while (p && (p->pid != pid || p->kthread))
		p = p->all_next;
	if (!p) {
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		kfree(sys);
		return -ESRCH;
	}
	if (kind == P_PID_TRAPS && sys)
		add_traps(p, exc, sys);
	else if (kind != P_PID_TRAPS && kind != P_MOUNTINFO)
		gen_pid_locked(t, kind, p); /* t->grow is false: it cannot allocate here */
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	t->grow = true;
	if (kind == P_PID_TRAPS && sys)
		put_traps(t, exc, NULL, sys); /* puts nothing under the lock: it may be long */
	if (kind == P_MOUNTINFO)
		gen_mountinfo(t); /* takes mount_lock, a mutex: not under a spinlock */
	t->grow = false;
	kfree(sys);
	return 0;
}

/*
 * A process's text.  It is made under proc_tree_lock, where nothing may
 * allocate, so a text that filled its room (cmdline up to exec's 2 MiB,
 * maps of many regions) is made again in twice the room, up to TEXT_LIMIT,
 * rather than cut: glibc finds the main thread's stack by reading maps for
 * its [stack] line.
 */
static int gen_pid(struct text *t, int kind, int pid)
{
	t->grow = false;
	for (;;) {
		int err = gen_pid_once(t, kind, pid);
		size_t cap = t->cap;
		if (err || t->len < cap - 1 || cap >= TEXT_LIMIT)
			return err;
		t->len = 0;
		procfs_text_reserve(t, cap); /* twice the room, if memory allows */
		if (t->cap == cap)
			return gen_pid_once(t, kind, pid); /* cut, as it was */
	}
}

/* /proc/sluice-objects: "name count", one kind of kernel object a line. */
static void gen_objects(struct text *t)
{
	static const char *const names[OBJ_NR] = {
		[OBJ_MM] = "mms",	[OBJ_VMA] = "vmas",   [OBJ_FILE] = "files",
		[OBJ_INODE] = "inodes", [OBJ_PIPE] = "pipes", [OBJ_SUPER] = "supers",
	};
	struct kmalloc_stats km;
	int mounted = 0;

	mutex_lock(&mount_lock);
	for (int i = 0; i < MOUNT_MAX; i++)
		mounted += mounts[i].sb != NULL;
	mutex_unlock(&mount_lock);
	put(t, "procs %lu\nkstacks %lu\nmounts %d\n", (unsigned long)proc_count(),
	    (unsigned long)kstack_count(), mounted);
	for (int k = 0; k < OBJ_NR; k++)
		put(t, "%s %ld\n", names[k], objcount_read(k));
	kmalloc_stats(&km);
	for (int c = 0; c < KMALLOC_CLASSES; c++)
		put(t, "kmalloc-%d %lu\n", 16 << c, km.objs[c]);
	put(t, "kmalloc-slab-pages %lu\nkmalloc-large %lu\nkmalloc-large-pages %lu\n",
	    km.slab_pages, km.large, km.large_pages);
	put(t, "bcache-buffers %u\npages-free %lu\n", bcache_buffers(),
	    (unsigned long)page_free_count());
}

static int procfs_open(struct inode *ino, struct file *f)
{
	struct text *t = kzalloc(sizeof(*t));
	int err = 0;

	if (!t || !(t->buf = kmalloc(TEXT_MAX))) {
		kfree(t);
		return -ENOMEM;
	}
	t->cap = TEXT_MAX;
	t->grow = true; /* the system's texts are made here, where we may allocate */
	switch (kind_of(ino)) {
	case P_MEMINFO:
		procfs_meminfo(t);
		break;
	case P_DIRTY_EXPIRE:
	case P_DIRTY_WRITEBACK:
		put(t, "%u\n", writeback_knob((enum writeback_knob)knob_of(kind_of(ino))));
		break;
	case P_INTERRUPTS:
		gen_interrupts(t);
		break;
	case P_TRAPS:
		gen_traps(t);
		break;
	case P_MOUNTS:
		gen_mounts(t);
		break;
	case P_HARTS:
		gen_harts(t);
		break;
	case P_VMSTAT:
		gen_vmstat(t);
		break;
	case P_THREADS_MAX:
		put(t, "%lu\n", proc_max());
		break;
	case P_FILE_MAX:
		put(t, "%lu\n", file_max());
		break;
	case P_FILE_NR:
		put(t, "%lu\t0\t%lu\n", file_count(), file_max());
		break;
	case P_CPUINFO:
		procfs_cpuinfo(t);
		break;
	case P_UPTIME:
		procfs_uptime(t);
		break;
	case P_LOADAVG:
		procfs_loadavg(t);
		break;
	case P_VERSION:
		procfs_version(t);
		break;
	case P_KCMDLINE: /* the kernel's command line, as the boot loader gave it */
		put(t, "%s\n", platform.bootargs);
		break;
	case P_FILESYSTEMS:
		procfs_filesystems(t);
		break;
	case P_STAT:
		procfs_stat(t);
		break;
	case P_HOSTNAME: {
		char host[65];
		uts_hostname(host, sizeof(host));
		put(t, "%s\n", host);
		break;
	}
	case P_OSTYPE:
		put(t, "Sluice\n"); /* uname's sysname, as Linux's is "Linux" */
		break;
	case P_OSRELEASE:
		put(t, "%s\n", uts_release());
		break;
	case P_PID_MAX:
		put(t, "%d\n", 4194304); /* Linux's default on 64-bit: Sluice's pids never wrap */
		break;
	case P_OBJECTS:
		gen_objects(t);
		break;
	case P_DISKSTATS:
		if (blk_present()) {
			uint64_t reads, writes, rreq, wreq;
			bcache_stats(&reads, &writes);
			bcache_requests(&rreq, &wreq);
			/* Requests completed, none merged, sectors moved. */
			put(t, " 254       0 vda %lu 0 %lu 0 %lu 0 %lu 0 0 0 0\n",
			    (unsigned long)rreq, (unsigned long)(reads * BCACHE_SECTORS),
			    (unsigned long)wreq, (unsigned long)(writes * BCACHE_SECTORS));
		}
		break;
	default:
		t->pending = true;
		t->kind = kind_of(ino);
		t->pid = pid_of(ino);
		err = pid_exists(t->pid) ? 0 : -ENOENT;
	}
	if (err) {
		kfree(t->buf);
		kfree(t);
		return err;
	}
	/* A knob's size stays 0, as on Linux: "echo N >" (O_TRUNC) truncates
	 * nothing then. */
	if (knob_of(kind_of(ino)) < 0)
		ino->size = t->len;
	f->priv = t;
	return 0;
}

static long procfs_read(struct file *f, char *ubuf, size_t len)
{
	struct text *t = f->priv;

	if (t->pending) {
		if (gen_pid(t, t->kind, t->pid))
			return -ESRCH; /* reaped since open */
		t->pending = false;
	}
	if (f->pos >= t->len)
		return 0;
	len = MIN(len, t->len - f->pos);
	if (vfs_copy_out(ubuf, t->buf + f->pos, len, true))
		return -EFAULT;
	f->pos += len;
	return (long)len;
}

static void procfs_release(struct file *f)
{
	struct text *t = f->priv;

	if (t)
		kfree(t->buf);
	kfree(t);
}

static const struct file_ops procfs_fops = {
	.open = procfs_open,
	.read = procfs_read,
	.release = procfs_release,
	.seekable = true,
};

/*
 * A knob's new value: a decimal number with blanks around it at most, as
 * Linux's proc_dointvec_minmax takes it with a minimum of 0 (a sign, a
 * negative, anything else, or more than INT_MAX is EINVAL).  Who may
 * write was settled at open (mode 0644, root's).
 */
static long sysctl_write(struct file *f, const char *ubuf, size_t len)
{
	char text[24];
	size_t i = 0;
	uint64_t v = 0;

	if (!len || len >= sizeof(text))
		return -EINVAL;
	if (copy_from_user(text, ubuf, len))
		return -EFAULT;
	text[len] = '\0';
	while (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')
		i++;
	size_t first = i;
	while (text[i] >= '0' && text[i] <= '9' && v <= INT32_MAX)
		v = v * 10 + (uint64_t)(text[i++] - '0');
	if (i == first || v > INT32_MAX)
		return -EINVAL;
	while (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')
		i++;
	if (text[i])
		return -EINVAL;
	writeback_set_knob((enum writeback_knob)knob_of(kind_of(f->inode)), (unsigned int)v);
	return (long)len;
}

static const struct file_ops sysctl_fops = {
	.open = procfs_open,
	.read = procfs_read,
	.write = sysctl_write,
	.release = procfs_release,
	.seekable = true,
};

/*
 * /proc/trace: the trap tracer's ring (src/trap/trace.c), taken out as it
 * is read; a SPEC written to it configures the tracer (docs/tracing.md).
 * Whoever has it open to read is not traced, or its own reads would refill
 * the ring as fast as it empties it (one reader at a time is so exempt).
 */
static int trace_open(struct inode *ino, struct file *f)
{
	(void)ino;
	if ((f->flags & O_ACCMODE) != O_WRONLY)
		trace_set_reader(current_proc()->pid);
	return 0;
}

static long trace_file_read(struct file *f, char *ubuf, size_t len)
{
	(void)f;
	return trace_read(ubuf, len);
}

static long trace_file_write(struct file *f, const char *ubuf, size_t len)
{
	char spec[256];

	(void)f;
	if (len >= sizeof(spec))
		return -EINVAL;
	if (copy_from_user(spec, ubuf, len))
		return -EFAULT;
	int err = trace_configure(spec, len);
	return err ? err : (long)len;
}

/* Closed: its reader is traced again. */
static void trace_release(struct file *f)
{
	if ((f->flags & O_ACCMODE) != O_WRONLY)
		trace_set_reader(0);
}

static const struct file_ops trace_fops = {
	.open = trace_open,
	.read = trace_file_read,
	.write = trace_file_write,
	.release = trace_release,
};

static int procfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	(void)sb;
	st->f_type = 0x9fa0; /* Linux's PROC_SUPER_MAGIC */
	return 0;
}

/* Unmount: the VFS put the root, the only inode that lived without a
 * holder (the others live while someone holds them, and nobody does). */
static void procfs_put_super(struct super_block *sb)
{
	kfree(sb);
	objcount_add(OBJ_SUPER, -1);
}

static const struct super_ops procfs_super_ops = {
	.statfs = procfs_statfs,
	.put_super = procfs_put_super,
};

struct super_block *procfs_create_sb(void)
{
	struct super_block *sb = kzalloc(sizeof(*sb));

	if (!sb)
		return NULL;
	sb->ops = &procfs_super_ops;
	sb->type = "proc";
	sb->dev = vfs_new_dev();
	sb->root = proc_inode(sb, P_ROOT, 0);
	if (!sb->root) {
		kfree(sb);
		return NULL;
	}
	objcount_add(OBJ_SUPER, 1);
	return sb;
}
