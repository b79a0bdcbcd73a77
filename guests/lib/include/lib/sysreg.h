/*
 * System register access, barriers and the CPU identity helpers the test
 * guests share. Register names are the assembler's (icc_*, cntv_*), so no
 * raw encodings are needed.
 */
#ifndef GUEST_LIB_SYSREG_H
#define GUEST_LIB_SYSREG_H

#include <lib/types.h>

#define read_sysreg(reg) ({						\
	uint64_t __val;							\
	asm volatile("mrs %0, " #reg : "=r"(__val) :: "memory");	\
	__val;								\
})

#define write_sysreg(val, reg)						\
	asm volatile("msr " #reg ", %0" :: "r"((uint64_t)(val)) : "memory")

#define isb()		asm volatile("isb" ::: "memory")
#define dsb(opt)	asm volatile("dsb " #opt ::: "memory")
#define wfi()		asm volatile("wfi" ::: "memory")
#define wfe()		asm volatile("wfe" ::: "memory")
#define sev()		asm volatile("sev" ::: "memory")
#define cpu_relax()	asm volatile("yield" ::: "memory")

#define irq_enable()	asm volatile("msr daifclr, #2" ::: "memory")
#define irq_disable()	asm volatile("msr daifset, #2" ::: "memory")
#define fiq_enable()	asm volatile("msr daifclr, #1" ::: "memory")
#define fiq_disable()	asm volatile("msr daifset, #1" ::: "memory")

/* MPIDR_EL1 affinity fields: Aff3 [39:32], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0]. */
#define MPIDR_AFF_MASK	0xff00ffffffUL

static inline uint64_t mpidr_aff(uint64_t mpidr)
{
	return mpidr & MPIDR_AFF_MASK;
}

static inline uint64_t this_mpidr(void)
{
	return mpidr_aff(read_sysreg(mpidr_el1));
}

/* boot.S keeps the CPU's index (its PSCI context ID) in TPIDR_EL1. */
static inline unsigned int this_cpu(void)
{
	return (unsigned int)read_sysreg(tpidr_el1);
}

#endif
