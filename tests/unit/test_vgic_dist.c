/*
 * Unit tests for virt/vgic_dist.c (and the interrupt state in virt/vgic.c
 * it drives): the virtual GICv3 distributor as the guest sees it.
 *
 * The register facts are written out here as data from the GICv3
 * architecture (offset, width, reset value, writable bits), not taken from
 * the implementation's table, so a wrong row there fails a row here. Kicks
 * are counted per vCPU and compared exactly after every step: a missing
 * kick loses an interrupt, a spurious one costs a guest exit.
 *
 * The VM under test: 4 vCPUs, 64 SPIs (INTIDs 32..95).
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
#define NSPI		64
#define SPI_END		(32 + NSPI)

/* Distributor offsets (GICv3 architecture, GICD_*). */
#define CTLR		0x0000
#define TYPER		0x0004
#define IIDR		0x0008
#define TYPER2		0x000c
#define STATUSR		0x0010
#define IGROUPR(n)	(0x0080 + 4 * (n))
#define ISENABLER(n)	(0x0100 + 4 * (n))
#define ICENABLER(n)	(0x0180 + 4 * (n))
#define ISPENDR(n)	(0x0200 + 4 * (n))
#define ICPENDR(n)	(0x0280 + 4 * (n))
#define ISACTIVER(n)	(0x0300 + 4 * (n))
#define ICACTIVER(n)	(0x0380 + 4 * (n))
#define IPRIORITYR(n)	(0x0400 + 4 * (n))
#define ITARGETSR(n)	(0x0800 + 4 * (n))
#define ICFGR(n)	(0x0c00 + 4 * (n))
#define IGRPMODR(n)	(0x0d00 + 4 * (n))
#define NSACR(n)	(0x0e00 + 4 * (n))
#define SGIR		0x0f00
#define CPENDSGIR(n)	(0x0f10 + 4 * (n))
#define SPENDSGIR(n)	(0x0f20 + 4 * (n))
#define IROUTER(n)	(0x6000 + 8 * (n))
#define PIDR4		0xffd0
#define PIDR0		0xffe0
#define PIDR1		0xffe4
#define PIDR2		0xffe8
#define PIDR3		0xffec
#define CIDR(n)		(0xfff0 + 4 * (n))

#define GICR_WAKER	0x0014

#define IROUTER_KEEP	0xff80ffffffULL	/* Aff3, IRM, Aff2, Aff1, Aff0 */
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

	assert_true(vcpu < NCPU);
	k->n[vcpu]++;
}

static int setup(void **state)
{
	struct fx *f = malloc(sizeof(*f));

	assert_non_null(f);
	/* vgic_init must not rely on clean memory. */
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

static uint64_t rd(struct vgic *g, uint64_t off, unsigned size)
{
	uint64_t v = 0x5a5a5a5a5a5a5a5aULL;

	assert_int_equal(vgic_dist_access(g, 0, off, size, false, &v), 0);
	return v;
}

static void wr(struct vgic *g, uint64_t off, unsigned size, uint64_t v)
{
	assert_int_equal(vgic_dist_access(g, 0, off, size, true, &v), 0);
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

/* Every redistributor awake, as after the guest's GIC driver ran. */
static void wake_all(struct vgic *g)
{
	for (unsigned v = 0; v < NCPU; v++) {
		uint64_t zero = 0;

		assert_int_equal(vgic_redist_access(g, v, GICR_WAKER, 4, true, &zero), 0);
	}
}

static unsigned bit(irqid_t intid) { return intid % 32; }
static unsigned word(irqid_t intid) { return intid / 32; }

/* --- registers as data ---------------------------------------------------- */

struct reg_case {
	const char *name;
	uint64_t off;
	unsigned size;
	uint64_t reset;
	uint64_t writable;	/* bits that read back what was written */
};

static const struct reg_case dist_regs[] = {
	/* ARE (4) and DS (6) read as one; EnableGrp0/1 are the writable bits. */
	{ "CTLR",		CTLR, 4, 0x50, 0x7 },	/* bit 2: EnableGrp1S, secure-world guests */
	/* A3V, IDbits = 15 (16-bit INTIDs, the GICv3 minimum), ITLinesNumber 2. */
	{ "TYPER",		TYPER, 4, (1u << 24) | (15u << 19) | 2, 0 },
	{ "IIDR",		IIDR, 4, 0x5400043b, 0 },
	{ "TYPER2",		TYPER2, 4, 0, 0 },
	{ "STATUSR",		STATUSR, 4, 0, 0 },
	{ "IGROUPR0 (private)",	IGROUPR(0), 4, 0, 0 },
	{ "IGROUPR1",		IGROUPR(1), 4, 0, ALL32 },
	{ "IGROUPR2",		IGROUPR(2), 4, 0, ALL32 },
	{ "IGROUPR3 (no SPIs)",	IGROUPR(3), 4, 0, 0 },
	{ "IGROUPR31",		IGROUPR(31), 4, 0, 0 },
	{ "IPRIORITYR0",	IPRIORITYR(0), 4, 0, 0 },
	{ "IPRIORITYR7",	IPRIORITYR(7), 4, 0, 0 },
	{ "IPRIORITYR8",	IPRIORITYR(8), 4, 0, ALL32 },
	{ "IPRIORITYR23",	IPRIORITYR(23), 4, 0, ALL32 },
	{ "IPRIORITYR24",	IPRIORITYR(24), 4, 0, 0 },
	{ "IPRIORITYR254",	IPRIORITYR(254), 4, 0, 0 },
	{ "IPRIORITYR8 byte",	IPRIORITYR(8) + 3, 1, 0, 0xff },
	{ "ITARGETSR0",		ITARGETSR(0), 4, 0, 0 },
	{ "ITARGETSR8",		ITARGETSR(8), 4, 0, 0 },
	{ "ITARGETSR8 byte",	ITARGETSR(8) + 1, 1, 0, 0 },
	{ "ICFGR0 (SGIs)",	ICFGR(0), 4, 0, 0 },
	{ "ICFGR1 (PPIs)",	ICFGR(1), 4, 0, 0 },
	{ "ICFGR2",		ICFGR(2), 4, 0, 0xaaaaaaaa },
	{ "ICFGR5",		ICFGR(5), 4, 0, 0xaaaaaaaa },
	{ "ICFGR6 (no SPIs)",	ICFGR(6), 4, 0, 0 },
	{ "IGRPMODR1",		IGRPMODR(1), 4, 0, ALL32 /* kept: secure-world guests */ },
	{ "NSACR2",		NSACR(2), 4, 0, 0 },
	{ "SGIR",		SGIR, 4, 0, 0 },
	{ "CPENDSGIR0",		CPENDSGIR(0), 4, 0, 0 },
	{ "SPENDSGIR3",		SPENDSGIR(3), 4, 0, 0 },
	{ "IROUTER31 (resvd)",	IROUTER(31), 8, 0, 0 },
	{ "IROUTER32",		IROUTER(32), 8, 0, IROUTER_KEEP },
	{ "IROUTER32 lo",	IROUTER(32), 4, 0, IROUTER_KEEP & ALL32 },
	{ "IROUTER32 hi",	IROUTER(32) + 4, 4, 0, IROUTER_KEEP >> 32 },
	{ "IROUTER95",		IROUTER(95), 8, 0, IROUTER_KEEP },
	{ "IROUTER96 (no SPI)",	IROUTER(96), 8, 0, 0 },
	{ "IROUTER1019",	IROUTER(1019), 8, 0, 0 },
	{ "PIDR4",		PIDR4, 4, 0x44, 0 },
	{ "PIDR0",		PIDR0, 4, 0x54, 0 },
	{ "PIDR1",		PIDR1, 4, 0xb0, 0 },
	{ "PIDR2 (ArchRev 3)",	PIDR2, 4, 0x3b, 0 },
	{ "PIDR3",		PIDR3, 4, 0, 0 },
	{ "CIDR0",		CIDR(0), 4, 0x0d, 0 },
	{ "CIDR1",		CIDR(1), 4, 0xf0, 0 },
	{ "CIDR2",		CIDR(2), 4, 0x05, 0 },
	{ "CIDR3",		CIDR(3), 4, 0xb1, 0 },
	{ "reserved 0x14",	0x0014, 4, 0, 0 },
	{ "SETSPI_NSR (no MBIS)", 0x0040, 4, 0, 0 },
	{ "reserved 0x1000",	0x1000, 4, 0, 0 },
	{ "reserved 0x5000 x8",	0x5000, 8, 0, 0 },
	{ "reserved 0x8000",	0x8000, 4, 0, 0 },
	{ "reserved 0xffcc",	0xffcc, 4, 0, 0 },
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

	for (size_t i = 0; i < ARRAY_SIZE(dist_regs); i++) {
		const struct reg_case *c = &dist_regs[i];

		check_reg("reset", c, rd(&f->g, c->off, c->size), c->reset);
	}
}

/* Write all ones, then all zeros: writable bits follow, the rest keep
 * their reset value. Done on a fresh VM per register so one register's
 * write cannot mask another's. */
static void test_writable_bits(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(dist_regs); i++) {
		const struct reg_case *c = &dist_regs[i];
		uint64_t fixed = c->reset & ~c->writable;
		struct fx *f = NULL;

		setup((void **)&f);
		wr(&f->g, c->off, c->size, size_mask(c->size));
		check_reg("after all-ones", c, rd(&f->g, c->off, c->size), fixed | c->writable);
		wr(&f->g, c->off, c->size, 0);
		check_reg("after zero", c, rd(&f->g, c->off, c->size), fixed);
		teardown((void **)&f);
	}
}

/* A write to a RAZ/WI area must not leak into other state either. */
static void test_raz_wi_leaves_state_alone(void **state)
{
	struct fx *f = *state;
	struct vgic before;
	static const uint64_t offs[] = {
		IGROUPR(0), ISENABLER(0), ISPENDR(0), ISACTIVER(0), IPRIORITYR(0),
		IPRIORITYR(7), ICFGR(0), ICFGR(1), IGROUPR(3), ISENABLER(3),
		IPRIORITYR(24), ICFGR(6), ITARGETSR(8), IGRPMODR(0), NSACR(2), SGIR,
		SPENDSGIR(0), TYPER, IIDR, STATUSR, 0x0040, PIDR2,
	};

	memcpy(&before, &f->g, sizeof(before));
	for (size_t i = 0; i < ARRAY_SIZE(offs); i++)
		wr(&f->g, offs[i], 4, ALL32);
	wr(&f->g, IROUTER(31), 8, ~0ULL);
	wr(&f->g, IROUTER(96), 8, ~0ULL);
	/* Writes may bump the scan epoch (bookkeeping); nothing else moves. */
	before.epoch = f->g.epoch;
	assert_memory_equal(&before, &f->g, sizeof(before));
	expect_kicks(f, 0, 0, 0, 0);
}

/* --- access widths ---------------------------------------------------------- */

struct width_case {
	const char *name;
	uint64_t off;
	unsigned size;
};

static const struct width_case bad_widths[] = {
	{ "CTLR byte", CTLR, 1 },
	{ "CTLR half", CTLR + 2, 2 },
	{ "CTLR dword", CTLR, 8 },
	{ "CTLR misaligned", CTLR + 1, 4 },
	{ "TYPER dword misaligned", TYPER, 8 },
	{ "IIDR byte", IIDR + 1, 1 },
	{ "ISENABLER byte", ISENABLER(1), 1 },
	{ "ISENABLER half", ISENABLER(1), 2 },
	{ "ISENABLER dword", ISENABLER(2), 8 },
	{ "ICPENDR byte", ICPENDR(1) + 3, 1 },
	{ "IGROUPR byte", IGROUPR(1), 1 },
	{ "IPRIORITYR half", IPRIORITYR(8), 2 },
	{ "IPRIORITYR dword", IPRIORITYR(8), 8 },
	{ "IPRIORITYR misaligned", IPRIORITYR(8) + 1, 4 },
	{ "ICFGR byte", ICFGR(2), 1 },
	{ "IROUTER byte", IROUTER(32), 1 },
	{ "IROUTER half", IROUTER(32), 2 },
	{ "IROUTER misaligned dword", IROUTER(32) + 4, 8 },
	{ "IROUTER misaligned word", IROUTER(32) + 2, 4 },
	{ "PIDR2 byte", PIDR2, 1 },
	{ "size 3", ISENABLER(1), 3 },
	{ "size 16", ISENABLER(0), 16 },
	{ "size 0", ISENABLER(1), 0 },
	{ "past the frame", 0x10000, 4 },
	{ "misaligned reserved", 0x1002, 4 },
};

static void test_bad_widths_rejected(void **state)
{
	struct fx *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(bad_widths); i++) {
		const struct width_case *c = &bad_widths[i];
		uint64_t v = ~0ULL;
		int r;

		r = vgic_dist_access(&f->g, 0, c->off, c->size, false, &v);
		if (r != -EINVAL)
			fail_msg("read %s: %d, want -EINVAL", c->name, r);
		r = vgic_dist_access(&f->g, 0, c->off, c->size, true, &v);
		if (r != -EINVAL)
			fail_msg("write %s: %d, want -EINVAL", c->name, r);
	}
	/* The rejected writes changed nothing. */
	assert_int_equal(rd(&f->g, CTLR, 4), 0x50);
	assert_int_equal(rd(&f->g, ISENABLER(1), 4), 0);
	assert_int_equal(rd(&f->g, ISENABLER(2), 4), 0);
	assert_int_equal(rd(&f->g, IPRIORITYR(8), 4), 0);
	assert_int_equal(rd(&f->g, IROUTER(32), 8), 0);
	expect_kicks(f, 0, 0, 0, 0);
}

static void test_bad_vcpu_rejected(void **state)
{
	struct fx *f = *state;
	uint64_t v = 0;

	assert_int_equal(vgic_dist_access(&f->g, NCPU, CTLR, 4, false, &v), -EINVAL);
	assert_int_equal(vgic_dist_access(&f->g, 3, CTLR, 4, false, &v), 0);
}

/* Reserved offsets take any naturally aligned size and read as zero. */
static void test_reserved_any_width(void **state)
{
	struct fx *f = *state;
	static const unsigned sizes[] = { 1, 2, 4, 8 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		assert_int_equal(rd(&f->g, 0x1000, sizes[i]), 0);
		assert_int_equal(rd(&f->g, 0x0020, sizes[i]), 0);
		wr(&f->g, 0x1000, sizes[i], ~0ULL);
	}
}

/* --- set/clear register pairs --------------------------------------------- */

struct pair_case {
	const char *name;
	uint64_t set, clear;	/* word 0 of each */
	size_t field;		/* offsetof the bool in struct vgic_irq */
};

static const struct pair_case pairs[] = {
	{ "ENABLER", ISENABLER(0), ICENABLER(0), offsetof(struct vgic_irq, enabled) },
	{ "PENDR", ISPENDR(0), ICPENDR(0), offsetof(struct vgic_irq, pending_latch) },
	{ "ACTIVER", ISACTIVER(0), ICACTIVER(0), offsetof(struct vgic_irq, active) },
};

static bool field(const struct vgic_irq *irq, size_t off)
{
	return *(const bool *)((const char *)irq + off);
}

/* The state behind both registers of the pair: the read of each, and the
 * field of every SPI, must equal want for word n. */
static void check_pair(struct fx *f, const struct pair_case *p, unsigned n, uint32_t want)
{
	uint64_t s = rd(&f->g, p->set + 4 * n, 4);
	uint64_t c = rd(&f->g, p->clear + 4 * n, 4);

	if (s != want || c != want)
		fail_msg("%s word %u: set reads 0x%llx, clear reads 0x%llx, want 0x%x", p->name,
			 n, (unsigned long long)s, (unsigned long long)c, want);
	for (unsigned i = 0; i < 32; i++) {
		const struct vgic_irq *irq = vgic_get_irq(&f->g, 0, 32 * n + i);

		if (field(irq, p->field) != ((want >> i) & 1))
			fail_msg("%s INTID %u state %d", p->name, 32 * n + i, field(irq, p->field));
	}
}

static void test_set_clear_pairs(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		const struct pair_case *p = &pairs[i];
		struct fx *f = NULL;

		setup((void **)&f);
		for (unsigned n = 1; n <= 2; n++) {
			check_pair(f, p, n, 0);
			wr(&f->g, p->set + 4 * n, 4, 0x80000001);
			check_pair(f, p, n, 0x80000001);
			wr(&f->g, p->set + 4 * n, 4, 0x00010000);	/* ORs in */
			check_pair(f, p, n, 0x80010001);
			wr(&f->g, p->set + 4 * n, 4, 0);		/* zeros do nothing */
			wr(&f->g, p->clear + 4 * n, 4, 0);
			check_pair(f, p, n, 0x80010001);
			wr(&f->g, p->clear + 4 * n, 4, 0x00000001);
			check_pair(f, p, n, 0x80010000);
		}
		/* Word 1 and 2 are independent. */
		wr(&f->g, p->clear + 4, 4, ALL32);
		check_pair(f, p, 1, 0);
		check_pair(f, p, 2, 0x80010000);
		/* The private word is RAZ/WI here, even as seen by the banks. */
		wr(&f->g, p->set, 4, ALL32);
		assert_int_equal(rd(&f->g, p->set, 4), 0);
		for (unsigned v = 0; v < NCPU; v++)
			for (irqid_t id = 0; id < 32; id++)
				assert_false(field(vgic_get_irq(&f->g, v, id), p->field));
		teardown((void **)&f);
	}
}

static void test_group_register(void **state)
{
	struct fx *f = *state;

	wr(&f->g, IGROUPR(1), 4, 0x0000f00f);
	assert_true(vgic_get_irq(&f->g, 0, 32)->group1);
	assert_false(vgic_get_irq(&f->g, 0, 36)->group1);
	assert_true(vgic_get_irq(&f->g, 0, 47)->group1);
	/* Not a set register: zeros clear. */
	wr(&f->g, IGROUPR(1), 4, 0x00000001);
	assert_int_equal(rd(&f->g, IGROUPR(1), 4), 1);
	assert_false(vgic_get_irq(&f->g, 0, 47)->group1);
}

/* --- IPRIORITYR, ICFGR, IROUTER ------------------------------------------- */

static void test_priority_bytes(void **state)
{
	struct fx *f = *state;

	wr(&f->g, IPRIORITYR(8) + 0, 1, 0x10);
	wr(&f->g, IPRIORITYR(8) + 1, 1, 0x20);
	wr(&f->g, IPRIORITYR(8) + 2, 1, 0x30);
	wr(&f->g, IPRIORITYR(8) + 3, 1, 0x40);
	assert_int_equal(rd(&f->g, IPRIORITYR(8), 4), 0x40302010);
	assert_int_equal(vgic_get_irq(&f->g, 0, 32)->priority, 0x10);
	assert_int_equal(vgic_get_irq(&f->g, 0, 35)->priority, 0x40);

	wr(&f->g, IPRIORITYR(9), 4, 0xa0b0c0d0);
	assert_int_equal(rd(&f->g, IPRIORITYR(9) + 0, 1), 0xd0);
	assert_int_equal(rd(&f->g, IPRIORITYR(9) + 1, 1), 0xc0);
	assert_int_equal(rd(&f->g, IPRIORITYR(9) + 2, 1), 0xb0);
	assert_int_equal(rd(&f->g, IPRIORITYR(9) + 3, 1), 0xa0);
	assert_int_equal(vgic_get_irq(&f->g, 0, 39)->priority, 0xa0);
	/* A byte write touches one INTID only. */
	wr(&f->g, IPRIORITYR(9) + 2, 1, 0x01);
	assert_int_equal(rd(&f->g, IPRIORITYR(9), 4), 0xa001c0d0);
	assert_int_equal(rd(&f->g, IPRIORITYR(8), 4), 0x40302010);

	/* Private and out-of-range bytes are RAZ/WI. */
	wr(&f->g, IPRIORITYR(7) + 3, 1, 0xff);
	assert_int_equal(rd(&f->g, IPRIORITYR(7) + 3, 1), 0);
	assert_int_equal(vgic_get_irq(&f->g, 0, 31)->priority, 0);
	wr(&f->g, IPRIORITYR(24), 1, 0xff);
	assert_int_equal(rd(&f->g, IPRIORITYR(24), 1), 0);
}

static void test_config_edge_bits(void **state)
{
	struct fx *f = *state;

	/* INTID 41 is bit 2*9+1 of ICFGR2; bit 2n (RES0) is dropped. */
	wr(&f->g, ICFGR(2), 4, 3u << 18);
	assert_int_equal(rd(&f->g, ICFGR(2), 4), 2u << 18);
	assert_true(vgic_get_irq(&f->g, 0, 41)->edge);
	assert_false(vgic_get_irq(&f->g, 0, 40)->edge);
	assert_false(vgic_get_irq(&f->g, 0, 42)->edge);
	wr(&f->g, ICFGR(2), 4, 0);
	assert_false(vgic_get_irq(&f->g, 0, 41)->edge);
}

static void test_irouter_halves(void **state)
{
	struct fx *f = *state;
	const struct vgic_irq *irq = vgic_get_irq(&f->g, 0, 50);

	wr(&f->g, IROUTER(50), 8, ~0ULL);
	assert_int_equal(rd(&f->g, IROUTER(50), 8), IROUTER_KEEP);
	assert_int_equal(rd(&f->g, IROUTER(50), 4), 0x80ffffff);
	assert_int_equal(rd(&f->g, IROUTER(50) + 4, 4), 0xff);
	assert_int_equal(irq->route, IROUTER_KEEP);

	/* A half write keeps the other half. */
	wr(&f->g, IROUTER(50) + 4, 4, 0x12);
	assert_int_equal(rd(&f->g, IROUTER(50), 8), 0x1280ffffffULL);
	wr(&f->g, IROUTER(50), 4, 0x00000302);
	assert_int_equal(rd(&f->g, IROUTER(50), 8), 0x1200000302ULL);
	/* RES0 bits of the high half. */
	wr(&f->g, IROUTER(50) + 4, 4, 0xffffff00);
	assert_int_equal(rd(&f->g, IROUTER(50), 8), 0x0000000302ULL);
	/* RES0 bits 30:24 of the low half. */
	wr(&f->g, IROUTER(50), 4, 0x7f000001);
	assert_int_equal(rd(&f->g, IROUTER(50), 8), 1);
	/* Neighbours untouched. */
	assert_int_equal(rd(&f->g, IROUTER(49), 8), 0);
	assert_int_equal(rd(&f->g, IROUTER(51), 8), 0);
}

static void test_spi_routing(void **state)
{
	struct fx *f = *state;
	const struct vgic_irq *irq = vgic_get_irq(&f->g, 0, 70);

	assert_int_equal(vgic_spi_target(&f->g, irq), 0);	/* reset: Aff 0.0.0.0 */
	wr(&f->g, IROUTER(70), 8, 3);
	assert_int_equal(vgic_spi_target(&f->g, irq), 3);
	wr(&f->g, IROUTER(70), 8, 2);
	assert_int_equal(vgic_spi_target(&f->g, irq), 2);
	wr(&f->g, IROUTER(70), 8, (1ULL << 31) | 3);	/* IRM: 1 of N */
	assert_int_equal(vgic_spi_target(&f->g, irq), 0);
	/* No vCPU has these affinities: routed nowhere. */
	wr(&f->g, IROUTER(70), 8, 0x100);		/* Aff1 = 1 */
	assert_int_equal(vgic_spi_target(&f->g, irq), NCPU);
	wr(&f->g, IROUTER(70), 8, 0x10002);		/* Aff2 = 1 */
	assert_int_equal(vgic_spi_target(&f->g, irq), NCPU);
	wr(&f->g, IROUTER(70), 8, 0x100000002ULL);	/* Aff3 = 1 */
	assert_int_equal(vgic_spi_target(&f->g, irq), NCPU);
	wr(&f->g, IROUTER(70), 8, 7);			/* Aff0 past the vCPUs */
	assert_int_equal(vgic_spi_target(&f->g, irq), NCPU);
}

/* --- lookup and reset ------------------------------------------------------ */

static void test_irq_lookup(void **state)
{
	struct fx *f = *state;

	for (unsigned v = 0; v < NCPU; v++)
		for (irqid_t id = 0; id < 32; id++) {
			struct vgic_irq *irq = vgic_get_irq(&f->g, v, id);

			assert_ptr_equal(irq, &f->g.cpu[v].priv[id]);
			assert_int_equal(irq->intid, id);
		}
	for (irqid_t id = 32; id < SPI_END; id++) {
		struct vgic_irq *irq = vgic_get_irq(&f->g, 0, id);

		assert_ptr_equal(irq, &f->g.spis[id - 32]);
		assert_ptr_equal(vgic_get_irq(&f->g, 3, id), irq);	/* shared */
		assert_int_equal(irq->intid, id);
	}
	assert_null(vgic_get_irq(&f->g, 0, SPI_END));
	assert_null(vgic_get_irq(&f->g, 0, 1020));
	assert_null(vgic_get_irq(&f->g, 0, 0xffffffff));
	assert_null(vgic_get_irq(&f->g, NCPU, 5));
}

static void check_irq_reset(const struct vgic_irq *irq, irqid_t id)
{
	assert_int_equal(irq->intid, id);
	assert_int_equal(irq->priority, 0);
	assert_false(irq->enabled);
	assert_false(irq->group1);
	assert_int_equal(irq->edge, id < 16);
	assert_false(irq->pending_latch);
	assert_false(irq->line_level);
	assert_false(irq->active);
	assert_int_equal(irq->route, 0);
	assert_int_equal(irq->hw_intid, 0);
	assert_int_equal(irq->lr_vcpu, -1);
	assert_int_equal(irq->sgi_src, 0);
}

static void test_reset_state(void **state)
{
	struct fx *f = *state;

	assert_int_equal(f->g.n_vcpus, NCPU);
	assert_int_equal(f->g.nr_spis, NSPI);
	assert_int_equal(f->g.ctlr, 0);
	for (unsigned v = 0; v < NCPU; v++) {
		assert_true(f->g.cpu[v].sleeping);
		assert_int_equal(f->g.cpu[v].mpidr, v);
		for (irqid_t id = 0; id < 32; id++)
			check_irq_reset(&f->g.cpu[v].priv[id], id);
	}
	for (irqid_t id = 32; id < SPI_END; id++)
		check_irq_reset(vgic_get_irq(&f->g, 0, id), id);
	expect_kicks(f, 0, 0, 0, 0);
}

static void test_nr_spis_rounding(void **state)
{
	struct fx *f = *state;

	vgic_init(&f->g, 2, 40, record_kick, &f->k);
	assert_int_equal(f->g.nr_spis, 64);
	assert_int_equal(rd(&f->g, TYPER, 4) & 0x1f, 2);
	vgic_init(&f->g, 2, 1000, record_kick, &f->k);
	assert_int_equal(f->g.nr_spis, VGIC_MAX_SPIS);
	assert_int_equal(rd(&f->g, TYPER, 4) & 0x1f, VGIC_MAX_SPIS / 32);
	vgic_init(&f->g, 2, 0, record_kick, &f->k);
	assert_int_equal(rd(&f->g, TYPER, 4) & 0x1f, 0);
	assert_null(vgic_get_irq(&f->g, 0, 32));
	assert_int_equal(rd(&f->g, ISENABLER(1), 4), 0);
}

/* --- pending: level vs edge ----------------------------------------------- */

static bool pending_bit(struct fx *f, irqid_t id)
{
	bool s = (rd(&f->g, ISPENDR(word(id)), 4) >> bit(id)) & 1;
	bool c = (rd(&f->g, ICPENDR(word(id)), 4) >> bit(id)) & 1;

	assert_int_equal(s, c);
	return s;
}

static void test_level_pending(void **state)
{
	struct fx *f = *state;
	const irqid_t id = 40;

	assert_int_equal(vgic_inject(&f->g, 0, id, true), 0);
	assert_true(pending_bit(f, id));
	/* ICPENDR cannot clear an asserted line. */
	wr(&f->g, ICPENDR(word(id)), 4, 1u << bit(id));
	assert_true(pending_bit(f, id));
	assert_int_equal(vgic_inject(&f->g, 0, id, false), 0);
	assert_false(pending_bit(f, id));

	/* Software pending outlives the line. */
	wr(&f->g, ISPENDR(word(id)), 4, 1u << bit(id));
	assert_true(pending_bit(f, id));
	vgic_inject(&f->g, 0, id, true);
	vgic_inject(&f->g, 0, id, false);
	assert_true(pending_bit(f, id));
	wr(&f->g, ICPENDR(word(id)), 4, 1u << bit(id));
	assert_false(pending_bit(f, id));
}

static void test_edge_pending(void **state)
{
	struct fx *f = *state;
	const irqid_t id = 41;

	wr(&f->g, ICFGR(2), 4, 2u << 18);
	assert_int_equal(vgic_inject(&f->g, 0, id, true), 0);
	assert_true(pending_bit(f, id));
	/* Dropping the input does not take back an edge. */
	vgic_inject(&f->g, 0, id, false);
	assert_true(pending_bit(f, id));
	wr(&f->g, ICPENDR(word(id)), 4, 1u << bit(id));
	assert_false(pending_bit(f, id));
	vgic_inject(&f->g, 0, id, true);
	assert_true(pending_bit(f, id));
	/* Only INTID 41 of the word changed. */
	assert_int_equal(rd(&f->g, ISPENDR(1), 4), 1u << bit(id));
}

static void test_inject_bounds(void **state)
{
	struct fx *f = *state;

	assert_int_equal(vgic_inject(&f->g, 0, SPI_END, true), -EINVAL);
	assert_int_equal(vgic_inject(&f->g, 0, 1020, true), -EINVAL);
	assert_int_equal(vgic_inject(&f->g, NCPU, 27, true), -EINVAL);
	/* A PPI goes to the named vCPU's bank only. */
	assert_int_equal(vgic_inject(&f->g, 1, 27, true), 0);
	for (unsigned v = 0; v < NCPU; v++)
		assert_int_equal(f->g.cpu[v].priv[27].line_level, v == 1);
	/* And SPIs ignore vcpu. */
	assert_int_equal(vgic_inject(&f->g, 2, SPI_END - 1, true), 0);
	assert_true(vgic_get_irq(&f->g, 0, SPI_END - 1)->line_level);
}

/* --- deliverability and group gating --------------------------------------- */

static void make_ready(struct fx *f, irqid_t id, bool group1, unsigned target)
{
	uint32_t m = 1u << bit(id);

	wr(&f->g, IGROUPR(word(id)), 4, rd(&f->g, IGROUPR(word(id)), 4) | (group1 ? m : 0));
	wr(&f->g, IROUTER(id), 8, target);
	wr(&f->g, ISENABLER(word(id)), 4, m);
	wr(&f->g, ISPENDR(word(id)), 4, m);
}

static void test_group_gating(void **state)
{
	struct fx *f = *state;
	struct vgic_irq *g1 = vgic_get_irq(&f->g, 0, 60);
	struct vgic_irq *g0 = vgic_get_irq(&f->g, 0, 61);

	wake_all(&f->g);
	make_ready(f, 60, true, 0);
	make_ready(f, 61, false, 0);
	assert_false(vgic_irq_deliverable(&f->g, 0, g1));
	assert_false(vgic_irq_deliverable(&f->g, 0, g0));

	wr(&f->g, CTLR, 4, 1);	/* EnableGrp0 */
	assert_false(vgic_irq_deliverable(&f->g, 0, g1));
	assert_true(vgic_irq_deliverable(&f->g, 0, g0));
	wr(&f->g, CTLR, 4, 2);	/* EnableGrp1 */
	assert_true(vgic_irq_deliverable(&f->g, 0, g1));
	assert_false(vgic_irq_deliverable(&f->g, 0, g0));
	wr(&f->g, CTLR, 4, 3);
	assert_true(vgic_irq_deliverable(&f->g, 0, g1));
	assert_true(vgic_irq_deliverable(&f->g, 0, g0));
	assert_int_equal(f->g.ctlr, 3);
}

static void test_deliverable_conditions(void **state)
{
	struct fx *f = *state;
	struct vgic_irq *irq = vgic_get_irq(&f->g, 0, 62);

	wake_all(&f->g);
	wr(&f->g, CTLR, 4, 3);
	make_ready(f, 62, true, 1);
	assert_true(vgic_irq_deliverable(&f->g, 1, irq));
	/* Only to where it is routed. */
	assert_false(vgic_irq_deliverable(&f->g, 0, irq));
	assert_false(vgic_irq_deliverable(&f->g, 2, irq));
	assert_false(vgic_irq_deliverable(&f->g, NCPU, irq));

	wr(&f->g, ICENABLER(1), 4, 1u << bit(62));
	assert_false(vgic_irq_deliverable(&f->g, 1, irq));
	wr(&f->g, ISENABLER(1), 4, 1u << bit(62));
	wr(&f->g, ICPENDR(1), 4, 1u << bit(62));
	assert_false(vgic_irq_deliverable(&f->g, 1, irq));
	vgic_inject(&f->g, 0, 62, true);	/* level line: pending again */
	assert_true(vgic_irq_deliverable(&f->g, 1, irq));

	/* Active and pending in a list register: the LR has it already. */
	irq->lr_vcpu = 1;
	wr(&f->g, ISACTIVER(1), 4, 1u << bit(62));
	assert_false(vgic_irq_deliverable(&f->g, 1, irq));
	irq->lr_vcpu = -1;
	assert_true(vgic_irq_deliverable(&f->g, 1, irq));
	wr(&f->g, ICACTIVER(1), 4, 1u << bit(62));

	/* Routed nowhere. */
	wr(&f->g, IROUTER(62), 8, 0x100);
	for (unsigned v = 0; v < NCPU; v++)
		assert_false(vgic_irq_deliverable(&f->g, v, irq));

	/* A sleeping redistributor gets it all the same. */
	wr(&f->g, IROUTER(62), 8, 1);
	f->g.cpu[1].sleeping = true;
	assert_true(vgic_irq_deliverable(&f->g, 1, irq));
}

/* --- kicks ------------------------------------------------------------------ */

static void test_kicks_spi(void **state)
{
	struct fx *f = *state;
	const irqid_t id = 50;
	const uint32_t m = 1u << bit(id);

	wake_all(&f->g);
	wr(&f->g, CTLR, 4, 2);
	wr(&f->g, IGROUPR(1), 4, m);
	wr(&f->g, IROUTER(id), 8, 2);
	wr(&f->g, ISENABLER(1), 4, m);		/* enabled, nothing pending */
	expect_kicks(f, 0, 0, 0, 0);

	vgic_inject(&f->g, 0, id, true);	/* becomes deliverable on vCPU 2 */
	expect_kicks(f, 0, 0, 1, 0);
	vgic_inject(&f->g, 0, id, true);	/* no change */
	wr(&f->g, ISPENDR(1), 4, m);		/* already pending */
	wr(&f->g, ISENABLER(1), 4, m);		/* already enabled */
	wr(&f->g, IROUTER(id), 8, 2);		/* same route */
	wr(&f->g, IPRIORITYR(id / 4), 4, 0x80808080);
	expect_kicks(f, 0, 0, 1, 0);

	wr(&f->g, IROUTER(id), 8, 3);		/* moves to vCPU 3 */
	expect_kicks(f, 0, 0, 1, 1);
	wr(&f->g, IROUTER(id) + 4, 4, 0);	/* half write, same route */
	expect_kicks(f, 0, 0, 1, 1);
	wr(&f->g, ICENABLER(1), 4, m);
	expect_kicks(f, 0, 0, 1, 1);
	wr(&f->g, ISENABLER(1), 4, m);
	expect_kicks(f, 0, 0, 1, 2);

	wr(&f->g, CTLR, 4, 0);
	expect_kicks(f, 0, 0, 1, 2);
	wr(&f->g, CTLR, 4, 2);			/* group 1 on again */
	expect_kicks(f, 0, 0, 1, 3);
	wr(&f->g, CTLR, 4, 2);
	expect_kicks(f, 0, 0, 1, 3);
	wr(&f->g, CTLR, 4, 3);			/* group 0 on: none pending */
	expect_kicks(f, 0, 0, 1, 3);

	vgic_inject(&f->g, 0, id, false);	/* the ISPENDR latch still holds it */
	expect_kicks(f, 0, 0, 1, 3);
	wr(&f->g, IROUTER(id), 8, 0x100);	/* routed nowhere */
	vgic_inject(&f->g, 0, id, true);
	expect_kicks(f, 0, 0, 1, 3);
	wr(&f->g, IROUTER(id), 8, 1ULL << 31);	/* IRM: vCPU 0 */
	expect_kicks(f, 1, 0, 1, 3);
}

static void test_kicks_group_and_active(void **state)
{
	struct fx *f = *state;
	struct vgic_irq *irq = vgic_get_irq(&f->g, 0, 51);
	const uint32_t m = 1u << bit(51);

	wake_all(&f->g);
	wr(&f->g, CTLR, 4, 2);			/* group 1 only */
	make_ready(f, 51, false, 1);		/* group 0: held back */
	expect_kicks(f, 0, 0, 0, 0);
	wr(&f->g, IGROUPR(1), 4, m);		/* now group 1 */
	expect_kicks(f, 0, 1, 0, 0);

	/* Active in vCPU 1's list register: not deliverable; the write is
	 * for the LR, so its holder is kicked to apply it. Deactivating it
	 * through ICACTIVER makes it deliverable again: one kick for both. */
	irq->lr_vcpu = 1;
	wr(&f->g, ISACTIVER(1), 4, m);
	expect_kicks(f, 0, 2, 0, 0);
	assert_int_equal(irq->lr_req, VGIC_LR_REQ_SET_ACTIVE);
	wr(&f->g, ICACTIVER(1), 4, m);
	expect_kicks(f, 0, 3, 0, 0);
	assert_int_equal(irq->lr_req, VGIC_LR_REQ_CLEAR_ACTIVE);
	irq->lr_vcpu = -1;
	irq->lr_req = 0;

	/* Edge -> level with the line asserted makes it pending. */
	wr(&f->g, ICPENDR(1), 4, m);
	wr(&f->g, ICFGR(3), 4, 2u << (2 * (51 % 16)));
	vgic_inject(&f->g, 0, 51, false);
	expect_kicks(f, 0, 3, 0, 0);
	irq->line_level = true;			/* as a level source would leave it */
	expect_kicks(f, 0, 3, 0, 0);
	wr(&f->g, ICFGR(3), 4, 0);
	expect_kicks(f, 0, 4, 0, 0);
}

/* An edge arriving for an interrupt still in a list register (the guest may
 * have finished it without exiting) must bring that vCPU out, once. */
static void test_kicks_new_edge_in_lr(void **state)
{
	struct fx *f = *state;
	struct vgic_irq *irq = vgic_get_irq(&f->g, 0, 51);

	wake_all(&f->g);
	wr(&f->g, CTLR, 4, 2);
	wr(&f->g, ICFGR(3), 4, 2u << (2 * (51 % 16)));	/* edge */
	make_ready(f, 51, true, 1);
	expect_kicks(f, 0, 1, 0, 0);
	irq->pending_latch = false;		/* as the LR flush leaves it */
	irq->lr_vcpu = 1;
	irq->active = true;
	vgic_inject(&f->g, 0, 51, true);
	expect_kicks(f, 0, 2, 0, 0);
	vgic_inject(&f->g, 0, 51, true);	/* already pending: no new kick */
	expect_kicks(f, 0, 2, 0, 0);

	/* The same for a level line that rises again while in an LR. */
	wr(&f->g, ICPENDR(1), 4, 1u << bit(51));
	wr(&f->g, ICFGR(3), 4, 0);			/* level */
	vgic_inject(&f->g, 0, 51, false);
	expect_kicks(f, 0, 2, 0, 0);
	vgic_inject(&f->g, 0, 51, true);
	expect_kicks(f, 0, 3, 0, 0);
	vgic_inject(&f->g, 0, 51, true);	/* still high: nothing new */
	expect_kicks(f, 0, 3, 0, 0);
}

/* The empty-scan shortcut must never hide a change: after a scan that found
 * nothing, every kind of change is seen by the next scan. */
static void test_collect_skip_sees_changes(void **state)
{
	struct fx *f = *state;
	struct vgic_irq *out[4];
	struct vgic_irq *irq = vgic_get_irq(&f->g, 0, 40);

	wake_all(&f->g);
	wr(&f->g, CTLR, 4, 2);
	wr(&f->g, IGROUPR(1), 4, 1u << bit(40));
	wr(&f->g, IROUTER(40), 8, 0);
	assert_int_equal(vgic_collect_pending(&f->g, 0, out, 4), 0);
	wr(&f->g, ISENABLER(1), 4, 1u << bit(40));	/* enabled, not pending */
	assert_int_equal(vgic_collect_pending(&f->g, 0, out, 4), 0);
	vgic_inject(&f->g, 0, 40, true);		/* level line up */
	assert_int_equal(vgic_collect_pending(&f->g, 0, out, 4), 1);
	irq->lr_vcpu = 0;				/* taken into an LR */
	vgic_touch(&f->g);
	assert_int_equal(vgic_collect_pending(&f->g, 0, out, 4), 0);
	irq->lr_vcpu = -1;				/* LR freed, line still up */
	vgic_touch(&f->g);
	assert_int_equal(vgic_collect_pending(&f->g, 0, out, 4), 1);
	wr(&f->g, ICENABLER(1), 4, 1u << bit(40));
	assert_int_equal(vgic_collect_pending(&f->g, 0, out, 4), 0);
	wr(&f->g, ISENABLER(1), 4, 1u << bit(40));
	assert_int_equal(vgic_collect_pending(&f->g, 0, out, 4), 1);
}

static void test_kicks_ctlr_per_vcpu(void **state)
{
	struct fx *f = *state;

	wake_all(&f->g);
	make_ready(f, 33, true, 1);
	make_ready(f, 34, true, 1);
	make_ready(f, 35, false, 2);
	make_ready(f, 36, true, 3);
	f->g.cpu[3].sleeping = true;		/* kicked all the same */
	expect_kicks(f, 0, 0, 0, 0);
	wr(&f->g, CTLR, 4, 2);			/* one kick per vCPU, not per irq */
	expect_kicks(f, 0, 1, 0, 1);
	wr(&f->g, CTLR, 4, 3);			/* group 0: vCPU 2 only */
	expect_kicks(f, 0, 1, 1, 1);
	wr(&f->g, CTLR, 4, 0);
	wr(&f->g, CTLR, 4, 3);
	expect_kicks(f, 0, 2, 2, 2);
}

static void test_no_kick_callback(void **state)
{
	struct fx *f = *state;

	vgic_init(&f->g, NCPU, NSPI, NULL, NULL);
	wake_all(&f->g);
	wr(&f->g, CTLR, 4, 3);
	make_ready(f, 40, true, 0);
	vgic_inject(&f->g, 0, 41, true);
	assert_true(vgic_irq_deliverable(&f->g, 0, vgic_get_irq(&f->g, 0, 40)));
}

/* --- collect_pending ------------------------------------------------------- */

static void set_prio(struct fx *f, unsigned vcpu, irqid_t id, uint8_t prio)
{
	uint64_t v = prio;

	if (id < 32)
		assert_int_equal(vgic_redist_access(&f->g, vcpu, 0x10400 + id, 1, true, &v), 0);
	else
		wr(&f->g, IPRIORITYR(0) + id, 1, prio);
}

static void make_private_ready(struct fx *f, unsigned vcpu, irqid_t id)
{
	uint64_t m;

	/* IGROUPR0 holds a value per INTID: read-modify-write. */
	assert_int_equal(vgic_redist_access(&f->g, vcpu, 0x10080, 4, false, &m), 0);
	m |= 1u << id;
	assert_int_equal(vgic_redist_access(&f->g, vcpu, 0x10080, 4, true, &m), 0);
	m = 1u << id;
	assert_int_equal(vgic_redist_access(&f->g, vcpu, 0x10100, 4, true, &m), 0);
	m = 1u << id;
	assert_int_equal(vgic_redist_access(&f->g, vcpu, 0x10200, 4, true, &m), 0);
}

static void expect_collected(struct fx *f, unsigned vcpu, unsigned max, const irqid_t *want,
			     unsigned n)
{
	/* Exactly max entries, so ASan sees a write past the end. */
	struct vgic_irq **out = malloc(max * sizeof(*out));
	unsigned got;

	got = vgic_collect_pending(&f->g, vcpu, out, max);
	if (got != n)
		fail_msg("vCPU %u max %u: collected %u, want %u", vcpu, max, got, n);
	for (unsigned i = 0; i < n; i++)
		if (out[i]->intid != want[i])
			fail_msg("vCPU %u max %u: [%u] is INTID %u, want %u", vcpu, max, i,
				 out[i]->intid, want[i]);
	free(out);
}

static void test_collect_order(void **state)
{
	struct fx *f = *state;

	wake_all(&f->g);
	wr(&f->g, CTLR, 4, 3);
	make_ready(f, 40, true, 0);	set_prio(f, 0, 40, 0x80);
	make_ready(f, 41, true, 0);	set_prio(f, 0, 41, 0x20);
	make_ready(f, 42, false, 0);	set_prio(f, 0, 42, 0x80);
	make_ready(f, 43, true, 0);	set_prio(f, 0, 43, 0x20);
	make_ready(f, 90, true, 0);	set_prio(f, 0, 90, 0x01);
	make_private_ready(f, 0, 27);	set_prio(f, 0, 27, 0x80);
	make_private_ready(f, 0, 3);	set_prio(f, 0, 3, 0xa0);
	/* Not for vCPU 0: */
	make_ready(f, 44, true, 1);	set_prio(f, 0, 44, 0x10);	/* routed to 1 */
	make_ready(f, 45, true, 0);	set_prio(f, 0, 45, 0x00);	/* already in an LR */
	vgic_get_irq(&f->g, 0, 45)->lr_vcpu = 0;
	make_ready(f, 46, true, 0);	set_prio(f, 0, 46, 0x00);	/* disabled */
	wr(&f->g, ICENABLER(1), 4, 1u << bit(46));
	make_private_ready(f, 1, 26);	set_prio(f, 1, 26, 0x00);	/* vCPU 1's PPI */

	{
		static const irqid_t all[] = { 90, 41, 43, 27, 40, 42, 3 };

		expect_collected(f, 0, 16, all, 7);
		expect_collected(f, 0, 7, all, 7);
		/* Truncation keeps the best ones, even the late INTID 90. */
		expect_collected(f, 0, 3, all, 3);
		expect_collected(f, 0, 1, all, 1);
		expect_collected(f, 0, 0, all, 0);
	}
	{
		static const irqid_t v1[] = { 26, 44 };

		expect_collected(f, 1, 16, v1, 2);
	}
	expect_collected(f, 2, 16, NULL, 0);
	expect_collected(f, NCPU, 16, NULL, 0);

	/* Group 0 off: INTID 42 drops out. Asleep: the same. */
	wr(&f->g, CTLR, 4, 2);
	{
		static const irqid_t g1[] = { 90, 41, 43, 27, 40, 3 };

		expect_collected(f, 0, 16, g1, 6);
		f->g.cpu[0].sleeping = true;
		vgic_touch(&f->g);
		expect_collected(f, 0, 16, g1, 6);
	}
}

/* Ties resolve by INTID at every priority level, also when truncating. */
static void test_collect_ties(void **state)
{
	struct fx *f = *state;
	static const uint8_t prio[8] = { 0x40, 0x10, 0x40, 0x10, 0x30, 0x10, 0x40, 0x30 };
	static const irqid_t want[8] = { 81, 83, 85, 84, 87, 80, 82, 86 };

	wake_all(&f->g);
	wr(&f->g, CTLR, 4, 2);
	for (irqid_t i = 0; i < 8; i++) {
		make_ready(f, 80 + i, true, 2);
		set_prio(f, 0, 80 + i, prio[i]);
	}
	expect_collected(f, 2, 16, want, 8);
	expect_collected(f, 2, 4, want, 4);
}

/* The collect takes interrupts off per-vCPU pending lists: every way an
 * SPI becomes pending, at every INTID range, puts it on its target's list,
 * in priority order; a collect drops the ones no longer pending; a new
 * priority moves an interrupt in its list, a new route to another list. */
static void test_collect_pending_lists(void **state)
{
	struct fx *f = *state;
	static const irqid_t ids[] = { 32, 95, 96, 159, 160, 287 };
	static const irqid_t want[] = { 287, 160, 159, 96, 95, 32 };
	struct vgic_irq *out[8];

	vgic_init(&f->g, NCPU, 256, record_kick, &f->k);
	wake_all(&f->g);
	wr(&f->g, CTLR, 4, 2);
	for (unsigned i = 0; i < ARRAY_SIZE(ids); i++) {
		uint32_t m = 1u << bit(ids[i]);

		wr(&f->g, IGROUPR(word(ids[i])), 4, m);
		wr(&f->g, IROUTER(ids[i]), 8, 0);
		wr(&f->g, ISENABLER(word(ids[i])), 4, m);
		set_prio(f, 0, ids[i], (uint8_t)(0xa0 - 0x10 * i));
	}
	assert_int_equal(vgic_collect_pending(&f->g, 0, out, 8), 0);
	wr(&f->g, ISPENDR(word(32)), 4, 1u << bit(32));		/* software */
	wr(&f->g, ISPENDR(word(95)), 4, 1u << bit(95));
	vgic_inject(&f->g, 0, 96, true);			/* level line */
	vgic_inject(&f->g, 0, 159, true);
	wr(&f->g, ICFGR(160 / 16), 4, 2u << (2 * (160 % 16)));	/* edge */
	vgic_inject(&f->g, 0, 160, true);
	vgic_inject(&f->g, 0, 287, true);
	expect_collected(f, 0, 8, want, 6);
	assert_ptr_equal(f->g.cpu[0].pending, vgic_get_irq(&f->g, 0, 287));

	/* 32 from last to first, then moved to vCPU 1. */
	set_prio(f, 0, 32, 0x10);
	assert_ptr_equal(f->g.cpu[0].pending, vgic_get_irq(&f->g, 0, 32));
	assert_int_equal(vgic_collect_pending(&f->g, 0, out, 1), 1);
	assert_ptr_equal(out[0], vgic_get_irq(&f->g, 0, 32));
	wr(&f->g, IROUTER(32), 8, 1);
	assert_int_equal(vgic_get_irq(&f->g, 0, 32)->pend_vcpu, 1);
	assert_ptr_equal(f->g.cpu[1].pending, vgic_get_irq(&f->g, 0, 32));
	assert_int_equal(vgic_collect_pending(&f->g, 1, out, 8), 1);
	assert_ptr_equal(out[0], vgic_get_irq(&f->g, 0, 32));
	expect_collected(f, 0, 8, want, 5);
	wr(&f->g, IROUTER(32), 8, 0);
	set_prio(f, 0, 32, 0xa0);

	wr(&f->g, ICPENDR(word(32)), 4, 1u << bit(32));
	wr(&f->g, ICPENDR(word(95)), 4, 1u << bit(95));
	vgic_inject(&f->g, 0, 96, false);
	vgic_inject(&f->g, 0, 159, false);
	wr(&f->g, ICPENDR(word(160)), 4, 1u << bit(160));
	vgic_inject(&f->g, 0, 287, false);
	expect_collected(f, 0, 8, NULL, 0);
	assert_null(f->g.cpu[0].pending);
	for (unsigned i = 0; i < ARRAY_SIZE(ids); i++)
		assert_int_equal(vgic_get_irq(&f->g, 0, ids[i])->pend_vcpu, -1);

	/* A private interrupt of one vCPU is listed on that one only. */
	make_private_ready(f, 2, 27);
	assert_ptr_equal(f->g.cpu[2].pending, &f->g.cpu[2].priv[27]);
	assert_null(f->g.cpu[0].pending);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_collect_pending_lists),
		T(test_reset_values),
		T(test_writable_bits),
		T(test_raz_wi_leaves_state_alone),
		T(test_bad_widths_rejected),
		T(test_bad_vcpu_rejected),
		T(test_reserved_any_width),
		T(test_set_clear_pairs),
		T(test_group_register),
		T(test_priority_bytes),
		T(test_config_edge_bits),
		T(test_irouter_halves),
		T(test_spi_routing),
		T(test_irq_lookup),
		T(test_reset_state),
		T(test_nr_spis_rounding),
		T(test_level_pending),
		T(test_edge_pending),
		T(test_inject_bounds),
		T(test_group_gating),
		T(test_deliverable_conditions),
		T(test_kicks_spi),
		T(test_kicks_group_and_active),
		T(test_kicks_new_edge_in_lr),
		T(test_collect_skip_sees_changes),
		T(test_kicks_ctlr_per_vcpu),
		T(test_no_kick_callback),
		T(test_collect_order),
		T(test_collect_ties),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
