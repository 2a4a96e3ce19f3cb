/*
 * Calls to the Supervisor Binary Interface (the RISC-V SBI specification):
 * the M-mode firmware (OpenSBI) services the kernel uses.  An SBI call is an
 * ecall with the extension id in a7, the function id in a6, arguments in
 * a0-a5; the firmware returns an error code in a0 and a value in a1.
 */
#ifndef SLUICE_SBI_H
#define SLUICE_SBI_H

#include <sluice/types.h>

/* Extension ids */
#define SBI_EXT_BASE   0x10
#define SBI_EXT_TIME   0x54494d45 /* "TIME" */
#define SBI_EXT_IPI    0x735049	  /* "sPI" */
#define SBI_EXT_RFENCE 0x52464e43 /* "RFNC" */
#define SBI_EXT_HSM    0x48534d	  /* "HSM" */
#define SBI_EXT_SRST   0x53525354 /* "SRST" */
#define SBI_EXT_PMU    0x504d55	  /* "PMU" */
#define SBI_EXT_DBCN   0x4442434e /* "DBCN" */
#define SBI_EXT_SUSP   0x53555350 /* "SUSP" */
#define SBI_EXT_CPPC   0x43505043 /* "CPPC" */
/* Legacy extensions (SBI v0.1), each one function */
#define SBI_LEGACY_SET_TIMER	   0x00
#define SBI_LEGACY_CONSOLE_PUTCHAR 0x01
#define SBI_LEGACY_SHUTDOWN	   0x08

/* Base extension functions */
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID	  1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXT	  3
#define SBI_BASE_GET_MVENDORID	  4
#define SBI_BASE_GET_MARCHID	  5
#define SBI_BASE_GET_MIMPID	  6

/* SRST */
#define SBI_SRST_RESET_TYPE_SHUTDOWN	0
#define SBI_SRST_RESET_TYPE_COLD_REBOOT 1
#define SBI_SRST_RESET_REASON_NONE	0

/* Error codes */
#define SBI_SUCCESS	      0
#define SBI_ERR_FAILED	      -1
#define SBI_ERR_NOT_SUPPORTED -2

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_ecall(unsigned long ext, unsigned long fid, unsigned long a0, unsigned long a1,
			unsigned long a2);

/* What the firmware offers, found by sbi_probe() at boot. */
struct sbi_info {
	unsigned long spec_version; /* major << 24 | minor */
	unsigned long impl_id;
	unsigned long impl_version;
	/* The boot hart's machine ids (its M-mode CSRs), which errata follow. */
	unsigned long mvendorid, marchid, mimpid;
	bool has_time, has_ipi, has_rfence, has_hsm, has_srst, has_pmu, has_dbcn;
	bool has_susp, has_cppc;
};

extern struct sbi_info sbi;

/* Ask the firmware its version and which extensions it has. */
void sbi_probe(void);

/* Name of the SBI implementation (OpenSBI, ...). */
const char *sbi_impl_name(unsigned long impl_id);

/* One byte to the firmware's console (DBCN if present, else legacy). */
void sbi_console_putchar(char c);

/* Program this hart's next timer interrupt at absolute time stime. */
void sbi_set_timer(uint64_t stime);

/* sfence.vma on the harts in hart_mask (bit n = hart id n), for
 * [start, start+size); size (size_t)-1 means everything.  RFENCE. */
void sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long start, unsigned long size);
void sbi_remote_sfence_vma_asid(unsigned long hart_mask, unsigned long start, unsigned long size,
				unsigned long asid);

/* Send a software interrupt to the harts in hart_mask.  IPI. */
void sbi_send_ipi(unsigned long hart_mask);

/* Start hart hartid at physical address start with a1 = opaque.  HSM. */
long sbi_hart_start(unsigned long hartid, unsigned long start, unsigned long opaque);

/* Reset the system (SRST); returns only if the firmware refused. */
struct sbiret sbi_system_reset(unsigned long type, unsigned long reason);

/* Power off: SRST shutdown, else reboot (some firmware cannot power off), else
 * the legacy call; if everything fails, halt. */
__noreturn void sbi_poweroff(void);

#endif
