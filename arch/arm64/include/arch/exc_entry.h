/*
 * What the Arm ARM's exception entry to AArch64 EL1 does to PSTATE, the
 * vector offset and the syndrome's class: pure computations, used to inject
 * synchronous exceptions into a guest (vcpu_ctx.c) and unit-tested on the
 * host (tests/unit/test_exc_entry.c).
 */
#ifndef ARCH_EXC_ENTRY_H
#define ARCH_EXC_ENTRY_H

#include <stdbool.h>
#include <stdint.h>

/* PSTATE / SPSR bits. */
#define PSR_NZCV	(0xfULL << 28)
#define PSR_TCO		(1ULL << 25)
#define PSR_DIT		(1ULL << 24)
#define PSR_UAO		(1ULL << 23)
#define PSR_PAN		(1ULL << 22)
#define PSR_SS		(1ULL << 21)
#define PSR_IL		(1ULL << 20)
#define PSR_SSBS	(1ULL << 12)
#define PSR_BTYPE	(3ULL << 10)
#define PSR_DAIF	(0xfULL << 6)
#define PSR_NRW		(1ULL << 4)	/* AArch32 */
#define PSR_EL_MASK	(3ULL << 2)
#define PSR_SP		(1ULL << 0)
#define PSR_EL1H	((1ULL << 2) | PSR_SP)

#define SCTLR_EL1_SPAN	(1ULL << 23)
#define SCTLR_EL1_DSSBS	(1ULL << 44)

/* Features the guest has (as the hardware implements them). */
#define EXC_FEAT_PAN	(1u << 0)
#define EXC_FEAT_SSBS	(1u << 1)
#define EXC_FEAT_MTE	(1u << 2)

/* ESR_ELx exception classes for aborts. */
#define EC_IABT_LOWER	0x20
#define EC_IABT_SAME	0x21
#define EC_DABT_LOWER	0x24
#define EC_DABT_SAME	0x25

/* PSTATE on entry to EL1 (SP_EL1) from a context whose PSTATE was old. */
uint64_t exc_entry_pstate(uint64_t old, uint64_t sctlr_el1, unsigned feats);
/* Offset from VBAR_EL1 of the synchronous vector for an exception taken
 * from old to EL1. */
uint64_t exc_sync_vector_offset(uint64_t old);
/* EC of an instruction (data false) or data abort taken from old to EL1. */
unsigned exc_abort_ec(bool data, uint64_t old);

#endif
