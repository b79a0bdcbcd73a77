/* Bit counting that is safe in host code. */
#ifndef TANDEM_BITOPS_H
#define TANDEM_BITOPS_H

#include <stdint.h>

/*
 * Set bits in a word. Never __builtin_popcount here: under
 * -mgeneral-regs-only it becomes a call to libgcc's __popcountdi2, which
 * uses v0 and so corrupts the guest's FP/SIMD registers when a vCPU
 * thread runs it (scripts/check-fpsimd.sh rejects such a link).
 */
static inline unsigned int hweight32(uint32_t v)
{
	v = v - ((v >> 1) & 0x55555555U);
	v = (v & 0x33333333U) + ((v >> 2) & 0x33333333U);
	return (((v + (v >> 4)) & 0x0f0f0f0fU) * 0x01010101U) >> 24;
}

#endif
