/*
 * A VM's CPU time: what the host scheduler counted to each vCPU thread
 * since the VM last started. Guest time is thread time, since a vCPU
 * thread runs its guest in place; a vCPU alone on its core does not trap
 * WFI, so its idle guest time counts too (the core is its own).
 */
#include <stdint.h>
#include <string.h>
#include <tandem/kernel.h>
#include <virt/vm.h>

struct cpu_time_walk {
	const struct vm *vm;
	uint64_t *ticks;
};

static void add_vcpu_thread(const struct k_thread *t, void *arg)
{
	struct cpu_time_walk *w = arg;
	uintptr_t u = (uintptr_t)t->user;
	uintptr_t first = (uintptr_t)&w->vm->vcpus[0];
	uintptr_t end = (uintptr_t)&w->vm->vcpus[w->vm->n_vcpus];
	unsigned i;
	uint64_t live;

	if (u < first || u >= end)
		return;
	i = (unsigned)((u - first) / sizeof(struct vcpu));
	live = k_thread_runtime_locked(t);
	/* A thread that has ended but is not yet reaped is still listed. */
	if (live > w->ticks[i])
		w->ticks[i] = live;
}

void vm_cpu_time(const struct vm *vm, uint64_t ns[VM_MAX_VCPUS])
{
	uint64_t ticks[VM_MAX_VCPUS];
	struct cpu_time_walk w = { vm, ticks };

	for (unsigned i = 0; i < VM_MAX_VCPUS; i++)
		ticks[i] = i < vm->n_vcpus ? vm->vcpus[i].ended_ticks : 0;
	/* The registry, not v->thread: a thread listed there is not freed
	 * under us, while v->thread may be reaped by a concurrent stop. */
	k_thread_foreach(add_vcpu_thread, &w);
	for (unsigned i = 0; i < VM_MAX_VCPUS; i++)
		ns[i] = k_cycles_to_ns(ticks[i]);
}
