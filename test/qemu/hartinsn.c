/*
 * hartinsn: a QEMU TCG plugin that counts the guest instructions each hart
 * (vCPU) executes, and prints every hart's count whenever a guest hart
 * executes a marker instruction.  make bench (test/qemu/bench.py) builds it
 * and loads it with -plugin to estimate how a load scales over harts: see
 * docs/benchmarks.md, "Scaling over harts".
 *
 * Debian's qemu-system-misc is built with plugin support (the API functions
 * below are exported by the binary) but ships no plugin and no header, so
 * this file declares the few API entry points it uses itself, as the QEMU
 * manual documents them (docs/devel/tcg-plugins: API version 1, QEMU 7.2).
 *
 * The marker is "slli x0, x0, N" (N = 0..63): an instruction that writes
 * x0, which the RISC-V unprivileged spec sets aside as a HINT for custom
 * use, so it does nothing on any hart.  On executing it, the plugin prints
 *     hartinsn: mark N hart H: C0 C1 ... Cn-1
 * with Ci the instructions vCPU i has executed so far.  Counts are taken
 * per translation block when the block starts, so a block cut short by an
 * exception counts whole: a few instructions per page fault, no more.
 *
 * A second line follows each mark,
 *     hartinsn: spin N hart H: S0 S1 ... Sn-1
 * with Si the instructions vCPU i has spent in spin-wait loops (included in
 * Ci): blocks of exactly a load and a conditional branch back to that load,
 * the inner loop of a spinlock ("lw a5,0(s1); bnez a5,.-2"), whoever the
 * code is (the kernel's locks, OpenSBI's waits).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;

/* The install call's system description (API version 1 layout). */
typedef struct {
	const char *target_name;
	struct {
		int min, cur;
	} version;
	bool system_emulation;
	union {
		struct {
			int smp_vcpus, max_vcpus;
		} system;
	};
} qemu_info_t;

enum { CB_NO_REGS = 0 };

typedef void (*vcpu_udata_cb)(unsigned int vcpu_index, void *userdata);
typedef void (*tb_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*udata_cb)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, vcpu_udata_cb cb, int flags,
					  void *userdata);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, vcpu_udata_cb cb,
					    int flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, udata_cb cb, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
void qemu_plugin_outs(const char *string);

EXPORT int qemu_plugin_version = 1;

#define MAX_HARTS 64
/* slli x0, x0, shamt: opcode OP-IMM, funct3 001, rd = rs1 = x0, imm[11:6] = 0. */
#define MARK_MASK	 0xfc0fffffu
#define MARK_BITS	 0x00001013u
#define MARK_SHAMT(insn) (((insn) >> 20) & 0x3f)

/* icount runs every vCPU in one thread, so plain counters are exact; without
 * -icount (one thread per vCPU) each vCPU still writes only its own slot. */
static uint64_t counts[MAX_HARTS];
static unsigned int nharts = 1;

static void on_tb_exec(unsigned int vcpu, void *n_insns)
{
	if (vcpu < MAX_HARTS)
		counts[vcpu] += (uintptr_t)n_insns;
}

static uint64_t spins[MAX_HARTS]; /* of counts: in spin-wait loops */

static void on_spin_exec(unsigned int vcpu, void *unused)
{
	(void)unused;
	if (vcpu < MAX_HARTS) {
		counts[vcpu] += 2;
		spins[vcpu] += 2;
	}
}

/* A load: LOAD (lb..ld), or c.lw / c.ld. */
static bool is_load(const struct qemu_plugin_insn *insn)
{
	const uint8_t *b = qemu_plugin_insn_data(insn);

	if (qemu_plugin_insn_size(insn) == 2)
		return (b[0] & 3) == 0 && (b[1] >> 5 == 2 || b[1] >> 5 == 3);
	return (b[0] & 0x7f) == 0x03;
}

/* Where a conditional branch (BRANCH, c.beqz, c.bnez) goes; 0 if insn is
 * none.  The immediates as the unprivileged spec encodes them. */
static uint64_t branch_target(const struct qemu_plugin_insn *insn)
{
	const uint8_t *b = qemu_plugin_insn_data(insn);
	uint64_t pc = qemu_plugin_insn_vaddr(insn);
	uint32_t w = b[0] | (uint32_t)b[1] << 8;
	int32_t off;

	if (qemu_plugin_insn_size(insn) == 2) {
		if ((w & 3) != 1 || w >> 13 < 6)
			return 0;
		off = (int32_t)((w >> 12 & 1) << 8 | (w >> 10 & 3) << 3 | (w >> 5 & 3) << 6 |
				(w >> 3 & 3) << 1 | (w >> 2 & 1) << 5);
		return pc + (uint64_t)(int64_t)((int32_t)((uint32_t)off << 23) >> 23);
	}
	w |= (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	if ((w & 0x7f) != 0x63)
		return 0;
	off = (int32_t)((w >> 31 & 1) << 12 | (w >> 7 & 1) << 11 | (w >> 25 & 0x3f) << 5 |
			(w >> 8 & 0xf) << 1);
	return pc + (uint64_t)(int64_t)((int32_t)((uint32_t)off << 19) >> 19);
}

/* A spin-wait loop: a load, then a branch back to it, and nothing else. */
static bool is_spin(const struct qemu_plugin_tb *tb)
{
	return qemu_plugin_tb_n_insns(tb) == 2 && is_load(qemu_plugin_tb_get_insn(tb, 0)) &&
	       branch_target(qemu_plugin_tb_get_insn(tb, 1)) == qemu_plugin_tb_vaddr(tb);
}

/*
 * With the argument "profile=on": also count instructions by translation
 * block start address, between marks 1 and 2 if the guest has them, and
 * print the busiest blocks at exit (addresses to look up in the kernel's
 * symbols).  Slower; only for finding where the instructions go.
 */
#define PROF_SLOTS (1u << 16)
static bool profile, profiling_on = true;
static struct {
	uint64_t vaddr, insns;
} prof[PROF_SLOTS];

struct tb_info {
	uint64_t vaddr, n;
};

static void on_tb_exec_prof(unsigned int vcpu, void *tbp)
{
	const struct tb_info *tb = tbp;
	uint64_t vaddr = tb->vaddr, n = tb->n;

	on_tb_exec(vcpu, (void *)(uintptr_t)n);
	if (!profiling_on)
		return;
	for (uint32_t h = (uint32_t)(vaddr * 0x9e3779b97f4a7c15ull >> 48), i = 0; i < 64; i++) {
		uint32_t s = (h + i) % PROF_SLOTS;
		if (prof[s].vaddr == vaddr || !prof[s].vaddr) {
			prof[s].vaddr = vaddr;
			prof[s].insns += n;
			return;
		}
	}
}

static void prof_print(void)
{
	char line[96];

	for (int k = 0; k < 40; k++) {
		uint32_t best = 0;
		for (uint32_t s = 1; s < PROF_SLOTS; s++)
			if (prof[s].insns > prof[best].insns)
				best = s;
		if (!prof[best].insns)
			break;
		snprintf(line, sizeof(line), "hartinsn: profile %#" PRIx64 " %" PRIu64 "\n",
			 prof[best].vaddr, prof[best].insns);
		qemu_plugin_outs(line);
		prof[best].insns = 0;
	}
}

static void on_mark(unsigned int vcpu, void *mark)
{
	if ((uintptr_t)mark == 1 && profile) {
		memset(prof, 0, sizeof(prof));
		profiling_on = true;
	}
	if ((uintptr_t)mark == 2)
		profiling_on = false;
	char line[64 + 21 * MAX_HARTS];
	int len = snprintf(line, sizeof(line),
			   "hartinsn: mark %u hart %u:", (unsigned)(uintptr_t)mark, vcpu);

	for (unsigned int i = 0; i < nharts; i++)
		len += snprintf(line + len, sizeof(line) - (size_t)len, " %" PRIu64, counts[i]);
	snprintf(line + len, sizeof(line) - (size_t)len, "\n");
	qemu_plugin_outs(line);
	len = snprintf(line, sizeof(line), "hartinsn: spin %u hart %u:", (unsigned)(uintptr_t)mark,
		       vcpu);
	for (unsigned int i = 0; i < nharts; i++)
		len += snprintf(line + len, sizeof(line) - (size_t)len, " %" PRIu64, spins[i]);
	snprintf(line + len, sizeof(line) - (size_t)len, "\n");
	qemu_plugin_outs(line);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	struct tb_info *info = profile ? malloc(sizeof(*info)) : NULL;

	if (info) { /* kept for as long as the block may run: never freed */
		info->vaddr = qemu_plugin_tb_vaddr(tb);
		info->n = n;
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb_exec_prof, CB_NO_REGS, info);
	} else if (is_spin(tb))
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_spin_exec, CB_NO_REGS, NULL);
	else
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb_exec, CB_NO_REGS,
						     (void *)(uintptr_t)n);
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint32_t word;

		if (qemu_plugin_insn_size(insn) != 4)
			continue;
		memcpy(&word, qemu_plugin_insn_data(insn), 4);
		if ((word & MARK_MASK) == MARK_BITS)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, CB_NO_REGS,
							       (void *)(uintptr_t)MARK_SHAMT(word));
	}
}

static void on_qemu_exit(qemu_plugin_id_t id, void *unused)
{
	(void)id;
	on_mark(0, (void *)(uintptr_t)64); /* mark 64: the end of the run */
	if (profile)
		prof_print();
	(void)unused;
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "profile=on"))
			profile = true;
	if (info->system_emulation && info->system.smp_vcpus > 0)
		nharts = info->system.smp_vcpus < MAX_HARTS ? (unsigned)info->system.smp_vcpus
							    : MAX_HARTS;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
	return 0;
}
