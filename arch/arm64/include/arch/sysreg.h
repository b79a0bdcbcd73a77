/*
 * System-register access and the EL2 configuration constants Tandem uses.
 * Assembly-safe above the __ASSEMBLY__ guard.
 */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#define BIT_UL(n) (1UL << (n))

/* HCR_EL2 while the host runs: EL1 is AArch64; physical IRQ/FIQ/SError are
 * routed to EL2 (needed to take them at EL2 at all, and later for guests). */
#define HCR_RW        (1UL << 31)
#define HCR_AMO       (1UL << 5)
#define HCR_IMO       (1UL << 4)
#define HCR_FMO       (1UL << 3)
#define HCR_HOST      (HCR_RW | HCR_AMO | HCR_IMO | HCR_FMO)

/* CPTR_EL2 (non-VHE layout): RES1 bits 13:12, 9:0; TZ (bit 8) traps SVE.
 * TFP (bit 10) traps FP/SIMD at EL2, EL1 and EL0 (EC 0x07): set by a thread
 * switch when the incoming thread's FP/SIMD state is not the one in the
 * registers (lazy switching, arch/arm64/fp_lazy.c), clear otherwise. */
#define CPTR_EL2_RES1 0x33ffUL
#define CPTR_EL2_TZ   (1UL << 8)
#define CPTR_EL2_TFP  (1UL << 10)
#define CPTR_HOST     (CPTR_EL2_RES1 | CPTR_EL2_TZ)

/* SCTLR_EL2 (non-VHE): RES1 bits plus the ones we set. */
#define SCTLR_EL2_RES1 0x30c50830UL
#define SCTLR_M       (1UL << 0)
#define SCTLR_A       (1UL << 1)
#define SCTLR_C       (1UL << 2)
#define SCTLR_SA      (1UL << 3)
#define SCTLR_I       (1UL << 12)
#define SCTLR_WXN     (1UL << 19)

/* MAIR_EL2 attribute indexes. */
#define MT_DEVICE_nGnRnE 0
#define MT_DEVICE_nGnRE  1
#define MT_NORMAL        2
#define MT_NORMAL_NC     3
#define MAIR_VALUE    0x44ff0400UL

/* TCR_EL2 (non-VHE): 48-bit VA, 4 KiB granule, WBWA inner-shareable walks.
 * PS (bits 18:16) is filled in at run time from ID_AA64MMFR0_EL1.PARange. */
#define TCR_EL2_RES1  ((1UL << 31) | (1UL << 23))
#define TCR_T0SZ_48   16UL
#define TCR_IRGN0_WBWA (1UL << 8)
#define TCR_ORGN0_WBWA (1UL << 10)
#define TCR_SH0_INNER (3UL << 12)
#define TCR_PS_SHIFT  16
#define TCR_HOST      (TCR_EL2_RES1 | TCR_T0SZ_48 | TCR_IRGN0_WBWA | \
		       TCR_ORGN0_WBWA | TCR_SH0_INNER)

/* CNTHCTL_EL2 (non-VHE): EL1PCTEN | EL1PCEN. */
#define CNTHCTL_HOST  3UL
/* MDCR_EL2: guest EL0/EL1 accesses to the PMU (TPM, TPMCR) and to SPE
 * (TPMS) trap. Neither is switched per vCPU and the ID registers hide
 * both, so a guest that tries gets an UNDEF as on a core without them.
 * Every debug register access traps too (TDA, TDOSA, TDRA): the debug
 * state is emulated per vCPU (arch/arm64/vdebug.c). */
#define MDCR_EL2_TRAPS 0x4e60UL

/* ICC_SRE_EL2: SRE | DFB | DIB | Enable (lower ELs may use the sysreg interface). */
#define ICC_SRE_EL2_HOST 0xfUL

/* DAIF bits in PSTATE. */
#define DAIF_I        (1UL << 7)

/* ESR_EL2 fields. */
#define ESR_EC_SHIFT  26
#define ESR_EC_MASK   0x3fUL
#define ESR_ISS_MASK  0x1ffffffUL

#ifndef __ASSEMBLY__
#include <stdint.h>

#ifdef TANDEM_HOST_TEST
/*
 * Host unit tests link the drivers (their registration tables, and the
 * MMIO logic of the UARTs) but never run the system-register paths:
 * reads give 0, writes and barriers do nothing.
 */
#define read_sysreg(reg) ((uint64_t)0)
#define write_sysreg(reg, val) ((void)(val))
#define read_sysreg_s(reg) ((uint64_t)0)
#define write_sysreg_s(reg, val) ((void)(val))
#define isb() __asm__ volatile("" : : : "memory")
#define dsb(opt) __asm__ volatile("" : : : "memory")
#define dmb(opt) __asm__ volatile("" : : : "memory")
#define wfi() __asm__ volatile("" : : : "memory")
#define wfe() __asm__ volatile("" : : : "memory")
#define sev() __asm__ volatile("" : : : "memory")
#define cpu_relax() __asm__ volatile("" : : : "memory")
#else
#define read_sysreg(reg) ({ \
	uint64_t __v; \
	__asm__ volatile("mrs %0, " #reg : "=r"(__v)); \
	__v; })

#define write_sysreg(reg, val) \
	__asm__ volatile("msr " #reg ", %x0" : : "rZ"((uint64_t)(val)))

#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt : : : "memory")
#define wfi() __asm__ volatile("wfi" : : : "memory")
#define wfe() __asm__ volatile("wfe" : : : "memory")
#define sev() __asm__ volatile("sev" : : : "memory")
#define cpu_relax() __asm__ volatile("yield" : : : "memory")
#endif /* TANDEM_HOST_TEST */

/* GICv3 CPU-interface registers by encoding (names some assemblers lack). */
#define ICC_IAR1_EL1   S3_0_C12_C12_0
#define ICC_EOIR1_EL1  S3_0_C12_C12_1
#define ICC_DIR_EL1    S3_0_C12_C11_1
#define ICC_PMR_EL1    S3_0_C4_C6_0
#define ICC_BPR1_EL1   S3_0_C12_C12_3
#define ICC_CTLR_EL1   S3_0_C12_C12_4
#define ICC_SRE_EL1    S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SGI1R_EL1  S3_0_C12_C11_5
#define ICC_SRE_EL2    S3_4_C12_C9_5
#define ICH_HCR_EL2    S3_4_C12_C11_0
#define ICH_VTR_EL2    S3_4_C12_C11_1

#ifndef TANDEM_HOST_TEST
#define __str(x) #x
#define read_sysreg_s(reg) ({ \
	uint64_t __v; \
	__asm__ volatile("mrs %0, " __str(reg) : "=r"(__v)); \
	__v; })
#define write_sysreg_s(reg, val) \
	__asm__ volatile("msr " __str(reg) ", %x0" : : "rZ"((uint64_t)(val)))
#endif

#endif /* __ASSEMBLY__ */
#endif
