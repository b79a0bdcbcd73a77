/*
 * PSCI 1.1 for guests, over HVC and (trapped) SMC alike: VERSION, FEATURES,
 * CPU_ON/OFF/SUSPEND, AFFINITY_INFO, MIGRATE_INFO_TYPE, SYSTEM_OFF/RESET.
 * SYSTEM_OFF and SYSTEM_RESET act on the calling VM only. Which call it is
 * and whether its arguments hold is decided in virt/vpsci_call.c (host
 * fuzzed); this file carries the decision out on the VM.
 */
#include <tandem/log.h>
#include <virt/vm.h>
#include <virt/vpsci_call.h>

static int64_t psci_cpu_on(struct vcpu *v, struct vcpu *t, uint64_t entry, uint64_t ctx)
{
	struct vm *vm = v->vm;
	k_spinlock_key_t key;
	int64_t ret = PSCI_SUCCESS;

	key = k_spin_lock(&vm->vgic_lock);
	/* One caller wins; every later one, even before the target has run,
	 * hears ALREADY_ON, as under KVM (AFFINITY_INFO still says ON_PENDING). */
	if (t->powered)
		ret = PSCI_ALREADY_ON;
	else {
		/* The target resets itself when it wakes: its registers may still
		 * be live on its core until it has blocked. */
		t->reset_entry = entry;
		t->reset_x0 = ctx;
		t->reset_pending = true;
		t->powered = true;
		vcpu_kick(t);	/* under the lock: a stop may be freeing its thread */
	}
	k_spin_unlock(&vm->vgic_lock, key);
	return ret;
}

void vpsci_handle(struct vcpu *v, bool smc)
{
	struct vm *vm = v->vm;
	uint64_t vmpidr[VM_MAX_VCPUS];
	struct vpsci_vm_view view = {
		.vmpidr = vmpidr, .n_vcpus = MIN(vm->n_vcpus, (unsigned)VM_MAX_VCPUS),
		.ram_base = vm->cfg.ram_base, .ram_size = vm->cfg.ram_size,
	};
	struct vpsci_call c;
	struct vcpu *t;
	int64_t ret;

	for (unsigned i = 0; i < view.n_vcpus; i++)
		vmpidr[i] = vm->vcpus[i].arch.vmpidr;
	vpsci_decide((uint16_t)v->arch.esr, v->arch.x, &view, &c);
	if (c.counted)
		v->exits[EXIT_PSCI]++;

	switch (c.op) {
	case VPSCI_OP_SUSPEND:
		/* Sleeps until an interrupt is pending, then returns. */
		k_sem_take(&v->wake, K_MSEC(1));
		ret = c.ret;
		break;
	case VPSCI_OP_CPU_OFF:
		v->powered = false;
		return;			/* does not return to the caller */
	case VPSCI_OP_CPU_ON:
		ret = psci_cpu_on(v, &vm->vcpus[c.target], c.entry, c.ctx);
		break;
	case VPSCI_OP_AFFINITY_INFO:
		t = &vm->vcpus[c.target];
		ret = vpsci_affinity_state(t->powered, t->reset_pending);
		break;
	case VPSCI_OP_SYSTEM_OFF:
		log_printf(LOG_LEVEL_INF, "vm %s: PSCI SYSTEM_OFF (via %s)", vm->name,
			   smc ? "smc" : "hvc");
		vm_guest_request(vm, VM_OP_GUEST_OFF);
		v->powered = false;
		return;
	case VPSCI_OP_SYSTEM_RESET:
		log_printf(LOG_LEVEL_INF, "vm %s: PSCI SYSTEM_RESET (via %s)", vm->name,
			   smc ? "smc" : "hvc");
		vm_guest_request(vm, VM_OP_GUEST_RESET);
		v->powered = false;
		return;
	case VPSCI_OP_UNKNOWN:
		log_printf(LOG_LEVEL_DBG, "vm %s vcpu%u: %s function %#x not supported",
			   vm->name, v->id, smc ? "SMC" : "HVC", c.fn);
		ret = c.ret;
		break;
	case VPSCI_OP_RETURN:
	default:
		ret = c.ret;
		break;
	}
	v->arch.x[0] = (uint64_t)ret;
}
