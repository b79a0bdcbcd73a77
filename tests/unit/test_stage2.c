/*
 * Unit tests for virt/stage2.c: stage-2 tables built over host memory.
 * A counting allocator (posix_memalign) checks every free against what it
 * handed out and can be told to fail, so leaks and rollbacks show up as
 * page counts. The descriptors are decoded here from the Arm ARM field
 * layout by a walker of the test's own, independent of stage2_translate(),
 * so a wrong attribute or level cannot hide behind a matching decoder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include <virt/stage2.h>

#define PG		KiB(4)

/* Stage-2 descriptor fields (Arm ARM, VMSAv8-64 stage 2, 4 KiB granule). */
#define D_VALID		(1ULL << 0)
#define D_TYPE		(1ULL << 1)
#define D_MEMATTR(d)	(((d) >> 2) & 0xf)
#define D_S2AP(d)	(((d) >> 6) & 0x3)
#define D_SH(d)		(((d) >> 8) & 0x3)
#define D_AF(d)		(((d) >> 10) & 0x1)
#define D_XN(d)		(((d) >> 53) & 0x3)
#define D_OA(d)		((d) & 0x0000fffffffff000ULL)
/* Bits a 4 KiB stage-2 leaf of ours must leave zero: 11, 51, 52, 55..63. */
#define D_MUST_BE_ZERO	((1ULL << 11) | (3ULL << 51) | (0x1ffULL << 55))

/* VTCR_EL2 fields. */
#define V_T0SZ(v)	((v) & 0x3f)
#define V_SL0(v)	(((v) >> 6) & 0x3)
#define V_IRGN0(v)	(((v) >> 8) & 0x3)
#define V_ORGN0(v)	(((v) >> 10) & 0x3)
#define V_SH0(v)	(((v) >> 12) & 0x3)
#define V_TG0(v)	(((v) >> 14) & 0x3)
#define V_PS(v)		(((v) >> 16) & 0x7)

/* --- counting allocator ------------------------------------------------ */

#define MAX_BLOCKS	4096

struct talloc {
	struct { void *p; unsigned n; } blk[MAX_BLOCKS];
	unsigned n_blk;
	unsigned live_pages;
	unsigned allocs;	/* successful allocations so far */
	long fail_after;	/* allocations left before NULL; < 0: never */
};

static void *t_alloc(void *ctx, unsigned n)
{
	struct talloc *ta = ctx;
	void *p = NULL;

	assert_true(n >= 1 && n <= 16);
	if (ta->fail_after == 0)
		return NULL;
	if (ta->fail_after > 0)
		ta->fail_after--;
	assert_int_equal(posix_memalign(&p, n * PG, n * PG), 0);
	memset(p, 0, n * PG);
	assert_true(ta->n_blk < MAX_BLOCKS);
	ta->blk[ta->n_blk].p = p;
	ta->blk[ta->n_blk].n = n;
	ta->n_blk++;
	ta->live_pages += n;
	ta->allocs++;
	return p;
}

static void t_free(void *ctx, void *p, unsigned n)
{
	struct talloc *ta = ctx;
	unsigned i;

	for (i = 0; i < ta->n_blk; i++) {
		if (ta->blk[i].p != p)
			continue;
		assert_int_equal(ta->blk[i].n, n);	/* freed as allocated */
		ta->blk[i] = ta->blk[--ta->n_blk];
		ta->live_pages -= n;
		free(p);
		return;
	}
	fail_msg("free of %p (%u pages) that was never allocated", p, n);
}

static struct talloc *talloc_new(void)
{
	struct talloc *ta = calloc(1, sizeof(*ta));

	assert_non_null(ta);
	ta->fail_after = -1;
	return ta;
}

static void talloc_done(struct talloc *ta)
{
	assert_int_equal(ta->live_pages, 0);
	assert_int_equal(ta->n_blk, 0);
	free(ta);
}

static void s2_new(struct stage2 *s, struct talloc *ta, unsigned ipa_bits)
{
	assert_int_equal(stage2_init(s, ipa_bits, t_alloc, t_free, ta), 0);
	assert_int_equal(s->tables, ta->live_pages);
}

/* --- an independent walker over the raw descriptors ------------------- */

static unsigned shift_of(unsigned level)
{
	return 12 + 9 * (3 - level);
}

/*
 * The descriptor that ends the walk for ipa (a leaf or an invalid entry)
 * and its level. The root index is not masked: with concatenation the
 * root is one array of root_pages * 512 entries, and the index must land
 * inside it.
 */
static uint64_t walk(const struct stage2 *s, uint64_t ipa, unsigned *level)
{
	const uint64_t *t = s->root;
	unsigned l = s->start_level;
	uint64_t idx = ipa >> shift_of(l);
	uint64_t d;

	assert_true(idx < (uint64_t)s->root_pages * 512);
	for (;;) {
		d = t[idx];
		if (!(d & D_VALID) || l == 3 || !(d & D_TYPE))
			break;
		t = (const uint64_t *)(uintptr_t)D_OA(d);
		l++;
		idx = (ipa >> shift_of(l)) & 511;
	}
	*level = l;
	return d;
}

/* The table descriptor at level, on the walk to ipa. */
static uint64_t walk_table(const struct stage2 *s, uint64_t ipa,
			   unsigned level)
{
	const uint64_t *t = s->root;
	unsigned l = s->start_level;
	uint64_t d = t[ipa >> shift_of(l)];

	while (l < level) {
		assert_true((d & D_VALID) && (d & D_TYPE));
		t = (const uint64_t *)(uintptr_t)D_OA(d);
		l++;
		d = t[(ipa >> shift_of(l)) & 511];
	}
	assert_true((d & D_VALID) && (d & D_TYPE));
	return d;
}

/* Expect ipa to end in a leaf at level, with output pa (of the ipa). */
static uint64_t expect_leaf(const struct stage2 *s, uint64_t ipa,
			    unsigned level, uint64_t pa)
{
	unsigned l;
	uint64_t d = walk(s, ipa, &l);
	uint64_t span = 1ULL << shift_of(level);

	assert_true(d & D_VALID);
	assert_int_equal(l, level);
	assert_int_equal(!!(d & D_TYPE), level == 3);	/* block 0, page 1 */
	assert_int_equal(D_OA(d), pa & ~(span - 1));
	assert_int_equal(D_OA(d) & (span - 1), 0);
	assert_int_equal(d & D_MUST_BE_ZERO, 0);
	assert_int_equal(D_AF(d), 1);
	return d;
}

/* Count valid entries of each kind below a table. */
struct census {
	unsigned tables[4];	/* tables at each level (root counts once per page) */
	unsigned blocks[4];
	unsigned pages;
};

static void census_table(const uint64_t *t, unsigned level, unsigned n,
			 struct census *c)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		uint64_t d = t[i];

		if (!(d & D_VALID))
			continue;
		if (level == 3) {
			assert_true(d & D_TYPE);
			c->pages++;
		} else if (d & D_TYPE) {
			c->tables[level + 1]++;
			census_table((const uint64_t *)(uintptr_t)D_OA(d),
				     level + 1, 512, c);
		} else {
			assert_true(level == 1 || level == 2);
			c->blocks[level]++;
		}
	}
}

static struct census census(const struct stage2 *s)
{
	struct census c;

	memset(&c, 0, sizeof(c));
	c.tables[s->start_level] = s->root_pages;
	census_table(s->root, s->start_level, s->root_pages * 512, &c);
	return c;
}

static unsigned census_total_tables(const struct census *c)
{
	return c->tables[0] + c->tables[1] + c->tables[2] + c->tables[3];
}

static void expect_translate(const struct stage2 *s, uint64_t ipa,
			     uint64_t pa, unsigned prot)
{
	uint64_t got_pa = 0;
	unsigned got_prot = 0;

	assert_int_equal(stage2_translate(s, ipa, &got_pa, &got_prot), 0);
	assert_int_equal(got_pa, pa);
	assert_int_equal(got_prot, prot);
}

static void expect_unmapped(const struct stage2 *s, uint64_t ipa)
{
	uint64_t pa;
	unsigned prot;

	assert_int_equal(stage2_translate(s, ipa, &pa, &prot), -ENOENT);
}

/* Every page of [ipa, ipa+size) when step is 4 KiB, else a sample. */
static void expect_range(const struct stage2 *s, uint64_t ipa, uint64_t pa,
			 uint64_t size, unsigned prot, uint64_t step)
{
	uint64_t off;

	for (off = 0; off < size; off += step) {
		expect_translate(s, ipa + off, pa + off, prot);
		expect_translate(s, ipa + off + PG - 8, pa + off + PG - 8, prot);
	}
	expect_translate(s, ipa + size - PG, pa + size - PG, prot);
}

/* --- geometry and VTCR_EL2 -------------------------------------------- */

/*
 * AArch64.S2InconsistentSL: start level L with 4 KiB granule takes IPA
 * sizes from (3-L)*9 + 12 + 1 up to that + 8 + 4 (16 concatenated tables).
 */
static void check_geometry(unsigned ipa_bits)
{
	struct talloc *ta = talloc_new();
	struct stage2 s;
	unsigned levels, min, max, bits_at_start;
	uint64_t vtcr;

	s2_new(&s, ta, ipa_bits);
	assert_true(s.start_level <= 2);
	levels = 3 - s.start_level;
	min = levels * 9 + 12 + 1;
	max = min + 8 + 4;
	assert_in_range(ipa_bits, min, max);
	/* Fewest levels: the next level down could not take this size. */
	if (s.start_level < 2)
		assert_true(ipa_bits > (levels - 1) * 9 + 12 + 1 + 12);
	/* Level 0 is only valid when PAMax >= 44. */
	if (s.start_level == 0)
		assert_true(ipa_bits >= 44);

	bits_at_start = ipa_bits - shift_of(s.start_level);
	assert_int_equal(s.root_pages,
			 bits_at_start > 9 ? 1U << (bits_at_start - 9) : 1);
	assert_true(s.root_pages <= 16);
	assert_int_equal((uintptr_t)s.root % (s.root_pages * PG), 0);
	assert_int_equal(s.tables, s.root_pages);
	assert_int_equal(ta->live_pages, s.root_pages);

	vtcr = stage2_vtcr(&s, 5);
	assert_int_equal(V_T0SZ(vtcr), 64 - ipa_bits);
	assert_int_equal(V_SL0(vtcr), 2 - s.start_level);	/* 0b10 L0, 0b01 L1, 0b00 L2 */

	stage2_destroy(&s);
	assert_int_equal(s.tables, 0);
	talloc_done(ta);
}

static void test_geometry(void **state)
{
	static const struct {
		unsigned ipa_bits, level, pages;
	} want[] = {
		{ 32, 2, 4 }, { 36, 1, 1 }, { 39, 1, 1 }, { 40, 1, 2 },
		{ 42, 1, 8 }, { 44, 0, 1 }, { 48, 0, 1 },
	};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		struct talloc *ta = talloc_new();
		struct stage2 s;

		s2_new(&s, ta, want[i].ipa_bits);
		assert_int_equal(s.start_level, want[i].level);
		assert_int_equal(s.root_pages, want[i].pages);
		stage2_destroy(&s);
		talloc_done(ta);
	}
	for (i = 32; i <= 48; i++)
		check_geometry(i);
}

static void test_init_rejects(void **state)
{
	struct talloc *ta = talloc_new();
	struct stage2 s;

	assert_int_equal(stage2_init(&s, 31, t_alloc, t_free, ta), -EINVAL);
	assert_int_equal(stage2_init(&s, 49, t_alloc, t_free, ta), -EINVAL);
	assert_int_equal(stage2_init(&s, 52, t_alloc, t_free, ta), -EINVAL);
	ta->fail_after = 0;
	assert_int_equal(stage2_init(&s, 40, t_alloc, t_free, ta), -ENOMEM);
	talloc_done(ta);
}

static void test_vtcr(void **state)
{
	struct talloc *ta = talloc_new();
	struct stage2 s;
	uint64_t vtcr;
	unsigned r;

	s2_new(&s, ta, 40);
	vtcr = stage2_vtcr(&s, 2);
	assert_int_equal(V_T0SZ(vtcr), 24);
	assert_int_equal(V_SL0(vtcr), 1);
	assert_int_equal(V_IRGN0(vtcr), 1);	/* WBWA */
	assert_int_equal(V_ORGN0(vtcr), 1);
	assert_int_equal(V_SH0(vtcr), 3);	/* inner shareable */
	assert_int_equal(V_TG0(vtcr), 0);	/* 4 KiB */
	assert_int_equal(V_PS(vtcr), 2);
	assert_true(vtcr & (1ULL << 31));	/* RES1 */
	/* Nothing else: no VMID16, HA/HD, NSW/NSA, ... */
	assert_int_equal(vtcr & ~(0x7ffffULL | (1ULL << 31)), 0);

	for (r = 0; r <= 5; r++)
		assert_int_equal(V_PS(stage2_vtcr(&s, r)), r);
	/* 52 bits needs LPA2 descriptors, which these are not. */
	assert_int_equal(V_PS(stage2_vtcr(&s, 6)), 5);
	assert_int_equal(V_PS(stage2_vtcr(&s, 7)), 5);
	stage2_destroy(&s);

	s2_new(&s, ta, 48);
	vtcr = stage2_vtcr(&s, 6);
	assert_int_equal(V_T0SZ(vtcr), 16);
	assert_int_equal(V_SL0(vtcr), 2);
	assert_int_equal(V_PS(vtcr), 5);
	stage2_destroy(&s);

	s2_new(&s, ta, 32);
	vtcr = stage2_vtcr(&s, 1);
	assert_int_equal(V_T0SZ(vtcr), 32);
	assert_int_equal(V_SL0(vtcr), 0);
	assert_int_equal(V_PS(vtcr), 1);
	stage2_destroy(&s);
	talloc_done(ta);
}

/* --- mapping ----------------------------------------------------------- */

static void test_map_ram_2m_blocks(void **state)
{
	struct talloc *ta = talloc_new();
	struct stage2 s;
	struct census c;
	uint64_t off;

	s2_new(&s, ta, 40);
	assert_int_equal(stage2_map(&s, 0x40000000, 0x80000000, MiB(256),
				    S2_RWX), 0);
	c = census(&s);
	assert_int_equal(c.blocks[2], 128);
	assert_int_equal(c.blocks[1] + c.pages, 0);
	assert_int_equal(s.tables, s.root_pages + 1);	/* one level-2 table */
	assert_int_equal(census_total_tables(&c), s.tables);
	assert_int_equal(ta->live_pages, s.tables);
	for (off = 0; off < MiB(256); off += MiB(2))
		expect_leaf(&s, 0x40000000 + off, 2, 0x80000000 + off);

	expect_range(&s, 0x40000000, 0x80000000, MiB(256), S2_RWX, PG);
	expect_unmapped(&s, 0x40000000 - PG);
	expect_unmapped(&s, 0x40000000 + MiB(256));
	stage2_destroy(&s);
	talloc_done(ta);
}

static void test_map_1g_block(void **state)
{
	static const unsigned bits[] = { 36, 40, 48 };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		struct talloc *ta = talloc_new();
		struct stage2 s;
		struct census c;

		s2_new(&s, ta, bits[i]);
		assert_int_equal(stage2_map(&s, GiB(1), GiB(3), GiB(1),
					    S2_READ | S2_WRITE), 0);
		c = census(&s);
		assert_int_equal(c.blocks[1], 1);
		assert_int_equal(c.blocks[2] + c.pages, 0);
		/* Level 0 start needs one level-1 table under the root. */
		assert_int_equal(s.tables,
				 s.root_pages + (s.start_level == 0 ? 1 : 0));
		expect_leaf(&s, GiB(1) + MiB(300), 1, GiB(3));
		expect_range(&s, GiB(1), GiB(3), GiB(1),
			     S2_READ | S2_WRITE, MiB(1) + PG);
		stage2_destroy(&s);
		talloc_done(ta);
	}
}

/* With a level-2 start there is no level 1: 1 GiB becomes 512 blocks. */
static void test_map_1g_level2_start(void **state)
{
	struct talloc *ta = talloc_new();
	struct stage2 s;
	struct census c;

	s2_new(&s, ta, 32);
	assert_int_equal(s.start_level, 2);
	assert_int_equal(stage2_map(&s, GiB(3), GiB(5), GiB(1), S2_RWX), 0);
	c = census(&s);
	assert_int_equal(c.blocks[2], 512);
	assert_int_equal(s.tables, s.root_pages);
	/* The top GiB of a 32-bit IPA space lives in the last root page. */
	expect_leaf(&s, GiB(4) - PG, 2, GiB(6) - MiB(2));
	expect_range(&s, GiB(3), GiB(5), GiB(1), S2_RWX, MiB(2) + PG);
	stage2_destroy(&s);
	talloc_done(ta);
}

static void test_unaligned_uses_pages(void **state)
{
	struct talloc *ta = talloc_new();
	struct stage2 s;
	struct census c;

	s2_new(&s, ta, 40);
	/* Aligned start, size 2 MiB + 12 KiB: one block and three pages. */
	assert_int_equal(stage2_map(&s, 0x40000000, 0x80000000,
				    MiB(2) + 3 * PG, S2_RWX), 0);
	c = census(&s);
	assert_int_equal(c.blocks[2], 1);
	assert_int_equal(c.pages, 3);
	expect_leaf(&s, 0x40000000, 2, 0x80000000);
	expect_leaf(&s, 0x40200000 + 2 * PG, 3, 0x80200000 + 2 * PG);
	expect_unmapped(&s, 0x40200000 + 3 * PG);
	expect_range(&s, 0x40000000, 0x80000000, MiB(2) + 3 * PG, S2_RWX, PG);

	/* IPA 2 MiB aligned, PA only 4 KiB aligned: pages throughout. */
	assert_int_equal(stage2_map(&s, 0x80000000, 0x90001000, MiB(4),
				    S2_READ), 0);
	c = census(&s);
	assert_int_equal(c.blocks[2], 1);
	assert_int_equal(c.pages, 3 + 1024);
	expect_leaf(&s, 0x80000000 + MiB(3), 3, 0x90001000 + MiB(3));
	expect_range(&s, 0x80000000, 0x90001000, MiB(4), S2_READ, PG);

	/* PA aligned, IPA not: pages too. */
	assert_int_equal(stage2_map(&s, 0xc0001000, 0xa0000000, MiB(2),
				    S2_READ), 0);
	c = census(&s);
	assert_int_equal(c.blocks[2], 1);
	assert_int_equal(c.pages, 3 + 1024 + 512);
	expect_range(&s, 0xc0001000, 0xa0000000, MiB(2), S2_READ, PG);

	/* Unaligned head and tail around blocks: pages, 2 MiB, pages. */
	assert_int_equal(stage2_map(&s, GiB(8) - 2 * PG, GiB(16) - 2 * PG,
				    MiB(4) + 3 * PG, S2_RWX), 0);
	expect_leaf(&s, GiB(8) - PG, 3, GiB(16) - PG);
	expect_leaf(&s, GiB(8), 2, GiB(16));
	expect_leaf(&s, GiB(8) + MiB(2), 2, GiB(16) + MiB(2));
	expect_leaf(&s, GiB(8) + MiB(4), 3, GiB(16) + MiB(4));
	expect_unmapped(&s, GiB(8) + MiB(4) + PG);
	expect_unmapped(&s, GiB(8) - 3 * PG);
	expect_range(&s, GiB(8) - 2 * PG, GiB(16) - 2 * PG, MiB(4) + 3 * PG,
		     S2_RWX, PG);
	stage2_destroy(&s);
	talloc_done(ta);
}

static void test_attributes(void **state)
{
	struct talloc *ta = talloc_new();
	struct stage2 s;
	uint64_t d;

	s2_new(&s, ta, 40);
	assert_int_equal(stage2_map(&s, 0x08000000, 0x08000000, MiB(2),
				    S2_READ | S2_WRITE | S2_DEVICE), 0);
	assert_int_equal(stage2_map(&s, 0x09000000, 0x09000000, PG,
				    S2_READ | S2_WRITE | S2_EXEC | S2_DEVICE), 0);
	assert_int_equal(stage2_map(&s, 0x40000000, 0x80000000, MiB(2),
				    S2_RWX), 0);
	assert_int_equal(stage2_map(&s, 0x40200000, 0x80200000, PG,
				    S2_READ), 0);
	assert_int_equal(stage2_map(&s, 0x40201000, 0x80201000, PG,
				    S2_READ | S2_EXEC), 0);
	assert_int_equal(stage2_map(&s, 0x40202000, 0x80202000, PG,
				    S2_WRITE), 0);

	/* Device-nGnRE RW: MemAttr 0b0001, S2AP 0b11, XN 0b10. */
	d = expect_leaf(&s, 0x08000000, 2, 0x08000000);
	assert_int_equal(D_MEMATTR(d), 0x1);
	assert_int_equal(D_S2AP(d), 3);
	assert_int_equal(D_XN(d), 2);
	/* Device is never executable, even when asked. */
	d = expect_leaf(&s, 0x09000000, 3, 0x09000000);
	assert_int_equal(D_MEMATTR(d), 0x1);
	assert_int_equal(D_XN(d), 2);
	/* Normal WB inner+outer, inner shareable, executable. */
	d = expect_leaf(&s, 0x40000000, 2, 0x80000000);
	assert_int_equal(D_MEMATTR(d), 0xf);
	assert_int_equal(D_SH(d), 3);
	assert_int_equal(D_S2AP(d), 3);
	assert_int_equal(D_XN(d), 0);
	d = expect_leaf(&s, 0x40200000, 3, 0x80200000);
	assert_int_equal(D_MEMATTR(d), 0xf);
	assert_int_equal(D_SH(d), 3);
	assert_int_equal(D_S2AP(d), 1);		/* read only */
	assert_int_equal(D_XN(d), 2);
	d = expect_leaf(&s, 0x40201000, 3, 0x80201000);
	assert_int_equal(D_S2AP(d), 1);
	assert_int_equal(D_XN(d), 0);
	d = expect_leaf(&s, 0x40202000, 3, 0x80202000);
	assert_int_equal(D_S2AP(d), 2);		/* write only */
	assert_int_equal(D_XN(d), 2);

	expect_translate(&s, 0x08000000 + 0x1234, 0x08001234,
			 S2_READ | S2_WRITE | S2_DEVICE);
	expect_translate(&s, 0x09000000, 0x09000000,
			 S2_READ | S2_WRITE | S2_DEVICE);
	expect_translate(&s, 0x40000000, 0x80000000, S2_RWX);
	expect_translate(&s, 0x40200000, 0x80200000, S2_READ);
	expect_translate(&s, 0x40201000, 0x80201000, S2_READ | S2_EXEC);
	expect_translate(&s, 0x40202000, 0x80202000, S2_WRITE);
	stage2_destroy(&s);
	talloc_done(ta);
}

/* The peer ZVM truncated output addresses to 32 bits: test high PAs. */
static void test_high_pa(void **state)
{
	struct talloc *ta = talloc_new();
	struct stage2 s;
	uint64_t d;

	s2_new(&s, ta, 48);
	assert_int_equal(stage2_map(&s, 0x40000000, 0x120000000,
				    MiB(2) + 2 * PG, S2_RWX), 0);
	d = expect_leaf(&s, 0x40000000, 2, 0x120000000);
	assert_int_equal(D_OA(d), 0x120000000);
	d = expect_leaf(&s, 0x40201000, 3, 0x120201000);
	assert_int_equal(D_OA(d), 0x120201000);
	expect_range(&s, 0x40000000, 0x120000000, MiB(2) + 2 * PG, S2_RWX,
		     PG);

	/* Top of the 48-bit output space, by 1 GiB block and by page. */
	assert_int_equal(stage2_map(&s, GiB(4), 0xffffc0000000ULL, GiB(1),
				    S2_READ | S2_WRITE), 0);
	d = expect_leaf(&s, GiB(4), 1, 0xffffc0000000ULL);
	assert_int_equal(D_OA(d), 0xffffc0000000ULL);
	expect_translate(&s, GiB(5) - 8, 0xfffffffffff8ULL,
			 S2_READ | S2_WRITE);
	assert_int_equal(stage2_map(&s, 0xffffffff000ULL, 0xabcdef123000ULL,
				    PG, S2_READ), 0);
	expect_translate(&s, 0xffffffff010ULL, 0xabcdef123010ULL, S2_READ);

	/* A high IPA too: the top page of the 48-bit IPA space. */
	assert_int_equal(stage2_map(&s, 0xfffffffff000ULL, 0x876543210000ULL,
				    PG, S2_READ), 0);
	expect_translate(&s, 0xffffffffffffULL, 0x876543210fffULL, S2_READ);
	stage2_destroy(&s);
	talloc_done(ta);
}

/*
 * Host RAM at physical 0 (Versal, ZynqMP, RK3568): output address 0 is an
 * address like any other, as a 1 GiB block, a 2 MiB block and a page,
 * and the walk reports it rather than "unmapped". Then Versal's second
 * bank, direct-mapped (IPA == PA) at 32 GiB.
 */
static void test_pa_zero_and_direct_map_high(void **state)
{
	struct talloc *ta = talloc_new();
	struct stage2 s;
	uint64_t d;

	s2_new(&s, ta, 40);
	assert_int_equal(stage2_map(&s, GiB(1), 0, GiB(1), S2_RWX), 0);
	d = expect_leaf(&s, GiB(1), 1, 0);
	assert_int_equal(D_OA(d), 0);
	expect_range(&s, GiB(1), 0, GiB(1), S2_RWX, MiB(64) + PG);
	expect_translate(&s, GiB(1), 0, S2_RWX);
	/* Unmapping a page of it splits the block down to PA 0's page. */
	assert_int_equal(stage2_unmap(&s, GiB(1) + PG, PG), 0);
	expect_leaf(&s, GiB(1), 3, 0);
	expect_unmapped(&s, GiB(1) + PG);
	expect_translate(&s, GiB(1) + 8, 8, S2_RWX);
	expect_translate(&s, GiB(1) + MiB(2), MiB(2), S2_RWX);

	/* A 2 MiB block and a lone page at PA 0 in another place. */
	assert_int_equal(stage2_map(&s, GiB(3), 0, MiB(2), S2_READ), 0);
	expect_leaf(&s, GiB(3), 2, 0);
	assert_int_equal(stage2_map(&s, GiB(4) + PG, 0, PG, S2_READ), 0);
	expect_leaf(&s, GiB(4) + PG, 3, 0);
	expect_translate(&s, GiB(4) + PG + 0x10, 0x10, S2_READ);

	assert_int_equal(stage2_map(&s, GiB(32), GiB(32), MiB(64), S2_RWX), 0);
	d = expect_leaf(&s, GiB(32) + MiB(62), 2, GiB(32) + MiB(62));
	assert_int_equal(D_OA(d), GiB(32) + MiB(62));
	expect_range(&s, GiB(32), GiB(32), MiB(64), S2_RWX, MiB(2) + PG);
	stage2_destroy(&s);
	talloc_done(ta);
}

/* The last page of each root page of a concatenated root is reachable. */
static void test_concatenated_root(void **state)
{
	static const unsigned bits[] = { 32, 33, 34, 40, 42, 43 };
	unsigned i, p;

	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		struct talloc *ta = talloc_new();
		struct stage2 s;
		uint64_t root_page_span;

		s2_new(&s, ta, bits[i]);
		assert_true(s.root_pages > 1);
		root_page_span = (1ULL << bits[i]) / s.root_pages;
		for (p = 0; p < s.root_pages; p++) {
			uint64_t ipa = (p + 1) * root_page_span - PG;
			uint64_t pa = GiB(64) + p * MiB(1) + PG;
			const uint64_t *slot;

			assert_int_equal(stage2_map(&s, ipa, pa, PG, S2_READ), 0);
			/* The walk goes through root page p's last entry. */
			slot = s.root + p * 512 + 511;
			assert_true(*slot & D_VALID);
			expect_translate(&s, ipa, pa, S2_READ);
		}
		expect_unmapped(&s, 1ULL << bits[i]);
		stage2_destroy(&s);
		talloc_done(ta);
	}
}

/*
 * Encodings stage2_map() never writes, hand-made in the tables: the walk
 * must fault (or refuse execution) where the MMU would.
 */
static void test_translate_faults_like_mmu(void **state)
{
	struct talloc *ta = talloc_new();
	struct stage2 s;
	uint64_t *slot, saved;

	s2_new(&s, ta, 40);
	assert_int_equal(stage2_map(&s, 0x40000000, 0x80000000, MiB(2) + PG,
				    S2_RWX), 0);
	expect_leaf(&s, 0x40200000, 3, 0x80200000);
	slot = (uint64_t *)(uintptr_t)D_OA(walk_table(&s, 0x40200000, 2));
	slot += (0x40200000 >> 12) & 511;
	saved = *slot;

	*slot = saved & ~(1ULL << 10);		/* AF = 0: access flag fault */
	expect_unmapped(&s, 0x40200000);
	*slot = saved & ~D_TYPE;		/* type 0 at level 3: reserved */
	expect_unmapped(&s, 0x40200000);
	*slot = (saved & ~(3ULL << 53)) | (1ULL << 53);	/* XNX 0b01: EL0 only */
	expect_translate(&s, 0x40200000, 0x80200000, S2_READ | S2_WRITE);
	*slot = saved | (3ULL << 53);		/* XNX 0b11: EL1 only */
	expect_translate(&s, 0x40200000, 0x80200000, S2_READ | S2_WRITE);
	*slot = saved;
	expect_translate(&s, 0x40200000, 0x80200000, S2_RWX);

	/* A valid block descriptor at level 0 is a translation fault. */
	stage2_destroy(&s);
	s2_new(&s, ta, 48);
	s.root[1] = GiB(512) | (0xfULL << 2) | (3ULL << 6) | (1ULL << 10) |
		    D_VALID;
	expect_unmapped(&s, GiB(512) + PG);
	s.root[1] = 0;
	stage2_destroy(&s);
	talloc_done(ta);
}

/* --- errors leave the tables alone ------------------------------------ */

struct snapshot {
	uint64_t ipa[64];
	int ret[64];
	uint64_t pa[64];
	unsigned prot[64];
	unsigned n;
	unsigned tables, live;
};

static void snap(const struct stage2 *s, const struct talloc *ta,
		 const uint64_t *ipas, unsigned n, struct snapshot *sn)
{
	unsigned i;

	assert_true(n <= ARRAY_SIZE(sn->ipa));
	memset(sn, 0, sizeof(*sn));
	for (i = 0; i < n; i++) {
		sn->ipa[i] = ipas[i];
		sn->ret[i] = stage2_translate(s, ipas[i], &sn->pa[i],
					      &sn->prot[i]);
	}
	sn->n = n;
	sn->tables = s->tables;
	sn->live = ta->live_pages;
}

static void expect_same(const struct stage2 *s, const struct talloc *ta,
			const struct snapshot *before)
{
	struct snapshot now;

	snap(s, ta, before->ipa, before->n, &now);
	assert_memory_equal(&now, before, sizeof(now));
}

static const uint64_t probe[] = {
	0x3ffff000, 0x40000000, 0x40001000, 0x401ff000, 0x40200000,
	0x40300000, 0x40400000, 0x47fff000, 0x48000000, 0x48001000,
	0x80000000, 0x80001000, 0x80002000, 0x80003000, 0x80004000,
	0xbffff000, 0xc0000000, 0xc0200000, 0xffe00000, 0x100000000,
	0x13fe00000, 0x140000000, 0x140001000,
};

static void setup_probe_maps(struct stage2 *s)
{
	assert_int_equal(stage2_map(s, 0x40000000, 0x80000000, MiB(128),
				    S2_RWX), 0);
	assert_int_equal(stage2_map(s, 0x80001000, 0x120001000, 3 * PG,
				    S2_READ), 0);
	assert_int_equal(stage2_map(s, GiB(4), GiB(8), GiB(1),
				    S2_READ | S2_WRITE), 0);
}

static void test_overlap(void **state)
{
	static const struct { uint64_t ipa, size; } clash[] = {
		{ 0x40000000, PG },			/* first page */
		{ 0x47fff000, PG },			/* last page */
		{ 0x3fe00000, MiB(2) + PG },		/* free head, clash tail */
		{ 0x47fff000, MiB(4) },			/* clash head, free tail */
		{ 0x30000000, MiB(512) },		/* covers it all */
		{ 0x44000000, MiB(1) },			/* inside a block */
		{ 0x80000000, 2 * PG },			/* free page, then a page */
		{ 0x80003000, MiB(2) },			/* last page of 3 */
		{ 0x80002000, PG },			/* middle page */
		{ GiB(4) + MiB(512), MiB(2) },		/* inside the 1 GiB block */
		{ GiB(5) - PG, 2 * PG },		/* its last page */
		{ GiB(2), GiB(8) },			/* spans everything */
	};
	struct talloc *ta = talloc_new();
	struct snapshot before;
	struct stage2 s;
	unsigned i;

	s2_new(&s, ta, 40);
	setup_probe_maps(&s);
	snap(&s, ta, probe, ARRAY_SIZE(probe), &before);
	for (i = 0; i < ARRAY_SIZE(clash); i++) {
		assert_int_equal(stage2_map(&s, clash[i].ipa, GiB(64),
					    clash[i].size, S2_RWX), -EEXIST);
		expect_same(&s, ta, &before);
	}
	/* The free neighbours of the clashes were not mapped either. */
	expect_unmapped(&s, 0x3ffff000);
	expect_unmapped(&s, 0x80000000);
	expect_unmapped(&s, 0x48000000);

	/* Touching but not overlapping is fine. */
	assert_int_equal(stage2_map(&s, 0x48000000, 0x90000000, PG,
				    S2_READ), 0);
	assert_int_equal(stage2_map(&s, 0x80000000, 0x120000000, PG,
				    S2_READ), 0);
	assert_int_equal(stage2_map(&s, 0x80004000, 0x120004000, PG,
				    S2_READ), 0);
	expect_range(&s, 0x80000000, 0x120000000, 5 * PG, S2_READ, PG);
	stage2_destroy(&s);
	talloc_done(ta);
}

static void test_bad_args(void **state)
{
	struct talloc *ta = talloc_new();
	struct snapshot before;
	struct stage2 s;

	s2_new(&s, ta, 36);
	setup_probe_maps(&s);
	snap(&s, ta, probe, ARRAY_SIZE(probe), &before);

	/* Beyond the 36-bit IPA space, or wrapping around. */
	assert_int_equal(stage2_map(&s, GiB(64), 0, PG, S2_READ), -ERANGE);
	assert_int_equal(stage2_map(&s, GiB(64) - PG, 0, 2 * PG, S2_READ),
			 -ERANGE);
	assert_int_equal(stage2_map(&s, GiB(32), 0, GiB(64), S2_READ),
			 -ERANGE);
	assert_int_equal(stage2_map(&s, 0xfffffffffffff000ULL, 0, 2 * PG,
				    S2_READ), -ERANGE);
	assert_int_equal(stage2_map(&s, GiB(8), 0, 0xfffffffffffff000ULL,
				    S2_READ), -ERANGE);
	/* Output beyond 48 bits. */
	assert_int_equal(stage2_map(&s, GiB(8), 1ULL << 48, PG, S2_READ),
			 -ERANGE);
	assert_int_equal(stage2_map(&s, GiB(8), (1ULL << 48) - PG, 2 * PG,
				    S2_READ), -ERANGE);
	assert_int_equal(stage2_unmap(&s, GiB(64), PG), -ERANGE);
	assert_int_equal(stage2_unmap(&s, GiB(63), GiB(2)), -ERANGE);
	/* Not page aligned, empty, or unknown protection bits. */
	assert_int_equal(stage2_map(&s, GiB(8) + 8, 0, PG, S2_READ), -EINVAL);
	assert_int_equal(stage2_map(&s, GiB(8), 0x800, PG, S2_READ), -EINVAL);
	assert_int_equal(stage2_map(&s, GiB(8), 0, PG + 1, S2_READ), -EINVAL);
	assert_int_equal(stage2_map(&s, GiB(8), 0, 0, S2_READ), -EINVAL);
	assert_int_equal(stage2_map(&s, GiB(8), 0, PG, 1U << 7), -EINVAL);
	assert_int_equal(stage2_unmap(&s, 0x40000800, PG), -EINVAL);
	assert_int_equal(stage2_unmap(&s, 0x40000000, 0x800), -EINVAL);
	expect_same(&s, ta, &before);

	/* The very top page of the IPA space is usable. */
	assert_int_equal(stage2_map(&s, GiB(64) - PG, GiB(1), PG, S2_READ), 0);
	expect_translate(&s, GiB(64) - 1, GiB(1) + PG - 1, S2_READ);
	expect_unmapped(&s, GiB(64));
	assert_int_equal(stage2_unmap(&s, GiB(64) - PG, PG), 0);
	expect_same(&s, ta, &before);
	stage2_destroy(&s);
	talloc_done(ta);
}

/*
 * Fail the k-th table allocation of a map that needs several, for every k:
 * -ENOMEM, no page leaked, every translation as before.
 */
static void test_map_enomem_rollback(void **state)
{
	/* Crosses a level-0 boundary with a 4 KiB-only PA: L1, L2, L3 tables. */
	const uint64_t ipa = 0x7fffe00000ULL - 2 * PG, size = MiB(6);
	const uint64_t pa = 0x2000001000ULL;
	unsigned k, needed = 0;

	for (k = 0;; k++) {
		struct talloc *ta = talloc_new();
		struct snapshot before;
		struct stage2 s;
		int ret;

		s2_new(&s, ta, 48);
		setup_probe_maps(&s);
		snap(&s, ta, probe, ARRAY_SIZE(probe), &before);
		ta->fail_after = k;
		ret = stage2_map(&s, ipa, pa, size, S2_RWX);
		if (ret == 0) {
			needed = k;
			expect_range(&s, ipa, pa, size, S2_RWX, PG);
			assert_int_equal(s.tables, before.tables + k);
			stage2_destroy(&s);
			talloc_done(ta);
			break;
		}
		assert_int_equal(ret, -ENOMEM);
		expect_same(&s, ta, &before);
		expect_unmapped(&s, ipa);
		expect_unmapped(&s, ipa + size - PG);
		expect_unmapped(&s, 0x8000000000ULL);

		/* Same range with memory: works, and unmapping restores. */
		ta->fail_after = -1;
		assert_int_equal(stage2_map(&s, ipa, pa, size, S2_RWX), 0);
		assert_int_equal(stage2_unmap(&s, ipa, size), 0);
		expect_same(&s, ta, &before);
		stage2_destroy(&s);
		talloc_done(ta);
	}
	/* 1 L1 (the other exists) + 2 L2 + 4 L3 (pages over 4 x 2 MiB). */
	assert_int_equal(needed, 7);
}

/* --- unmapping ---------------------------------------------------------- */

static void test_unmap_split_2m(void **state)
{
	struct talloc *ta = talloc_new();
	struct stage2 s;
	struct census c;
	uint64_t off, d;
	unsigned l, tables;

	s2_new(&s, ta, 40);
	assert_int_equal(stage2_map(&s, 0x40000000, 0x120000000, MiB(4),
				    S2_READ | S2_WRITE), 0);
	tables = s.tables;
	assert_int_equal(stage2_unmap(&s, 0x40100000, PG), 0);
	assert_int_equal(s.tables, tables + 1);
	assert_int_equal(ta->live_pages, s.tables);

	expect_unmapped(&s, 0x40100000);
	expect_unmapped(&s, 0x40100ff8);
	expect_translate(&s, 0x400ff000, 0x1200ff000, S2_READ | S2_WRITE);
	expect_translate(&s, 0x40101000, 0x120101000, S2_READ | S2_WRITE);
	for (off = 0; off < MiB(4); off += PG) {
		if (off == MiB(1))
			continue;
		expect_translate(&s, 0x40000000 + off, 0x120000000 + off,
				 S2_READ | S2_WRITE);
	}
	/* The split block became pages with the same attributes, the other
	 * block is untouched. */
	d = expect_leaf(&s, 0x40101000, 3, 0x120101000);
	assert_int_equal(D_MEMATTR(d), 0xf);
	assert_int_equal(D_SH(d), 3);
	assert_int_equal(D_S2AP(d), 3);
	assert_int_equal(D_XN(d), 2);
	expect_leaf(&s, 0x40200000, 2, 0x120200000);
	d = walk(&s, 0x40100000, &l);
	assert_int_equal(d, 0);
	assert_int_equal(l, 3);
	c = census(&s);
	assert_int_equal(c.blocks[2], 1);
	assert_int_equal(c.pages, 511);
	stage2_destroy(&s);
	talloc_done(ta);
}

static void test_unmap_split_1g(void **state)
{
	struct talloc *ta = talloc_new();
	struct stage2 s;
	struct census c;
	unsigned tables;

	s2_new(&s, ta, 48);
	assert_int_equal(stage2_map(&s, GiB(2), GiB(6), GiB(1), S2_RWX), 0);
	tables = s.tables;
	/* A 4 KiB hole at 2 GiB + 513 MiB: 1 GiB -> 2 MiB -> 4 KiB. */
	assert_int_equal(stage2_unmap(&s, GiB(2) + MiB(513), PG), 0);
	assert_int_equal(s.tables, tables + 2);
	c = census(&s);
	assert_int_equal(c.blocks[1], 0);
	assert_int_equal(c.blocks[2], 511);
	assert_int_equal(c.pages, 511);
	expect_unmapped(&s, GiB(2) + MiB(513));
	expect_leaf(&s, GiB(2), 2, GiB(6));
	expect_leaf(&s, GiB(2) + MiB(512), 3, GiB(6) + MiB(512));
	expect_leaf(&s, GiB(2) + MiB(514), 2, GiB(6) + MiB(514));
	expect_range(&s, GiB(2), GiB(6), MiB(513), S2_RWX, MiB(1) + PG);
	expect_range(&s, GiB(2) + MiB(513) + PG, GiB(6) + MiB(513) + PG,
		     GiB(1) - MiB(513) - PG, S2_RWX, MiB(1) + PG);

	/* Unmap from inside a 2 MiB block past the end of the mapping. */
	assert_int_equal(stage2_unmap(&s, GiB(3) - MiB(3) - PG,
				      MiB(3) + 2 * PG), 0);
	expect_translate(&s, GiB(3) - MiB(3) - 2 * PG,
			 GiB(7) - MiB(3) - 2 * PG, S2_RWX);
	expect_unmapped(&s, GiB(3) - MiB(3) - PG);
	expect_unmapped(&s, GiB(3) - PG);
	expect_unmapped(&s, GiB(3));
	stage2_destroy(&s);
	talloc_done(ta);
}

static void test_unmap_all_frees_tables(void **state)
{
	struct talloc *ta = talloc_new();
	struct stage2 s;
	uint64_t off;

	s2_new(&s, ta, 48);
	setup_probe_maps(&s);
	assert_int_equal(stage2_map(&s, 0x7fffe00000ULL - 2 * PG,
				    0x2000001000ULL, MiB(6), S2_RWX), 0);
	assert_true(s.tables > s.root_pages + 4);

	/* Everything in one go, holes and unmapped space included. */
	assert_int_equal(stage2_unmap(&s, 0, GiB(1024)), 0);
	assert_int_equal(s.tables, s.root_pages);
	assert_int_equal(ta->live_pages, s.root_pages);
	for (off = 0; off < s.root_pages * 512; off++)
		assert_int_equal(s.root[off], 0);
	expect_unmapped(&s, 0x40000000);
	expect_unmapped(&s, GiB(4));

	/* Page by page, in an order that leaves tables half full. */
	assert_int_equal(stage2_map(&s, 0x40001000, 0x90001000, MiB(3),
				    S2_READ), 0);
	for (off = MiB(3); off > 0; off -= 2 * PG)
		assert_int_equal(stage2_unmap(&s, 0x40001000 + off - PG, PG), 0);
	assert_true(s.tables > s.root_pages);
	for (off = 0; off < MiB(3); off += 2 * PG)
		assert_int_equal(stage2_unmap(&s, 0x40001000 + off, PG), 0);
	assert_int_equal(s.tables, s.root_pages);
	assert_int_equal(ta->live_pages, s.root_pages);

	/* Unmapping nothing mapped changes nothing. */
	assert_int_equal(stage2_unmap(&s, GiB(7), MiB(5)), 0);
	assert_int_equal(s.tables, s.root_pages);
	stage2_destroy(&s);
	talloc_done(ta);
}

/* A split that runs out of memory leaves every translation in place. */
static void test_unmap_enomem(void **state)
{
	unsigned k;

	for (k = 0; k < 4; k++) {
		struct talloc *ta = talloc_new();
		struct stage2 s;
		int ret;

		s2_new(&s, ta, 40);
		assert_int_equal(stage2_map(&s, GiB(2), GiB(6), GiB(2),
					    S2_RWX), 0);
		ta->fail_after = k;
		/* Straddles the two 1 GiB blocks off 2 MiB alignment:
		 * four tables to split both ends. */
		ret = stage2_unmap(&s, GiB(3) - PG, 2 * PG);
		assert_int_equal(ret, -ENOMEM);
		expect_range(&s, GiB(2), GiB(6), GiB(2), S2_RWX, MiB(1) + PG);
		expect_translate(&s, GiB(3) - PG, GiB(7) - PG, S2_RWX);
		expect_translate(&s, GiB(3), GiB(7), S2_RWX);
		assert_int_equal(s.tables, s.root_pages + k);
		assert_int_equal(ta->live_pages, s.tables);
		ta->fail_after = -1;
		assert_int_equal(stage2_unmap(&s, GiB(3) - PG, 2 * PG), 0);
		assert_int_equal(s.tables, s.root_pages + 4);
		expect_unmapped(&s, GiB(3) - PG);
		expect_unmapped(&s, GiB(3));
		expect_translate(&s, GiB(3) - 2 * PG, GiB(7) - 2 * PG, S2_RWX);
		expect_translate(&s, GiB(3) + PG, GiB(7) + PG, S2_RWX);
		stage2_destroy(&s);
		assert_int_equal(s.tables, 0);
		talloc_done(ta);
	}
}

static void test_destroy_frees_all(void **state)
{
	struct talloc *ta = talloc_new();
	struct stage2 s;
	struct census c;
	unsigned i;

	s2_new(&s, ta, 42);
	setup_probe_maps(&s);
	for (i = 0; i < 64; i++)
		assert_int_equal(stage2_map(&s, GiB(16) + i * MiB(3) + PG,
					    GiB(32) + i * MiB(5), MiB(2) + PG,
					    S2_READ), 0);
	c = census(&s);
	assert_int_equal(census_total_tables(&c), s.tables);
	assert_int_equal(c.pages, 3 + 64 * 513);	/* probe maps: 3 */
	assert_int_equal(ta->live_pages, s.tables);
	stage2_destroy(&s);
	assert_int_equal(s.tables, 0);
	assert_null(s.root);
	stage2_destroy(&s);	/* twice is harmless */
	expect_unmapped(&s, 0x40000000);
	talloc_done(ta);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_init_rejects),
		cmocka_unit_test(test_vtcr),
		cmocka_unit_test(test_map_ram_2m_blocks),
		cmocka_unit_test(test_map_1g_block),
		cmocka_unit_test(test_map_1g_level2_start),
		cmocka_unit_test(test_unaligned_uses_pages),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_high_pa),
		cmocka_unit_test(test_pa_zero_and_direct_map_high),
		cmocka_unit_test(test_concatenated_root),
		cmocka_unit_test(test_translate_faults_like_mmu),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_map_enomem_rollback),
		cmocka_unit_test(test_unmap_split_2m),
		cmocka_unit_test(test_unmap_split_1g),
		cmocka_unit_test(test_unmap_all_frees_tables),
		cmocka_unit_test(test_unmap_enomem),
		cmocka_unit_test(test_destroy_frees_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
