/* Masking IRQs on the current CPU. */
#ifndef ARCH_IRQFLAGS_H
#define ARCH_IRQFLAGS_H

#include <stdint.h>
#include <stdbool.h>
#include <arch/sysreg.h>

static inline uint64_t arch_irq_lock(void)
{
	uint64_t daif = read_sysreg(daif);

	__asm__ volatile("msr daifset, #2" : : : "memory");
	return daif;
}

static inline void arch_irq_unlock(uint64_t key)
{
	__asm__ volatile("msr daif, %0" : : "r"(key) : "memory");
}

static inline void arch_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}

static inline bool arch_irq_unlocked(uint64_t key)
{
	return !(key & DAIF_I);
}

#endif
