/*
 * /proc: the kernel's state as text files, made afresh at each open.
 *
 *   /proc/meminfo        MemTotal, MemFree and Buffers (the block cache) in kB,
 *                        as Linux writes them
 *   /proc/interrupts     per PLIC source, per hart: "irq: counts... name"
 *   /proc/traps          every trap so far by cause: "cause count name"
 *   /proc/mounts         "source dir type rw|ro 0 0", as Linux writes them
 *   /proc/diskstats      the disk's reads and writes, in Linux's first 11 columns
 *                        (requests and sectors; the rest are 0)
 *   /proc/vmstat         "name count" lines: TLB flushes, with Linux's names where
 *                        Linux has one (nr_tlb_remote_flush: SBI RFENCE calls)
 *   /proc/<pid>/status   Name, State, Pid, PPid, Pgid
 *   /proc/<pid>/traps    that process's exceptions by cause
 *
 * Inode numbers: 1 the root, 2.. the fixed files, pid * 16 + 256 a
 * process's directory and the files in it just above.
 */
#include <sluice/bcache.h>
#include <sluice/blk.h>
#include <sluice/errno.h>
#include <sluice/hart.h>
#include <sluice/irq.h>
#include <sluice/mm.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/string.h>
#include <sluice/tlb.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

enum {
	P_ROOT, P_MEMINFO, P_INTERRUPTS, P_TRAPS, P_MOUNTS, P_DISKSTATS, P_VMSTAT,
	P_PID_DIR, P_STATUS, P_PID_TRAPS, P_HARTS
};

static const struct {
	const char *name;
	int kind;
} root_files[] = {
	{ "meminfo", P_MEMINFO },
	{ "interrupts", P_INTERRUPTS },
	{ "traps", P_TRAPS },
	{ "mounts", P_MOUNTS },
	{ "diskstats", P_DISKSTATS },
	{ "harts", P_HARTS },
	{ "vmstat", P_VMSTAT },
};
static const struct {
	const char *name;
	int kind;
} pid_files[] = {
	{ "status", P_STATUS },
	{ "traps", P_PID_TRAPS },
};

static const struct inode_ops procfs_ops;
static const struct file_ops procfs_fops;

static uint64_t ino_of(int kind, int pid)
{
	return pid ? (uint64_t)pid * 16 + 256 + (uint64_t)(kind - P_PID_DIR)
		   : (uint64_t)kind + 1;
}

static struct inode *proc_inode(struct super_block *sb, int kind, int pid)
{
	struct inode *ino = inode_new(sb, ino_of(kind, pid));

	if (!ino)
		return NULL;
	bool dir = kind == P_ROOT || kind == P_PID_DIR;
	ino->mode = dir ? S_IFDIR | 0555 : S_IFREG | 0444;
	ino->nlink = dir ? 2 : 1;
	ino->ops = &procfs_ops;
	ino->fops = dir ? NULL : &procfs_fops;
	ino->priv = (void *)(uintptr_t)(((uint64_t)pid << 8) | (uint64_t)kind);
	ino->atime = ino->mtime = ino->ctime = vfs_now();
	return ino;
}

static int kind_of(struct inode *ino)
{
	return (int)((uintptr_t)ino->priv & 0xff);
}

static int pid_of(struct inode *ino)
{
	return (int)((uintptr_t)ino->priv >> 8);
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

	if (!len || len > 9)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		pid = pid * 10 + (name[i] - '0');
	}
	return pid;
}

static int procfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	int kind = kind_of(dir), pid;

	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = inode_get(dir->sb->root);
		return 0;
	}
	if (kind == P_ROOT) {
		for (size_t i = 0; i < ARRAY_SIZE(root_files); i++)
			if (strlen(root_files[i].name) == len && !memcmp(root_files[i].name, name, len))
				return (*out = proc_inode(dir->sb, root_files[i].kind, 0)) ? 0 : -ENOMEM;
		pid = parse_pid(name, len);
		if (pid <= 0 || !pid_exists(pid))
			return -ENOENT;
		return (*out = proc_inode(dir->sb, P_PID_DIR, pid)) ? 0 : -ENOMEM;
	}
	for (size_t i = 0; i < ARRAY_SIZE(pid_files); i++)
		if (strlen(pid_files[i].name) == len && !memcmp(pid_files[i].name, name, len))
			return (*out = proc_inode(dir->sb, pid_files[i].kind, pid_of(dir))) ? 0 : -ENOMEM;
	return -ENOENT;
}

static int procfs_readdir(struct inode *dir, uint64_t *pos, filldir_t filldir, void *ctx)
{
	char name[16];
	uint64_t i;

	if (*pos == 0) {
		if (filldir(ctx, ".", 1, dir->ino, DT_DIR, 1))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (filldir(ctx, "..", 2, dir->sb->root->ino, DT_DIR, 2))
			return 0;
		*pos = 2;
	}
	if (kind_of(dir) == P_PID_DIR) {
		for (i = *pos - 2; i < ARRAY_SIZE(pid_files); i++, (*pos)++)
			if (filldir(ctx, pid_files[i].name, strlen(pid_files[i].name),
				    ino_of(pid_files[i].kind, pid_of(dir)), DT_REG, *pos + 1))
				return 0;
		return 0;
	}
	for (i = *pos - 2; i < ARRAY_SIZE(root_files); i++, (*pos)++)
		if (filldir(ctx, root_files[i].name, strlen(root_files[i].name),
			    ino_of(root_files[i].kind, 0), DT_REG, *pos + 1))
			return 0;
	/* Then the processes, by pid from *pos's: pos = 2 + nfixed + pid. */
	for (;;) {
		int next = -1, after = (int)(*pos - 2 - ARRAY_SIZE(root_files));
		unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
		/* Processes only, as Linux lists them: /proc/<tid> of a
		 * thread is there to look up, not in the listing. */
		for (struct proc *p = proc_list; p; p = p->all_next)
			if (!p->kthread && p->leader == p && p->pid >= after &&
			    (next < 0 || p->pid < next))
				next = p->pid;
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		if (next < 0)
			return 0;
		*pos = 2 + ARRAY_SIZE(root_files) + (uint64_t)next;
		snprintf(name, sizeof(name), "%d", next);
		if (filldir(ctx, name, strlen(name), ino_of(P_PID_DIR, next), DT_DIR, *pos + 1))
			return 0;
		(*pos)++;
	}
}

static const struct inode_ops procfs_ops = {
	.lookup = procfs_lookup,
	.readdir = procfs_readdir,
};

/* --- the texts --- */

#define TEXT_MAX 8192

struct text {
	char *buf;
	size_t len;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, TEXT_MAX - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = MIN(t->len + (size_t)n, TEXT_MAX - 1);
}

static const char *cause_name(unsigned int cause, bool irq)
{
	static const char *const exc[16] = {
		"instr-misaligned", "instr-access-fault", "illegal-instr", "breakpoint",
		"load-misaligned", "load-access-fault", "store-misaligned", "store-access-fault",
		"ecall-u", "ecall-s", NULL, NULL, "instr-page-fault", "load-page-fault", NULL,
		"store-page-fault",
	};
	static const char *const ints[16] = { NULL, "software", NULL, NULL, NULL, "timer",
					      NULL, NULL, NULL, "external" };

	if (cause >= 16)
		return "other";
	return (irq ? ints[cause] : exc[cause]) ?: "other";
}

/* Exceptions as "cause count name", interrupts numbered 1000 + cause. */
static void put_traps(struct text *t, const uint64_t *exc, const uint64_t *ints)
{
	for (unsigned int c = 0; c < 32; c++)
		if (exc[c])
			put(t, "%u %lu %s\n", c, (unsigned long)exc[c], cause_name(c, false));
	for (unsigned int c = 0; ints && c < 16; c++)
		if (ints[c])
			put(t, "%u %lu %s\n", 1000 + c, (unsigned long)ints[c], cause_name(c, true));
}

static void gen_traps(struct text *t)
{
	uint64_t exc[32], ints[16] = { 0 };

	for (int c = 0; c < 32; c++)
		exc[c] = __atomic_load_n(&traps_retired[c], __ATOMIC_RELAXED);
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	for (struct proc *p = proc_list; p; p = p->all_next)
		for (int c = 0; c < 32 && !p->trap_count_retired; c++)
			exc[c] += p->trap_count[c];
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	for (unsigned int i = 0; hart_at(i); i++)
		for (int c = 0; c < 16; c++)
			ints[c] += hart_at(i)->irq_count[c];
	put_traps(t, exc, ints);
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
	mutex_lock(&mount_lock);
	for (int i = 0; i < MOUNT_MAX; i++) {
		struct super_block *sb = mounts[i].sb;
		if (sb)
			put(t, "%s %s %s %s 0 0\n", mounts[i].source, mounts[i].path, sb->type,
			    sb->flags & SB_RDONLY ? "ro" : "rw");
	}
	mutex_unlock(&mount_lock);
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

static int gen_pid(struct text *t, int kind, int pid)
{
	static const char *const states[] = { "R (new)", "R (runnable)", "R (running)",
					      "S (sleeping)", "Z (zombie)" };
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *p = proc_list;

	while (p && p->pid != pid)
		p = p->all_next;
	if (!p) {
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		return -ESRCH;
	}
	if (kind == P_STATUS) {
		struct proc *parent = p->leader->parent;
		put(t, "Name:\t%s\nState:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\nPgid:\t%d\n",
		    p->name, states[p->exited ? PROC_ZOMBIE : p->state], p->tgid, p->pid,
		    parent ? parent->pid : 0, p->leader->pgid);
	} else {
		uint64_t exc[32];
		memcpy(exc, p->trap_count, sizeof(exc));
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		put_traps(t, exc, NULL);
		return 0;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return 0;
}

static int procfs_open(struct inode *ino, struct file *f)
{
	struct text *t = kzalloc(sizeof(*t));
	int err = 0;

	if (!t || !(t->buf = kmalloc(TEXT_MAX))) {
		kfree(t);
		return -ENOMEM;
	}
	switch (kind_of(ino)) {
	case P_MEMINFO:
		put(t, "MemTotal:   %8lu kB\nMemFree:    %8lu kB\nBuffers:    %8lu kB\n",
		    (unsigned long)(page_total_count() * (PAGE_SIZE / 1024)),
		    (unsigned long)(page_free_count() * (PAGE_SIZE / 1024)),
		    (unsigned long)bcache_buffers() * (BCACHE_BLOCK / 1024));
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
	case P_DISKSTATS:
		if (blk_present()) {
			uint64_t reads, writes;
			bcache_stats(&reads, &writes);
			/* Every request is one cache block: nothing is merged. */
			put(t, " 254       0 vda %lu 0 %lu 0 %lu 0 %lu 0 0 0 0\n", (unsigned long)reads,
			    (unsigned long)(reads * BCACHE_SECTORS), (unsigned long)writes,
			    (unsigned long)(writes * BCACHE_SECTORS));
		}
		break;
	default:
		err = gen_pid(t, kind_of(ino), pid_of(ino));
	}
	if (err) {
		kfree(t->buf);
		kfree(t);
		return err;
	}
	ino->size = t->len;
	f->priv = t;
	return 0;
}

static long procfs_read(struct file *f, char *ubuf, size_t len)
{
	struct text *t = f->priv;

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
	return sb;
}
