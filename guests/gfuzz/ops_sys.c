/*
 * System registers, cache and TLB maintenance, and instructions of
 * features the ID registers hide. Random MRS/MSR encodings are built at
 * run time in a two-word trampoline ("mrs/msr x0, <enc>; ret"), so the
 * whole op0 = 3 space is covered; MSR goes only to the registers below
 * that cannot break the fuzzer itself (never SCTLR, VBAR, TPIDR_EL1, SP,
 * ELR/SPSR, DAIF, MDSCR) and to encodings that must UNDEF at EL1 (EL2 and
 * EL3 registers, the read-only ID registers).
 */
#include <lib/exception.h>
#include <lib/sysreg.h>
#include "gfuzz.h"

#define ENC(op0, op1, crn, crm, op2) \
	(((op0) << 19) | ((op1) << 16) | ((crn) << 12) | ((crm) << 8) | ((op2) << 5))
#define MRS_X0(enc)	(0xd5200000U | (enc))
#define MSR_X0(enc)	(0xd5000000U | (enc))
#define RET		0xd65f03c0U

static uint32_t tramp[16] __attribute__((aligned(64)));

/* Runs one generated instruction with x0 = in; returns whether it trapped. */
static bool run_insn(uint32_t insn, uint64_t in)
{
	register uint64_t x0 asm("x0") = in;

	tramp[0] = insn;
	tramp[1] = RET;
	asm volatile("dc cvau, %0\n\tdsb ish\n\tic ivau, %0\n\tdsb ish\n\tisb"
		     :: "r"(tramp) : "memory");
	asm volatile("blr %1" : "+r"(x0) : "r"(tramp)
		     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
		       "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x30", "memory", "cc");
	return gfuzz_took();
}

/* Reads with a side effect on the fuzzer's own interrupts: acknowledges. */
static bool read_has_side_effect(unsigned op1, unsigned crn, unsigned crm)
{
	return op1 == 0 && crn == 12 && (crm == 8 || crm == 9 || crm == 12);
}

static const uint32_t safe_writes[] = {
	ENC(3, 3, 13, 0, 2), ENC(3, 3, 13, 0, 3),		/* TPIDR_EL0, TPIDRRO_EL0 */
	ENC(3, 0, 13, 0, 1),					/* CONTEXTIDR_EL1 */
	ENC(3, 0, 10, 2, 0), ENC(3, 0, 10, 3, 0),		/* MAIR_EL1, AMAIR_EL1 */
	ENC(3, 0, 2, 0, 0), ENC(3, 0, 2, 0, 1), ENC(3, 0, 2, 0, 2),	/* TTBR0/1, TCR (MMU off) */
	ENC(3, 0, 7, 4, 0), ENC(3, 0, 6, 0, 0),			/* PAR_EL1, FAR_EL1 */
	ENC(3, 0, 5, 1, 0), ENC(3, 0, 5, 1, 1),			/* AFSR0/1_EL1 */
	ENC(3, 2, 0, 0, 0),					/* CSSELR_EL1 */
	ENC(3, 0, 14, 1, 0),					/* CNTKCTL_EL1 */
	ENC(3, 3, 14, 3, 2), ENC(3, 3, 14, 2, 2),		/* CNTV_CVAL, CNTP_CVAL */
	ENC(3, 0, 4, 6, 0), ENC(3, 0, 12, 12, 3),		/* ICC_PMR, ICC_BPR1 */
	ENC(3, 0, 12, 12, 7), ENC(3, 0, 12, 12, 4),		/* ICC_IGRPEN1, ICC_CTLR */
	ENC(3, 0, 12, 8, 3), ENC(3, 0, 12, 12, 1),		/* ICC_BPR0, ICC_EOIR1 */
	ENC(3, 0, 12, 11, 1), ENC(3, 0, 12, 12, 1),		/* ICC_DIR, ICC_EOIR1 */
	ENC(3, 0, 1, 0, 2),					/* CPACR_EL1 */
};

static void random_read(void)
{
	unsigned op1, crn, crm, op2;

	do {
		op1 = rnd_below(8);
		if (rnd_below(2))
			op1 = rnd_below(2) ? 0 : 3;	/* the EL1/EL0 space, mostly */
		crn = rnd_below(16);
		crm = rnd_below(16);
		op2 = rnd_below(8);
		if (rnd_below(4) == 0) {		/* the ID register block */
			op1 = 0;
			crn = 0;
			crm = rnd_below(8);
		}
	} while (read_has_side_effect(op1, crn, crm));
	if (!run_insn(MRS_X0(ENC(3, op1, crn, crm, op2)), 0) && (op1 == 4 || op1 == 6))
		note_anomaly("EL2/EL3 register read did not UNDEF, enc", ENC(3, op1, crn, crm, op2));
}

static void must_undef_write(void)
{
	uint32_t enc;

	if (rnd_below(2)) {
		enc = ENC(3, rnd_below(2) ? 4 : 6, rnd_below(16), rnd_below(16), rnd_below(8));
	} else {
		enc = ENC(3, 0, 0, 1 + rnd_below(7), rnd_below(8));	/* ID registers */
	}
	if (!run_insn(MSR_X0(enc), rnd()))
		note_anomaly("EL2/EL3/ID register write did not UNDEF, enc", enc);
}

static void maintenance(void)
{
	uint64_t a = rnd() & ((1UL << ipa_bits) - 1);

	if (rnd_below(2))
		a = DEV_BASE + rnd_below(DEV_END - DEV_BASE);
	switch (rnd_below(13)) {
	case 0: asm volatile("dc civac, %0" :: "r"(a) : "memory"); break;
	case 1: asm volatile("dc cvac, %0" :: "r"(a) : "memory"); break;
	case 2: asm volatile("dc cvau, %0" :: "r"(a) : "memory"); break;
	case 3: asm volatile("dc isw, %0" :: "r"(rnd()) : "memory"); break;
	case 4: asm volatile("dc cisw, %0" :: "r"(rnd()) : "memory"); break;
	case 5: asm volatile("ic iallu" ::: "memory"); break;
	case 6: asm volatile("ic ialluis" ::: "memory"); break;
	case 7: asm volatile("ic ivau, %0" :: "r"(a) : "memory"); break;
	case 8: asm volatile("tlbi vmalle1is" ::: "memory"); break;
	case 9: asm volatile("tlbi vae1is, %0" :: "r"(rnd()) : "memory"); break;
	case 10: asm volatile("tlbi aside1, %0" :: "r"(rnd()) : "memory"); break;
	case 11: asm volatile("at s1e1r, %0" :: "r"(a) : "memory"); break;
	default:
		/* DC IVAC discards data: never on our own RAM. */
		if (a >= OWN_RAM_END || a + 64 <= OWN_RAM_BASE)
			asm volatile("dc ivac, %0" :: "r"(a) : "memory");
		break;
	}
	dsb(sy);
	isb();
}

void op_sysreg(void)
{
	switch (rnd_below(4)) {
	case 0:
		random_read();
		break;
	case 1: {
		uint32_t enc = safe_writes[rnd_below(sizeof(safe_writes) / sizeof(safe_writes[0]))];
		uint64_t val = rnd_below(2) ? rnd() : rnd_below(256);

		/*
		 * QEMU's GICv3 CPU interface asserts (bpr > 0, arm_gicv3_cpuif.c)
		 * on a small binary point, natively: the whole QEMU dies, not
		 * the guest. BPRs get 2..7 only.
		 */
		if (enc == ENC(3, 0, 12, 12, 3) || enc == ENC(3, 0, 12, 8, 3))
			val = 2 + rnd_below(6);
		(void)run_insn(MSR_X0(enc), val);
		break;
	}
	case 2:
		must_undef_write();
		break;
	default:
		maintenance();
		break;
	}
}

/* A hidden-feature instruction and the ID field that would allow it. */
struct hidden {
	uint32_t insn;
	unsigned char idreg;	/* 0: PFR0, 1: PFR1, 2: ISAR1, 3: ISAR2, 0xff: unhideable */
	unsigned char shift;	/* of a 4-bit field; nonzero = may execute */
	unsigned char shift2;	/* a second field that also allows it (0xff: none) */
};

static const struct hidden hidden_insns[] = {
	{ 0x04bf5020, 0, 32, 0xff },	/* rdvl x0, #1 (SVE) */
	{ 0x25d8e3e0, 0, 32, 0xff },	/* ptrue p0.d (SVE) */
	{ 0x04bf5820, 1, 24, 0xff },	/* rdsvl x0, #1 (SME) */
	{ 0xd503477f, 1, 24, 0xff },	/* smstart */
	{ 0x9ac01020, 1, 8, 0xff },	/* irg x0, x1 (MTE) */
	{ 0xd9600020, 1, 8, 0xff },	/* ldg x0, [x1] (MTE) */
	{ 0xdac10020, 2, 4, 8 },	/* pacia x0, x1 (PAC, APA or API) */
	{ 0xdac11020, 2, 4, 8 },	/* autia x0, x1 */
	/*
	 * XPACI is not trapped by HCR_EL2.API: a CPU with PAC runs it
	 * whatever the ID registers say, so it is run but never an anomaly.
	 */
	{ 0xdac143e0, 0xff, 0, 0xff },	/* xpaci x0 */
	{ 0x9ac13020, 2, 24, 28 },	/* pacga x0, x1, x1 (GPA or GPI) */
};

static bool id_allows(const struct hidden *h)
{
	uint64_t regs[4] = {
		read_sysreg(id_aa64pfr0_el1), read_sysreg(id_aa64pfr1_el1),
		read_sysreg(id_aa64isar1_el1), read_sysreg(s3_0_c0_c6_2),	/* ISAR2 */
	};
	uint64_t v;

	if (h->idreg == 0xff)
		return true;
	v = regs[h->idreg];

	if ((v >> h->shift) & 0xf)
		return true;
	if (h->shift2 != 0xff && ((v >> h->shift2) & 0xf))
		return true;
	/* PAC with the QARMA3 algorithm: ID_AA64ISAR2_EL1.APA3/GPA3. */
	return h->idreg == 2 && ((regs[3] >> 12) & 0xff);
}

void op_hidden(void)
{
	const struct hidden *h = &hidden_insns[rnd_below(sizeof(hidden_insns) / sizeof(hidden_insns[0]))];
	bool trapped;

	/* x1 points at our own RAM (ldg reads there): tramp itself. */
	tramp[0] = 0xaa0003e1;			/* mov x1, x0 */
	tramp[1] = h->insn;
	tramp[2] = RET;
	{
		register uint64_t x0 asm("x0") = (uint64_t)tramp;

		asm volatile("dc cvau, %0\n\tdsb ish\n\tic ivau, %0\n\tdsb ish\n\tisb"
			     :: "r"(tramp) : "memory");
		asm volatile("blr %1" : "+r"(x0) : "r"(tramp)
			     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
			       "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x30", "memory", "cc");
	}
	trapped = gfuzz_took();
	if (!trapped && !id_allows(h))
		note_anomaly("hidden-feature instruction executed", h->insn);
}
