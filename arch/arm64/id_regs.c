/*
 * What a guest reads from the ID registers (trapped by HCR_EL2.TID3). They
 * must describe a machine that could exist and on which everything the
 * guest may do behaves as described: a feature is shown only if Tandem
 * context-switches its state (or it has none) and does not trap it; a
 * feature that is hidden also traps to EL2 (CPTR_EL2, MDCR_EL2, HCR_EL2)
 * and ends in an injected UNDEF, as on a CPU without it.
 *
 * The machine shown: an AArch64-only CPU with EL0, EL1 and EL3 and no EL2
 * (the guest is a VM; its SMC is answered by Tandem as firmware would).
 * Every field not in the table reads 0: a feature Tandem has not been
 * checked against stays hidden, and reserved fields are RES0.
 * docs/id-registers.md is the same table, with the reasons at length.
 */
#include <arch/id_regs.h>

#define PFR0	ID_REG(4, 0)
#define PFR1	ID_REG(4, 1)
#define DFR0	ID_REG(5, 0)
#define ISAR0	ID_REG(6, 0)
#define ISAR1	ID_REG(6, 1)
#define ISAR2	ID_REG(6, 2)
#define MMFR0	ID_REG(7, 0)
#define MMFR1	ID_REG(7, 1)
#define MMFR2	ID_REG(7, 2)

#define F(reg, shift, pol, val, name, why) \
	{ reg, shift, ID_##pol, val, name, why }

/* Reasons used more than once. */
#define STATELESS	"instructions only, no state to switch"
#define SWITCHED	"its state is context-switched per vCPU"
#define HW_PROPERTY	"a property of the core, true for the guest too"
#define NO_EL2		"an EL2 feature: the guest has no EL2"

const struct id_field id_fields[] = {
	/* ID_AA64PFR0_EL1 */
	F(PFR0, 0, CLAMP, 1, "ID_AA64PFR0_EL1.EL0",
	  "AArch64 only: exits and injections are decoded for AArch64"),
	F(PFR0, 4, CLAMP, 1, "ID_AA64PFR0_EL1.EL1", "AArch64 only: HCR_EL2.RW = 1"),
	F(PFR0, 8, HIDE, 0, "ID_AA64PFR0_EL1.EL2", "the guest is a VM: no nested virtualization"),
	F(PFR0, 12, FIXED, 1, "ID_AA64PFR0_EL1.EL3",
	  "SMC traps (HCR_EL2.TSC) and is answered as firmware would (PSCI, SMCCC)"),
	F(PFR0, 16, PASS, 0, "ID_AA64PFR0_EL1.FP", "FP registers are switched with the vCPU"),
	F(PFR0, 20, PASS, 0, "ID_AA64PFR0_EL1.AdvSIMD", "SIMD registers are switched with the vCPU"),
	F(PFR0, 24, CLAMP, 1, "ID_AA64PFR0_EL1.GIC", "the vGIC is a GICv3 CPU interface (no v4.1)"),
	F(PFR0, 28, HIDE, 0, "ID_AA64PFR0_EL1.RAS", "error records not emulated; HCR_EL2.TERR traps them"),
	F(PFR0, 32, HIDE, 0, "ID_AA64PFR0_EL1.SVE", "not switched; CPTR_EL2.TZ traps it"),
	F(PFR0, 36, HIDE, 0, "ID_AA64PFR0_EL1.SEL2", NO_EL2),
	F(PFR0, 40, HIDE, 0, "ID_AA64PFR0_EL1.MPAM", "not switched"),
	F(PFR0, 44, HIDE, 0, "ID_AA64PFR0_EL1.AMU", "counters not switched"),
	F(PFR0, 48, PASS, 0, "ID_AA64PFR0_EL1.DIT", "PSTATE.DIT is saved in SPSR_EL2"),
	F(PFR0, 56, PASS, 0, "ID_AA64PFR0_EL1.CSV2", HW_PROPERTY),
	F(PFR0, 60, PASS, 0, "ID_AA64PFR0_EL1.CSV3", HW_PROPERTY),

	/* ID_AA64PFR1_EL1 */
	F(PFR1, 0, PASS, 0, "ID_AA64PFR1_EL1.BT", "PSTATE.BTYPE in SPSR_EL2, SCTLR_EL1 switched"),
	F(PFR1, 4, PASS, 0, "ID_AA64PFR1_EL1.SSBS", "PSTATE.SSBS is saved in SPSR_EL2"),
	F(PFR1, 8, HIDE, 0, "ID_AA64PFR1_EL1.MTE", "tag registers not switched; HCR_EL2.ATA = 0 traps them"),
	F(PFR1, 12, HIDE, 0, "ID_AA64PFR1_EL1.RAS_frac", "RAS is hidden"),
	F(PFR1, 16, HIDE, 0, "ID_AA64PFR1_EL1.MPAM_frac", "MPAM is hidden"),
	F(PFR1, 24, HIDE, 0, "ID_AA64PFR1_EL1.SME", "not switched; CPTR_EL2.TSM traps it"),
	F(PFR1, 32, PASS, 0, "ID_AA64PFR1_EL1.CSV2_frac", HW_PROPERTY),

	/* ID_AA64DFR0_EL1 */
	F(DFR0, 0, CLAMP, 6, "ID_AA64DFR0_EL1.DebugVer",
	  "Armv8.0 debug; debug registers trapped and kept per vCPU (see docs)"),
	F(DFR0, 4, HIDE, 0, "ID_AA64DFR0_EL1.TraceVer", "no trace unit offered"),
	F(DFR0, 8, HIDE, 0, "ID_AA64DFR0_EL1.PMUVer", "counters not switched; MDCR_EL2.TPM traps them"),
	F(DFR0, 12, PASS, 0, "ID_AA64DFR0_EL1.BRPs", "the core's breakpoints, emulated per vCPU"),
	F(DFR0, 20, PASS, 0, "ID_AA64DFR0_EL1.WRPs", "the core's watchpoints, emulated per vCPU"),
	F(DFR0, 28, PASS, 0, "ID_AA64DFR0_EL1.CTX_CMPs", "the core's context comparators"),
	F(DFR0, 32, HIDE, 0, "ID_AA64DFR0_EL1.PMSVer", "SPE not switched; MDCR_EL2.TPMS traps it"),
	F(DFR0, 36, PASS, 0, "ID_AA64DFR0_EL1.DoubleLock", "OSDLR_EL1 kept per vCPU, no effect"),

	/* ID_AA64ISAR0_EL1: instructions */
	F(ISAR0, 4, PASS, 0, "ID_AA64ISAR0_EL1.AES", STATELESS),
	F(ISAR0, 8, PASS, 0, "ID_AA64ISAR0_EL1.SHA1", STATELESS),
	F(ISAR0, 12, PASS, 0, "ID_AA64ISAR0_EL1.SHA2", STATELESS),
	F(ISAR0, 16, PASS, 0, "ID_AA64ISAR0_EL1.CRC32", STATELESS),
	F(ISAR0, 20, PASS, 0, "ID_AA64ISAR0_EL1.Atomic", STATELESS),
	F(ISAR0, 28, PASS, 0, "ID_AA64ISAR0_EL1.RDM", STATELESS),
	F(ISAR0, 32, PASS, 0, "ID_AA64ISAR0_EL1.SHA3", STATELESS),
	F(ISAR0, 36, PASS, 0, "ID_AA64ISAR0_EL1.SM3", STATELESS),
	F(ISAR0, 40, PASS, 0, "ID_AA64ISAR0_EL1.SM4", STATELESS),
	F(ISAR0, 44, PASS, 0, "ID_AA64ISAR0_EL1.DP", STATELESS),
	F(ISAR0, 48, PASS, 0, "ID_AA64ISAR0_EL1.FHM", STATELESS),
	F(ISAR0, 52, PASS, 0, "ID_AA64ISAR0_EL1.TS", "PSTATE flags only"),
	F(ISAR0, 56, PASS, 0, "ID_AA64ISAR0_EL1.TLB", "TLBI at EL1 is scoped to the VMID"),
	F(ISAR0, 60, PASS, 0, "ID_AA64ISAR0_EL1.RNDR", STATELESS),

	/* ID_AA64ISAR1_EL1 */
	F(ISAR1, 0, PASS, 0, "ID_AA64ISAR1_EL1.DPB", STATELESS),
	F(ISAR1, 4, HIDE, 0, "ID_AA64ISAR1_EL1.APA", "PAC keys not switched; HCR_EL2.API/APK = 0 trap"),
	F(ISAR1, 8, HIDE, 0, "ID_AA64ISAR1_EL1.API", "PAC keys not switched; HCR_EL2.API/APK = 0 trap"),
	F(ISAR1, 12, PASS, 0, "ID_AA64ISAR1_EL1.JSCVT", STATELESS),
	F(ISAR1, 16, PASS, 0, "ID_AA64ISAR1_EL1.FCMA", STATELESS),
	F(ISAR1, 20, PASS, 0, "ID_AA64ISAR1_EL1.LRCPC", STATELESS),
	F(ISAR1, 24, HIDE, 0, "ID_AA64ISAR1_EL1.GPA", "PAC keys not switched"),
	F(ISAR1, 28, HIDE, 0, "ID_AA64ISAR1_EL1.GPI", "PAC keys not switched"),
	F(ISAR1, 32, PASS, 0, "ID_AA64ISAR1_EL1.FRINTTS", STATELESS),
	F(ISAR1, 36, PASS, 0, "ID_AA64ISAR1_EL1.SB", STATELESS),
	F(ISAR1, 40, PASS, 0, "ID_AA64ISAR1_EL1.SPECRES", STATELESS),
	F(ISAR1, 44, PASS, 0, "ID_AA64ISAR1_EL1.BF16", STATELESS),
	F(ISAR1, 48, PASS, 0, "ID_AA64ISAR1_EL1.DGH", STATELESS),
	F(ISAR1, 52, PASS, 0, "ID_AA64ISAR1_EL1.I8MM", STATELESS),

	/* ID_AA64ISAR2_EL1 */
	F(ISAR2, 4, PASS, 0, "ID_AA64ISAR2_EL1.RPRES", "an FPCR-controlled precision, FPCR switched"),

	/* ID_AA64MMFR0_EL1 */
	F(MMFR0, 0, IPA, 0, "ID_AA64MMFR0_EL1.PARange", "the VM's stage-2 IPA size"),
	F(MMFR0, 4, PASS, 0, "ID_AA64MMFR0_EL1.ASIDBits", "TTBRx_EL1 switched in full"),
	F(MMFR0, 8, PASS, 0, "ID_AA64MMFR0_EL1.BigEnd", "SCTLR_EL1.EE switched"),
	F(MMFR0, 12, PASS, 0, "ID_AA64MMFR0_EL1.SNSMem", "the EL3 the guest sees has both"),
	F(MMFR0, 16, PASS, 0, "ID_AA64MMFR0_EL1.BigEndEL0", "SCTLR_EL1.E0E switched"),
	F(MMFR0, 20, PASS, 0, "ID_AA64MMFR0_EL1.TGran16", "stage-1 granules of the core"),
	F(MMFR0, 24, PASS, 0, "ID_AA64MMFR0_EL1.TGran64", "stage-1 granules of the core"),
	F(MMFR0, 28, PASS, 0, "ID_AA64MMFR0_EL1.TGran4", "stage-1 granules of the core"),
	F(MMFR0, 44, PASS, 0, "ID_AA64MMFR0_EL1.ExS", "SCTLR_EL1.EIS/EOS switched"),
	F(MMFR0, 60, CLAMP, 1, "ID_AA64MMFR0_EL1.ECV",
	  "self-synchronized counter reads only; CNTPOFF is EL2's"),

	/* ID_AA64MMFR1_EL1 */
	F(MMFR1, 0, PASS, 0, "ID_AA64MMFR1_EL1.HAFDBS", "TCR_EL1.HA/HD switched"),
	F(MMFR1, 12, PASS, 0, "ID_AA64MMFR1_EL1.HPDS", "TCR_EL1 switched"),
	F(MMFR1, 16, HIDE, 0, "ID_AA64MMFR1_EL1.LO", "LOR registers not switched; HCR_EL2.TLOR traps them"),
	F(MMFR1, 20, PASS, 0, "ID_AA64MMFR1_EL1.PAN", "PSTATE.PAN in SPSR_EL2, SCTLR_EL1.SPAN switched"),
	F(MMFR1, 24, PASS, 0, "ID_AA64MMFR1_EL1.SpecSEI", HW_PROPERTY),
	F(MMFR1, 36, PASS, 0, "ID_AA64MMFR1_EL1.ETS", HW_PROPERTY),
	F(MMFR1, 44, PASS, 0, "ID_AA64MMFR1_EL1.AFP", "FPCR switched"),

	/* ID_AA64MMFR2_EL1 */
	F(MMFR2, 0, PASS, 0, "ID_AA64MMFR2_EL1.CnP", "TTBRx_EL1.CnP switched"),
	F(MMFR2, 4, PASS, 0, "ID_AA64MMFR2_EL1.UAO", "PSTATE.UAO in SPSR_EL2"),
	F(MMFR2, 8, PASS, 0, "ID_AA64MMFR2_EL1.LSM", "SCTLR_EL1 switched"),
	F(MMFR2, 12, PASS, 0, "ID_AA64MMFR2_EL1.IESB", "SCTLR_EL1 switched"),
	F(MMFR2, 16, PASS, 0, "ID_AA64MMFR2_EL1.VARange", "TCR_EL1 switched"),
	F(MMFR2, 20, PASS, 0, "ID_AA64MMFR2_EL1.CCIDX", "CCSIDR_EL1 format of the core"),
	F(MMFR2, 28, PASS, 0, "ID_AA64MMFR2_EL1.ST", "TCR_EL1 switched"),
	F(MMFR2, 32, PASS, 0, "ID_AA64MMFR2_EL1.AT", HW_PROPERTY),
	F(MMFR2, 36, PASS, 0, "ID_AA64MMFR2_EL1.IDS", "trapped ID-space accesses report EC 0x18"),
	F(MMFR2, 48, PASS, 0, "ID_AA64MMFR2_EL1.TTL", "TLBI hints, scoped to the VMID"),
	F(MMFR2, 52, PASS, 0, "ID_AA64MMFR2_EL1.BBM", HW_PROPERTY),
	F(MMFR2, 60, PASS, 0, "ID_AA64MMFR2_EL1.E0PD", "TCR_EL1 switched"),
};

const unsigned id_fields_count = sizeof(id_fields) / sizeof(id_fields[0]);

/* PARange encodings, smallest first: 32, 36, 40, 42, 44, 48, 52 bits. */
static unsigned parange_for(unsigned ipa_bits)
{
	static const uint8_t bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	unsigned enc = 0;

	for (unsigned i = 0; i < sizeof(bits); i++)
		if (bits[i] <= ipa_bits)
			enc = i;
	return enc;
}

static unsigned field_value(const struct id_field *f, unsigned hw, unsigned ipa_bits)
{
	unsigned ipa;

	switch (f->policy) {
	case ID_PASS:
		return hw;
	case ID_CLAMP:
		return hw < f->value ? hw : f->value;
	case ID_IPA:
		ipa = parange_for(ipa_bits);
		return hw < ipa ? hw : ipa;
	case ID_FIXED:
	case ID_HIDE:
	default:
		return f->value;
	}
}

/*
 * The AArch32 ID registers (CRm 1..3) read 0: with AArch32 hidden at every
 * EL their values are UNKNOWN, and 0 promises nothing.
 */
uint64_t id_reg_filter(unsigned reg, uint64_t hw, unsigned ipa_bits)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < id_fields_count; i++) {
		const struct id_field *f = &id_fields[i];
		unsigned raw = (unsigned)(hw >> f->shift) & 0xf;

		if (f->reg == reg)
			v |= (uint64_t)field_value(f, raw, ipa_bits) << f->shift;
	}
	return v;
}
