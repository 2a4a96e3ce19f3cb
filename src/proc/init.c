/*
 * The first process.  Like Linux, Sluice runs /init from the initramfs
 * (rdinit= or init= names another), as pid 1 with fds 0, 1 and 2 on the
 * console.  Kernel arguments it does not know itself (no '.' in the name)
 * go to init: "name=value" into its environment, anything else into argv,
 * and everything after "--" into argv.
 */
#include <sluice/boot.h>
#include <sluice/errno.h>
#include <sluice/exec.h>
#include <sluice/mm.h>
#include <sluice/panic.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/random.h>
#include <sluice/riscv.h>
#include <sluice/signal.h>
#include <sluice/string.h>
#include <sluice/uvm.h>
#include <sluice/vfs_internal.h>

#define INIT_MAX_ARGS 32

void user_first_run(void);

struct init_args {
	char buf[512];
	const char *argv[INIT_MAX_ARGS + 2];
	const char *envp[INIT_MAX_ARGS + 3];
	int argc, envc;
	const char *path;
};

/* Split the command line into words (in a copy) and sort them out. */
static void init_parse(struct init_args *a, const char *cmdline)
{
	bool after_dashes = false;
	char *w = a->buf;

	strncpy_safe(a->buf, cmdline, sizeof(a->buf));
	a->path = "/init";
	a->envp[a->envc++] = "HOME=/";
	a->envp[a->envc++] = "TERM=linux";
	while (*w) {
		char *end = w;
		while (*end && *end != ' ')
			end++;
		bool last = !*end;
		*end = '\0';
		char *eq = strchr(w, '=');
		if (!*w) {
			/* several spaces */
		} else if (!after_dashes && !strcmp(w, "--")) {
			after_dashes = true;
		} else if (!after_dashes &&
			   (!strncmp(w, "rdinit=", 7) || !strncmp(w, "init=", 5))) {
			a->path = eq + 1;
		} else if (!after_dashes && (strchr(w, '.') && (!eq || strchr(w, '.') < eq))) {
			/* sluice.xxx and other module-style arguments: the kernel's */
		} else if (!after_dashes && eq) {
			if (a->envc < INIT_MAX_ARGS)
				a->envp[a->envc++] = w;
		} else if (a->argc < INIT_MAX_ARGS) {
			a->argv[1 + a->argc++] = w;
		}
		if (last)
			break;
		w = end + 1;
	}
	a->argv[0] = a->path;
	a->argv[1 + a->argc] = NULL;
	a->envp[a->envc] = NULL;
}

void init_start(const char *cmdline)
{
	static struct init_args a;
	int err;
	struct proc *p = proc_alloc("init", &err);

	if (!p || files_fork(NULL, p, 0))
		panic("init_start: no memory for the first process");
	rlimit_init(p); /* Linux's defaults, which every process inherits */
	init_parse(&a, cmdline);
	p->fs->umask = 022; /* Linux's init_fs: what every process starts from */
	if (platform.has_initrd)
		printk("init: initramfs from the boot loader at 0x%lx (%lu KiB)\n",
		       (unsigned long)platform.initrd_start,
		       (unsigned long)((platform.initrd_end - platform.initrd_start) / 1024));
	/* stdin, stdout and stderr: one open file of the console, as Linux does */
	struct file *console;
	err = vfs_open(AT_FDCWD, "/dev/console", O_RDWR, 0, &console);
	if (err) {
		printk("init: cannot open /dev/console: error %d\n", err);
	} else {
		p->fds->fd[0] = console;
		p->fds->fd[1] = file_get(console);
		p->fds->fd[2] = file_get(console);
	}
	err = exec_kernel(p, a.path, a.argv, a.envp, false);
	if (err) {
		printk("init: cannot run %s: error %d; idling (Ctrl-A x leaves QEMU)\n", a.path,
		       err);
		proc_free(p);
		return;
	}
	p->ctx.ra = (unsigned long)user_first_run;
	p->ctx.sp = (unsigned long)p->tf;
	p->pgid = p->sid = p->pid;
	init_proc = p;
	proc_start(p);
}

void proc_init_boot(void)
{
	if (page_refs_init() || signal_init() || uvm_zero_page_init())
		panic("proc_init_boot: no memory for page counts, the signal trampoline or the "
		      "zero page");
	random_seed(csr_read(CSR_INSTRET) ^ read_time() ^ (uint64_t)(uintptr_t)platform.bootargs);
}
