/*
 * The one way a VM changes state. Operator requests (vm_request: shell,
 * autostart, later the control channel) name the VM by id, which is looked
 * up under the list lock; the transition is claimed under the VM's
 * life_lock (virt/vm_state.c says if it is valid); the caller then does the
 * work with no lock held, so a second request meanwhile gets -EBUSY.
 *
 * A vCPU cannot join its own thread, so a guest's SYSTEM_OFF/SYSTEM_RESET
 * or a crash only records one pending request in its VM (vm_guest_request;
 * a field, not a queue: it cannot overflow) and wakes the VM manager
 * thread, which finds VMs with work by scanning the list and makes the
 * same vm_request by id. A request still pending when the run's vCPU
 * threads are joined is dropped with the run; one for a deleted VM is never
 * found.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <tandem/log.h>
#include <virt/vm.h>
#include "vm_run.h"

#define ERR(...) do { if (err) snprintf(err, errlen, __VA_ARGS__); } while (0)

#define VMM_PRIO	15	/* the VM manager thread, on core 0 */

static struct k_sem vmm_sem;

static void vmm_poke(void)
{
	k_sem_give(&vmm_sem);
}

static struct vm *vm_by_id_locked(unsigned id)
{
	struct list_node *n;

	list_for_each(n, &vm_list) {
		struct vm *vm = list_entry(n, struct vm, node);

		if (vm->id == id)
			return vm;
	}
	return NULL;
}

/* Looks up id and claims op's transition: on 0, *vm is ours until the
 * state is stable again (no other request can begin, so it cannot go). */
static int claim(unsigned id, enum vm_op op, struct vm **out, enum vm_state *from,
		 enum vm_state *first, char *err, size_t errlen)
{
	k_spinlock_key_t key = k_spin_lock(&vm_list_lock);
	struct vm *vm = vm_by_id_locked(id);
	enum vm_state s = VM_CREATED;
	char name[VM_NAME_LEN] = "";
	int ret = -ENOENT;

	if (vm) {
		/* Copied here: once we let go, a refused VM may be freed. */
		memcpy(name, vm->name, sizeof(name));
		arch_spin_acquire(&vm->life_lock);
		s = vm->state;
		ret = vm_transition_begin(s, op, first);
		if (!ret) {
			vm->state = *first;
			if (op == VM_OP_START || op == VM_OP_RESET)
				vm_backoff_reset(&vm->backoff);	/* the operator's call */
		}
		k_spin_release(&vm->life_lock);
	}
	k_spin_unlock(&vm_list_lock, key);
	if (ret == -ENOENT)
		ERR("no VM with id %u", id);
	else if (ret)
		ERR("VM '%s' is %s; %s needs %s", name, vm_state_name(s), vm_op_name(op),
		    ret == -EBUSY ? "the request in progress to finish" : vm_op_needs(op));
	*out = vm;
	*from = s;
	return ret;
}

/* After a guest reset: restart now, or back off (vm_backoff_next). */
static bool guest_reset_backs_off(struct vm *vm)
{
	uint64_t ran = k_cycles_to_ns(k_cycle_get() - vm->started_at);
	uint64_t wait = vm_backoff_next(&vm->backoff, ran);

	if (!wait)
		return false;
	vm->restart_at = k_cycle_get() + k_ns_to_cycles(wait);
	LOG_WRN("vm %s: %u guest resets in a row: restart in %llu ms", vm->name,
		vm->backoff.streak + 1, (unsigned long long)(wait / 1000000));
	return true;
}

/* The work of one transitional phase; fills in how it ended. */
static void run_phase(struct vm *vm, enum vm_op op, enum vm_state cur,
		      struct vm_phase_end *end, char *err, size_t errlen)
{
	char ignored[8];

	if (!err) {
		err = ignored;
		errlen = sizeof(ignored);
	}
	switch (cur) {
	case VM_STARTING:
		end->result = vm_run_start(vm, err, errlen);
		break;
	case VM_STOPPING:
		vm_run_stop(vm);
		end->crashed = vm->crashed;
		end->backoff = op == VM_OP_GUEST_RESET && !vm->crashed &&
			       guest_reset_backs_off(vm);
		break;
	case VM_PAUSING:
		end->result = vm_run_pause(vm);
		if (end->result)
			snprintf(err, errlen, "VM '%s': a vCPU did not park within 1 s", vm->name);
		break;
	case VM_RESUMING:
		vm_run_resume(vm);
		break;
	default:
		break;
	}
}

int vm_request(unsigned vm_id, enum vm_op op, char *err, size_t errlen)
{
	enum vm_state from, cur;
	k_spinlock_key_t key;
	struct vm *vm;
	bool poke = false;
	int ret;

	ret = claim(vm_id, op, &vm, &from, &cur, err, errlen);
	if (ret)
		return ret;
	while (!vm_state_stable(cur)) {
		struct vm_phase_end end = { 0 };
		enum vm_state done = cur;

		if (cur == VM_DELETING) {
			vm_teardown(vm);	/* unlinks first: lookups fail from here */
			return ret;
		}
		run_phase(vm, op, cur, &end, err, errlen);
		if (end.result && !ret)
			ret = end.result;
		key = k_spin_lock(&vm->life_lock);
		cur = vm_transition_next(from, op, cur, &end);
		vm->state = cur;
		/* A guest request made meanwhile (it could not begin while we
		 * worked), or a restart to time: the manager's turn. */
		poke = vm->pending_op != VM_OP_NONE || cur == VM_BACKOFF;
		k_spin_unlock(&vm->life_lock, key);
		if (done == VM_STOPPING)
			LOG_INF("vm %s: stopped%s", vm->name,
				cur == VM_CRASHED ? " (crashed)" : cur == VM_BACKOFF ? " (backing off)" : "");
	}
	if (poke)
		vmm_poke();
	return ret;
}

/* ---- from the guest ---------------------------------------------------------------- */

void vm_guest_request(struct vm *vm, enum vm_op op)
{
	k_spinlock_key_t key = k_spin_lock(&vm->life_lock);

	vm->pending_op = vm_guest_op_merge(vm->pending_op, op);
	/* The whole VM goes down now: the other vCPUs leave their guest at
	 * their next exit instead of running on until the manager gets here. */
	vm->stopping = true;
	k_spin_unlock(&vm->life_lock, key);
	vmm_poke();
}

void vm_crash(struct vm *vm, const char *fmt, ...)
{
	char reason[VM_CRASH_REASON_LEN], line[VM_CRASH_REASON_LEN + 40];
	k_spinlock_key_t key;
	bool first;
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	/* Several vCPUs may crash at once: the first one's reason is kept. */
	key = k_spin_lock(&vm->life_lock);
	first = !vm->crashed;
	if (first) {
		vm->crashed = true;
		memcpy(vm->crash_reason, reason, sizeof(reason));
	}
	k_spin_unlock(&vm->life_lock, key);
	if (first) {
		LOG_ERR("vm %s: crashed: %s", vm->name, reason);
		/* In its console too, so `vm log` and an attached user see why. */
		n = snprintf(line, sizeof(line), "\r\n[tandem: VM crashed: %s]\r\n", reason);
		for (int i = 0; i < n && i < (int)sizeof(line) - 1; i++)
			vm_console_put(vm, line[i]);
	}
	vm_guest_request(vm, VM_OP_GUEST_CRASH);
}

/* ---- the VM manager thread ---------------------------------------------------------- */

/*
 * The VM with the lowest id above `after` that has manager work: a guest
 * request in a state that can take it, or a back-off that has run out.
 * *wait_until is lowered to the earliest back-off still to come.
 */
/* A guest's request is carried out no more urgently than the guest's own
 * vCPUs run (and never above the manager's own priority): a VM that resets
 * in a loop burns core 0 only at its own priority, not above the shell's
 * or another VM's. */
static int guest_work_prio(const struct vm *vm)
{
	int prio = K_NUM_PRIO - 1;

	for (unsigned i = 0; i < vm->n_vcpus; i++)
		if (vm->vcpus[i].prio < prio)
			prio = vm->vcpus[i].prio;
	return prio < VMM_PRIO ? VMM_PRIO : prio;
}

static bool next_work(unsigned after, unsigned *id, enum vm_op *op, int *prio, ticks_t now,
		      ticks_t *wait_until)
{
	k_spinlock_key_t key = k_spin_lock(&vm_list_lock);
	struct list_node *n;
	bool found = false;

	list_for_each(n, &vm_list) {
		struct vm *vm = list_entry(n, struct vm, node);
		enum vm_op want = VM_OP_NONE;

		arch_spin_acquire(&vm->life_lock);
		if (vm->state == VM_BACKOFF) {
			if ((int64_t)(now - vm->restart_at) >= 0)
				want = VM_OP_RESTART;
			else if ((int64_t)(vm->restart_at - *wait_until) < 0)
				*wait_until = vm->restart_at;
		} else if (vm->pending_op != VM_OP_NONE &&
			   (vm->state == VM_RUNNING || vm->state == VM_PAUSED)) {
			want = vm->pending_op;
		}
		k_spin_release(&vm->life_lock);
		if (want != VM_OP_NONE && vm->id > after && (!found || vm->id < *id)) {
			*id = vm->id;
			*op = want;
			*prio = guest_work_prio(vm);
			found = true;
		}
	}
	k_spin_unlock(&vm_list_lock, key);
	return found;
}

static void vmm_thread(void *p1, void *p2, void *p3)
{
	char err[160];

	for (;;) {
		ticks_t now = k_cycle_get(), until = now + k_ns_to_cycles(3600000000000ULL);
		unsigned after = 0, id = 0;
		enum vm_op op = VM_OP_NONE;
		int ret, prio = VMM_PRIO;

		/* Each VM with work once per round, in id order: one that is
		 * busy now is poked again when its transition ends. */
		while (next_work(after, &id, &op, &prio, now, &until)) {
			after = id;
			k_thread_priority_set(k_current_get(), prio);
			ret = vm_request(id, op, err, sizeof(err));
			k_thread_priority_set(k_current_get(), VMM_PRIO);
			if (ret && ret != -EBUSY && ret != -ENOENT)
				LOG_ERR("vm %u: %s failed: %s", id, vm_op_name(op), err);
		}
		now = k_cycle_get();
		k_sem_take(&vmm_sem, (int64_t)(until - now) > 0 ?
			   K_NSEC(k_cycles_to_ns(until - now) + 1) : K_NO_WAIT);
	}
}

void vmm_init(void)
{
	k_sem_init(&vmm_sem, 0, 1);
	if (!k_thread_spawn("vmm", vmm_thread, NULL, NULL, VMM_PRIO, 1U << 0, 16384))
		k_panic("cannot start the VM manager");
}
