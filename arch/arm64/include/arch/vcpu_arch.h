/*
 * A vCPU's architectural state: guest general registers, PC/PSTATE, the EL1
 * system registers switched with the vCPU thread, the virtual timer and the
 * GIC virtual CPU interface, plus the host registers __guest_enter saves.
 */
#ifndef ARCH_VCPU_ARCH_H
#define ARCH_VCPU_ARCH_H

#define VCPU_X(n)	((n) * 8)
#define VCPU_PC		(31 * 8)
#define VCPU_PSTATE	(32 * 8)
#define VCPU_HOST	(33 * 8)	/* x19..x30 of the host, 12 regs */
#define VCPU_HOST_SP	(45 * 8)
/* The guest's SP_EL0, switched at every entry and exit (the host's vectors
 * borrow SP_EL0 as a scratch register, vectors.S). */
#define VCPU_SP_EL0	(61 * 8)

#define GUEST_EXIT_SYNC	1
#define GUEST_EXIT_IRQ	2
#define GUEST_EXIT_FIQ	3
#define GUEST_EXIT_SERROR	4
/* Not entered: an SError was pending (guest_entry.S, serror.c). */
#define GUEST_EXIT_SERROR_AT_ENTRY	5
/* Or'ed into the exit code: an SError was pending at the exit. */
#define GUEST_EXIT_SERROR_PENDING	0x100

#define ICH_MAX_LRS	16

#ifndef __ASSEMBLY__
#include <tandem/types.h>
#include <arch/vdebug.h>

struct el1_sysregs {
	uint64_t sctlr, cpacr, ttbr0, ttbr1, tcr, mair, amair, vbar;
	uint64_t contextidr, tpidr_el0, tpidrro_el0, tpidr_el1, sp_el0, sp_el1;
	uint64_t elr, spsr, esr, far, afsr0, afsr1, par, cntkctl;
	uint64_t csselr;
};

struct vgic_hw_state {
	uint64_t lr[ICH_MAX_LRS];
	uint64_t vmcr, hcr;
	uint64_t ap0r0, ap1r0;
	uint32_t used_lrs;		/* bitmap of LRs holding something */
	uint32_t lr_intid[ICH_MAX_LRS];	/* what each used LR holds */
	bool vtimer_phys_active;	/* PPI 27 active at the GIC when put */
	bool vtimer_resync;		/* switched in: look at the timer's line before entry */
};

struct vtimer_state {
	uint64_t ctl, cval;
};

struct vcpu_arch {
	uint64_t x[31];
	uint64_t pc;			/* ELR_EL2 */
	uint64_t pstate;		/* SPSR_EL2 */
	uint64_t host[12];		/* host x19..x30 while the guest runs */
	uint64_t host_sp;
	/* syndrome of the last exit, captured before IRQs are unmasked */
	uint64_t esr, far, hpfar;
	struct el1_sysregs el1;
	struct vtimer_state vtimer;
	struct vgic_hw_state gic;
	uint64_t hcr, vttbr, vtcr, vmpidr, cntvoff;
	struct vcpu_debug dbg;		/* MDSCR_EL1 and the debug registers */
};

_Static_assert(__builtin_offsetof(struct vcpu_arch, pc) == VCPU_PC, "vcpu");
_Static_assert(__builtin_offsetof(struct vcpu_arch, host) == VCPU_HOST, "vcpu");
_Static_assert(__builtin_offsetof(struct vcpu_arch, host_sp) == VCPU_HOST_SP, "vcpu");
_Static_assert(__builtin_offsetof(struct vcpu_arch, el1.sp_el0) == VCPU_SP_EL0, "vcpu");

/* Run the guest until it exits; returns GUEST_EXIT_*. IRQs must be masked. */
int __guest_enter(struct vcpu_arch *v);

#endif
#endif
