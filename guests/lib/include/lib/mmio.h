/*
 * Device register accessors. Each is one load or store with a plain base
 * register and no writeback, so that under a hypervisor the trap syndrome
 * is valid (ESR_EL2.ISV = 1) and the access can be emulated. A C volatile
 * dereference does not promise that: the compiler may pick a pre- or
 * post-indexed form.
 */
#ifndef GUEST_LIB_MMIO_H
#define GUEST_LIB_MMIO_H

#include <lib/types.h>

static inline uint8_t readb(uintptr_t addr)
{
	uint32_t val;

	asm volatile("ldrb %w0, [%1]" : "=r"(val) : "r"(addr) : "memory");
	return (uint8_t)val;
}

static inline uint32_t readl(uintptr_t addr)
{
	uint32_t val;

	asm volatile("ldr %w0, [%1]" : "=r"(val) : "r"(addr) : "memory");
	return val;
}

static inline uint64_t readq(uintptr_t addr)
{
	uint64_t val;

	asm volatile("ldr %0, [%1]" : "=r"(val) : "r"(addr) : "memory");
	return val;
}

static inline void writeb(uint8_t val, uintptr_t addr)
{
	asm volatile("strb %w0, [%1]" :: "rZ"(val), "r"(addr) : "memory");
}

static inline void writel(uint32_t val, uintptr_t addr)
{
	asm volatile("str %w0, [%1]" :: "rZ"(val), "r"(addr) : "memory");
}

static inline void writeq(uint64_t val, uintptr_t addr)
{
	asm volatile("str %x0, [%1]" :: "rZ"(val), "r"(addr) : "memory");
}

#endif
