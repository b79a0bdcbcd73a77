/*
 * PSCI 1.1 for guests, over HVC and (trapped) SMC alike: VERSION, FEATURES,
 * CPU_ON/OFF/SUSPEND, AFFINITY_INFO, MIGRATE_INFO_TYPE, SYSTEM_OFF/RESET.
 * SYSTEM_OFF and SYSTEM_RESET act on the calling VM only. Every argument is
 * checked; anything unknown answers NOT_SUPPORTED.
 */
#include <tandem/log.h>
#include <virt/vm.h>

#define PSCI_0_2_FN(n)		(0x84000000U + (n))
#define PSCI_0_2_FN64(n)	(0xc4000000U + (n))

#define PSCI_VERSION_FN		PSCI_0_2_FN(0)
#define CPU_SUSPEND		1
#define CPU_OFF			2
#define CPU_ON			3
#define AFFINITY_INFO		4
#define MIGRATE_INFO_TYPE	6
#define SYSTEM_OFF		8
#define SYSTEM_RESET		9
#define PSCI_FEATURES		10

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMS	(-2)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_INVALID_ADDRESS	(-9)

#define PSCI_VERSION_1_1	0x00010001
#define MIGRATE_NOT_REQUIRED	2

static struct vcpu *vcpu_by_mpidr(struct vm *vm, uint64_t mpidr)
{
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		if ((vm->vcpus[i].arch.vmpidr & 0xff00ffffffUL) == (mpidr & 0xff00ffffffUL))
			return &vm->vcpus[i];
	return NULL;
}

static bool ipa_in_ram(struct vm *vm, uint64_t ipa)
{
	return ipa >= vm->cfg.ram_base && ipa - vm->cfg.ram_base < vm->cfg.ram_size;
}

static int64_t psci_cpu_on(struct vcpu *v, uint64_t target, uint64_t entry, uint64_t ctx)
{
	struct vm *vm = v->vm;
	struct vcpu *t = vcpu_by_mpidr(vm, target);
	k_spinlock_key_t key;
	int64_t ret = PSCI_SUCCESS;

	if (!t)
		return PSCI_INVALID_PARAMS;
	if (!ipa_in_ram(vm, entry))
		return PSCI_INVALID_ADDRESS;
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
	}
	k_spin_unlock(&vm->vgic_lock, key);
	if (ret == PSCI_SUCCESS)
		vcpu_kick(t);
	return ret;
}

static int64_t psci_affinity_info(struct vcpu *v, uint64_t target, uint64_t level)
{
	struct vcpu *t;

	if (level != 0)
		return PSCI_INVALID_PARAMS;
	t = vcpu_by_mpidr(v->vm, target);
	if (!t)
		return PSCI_INVALID_PARAMS;
	if (!t->powered)
		return 1;			/* OFF */
	return t->reset_pending ? 2 : 0;	/* ON_PENDING : ON */
}

static bool psci_implemented(uint32_t fn)
{
	switch (fn) {
	case PSCI_VERSION_FN:
	case PSCI_0_2_FN(CPU_SUSPEND): case PSCI_0_2_FN64(CPU_SUSPEND):
	case PSCI_0_2_FN(CPU_OFF):
	case PSCI_0_2_FN(CPU_ON): case PSCI_0_2_FN64(CPU_ON):
	case PSCI_0_2_FN(AFFINITY_INFO): case PSCI_0_2_FN64(AFFINITY_INFO):
	case PSCI_0_2_FN(MIGRATE_INFO_TYPE):
	case PSCI_0_2_FN(SYSTEM_OFF):
	case PSCI_0_2_FN(SYSTEM_RESET):
	case PSCI_0_2_FN(PSCI_FEATURES):
		return true;
	default:
		return false;
	}
}

void vpsci_handle(struct vcpu *v, bool smc)
{
	uint64_t *x = v->arch.x;
	uint32_t fn = (uint32_t)x[0];
	bool is32 = !(fn & 0x40000000U);
	uint64_t a1 = is32 ? (uint32_t)x[1] : x[1];
	uint64_t a2 = is32 ? (uint32_t)x[2] : x[2];
	uint64_t a3 = is32 ? (uint32_t)x[3] : x[3];
	int64_t ret;

	/* PSCI lives at immediate 0 only. */
	if ((v->arch.esr & 0xffff) != 0) {
		x[0] = (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
		return;
	}
	v->exits[EXIT_PSCI]++;
	switch (fn) {
	case PSCI_VERSION_FN:
		ret = PSCI_VERSION_1_1;
		break;
	case PSCI_0_2_FN(CPU_SUSPEND):
	case PSCI_0_2_FN64(CPU_SUSPEND):
		/* Standby and power-down states both behave as WFI here: the
		 * vCPU sleeps until an interrupt is pending, then returns. */
		k_sem_take(&v->wake, K_MSEC(1));
		ret = PSCI_SUCCESS;
		break;
	case PSCI_0_2_FN(CPU_OFF):
		v->powered = false;
		return;			/* does not return to the caller */
	case PSCI_0_2_FN(CPU_ON):
	case PSCI_0_2_FN64(CPU_ON):
		ret = psci_cpu_on(v, a1, a2, a3);
		break;
	case PSCI_0_2_FN(AFFINITY_INFO):
	case PSCI_0_2_FN64(AFFINITY_INFO):
		ret = psci_affinity_info(v, a1, a2);
		break;
	case PSCI_0_2_FN(MIGRATE_INFO_TYPE):
		ret = MIGRATE_NOT_REQUIRED;
		break;
	case PSCI_0_2_FN(SYSTEM_OFF):
		log_printf(LOG_LEVEL_INF, "vm %s: PSCI SYSTEM_OFF (via %s)", v->vm->name,
			   smc ? "smc" : "hvc");
		vm_request_stop(v->vm, false);
		v->powered = false;
		return;
	case PSCI_0_2_FN(SYSTEM_RESET):
		log_printf(LOG_LEVEL_INF, "vm %s: PSCI SYSTEM_RESET (via %s)", v->vm->name,
			   smc ? "smc" : "hvc");
		vm_request_stop(v->vm, true);
		v->powered = false;
		return;
	case PSCI_0_2_FN(PSCI_FEATURES):
		ret = psci_implemented((uint32_t)a1) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
		break;
	default:
		log_printf(LOG_LEVEL_DBG, "vm %s vcpu%u: %s function %#x not supported",
			   v->vm->name, v->id, smc ? "SMC" : "HVC", fn);
		ret = PSCI_NOT_SUPPORTED;
		break;
	}
	x[0] = (uint64_t)ret;
	(void)a3;
}
