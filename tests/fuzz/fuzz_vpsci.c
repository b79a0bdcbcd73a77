/*
 * Fuzz target for vPSCI argument handling (virt/vpsci_call.c): a VM shape
 * (vCPU MPIDRs, RAM range) and a sequence of HVC/SMC calls with any
 * immediate and x0..x3. Each decision is checked against the PSCI 1.1 spec
 * (DEN0022) restated here, and carried out on a small power-state model as
 * virt/vpsci.c does, so CPU_ON / AFFINITY_INFO / CPU_OFF sequences are
 * checked too: a vCPU turned on is ON_PENDING until it runs, a second
 * CPU_ON hears ALREADY_ON, a call with a bad target or entry changes nothing.
 * The SMCCC 1.1 Arm Architecture Calls too (DEN0028): VERSION 1.1, and
 * ARCH_FEATURES' answers as the core's speculation properties dictate.
 */
#include <string.h>

#include <virt/vpsci_call.h>
#include "fuzz_input.h"

#define MAX_STEPS	128
#define MAX_VCPUS	8
#define AFF_MASK	0xff00ffffffULL

static uint64_t mpidr[MAX_VCPUS];
static bool powered[MAX_VCPUS], pending[MAX_VCPUS];

/* Function IDs of PSCI 1.1 this VM implements, and what each must do. */
static const uint32_t known_fns[] = {
	0x84000000, 0x84000001, 0xc4000001, 0x84000002, 0x84000003, 0xc4000003,
	0x84000004, 0xc4000004, 0x84000006, 0x84000008, 0x84000009, 0x8400000a,
	0x80000000,	/* SMCCC_VERSION: PSCI_FEATURES knows it */
};
/* SMCCC calls that are not PSCI_FEATURES' business: ARCH_FEATURES and
 * WORKAROUND_1/2/3. */
static const uint32_t smccc_fns[] = { 0x80000001, 0x80008000, 0x80007fff, 0x80003fff };

static uint32_t pick_fn(uint8_t i)
{
	i %= ARRAY_SIZE(known_fns) + ARRAY_SIZE(smccc_fns);
	return i < ARRAY_SIZE(known_fns) ? known_fns[i] : smccc_fns[i - ARRAY_SIZE(known_fns)];
}

/* SMCCC_ARCH_FEATURES' answer, restated. */
static int64_t arch_features(const struct vpsci_vm_view *vm, uint32_t fn)
{
	if (fn == 0x80000000 || fn == 0x80000001)
		return 0;
	if (fn == 0x80008000 && vm->csv2)
		return 1;
	if (fn == 0x80003fff && vm->bhb_safe)
		return 1;
	return PSCI_NOT_SUPPORTED;
}

static bool implemented(uint32_t fn)
{
	for (unsigned i = 0; i < ARRAY_SIZE(known_fns); i++)
		if (known_fns[i] == fn)
			return true;
	return false;
}

static int find(const struct vpsci_vm_view *vm, uint64_t target)
{
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		if ((mpidr[i] & AFF_MASK) == (target & AFF_MASK))
			return (int)i;
	return -1;
}

static void step(struct fuzz_in *in, const struct vpsci_vm_view *vm, unsigned caller)
{
	uint8_t how = fuzz_u8(in);
	uint16_t imm = (how & 0x80) ? fuzz_u16(in) : 0;
	uint64_t x[4];
	struct vpsci_call c;
	bool smc32;

	x[0] = (how & 0x40) ? fuzz_u64(in) : pick_fn(how & 0x3f) |
		(fuzz_u64(in) & 0xffffffff00000000ULL);
	x[1] = fuzz_u64(in);
	if ((how & 0x30) == 0x10 && vm->n_vcpus)	/* aim at a real vCPU now and then */
		x[1] = (x[1] & ~AFF_MASK) | mpidr[x[1] % vm->n_vcpus];
	x[2] = fuzz_u64(in);
	if ((how & 0x30) == 0x20)			/* an entry in RAM */
		x[2] = vm->ram_base + x[2] % vm->ram_size;
	x[3] = fuzz_u64(in);

	vpsci_decide(imm, x, vm, &c);
	FUZZ_CHECK(c.fn == (uint32_t)x[0], "fn 0x%x from x0 0x%llx", c.fn,
		   (unsigned long long)x[0]);
	if (imm != 0) {
		FUZZ_CHECK(c.op == VPSCI_OP_RETURN && c.ret == PSCI_NOT_SUPPORTED && !c.counted,
			   "immediate 0x%x: op %d ret %lld", imm, c.op, (long long)c.ret);
		return;
	}
	FUZZ_CHECK(c.counted, "PSCI call not counted");
	smc32 = !(c.fn & 0x40000000u);
	{
		/* SMC32/HVC32: only the low halves of the arguments count. */
		uint64_t a1 = smc32 ? (uint32_t)x[1] : x[1];
		uint64_t a2 = smc32 ? (uint32_t)x[2] : x[2];
		uint64_t a3 = smc32 ? (uint32_t)x[3] : x[3];
		int t = find(vm, a1);
		bool entry_ok = a2 >= vm->ram_base && a2 - vm->ram_base < vm->ram_size;

		switch (c.fn) {
		case 0x84000000:
			FUZZ_CHECK(c.op == VPSCI_OP_RETURN && c.ret == PSCI_VERSION_1_1, "VERSION");
			break;
		case 0x84000001: case 0xc4000001:
			FUZZ_CHECK(c.op == VPSCI_OP_SUSPEND && c.ret == PSCI_SUCCESS, "CPU_SUSPEND");
			break;
		case 0x84000002:
			FUZZ_CHECK(c.op == VPSCI_OP_CPU_OFF, "CPU_OFF");
			powered[caller] = false;
			break;
		case 0x84000003: case 0xc4000003:
			if (t < 0) {
				FUZZ_CHECK(c.op == VPSCI_OP_RETURN && c.ret == PSCI_INVALID_PARAMS,
					   "CPU_ON of absent 0x%llx: op %d ret %lld",
					   (unsigned long long)a1, c.op, (long long)c.ret);
			} else if (!entry_ok) {
				FUZZ_CHECK(c.op == VPSCI_OP_RETURN && c.ret == PSCI_INVALID_ADDRESS,
					   "CPU_ON at 0x%llx outside RAM: op %d ret %lld",
					   (unsigned long long)a2, c.op, (long long)c.ret);
			} else {
				FUZZ_CHECK(c.op == VPSCI_OP_CPU_ON && c.target == (unsigned)t &&
					   c.entry == a2 && c.ctx == a3, "CPU_ON decision");
				/* What vpsci.c does with it, under its lock. */
				if (!powered[t])
					powered[t] = pending[t] = true;
			}
			break;
		case 0x84000004: case 0xc4000004:
			if (a2 != 0 || t < 0) {
				FUZZ_CHECK(c.op == VPSCI_OP_RETURN && c.ret == PSCI_INVALID_PARAMS,
					   "AFFINITY_INFO level %llu target 0x%llx",
					   (unsigned long long)a2, (unsigned long long)a1);
			} else {
				int64_t st = vpsci_affinity_state(powered[t], pending[t]);

				FUZZ_CHECK(c.op == VPSCI_OP_AFFINITY_INFO && c.target == (unsigned)t,
					   "AFFINITY_INFO decision");
				FUZZ_CHECK(st == (!powered[t] ? PSCI_AFF_OFF : pending[t]
						  ? PSCI_AFF_ON_PENDING : PSCI_AFF_ON),
					   "AFFINITY_INFO answer %lld", (long long)st);
			}
			break;
		case 0x84000006:
			FUZZ_CHECK(c.op == VPSCI_OP_RETURN && c.ret == PSCI_MIGRATE_NOT_REQUIRED,
				   "MIGRATE_INFO_TYPE");
			break;
		case 0x84000008:
			FUZZ_CHECK(c.op == VPSCI_OP_SYSTEM_OFF, "SYSTEM_OFF");
			break;
		case 0x84000009:
			FUZZ_CHECK(c.op == VPSCI_OP_SYSTEM_RESET, "SYSTEM_RESET");
			break;
		case 0x8400000a:
			FUZZ_CHECK(c.op == VPSCI_OP_RETURN &&
				   c.ret == (implemented((uint32_t)a1) ? PSCI_SUCCESS
								       : PSCI_NOT_SUPPORTED),
				   "FEATURES(0x%x) = %lld", (uint32_t)a1, (long long)c.ret);
			break;
		case 0x80000000:
			FUZZ_CHECK(c.op == VPSCI_OP_RETURN && c.ret == SMCCC_VERSION_1_1, "SMCCC_VERSION");
			break;
		case 0x80000001:
			FUZZ_CHECK(c.op == VPSCI_OP_RETURN && c.ret == arch_features(vm, (uint32_t)a1),
				   "ARCH_FEATURES(0x%x) = %lld", (uint32_t)a1, (long long)c.ret);
			break;
		case 0x80008000: case 0x80007fff: case 0x80003fff:
			FUZZ_CHECK(c.op == VPSCI_OP_RETURN && c.ret == PSCI_NOT_SUPPORTED,
				   "WORKAROUND 0x%x called", c.fn);
			break;
		default:
			FUZZ_CHECK(c.op == VPSCI_OP_UNKNOWN && c.ret == PSCI_NOT_SUPPORTED,
				   "unknown fn 0x%x: op %d ret %lld", c.fn, c.op, (long long)c.ret);
			break;
		}
	}
	if (c.op == VPSCI_OP_CPU_ON || c.op == VPSCI_OP_AFFINITY_INFO)
		FUZZ_CHECK(c.target < vm->n_vcpus, "target %u of %u", c.target, vm->n_vcpus);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct vpsci_vm_view vm;
	uint8_t shape = fuzz_u8(&in);

	vm.n_vcpus = 1 + shape % MAX_VCPUS;
	vm.vmpidr = mpidr;
	/* Tandem's MPIDRs (bit 31 RES1, Aff0 = i % 16), or any the input gives. */
	for (unsigned i = 0; i < vm.n_vcpus; i++)
		mpidr[i] = (shape & 0x80) ? fuzz_u64(&in) : (1ULL << 31) | ((i / 16) << 8) | (i % 16);
	vm.csv2 = shape & 0x40;
	vm.bhb_safe = shape & 0x20;
	vm.ram_base = fuzz_u64(&in) & ~0x1fffffULL;
	vm.ram_size = ((fuzz_u32(&in) & 0xfff) + 1) * 0x200000ULL;
	if (vm.ram_base + vm.ram_size < vm.ram_base)
		vm.ram_base = 0x40000000;
	memset(powered, 0, sizeof(powered));
	memset(pending, 0, sizeof(pending));
	powered[0] = true;

	for (unsigned s = 0; s < MAX_STEPS && in.left; s++) {
		unsigned caller = fuzz_u8(&in) % vm.n_vcpus;

		/* A vCPU that was turned on has run by now, sometimes. */
		if (caller & 1)
			pending[caller] = false;
		step(&in, &vm, caller);
	}
	return 0;
}
