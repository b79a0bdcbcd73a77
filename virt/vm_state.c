/*
 * The VM lifecycle state machine's rules (include/virt/vm_state.h): pure
 * functions of a state and a request, so the unit tests can walk every pair.
 */
#include <errno.h>
#include <virt/vm_state.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

bool vm_state_stable(enum vm_state s)
{
	return s < VM_STARTING;
}

bool vm_state_has_threads(enum vm_state s)
{
	return s == VM_RUNNING || s == VM_PAUSED || s == VM_PAUSING || s == VM_RESUMING ||
	       s == VM_STOPPING;
}

const char *vm_state_name(enum vm_state s)
{
	static const char *const names[VM_STATE_COUNT] = {
		[VM_CREATED] = "created", [VM_RUNNING] = "running", [VM_PAUSED] = "paused",
		[VM_STOPPED] = "stopped", [VM_CRASHED] = "crashed", [VM_BACKOFF] = "backoff",
		[VM_STARTING] = "starting", [VM_PAUSING] = "pausing", [VM_RESUMING] = "resuming",
		[VM_STOPPING] = "stopping", [VM_DELETING] = "deleting",
	};

	return (unsigned)s < N_ELEMS(names) ? names[s] : "?";
}

const char *vm_op_name(enum vm_op op)
{
	static const char *const names[VM_OP_COUNT] = {
		[VM_OP_START] = "start", [VM_OP_STOP] = "stop", [VM_OP_RESET] = "reset",
		[VM_OP_DELETE] = "delete", [VM_OP_PAUSE] = "pause", [VM_OP_RESUME] = "resume",
		[VM_OP_GUEST_OFF] = "guest power-off", [VM_OP_GUEST_RESET] = "guest reset",
		[VM_OP_GUEST_CRASH] = "crash stop", [VM_OP_RESTART] = "restart",
	};

	return (unsigned)op < N_ELEMS(names) ? names[op] : "?";
}

const char *vm_op_needs(enum vm_op op)
{
	switch (op) {
	case VM_OP_START:
		return "a created, stopped, crashed or backed-off VM";
	case VM_OP_STOP:
		return "a running, paused or backed-off VM";
	case VM_OP_RESET:
		return "a running, paused, crashed or backed-off VM";
	case VM_OP_PAUSE:
		return "a running VM";
	case VM_OP_RESUME:
		return "a paused VM";
	case VM_OP_RESTART:
		return "a backed-off VM";
	case VM_OP_DELETE:
		return "a VM no other request is working on";
	default:
		return "a running or paused VM";
	}
}

/* The first state of op from stable state s, or VM_STATE_COUNT if invalid. */
static enum vm_state first_state(enum vm_state s, enum vm_op op)
{
	bool live = s == VM_RUNNING || s == VM_PAUSED;

	switch (op) {
	case VM_OP_START:
		return live ? VM_STATE_COUNT : VM_STARTING;
	case VM_OP_STOP:
		if (s == VM_BACKOFF)
			return VM_STOPPED;	/* only cancels the pending restart */
		return live ? VM_STOPPING : VM_STATE_COUNT;
	case VM_OP_RESET:
		if (live)
			return VM_STOPPING;
		return s == VM_CRASHED || s == VM_BACKOFF ? VM_STARTING : VM_STATE_COUNT;
	case VM_OP_DELETE:
		return live ? VM_STOPPING : VM_DELETING;
	case VM_OP_PAUSE:
		return s == VM_RUNNING ? VM_PAUSING : VM_STATE_COUNT;
	case VM_OP_RESUME:
		return s == VM_PAUSED ? VM_RESUMING : VM_STATE_COUNT;
	case VM_OP_GUEST_OFF:
	case VM_OP_GUEST_RESET:
	case VM_OP_GUEST_CRASH:
		return live ? VM_STOPPING : VM_STATE_COUNT;
	case VM_OP_RESTART:
		return s == VM_BACKOFF ? VM_STARTING : VM_STATE_COUNT;
	default:
		return VM_STATE_COUNT;
	}
}

int vm_transition_begin(enum vm_state s, enum vm_op op, enum vm_state *next)
{
	enum vm_state n;

	if ((unsigned)s >= VM_STATE_COUNT || (unsigned)op >= VM_OP_COUNT)
		return -EINVAL;
	if (!vm_state_stable(s))
		return -EBUSY;
	n = first_state(s, op);
	if (n == VM_STATE_COUNT)
		return -EINVAL;
	*next = n;
	return 0;
}

static enum vm_state after_stop(enum vm_op op, const struct vm_phase_end *end)
{
	switch (op) {
	case VM_OP_DELETE:
		return VM_DELETING;
	case VM_OP_RESET:		/* the operator's: a crash does not matter */
		return VM_STARTING;
	case VM_OP_GUEST_RESET:
		if (end->crashed)
			return VM_CRASHED;
		return end->backoff ? VM_BACKOFF : VM_STARTING;
	default:
		return end->crashed ? VM_CRASHED : VM_STOPPED;
	}
}

enum vm_state vm_transition_next(enum vm_state from, enum vm_op op, enum vm_state cur,
				 const struct vm_phase_end *end)
{
	switch (cur) {
	case VM_STARTING:
		if (!end->result)
			return VM_RUNNING;
		/* A start that failed leaves a stopped VM (the one it began
		 * from, if that had no threads: its label says what it was). */
		return from == VM_CREATED || from == VM_CRASHED ? from : VM_STOPPED;
	case VM_PAUSING:
		return VM_PAUSED;	/* a vCPU that is late parks when it can */
	case VM_RESUMING:
		return VM_RUNNING;
	case VM_STOPPING:
		return after_stop(op, end);
	default:
		return cur;		/* stable, or DELETING (freed after) */
	}
}

enum vm_op vm_guest_op_merge(enum vm_op pending, enum vm_op op)
{
	/* A crash beats a power-off, which beats a reset: any vCPU that
	 * crashed or asked for off keeps the VM from restarting. */
	static const unsigned rank[VM_OP_COUNT + 1] = {
		[VM_OP_GUEST_RESET] = 1, [VM_OP_GUEST_OFF] = 2, [VM_OP_GUEST_CRASH] = 3,
	};

	if ((unsigned)op > VM_OP_COUNT)
		return pending;
	if ((unsigned)pending > VM_OP_COUNT)
		return op;
	return rank[op] > rank[pending] ? op : pending;
}

void vm_backoff_reset(struct vm_backoff *b)
{
	b->streak = 0;
	b->wait_ns = 0;
}

uint64_t vm_backoff_next(struct vm_backoff *b, uint64_t ran_ns)
{
	if (ran_ns >= VM_BACKOFF_CALM_NS)
		vm_backoff_reset(b);
	if (b->streak < VM_BACKOFF_FREE) {
		b->streak++;
		b->wait_ns = 0;
		return 0;
	}
	b->wait_ns = b->wait_ns ? b->wait_ns * 2 : VM_BACKOFF_MIN_NS;
	if (b->wait_ns > VM_BACKOFF_MAX_NS)
		b->wait_ns = VM_BACKOFF_MAX_NS;
	return b->wait_ns;
}
