/*
 * Decoding of a lower-EL data abort's ESR_EL2 syndrome into the MMIO
 * access it describes, and the size and sign rules of the loaded value.
 *
 * ESR_EL2: EC[31:26], IL[25], ISS[24:0]. Data-abort ISS fields used here
 * (Arm ARM D19, ESR_EL2, "ISS encoding for an exception from a Data
 * Abort"): ISV[24], SAS[23:22], SSE[21], SRT[20:16], SF[15], AR[14],
 * S1PTW[7], WnR[6].
 */
#include <virt/mmio_decode.h>

#include <errno.h>

#define ESR_EC_SHIFT		26
#define ESR_EC_MASK		0x3fULL
#define ESR_EC_DABT_LOW		0x24	/* data abort from a lower EL */
#define ESR_ISV			(1ULL << 24)
#define ESR_SAS_SHIFT		22	/* access size: 1 << SAS bytes */
#define ESR_SAS_MASK		0x3ULL
#define ESR_SSE			(1ULL << 21)
#define ESR_SRT_SHIFT		16
#define ESR_SRT_MASK		0x1fULL
#define ESR_SF			(1ULL << 15)
#define ESR_S1PTW		(1ULL << 7)
#define ESR_WNR			(1ULL << 6)

/*
 * ISV = 1 only for single-register loads and stores without writeback,
 * excluding exclusives (so also the acquire/release-exclusive forms):
 * anything else has no usable syndrome. AR = 1 (LDAR, STLR, LDAPR) is
 * accepted: the vCPU waits in the trap until the emulated access is done,
 * which already orders it against the guest's later accesses. A fault on
 * a stage-1 table walk (S1PTW) is not the instruction's access at all.
 */
int mmio_decode(uint64_t esr, struct mmio_access *a)
{
	if (((esr >> ESR_EC_SHIFT) & ESR_EC_MASK) != ESR_EC_DABT_LOW)
		return -EINVAL;
	if (!(esr & ESR_ISV) || (esr & ESR_S1PTW))
		return -EINVAL;

	a->write = esr & ESR_WNR;
	a->size = 1U << ((esr >> ESR_SAS_SHIFT) & ESR_SAS_MASK);
	a->reg = (unsigned int)((esr >> ESR_SRT_SHIFT) & ESR_SRT_MASK);
	a->sign_extend = esr & ESR_SSE;
	a->sixty_four = esr & ESR_SF;
	return 0;
}

/*
 * Bytes beyond the access size are dropped; a sign-extending load
 * repeats the top bit up to the register width; a W destination zeroes
 * bits [63:32], as every write to a W register does.
 */
uint64_t mmio_load_value(const struct mmio_access *a, uint64_t raw)
{
	unsigned int bits = a->size * 8;
	uint64_t v = raw;

	if (bits && bits < 64) {
		v &= (1ULL << bits) - 1;
		if (a->sign_extend && (v >> (bits - 1)) & 1)
			v |= ~0ULL << bits;
	}
	if (!a->sixty_four)
		v &= 0xffffffffULL;
	return v;
}
