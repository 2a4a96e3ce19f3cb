/*
 * st_exec.c - execve with what a loader must survive: ELF files with each
 * header field and each program-header field damaged in turn, files cut
 * short; argv and envp at and just past their limits, and bad pointers in
 * them.
 */
#include <stdio.h>
#include <string.h>

#include "stress.h"

extern char **environ;

#define ELF_PATH "/tmp/stress-elf"
#define ELF_MAX	 (64 * 1024)

/* How an exec attempt ended: the exec's error, an exit status, a signal. */
struct outcome {
	long exec_err; /* -errno from execve, or 0 if the program ran */
	int status;    /* wait status when it ran */
	bool looped;   /* still running after 3 s: killed */
};

/* Run path with argv and envp in a child; kill it if it runs 3 s. */
static struct outcome try_exec(const char *path, char *const argv[], char *const envp[])
{
	struct outcome o = {0, 0, false};
	int report[2];
	long pid, err = 0;

	make_pipe(report); /* close on exec: a successful exec says nothing */
	pid = raw_fork();
	if (pid == 0) {
		err = syscall3(__NR_execve, (long)path, (long)argv, (long)envp);
		syscall3(__NR_write, report[1], (long)&err, sizeof(err));
		_exit(126);
	}
	CHECK(pid > 0);
	syscall1(__NR_close, report[1]);
	o.status = reap_within((int)pid, 3000);
	if (o.status < 0) { /* a damaged entry point may well loop */
		syscall2(__NR_kill, pid, LINUX_SIGKILL);
		o.status = reap((int)pid);
		o.looped = true;
	}
	if (read_full(report[0], &err, sizeof(err)) == sizeof(err))
		o.exec_err = err;
	syscall1(__NR_close, report[0]);
	return o;
}

/* --- damaged ELF files --- */

static unsigned char elf[ELF_MAX], damaged[ELF_MAX];
static size_t elf_len;
static long n_refused, n_ran, n_signal, n_looped, n_tried;

static void write_file(const void *buf, size_t len)
{
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)ELF_PATH,
			   LINUX_O_CREAT | LINUX_O_TRUNC | 1, 0755);

	CHECK(fd >= 0);
	write_full((int)fd, buf, len);
	syscall1(__NR_close, fd);
}

/* Exec the damaged copy: refused, ran, or died of a signal; never more. */
static void try_damaged(size_t len, const char *what, bool must_refuse)
{
	static char *const argv[] = {"stress-elf", NULL};
	struct outcome o;

	write_file(damaged, len);
	long pages = free_pages();
	o = try_exec(ELF_PATH, argv, environ);
	n_tried++;
	if (free_pages() != pages) /* the child is reaped: all its pages are back */
		test_fail(__FILE__, __LINE__, "%s: %ld pages lost", what, pages - free_pages());
	if (o.exec_err) {
		n_refused++;
		if (o.exec_err != -ENOEXEC && o.exec_err != -ENOMEM && o.exec_err != -EINVAL &&
		    o.exec_err != -EACCES && o.exec_err != -EIO)
			test_fail(__FILE__, __LINE__, "%s: execve %ld", what, o.exec_err);
		return;
	}
	if (must_refuse)
		test_fail(__FILE__, __LINE__, "%s: ran (status %#x), want ENOEXEC", what, o.status);
	n_looped += o.looped;
	if (o.status & 0x7f)
		n_signal++;
	else
		n_ran++;
}

static void put_le(unsigned char *p, int size, unsigned long v)
{
	for (int i = 0; i < size; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static unsigned long get_le(const unsigned char *p, int size)
{
	unsigned long v = 0;

	for (int i = size - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Values to put in a field that holds orig: edges, neighbours, addresses. */
static void damage_field(size_t off, int size, const char *name, bool must_refuse)
{
	unsigned long orig = get_le(elf + off, size);
	unsigned long ones = size == 8 ? ~0ul : (1ul << (8 * size)) - 1;
	const unsigned long values[] = {0,
					1,
					ones,
					orig ^ 1,
					orig + PAGE_SIZE,
					ones ^ (ones >> 1),
					0xffffffc000000000ul,
					1ul << 40};
	char what[64];

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		unsigned long v = values[i] & ones;
		if (v == orig || (i > 4 && size < 8 && values[i] > ones))
			continue;
		memcpy(damaged, elf, elf_len);
		put_le(damaged + off, size, v);
		snprintf(what, sizeof(what), "%s = %#lx", name, v);
		try_damaged(elf_len, what, must_refuse);
	}
}

static const struct field {
	const char *name;
	size_t off;
	int size;
	bool must_refuse; /* Linux refuses these too (ENOEXEC) */
} ehdr_fields[] = {
	{"e_ident[EI_MAG0]", 0, 1, true},
	{"e_ident[EI_MAG1]", 1, 1, true},
	{"e_ident[EI_MAG2]", 2, 1, true},
	{"e_ident[EI_MAG3]", 3, 1, true},
	{"e_ident[EI_CLASS]", 4, 1, true},
	{"e_ident[EI_DATA]", 5, 1, false},
	{"e_ident[EI_VERSION]", 6, 1, false},
	{"e_ident[EI_OSABI]", 7, 1, false},
	{"e_ident[EI_ABIVERSION]", 8, 1, false},
	{"e_ident[9..15]", 9, 7, false},
	{"e_type", 16, 2, false},
	{"e_machine", 18, 2, true},
	{"e_version", 20, 4, false},
	{"e_entry", 24, 8, false},
	{"e_phoff", 32, 8, false},
	{"e_shoff", 40, 8, false},
	{"e_flags", 48, 4, false},
	{"e_ehsize", 52, 2, false},
	{"e_phentsize", 54, 2, false},
	{"e_phnum", 56, 2, false},
	{"e_shentsize", 58, 2, false},
	{"e_shnum", 60, 2, false},
	{"e_shstrndx", 62, 2, false},
};

static const struct field phdr_fields[] = {
	{"p_type", 0, 4, false},   {"p_flags", 4, 4, false},  {"p_offset", 8, 8, false},
	{"p_vaddr", 16, 8, false}, {"p_paddr", 24, 8, false}, {"p_filesz", 32, 8, false},
	{"p_memsz", 40, 8, false}, {"p_align", 48, 8, false},
};

/*
 * The program the exec tests run: Sluice's /bin/exit0 (no C library, one
 * page); on a Linux host (-l) the host's own /bin/true, which qemu's
 * user-mode run cannot exec (ENOEXEC, accepted there).
 */
static const char *small_program(void)
{
	return on_linux ? "/bin/true" : "/bin/exit0";
}

static void load_elf(const char *path)
{
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)path, 0, 0);

	CHECK(fd >= 0);
	elf_len = (size_t)read_full((int)fd, elf, sizeof(elf));
	syscall1(__NR_close, fd);
	CHECK(elf_len > 64 && elf_len < sizeof(elf));
}

void test_elf_malformed(void)
{
	size_t phoff, phnum, cuts[] = {0, 1, 4, 16, 52, 63, 64, 0, 0, 0};
	char name[64];

	load_elf(small_program());
	phoff = get_le(elf + 32, 8);
	phnum = get_le(elf + 56, 2);
	memcpy(damaged, elf, elf_len);
	try_damaged(elf_len, "the undamaged file", false);
	CHECK_EQ(n_ran, 1);
	for (size_t f = 0; f < sizeof(ehdr_fields) / sizeof(ehdr_fields[0]); f++)
		damage_field(ehdr_fields[f].off, ehdr_fields[f].size > 8 ? 8 : ehdr_fields[f].size,
			     ehdr_fields[f].name, ehdr_fields[f].must_refuse);
	for (size_t i = 0; i < phnum; i++) {
		for (size_t f = 0; f < sizeof(phdr_fields) / sizeof(phdr_fields[0]); f++) {
			snprintf(name, sizeof(name), "phdr[%zu].%s", i, phdr_fields[f].name);
			damage_field(phoff + i * 56 + phdr_fields[f].off, phdr_fields[f].size, name,
				     false);
		}
	}
	/* Cut short: in the header, in the program headers, in the segments. */
	cuts[7] = phoff + phnum * 56 - 1;
	cuts[8] = elf_len / 2;
	cuts[9] = elf_len - 1;
	memcpy(damaged, elf, elf_len);
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		snprintf(name, sizeof(name), "cut to %zu bytes", cuts[i]);
		try_damaged(cuts[i], name, cuts[i] < 64);
	}
	syscall3(__NR_unlinkat, LINUX_AT_FDCWD, (long)ELF_PATH, 0);
	printf("  elf_malformed: %ld damaged files: %ld refused, %ld ran, %ld died of a signal "
	       "(%ld looped until killed)\n",
	       n_tried - 1, n_refused, n_ran - 1, n_signal, n_looped);
}

/* --- argv and envp at their limits --- */

/*
 * Linux's limits, which Sluice now keeps (it had 128 KiB of strings and
 * 4096 pointers in each array): the strings with their NULs, a pointer for
 * each (argc at least 1) and the path exec was given take at most a
 * quarter of RLIMIT_STACK (8 MiB here: 2 MiB); one string takes at most
 * MAX_ARG_STRLEN, 128 KiB.
 */
#define ARG_BYTES (128 * 1024)
#define ARG_TOTAL (2 * 1024 * 1024)
#define ARG_MANY  6000

static char strings[ARG_BYTES + 64];
static char *vec[ARG_TOTAL / 8 + 2], *empty_env[] = {NULL};

/* argv of n copies of one string of len bytes (NUL not counted), then NULL. */
static char *const *make_argv(int n, size_t len)
{
	memset(strings, 'a', len);
	strings[len] = '\0';
	for (int i = 0; i < n; i++)
		vec[i] = strings; /* the kernel copies each one */
	vec[n] = NULL;
	return vec;
}

/* Exec the small program: 0 if it ran and exited 0, else the exec's -errno. */
static long exec_true(char *const argv[], char *const envp[])
{
	struct outcome o = try_exec(small_program(), argv, envp);

	if (o.exec_err)
		return o.exec_err == -ENOEXEC && on_linux ? 0 : o.exec_err; /* no riscv binfmt */
	CHECK_EQ(o.status, 0);
	return 0;
}

static void argv_sluice_limits(void)
{
	static char first[ARG_BYTES];
	char *argv0[] = {first, NULL};
	size_t path = strlen(small_program()) + 1;
	/* strings of 4095 bytes + NUL and their pointers: as many as fit */
	int n = (int)((ARG_TOTAL - path) / (4096 + 8));

	CHECK_EQ(exec_true(make_argv(n, 4095), empty_env), 0);
	CHECK_EQ(exec_true(make_argv(n + 1, 4095), empty_env), -E2BIG);
	/* filled to the byte: the last string takes what is left */
	size_t left = ARG_TOTAL - path - (size_t)n * (4096 + 8) - 8;
	make_argv(n, 4095);
	memset(first, 'c', left - 1);
	first[left - 1] = '\0';
	vec[n] = first;
	vec[n + 1] = NULL;
	CHECK_EQ(exec_true(vec, empty_env), 0);
	first[left - 1] = 'c';
	first[left] = '\0';
	CHECK_EQ(exec_true(vec, empty_env), -E2BIG);
	/* The environment counts with argv: n strings there, argv[0] too. */
	make_argv(n - 1, 4095);
	memset(first, 'b', 4095);
	first[4095] = '\0';
	CHECK_EQ(exec_true(argv0, vec), 0);
	CHECK_EQ(exec_true(argv0, make_argv(n, 4095)), -E2BIG);
	/* No limit on the number of strings but their room (was 4096). */
	CHECK_EQ(exec_true(make_argv(ARG_MANY, 0), empty_env), 0);
	CHECK_EQ(exec_true(make_argv(ARG_MANY, 0), make_argv(ARG_MANY, 0)), 0);
}

static void argv_bad_pointers(void)
{
	char *bad_elem[] = {"true", (char *)0xffffffc000000000ul, NULL};
	long page = syscall6(__NR_mmap, 0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *last;

	CHECK_EQ(exec_true((char *const *)0xffffffc000000000ul, empty_env), -EFAULT);
	CHECK_EQ(exec_true(bad_elem, empty_env), -EFAULT);
	/* A string that runs into an unmapped page without its NUL. */
	CHECK(page > 0);
	CHECK_EQ(syscall2(__NR_munmap, page + PAGE_SIZE, PAGE_SIZE), 0);
	last = (char *)page;
	memset(last, 'x', PAGE_SIZE);
	char *runs_off[] = {"true", last, NULL};
	CHECK_EQ(exec_true(runs_off, empty_env), -EFAULT);
	syscall2(__NR_munmap, page, PAGE_SIZE);
}

/* Eight processes exec with 512 KiB of arguments at once, twenty times. */
static void exec_big_args(void)
{
	char *const *argv = make_argv(128, 4095);

	for (int i = 0; i < 20; i++)
		CHECK_EQ(exec_true(argv, empty_env), 0);
}

void test_argv_limits(void)
{
	int pids[8];

	/* One string of 128 KiB with its NUL is allowed; one byte more is not
	 * (Linux's MAX_ARG_STRLEN). */
	CHECK_EQ(exec_true(make_argv(1, ARG_BYTES - 1), empty_env), 0);
	CHECK_EQ(exec_true(make_argv(1, ARG_BYTES), empty_env), -E2BIG);
	argv_bad_pointers();
	if (on_linux)
		return;
	argv_sluice_limits();
	for (int i = 0; i < 8; i++)
		pids[i] = spawn(exec_big_args);
	for (int i = 0; i < 8; i++)
		expect_exit(reap(pids[i]), 0);
}
