/*
 * Unit tests for kernel/buddy.c's clean/dirty tracking: which free pages
 * are known to be zero at the point of coherency. The property that
 * matters: a page that held data (new RAM, or freed without being
 * scrubbed) is never reported clean to its next owner. A shadow model of
 * every page's bit checks the allocator through random alloc/free/scrub
 * sequences, over a host buffer standing in for RAM.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "test_rng.h"

#include <tandem/buddy.h>

#define ARENA	MiB(4)

struct fixture {
	uint8_t *arena;
	struct buddy b;
	paddr_t start;		/* first page the allocator hands out */
	uint64_t pages;		/* it hands out */
};

static void fixture_init(struct fixture *f)
{
	struct buddy_stats st;

	f->arena = aligned_alloc(MiB(4), ARENA);
	assert_non_null(f->arena);
	memset(f->arena, 0x5a, ARENA);
	buddy_init(&f->b, 0);
	assert_int_equal(buddy_add_region(&f->b, (paddr_t)(uintptr_t)f->arena, ARENA), 0);
	buddy_stats(&f->b, &st);
	f->pages = st.free_pages;
	f->start = (paddr_t)(uintptr_t)f->arena + st.metadata_pages * PAGE_SIZE;
}

static uint64_t dirty_free(struct buddy *b)
{
	struct buddy_stats st;

	buddy_stats(b, &st);
	return st.dirty_free_pages;
}

static void test_new_ram_is_dirty(void **state)
{
	struct fixture f;
	paddr_t pa;

	fixture_init(&f);
	assert_int_equal(dirty_free(&f.b), f.pages);
	pa = buddy_alloc(&f.b, 3);
	assert_true(pa != BUDDY_NONE);
	assert_int_equal(buddy_dirty_pages(&f.b, pa, 8), 8);
	assert_int_equal(dirty_free(&f.b), f.pages - 8);
	free(f.arena);
}

static void test_clean_free_stays_clean(void **state)
{
	struct fixture f;
	paddr_t pa;

	fixture_init(&f);
	pa = buddy_alloc(&f.b, 4);
	buddy_mark_clean(&f.b, pa, 16);
	assert_int_equal(buddy_dirty_pages(&f.b, pa, 16), 0);
	assert_int_equal(buddy_free_clean(&f.b, pa, 4), 0);
	assert_int_equal(dirty_free(&f.b), f.pages - 16);
	/* The same block again: nothing to zero. */
	assert_int_equal(buddy_alloc_at(&f.b, pa, 4), pa);
	assert_int_equal(buddy_dirty_pages(&f.b, pa, 16), 0);
	/* A plain free: it held the owner's data, so it is dirty again. */
	assert_int_equal(buddy_free(&f.b, pa, 4), 0);
	assert_int_equal(dirty_free(&f.b), f.pages);
	assert_int_equal(buddy_alloc_at(&f.b, pa, 4), pa);
	assert_int_equal(buddy_dirty_pages(&f.b, pa, 16), 16);
	/* Refused frees change no bit. */
	assert_int_equal(buddy_free_clean(&f.b, pa, 3), -EINVAL);
	assert_int_equal(buddy_dirty_pages(&f.b, pa, 16), 16);
	free(f.arena);
}

static void test_dirty_runs(void **state)
{
	struct fixture f;
	paddr_t pa, run;
	uint64_t n;

	fixture_init(&f);
	pa = buddy_alloc(&f.b, 7);		/* 128 pages: crosses bitmap words */
	buddy_mark_clean(&f.b, pa, 128);
	assert_false(buddy_next_dirty(&f.b, pa, 128, &run, &n));
	/* Dirty again: pages 4..7 and 60..69 (within words and across one). */
	assert_int_equal(buddy_free(&f.b, pa, 7), 0);
	assert_int_equal(buddy_alloc_at(&f.b, pa, 7), pa);
	buddy_mark_clean(&f.b, pa, 4);
	buddy_mark_clean(&f.b, pa + 8 * PAGE_SIZE, 52);
	buddy_mark_clean(&f.b, pa + 70 * PAGE_SIZE, 58);
	assert_true(buddy_next_dirty(&f.b, pa, 128, &run, &n));
	assert_int_equal(run, pa + 4 * PAGE_SIZE);
	assert_int_equal(n, 4);
	assert_true(buddy_next_dirty(&f.b, run + n * PAGE_SIZE, 120, &run, &n));
	assert_int_equal(run, pa + 60 * PAGE_SIZE);
	assert_int_equal(n, 10);
	assert_false(buddy_next_dirty(&f.b, pa + 70 * PAGE_SIZE, 58, &run, &n));
	assert_int_equal(buddy_dirty_pages(&f.b, pa, 128), 14);
	/* A range outside the region answers nothing. */
	assert_false(buddy_next_dirty(&f.b, pa, f.pages + 1, &run, &n));
	free(f.arena);
}

/* What the scrubber does: take dirty blocks, zero them, give them back clean. */
static void scrub_all(struct fixture *f, unsigned max_order)
{
	unsigned order;
	paddr_t pa;

	while ((pa = buddy_take_dirty(&f->b, max_order, &order)) != BUDDY_NONE) {
		uint64_t before = dirty_free(&f->b) + buddy_dirty_pages(&f->b, pa, 1ULL << order);

		assert_true(order <= max_order);
		assert_true(IS_ALIGNED(pa, PAGE_SIZE << order));
		assert_int_not_equal(buddy_dirty_pages(&f->b, pa, 1ULL << order), 0);
		memset((void *)(uintptr_t)pa, 0, PAGE_SIZE << order);
		assert_int_equal(buddy_free_clean(&f->b, pa, order), 0);
		/* Each step leaves fewer dirty pages: the scrubber always ends. */
		assert_true(dirty_free(&f->b) < before);
	}
}

static void test_scrubber_cleans_everything(void **state)
{
	struct fixture f;
	struct buddy_stats before, after;
	paddr_t pa;
	unsigned order;

	fixture_init(&f);
	buddy_stats(&f.b, &before);
	scrub_all(&f, 2);
	buddy_stats(&f.b, &after);
	assert_int_equal(after.dirty_free_pages, 0);
	assert_int_equal(after.free_pages, before.free_pages);
	/* Small pieces went back and merged into the same blocks as before. */
	assert_memory_equal(after.free_blocks, before.free_blocks, sizeof(after.free_blocks));
	assert_true(buddy_take_dirty(&f.b, 2, &order) == BUDDY_NONE);

	/* Everything handed out now is clean and really zero. */
	pa = buddy_alloc(&f.b, 5);
	assert_int_equal(buddy_dirty_pages(&f.b, pa, 32), 0);
	for (uint64_t i = 0; i < (PAGE_SIZE << 5); i++)
		assert_int_equal(((uint8_t *)(uintptr_t)pa)[i], 0);

	/* One page freed dirty: the scrubber finds exactly its block. */
	memset((void *)(uintptr_t)pa, 0xee, PAGE_SIZE << 5);
	assert_int_equal(buddy_free(&f.b, pa, 5), 0);
	assert_int_equal(dirty_free(&f.b), 32);
	assert_int_equal(buddy_take_dirty(&f.b, 9, &order), pa);
	assert_int_equal(order, 5);
	assert_int_equal(buddy_free(&f.b, pa, 5), 0);
	scrub_all(&f, 9);
	assert_int_equal(dirty_free(&f.b), 0);
	free(f.arena);
}

/* --- random sequences against a shadow of every page's bit --------------- */

struct live {
	paddr_t pa;
	unsigned order;
};

static void test_random_against_shadow(void **state)
{
	struct fixture f;
	struct live live[64];
	unsigned n_live = 0;
	bool *dirty;
	uint64_t model_dirty_free;

	fixture_init(&f);
	dirty = calloc(f.pages, sizeof(*dirty));
	assert_non_null(dirty);
	for (uint64_t i = 0; i < f.pages; i++)
		dirty[i] = true;
	model_dirty_free = f.pages;
	rng_seed(23);
	for (unsigned step = 0; step < 20000; step++) {
		unsigned op = rng_below(5);

		if (op <= 1 && n_live < 64) {			/* allocate */
			unsigned order = rng_below(6);
			paddr_t pa = buddy_alloc(&f.b, order);
			uint64_t idx, want = 0;

			if (pa == BUDDY_NONE)
				continue;
			idx = (pa - f.start) >> PAGE_SHIFT;
			for (uint64_t i = 0; i < (1ULL << order); i++)
				want += dirty[idx + i];
			/* The new owner learns exactly the pages that held data. */
			assert_int_equal(buddy_dirty_pages(&f.b, pa, 1ULL << order), want);
			model_dirty_free -= want;
			live[n_live++] = (struct live){ pa, order };
		} else if (op == 2 && n_live) {			/* zero a part of one */
			struct live *l = &live[rng_below(n_live)];
			uint64_t n = 1ULL << l->order, from = rng_next() % n, len = 1 + rng_next() % (n - from);
			uint64_t idx = ((l->pa - f.start) >> PAGE_SHIFT) + from;

			buddy_mark_clean(&f.b, l->pa + from * PAGE_SIZE, len);
			for (uint64_t i = 0; i < len; i++)
				dirty[idx + i] = false;
		} else if (op >= 3 && n_live) {			/* free, dirty or clean */
			unsigned k = rng_below(n_live);
			struct live l = live[k];
			uint64_t idx = (l.pa - f.start) >> PAGE_SHIFT;
			bool clean = op == 4 && buddy_dirty_pages(&f.b, l.pa, 1ULL << l.order) == 0;

			if (clean)
				assert_int_equal(buddy_free_clean(&f.b, l.pa, l.order), 0);
			else
				assert_int_equal(buddy_free(&f.b, l.pa, l.order), 0);
			for (uint64_t i = 0; i < (1ULL << l.order); i++)
				dirty[idx + i] = !clean;
			model_dirty_free += clean ? 0 : 1ULL << l.order;
			live[k] = live[--n_live];
		}
		assert_int_equal(dirty_free(&f.b), model_dirty_free);
	}
	free(dirty);
	free(f.arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_ram_is_dirty),
		cmocka_unit_test(test_clean_free_stays_clean),
		cmocka_unit_test(test_dirty_runs),
		cmocka_unit_test(test_scrubber_cleans_everything),
		cmocka_unit_test(test_random_against_shadow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
