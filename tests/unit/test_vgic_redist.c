/*
 * Unit tests for virt/vgic_redist.c and the SGI path of virt/vgic.c: each
 * vCPU's virtual redistributor (RD_base + SGI_base) and ICC_SGI1R_EL1
 * decoding.
 *
 * As in test_vgic_dist.c the register facts are data written from the
 * GICv3 architecture, independent of the implementation's table; kicks are
 * counted per vCPU and checked exactly.
 *
 * The VM under test: 4 vCPUs, 32 SPIs.
 */
#include <tandem/types.h>
#include <virt/vgic.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define NCPU		4
#define NSPI		32

/* RD_base (GICR_*). */
#define CTLR		0x0000
#define IIDR		0x0004
#define TYPER		0x0008
#define STATUSR		0x0010
#define WAKER		0x0014
#define PROPBASER	0x0070
#define PENDBASER	0x0078
#define PIDR4		0xffd0
#define PIDR0		0xffe0
#define PIDR1		0xffe4
#define PIDR2		0xffe8
#define PIDR3		0xffec
#define CIDR(n)		(0xfff0 + 4 * (n))
/* SGI_base, 64 KiB on. */
#define SGI		0x10000
#define IGROUPR0	(SGI + 0x0080)
#define ISENABLER0	(SGI + 0x0100)
#define ICENABLER0	(SGI + 0x0180)
#define ISPENDR0	(SGI + 0x0200)
#define ICPENDR0	(SGI + 0x0280)
#define ISACTIVER0	(SGI + 0x0300)
#define ICACTIVER0	(SGI + 0x0380)
#define IPRIORITYR(n)	(SGI + 0x0400 + 4 * (n))
#define ICFGR0		(SGI + 0x0c00)
#define ICFGR1		(SGI + 0x0c04)
#define IGRPMODR0	(SGI + 0x0d00)
#define NSACR		(SGI + 0x0e00)

#define GICD_CTLR	0x0000

#define WAKER_PS	(1u << 1)	/* ProcessorSleep */
#define WAKER_CA	(1u << 2)	/* ChildrenAsleep */
#define TYPER_LAST	(1ULL << 4)
#define ALL32		0xffffffffULL

struct kicks {
	unsigned n[VGIC_MAX_VCPUS];
};

struct fx {
	struct vgic g;
	struct kicks k;
};

static void record_kick(void *ctx, unsigned vcpu)
{
	struct kicks *k = ctx;

	assert_true(vcpu < VGIC_MAX_VCPUS);
	k->n[vcpu]++;
}

static int setup(void **state)
{
	struct fx *f = malloc(sizeof(*f));

	assert_non_null(f);
	memset(f, 0xa5, sizeof(*f));
	memset(&f->k, 0, sizeof(f->k));
	vgic_init(&f->g, NCPU, NSPI, record_kick, &f->k);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static uint64_t rd(struct vgic *g, unsigned vcpu, uint64_t off, unsigned size)
{
	uint64_t v = 0x5a5a5a5a5a5a5a5aULL;

	assert_int_equal(vgic_redist_access(g, vcpu, off, size, false, &v), 0);
	return v;
}

static void wr(struct vgic *g, unsigned vcpu, uint64_t off, unsigned size, uint64_t v)
{
	assert_int_equal(vgic_redist_access(g, vcpu, off, size, true, &v), 0);
}

static void dist_wr(struct vgic *g, uint64_t off, uint64_t v)
{
	assert_int_equal(vgic_dist_access(g, 0, off, 4, true, &v), 0);
}

static void expect_kicks(const struct fx *f, unsigned k0, unsigned k1, unsigned k2, unsigned k3)
{
	const unsigned want[NCPU] = { k0, k1, k2, k3 };

	for (unsigned v = 0; v < NCPU; v++)
		if (f->k.n[v] != want[v])
			fail_msg("vCPU %u kicked %u times, want %u", v, f->k.n[v], want[v]);
	for (unsigned v = NCPU; v < VGIC_MAX_VCPUS; v++)
		assert_int_equal(f->k.n[v], 0);
}

static void wake_all(struct vgic *g)
{
	for (unsigned v = 0; v < NCPU; v++)
		wr(g, v, WAKER, 4, 0);
}

/* --- registers as data ---------------------------------------------------- */

struct reg_case {
	const char *name;
	uint64_t off;
	unsigned size;
	uint64_t reset;		/* as seen in vCPU 1's frames */
	uint64_t writable;
};

static const struct reg_case redist_regs[] = {
	{ "CTLR",		CTLR, 4, 0, 0 },
	{ "IIDR",		IIDR, 4, 0x5400043b, 0 },
	/* Affinity 0.0.0.1, Processor_Number 1, not Last. */
	{ "TYPER",		TYPER, 8, 0x0000000100000100ULL, 0 },
	{ "TYPER lo",		TYPER, 4, 0x00000100, 0 },
	{ "TYPER hi",		TYPER + 4, 4, 0x00000001, 0 },
	{ "STATUSR",		STATUSR, 4, 0, 0 },
	{ "WAKER",		WAKER, 4, WAKER_PS | WAKER_CA, -1 /* own test */ },
	{ "PROPBASER",		PROPBASER, 8, 0, 0 },
	{ "PROPBASER hi",	PROPBASER + 4, 4, 0, 0 },
	{ "PENDBASER",		PENDBASER, 8, 0, 0 },
	{ "PIDR4",		PIDR4, 4, 0x44, 0 },
	{ "PIDR0",		PIDR0, 4, 0x54, 0 },
	{ "PIDR1",		PIDR1, 4, 0xb0, 0 },
	{ "PIDR2 (ArchRev 3)",	PIDR2, 4, 0x3b, 0 },
	{ "PIDR3",		PIDR3, 4, 0, 0 },
	{ "CIDR0",		CIDR(0), 4, 0x0d, 0 },
	{ "CIDR1",		CIDR(1), 4, 0xf0, 0 },
	{ "CIDR2",		CIDR(2), 4, 0x05, 0 },
	{ "CIDR3",		CIDR(3), 4, 0xb1, 0 },
	{ "IGROUPR0",		IGROUPR0, 4, 0, ALL32 },
	{ "IPRIORITYR0",	IPRIORITYR(0), 4, 0, ALL32 },
	{ "IPRIORITYR7",	IPRIORITYR(7), 4, 0, ALL32 },
	{ "IPRIORITYR6 byte",	IPRIORITYR(6) + 2, 1, 0, 0xff },
	/* SGIs are edge, fixed. */
	{ "ICFGR0",		ICFGR0, 4, 0xaaaaaaaa, 0 },
	/* PPIs: level at reset, configurable. */
	{ "ICFGR1",		ICFGR1, 4, 0, 0xaaaaaaaa },
	{ "IGRPMODR0",		IGRPMODR0, 4, 0, ALL32 /* kept: secure-world guests */ },
	{ "NSACR",		NSACR, 4, 0, 0 },
	{ "reserved 0x18",	0x0018, 4, 0, 0 },
	{ "SETLPIR",		0x0040, 8, 0, 0 },
	{ "INVALLR",		0x00b0, 8, 0, 0 },
	{ "SYNCR",		0x00c0, 4, 0, 0 },
	{ "reserved 0x1000",	0x1000, 4, 0, 0 },
	{ "SGI_base +0",	SGI + 0, 4, 0, 0 },
	{ "IGROUPR1E-ish",	SGI + 0x0084, 4, 0, 0 },
	{ "IPRIORITYR8 (none)",	IPRIORITYR(8), 4, 0, 0 },
	{ "ICFGR2 (none)",	SGI + 0x0c08, 4, 0, 0 },
	{ "SGI frame ID area",	SGI + 0xffe8, 4, 0, 0 },
};

static uint64_t size_mask(unsigned size)
{
	return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static void check_reg(const char *what, const struct reg_case *c, uint64_t got, uint64_t want)
{
	if (got != want)
		fail_msg("%s %s (0x%llx/%u): read 0x%llx, want 0x%llx", c->name, what,
			 (unsigned long long)c->off, c->size, (unsigned long long)got,
			 (unsigned long long)want);
}

static void test_reset_values(void **state)
{
	struct fx *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(redist_regs); i++) {
		const struct reg_case *c = &redist_regs[i];

		check_reg("reset", c, rd(&f->g, 1, c->off, c->size), c->reset);
	}
}

static void test_writable_bits(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(redist_regs); i++) {
		const struct reg_case *c = &redist_regs[i];
		uint64_t fixed = c->reset & ~c->writable;
		struct fx *f = NULL;

		if (c->writable == (uint64_t)-1)
			continue;
		setup((void **)&f);
		wr(&f->g, 1, c->off, c->size, size_mask(c->size));
		check_reg("after all-ones", c, rd(&f->g, 1, c->off, c->size), fixed | c->writable);
		wr(&f->g, 1, c->off, c->size, 0);
		check_reg("after zero", c, rd(&f->g, 1, c->off, c->size), fixed);
		/* The other redistributors did not see it. */
		for (unsigned v = 0; v < NCPU; v++)
			if (v != 1 && c->off != TYPER && c->off != TYPER + 4)
				check_reg("other vCPU", c, rd(&f->g, v, c->off, c->size), c->reset);
		teardown((void **)&f);
	}
}

static void test_banked_per_vcpu(void **state)
{
	struct fx *f = *state;

	wr(&f->g, 2, IPRIORITYR(7), 4, 0x11223344);
	wr(&f->g, 2, ISENABLER0, 4, 0x00010002);
	wr(&f->g, 2, ICFGR1, 4, 0x80000000);
	for (unsigned v = 0; v < NCPU; v++) {
		uint64_t prio = v == 2 ? 0x11223344 : 0;
		uint64_t en = v == 2 ? 0x00010002 : 0;

		assert_int_equal(rd(&f->g, v, IPRIORITYR(7), 4), prio);
		assert_int_equal(rd(&f->g, v, ISENABLER0, 4), en);
		assert_int_equal(f->g.cpu[v].priv[31].priority, v == 2 ? 0x11 : 0);
		assert_int_equal(f->g.cpu[v].priv[16].enabled, v == 2);
		assert_int_equal(f->g.cpu[v].priv[31].edge, v == 2);
	}
	/* The distributor's view of INTIDs 0..31 stays RAZ. */
	{
		uint64_t v = ~0ULL;

		assert_int_equal(vgic_dist_access(&f->g, 2, 0x0100, 4, false, &v), 0);
		assert_int_equal(v, 0);
	}
}

/* --- access widths ---------------------------------------------------------- */

struct width_case {
	const char *name;
	uint64_t off;
	unsigned size;
};

static const struct width_case bad_widths[] = {
	{ "CTLR byte", CTLR, 1 },
	{ "CTLR dword", CTLR, 8 },
	{ "IIDR half", IIDR, 2 },
	{ "TYPER byte", TYPER, 1 },
	{ "TYPER half", TYPER + 2, 2 },
	{ "TYPER misaligned", TYPER + 4, 8 },
	{ "STATUSR+WAKER dword", STATUSR, 8 },
	{ "WAKER byte", WAKER, 1 },
	{ "PROPBASER half", PROPBASER, 2 },
	{ "PIDR2 byte", PIDR2, 1 },
	{ "IGROUPR0 byte", IGROUPR0, 1 },
	{ "ISENABLER0 byte", ISENABLER0 + 1, 1 },
	{ "ISPENDR0 dword", ISPENDR0, 8 },
	{ "IPRIORITYR half", IPRIORITYR(0), 2 },
	{ "IPRIORITYR dword", IPRIORITYR(0), 8 },
	{ "IPRIORITYR misaligned", IPRIORITYR(0) + 1, 4 },
	{ "ICFGR0 dword", ICFGR0, 8 },
	{ "ICFGR1 byte", ICFGR1, 1 },
	{ "size 3", ISENABLER0, 3 },
	{ "past the frames", 0x20000, 4 },
};

static void test_bad_widths_rejected(void **state)
{
	struct fx *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(bad_widths); i++) {
		const struct width_case *c = &bad_widths[i];
		uint64_t v = ~0ULL;
		int r;

		r = vgic_redist_access(&f->g, 0, c->off, c->size, false, &v);
		if (r != -EINVAL)
			fail_msg("read %s: %d, want -EINVAL", c->name, r);
		r = vgic_redist_access(&f->g, 0, c->off, c->size, true, &v);
		if (r != -EINVAL)
			fail_msg("write %s: %d, want -EINVAL", c->name, r);
	}
	/* The rejected writes changed nothing: still asleep, nothing enabled. */
	assert_int_equal(rd(&f->g, 0, WAKER, 4), WAKER_PS | WAKER_CA);
	assert_int_equal(rd(&f->g, 0, ISENABLER0, 4), 0);
	assert_int_equal(rd(&f->g, 0, IPRIORITYR(0), 4), 0);
	assert_int_equal(rd(&f->g, 0, ICFGR1, 4), 0);
}

static void test_bad_vcpu_rejected(void **state)
{
	struct fx *f = *state;
	uint64_t v = 0;

	assert_int_equal(vgic_redist_access(&f->g, NCPU, TYPER, 8, false, &v), -EINVAL);
	assert_int_equal(vgic_redist_access(&f->g, VGIC_MAX_VCPUS, WAKER, 4, true, &v), -EINVAL);
}

/* --- GICR_TYPER -------------------------------------------------------------- */

static uint64_t typer_of(unsigned aff3, unsigned aff2, unsigned aff1, unsigned aff0,
			 unsigned proc, bool last)
{
	return ((uint64_t)aff3 << 56) | ((uint64_t)aff2 << 48) | ((uint64_t)aff1 << 40) |
	       ((uint64_t)aff0 << 32) | ((uint64_t)proc << 8) | (last ? TYPER_LAST : 0);
}

static void test_typer_one_vcpu(void **state)
{
	struct fx *f = *state;

	vgic_init(&f->g, 1, NSPI, record_kick, &f->k);
	assert_int_equal(rd(&f->g, 0, TYPER, 8), typer_of(0, 0, 0, 0, 0, true));
	assert_int_equal(rd(&f->g, 0, TYPER, 4), TYPER_LAST);
	assert_int_equal(rd(&f->g, 0, TYPER + 4, 4), 0);
}

static void test_typer_four_vcpus(void **state)
{
	struct fx *f = *state;

	for (unsigned v = 0; v < NCPU; v++) {
		uint64_t want = typer_of(0, 0, 0, v, v, v == NCPU - 1);

		assert_int_equal(rd(&f->g, v, TYPER, 8), want);
		assert_int_equal(rd(&f->g, v, TYPER, 4), want & ALL32);
		assert_int_equal(rd(&f->g, v, TYPER + 4, 4), want >> 32);
		/* Read-only. */
		wr(&f->g, v, TYPER, 8, ~0ULL);
		wr(&f->g, v, TYPER + 4, 4, 0);
		assert_int_equal(rd(&f->g, v, TYPER, 8), want);
	}
}

static void test_typer_eight_vcpus(void **state)
{
	struct fx *f = *state;

	vgic_init(&f->g, VGIC_MAX_VCPUS, NSPI, record_kick, &f->k);
	for (unsigned v = 0; v < VGIC_MAX_VCPUS; v++)
		assert_int_equal(rd(&f->g, v, TYPER, 8),
				 typer_of(0, 0, 0, v, v, v == VGIC_MAX_VCPUS - 1));
}

/* Affinity_Value comes from all four MPIDR affinity fields. */
static void test_typer_affinity_from_mpidr(void **state)
{
	struct fx *f = *state;

	f->g.cpu[2].mpidr = (0x0aULL << 32) | (0x03 << 16) | (0x02 << 8) | 0x01;
	assert_int_equal(rd(&f->g, 2, TYPER, 8), typer_of(0x0a, 0x03, 0x02, 0x01, 2, false));
	assert_int_equal(rd(&f->g, 2, TYPER + 4, 4), 0x0a030201);
}

static void test_mpidr_assignment(void **state)
{
	struct fx *f = *state;

	vgic_init(&f->g, VGIC_MAX_VCPUS, NSPI, record_kick, &f->k);
	for (unsigned v = 0; v < VGIC_MAX_VCPUS; v++)
		assert_int_equal(f->g.cpu[v].mpidr, ((uint64_t)(v / 16) << 8) | (v % 16));
}

/* --- GICR_WAKER -------------------------------------------------------------- */

static void test_waker_sequence(void **state)
{
	struct fx *f = *state;

	for (unsigned v = 0; v < NCPU; v++)
		assert_int_equal(rd(&f->g, v, WAKER, 4), WAKER_PS | WAKER_CA);

	/* The guest's wake-up: clear ProcessorSleep, poll ChildrenAsleep. */
	wr(&f->g, 1, WAKER, 4, rd(&f->g, 1, WAKER, 4) & ~WAKER_PS);
	assert_int_equal(rd(&f->g, 1, WAKER, 4) & WAKER_CA, 0);
	assert_int_equal(rd(&f->g, 1, WAKER, 4), 0);
	assert_false(f->g.cpu[1].sleeping);
	/* Only that redistributor woke. */
	assert_int_equal(rd(&f->g, 0, WAKER, 4), WAKER_PS | WAKER_CA);
	assert_int_equal(rd(&f->g, 2, WAKER, 4), WAKER_PS | WAKER_CA);

	/* ChildrenAsleep is read-only; bit 0 and the rest read as zero. */
	wr(&f->g, 1, WAKER, 4, WAKER_CA | 1 | 0xfffffff8);
	assert_int_equal(rd(&f->g, 1, WAKER, 4), 0);
	assert_false(f->g.cpu[1].sleeping);
	/* And back to sleep: both bits follow. */
	wr(&f->g, 1, WAKER, 4, WAKER_PS);
	assert_int_equal(rd(&f->g, 1, WAKER, 4), WAKER_PS | WAKER_CA);
	assert_true(f->g.cpu[1].sleeping);
	expect_kicks(f, 0, 0, 0, 0);
}

/* ProcessorSleep is the guest's to read back; it gates nothing (as in
 * QEMU's GICv3, and KVM shows the redistributors awake): a guest that never
 * writes GICR_WAKER still gets its interrupts, kicked as they arrive. */
static void test_waker_does_not_gate_delivery(void **state)
{
	struct fx *f = *state;
	struct vgic_irq *ppi = &f->g.cpu[1].priv[20];
	struct vgic_irq *out[4];

	dist_wr(&f->g, GICD_CTLR, 2);
	wr(&f->g, 1, IGROUPR0, 4, 1u << 20);
	wr(&f->g, 1, ISENABLER0, 4, 1u << 20);
	assert_true(f->g.cpu[1].sleeping);
	assert_int_equal(vgic_inject(&f->g, 1, 20, true), 0);
	expect_kicks(f, 0, 1, 0, 0);		/* asleep, and kicked */
	assert_true(vgic_irq_deliverable(&f->g, 1, ppi));
	assert_int_equal(vgic_collect_pending(&f->g, 1, out, 4), 1);
	assert_ptr_equal(out[0], ppi);

	wr(&f->g, 1, WAKER, 4, 0);		/* waking changes nothing */
	expect_kicks(f, 0, 1, 0, 0);
	wr(&f->g, 1, WAKER, 4, WAKER_PS);	/* nor going to sleep */
	assert_true(vgic_irq_deliverable(&f->g, 1, ppi));

	/* An SPI routed to a vCPU whose redistributor sleeps: delivered. */
	{
		uint64_t v = 3;

		assert_int_equal(vgic_dist_access(&f->g, 0, 0x6000 + 8 * 40, 8, true, &v), 0);
		dist_wr(&f->g, 0x0080 + 4, 1u << 8);	/* IGROUPR1: INTID 40 group 1 */
		dist_wr(&f->g, 0x0100 + 4, 1u << 8);	/* ISENABLER1 */
		dist_wr(&f->g, 0x0200 + 4, 1u << 8);	/* ISPENDR1 */
		expect_kicks(f, 0, 1, 0, 1);
		wr(&f->g, 3, WAKER, 4, 0);
		expect_kicks(f, 0, 1, 0, 1);
	}
}

/* --- SGI_base ---------------------------------------------------------------- */

struct pair_case {
	const char *name;
	uint64_t set, clear;
	size_t field;
};

static const struct pair_case pairs[] = {
	{ "ENABLER0", ISENABLER0, ICENABLER0, offsetof(struct vgic_irq, enabled) },
	{ "PENDR0", ISPENDR0, ICPENDR0, offsetof(struct vgic_irq, pending_latch) },
	{ "ACTIVER0", ISACTIVER0, ICACTIVER0, offsetof(struct vgic_irq, active) },
};

static bool field(const struct vgic_irq *irq, size_t off)
{
	return *(const bool *)((const char *)irq + off);
}

static void check_pair(struct fx *f, const struct pair_case *p, unsigned vcpu, uint32_t want)
{
	uint64_t s = rd(&f->g, vcpu, p->set, 4);
	uint64_t c = rd(&f->g, vcpu, p->clear, 4);

	if (s != want || c != want)
		fail_msg("%s vCPU %u: set reads 0x%llx, clear reads 0x%llx, want 0x%x", p->name,
			 vcpu, (unsigned long long)s, (unsigned long long)c, want);
	for (unsigned i = 0; i < 32; i++)
		if (field(&f->g.cpu[vcpu].priv[i], p->field) != ((want >> i) & 1))
			fail_msg("%s vCPU %u INTID %u wrong", p->name, vcpu, i);
}

static void test_set_clear_pairs(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		const struct pair_case *p = &pairs[i];
		struct fx *f = NULL;

		setup((void **)&f);
		wr(&f->g, 3, p->set, 4, 0x80008001);	/* a PPI, SGI 15, SGI 0 */
		check_pair(f, p, 3, 0x80008001);
		wr(&f->g, 3, p->set, 4, 0x00100000);
		check_pair(f, p, 3, 0x80108001);
		wr(&f->g, 3, p->set, 4, 0);
		wr(&f->g, 3, p->clear, 4, 0);
		check_pair(f, p, 3, 0x80108001);
		wr(&f->g, 3, p->clear, 4, 0x80000001);
		check_pair(f, p, 3, 0x00108000);
		for (unsigned v = 0; v < 3; v++)
			check_pair(f, p, v, 0);
		wr(&f->g, 3, p->clear, 4, ALL32);
		check_pair(f, p, 3, 0);
		teardown((void **)&f);
	}
}

static void test_sgi_config_fixed(void **state)
{
	struct fx *f = *state;

	wr(&f->g, 0, ICFGR0, 4, 0);
	assert_int_equal(rd(&f->g, 0, ICFGR0, 4), 0xaaaaaaaa);
	for (irqid_t id = 0; id < 16; id++)
		assert_true(f->g.cpu[0].priv[id].edge);
	/* PPI INTID 27 is bit 2*11+1 of ICFGR1. */
	wr(&f->g, 0, ICFGR1, 4, 2u << 22);
	assert_true(f->g.cpu[0].priv[27].edge);
	assert_false(f->g.cpu[0].priv[26].edge);
	assert_false(f->g.cpu[0].priv[28].edge);
}

static void test_priority_bytes(void **state)
{
	struct fx *f = *state;

	wr(&f->g, 1, IPRIORITYR(6) + 3, 1, 0xa0);	/* PPI 27 */
	wr(&f->g, 1, IPRIORITYR(0), 1, 0x10);		/* SGI 0 */
	assert_int_equal(f->g.cpu[1].priv[27].priority, 0xa0);
	assert_int_equal(f->g.cpu[1].priv[0].priority, 0x10);
	assert_int_equal(rd(&f->g, 1, IPRIORITYR(6), 4), 0xa0000000);
	assert_int_equal(rd(&f->g, 1, IPRIORITYR(0), 4), 0x10);
	wr(&f->g, 1, IPRIORITYR(7), 4, 0x44332211);
	assert_int_equal(rd(&f->g, 1, IPRIORITYR(7) + 0, 1), 0x11);
	assert_int_equal(rd(&f->g, 1, IPRIORITYR(7) + 3, 1), 0x44);
	assert_int_equal(f->g.cpu[1].priv[31].priority, 0x44);
	assert_int_equal(f->g.cpu[0].priv[31].priority, 0);
}

static void test_ppi_pending_level_edge(void **state)
{
	struct fx *f = *state;

	/* PPI 23 level (reset): ICPENDR cannot clear the asserted line. */
	vgic_inject(&f->g, 2, 23, true);
	assert_int_equal(rd(&f->g, 2, ISPENDR0, 4), 1u << 23);
	wr(&f->g, 2, ICPENDR0, 4, 1u << 23);
	assert_int_equal(rd(&f->g, 2, ISPENDR0, 4), 1u << 23);
	vgic_inject(&f->g, 2, 23, false);
	assert_int_equal(rd(&f->g, 2, ISPENDR0, 4), 0);

	/* PPI 24 edge: latched until ICPENDR. */
	wr(&f->g, 2, ICFGR1, 4, 2u << 16);
	vgic_inject(&f->g, 2, 24, true);
	vgic_inject(&f->g, 2, 24, false);
	assert_int_equal(rd(&f->g, 2, ICPENDR0, 4), 1u << 24);
	wr(&f->g, 2, ICPENDR0, 4, 1u << 24);
	assert_int_equal(rd(&f->g, 2, ISPENDR0, 4), 0);
	assert_int_equal(rd(&f->g, 1, ISPENDR0, 4), 0);
}

static void test_private_kicks(void **state)
{
	struct fx *f = *state;

	wake_all(&f->g);
	dist_wr(&f->g, GICD_CTLR, 2);
	wr(&f->g, 2, IGROUPR0, 4, 1u << 26);
	vgic_inject(&f->g, 2, 26, true);
	expect_kicks(f, 0, 0, 0, 0);		/* disabled */
	wr(&f->g, 2, ISENABLER0, 4, 1u << 26);
	expect_kicks(f, 0, 0, 1, 0);		/* the owner, nobody else */
	wr(&f->g, 2, ISPENDR0, 4, 1u << 26);	/* already pending */
	expect_kicks(f, 0, 0, 1, 0);
	wr(&f->g, 2, ICENABLER0, 4, 1u << 26);
	wr(&f->g, 2, IGROUPR0, 4, 0);		/* group 0: disabled in CTLR */
	wr(&f->g, 2, ISENABLER0, 4, 1u << 26);
	expect_kicks(f, 0, 0, 1, 0);
	wr(&f->g, 2, IGROUPR0, 4, 1u << 26);	/* group 1 again */
	expect_kicks(f, 0, 0, 2, 0);
	/* Same INTID on vCPU 0: its own bank, its own kick. */
	wr(&f->g, 0, IGROUPR0, 4, 1u << 26);
	wr(&f->g, 0, ISENABLER0, 4, 1u << 26);
	wr(&f->g, 0, ISPENDR0, 4, 1u << 26);
	expect_kicks(f, 1, 0, 2, 0);
}

/* --- SGIs from ICC_SGI1R_EL1 ---------------------------------------------------- */

static uint64_t sgi1r(unsigned intid, unsigned aff3, unsigned aff2, unsigned aff1, unsigned rs,
		      bool irm, unsigned targets)
{
	return ((uint64_t)aff3 << 48) | ((uint64_t)rs << 44) | ((uint64_t)irm << 40) |
	       ((uint64_t)aff2 << 32) | ((uint64_t)intid << 24) | ((uint64_t)aff1 << 16) |
	       targets;
}

/* All SGIs enabled, group 1, every vCPU awake, group 1 on. */
static void sgi_ready(struct fx *f)
{
	wake_all(&f->g);
	dist_wr(&f->g, GICD_CTLR, 2);
	for (unsigned v = 0; v < NCPU; v++) {
		wr(&f->g, v, IGROUPR0, 4, 0xffff);
		wr(&f->g, v, ISENABLER0, 4, 0xffff);
	}
	expect_kicks(f, 0, 0, 0, 0);
}

/* Which vCPUs have SGI intid pending, as a bitmask, through ISPENDR0. */
static unsigned pending_on(struct fx *f, unsigned intid)
{
	unsigned mask = 0;

	for (unsigned v = 0; v < NCPU; v++)
		if ((rd(&f->g, v, ISPENDR0, 4) >> intid) & 1)
			mask |= 1u << v;
	return mask;
}

static void clear_sgis(struct fx *f)
{
	for (unsigned v = 0; v < NCPU; v++)
		wr(&f->g, v, ICPENDR0, 4, 0xffff);
}

static void test_sgi_target_list(void **state)
{
	struct fx *f = *state;

	sgi_ready(f);
	vgic_send_sgi(&f->g, 0, sgi1r(5, 0, 0, 0, 0, false, 0x6));
	assert_int_equal(pending_on(f, 5), 0x6);
	expect_kicks(f, 0, 1, 1, 0);
	assert_int_equal(f->g.cpu[1].priv[5].sgi_src, 1u << 0);
	assert_int_equal(f->g.cpu[2].priv[5].sgi_src, 1u << 0);
	/* Nothing else became pending. */
	for (unsigned v = 0; v < NCPU; v++)
		assert_int_equal(rd(&f->g, v, ISPENDR0, 4), v == 1 || v == 2 ? 1u << 5 : 0);

	/* Sending to oneself through TargetList works. */
	vgic_send_sgi(&f->g, 0, sgi1r(5, 0, 0, 0, 0, false, 0x1));
	assert_int_equal(pending_on(f, 5), 0x7);
	expect_kicks(f, 1, 1, 1, 0);

	/* Again to a target already pending: no second kick. */
	vgic_send_sgi(&f->g, 3, sgi1r(5, 0, 0, 0, 0, false, 0x2));
	expect_kicks(f, 1, 1, 1, 0);
	assert_int_equal(f->g.cpu[1].priv[5].sgi_src, (1u << 0) | (1u << 3));

	/* TargetList bits past the vCPUs hit nobody. */
	clear_sgis(f);
	assert_int_equal(f->g.cpu[1].priv[5].sgi_src, 0);
	vgic_send_sgi(&f->g, 0, sgi1r(5, 0, 0, 0, 0, false, 0xfff0));
	assert_int_equal(pending_on(f, 5), 0);
	expect_kicks(f, 1, 1, 1, 0);
}

static void test_sgi_intid_field(void **state)
{
	struct fx *f = *state;

	sgi_ready(f);
	vgic_send_sgi(&f->g, 1, sgi1r(15, 0, 0, 0, 0, false, 0x8));
	assert_int_equal(rd(&f->g, 3, ISPENDR0, 4), 1u << 15);
	vgic_send_sgi(&f->g, 1, sgi1r(0, 0, 0, 0, 0, false, 0x8));
	assert_int_equal(rd(&f->g, 3, ISPENDR0, 4), (1u << 15) | 1);
	/* Bits outside the fields (e.g. 28..31, 41..43) are ignored. */
	vgic_send_sgi(&f->g, 1, sgi1r(7, 0, 0, 0, 0, false, 0x8) | (0xfULL << 28) |
				 (7ULL << 41));
	assert_int_equal(rd(&f->g, 3, ISPENDR0, 4), (1u << 15) | (1u << 7) | 1);
}

static void test_sgi_affinity_mismatch(void **state)
{
	struct fx *f = *state;

	sgi_ready(f);
	vgic_send_sgi(&f->g, 0, sgi1r(1, 0, 0, 1, 0, false, 0xf));	/* Aff1 = 1 */
	vgic_send_sgi(&f->g, 0, sgi1r(1, 0, 1, 0, 0, false, 0xf));	/* Aff2 = 1 */
	vgic_send_sgi(&f->g, 0, sgi1r(1, 1, 0, 0, 0, false, 0xf));	/* Aff3 = 1 */
	vgic_send_sgi(&f->g, 0, sgi1r(1, 0, 0, 0, 1, false, 0xf));	/* RS = 1 */
	assert_int_equal(pending_on(f, 1), 0);
	expect_kicks(f, 0, 0, 0, 0);
}

/* Give vCPUs affinities the default numbering never produces, to see that
 * each field of the SGI selects. */
static void test_sgi_affinity_fields(void **state)
{
	struct fx *f = *state;

	sgi_ready(f);
	f->g.cpu[1].mpidr = (5ULL << 32) | (6 << 16) | 0x01;	/* 5.6.0.1 */
	f->g.cpu[2].mpidr = (1 << 8) | 0x00;			/* 0.0.1.0 */
	f->g.cpu[3].mpidr = 0x13;				/* 0.0.0.19 */

	vgic_send_sgi(&f->g, 0, sgi1r(2, 5, 6, 0, 0, false, 0x2));
	assert_int_equal(pending_on(f, 2), 1u << 1);
	vgic_send_sgi(&f->g, 0, sgi1r(3, 0, 0, 1, 0, false, 0x1));
	assert_int_equal(pending_on(f, 3), 1u << 2);
	/* Aff0 19 is RS 1, TargetList bit 3. */
	vgic_send_sgi(&f->g, 0, sgi1r(4, 0, 0, 0, 0, false, 0x8));
	assert_int_equal(pending_on(f, 4), 0);
	vgic_send_sgi(&f->g, 0, sgi1r(4, 0, 0, 0, 1, false, 0x8));
	assert_int_equal(pending_on(f, 4), 1u << 3);
	/* Bit 0 at 0.0.0 still reaches vCPU 0 (Aff0 0) alone. */
	vgic_send_sgi(&f->g, 3, sgi1r(6, 0, 0, 0, 0, false, 0x1));
	assert_int_equal(pending_on(f, 6), 1u << 0);
	expect_kicks(f, 1, 1, 1, 1);
}

static void test_sgi_irm_excludes_self(void **state)
{
	struct fx *f = *state;

	sgi_ready(f);
	/* IRM ignores TargetList and the affinity fields. */
	vgic_send_sgi(&f->g, 2, sgi1r(9, 7, 7, 7, 3, true, 0x0004));
	assert_int_equal(pending_on(f, 9), 0xb);
	expect_kicks(f, 1, 1, 0, 1);
	for (unsigned v = 0; v < NCPU; v++)
		assert_int_equal(f->g.cpu[v].priv[9].sgi_src, v == 2 ? 0 : 1u << 2);

	vgic_send_sgi(&f->g, 0, sgi1r(10, 0, 0, 0, 0, true, 0));
	assert_int_equal(pending_on(f, 10), 0xe);
	expect_kicks(f, 1, 2, 1, 2);
}

static void test_sgi_disabled_no_kick(void **state)
{
	struct fx *f = *state;

	sgi_ready(f);
	wr(&f->g, 1, ICENABLER0, 4, 1u << 11);
	vgic_send_sgi(&f->g, 0, sgi1r(11, 0, 0, 0, 0, false, 0x6));
	assert_int_equal(pending_on(f, 11), 0x6);	/* pending either way */
	expect_kicks(f, 0, 0, 1, 0);			/* delivered to vCPU 2 only */
	wr(&f->g, 1, ISENABLER0, 4, 1u << 11);
	expect_kicks(f, 0, 1, 1, 0);
	/* A sender out of range is ignored. */
	vgic_send_sgi(&f->g, NCPU, sgi1r(12, 0, 0, 0, 0, true, 0));
	assert_int_equal(pending_on(f, 12), 0);
	expect_kicks(f, 0, 1, 1, 0);
}

static void test_sgi_collect(void **state)
{
	struct fx *f = *state;
	struct vgic_irq *out[8];

	sgi_ready(f);
	wr(&f->g, 1, IPRIORITYR(0), 4, 0x00204000);	/* SGI 1: 0x40, SGI 2: 0x20 */
	vgic_send_sgi(&f->g, 0, sgi1r(1, 0, 0, 0, 0, false, 0x2));
	vgic_send_sgi(&f->g, 0, sgi1r(2, 0, 0, 0, 0, false, 0x2));
	vgic_send_sgi(&f->g, 3, sgi1r(0, 0, 0, 0, 0, false, 0x2));
	assert_int_equal(vgic_collect_pending(&f->g, 1, out, 8), 3);
	assert_ptr_equal(out[0], &f->g.cpu[1].priv[0]);
	assert_ptr_equal(out[1], &f->g.cpu[1].priv[2]);
	assert_ptr_equal(out[2], &f->g.cpu[1].priv[1]);
	assert_int_equal(vgic_collect_pending(&f->g, 0, out, 8), 0);
}

/* SGIs go only to targets whose SGI is in the sending register's group:
 * ICC_SGI1R_EL1 to Group 1 (and Secure Group 1), ICC_SGI0R_EL1 to Group 0. */
static void test_sgi_groups(void **state)
{
	struct fx *f = *state;

	sgi_ready(f);
	dist_wr(&f->g, GICD_CTLR, 7);
	wr(&f->g, 1, IGROUPR0, 4, 0xffff & ~(1u << 4));	/* vCPU 1: SGI 4 Group 0 */
	wr(&f->g, 2, IGROUPR0, 4, 0xffff & ~(1u << 4));	/* vCPU 2: SGI 4 Secure Group 1 */
	wr(&f->g, 2, IGRPMODR0, 4, 1u << 4);
	vgic_send_sgi(&f->g, 0, sgi1r(4, 0, 0, 0, 0, false, 0xe));
	assert_int_equal(pending_on(f, 4), 0xc);	/* 1's is Group 0: dropped */
	clear_sgis(f);
	vgic_send_sgi0(&f->g, 0, sgi1r(4, 0, 0, 0, 0, false, 0xe));
	assert_int_equal(pending_on(f, 4), 0x2);	/* only the Group 0 one */
	clear_sgis(f);
	vgic_send_sgi0(&f->g, 0, sgi1r(4, 0, 0, 0, 0, true, 0));
	assert_int_equal(pending_on(f, 4), 0x2);
	clear_sgis(f);
	vgic_send_sgi0(&f->g, 3, sgi1r(5, 0, 0, 0, 0, true, 0));
	assert_int_equal(pending_on(f, 5), 0);		/* SGI 5 is Group 1 everywhere */
}

/* Secure Group 1 (IGROUPR 0, IGRPMODR 1), as secure-world guests set it
 * up: gated by GICD_CTLR bit 2 alone, handed to the LR as Group 1. */
static void test_secure_group1_enable(void **state)
{
	struct fx *f = *state;
	struct vgic_irq *ppi = &f->g.cpu[0].priv[22];

	wr(&f->g, 0, IGROUPR0, 4, 0);
	wr(&f->g, 0, IGRPMODR0, 4, 1u << 22);
	assert_int_equal(rd(&f->g, 0, IGRPMODR0, 4), 1u << 22);
	wr(&f->g, 0, ISENABLER0, 4, 1u << 22);
	wr(&f->g, 0, ISPENDR0, 4, 1u << 22);
	assert_true(vgic_irq_as_group1(ppi));
	assert_int_equal(vgic_group_enable(ppi), 4);
	dist_wr(&f->g, GICD_CTLR, 3);			/* Group 0 and 1: not it */
	assert_false(vgic_irq_deliverable(&f->g, 0, ppi));
	expect_kicks(f, 0, 0, 0, 0);
	dist_wr(&f->g, GICD_CTLR, 4);			/* EnableGrp1S: kicks vCPU 0 */
	assert_true(vgic_irq_deliverable(&f->g, 0, ppi));
	expect_kicks(f, 1, 0, 0, 0);
	wr(&f->g, 0, IGRPMODR0, 4, 0);			/* now plain Group 0 */
	assert_false(vgic_irq_as_group1(ppi));
	assert_false(vgic_irq_deliverable(&f->g, 0, ppi));
	dist_wr(&f->g, GICD_CTLR, 1);
	assert_true(vgic_irq_deliverable(&f->g, 0, ppi));
}

/* Writes to an interrupt held in a list register become requests its
 * holder applies, and kick that holder; ISPENDR shows the LR's pending. */
static void test_lr_held_requests(void **state)
{
	struct fx *f = *state;
	struct vgic_irq *sgi = &f->g.cpu[1].priv[3];
	struct vgic_irq *ppi = &f->g.cpu[1].priv[27];

	sgi_ready(f);
	sgi->lr_vcpu = 1;				/* in vCPU 1's LR, pending */
	sgi->lr_pending = true;
	assert_int_equal(rd(&f->g, 1, ISPENDR0, 4), 1u << 3);
	wr(&f->g, 0, ICPENDR0, 4, 0);			/* vCPU 0's frame: not it */
	assert_int_equal(sgi->lr_req, 0);
	wr(&f->g, 1, ICPENDR0, 4, 1u << 3);
	assert_int_equal(sgi->lr_req, VGIC_LR_REQ_CLEAR_PENDING);
	assert_false(sgi->lr_pending);
	assert_int_equal(rd(&f->g, 1, ISPENDR0, 4), 0);
	expect_kicks(f, 0, 1, 0, 0);
	wr(&f->g, 1, ISACTIVER0, 4, 1u << 3);
	assert_int_equal(sgi->lr_req, VGIC_LR_REQ_CLEAR_PENDING | VGIC_LR_REQ_SET_ACTIVE);
	wr(&f->g, 1, ICACTIVER0, 4, 1u << 3);
	assert_int_equal(sgi->lr_req, VGIC_LR_REQ_CLEAR_PENDING | VGIC_LR_REQ_CLEAR_ACTIVE);
	assert_int_equal(rd(&f->g, 1, ISACTIVER0, 4), 0);
	expect_kicks(f, 0, 3, 0, 0);

	/* A level input still high keeps a hardware-linked LR pending. */
	ppi->lr_vcpu = 1;
	ppi->lr_pending = true;
	ppi->line_level = true;
	ppi->hw_intid = 27;
	wr(&f->g, 1, ICPENDR0, 4, 1u << 27);
	assert_int_equal(ppi->lr_req, 0);
	assert_true(rd(&f->g, 1, ISPENDR0, 4) & (1u << 27));

	/* Not in an LR: plain model state, no request, no kick. */
	sgi->lr_vcpu = -1;
	sgi->lr_req = 0;
	wr(&f->g, 1, ISACTIVER0, 4, 1u << 3);
	assert_int_equal(sgi->lr_req, 0);
	expect_kicks(f, 0, 3, 0, 0);
}

/* A level line that drops while its interrupt waits untaken in an LR:
 * withdrawn (request, kick), unless software made it pending as well, or
 * it is edge, or hardware-linked (the timer, synced by the LR code). */
static void test_level_drop_withdraws_lr(void **state)
{
	struct fx *f = *state;
	struct vgic_irq *ppi = &f->g.cpu[2].priv[20];

	dist_wr(&f->g, GICD_CTLR, 2);
	wr(&f->g, 2, IGROUPR0, 4, 1u << 20);
	wr(&f->g, 2, ISENABLER0, 4, 1u << 20);
	assert_int_equal(vgic_inject(&f->g, 2, 20, true), 0);
	expect_kicks(f, 0, 0, 1, 0);
	ppi->lr_vcpu = 2;			/* as vgic_lr_flush() leaves it */
	ppi->lr_pending = true;
	ppi->lr_latched = false;
	assert_int_equal(vgic_inject(&f->g, 2, 20, false), 0);
	assert_int_equal(ppi->lr_req, VGIC_LR_REQ_CLEAR_PENDING);
	assert_false(ppi->lr_pending);
	assert_int_equal(rd(&f->g, 2, ISPENDR0, 4) & (1u << 20), 0);
	expect_kicks(f, 0, 0, 2, 0);

	/* Software-pending too: stays. */
	ppi->lr_req = 0;
	ppi->lr_pending = true;
	ppi->lr_latched = true;
	assert_int_equal(vgic_inject(&f->g, 2, 20, true), 0);
	assert_int_equal(vgic_inject(&f->g, 2, 20, false), 0);
	assert_int_equal(ppi->lr_req, 0);
	assert_true(rd(&f->g, 2, ISPENDR0, 4) & (1u << 20));

	/* Hardware-linked: left to the LR code. */
	ppi->lr_latched = false;
	ppi->hw_intid = 20;
	assert_int_equal(vgic_inject(&f->g, 2, 20, true), 0);
	assert_int_equal(vgic_inject(&f->g, 2, 20, false), 0);
	assert_int_equal(ppi->lr_req, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_reset_values),
		T(test_writable_bits),
		T(test_banked_per_vcpu),
		T(test_bad_widths_rejected),
		T(test_bad_vcpu_rejected),
		T(test_typer_one_vcpu),
		T(test_typer_four_vcpus),
		T(test_typer_eight_vcpus),
		T(test_typer_affinity_from_mpidr),
		T(test_mpidr_assignment),
		T(test_waker_sequence),
		T(test_waker_does_not_gate_delivery),
		T(test_set_clear_pairs),
		T(test_sgi_config_fixed),
		T(test_priority_bytes),
		T(test_ppi_pending_level_edge),
		T(test_private_kicks),
		T(test_sgi_target_list),
		T(test_sgi_intid_field),
		T(test_sgi_affinity_mismatch),
		T(test_sgi_affinity_fields),
		T(test_sgi_irm_excludes_self),
		T(test_sgi_disabled_no_kick),
		T(test_sgi_collect),
		T(test_sgi_groups),
		T(test_secure_group1_enable),
		T(test_lr_held_requests),
		T(test_level_drop_withdraws_lr),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
