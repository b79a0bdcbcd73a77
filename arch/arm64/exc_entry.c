/*
 * The Arm ARM's rules for taking an exception to AArch64 EL1
 * (AArch64.TakeException), for exceptions Tandem injects. What the
 * hardware would do, bit by bit, so a guest's handler starts in the state
 * its own exceptions give it: the PAN it asked for with SCTLR_EL1.SPAN,
 * the SSBS of SCTLR_EL1.DSSBS, its DIT and flags kept.
 */
#include <arch/exc_entry.h>

uint64_t exc_entry_pstate(uint64_t old, uint64_t sctlr_el1, unsigned feats)
{
	/* Unchanged: the condition flags and DIT. Set to 0: UAO, SS, IL,
	 * BTYPE (and for an AArch32 source, IT and T, which live in bits
	 * this does not copy). */
	uint64_t new = old & (PSR_NZCV | PSR_DIT);

	/* PAN is unchanged, and set when SCTLR_EL1.SPAN is 0. */
	if (feats & EXC_FEAT_PAN) {
		new |= old & PSR_PAN;
		if (!(sctlr_el1 & SCTLR_EL1_SPAN))
			new |= PSR_PAN;
	}
	if ((feats & EXC_FEAT_SSBS) && (sctlr_el1 & SCTLR_EL1_DSSBS))
		new |= PSR_SSBS;
	if (feats & EXC_FEAT_MTE)
		new |= PSR_TCO;
	return new | PSR_DAIF | PSR_EL1H;
}

static bool from_el0(uint64_t old)
{
	return (old & PSR_NRW) || (old & PSR_EL_MASK) == 0;
}

uint64_t exc_sync_vector_offset(uint64_t old)
{
	if (old & PSR_NRW)
		return 0x600;			/* lower EL, AArch32 */
	if (from_el0(old))
		return 0x400;			/* lower EL, AArch64 */
	return (old & PSR_SP) ? 0x200 : 0x000;	/* current EL, SP_EL1 / SP_EL0 */
}

unsigned exc_abort_ec(bool data, uint64_t old)
{
	if (data)
		return from_el0(old) ? EC_DABT_LOWER : EC_DABT_SAME;
	return from_el0(old) ? EC_IABT_LOWER : EC_IABT_SAME;
}
