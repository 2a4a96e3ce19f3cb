/*
 * RISC-V supervisor-level encodings, named as in the privileged spec
 * (Volume II, "Supervisor-Level ISA").  Every CSR, bit and cause code the
 * kernel uses is named here, once.
 */
#ifndef SLUICE_RISCV_H
#define SLUICE_RISCV_H

/* A constant usable from both C and assembly. */
#ifdef __ASSEMBLER__
#define _UL(x) x
#else
#define _UL(x) x##ul
#endif

/* CSR numbers */
#define CSR_SSTATUS    0x100
#define CSR_SIE	       0x104
#define CSR_STVEC      0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG    0x10a
#define CSR_SSCRATCH   0x140
#define CSR_SEPC       0x141
#define CSR_SCAUSE     0x142
#define CSR_STVAL      0x143
#define CSR_SIP	       0x144
#define CSR_STIMECMP   0x14d /* Sstc */
#define CSR_SATP       0x180
#define CSR_CYCLE      0xc00
#define CSR_TIME       0xc01
#define CSR_INSTRET    0xc02

/* sstatus */
#define SSTATUS_SIE	   (_UL(1) << 1) /* interrupts enabled in S-mode */
#define SSTATUS_SPIE	   (_UL(1) << 5) /* SIE before the trap */
#define SSTATUS_SPP	   (_UL(1) << 8) /* privilege before the trap: 1 = S, 0 = U */
#define SSTATUS_FS_SHIFT   13
#define SSTATUS_FS	   (_UL(3) << SSTATUS_FS_SHIFT) /* FP state: Off/Initial/Clean/Dirty */
#define SSTATUS_FS_OFF	   (_UL(0) << SSTATUS_FS_SHIFT)
#define SSTATUS_FS_INITIAL (_UL(1) << SSTATUS_FS_SHIFT)
#define SSTATUS_FS_CLEAN   (_UL(2) << SSTATUS_FS_SHIFT)
#define SSTATUS_FS_DIRTY   (_UL(3) << SSTATUS_FS_SHIFT)
#define SSTATUS_SUM	   (_UL(1) << 18) /* S-mode may touch U pages */
#define SSTATUS_MXR	   (_UL(1) << 19)

/* sie / sip bits, and interrupt numbers (scause with CAUSE_IRQ_FLAG) */
#define IRQ_S_SOFT  1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT   9
#define SIE_SSIE    (_UL(1) << IRQ_S_SOFT)
#define SIE_STIE    (_UL(1) << IRQ_S_TIMER)
#define SIE_SEIE    (_UL(1) << IRQ_S_EXT)

/* scause */
#define CAUSE_IRQ_FLAG	     (_UL(1) << 63)
#define EXC_INST_MISALIGNED  0
#define EXC_INST_ACCESS	     1
#define EXC_ILLEGAL_INST     2
#define EXC_BREAKPOINT	     3
#define EXC_LOAD_MISALIGNED  4
#define EXC_LOAD_ACCESS	     5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS     7
#define EXC_ECALL_U	     8
#define EXC_ECALL_S	     9
#define EXC_INST_PAGE_FAULT  12
#define EXC_LOAD_PAGE_FAULT  13
#define EXC_STORE_PAGE_FAULT 15
#define EXC_COUNT	     16

/* stvec: MODE in the low two bits */
#define STVEC_MODE_DIRECT 0

/* satp for Sv39 */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_SV39	(_UL(8) << SATP_MODE_SHIFT)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK	_UL(0xffff)
#define SATP_PPN_MASK	((_UL(1) << 44) - 1)

#ifndef __ASSEMBLER__

#define csr_read(csr)                                                                              \
	({                                                                                         \
		unsigned long v_;                                                                  \
		__asm__ volatile("csrr %0, %1" : "=r"(v_) : "i"(csr) : "memory");                  \
		v_;                                                                                \
	})

#define csr_write(csr, val) ({ __asm__ volatile("csrw %0, %1" ::"i"(csr), "rK"(val) : "memory"); })

#define csr_set(csr, bits) ({ __asm__ volatile("csrs %0, %1" ::"i"(csr), "rK"(bits) : "memory"); })

#define csr_clear(csr, bits)                                                                       \
	({ __asm__ volatile("csrc %0, %1" ::"i"(csr), "rK"(bits) : "memory"); })

/* Clear bits and return the old value, atomically with respect to traps. */
#define csr_read_clear(csr, bits)                                                                  \
	({                                                                                         \
		unsigned long v_;                                                                  \
		__asm__ volatile("csrrc %0, %1, %2" : "=r"(v_) : "i"(csr), "rK"(bits) : "memory"); \
		v_;                                                                                \
	})

static inline void local_irq_enable(void)
{
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
}

static inline void local_irq_disable(void)
{
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
}

static inline unsigned long read_time(void)
{
	return csr_read(CSR_TIME);
}

/*
 * sfence.vma (privileged spec, "Supervisor Memory-Management Fence"): rs1
 * names one virtual address or x0 for all, rs2 one ASID or x0 for all; an
 * ASID-specific fence leaves global (PTE_G) entries alone.
 */

/* Flush this hart's TLB: all addresses, all address spaces. */
static inline void local_flush_tlb_all(void)
{
	__asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

/* Every entry of one address space (global ones kept). */
static inline void local_flush_tlb_asid(unsigned long asid)
{
	__asm__ volatile("sfence.vma zero, %0" ::"r"(asid) : "memory");
}

/* One virtual address, in every address space (global entries too). */
static inline void local_flush_tlb_addr(unsigned long va)
{
	__asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

/* One virtual address of one address space. */
static inline void local_flush_tlb_addr_asid(unsigned long va, unsigned long asid)
{
	__asm__ volatile("sfence.vma %0, %1" ::"r"(va), "r"(asid) : "memory");
}

static inline void wait_for_interrupt(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

#endif /* __ASSEMBLER__ */
#endif
