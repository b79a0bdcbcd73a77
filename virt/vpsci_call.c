/*
 * PSCI 1.1 calls decoded and checked (include/virt/vpsci_call.h): function
 * IDs, SMC32 argument truncation, target MPIDRs, entry addresses. Every
 * argument is checked here; anything unknown answers NOT_SUPPORTED.
 *
 * And the SMCCC 1.1 Arm Architecture Calls, answered as firmware would
 * (the speculative-execution policy is docs/architecture.md's): VERSION is
 * 1.1; ARCH_FEATURES says VERSION and ARCH_FEATURES exist; of the
 * workarounds, none is implemented (Tandem has no firmware call to make
 * for the guest and invalidates no branch predictor for it), so each is
 * NOT_REQUIRED where the cores' ID registers say they are not affected and
 * NOT_SUPPORTED (the guest must assume it is exposed) elsewhere. A guest
 * that calls a workaround anyway gets NOT_SUPPORTED back.
 */
#include <virt/vpsci_call.h>

#define PSCI_0_2_FN(n)		(0x84000000U + (n))
#define PSCI_0_2_FN64(n)	(0xc4000000U + (n))
#define PSCI_FN_64BIT		0x40000000U

#define PSCI_VERSION_FN		PSCI_0_2_FN(0)
#define CPU_SUSPEND		1
#define CPU_OFF			2
#define CPU_ON			3
#define AFFINITY_INFO		4
#define MIGRATE_INFO_TYPE	6
#define SYSTEM_OFF		8
#define SYSTEM_RESET		9
#define PSCI_FEATURES		10

#define SMCCC_VERSION		0x80000000U
#define SMCCC_ARCH_FEATURES	0x80000001U
#define SMCCC_ARCH_WORKAROUND_1	0x80008000U	/* Spectre v2: branch target injection */
#define SMCCC_ARCH_WORKAROUND_2	0x80007fffU	/* Spectre v4: speculative store bypass */
#define SMCCC_ARCH_WORKAROUND_3	0x80003fffU	/* Spectre-BHB: branch history injection */

/* Aff3, Aff2, Aff1, Aff0 of an MPIDR: what names a CPU. */
#define MPIDR_AFF_MASK		0xff00ffffffULL

static int vcpu_by_mpidr(const struct vpsci_vm_view *vm, uint64_t mpidr)
{
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		if ((vm->vmpidr[i] & MPIDR_AFF_MASK) == (mpidr & MPIDR_AFF_MASK))
			return (int)i;
	return -1;
}

static bool ipa_in_ram(const struct vpsci_vm_view *vm, uint64_t ipa)
{
	return ipa >= vm->ram_base && ipa - vm->ram_base < vm->ram_size;
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
	case SMCCC_VERSION:		/* how a PSCI 1.x caller finds SMCCC 1.1 */
		return true;
	default:
		return false;
	}
}

static int64_t smccc_arch_features(const struct vpsci_vm_view *vm, uint32_t fn)
{
	switch (fn) {
	case SMCCC_VERSION:
	case SMCCC_ARCH_FEATURES:
		return PSCI_SUCCESS;
	case SMCCC_ARCH_WORKAROUND_1:
		return vm->csv2 ? SMCCC_WORKAROUND_NOT_REQUIRED : PSCI_NOT_SUPPORTED;
	case SMCCC_ARCH_WORKAROUND_3:
		return vm->bhb_safe ? SMCCC_WORKAROUND_NOT_REQUIRED : PSCI_NOT_SUPPORTED;
	case SMCCC_ARCH_WORKAROUND_2:	/* a guest with SSBS sets PSTATE.SSBS itself */
	default:
		return PSCI_NOT_SUPPORTED;
	}
}

static void answer(struct vpsci_call *c, int64_t ret)
{
	c->op = VPSCI_OP_RETURN;
	c->ret = ret;
}

/* Bad target first, then bad entry, as the PSCI spec lists them. */
static void decide_cpu_on(const struct vpsci_vm_view *vm, uint64_t target, uint64_t entry,
			  uint64_t ctx, struct vpsci_call *c)
{
	int t = vcpu_by_mpidr(vm, target);

	if (t < 0) {
		answer(c, PSCI_INVALID_PARAMS);
		return;
	}
	if (!ipa_in_ram(vm, entry)) {
		answer(c, PSCI_INVALID_ADDRESS);
		return;
	}
	c->op = VPSCI_OP_CPU_ON;
	c->target = (unsigned)t;
	c->entry = entry;
	c->ctx = ctx;
}

static void decide_affinity_info(const struct vpsci_vm_view *vm, uint64_t target,
				 uint64_t level, struct vpsci_call *c)
{
	int t;

	t = level == 0 ? vcpu_by_mpidr(vm, target) : -1;
	if (t < 0) {
		answer(c, PSCI_INVALID_PARAMS);
		return;
	}
	c->op = VPSCI_OP_AFFINITY_INFO;
	c->target = (unsigned)t;
}

void vpsci_decide(uint16_t imm, const uint64_t x[4], const struct vpsci_vm_view *vm,
		  struct vpsci_call *c)
{
	uint32_t fn = (uint32_t)x[0];
	/* SMC32/HVC32 calls pass 32-bit arguments: the upper halves are not theirs. */
	bool is32 = !(fn & PSCI_FN_64BIT);
	uint64_t a1 = is32 ? (uint32_t)x[1] : x[1];
	uint64_t a2 = is32 ? (uint32_t)x[2] : x[2];
	uint64_t a3 = is32 ? (uint32_t)x[3] : x[3];

	*c = (struct vpsci_call){ .fn = fn };
	/* PSCI lives at immediate 0 only. */
	if (imm != 0) {
		answer(c, PSCI_NOT_SUPPORTED);
		return;
	}
	c->counted = true;
	switch (fn) {
	case PSCI_VERSION_FN:
		answer(c, PSCI_VERSION_1_1);
		break;
	case PSCI_0_2_FN(CPU_SUSPEND):
	case PSCI_0_2_FN64(CPU_SUSPEND):
		/* Standby and power-down states both behave as WFI here. */
		c->op = VPSCI_OP_SUSPEND;
		c->ret = PSCI_SUCCESS;
		break;
	case PSCI_0_2_FN(CPU_OFF):
		c->op = VPSCI_OP_CPU_OFF;
		break;
	case PSCI_0_2_FN(CPU_ON):
	case PSCI_0_2_FN64(CPU_ON):
		decide_cpu_on(vm, a1, a2, a3, c);
		break;
	case PSCI_0_2_FN(AFFINITY_INFO):
	case PSCI_0_2_FN64(AFFINITY_INFO):
		decide_affinity_info(vm, a1, a2, c);
		break;
	case PSCI_0_2_FN(MIGRATE_INFO_TYPE):
		answer(c, PSCI_MIGRATE_NOT_REQUIRED);
		break;
	case PSCI_0_2_FN(SYSTEM_OFF):
		c->op = VPSCI_OP_SYSTEM_OFF;
		break;
	case PSCI_0_2_FN(SYSTEM_RESET):
		c->op = VPSCI_OP_SYSTEM_RESET;
		break;
	case PSCI_0_2_FN(PSCI_FEATURES):
		answer(c, psci_implemented((uint32_t)a1) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED);
		break;
	case SMCCC_VERSION:
		answer(c, SMCCC_VERSION_1_1);
		break;
	case SMCCC_ARCH_FEATURES:
		answer(c, smccc_arch_features(vm, (uint32_t)a1));
		break;
	case SMCCC_ARCH_WORKAROUND_1:
	case SMCCC_ARCH_WORKAROUND_2:
	case SMCCC_ARCH_WORKAROUND_3:
		answer(c, PSCI_NOT_SUPPORTED);	/* discovered as such: no log line */
		break;
	default:
		c->op = VPSCI_OP_UNKNOWN;
		c->ret = PSCI_NOT_SUPPORTED;
		break;
	}
}

int64_t vpsci_affinity_state(bool powered, bool reset_pending)
{
	if (!powered)
		return PSCI_AFF_OFF;
	return reset_pending ? PSCI_AFF_ON_PENDING : PSCI_AFF_ON;
}
