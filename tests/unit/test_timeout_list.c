/*
 * Unit tests for kernel/timeout_list.c: the deadline-sorted timeout list.
 * After every step the whole list is walked and compared with what the
 * test expects (order, deadlines, back links, timeout_active of every
 * timeout, queued or not). The random test replays a fixed-seed stream of
 * arm/cancel/expire steps against a shadow array kept in stable
 * deadline order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "test_rng.h"

#include <tandem/timeout.h>

struct tmo {
	struct timeout t;
	int id;
};



static void dummy_fn(struct timeout *t)
{
}

static void tmos_init(struct tmo *tm, int n)
{
	for (int i = 0; i < n; i++) {
		timeout_init(&tm[i].t, dummy_fn);
		tm[i].id = i;
	}
}

/*
 * The list holds exactly tm[ids[0..n-1]], in that order, with
 * non-decreasing deadlines and consistent links; every other timeout in
 * tm[0..all-1] is inactive.
 */
static void assert_list(const struct list_node *list, struct tmo *tm, int all,
			const int *ids, int n)
{
	const struct list_node *pos = list->next;
	bool queued[64] = { false };

	assert_true(all <= 64);
	assert_ptr_equal(list->next->prev, list);
	assert_ptr_equal(list->prev->next, list);
	for (int i = 0; i < n; i++) {
		assert_ptr_not_equal(pos, list);
		assert_ptr_equal(pos, &tm[ids[i]].t.node);
		assert_ptr_equal(pos->next->prev, pos);
		assert_ptr_equal(pos->prev->next, pos);
		if (i)
			assert_true(tm[ids[i - 1]].t.deadline <=
				    tm[ids[i]].t.deadline);
		queued[ids[i]] = true;
		pos = pos->next;
	}
	assert_ptr_equal(pos, list);

	for (int i = 0; i < all; i++)
		assert_int_equal(timeout_active(&tm[i].t), queued[i]);
	if (n)
		assert_ptr_equal(timeout_list_first(list), &tm[ids[0]].t);
	else
		assert_null(timeout_list_first(list));
}

/* --- fixed scenarios ---------------------------------------------------- */

static void test_empty(void **state)
{
	struct list_node list = LIST_HEAD_INIT(list);

	assert_null(timeout_list_first(&list));
	assert_null(timeout_list_pop_expired(&list, 0));
	assert_null(timeout_list_pop_expired(&list, UINT64_MAX));
	assert_true(list_empty(&list));
}

static void test_init_unqueued(void **state)
{
	struct timeout t;

	memset(&t, 0xa5, sizeof(t));
	timeout_init(&t, dummy_fn);
	assert_false(timeout_active(&t));
	assert_ptr_equal(t.fn, dummy_fn);
	assert_false(timeout_list_remove(&t));
	assert_false(timeout_active(&t));
}

static void test_sorted_insert(void **state)
{
	/* Deadline 10 * (i + 1) for tm[i], inserted in a scrambled order. */
	static const int order[] = { 5, 0, 9, 3, 7, 1, 8, 2, 6, 4 };
	static const int sorted[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct list_node list = LIST_HEAD_INIT(list);
	struct tmo tm[10];

	tmos_init(tm, 10);
	for (int k = 0; k < 10; k++) {
		int i = order[k];

		timeout_list_add(&list, &tm[i].t, 10 * ((ticks_t)i + 1));
		assert_int_equal(tm[i].t.deadline, 10 * ((ticks_t)i + 1));
		assert_true(timeout_active(&tm[i].t));
	}
	assert_list(&list, tm, 10, sorted, 10);
	assert_ptr_equal(timeout_list_first(&list), &tm[0].t);
	/* first only looks: calling it twice gives the same answer. */
	assert_ptr_equal(timeout_list_first(&list), &tm[0].t);
	assert_true(timeout_active(&tm[0].t));
}

static void test_equal_deadlines_fifo(void **state)
{
	/* tm[i] gets deadline[i], inserted in index order. */
	static const ticks_t deadline[] = {
		10, 5, 10, 10, 5, 20, 0, 10, 20, 0,
	};
	static const int expect[] = { 6, 9, 1, 4, 0, 2, 3, 7, 5, 8 };
	struct list_node list = LIST_HEAD_INIT(list);
	struct tmo tm[10];

	tmos_init(tm, 10);
	for (int i = 0; i < 10; i++)
		timeout_list_add(&list, &tm[i].t, deadline[i]);
	assert_list(&list, tm, 10, expect, 10);

	/* Expiry pops ties in the order they were armed. */
	for (int k = 0; k < 10; k++) {
		struct timeout *t = timeout_list_pop_expired(&list, 20);

		assert_ptr_equal(t, &tm[expect[k]].t);
		assert_false(timeout_active(t));
	}
	assert_null(timeout_list_pop_expired(&list, UINT64_MAX));
}

/* Every timeout armed for the same tick: a pure FIFO. */
static void test_all_equal(void **state)
{
	static const int fifo[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	struct list_node list = LIST_HEAD_INIT(list);
	struct tmo tm[8];

	tmos_init(tm, 8);
	for (int i = 0; i < 8; i++) {
		timeout_list_add(&list, &tm[i].t, 42);
		assert_list(&list, tm, 8, fifo, i + 1);
	}
}

static void test_remove(void **state)
{
	static const int all[] = { 0, 1, 2, 3, 4 };
	static const int no_mid[] = { 0, 1, 3, 4 };
	static const int inner[] = { 1, 3 };
	struct list_node list = LIST_HEAD_INIT(list);
	struct tmo tm[6];

	tmos_init(tm, 6);
	for (int i = 0; i < 5; i++)
		timeout_list_add(&list, &tm[i].t, 100 + (ticks_t)i);
	assert_list(&list, tm, 6, all, 5);

	/* Never armed. */
	assert_false(timeout_list_remove(&tm[5].t));
	assert_list(&list, tm, 6, all, 5);

	/* From the middle: unlinked, the rest still in order. */
	assert_true(timeout_list_remove(&tm[2].t));
	assert_false(timeout_active(&tm[2].t));
	assert_list(&list, tm, 6, no_mid, 4);

	/* Already removed: reported as not queued, list untouched. */
	assert_false(timeout_list_remove(&tm[2].t));
	assert_list(&list, tm, 6, no_mid, 4);

	/* Both ends. */
	assert_true(timeout_list_remove(&tm[0].t));
	assert_true(timeout_list_remove(&tm[4].t));
	assert_list(&list, tm, 6, inner, 2);
	assert_ptr_equal(timeout_list_first(&list), &tm[1].t);

	assert_true(timeout_list_remove(&tm[1].t));
	assert_true(timeout_list_remove(&tm[3].t));
	assert_list(&list, tm, 6, NULL, 0);
	assert_true(list_empty(&list));
}

static void test_pop_expired(void **state)
{
	static const int all[] = { 0, 1, 2 };
	static const int rest[] = { 1, 2 };
	struct list_node list = LIST_HEAD_INIT(list);
	struct tmo tm[3];
	struct timeout *t;

	tmos_init(tm, 3);
	timeout_list_add(&list, &tm[2].t, 30);
	timeout_list_add(&list, &tm[0].t, 10);
	timeout_list_add(&list, &tm[1].t, 20);
	assert_list(&list, tm, 3, all, 3);

	/* Nothing due yet: NULL, and nothing unlinked. */
	assert_null(timeout_list_pop_expired(&list, 0));
	assert_null(timeout_list_pop_expired(&list, 9));
	assert_list(&list, tm, 3, all, 3);

	/* A deadline equal to now has expired. */
	t = timeout_list_pop_expired(&list, 10);
	assert_ptr_equal(t, &tm[0].t);
	assert_int_equal(t->deadline, 10);
	assert_false(timeout_active(t));
	assert_list(&list, tm, 3, rest, 2);
	assert_null(timeout_list_pop_expired(&list, 10));
	assert_null(timeout_list_pop_expired(&list, 19));

	/* Catching up after a long time: one per call, earliest first. */
	assert_ptr_equal(timeout_list_pop_expired(&list, 1000), &tm[1].t);
	assert_ptr_equal(timeout_list_pop_expired(&list, 1000), &tm[2].t);
	assert_null(timeout_list_pop_expired(&list, 1000));
	assert_list(&list, tm, 3, NULL, 0);
}

static void test_readd(void **state)
{
	static const int one_zero[] = { 1, 0 };
	static const int zero_one[] = { 0, 1 };
	struct list_node list = LIST_HEAD_INIT(list);
	struct tmo tm[2];
	struct timeout *t;

	tmos_init(tm, 2);
	timeout_list_add(&list, &tm[0].t, 5);
	timeout_list_add(&list, &tm[1].t, 50);

	/* A periodic timer: fires, is re-armed one period later. */
	t = timeout_list_pop_expired(&list, 5);
	assert_ptr_equal(t, &tm[0].t);
	timeout_list_add(&list, t, 105);
	assert_int_equal(t->deadline, 105);
	assert_list(&list, tm, 2, one_zero, 2);

	/* Re-armed after a cancel, now earliest. */
	assert_true(timeout_list_remove(&tm[0].t));
	timeout_list_add(&list, &tm[0].t, 1);
	assert_list(&list, tm, 2, zero_one, 2);

	/* Re-armed to the same deadline as a queued one: goes after it. */
	t = timeout_list_pop_expired(&list, 1);
	assert_ptr_equal(t, &tm[0].t);
	timeout_list_add(&list, t, 50);
	assert_list(&list, tm, 2, one_zero, 2);

	assert_ptr_equal(timeout_list_pop_expired(&list, 50), &tm[1].t);
	assert_ptr_equal(timeout_list_pop_expired(&list, 50), &tm[0].t);
	assert_list(&list, tm, 2, NULL, 0);
}

/*
 * The far end of the counter: plain unsigned comparison, no signed
 * differences that would make UINT64_MAX look earlier than 0.
 */
static void test_near_max(void **state)
{
	static const ticks_t deadline[] = {
		UINT64_MAX, UINT64_MAX - 1, 0, UINT64_MAX,
		(ticks_t)INT64_MAX + 1, (ticks_t)INT64_MAX, 1,
	};
	static const int expect[] = { 2, 6, 5, 4, 1, 0, 3 };
	struct list_node list = LIST_HEAD_INIT(list);
	struct tmo tm[7];

	tmos_init(tm, 7);
	for (int i = 0; i < 7; i++)
		timeout_list_add(&list, &tm[i].t, deadline[i]);
	assert_list(&list, tm, 7, expect, 7);

	assert_ptr_equal(timeout_list_pop_expired(&list, 1), &tm[2].t);
	assert_ptr_equal(timeout_list_pop_expired(&list, 1), &tm[6].t);
	assert_null(timeout_list_pop_expired(&list, 1));
	assert_null(timeout_list_pop_expired(&list, INT64_MAX - 1));
	assert_ptr_equal(timeout_list_pop_expired(&list, INT64_MAX), &tm[5].t);
	assert_null(timeout_list_pop_expired(&list, INT64_MAX));
	assert_ptr_equal(timeout_list_pop_expired(&list, UINT64_MAX - 2),
			 &tm[4].t);
	assert_null(timeout_list_pop_expired(&list, UINT64_MAX - 2));
	assert_ptr_equal(timeout_list_pop_expired(&list, UINT64_MAX - 1),
			 &tm[1].t);
	assert_null(timeout_list_pop_expired(&list, UINT64_MAX - 1));
	assert_ptr_equal(timeout_list_pop_expired(&list, UINT64_MAX), &tm[0].t);
	assert_ptr_equal(timeout_list_pop_expired(&list, UINT64_MAX), &tm[3].t);
	assert_null(timeout_list_pop_expired(&list, UINT64_MAX));
	assert_list(&list, tm, 7, NULL, 0);

	/* More than half the counter away is still the future. */
	timeout_list_add(&list, &tm[0].t, UINT64_MAX);
	assert_null(timeout_list_pop_expired(&list, 0));
	assert_null(timeout_list_pop_expired(&list, 1));
	assert_null(timeout_list_pop_expired(&list, UINT64_MAX - 1));
	assert_true(timeout_active(&tm[0].t));
	assert_ptr_equal(timeout_list_pop_expired(&list, UINT64_MAX), &tm[0].t);
	timeout_list_add(&list, &tm[1].t, (ticks_t)INT64_MAX + 2);
	assert_null(timeout_list_pop_expired(&list, 1));
	assert_ptr_equal(timeout_list_pop_expired(&list, UINT64_MAX), &tm[1].t);
	assert_list(&list, tm, 7, NULL, 0);
}

/* --- randomized, against a shadow model --------------------------------- */

#define RAND_TMOS	48
#define RAND_OPS	20000

struct shadow {
	int ids[RAND_TMOS];		/* stable deadline order */
	ticks_t deadline[RAND_TMOS];	/* by id, while queued */
	bool queued[RAND_TMOS];
	int n;
};

/* After every queued one with deadline <= d: ties stay FIFO. */
static void shadow_add(struct shadow *s, int id, ticks_t d)
{
	int i = 0;

	while (i < s->n && s->deadline[s->ids[i]] <= d)
		i++;
	memmove(&s->ids[i + 1], &s->ids[i], (size_t)(s->n - i) * sizeof(int));
	s->ids[i] = id;
	s->deadline[id] = d;
	s->queued[id] = true;
	s->n++;
}

static void shadow_remove(struct shadow *s, int id)
{
	int i = 0;

	while (s->ids[i] != id)
		i++;
	memmove(&s->ids[i], &s->ids[i + 1],
		(size_t)(s->n - i - 1) * sizeof(int));
	s->queued[id] = false;
	s->n--;
}

/*
 * Deadlines relative to a moving "now", from a narrow window (many ties),
 * a wide one, and the top of the counter.
 */
static ticks_t random_deadline(ticks_t now)
{
	switch (rng_below(6)) {
	case 0:
		return UINT64_MAX - rng_below(4);
	case 1:
		return now + rng_below(100000);
	case 2:
		return now;
	default:
		return now + rng_below(16);
	}
}

static void test_random(void **state)
{
	static struct shadow s;
	static struct tmo tm[RAND_TMOS];
	struct list_node list = LIST_HEAD_INIT(list);
	unsigned adds = 0, cancels = 0, misses = 0, pops = 0, ticks = 0;
	ticks_t now = 1000;
	int max_n = 0;

	rng_seed(0x54696d656f7574ULL);
	tmos_init(tm, RAND_TMOS);
	memset(&s, 0, sizeof(s));

	for (int op = 0; op < RAND_OPS; op++) {
		/* Alternate phases: time nearly frozen, then time racing. */
		bool frozen = (op / 2000) & 1;
		unsigned kind = rng_below(frozen ? 7 : 10);
		int id = (int)rng_below(RAND_TMOS);

		if (kind < 4) {
			/* Arm; an armed one is cancelled and re-armed. */
			ticks_t d = random_deadline(now);

			if (s.queued[id]) {
				assert_true(timeout_list_remove(&tm[id].t));
				shadow_remove(&s, id);
			}
			timeout_list_add(&list, &tm[id].t, d);
			shadow_add(&s, id, d);
			adds++;
		} else if (kind < 6) {
			bool was = s.queued[id];

			assert_int_equal(timeout_list_remove(&tm[id].t), was);
			if (was) {
				shadow_remove(&s, id);
				cancels++;
			} else {
				misses++;
			}
		} else {
			/* Time passes, then the tick handler drains. */
			struct timeout *t;

			if (!frozen && now < UINT64_MAX / 2)
				now += rng_below(kind == 9 ? 40 : 6);
			while ((t = timeout_list_pop_expired(&list, now))) {
				assert_true(s.n > 0);
				assert_ptr_equal(t, &tm[s.ids[0]].t);
				assert_true(t->deadline <= now);
				assert_false(timeout_active(t));
				shadow_remove(&s, s.ids[0]);
				pops++;
			}
			assert_true(s.n == 0 || s.deadline[s.ids[0]] > now);
			ticks++;
		}
		assert_list(&list, tm, RAND_TMOS, s.ids, s.n);
		max_n = MAX(max_n, s.n);
	}

	/* Every kind of step happened, and the list got long. */
	assert_true(adds > RAND_OPS / 5);
	assert_true(cancels > RAND_OPS / 50);
	assert_true(misses > RAND_OPS / 50);
	assert_true(pops > RAND_OPS / 10);
	assert_true(ticks > RAND_OPS / 10);
	assert_true(max_n > RAND_TMOS * 2 / 3);

	/* The end of time expires everything, in order. */
	while (s.n) {
		assert_ptr_equal(timeout_list_pop_expired(&list, UINT64_MAX),
				 &tm[s.ids[0]].t);
		shadow_remove(&s, s.ids[0]);
	}
	assert_null(timeout_list_pop_expired(&list, UINT64_MAX));
	assert_list(&list, tm, RAND_TMOS, s.ids, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_init_unqueued),
		cmocka_unit_test(test_sorted_insert),
		cmocka_unit_test(test_equal_deadlines_fifo),
		cmocka_unit_test(test_all_equal),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_pop_expired),
		cmocka_unit_test(test_readd),
		cmocka_unit_test(test_near_max),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
