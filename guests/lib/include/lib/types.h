/*
 * Freestanding basics every guest file needs: fixed-width integers,
 * booleans, size_t, varargs and a few compiler attributes.
 */
#ifndef GUEST_LIB_TYPES_H
#define GUEST_LIB_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define __noreturn	__attribute__((noreturn))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __aligned(n)	__attribute__((aligned(n)))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT(n)		(1UL << (n))

/*
 * Set bits in a word. Not __builtin_popcount: with -mgeneral-regs-only
 * that becomes a libgcc call, and libgcc's version uses SIMD registers.
 */
static inline unsigned int hweight32(uint32_t v)
{
	v = v - ((v >> 1) & 0x55555555U);
	v = (v & 0x33333333U) + ((v >> 2) & 0x33333333U);
	return (((v + (v >> 4)) & 0x0f0f0f0fU) * 0x01010101U) >> 24;
}

#endif
