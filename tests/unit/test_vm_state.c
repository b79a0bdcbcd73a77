/*
 * Unit tests for virt/vm_state.c, the VM lifecycle's rules: every request
 * in every transitional state is -EBUSY; every valid (state, request) pair
 * passes only through transitional states and ends in the stable state the
 * table in docs/architecture.md names; no request that leaves threads
 * behind ends in a state without them; guest requests merge to one; the
 * restart back-off grows, is capped, and calms down.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <virt/vm_state.h>

static const struct vm_phase_end ok = { 0 };

/* Runs op from s with every phase ending as `end` says; the final state. */
static enum vm_state walk(enum vm_state s, enum vm_op op, const struct vm_phase_end *end,
			  unsigned *phases)
{
	enum vm_state cur;

	*phases = 0;
	assert_int_equal(vm_transition_begin(s, op, &cur), 0);
	while (!vm_state_stable(cur) && cur != VM_DELETING) {
		enum vm_state next = vm_transition_next(s, op, cur, end);

		assert_true(++*phases < 5);
		cur = next;
	}
	return cur;
}

static void test_transitional_states_refuse_everything(void **state)
{
	for (int s = VM_STARTING; s < VM_STATE_COUNT; s++)
		for (int op = 0; op < VM_OP_COUNT; op++) {
			enum vm_state next = VM_STATE_COUNT;

			assert_false(vm_state_stable((enum vm_state)s));
			assert_int_equal(vm_transition_begin((enum vm_state)s, (enum vm_op)op,
							     &next), -EBUSY);
			assert_int_equal(next, VM_STATE_COUNT);
		}
}

static void test_bad_values_are_refused(void **state)
{
	enum vm_state next;

	assert_int_equal(vm_transition_begin(VM_STATE_COUNT, VM_OP_START, &next), -EINVAL);
	assert_int_equal(vm_transition_begin(VM_RUNNING, VM_OP_NONE, &next), -EINVAL);
	assert_int_equal(vm_transition_begin((enum vm_state)-1, VM_OP_STOP, &next), -EINVAL);
	assert_string_equal(vm_state_name((enum vm_state)99), "?");
	assert_string_equal(vm_op_name(VM_OP_NONE), "?");
}

/* The table in docs/architecture.md, "VM lifecycle": the end state of each
 * request from each stable state when every phase succeeds, 0 = refused. */
static const enum vm_state expect_end[VM_BACKOFF + 1][VM_OP_COUNT] = {
	[VM_CREATED] = {
		[VM_OP_START] = VM_RUNNING, [VM_OP_DELETE] = VM_DELETING,
	},
	[VM_RUNNING] = {
		[VM_OP_STOP] = VM_STOPPED, [VM_OP_RESET] = VM_RUNNING,
		[VM_OP_DELETE] = VM_DELETING, [VM_OP_PAUSE] = VM_PAUSED,
		[VM_OP_GUEST_OFF] = VM_STOPPED, [VM_OP_GUEST_RESET] = VM_RUNNING,
		[VM_OP_GUEST_CRASH] = VM_STOPPED,	/* CRASHED comes from the flag */
	},
	[VM_PAUSED] = {
		[VM_OP_STOP] = VM_STOPPED, [VM_OP_RESET] = VM_RUNNING,
		[VM_OP_DELETE] = VM_DELETING, [VM_OP_RESUME] = VM_RUNNING,
		[VM_OP_GUEST_OFF] = VM_STOPPED, [VM_OP_GUEST_RESET] = VM_RUNNING,
		[VM_OP_GUEST_CRASH] = VM_STOPPED,
	},
	[VM_STOPPED] = {
		[VM_OP_START] = VM_RUNNING, [VM_OP_DELETE] = VM_DELETING,
	},
	[VM_CRASHED] = {
		[VM_OP_START] = VM_RUNNING, [VM_OP_RESET] = VM_RUNNING,
		[VM_OP_DELETE] = VM_DELETING,
	},
	[VM_BACKOFF] = {
		[VM_OP_START] = VM_RUNNING, [VM_OP_STOP] = VM_STOPPED,
		[VM_OP_RESET] = VM_RUNNING, [VM_OP_DELETE] = VM_DELETING,
		[VM_OP_RESTART] = VM_RUNNING,
	},
};

static void test_every_pair_matches_the_table(void **state)
{
	for (int s = 0; s <= VM_BACKOFF; s++)
		for (int op = 0; op < VM_OP_COUNT; op++) {
			enum vm_state next, want = expect_end[s][op];
			int ret = vm_transition_begin((enum vm_state)s, (enum vm_op)op, &next);
			unsigned phases;

			if (want == VM_CREATED) {	/* 0: refused */
				assert_int_equal(ret, -EINVAL);
				continue;
			}
			assert_int_equal(ret, 0);
			assert_int_equal(walk((enum vm_state)s, (enum vm_op)op, &ok, &phases), want);
		}
}

/* A VM whose threads live is never declared stopped, deleted or started
 * again without passing STOPPING (where they are joined). */
static void test_threads_are_joined_before_they_could_leak(void **state)
{
	for (int s = 0; s <= VM_BACKOFF; s++)
		for (int op = 0; op < VM_OP_COUNT; op++) {
			enum vm_state first;

			if (vm_transition_begin((enum vm_state)s, (enum vm_op)op, &first))
				continue;
			if (!vm_state_has_threads((enum vm_state)s))
				continue;
			assert_true(first == VM_STOPPING || first == VM_PAUSING ||
				    first == VM_RESUMING);
		}
	for (int s = 0; s <= VM_BACKOFF; s++)
		if (s != VM_RUNNING && s != VM_PAUSED)
			assert_false(vm_state_has_threads((enum vm_state)s));
}

static void test_failed_start_keeps_a_stopped_label(void **state)
{
	struct vm_phase_end fail = { .result = -ENOMEM };
	unsigned phases;

	assert_int_equal(walk(VM_CREATED, VM_OP_START, &fail, &phases), VM_CREATED);
	assert_int_equal(walk(VM_CRASHED, VM_OP_START, &fail, &phases), VM_CRASHED);
	assert_int_equal(walk(VM_STOPPED, VM_OP_START, &fail, &phases), VM_STOPPED);
	assert_int_equal(walk(VM_BACKOFF, VM_OP_RESTART, &fail, &phases), VM_STOPPED);
	assert_int_equal(walk(VM_RUNNING, VM_OP_RESET, &fail, &phases), VM_STOPPED);
	assert_int_equal(phases, 2);	/* STOPPING, STARTING */
}

static void test_crash_and_backoff_decide_a_guest_reset(void **state)
{
	struct vm_phase_end crashed = { .crashed = true }, backoff = { .backoff = true };
	unsigned phases;

	assert_int_equal(walk(VM_RUNNING, VM_OP_GUEST_RESET, &crashed, &phases), VM_CRASHED);
	assert_int_equal(walk(VM_RUNNING, VM_OP_GUEST_RESET, &backoff, &phases), VM_BACKOFF);
	assert_int_equal(walk(VM_RUNNING, VM_OP_GUEST_CRASH, &crashed, &phases), VM_CRASHED);
	assert_int_equal(walk(VM_RUNNING, VM_OP_STOP, &crashed, &phases), VM_CRASHED);
	/* The operator's reset restarts a crashed run, and never backs off. */
	assert_int_equal(walk(VM_RUNNING, VM_OP_RESET, &crashed, &phases), VM_RUNNING);
	assert_int_equal(walk(VM_RUNNING, VM_OP_RESET, &backoff, &phases), VM_RUNNING);
	/* Delete stops first, crash or not. */
	assert_int_equal(walk(VM_RUNNING, VM_OP_DELETE, &crashed, &phases), VM_DELETING);
	assert_int_equal(phases, 1);
}

static void test_guest_requests_merge_to_one(void **state)
{
	assert_int_equal(vm_guest_op_merge(VM_OP_NONE, VM_OP_GUEST_RESET), VM_OP_GUEST_RESET);
	assert_int_equal(vm_guest_op_merge(VM_OP_GUEST_RESET, VM_OP_GUEST_RESET),
			 VM_OP_GUEST_RESET);
	assert_int_equal(vm_guest_op_merge(VM_OP_GUEST_RESET, VM_OP_GUEST_OFF), VM_OP_GUEST_OFF);
	assert_int_equal(vm_guest_op_merge(VM_OP_GUEST_OFF, VM_OP_GUEST_RESET), VM_OP_GUEST_OFF);
	assert_int_equal(vm_guest_op_merge(VM_OP_GUEST_OFF, VM_OP_GUEST_CRASH),
			 VM_OP_GUEST_CRASH);
	assert_int_equal(vm_guest_op_merge(VM_OP_GUEST_CRASH, VM_OP_GUEST_RESET),
			 VM_OP_GUEST_CRASH);
	assert_int_equal(vm_guest_op_merge(VM_OP_GUEST_CRASH, (enum vm_op)1000),
			 VM_OP_GUEST_CRASH);
}

static void test_backoff_grows_caps_and_calms(void **state)
{
	struct vm_backoff b;
	uint64_t w, prev = 0;

	vm_backoff_reset(&b);
	for (unsigned i = 0; i < VM_BACKOFF_FREE; i++)
		assert_int_equal(vm_backoff_next(&b, 1000), 0);
	assert_int_equal(vm_backoff_next(&b, 1000), VM_BACKOFF_MIN_NS);
	assert_int_equal(vm_backoff_next(&b, 1000), 2 * VM_BACKOFF_MIN_NS);
	for (unsigned i = 0; i < 100; i++) {
		w = vm_backoff_next(&b, 1000);
		assert_true(w >= prev && w <= VM_BACKOFF_MAX_NS);
		prev = w;
	}
	assert_int_equal(w, VM_BACKOFF_MAX_NS);
	/* A calm run ends the streak. */
	assert_int_equal(vm_backoff_next(&b, VM_BACKOFF_CALM_NS), 0);
	assert_int_equal(vm_backoff_next(&b, 1000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transitional_states_refuse_everything),
		cmocka_unit_test(test_bad_values_are_refused),
		cmocka_unit_test(test_every_pair_matches_the_table),
		cmocka_unit_test(test_threads_are_joined_before_they_could_leak),
		cmocka_unit_test(test_failed_start_keeps_a_stopped_label),
		cmocka_unit_test(test_crash_and_backoff_decide_a_guest_reset),
		cmocka_unit_test(test_guest_requests_merge_to_one),
		cmocka_unit_test(test_backoff_grows_caps_and_calms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
