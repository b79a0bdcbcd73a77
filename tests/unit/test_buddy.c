/*
 * Unit tests for kernel/buddy.c: the buddy allocator run over host buffers
 * standing in for identity-mapped RAM. Host addresses are the "physical"
 * addresses, so block alignment is checked against address 0 exactly as
 * stage-2 block mappings would need it. A per-page shadow map and a
 * pattern written into every allocated block catch overlapping blocks and
 * allocator metadata spilling into memory it handed out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <limits.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "test_rng.h"

#include <tandem/buddy.h>

#define ARENA_ALIGN	MiB(8)
#define FULL_PATTERN_MAX	KiB(256)

static inline uint64_t blk_bytes(unsigned int order)
{
	return PAGE_SIZE << order;
}

/*
 * Host address of "physical" address 0, as struct buddy's va_offset: 0
 * (host addresses are the physical ones) except in the tests that put a
 * region at physical 0 or above 4 GiB over a host buffer.
 */
static uintptr_t va_off;

static inline paddr_t pa_of(const void *p)
{
	return (paddr_t)((uintptr_t)p - va_off);
}

static inline uint64_t *word_at(paddr_t pa)
{
	return (uint64_t *)(uintptr_t)(pa + va_off);
}

/*
 * RAM is never clean. Fill it with 0x40, which is what the allocator's
 * own state byte for "free order-0 head" looks like, so an allocator that
 * reads state it never wrote (past a region's end, in metadata slack)
 * merges with phantom blocks and the layout checks notice.
 */
#define ARENA_FILL	0x40

static uint8_t *arena_new(size_t size)
{
	uint8_t *p = aligned_alloc(ARENA_ALIGN, size);

	assert_non_null(p);
	memset(p, ARENA_FILL, size);
	return p;
}

/* 64-bit bound: arena offsets exceed what test_rng.h's rng_below takes. */
static uint64_t rng_below64(uint64_t n)
{
	return rng_next() % n;
}

/* --- block contents ------------------------------------------------------ */

static uint64_t pattern_word(paddr_t pa, uint64_t off, uint64_t tag)
{
	return (pa + off) * 0x9e3779b97f4a7c15ULL ^ tag;
}

static void fill_range(paddr_t pa, uint64_t from, uint64_t to, uint64_t tag)
{
	uint64_t off;

	for (off = from; off < to; off += sizeof(uint64_t))
		*word_at(pa + off) = pattern_word(pa, off, tag);
}

static bool check_range(paddr_t pa, uint64_t from, uint64_t to, uint64_t tag)
{
	uint64_t off;

	for (off = from; off < to; off += sizeof(uint64_t))
		if (*word_at(pa + off) != pattern_word(pa, off, tag))
			return false;
	return true;
}

/*
 * Small blocks are covered whole. Huge ones get their first, middle and
 * last page only, so a 1 GiB block does not cost 1 GiB of host RSS; the
 * first page is where a stray free-list link would land.
 */
static void fill_block(paddr_t pa, unsigned int order, uint64_t tag)
{
	uint64_t n = blk_bytes(order);

	if (n <= FULL_PATTERN_MAX) {
		fill_range(pa, 0, n, tag);
		return;
	}
	fill_range(pa, 0, PAGE_SIZE, tag);
	fill_range(pa, n / 2, n / 2 + PAGE_SIZE, tag);
	fill_range(pa, n - PAGE_SIZE, n, tag);
}

static bool check_block(paddr_t pa, unsigned int order, uint64_t tag)
{
	uint64_t n = blk_bytes(order);

	if (n <= FULL_PATTERN_MAX)
		return check_range(pa, 0, n, tag);
	return check_range(pa, 0, PAGE_SIZE, tag) &&
	       check_range(pa, n / 2, n / 2 + PAGE_SIZE, tag) &&
	       check_range(pa, n - PAGE_SIZE, n, tag);
}

/* --- the test's own view of the regions ---------------------------------- */

struct tregion {
	paddr_t base;		/* trimmed to pages */
	paddr_t end;
	uint64_t meta;		/* pages, learnt from the stats delta */
};

/*
 * Add a region and derive what the allocator must have done with it,
 * independently of its implementation: the page-trimmed range, a metadata
 * area large enough for one byte per remaining page, everything else free.
 */
static void add_region_ok(struct buddy *b, struct tregion *tr,
			  paddr_t base, uint64_t size)
{
	struct buddy_stats before, after;
	uint64_t pages;

	buddy_stats(b, &before);
	assert_int_equal(buddy_add_region(b, base, size), 0);
	buddy_stats(b, &after);

	tr->base = ALIGN_UP(base, PAGE_SIZE);
	tr->end = ALIGN_DOWN(base + size, PAGE_SIZE);
	pages = (tr->end - tr->base) / PAGE_SIZE;
	tr->meta = after.metadata_pages - before.metadata_pages;

	assert_int_equal(after.total_pages - before.total_pages, pages);
	assert_true(tr->meta >= 1 && tr->meta < pages);
	assert_true(tr->meta * PAGE_SIZE >= pages - tr->meta);
	assert_int_equal(after.free_pages - before.free_pages, pages - tr->meta);
}

static paddr_t usable_start(const struct tregion *tr)
{
	return tr->base + tr->meta * PAGE_SIZE;
}

/* Naturally aligned against address 0, inside one region, not in metadata. */
static void assert_block_ok(const struct tregion *trs, unsigned int n,
			    paddr_t pa, unsigned int order)
{
	unsigned int i;

	assert_true(pa != BUDDY_NONE);
	assert_true(IS_ALIGNED(pa, blk_bytes(order)));
	for (i = 0; i < n; i++)
		if (pa >= usable_start(&trs[i]) &&
		    pa + blk_bytes(order) <= trs[i].end)
			return;
	fail_msg("block %#llx order %u outside every usable range",
		 (unsigned long long)pa, order);
}

/*
 * Cross-check the allocator's counters against its free lists: every
 * listed block aligned, inside a usable range, and counted once.
 */
static void assert_free_lists_consistent(const struct buddy *b,
					 const struct tregion *trs,
					 unsigned int n)
{
	uint64_t pages = 0;
	unsigned int k;

	for (k = 0; k <= BUDDY_MAX_ORDER; k++) {
		const struct list_node *pos;
		uint64_t count = 0;

		list_for_each(pos, &b->free_list[k]) {
			assert_block_ok(trs, n, pa_of(pos), k);
			count++;
		}
		assert_int_equal(count, b->free_blocks[k]);
		pages += count << k;
	}
	assert_int_equal(pages, b->free_pages);
}

static void assert_stats_equal(const struct buddy_stats *a,
			       const struct buddy_stats *b)
{
	unsigned int k;

	assert_int_equal(a->total_pages, b->total_pages);
	assert_int_equal(a->free_pages, b->free_pages);
	assert_int_equal(a->metadata_pages, b->metadata_pages);
	for (k = 0; k <= BUDDY_MAX_ORDER; k++)
		assert_int_equal(a->free_blocks[k], b->free_blocks[k]);
}

static int highest_free_order(const struct buddy_stats *st)
{
	int k;

	for (k = BUDDY_MAX_ORDER; k >= 0; k--)
		if (st->free_blocks[k])
			return k;
	return -1;
}

/* --- shadow ownership map: one byte per page of an arena ------------------ */

struct shadow {
	paddr_t base;
	uint64_t pages;
	uint8_t *owned;
	uint64_t owned_pages;
};

static void shadow_init(struct shadow *s, paddr_t base, uint64_t bytes)
{
	s->base = base;
	s->pages = bytes / PAGE_SIZE;
	s->owned = calloc(s->pages, 1);
	s->owned_pages = 0;
	assert_non_null(s->owned);
}

static void shadow_claim(struct shadow *s, paddr_t pa, unsigned int order)
{
	uint64_t i, first = (pa - s->base) / PAGE_SIZE, n = 1ULL << order;

	assert_true(pa >= s->base && first + n <= s->pages);
	for (i = first; i < first + n; i++) {
		if (s->owned[i])
			fail_msg("page %#llx handed out twice",
				 (unsigned long long)(s->base + i * PAGE_SIZE));
		s->owned[i] = 1;
	}
	s->owned_pages += n;
}

static void shadow_release(struct shadow *s, paddr_t pa, unsigned int order)
{
	uint64_t i, first = (pa - s->base) / PAGE_SIZE, n = 1ULL << order;

	for (i = first; i < first + n; i++) {
		if (s->owned[i] != 1)
			fail_msg("page %#llx freed but not owned",
				 (unsigned long long)(s->base + i * PAGE_SIZE));
		s->owned[i] = 0;
	}
	s->owned_pages -= n;
}

/* Exhausted: exactly the usable pages of every region are owned. */
static void assert_shadow_covers_usable(const struct shadow *s,
					const struct tregion *trs,
					unsigned int n)
{
	uint64_t i, expect = 0;

	for (i = 0; i < s->pages; i++) {
		paddr_t pa = s->base + i * PAGE_SIZE;
		bool usable = false;
		unsigned int r;

		for (r = 0; r < n; r++)
			if (pa >= usable_start(&trs[r]) && pa < trs[r].end)
				usable = true;
		assert_int_equal(s->owned[i], usable);
		expect += usable;
	}
	assert_int_equal(s->owned_pages, expect);
}

/* --- live allocations ---------------------------------------------------- */

struct live {
	paddr_t pa;
	unsigned int order;
	uint64_t tag;
};

struct livelist {
	struct live *v;
	size_t n, cap;
};

static void live_init(struct livelist *l, size_t cap)
{
	l->v = calloc(cap, sizeof(*l->v));
	l->n = 0;
	l->cap = cap;
	assert_non_null(l->v);
}

/* Allocate, then prove the block is new, in range and writable; BUDDY_NONE if none. */
static paddr_t alloc_tracked(struct buddy *b, struct livelist *l,
			     struct shadow *s, const struct tregion *trs,
			     unsigned int n, unsigned int order)
{
	paddr_t pa = buddy_alloc(b, order);
	struct live *e;

	if (pa == BUDDY_NONE)
		return BUDDY_NONE;
	assert_true(l->n < l->cap);
	assert_block_ok(trs, n, pa, order);
	shadow_claim(s, pa, order);
	e = &l->v[l->n++];
	e->pa = pa;
	e->order = order;
	e->tag = rng_next();
	fill_block(pa, order, e->tag);
	return pa;
}

static void free_tracked(struct buddy *b, struct livelist *l,
			 struct shadow *s, size_t idx)
{
	struct live e = l->v[idx];

	if (!check_block(e.pa, e.order, e.tag))
		fail_msg("block %#llx order %u corrupted while allocated",
			 (unsigned long long)e.pa, e.order);
	assert_int_equal(buddy_free(b, e.pa, e.order), 0);
	shadow_release(s, e.pa, e.order);
	l->v[idx] = l->v[--l->n];
}

static void free_all_random(struct buddy *b, struct livelist *l,
			    struct shadow *s)
{
	while (l->n)
		free_tracked(b, l, s, rng_below64(l->n));
}

static size_t live_find(const struct livelist *l, paddr_t pa)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].pa == pa)
			return i;
	fail_msg("%#llx is not live", (unsigned long long)pa);
	return 0;
}

static uint64_t live_pages(const struct livelist *l)
{
	uint64_t pages = 0;
	size_t i;

	for (i = 0; i < l->n; i++)
		pages += 1ULL << l->v[i].order;
	return pages;
}

/* ========================================================================= */

static void test_order_for(void **state)
{
	assert_int_equal(buddy_order_for(0), 0);
	assert_int_equal(buddy_order_for(1), 0);
	assert_int_equal(buddy_order_for(PAGE_SIZE), 0);
	assert_int_equal(buddy_order_for(PAGE_SIZE + 1), 1);
	assert_int_equal(buddy_order_for(2 * PAGE_SIZE), 1);
	assert_int_equal(buddy_order_for(2 * PAGE_SIZE + 1), 2);
	assert_int_equal(buddy_order_for(3 * PAGE_SIZE), 2);
	assert_int_equal(buddy_order_for(KiB(64)), 4);
	assert_int_equal(buddy_order_for(MiB(2)), 9);
	assert_int_equal(buddy_order_for(MiB(2) + 1), 10);
	assert_int_equal(buddy_order_for(GiB(1)), BUDDY_MAX_ORDER);
	assert_int_equal(buddy_order_for(GiB(1) + 1), BUDDY_MAX_ORDER + 1);
	assert_int_equal(buddy_order_for(UINT64_MAX), 52);
}

static void test_empty_allocator(void **state)
{
	struct buddy b;
	struct buddy_stats st;
	unsigned int k;

	buddy_init(&b, 0);
	buddy_stats(&b, &st);
	assert_int_equal(st.total_pages, 0);
	assert_int_equal(st.free_pages, 0);
	assert_int_equal(st.metadata_pages, 0);
	for (k = 0; k <= BUDDY_MAX_ORDER; k++) {
		assert_int_equal(st.free_blocks[k], 0);
		assert_int_equal(buddy_alloc(&b, k), BUDDY_NONE);
	}
	assert_int_equal(buddy_free(&b, PAGE_SIZE, 0), -EINVAL);
}

/* One block of each order the region can hold, one at a time, then all at once. */
static void test_every_order(void **state)
{
	const uint64_t size = MiB(32);
	uint8_t *arena = arena_new(size);
	struct buddy b;
	struct buddy_stats init, st;
	struct tregion tr;
	struct shadow sh;
	struct livelist live;
	int top;
	unsigned int k;

	rng_seed(1);
	buddy_init(&b, 0);
	add_region_ok(&b, &tr, pa_of(arena), size);
	shadow_init(&sh, pa_of(arena), size);
	live_init(&live, 64);
	buddy_stats(&b, &init);
	top = highest_free_order(&init);
	/* 32 MiB on an 8 MiB boundary always holds at least one 8 MiB block. */
	assert_true(top >= 11);

	for (k = 0; k <= (unsigned int)top; k++) {
		paddr_t pa = alloc_tracked(&b, &live, &sh, &tr, 1, k);

		assert_true(pa != BUDDY_NONE);
		buddy_stats(&b, &st);
		assert_int_equal(st.free_pages, init.free_pages - (1ULL << k));
		free_tracked(&b, &live, &sh, 0);
		buddy_stats(&b, &st);
		assert_stats_equal(&st, &init);
	}
	if (top < BUDDY_MAX_ORDER)
		assert_int_equal(buddy_alloc(&b, (unsigned int)top + 1), BUDDY_NONE);
	assert_int_equal(buddy_alloc(&b, BUDDY_MAX_ORDER + 1), BUDDY_NONE);

	/*
	 * All orders live at once. Below the top they need 2^top - 1 pages,
	 * which one top block covers, so they fit whatever the arena's
	 * alignment made of the layout; the top order too if it had two.
	 */
	for (k = (unsigned int)top; k-- > 0; )
		assert_true(alloc_tracked(&b, &live, &sh, &tr, 1, k) != BUDDY_NONE);
	if (init.free_blocks[top] >= 2)
		assert_true(alloc_tracked(&b, &live, &sh, &tr, 1, (unsigned int)top) != BUDDY_NONE);
	assert_free_lists_consistent(&b, &tr, 1);
	buddy_stats(&b, &st);
	assert_int_equal(st.free_pages + live_pages(&live) + st.metadata_pages,
			 st.total_pages);
	free_all_random(&b, &live, &sh);
	buddy_stats(&b, &st);
	assert_stats_equal(&st, &init);

	free(live.v);
	free(sh.owned);
	free(arena);
}

/*
 * The 1 GiB order needs 1 GiB of address space on a 1 GiB boundary: take
 * it from an untouched anonymous mapping, of which only the metadata and
 * the sampled pattern pages ever become resident.
 */
static void test_max_order(void **state)
{
	const uint64_t map_size = GiB(4);
	struct buddy b;
	struct buddy_stats init, st;
	struct tregion tr;
	struct shadow sh;
	struct livelist live;
	paddr_t g, pa;
	unsigned int k;
	void *map;

	map = mmap(NULL, map_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		skip();

	rng_seed(2);
	/* Metadata in front of the aligned GiBs, so it costs no large block. */
	g = ALIGN_UP(pa_of(map) + MiB(1), GiB(1));
	buddy_init(&b, 0);
	add_region_ok(&b, &tr, g - MiB(1), GiB(2) + MiB(1));
	shadow_init(&sh, g - MiB(1), GiB(2) + MiB(1));
	live_init(&live, 64);
	buddy_stats(&b, &init);
	assert_int_equal(init.free_blocks[BUDDY_MAX_ORDER], 2);

	assert_int_equal(buddy_alloc(&b, BUDDY_MAX_ORDER + 1), BUDDY_NONE);
	pa = alloc_tracked(&b, &live, &sh, &tr, 1, BUDDY_MAX_ORDER);
	assert_true(pa == g || pa == g + GiB(1));
	free_tracked(&b, &live, &sh, 0);
	buddy_stats(&b, &st);
	assert_stats_equal(&st, &init);

	/* Every order at once: 1 GiB plus 2^18 - 1 pages split from the other. */
	for (k = BUDDY_MAX_ORDER + 1; k-- > 0; )
		assert_true(alloc_tracked(&b, &live, &sh, &tr, 1, k) != BUDDY_NONE);
	assert_int_equal(buddy_alloc(&b, BUDDY_MAX_ORDER), BUDDY_NONE);
	assert_free_lists_consistent(&b, &tr, 1);
	free_all_random(&b, &live, &sh);
	buddy_stats(&b, &st);
	assert_stats_equal(&st, &init);

	free(live.v);
	free(sh.owned);
	munmap(map, map_size);
}

static void exhaust_at(struct buddy *b, struct livelist *l, struct shadow *s,
		       const struct tregion *trs, unsigned int n,
		       unsigned int order)
{
	while (alloc_tracked(b, l, s, trs, n, order) != BUDDY_NONE)
		;
}

static void test_exhaustion(void **state)
{
	const uint64_t size = MiB(4) + 13 * PAGE_SIZE;
	uint8_t *arena = arena_new(MiB(8));
	struct buddy b;
	struct buddy_stats init, st;
	struct tregion tr;
	struct shadow sh;
	struct livelist live;
	unsigned int k;

	rng_seed(3);
	buddy_init(&b, 0);
	add_region_ok(&b, &tr, pa_of(arena) + 3 * PAGE_SIZE, size);
	shadow_init(&sh, pa_of(arena), MiB(8));
	live_init(&live, size / PAGE_SIZE);
	buddy_stats(&b, &init);

	/* Page by page: every usable page exactly once, then nothing. */
	exhaust_at(&b, &live, &sh, &tr, 1, 0);
	assert_int_equal(live.n, init.free_pages);
	assert_shadow_covers_usable(&sh, &tr, 1);
	buddy_stats(&b, &st);
	assert_int_equal(st.free_pages, 0);
	assert_int_equal(st.metadata_pages + live_pages(&live), st.total_pages);
	for (k = 0; k <= BUDDY_MAX_ORDER; k++) {
		assert_int_equal(st.free_blocks[k], 0);
		assert_int_equal(buddy_alloc(&b, k), BUDDY_NONE);
	}
	free_all_random(&b, &live, &sh);
	buddy_stats(&b, &st);
	assert_stats_equal(&st, &init);

	/* At order 3 what is left is only smaller fragments, still usable. */
	exhaust_at(&b, &live, &sh, &tr, 1, 3);
	buddy_stats(&b, &st);
	for (k = 3; k <= BUDDY_MAX_ORDER; k++)
		assert_int_equal(st.free_blocks[k], 0);
	assert_int_equal(st.free_pages + live_pages(&live) + st.metadata_pages,
			 st.total_pages);
	assert_free_lists_consistent(&b, &tr, 1);
	for (k = 3; k-- > 0; )
		exhaust_at(&b, &live, &sh, &tr, 1, k);
	assert_shadow_covers_usable(&sh, &tr, 1);
	buddy_stats(&b, &st);
	assert_int_equal(st.free_pages, 0);
	free_all_random(&b, &live, &sh);
	buddy_stats(&b, &st);
	assert_stats_equal(&st, &init);

	free(live.v);
	free(sh.owned);
	free(arena);
}

/*
 * Thousands of random allocations and frees over two regions with ragged
 * edges; the shadow map proves no overlap, the patterns prove no
 * corruption, and freeing everything must rebuild the initial layout.
 */
static void test_random_stress(void **state)
{
	const uint64_t size = MiB(16);
	uint8_t *arena = arena_new(size);
	paddr_t a = pa_of(arena);
	struct buddy b;
	struct buddy_stats init, st;
	struct tregion tr[2];
	struct shadow sh;
	struct livelist live;
	unsigned long i, failures = 0;

	rng_seed(0x7a9de5);
	buddy_init(&b, 0);
	add_region_ok(&b, &tr[0], a + 3 * PAGE_SIZE + 100, MiB(6) - 3 * PAGE_SIZE);
	add_region_ok(&b, &tr[1], a + MiB(6) + 2 * PAGE_SIZE, MiB(10) - 2 * PAGE_SIZE);
	shadow_init(&sh, a, size);
	live_init(&live, size / PAGE_SIZE);
	buddy_stats(&b, &init);

	for (i = 0; i < 20000; i++) {
		/* Drift between mostly full and mostly empty. */
		bool grow = (i / 2500) % 2 == 0;
		bool do_alloc = live.n == 0 || rng_below64(100) < (grow ? 70 : 30);

		if (do_alloc) {
			/* Mostly small blocks, with the odd large one. */
			unsigned int order = rng_below64(8) ? (unsigned int)rng_below64(5)
							  : (unsigned int)rng_below64(12);

			if (alloc_tracked(&b, &live, &sh, tr, 2, order) == BUDDY_NONE) {
				unsigned int k;

				/* A refusal is only honest if nothing fits. */
				buddy_stats(&b, &st);
				for (k = order; k <= BUDDY_MAX_ORDER; k++)
					assert_int_equal(st.free_blocks[k], 0);
				failures++;
			}
		} else {
			free_tracked(&b, &live, &sh, rng_below64(live.n));
		}

		buddy_stats(&b, &st);
		assert_int_equal(st.free_pages + sh.owned_pages + st.metadata_pages,
				 st.total_pages);
		if (i % 512 == 0)
			assert_free_lists_consistent(&b, tr, 2);
	}
	/* The walk must have run the allocator dry at least once. */
	assert_true(failures > 0);

	free_all_random(&b, &live, &sh);
	assert_free_lists_consistent(&b, tr, 2);
	buddy_stats(&b, &st);
	assert_stats_equal(&st, &init);

	free(live.v);
	free(sh.owned);
	free(arena);
}

/* A rejected free must not change anything at all. */
static void assert_free_rejected(struct buddy *b, const struct tregion *tr,
				 paddr_t pa, unsigned int order)
{
	struct buddy_stats before, after;

	buddy_stats(b, &before);
	assert_int_equal(buddy_free(b, pa, order), -EINVAL);
	buddy_stats(b, &after);
	assert_stats_equal(&after, &before);
	assert_free_lists_consistent(b, tr, 1);
}

static void test_bad_frees(void **state)
{
	const uint64_t size = MiB(2);
	uint8_t *arena = arena_new(MiB(8));
	paddr_t a = pa_of(arena) + MiB(2);
	struct buddy b;
	struct buddy_stats init, st;
	struct tregion tr;
	struct shadow sh;
	struct livelist live;
	paddr_t p0 = 0, p3, pfree, lo = 0, hi = 0;
	unsigned int i, k;
	int top;

	rng_seed(4);
	buddy_init(&b, 0);
	add_region_ok(&b, &tr, a, size);
	shadow_init(&sh, pa_of(arena), MiB(8));
	live_init(&live, 1024);
	buddy_stats(&b, &init);

	/* An order-0 block that also sits on an order-1 boundary. */
	for (i = 0; i < 64; i++) {
		p0 = alloc_tracked(&b, &live, &sh, &tr, 1, 0);
		assert_true(p0 != BUDDY_NONE);
		if (IS_ALIGNED(p0, blk_bytes(1)))
			break;
	}
	assert_true(IS_ALIGNED(p0, blk_bytes(1)));
	p3 = alloc_tracked(&b, &live, &sh, &tr, 1, 3);
	assert_true(p3 != BUDDY_NONE);

	/* Wrong order, both ways, on otherwise acceptable addresses. */
	assert_free_rejected(&b, &tr, p0, 1);
	assert_free_rejected(&b, &tr, p3, 2);
	assert_free_rejected(&b, &tr, p3, 0);
	if (IS_ALIGNED(p3, blk_bytes(4)))
		assert_free_rejected(&b, &tr, p3, 4);

	/* Misaligned, and pages inside an allocated block. */
	assert_free_rejected(&b, &tr, p0 + 8, 0);
	assert_free_rejected(&b, &tr, p3 + 1, 3);
	assert_free_rejected(&b, &tr, p3 + PAGE_SIZE, 0);
	assert_free_rejected(&b, &tr, p3 + 4 * PAGE_SIZE, 2);

	/* Out of range: metadata, the edges, far away, address 0. */
	assert_free_rejected(&b, &tr, tr.base, 0);
	assert_free_rejected(&b, &tr, usable_start(&tr) - PAGE_SIZE, 0);
	assert_free_rejected(&b, &tr, tr.base - PAGE_SIZE, 0);
	assert_free_rejected(&b, &tr, tr.end, 0);
	assert_free_rejected(&b, &tr, tr.end + MiB(1), 0);
	assert_free_rejected(&b, &tr, 0, 0);
	assert_free_rejected(&b, &tr, ALIGN_DOWN(UINT64_MAX, PAGE_SIZE), 0);

	/* Orders beyond the maximum, including ones that would overflow a shift. */
	assert_free_rejected(&b, &tr, p0, BUDDY_MAX_ORDER + 1);
	assert_free_rejected(&b, &tr, p0, 64);
	assert_free_rejected(&b, &tr, p0, UINT_MAX);

	/* A block that is free right now. */
	buddy_stats(&b, &st);
	top = highest_free_order(&st);
	assert_true(top >= 0);
	pfree = pa_of(b.free_list[top].next);
	assert_free_rejected(&b, &tr, pfree, (unsigned int)top);

	/*
	 * Two order-0 buddies, the lower freed first: the upper one then
	 * merges into it and must stop being a valid thing to free.
	 */
	for (i = 0; i < 64; i++) {
		paddr_t q = alloc_tracked(&b, &live, &sh, &tr, 1, 0);
		size_t j;

		assert_true(q != BUDDY_NONE);
		for (j = 0; j + 1 < live.n; j++)
			if (live.v[j].order == 0 &&
			    live.v[j].pa == (q ^ PAGE_SIZE))
				break;
		if (j + 1 == live.n)
			continue;
		lo = MIN(q, live.v[j].pa);
		hi = MAX(q, live.v[j].pa);
		free_tracked(&b, &live, &sh, live_find(&live, lo));
		free_tracked(&b, &live, &sh, live_find(&live, hi));
		break;
	}
	assert_true(lo != 0 && hi == lo + PAGE_SIZE);
	assert_free_rejected(&b, &tr, hi, 0);
	assert_free_rejected(&b, &tr, lo, 0);
	assert_free_rejected(&b, &tr, lo, 1);

	/* Double free, before and after the block has coalesced. */
	assert_int_equal(live.v[live.n - 1].pa, p3);
	free_tracked(&b, &live, &sh, live.n - 1);
	assert_free_rejected(&b, &tr, p3, 3);
	for (k = 0; k <= BUDDY_MAX_ORDER; k++)
		assert_free_rejected(&b, &tr, p3, k);

	free_all_random(&b, &live, &sh);
	buddy_stats(&b, &st);
	assert_stats_equal(&st, &init);
	assert_free_rejected(&b, &tr, p0, 0);

	free(live.v);
	free(sh.owned);
	free(arena);
}

/* Partial pages at the edges are neither used nor written. */
static void test_unaligned_edges(void **state)
{
	uint8_t *arena = arena_new(MiB(8));
	paddr_t a = pa_of(arena);
	paddr_t base = a + PAGE_SIZE + 123;
	uint64_t size = MiB(3) + 5 * PAGE_SIZE + 17;
	paddr_t end = base + size;
	struct buddy b;
	struct buddy_stats init, st;
	struct tregion tr;
	struct shadow sh;
	struct livelist live;
	uint64_t i;

	rng_seed(5);
	memset(arena, 0xa5, MiB(8));
	buddy_init(&b, 0);
	add_region_ok(&b, &tr, base, size);
	assert_int_equal(tr.base, a + 2 * PAGE_SIZE);
	assert_int_equal(tr.end, ALIGN_DOWN(end, PAGE_SIZE));
	buddy_stats(&b, &init);
	assert_int_equal(init.total_pages, (tr.end - tr.base) / PAGE_SIZE);

	shadow_init(&sh, a, MiB(8));
	live_init(&live, MiB(8) / PAGE_SIZE);
	for (i = BUDDY_MAX_ORDER + 1; i-- > 0; )
		exhaust_at(&b, &live, &sh, &tr, 1, (unsigned int)i);
	assert_shadow_covers_usable(&sh, &tr, 1);
	free_all_random(&b, &live, &sh);
	buddy_stats(&b, &st);
	assert_stats_equal(&st, &init);

	/* The allocator wrote nothing outside its trimmed range. */
	for (i = 0; i < tr.base - a; i++)
		assert_int_equal(arena[i], 0xa5);
	for (i = tr.end - a; i < MiB(8); i++)
		if (arena[i] != 0xa5)
			fail_msg("byte %#llx past the region was written",
				 (unsigned long long)i);

	free(live.v);
	free(sh.owned);
	free(arena);
}

/*
 * Two regions that touch: a block, or a merge, must never straddle the
 * seam, and freeing everything must give back each region's own layout.
 */
static void test_two_regions(void **state)
{
	uint8_t *arena = arena_new(MiB(16));
	paddr_t a = pa_of(arena);
	paddr_t seam = a + MiB(8) + 24 * PAGE_SIZE;
	struct buddy b, lone;
	struct buddy_stats init, st, lone_st[2];
	struct tregion tr[2], lone_tr;
	struct shadow sh;
	struct livelist live;
	unsigned int k, r;

	rng_seed(6);
	buddy_init(&b, 0);
	add_region_ok(&b, &tr[0], a + MiB(1), seam - (a + MiB(1)));
	add_region_ok(&b, &tr[1], seam, a + MiB(16) - seam);
	buddy_stats(&b, &init);

	/* Layout each region gets on its own: the pair must be the sum. */
	for (r = 0; r < 2; r++) {
		buddy_init(&lone, 0);
		add_region_ok(&lone, &lone_tr, tr[r].base, tr[r].end - tr[r].base);
		buddy_stats(&lone, &lone_st[r]);
	}
	for (k = 0; k <= BUDDY_MAX_ORDER; k++)
		assert_int_equal(init.free_blocks[k],
				 lone_st[0].free_blocks[k] + lone_st[1].free_blocks[k]);
	/* Re-adding wrote fresh metadata over the same memory: start again. */
	buddy_init(&b, 0);
	add_region_ok(&b, &tr[0], a + MiB(1), seam - (a + MiB(1)));
	add_region_ok(&b, &tr[1], seam, a + MiB(16) - seam);

	shadow_init(&sh, a, MiB(16));
	live_init(&live, MiB(16) / PAGE_SIZE);
	for (k = BUDDY_MAX_ORDER + 1; k-- > 0; )
		exhaust_at(&b, &live, &sh, tr, 2, k);
	assert_shadow_covers_usable(&sh, tr, 2);
	free_all_random(&b, &live, &sh);
	buddy_stats(&b, &st);
	assert_stats_equal(&st, &init);

	/* Page-sized churn around the seam, then the layout again. */
	exhaust_at(&b, &live, &sh, tr, 2, 0);
	free_all_random(&b, &live, &sh);
	assert_free_lists_consistent(&b, tr, 2);
	buddy_stats(&b, &st);
	assert_stats_equal(&st, &init);

	free(live.v);
	free(sh.owned);
	free(arena);
}

/*
 * Blocks whose buddy would lie just past a region's end, in the next
 * region's metadata or just before a region's start: none of those may
 * merge, however the bytes there happen to look.
 */
static void test_no_merge_past_edges(void **state)
{
	uint8_t *arena = arena_new(MiB(8));
	paddr_t x = pa_of(arena) + 8 * PAGE_SIZE;
	struct buddy b;
	struct buddy_stats init, st;
	struct tregion tr[3];
	struct shadow sh;
	struct livelist live;
	unsigned int round;

	rng_seed(7);
	buddy_init(&b, 0);
	/* Usable x..x+2: an order-1 block and an order-0 block at x+2. */
	add_region_ok(&b, &tr[0], x - PAGE_SIZE, 4 * PAGE_SIZE);
	/* Starts at x+3, the buddy of the page at x+2. */
	add_region_ok(&b, &tr[1], x + 3 * PAGE_SIZE, 8 * PAGE_SIZE);
	/* Ends at x-1 (tr[0]'s metadata), the buddy of its last page. */
	add_region_ok(&b, &tr[2], x - 8 * PAGE_SIZE, 7 * PAGE_SIZE);
	buddy_stats(&b, &init);
	assert_int_equal(init.free_pages, 3 + 7 + 6);
	assert_int_equal(init.free_blocks[0], 1 + 1 + 2);

	shadow_init(&sh, pa_of(arena), MiB(8));
	live_init(&live, 64);
	for (round = 0; round < 8; round++) {
		exhaust_at(&b, &live, &sh, tr, 3, 0);
		assert_shadow_covers_usable(&sh, tr, 3);
		free_all_random(&b, &live, &sh);
		assert_free_lists_consistent(&b, tr, 3);
		buddy_stats(&b, &st);
		assert_stats_equal(&st, &init);
	}

	free(live.v);
	free(sh.owned);
	free(arena);
}

/* buddy_alloc_at(): exactly that block, when all of it is free. */
static void test_alloc_at(void **state)
{
	uint8_t *arena = arena_new(MiB(8));
	paddr_t base = pa_of(arena);
	struct buddy b;
	struct buddy_stats init, st;
	struct tregion tr;
	paddr_t two = ALIGN_UP(base + MiB(1), MiB(2)), p, q;

	buddy_init(&b, 0);
	add_region_ok(&b, &tr, base, MiB(8));
	buddy_stats(&b, &init);
	assert_int_equal(buddy_alloc_at(&b, two, 9), two);	/* 2 MiB */
	assert_free_lists_consistent(&b, &tr, 1);
	buddy_stats(&b, &st);
	assert_int_equal(st.free_pages, init.free_pages - 512);
	/* taken: not again, nor a block inside it, nor one around it */
	assert_int_equal(buddy_alloc_at(&b, two, 9), BUDDY_NONE);
	assert_int_equal(buddy_alloc_at(&b, two + MiB(1), 0), BUDDY_NONE);
	assert_int_equal(buddy_alloc_at(&b, two & ~(MiB(4) - 1), 10), BUDDY_NONE);
	/* misaligned, in metadata, outside the region */
	assert_int_equal(buddy_alloc_at(&b, two + MiB(2) + PAGE_SIZE, 1), BUDDY_NONE);
	assert_int_equal(buddy_alloc_at(&b, tr.base, 0), BUDDY_NONE);
	assert_int_equal(buddy_alloc_at(&b, tr.end, 0), BUDDY_NONE);
	/* a page right after it, then the ordinary allocator still works */
	p = buddy_alloc_at(&b, two + MiB(2), 0);
	assert_int_equal(p, two + MiB(2));
	q = buddy_alloc(&b, 0);
	assert_true(q && q != p && (q < two || q >= two + MiB(2)));
	assert_free_lists_consistent(&b, &tr, 1);
	assert_int_equal(buddy_free(&b, q, 0), 0);
	assert_int_equal(buddy_free(&b, p, 0), 0);
	assert_int_equal(buddy_free(&b, two, 9), 0);
	buddy_stats(&b, &st);
	assert_stats_equal(&st, &init);
	assert_free_lists_consistent(&b, &tr, 1);
	free(arena);
}

static void assert_add_fails(struct buddy *b, paddr_t base, uint64_t size,
			     int err)
{
	struct buddy_stats before, after;
	unsigned int n = b->n_regions;

	buddy_stats(b, &before);
	assert_int_equal(buddy_add_region(b, base, size), err);
	buddy_stats(b, &after);
	assert_stats_equal(&after, &before);
	assert_int_equal(b->n_regions, n);
}

static void test_overlap_rejected(void **state)
{
	uint8_t *arena = arena_new(MiB(8));
	paddr_t a = pa_of(arena);
	struct buddy b;
	struct tregion tr[3];

	buddy_init(&b, 0);
	add_region_ok(&b, &tr[0], a + MiB(2), MiB(2));

	assert_add_fails(&b, a + MiB(2), MiB(2), -EEXIST);
	assert_add_fails(&b, a + MiB(1), MiB(1) + PAGE_SIZE, -EEXIST);
	assert_add_fails(&b, a + MiB(4) - PAGE_SIZE, MiB(1), -EEXIST);
	assert_add_fails(&b, a, MiB(8), -EEXIST);
	assert_add_fails(&b, a + MiB(3), 4 * PAGE_SIZE, -EEXIST);
	/*
	 * Touching neighbours on both sides are fine, including one that
	 * shares only bytes of a partial page, which trimming drops.
	 */
	add_region_ok(&b, &tr[1], a + MiB(1), MiB(1));
	add_region_ok(&b, &tr[2], a + MiB(4) - 100, MiB(1) + 100);
	assert_int_equal(tr[2].base, a + MiB(4));
	assert_int_equal(b.n_regions, 3);

	free(arena);
}

static void test_region_limits(void **state)
{
	uint8_t *arena = arena_new(MiB(32));
	paddr_t a = pa_of(arena);

	_Static_assert(BUDDY_MAX_REGIONS <= 32, "the regions below fit the arena");
	struct buddy b;
	struct buddy_stats st;
	struct tregion tr;
	unsigned int i;
	paddr_t pa;

	buddy_init(&b, 0);
	/* Nothing left after trimming, or a range that wraps. */
	assert_add_fails(&b, a, 0, -EINVAL);
	assert_add_fails(&b, a, PAGE_SIZE - 1, -EINVAL);
	assert_add_fails(&b, a + 100, PAGE_SIZE, -EINVAL);
	assert_add_fails(&b, a + 100, PAGE_SIZE + 50, -EINVAL);
	assert_add_fails(&b, UINT64_MAX - 100, 50, -EINVAL);
	assert_add_fails(&b, UINT64_MAX - PAGE_SIZE + 1, 2 * PAGE_SIZE, -EINVAL);
	assert_add_fails(&b, ALIGN_DOWN(UINT64_MAX, PAGE_SIZE), PAGE_SIZE, -EINVAL);

	/* One page cannot hold its own metadata and anything else. */
	assert_add_fails(&b, a, PAGE_SIZE, -ENOMEM);
	assert_add_fails(&b, a + 10, 2 * PAGE_SIZE - 10, -ENOMEM);

	/* Two pages: one of metadata, one to hand out. */
	add_region_ok(&b, &tr, a, 2 * PAGE_SIZE);
	buddy_stats(&b, &st);
	assert_int_equal(st.metadata_pages, 1);
	assert_int_equal(st.free_blocks[0], 1);
	pa = buddy_alloc(&b, 0);
	assert_int_equal(pa, a + PAGE_SIZE);
	assert_int_equal(buddy_alloc(&b, 0), BUDDY_NONE);
	assert_int_equal(buddy_free(&b, pa, 0), 0);

	/* The table holds BUDDY_MAX_REGIONS regions and no more. */
	for (i = 1; i < BUDDY_MAX_REGIONS; i++)
		add_region_ok(&b, &tr, a + i * MiB(1), 3 * PAGE_SIZE);
	assert_add_fails(&b, a + MiB(31) + KiB(512), 4 * PAGE_SIZE, -ENOMEM);
	buddy_stats(&b, &st);
	assert_int_equal(st.total_pages, 2 + 3 * (BUDDY_MAX_REGIONS - 1));

	/*
	 * One metadata page holds a state byte and a dirty bit for 3640
	 * pages (3640 bytes, then 57 bitmap words); the 3641st needs a second.
	 */
	buddy_init(&b, 0);
	add_region_ok(&b, &tr, a, 3641 * PAGE_SIZE);
	assert_int_equal(tr.meta, 1);
	buddy_init(&b, 0);
	add_region_ok(&b, &tr, a, 3642 * PAGE_SIZE);
	assert_int_equal(tr.meta, 2);

	free(arena);
}

/*
 * Fill a region completely with order-0 blocks, prove every usable page
 * came out once, give them back and expect the first layout again.
 */
static void exhaust_and_refill(struct buddy *b, const struct tregion *trs,
			       unsigned int n, paddr_t lo, uint64_t bytes)
{
	struct buddy_stats init, st;
	struct shadow sh;
	struct livelist live;

	buddy_stats(b, &init);
	shadow_init(&sh, lo, bytes);
	live_init(&live, bytes / PAGE_SIZE);
	exhaust_at(b, &live, &sh, trs, n, 0);
	assert_shadow_covers_usable(&sh, trs, n);
	free_all_random(b, &live, &sh);
	assert_free_lists_consistent(b, trs, n);
	buddy_stats(b, &st);
	assert_stats_equal(&st, &init);
	free(live.v);
	free(sh.owned);
}

/*
 * A region at physical 0, as on most SoCs (Versal, ZynqMP, RK3568, the
 * Raspberry Pi): address 0 means nothing special to the allocator, so
 * blocks near 0 come out, go back and merge like any others, and "none"
 * is BUDDY_NONE. Physical 0 is mapped at an 8 MiB aligned host buffer.
 */
static void test_region_at_pa0(void **state)
{
	uint8_t *arena = arena_new(MiB(8));
	struct buddy b;
	struct tregion tr;
	paddr_t pa;

	rng_seed(0);
	va_off = (uintptr_t)arena;
	buddy_init(&b, va_off);
	add_region_ok(&b, &tr, 0, MiB(8));
	assert_int_equal(tr.base, 0);
	/* The metadata sits in page 0, so that page is never a block. */
	assert_int_equal(buddy_alloc_at(&b, 0, 0), BUDDY_NONE);
	/* The first usable page, and a 4 MiB block aligned to physical 0. */
	pa = buddy_alloc_at(&b, usable_start(&tr), 0);
	assert_int_equal(pa, usable_start(&tr));
	assert_int_equal(buddy_free(&b, pa, 0), 0);
	pa = buddy_alloc_at(&b, MiB(4), 10);
	assert_int_equal(pa, MiB(4));
	assert_int_equal(buddy_free(&b, pa, 10), 0);
	/* A free below the region start (0 - page) is refused, not wrapped. */
	assert_int_equal(buddy_free(&b, 0, 0), -EINVAL);

	exhaust_and_refill(&b, &tr, 1, 0, MiB(8));
	assert_int_equal(buddy_alloc(&b, BUDDY_MAX_ORDER + 1), BUDDY_NONE);

	va_off = 0;
	free(arena);
}

/*
 * Two banks meeting at 4 GiB (a low bank ending there, a high one from
 * there): addresses keep their upper bits through alloc, free and the
 * free lists, and a block never spans or merges across the two regions.
 */
static void test_regions_above_4g(void **state)
{
	const paddr_t four_g = 0x100000000ULL;
	uint8_t *arena = arena_new(MiB(16));
	struct buddy b;
	struct tregion tr[2];
	paddr_t pa;

	rng_seed(1);
	va_off = (uintptr_t)arena - (uintptr_t)(four_g - MiB(8));
	buddy_init(&b, va_off);
	add_region_ok(&b, &tr[0], four_g - MiB(8), MiB(8));
	add_region_ok(&b, &tr[1], four_g, MiB(8));
	pa = buddy_alloc_at(&b, four_g + MiB(4), 10);
	assert_int_equal(pa, four_g + MiB(4));
	assert_int_equal(buddy_free(&b, pa, 10), 0);
	/* 8 MiB at 4 GiB - 4 MiB would straddle the two regions. */
	assert_int_equal(buddy_alloc_at(&b, four_g - MiB(4), 11), BUDDY_NONE);

	exhaust_and_refill(&b, tr, 2, four_g - MiB(8), MiB(16));

	va_off = 0;
	free(arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_for),
		cmocka_unit_test(test_empty_allocator),
		cmocka_unit_test(test_every_order),
		cmocka_unit_test(test_max_order),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_random_stress),
		cmocka_unit_test(test_bad_frees),
		cmocka_unit_test(test_unaligned_edges),
		cmocka_unit_test(test_two_regions),
		cmocka_unit_test(test_no_merge_past_edges),
		cmocka_unit_test(test_overlap_rejected),
		cmocka_unit_test(test_region_limits),
		cmocka_unit_test(test_alloc_at),
		cmocka_unit_test(test_region_at_pa0),
		cmocka_unit_test(test_regions_above_4g),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
