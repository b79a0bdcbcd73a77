/*
 * The VM lifecycle state machine, pure logic (no locks, no kernel): which
 * request is valid in which state, which transitional states it passes
 * through and where it ends, and the back-off of guest-requested restarts.
 * virt/vm_lifecycle.c runs it under the VM's lock; the unit tests run it on
 * the host. The table is in docs/architecture.md ("VM lifecycle").
 */
#ifndef VIRT_VM_STATE_H
#define VIRT_VM_STATE_H

#include <stdbool.h>
#include <stdint.h>

enum vm_state {
	/* stable: no lifecycle work in progress */
	VM_CREATED,		/* never started; no vCPU threads */
	VM_RUNNING,		/* vCPU threads live */
	VM_PAUSED,		/* vCPU threads live, parked */
	VM_STOPPED,		/* threads joined */
	VM_CRASHED,		/* stopped, and the run ended in a crash */
	VM_BACKOFF,		/* stopped; a guest reset waits out its back-off */
	/* transitional: one caller does the work, every other request -EBUSY */
	VM_STARTING,
	VM_PAUSING,
	VM_RESUMING,
	VM_STOPPING,
	VM_DELETING,		/* then gone from the list, then freed */
	VM_STATE_COUNT
};

enum vm_op {
	/* from the operator (shell, later the control channel) */
	VM_OP_START, VM_OP_STOP, VM_OP_RESET, VM_OP_DELETE, VM_OP_PAUSE, VM_OP_RESUME,
	/* a guest's own, carried out by the VM manager thread */
	VM_OP_GUEST_OFF, VM_OP_GUEST_RESET, VM_OP_GUEST_CRASH,
	VM_OP_RESTART,		/* the manager: a backed-off guest reset is due */
	VM_OP_COUNT,
	VM_OP_NONE = VM_OP_COUNT
};

/* What decides where a transitional phase goes next. */
struct vm_phase_end {
	int result;		/* of the phase's work: 0 or a negative errno */
	bool crashed;		/* a vCPU crashed during this run */
	bool backoff;		/* a guest reset must wait (vm_backoff_next > 0) */
};

bool vm_state_stable(enum vm_state s);
/* vCPU threads exist in s (they must be joined before the VM goes). */
bool vm_state_has_threads(enum vm_state s);
const char *vm_state_name(enum vm_state s);
const char *vm_op_name(enum vm_op op);
/* For error messages: "a running, paused or crashed VM". */
const char *vm_op_needs(enum vm_op op);

/*
 * The first state of op's transition from s, in *next. 0, or -EBUSY if s is
 * transitional (another request's work is in progress), or -EINVAL if op is
 * not valid in s.
 */
int vm_transition_begin(enum vm_state s, enum vm_op op, enum vm_state *next);

/*
 * The state after the transitional phase `cur` of op (begun from `from`)
 * ended as `end` says: another transitional state, or the stable state the
 * request ends in. VM_DELETING has no successor (the VM is freed).
 */
enum vm_state vm_transition_next(enum vm_state from, enum vm_op op, enum vm_state cur,
				 const struct vm_phase_end *end);

/* Of two guest requests made during one run, the one that is kept. */
enum vm_op vm_guest_op_merge(enum vm_op pending, enum vm_op op);

/*
 * Guest-requested restarts, rate-limited: the first VM_BACKOFF_FREE in a row
 * restart at once, each later one waits twice as long as the previous wait,
 * from VM_BACKOFF_MIN_NS up to VM_BACKOFF_MAX_NS. A run that lasted
 * VM_BACKOFF_CALM_NS before its guest reset ends the streak; so does an
 * operator's start or reset.
 */
#define VM_BACKOFF_FREE		3
#define VM_BACKOFF_MIN_NS	100000000ULL		/* 100 ms */
#define VM_BACKOFF_MAX_NS	10000000000ULL		/* 10 s */
#define VM_BACKOFF_CALM_NS	10000000000ULL		/* 10 s */

struct vm_backoff {
	unsigned streak;	/* guest resets in a row */
	uint64_t wait_ns;	/* the last wait imposed */
};

void vm_backoff_reset(struct vm_backoff *b);
/* A guest reset after a run of ran_ns: how long to wait before the restart. */
uint64_t vm_backoff_next(struct vm_backoff *b, uint64_t ran_ns);

#endif
