/*
 * vPSCI's decisions apart from their effects: which PSCI call a guest's
 * HVC/SMC makes and whether its arguments hold, from x0..x3, the call's
 * immediate and what the VM looks like. Needs nothing of the kernel, so the
 * host fuzzes it (tests/fuzz/fuzz_vpsci.c); virt/vpsci.c carries it out.
 */
#ifndef VIRT_VPSCI_CALL_H
#define VIRT_VPSCI_CALL_H

#include <tandem/types.h>

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMS	(-2)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_INVALID_ADDRESS	(-9)

#define PSCI_VERSION_1_1	0x00010001
#define SMCCC_VERSION_1_1	0x00010001
/* SMCCC_ARCH_FEATURES of a workaround: this PE does not need it. */
#define SMCCC_WORKAROUND_NOT_REQUIRED	1
#define PSCI_MIGRATE_NOT_REQUIRED 2

/* AFFINITY_INFO answers. */
#define PSCI_AFF_ON		0
#define PSCI_AFF_OFF		1
#define PSCI_AFF_ON_PENDING	2

enum vpsci_op {
	VPSCI_OP_RETURN,	/* answer ret in x0, nothing else */
	VPSCI_OP_SUSPEND,	/* wait as a WFI would, then answer ret */
	VPSCI_OP_CPU_OFF,	/* the caller powers off: no answer */
	VPSCI_OP_CPU_ON,	/* power target on at entry/ctx, unless it is on already */
	VPSCI_OP_AFFINITY_INFO,	/* answer target's power state */
	VPSCI_OP_SYSTEM_OFF,	/* stop the calling VM: no answer */
	VPSCI_OP_SYSTEM_RESET,	/* restart the calling VM: no answer */
	VPSCI_OP_UNKNOWN,	/* answer ret (NOT_SUPPORTED), worth a debug line */
};

/* The VM as the decision needs it. */
struct vpsci_vm_view {
	const uint64_t *vmpidr;	/* each vCPU's MPIDR_EL1 as its guest reads it */
	unsigned n_vcpus;
	uint64_t ram_base, ram_size;
	/* Speculation properties of the cores (ID registers), for the SMCCC
	 * workaround discovery: branch predictors not shared between
	 * contexts (ID_AA64PFR0_EL1.CSV2 >= 1); branch history not either
	 * (CSV2 >= 3, or ID_AA64MMFR1_EL1.ECBHB). */
	bool csv2, bhb_safe;
};

struct vpsci_call {
	enum vpsci_op op;
	uint32_t fn;		/* the function ID (x0's low 32 bits) */
	bool counted;		/* a PSCI call (immediate 0): counts as a PSCI exit */
	int64_t ret;		/* RETURN, SUSPEND, UNKNOWN */
	unsigned target;	/* CPU_ON, AFFINITY_INFO: a vCPU index < n_vcpus */
	uint64_t entry, ctx;	/* CPU_ON: entry is inside guest RAM */
};

/* imm: the HVC/SMC immediate (ESR_EL2.ISS[15:0]); x: the caller's x0..x3. */
void vpsci_decide(uint16_t imm, const uint64_t x[4], const struct vpsci_vm_view *vm,
		  struct vpsci_call *c);
/* AFFINITY_INFO's answer for a vCPU in that power state. */
int64_t vpsci_affinity_state(bool powered, bool reset_pending);

#endif
