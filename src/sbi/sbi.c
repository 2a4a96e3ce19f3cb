/* SBI calls: see <sluice/sbi.h>. */
#include <sluice/console.h>
#include <sluice/hart.h>
#include <sluice/printk.h>
#include <sluice/sbi.h>

#define SBI_DBCN_WRITE_BYTE		  2
#define SBI_TIME_SET_TIMER		  0
#define SBI_SRST_SYSTEM_RESET		  0
#define SBI_RFENCE_REMOTE_SFENCE_VMA	  1
#define SBI_RFENCE_REMOTE_SFENCE_VMA_ASID 2
#define SBI_IPI_SEND_IPI		  0
#define SBI_HSM_HART_START		  0

struct sbi_info sbi;

struct sbiret sbi_ecall4(unsigned long ext, unsigned long fid, unsigned long arg0,
			 unsigned long arg1, unsigned long arg2, unsigned long arg3,
			 unsigned long arg4)
{
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a2 __asm__("a2") = arg2;
	register unsigned long a3 __asm__("a3") = arg3;
	register unsigned long a4 __asm__("a4") = arg4;
	register unsigned long a6 __asm__("a6") = fid;
	register unsigned long a7 __asm__("a7") = ext;

	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1)
			 : "r"(a2), "r"(a3), "r"(a4), "r"(a6), "r"(a7)
			 : "memory");
	return (struct sbiret){.error = (long)a0, .value = (long)a1};
}

struct sbiret sbi_ecall(unsigned long ext, unsigned long fid, unsigned long arg0,
			unsigned long arg1, unsigned long arg2)
{
	return sbi_ecall4(ext, fid, arg0, arg1, arg2, 0, 0);
}

static bool sbi_has(unsigned long ext)
{
	struct sbiret r = sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, ext, 0, 0);
	return r.error == SBI_SUCCESS && r.value != 0;
}

void sbi_probe(void)
{
	sbi.spec_version = sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0).value;
	sbi.impl_id = sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0).value;
	sbi.impl_version = sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION, 0, 0, 0).value;
	sbi.mvendorid = sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_MVENDORID, 0, 0, 0).value;
	sbi.marchid = sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_MARCHID, 0, 0, 0).value;
	sbi.mimpid = sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_MIMPID, 0, 0, 0).value;
	sbi.has_time = sbi_has(SBI_EXT_TIME);
	sbi.has_ipi = sbi_has(SBI_EXT_IPI);
	sbi.has_rfence = sbi_has(SBI_EXT_RFENCE);
	sbi.has_hsm = sbi_has(SBI_EXT_HSM);
	sbi.has_srst = sbi_has(SBI_EXT_SRST);
	sbi.has_pmu = sbi_has(SBI_EXT_PMU);
	sbi.has_dbcn = sbi_has(SBI_EXT_DBCN);
	sbi.has_susp = sbi_has(SBI_EXT_SUSP);
	sbi.has_cppc = sbi_has(SBI_EXT_CPPC);
}

const char *sbi_impl_name(unsigned long impl_id)
{
	/* Implementation ids from the SBI specification. */
	static const char *const names[] = {"Berkeley Boot Loader",
					    "OpenSBI",
					    "Xvisor",
					    "KVM",
					    "RustSBI",
					    "Diosix",
					    "Coffer",
					    "Xen Project",
					    "PolarFire Hart Software Services"};

	return impl_id < ARRAY_SIZE(names) ? names[impl_id] : "unknown";
}

void sbi_console_putchar(char c)
{
	if (sbi.has_dbcn)
		sbi_ecall(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, (unsigned char)c, 0, 0);
	else
		sbi_ecall(SBI_LEGACY_CONSOLE_PUTCHAR, 0, (unsigned char)c, 0, 0);
}

void sbi_set_timer(uint64_t stime)
{
	if (sbi.has_time)
		sbi_ecall(SBI_EXT_TIME, SBI_TIME_SET_TIMER, stime, 0, 0);
	else
		sbi_ecall(SBI_LEGACY_SET_TIMER, 0, stime, 0, 0);
}

struct sbiret sbi_system_reset(unsigned long type, unsigned long reason)
{
	return sbi_ecall(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, type, reason, 0);
}

__noreturn void sbi_poweroff(void)
{
	struct sbiret r;

	console_flush(); /* the last messages are still queued for the UART */
	if (sbi.has_srst) {
		r = sbi_system_reset(SBI_SRST_RESET_TYPE_SHUTDOWN, SBI_SRST_RESET_REASON_NONE);
		printk("sbi: shutdown refused (error %ld); rebooting instead\n", r.error);
		r = sbi_system_reset(SBI_SRST_RESET_TYPE_COLD_REBOOT, SBI_SRST_RESET_REASON_NONE);
		printk("sbi: reboot refused (error %ld)\n", r.error);
	}
	sbi_ecall(SBI_LEGACY_SHUTDOWN, 0, 0, 0, 0);
	printk("sbi: cannot power off; halting\n");
	hart_halt();
}

void sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long start, unsigned long size)
{
	sbi_ecall4(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, hart_mask, 0, start, size, 0);
}

void sbi_remote_sfence_vma_asid(unsigned long hart_mask, unsigned long start, unsigned long size,
				unsigned long asid)
{
	sbi_ecall4(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, hart_mask, 0, start, size,
		   asid);
}

void sbi_send_ipi(unsigned long hart_mask)
{
	sbi_ecall(SBI_EXT_IPI, SBI_IPI_SEND_IPI, hart_mask, 0, 0);
}

long sbi_hart_start(unsigned long hartid, unsigned long start, unsigned long opaque)
{
	return sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, start, opaque).error;
}
