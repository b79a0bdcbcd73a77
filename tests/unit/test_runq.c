/*
 * Unit tests for kernel/runq.c: the per-CPU run queue. Every test walks the
 * whole structure after each step (bitmap against list emptiness, count
 * against list lengths, back links against forward links) so a queue that
 * gives the right answer for the wrong reason still fails. The random test
 * replays a fixed-seed stream of scheduler-like operations against a
 * shadow model of plain arrays.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "test_rng.h"

#include <tandem/runq.h>

struct item {
	struct list_node node;
	int id;
};

#define NODE_ITEM(n)	list_entry(n, struct item, node)



static void items_init(struct item *it, int n)
{
	for (int i = 0; i < n; i++) {
		list_init(&it[i].node);
		it[i].id = i;
	}
}

/*
 * Structural invariants, independent of what the test expects to be
 * queued: a bit per non-empty list and no other, count equal to the
 * number of linked nodes, links consistent in both directions.
 */
static void assert_runq_consistent(const struct runq *rq)
{
	unsigned total = 0;

	for (int p = 0; p < K_NUM_PRIO; p++) {
		const struct list_node *head = &rq->q[p];
		const struct list_node *pos;

		assert_ptr_equal(head->next->prev, head);
		assert_ptr_equal(head->prev->next, head);
		for (pos = head->next; pos != head; pos = pos->next) {
			assert_ptr_equal(pos->next->prev, pos);
			assert_ptr_equal(pos->prev->next, pos);
			total++;
			/* A cycle that misses the head would never end. */
			assert_true(total <= 4096);
		}
		assert_int_equal(!!(rq->bitmap & (1U << p)), !list_empty(head));
		assert_int_equal(runq_has_prio(rq, p), !list_empty(head));
	}
	assert_int_equal(rq->count, total);
	assert_false(runq_has_prio(rq, K_IDLE_PRIO));
}

/* Priority prio holds exactly ids[0..n-1], in that order. */
static void assert_prio_order(const struct runq *rq, int prio,
			      const struct item *base, const int *ids, int n)
{
	const struct list_node *head = &rq->q[prio];
	const struct list_node *pos = head->next;

	for (int i = 0; i < n; i++) {
		assert_ptr_not_equal(pos, head);
		assert_ptr_equal(pos, &base[ids[i]].node);
		pos = pos->next;
	}
	assert_ptr_equal(pos, head);
}

static void assert_best(const struct runq *rq, int prio,
			const struct item *expect)
{
	assert_int_equal(runq_best_prio(rq), prio);
	if (expect)
		assert_ptr_equal(runq_best(rq), &expect->node);
	else
		assert_null(runq_best(rq));
}

static void assert_empty(const struct runq *rq)
{
	assert_runq_consistent(rq);
	assert_int_equal(rq->bitmap, 0);
	assert_int_equal(rq->count, 0);
	assert_best(rq, K_IDLE_PRIO, NULL);
	for (int p = 0; p <= K_IDLE_PRIO; p++)
		assert_false(runq_has_prio(rq, p));
}

/* --- fixed scenarios ---------------------------------------------------- */

static void test_empty(void **state)
{
	struct runq rq;

	/* runq_init must not depend on the memory being clean. */
	memset(&rq, 0xa5, sizeof(rq));
	runq_init(&rq);
	assert_empty(&rq);
}

static void test_best_is_lowest_number(void **state)
{
	struct item it[5];
	struct runq rq;

	items_init(it, 5);
	runq_init(&rq);

	runq_add_tail(&rq, &it[0].node, 17);
	assert_best(&rq, 17, &it[0]);
	runq_add_tail(&rq, &it[1].node, 30);
	assert_best(&rq, 17, &it[0]);
	runq_add_tail(&rq, &it[2].node, 5);
	assert_best(&rq, 5, &it[2]);
	runq_add_tail(&rq, &it[3].node, 5);
	assert_best(&rq, 5, &it[2]);
	runq_add_tail(&rq, &it[4].node, 12);
	assert_best(&rq, 5, &it[2]);
	assert_runq_consistent(&rq);
	assert_int_equal(rq.bitmap, (1U << 5) | (1U << 12) | (1U << 17) |
				    (1U << 30));

	/* Drain by always taking the best: strictly priority, then FIFO. */
	runq_remove(&rq, &it[2].node, 5);
	assert_best(&rq, 5, &it[3]);
	runq_remove(&rq, &it[3].node, 5);
	assert_best(&rq, 12, &it[4]);
	runq_remove(&rq, &it[4].node, 12);
	assert_best(&rq, 17, &it[0]);
	runq_remove(&rq, &it[0].node, 17);
	assert_best(&rq, 30, &it[1]);
	runq_remove(&rq, &it[1].node, 30);
	assert_empty(&rq);
}

static void test_fifo_add_tail(void **state)
{
	static const int abcd[] = { 0, 1, 2, 3 };
	static const int bcd[] = { 1, 2, 3 };
	static const int bcda[] = { 1, 2, 3, 0 };
	struct item it[4];
	struct runq rq;

	items_init(it, 4);
	runq_init(&rq);
	for (int i = 0; i < 4; i++) {
		runq_add_tail(&rq, &it[i].node, 7);
		assert_best(&rq, 7, &it[0]);
	}
	assert_prio_order(&rq, 7, it, abcd, 4);

	/* Round robin: the head yields to the back of its own priority. */
	runq_remove(&rq, &it[0].node, 7);
	assert_prio_order(&rq, 7, it, bcd, 3);
	assert_best(&rq, 7, &it[1]);
	runq_add_tail(&rq, &it[0].node, 7);
	assert_prio_order(&rq, 7, it, bcda, 4);
	assert_best(&rq, 7, &it[1]);
	assert_runq_consistent(&rq);
}

static void test_add_head_in_front(void **state)
{
	static const int ab[] = { 0, 1 };
	static const int cab[] = { 2, 0, 1 };
	static const int dcab[] = { 3, 2, 0, 1 };
	struct item it[5];
	struct runq rq;

	items_init(it, 5);
	runq_init(&rq);

	/* Into an empty priority add_head must set the bit like add_tail. */
	runq_add_head(&rq, &it[4].node, 20);
	assert_best(&rq, 20, &it[4]);
	assert_true(runq_has_prio(&rq, 20));
	assert_int_equal(rq.count, 1);

	runq_add_tail(&rq, &it[0].node, 9);
	runq_add_tail(&rq, &it[1].node, 9);
	assert_prio_order(&rq, 9, it, ab, 2);
	assert_best(&rq, 9, &it[0]);

	/* A preempted thread goes back in front of its peers. */
	runq_add_head(&rq, &it[2].node, 9);
	assert_prio_order(&rq, 9, it, cab, 3);
	assert_best(&rq, 9, &it[2]);
	runq_add_head(&rq, &it[3].node, 9);
	assert_prio_order(&rq, 9, it, dcab, 4);
	assert_best(&rq, 9, &it[3]);
	assert_int_equal(rq.count, 5);
	assert_runq_consistent(&rq);
}

static void test_remove_keeps_bitmap(void **state)
{
	static const int a_c[] = { 0, 2 };
	static const int c[] = { 2 };
	struct item it[5];
	struct runq rq;

	items_init(it, 5);
	runq_init(&rq);
	runq_add_tail(&rq, &it[0].node, 3);
	runq_add_tail(&rq, &it[1].node, 3);
	runq_add_tail(&rq, &it[2].node, 3);
	runq_add_tail(&rq, &it[3].node, 9);
	runq_add_tail(&rq, &it[4].node, 4);
	assert_int_equal(rq.bitmap, (1U << 3) | (1U << 4) | (1U << 9));

	/* From the middle: order of the rest kept, bit still set. */
	runq_remove(&rq, &it[1].node, 3);
	assert_prio_order(&rq, 3, it, a_c, 2);
	assert_true(runq_has_prio(&rq, 3));
	assert_best(&rq, 3, &it[0]);
	assert_int_equal(rq.count, 4);
	assert_runq_consistent(&rq);

	/* The removed node is unlinked, not left pointing into the queue. */
	assert_false(list_linked(&it[1].node));

	runq_remove(&rq, &it[0].node, 3);
	assert_prio_order(&rq, 3, it, c, 1);
	assert_true(runq_has_prio(&rq, 3));
	assert_best(&rq, 3, &it[2]);

	/* Last node of priority 3: its bit goes, and only its bit. */
	runq_remove(&rq, &it[2].node, 3);
	assert_false(runq_has_prio(&rq, 3));
	assert_int_equal(rq.bitmap, (1U << 4) | (1U << 9));
	assert_best(&rq, 4, &it[4]);
	assert_int_equal(rq.count, 2);
	assert_runq_consistent(&rq);

	/* A lower priority emptied while a higher one stays. */
	runq_remove(&rq, &it[3].node, 9);
	assert_int_equal(rq.bitmap, 1U << 4);
	assert_best(&rq, 4, &it[4]);
	runq_remove(&rq, &it[4].node, 4);
	assert_empty(&rq);
}

static void test_count(void **state)
{
	struct item it[40];
	struct runq rq;

	items_init(it, 40);
	runq_init(&rq);
	for (int i = 0; i < 40; i++) {
		if (i & 1)
			runq_add_head(&rq, &it[i].node, i % 3);
		else
			runq_add_tail(&rq, &it[i].node, i % 3);
		assert_int_equal(rq.count, (unsigned)i + 1);
	}
	assert_runq_consistent(&rq);
	for (int i = 0; i < 40; i++) {
		runq_remove(&rq, &it[i].node, i % 3);
		assert_int_equal(rq.count, 40 - (unsigned)i - 1);
	}
	assert_empty(&rq);
}

/*
 * With every priority occupied the bitmap is all ones, so an unguarded
 * 1U << K_IDLE_PRIO (which x86 reduces to 1U << 0) would answer true.
 */
static void test_has_prio_idle(void **state)
{
	struct item it[K_NUM_PRIO];
	struct runq rq;

	items_init(it, K_NUM_PRIO);
	runq_init(&rq);
	assert_false(runq_has_prio(&rq, K_IDLE_PRIO));
	for (int p = 0; p < K_NUM_PRIO; p++) {
		assert_false(runq_has_prio(&rq, p));
		runq_add_tail(&rq, &it[p].node, p);
		assert_true(runq_has_prio(&rq, p));
		assert_false(runq_has_prio(&rq, K_IDLE_PRIO));
	}
	assert_int_equal(rq.bitmap, UINT32_MAX);
	assert_best(&rq, 0, &it[0]);
	assert_runq_consistent(&rq);

	/* Empty from the top: best walks down through every priority. */
	for (int p = 0; p < K_NUM_PRIO; p++) {
		assert_best(&rq, p, &it[p]);
		runq_remove(&rq, &it[p].node, p);
		assert_false(runq_has_prio(&rq, p));
		assert_false(runq_has_prio(&rq, K_IDLE_PRIO));
	}
	assert_empty(&rq);
}

static void test_prio_edges(void **state)
{
	struct item it[3];
	struct runq rq;

	items_init(it, 3);
	runq_init(&rq);

	/* Bit 31 alone: the sign bit of the word. */
	runq_add_tail(&rq, &it[0].node, K_NUM_PRIO - 1);
	assert_int_equal(rq.bitmap, 1U << 31);
	assert_best(&rq, K_NUM_PRIO - 1, &it[0]);
	assert_true(runq_has_prio(&rq, K_NUM_PRIO - 1));
	assert_false(runq_has_prio(&rq, 0));

	runq_add_tail(&rq, &it[1].node, 0);
	assert_int_equal(rq.bitmap, (1U << 31) | 1U);
	assert_best(&rq, 0, &it[1]);
	runq_add_head(&rq, &it[2].node, 0);
	assert_best(&rq, 0, &it[2]);
	assert_runq_consistent(&rq);

	runq_remove(&rq, &it[2].node, 0);
	assert_best(&rq, 0, &it[1]);
	runq_remove(&rq, &it[1].node, 0);
	assert_int_equal(rq.bitmap, 1U << 31);
	assert_best(&rq, K_NUM_PRIO - 1, &it[0]);
	runq_remove(&rq, &it[0].node, K_NUM_PRIO - 1);
	assert_empty(&rq);

	/* Each priority on its own: one bit, the right best. */
	for (int p = 0; p < K_NUM_PRIO; p++) {
		runq_add_head(&rq, &it[0].node, p);
		assert_int_equal(rq.bitmap, 1U << p);
		assert_best(&rq, p, &it[0]);
		assert_runq_consistent(&rq);
		runq_remove(&rq, &it[0].node, p);
		assert_empty(&rq);
	}
}

/* --- randomized, against a shadow model --------------------------------- */

#define RAND_ITEMS	64
#define RAND_OPS	20000

struct shadow {
	int ids[K_NUM_PRIO][RAND_ITEMS];	/* queue order per priority */
	int len[K_NUM_PRIO];
	int prio_of[RAND_ITEMS];		/* -1: not queued */
	unsigned count;
};

static void shadow_insert(struct shadow *s, int id, int prio, bool head)
{
	int *q = s->ids[prio];

	if (head) {
		memmove(&q[1], &q[0], (size_t)s->len[prio] * sizeof(q[0]));
		q[0] = id;
	} else {
		q[s->len[prio]] = id;
	}
	s->len[prio]++;
	s->prio_of[id] = prio;
	s->count++;
}

static void shadow_remove(struct shadow *s, int id)
{
	int prio = s->prio_of[id];
	int *q = s->ids[prio];
	int i = 0;

	while (q[i] != id)
		i++;
	memmove(&q[i], &q[i + 1],
		(size_t)(s->len[prio] - i - 1) * sizeof(q[0]));
	s->len[prio]--;
	s->prio_of[id] = -1;
	s->count--;
}

static int shadow_best_prio(const struct shadow *s)
{
	for (int p = 0; p < K_NUM_PRIO; p++)
		if (s->len[p])
			return p;
	return K_IDLE_PRIO;
}

static void assert_matches_shadow(const struct runq *rq, const struct shadow *s,
				  const struct item *it)
{
	int best = shadow_best_prio(s);

	assert_runq_consistent(rq);
	assert_int_equal(rq->count, s->count);
	assert_best(rq, best,
		    best == K_IDLE_PRIO ? NULL : &it[s->ids[best][0]]);
	for (int p = 0; p < K_NUM_PRIO; p++) {
		assert_int_equal(runq_has_prio(rq, p), s->len[p] != 0);
		assert_prio_order(rq, p, it, s->ids[p], s->len[p]);
	}
	for (int i = 0; i < RAND_ITEMS; i++)
		assert_int_equal(list_linked(&it[i].node), s->prio_of[i] >= 0);
}

/*
 * Mostly a few crowded priorities, so FIFO order within one is exercised,
 * with the edges and the full range mixed in.
 */
static int random_prio(void)
{
	switch (rng_below(4)) {
	case 0:
		return (int)rng_below(K_NUM_PRIO);
	case 1:
		return rng_below(2) ? 0 : K_NUM_PRIO - 1;
	default:
		return 8 + (int)rng_below(4);
	}
}

static int random_item(const struct shadow *s, bool queued)
{
	int start = (int)rng_below(RAND_ITEMS);

	for (int k = 0; k < RAND_ITEMS; k++) {
		int i = (start + k) % RAND_ITEMS;

		if ((s->prio_of[i] >= 0) == queued)
			return i;
	}
	return -1;
}

static void test_random(void **state)
{
	static struct shadow s;
	static struct item it[RAND_ITEMS];
	struct runq rq;
	unsigned adds = 0, removes = 0, yields = 0;
	unsigned max_count = 0;
	int max_len = 0;

	rng_seed(0x7a6e6d52756e51ULL);
	items_init(it, RAND_ITEMS);
	memset(&s, 0, sizeof(s));
	for (int i = 0; i < RAND_ITEMS; i++)
		s.prio_of[i] = -1;
	runq_init(&rq);

	for (int op = 0; op < RAND_OPS; op++) {
		/* Drift the fill level so both near-empty and full get time. */
		bool grow = ((op / 2000) & 1) ? rng_below(10) < 3 :
						rng_below(10) < 7;
		unsigned kind = rng_below(8);
		int id, prio;

		if (kind < 6 && grow)
			id = random_item(&s, false);
		else
			id = -1;

		if (id >= 0) {
			bool head = rng_below(3) == 0;

			prio = random_prio();
			if (head)
				runq_add_head(&rq, &it[id].node, prio);
			else
				runq_add_tail(&rq, &it[id].node, prio);
			shadow_insert(&s, id, prio, head);
			adds++;
		} else if (kind == 7 && s.count) {
			/* Yield: the best goes to the back of its priority. */
			prio = shadow_best_prio(&s);
			id = s.ids[prio][0];
			assert_ptr_equal(runq_best(&rq), &it[id].node);
			runq_remove(&rq, &it[id].node, prio);
			shadow_remove(&s, id);
			runq_add_tail(&rq, &it[id].node, prio);
			shadow_insert(&s, id, prio, false);
			yields++;
		} else if (kind == 6 && s.count) {
			/* Pick the best, as the scheduler does. */
			prio = shadow_best_prio(&s);
			id = s.ids[prio][0];
			runq_remove(&rq, &it[id].node, prio);
			shadow_remove(&s, id);
			removes++;
		} else if ((id = random_item(&s, true)) >= 0) {
			/* Anywhere in any list: a thread blocked or killed. */
			runq_remove(&rq, &it[id].node, s.prio_of[id]);
			shadow_remove(&s, id);
			removes++;
		}
		assert_matches_shadow(&rq, &s, it);
		max_count = MAX(max_count, s.count);
		for (int p = 0; p < K_NUM_PRIO; p++)
			max_len = MAX(max_len, s.len[p]);
	}

	/* Every kind of step happened; the queue filled and got crowded. */
	assert_true(adds > RAND_OPS / 4);
	assert_true(removes > RAND_OPS / 4);
	assert_true(yields > RAND_OPS / 50);
	assert_true(max_count > RAND_ITEMS * 3 / 4);
	assert_true(max_len >= 8);

	for (int i = 0; i < RAND_ITEMS; i++) {
		if (s.prio_of[i] < 0)
			continue;
		runq_remove(&rq, &it[i].node, s.prio_of[i]);
		shadow_remove(&s, i);
		assert_matches_shadow(&rq, &s, it);
	}
	assert_empty(&rq);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_best_is_lowest_number),
		cmocka_unit_test(test_fifo_add_tail),
		cmocka_unit_test(test_add_head_in_front),
		cmocka_unit_test(test_remove_keeps_bitmap),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_has_prio_idle),
		cmocka_unit_test(test_prio_edges),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
