/*
 * The EL1 physical timer of one vCPU, emulated (virt/vptimer.c): CNTHCTL_EL2
 * traps the guest's CNTP_CTL/CVAL/TVAL_EL0 accesses to the register model
 * (virt/ptimer_regs.c); a host k_timer on the vCPU's core stands in for the
 * comparator; the timer's output drives PPI 30 of the vGIC as a level.
 * The counter it compares with is the physical one (CNTPCT_EL0 stays
 * readable untrapped; CNTVOFF_EL2 is 0, so both counts are the same).
 */
#ifndef VIRT_VPTIMER_H
#define VIRT_VPTIMER_H

#include <tandem/kernel.h>
#include <virt/ptimer.h>

struct vcpu;

struct vptimer {
	struct ptimer_regs regs;
	struct k_timer comparator;	/* armed on the vCPU's core */
	bool line;			/* the level last driven into the vGIC */
	uint64_t fired;			/* rising edges of the line */
};

/* Before the vCPU's thread exists (vm_start). */
void vptimer_init(struct vcpu *v);
/* On the vCPU's own core: PSCI CPU_ON reset, and the thread's end. */
void vptimer_reset(struct vcpu *v);
/* A trapped CNTP_* access (op0 3, op1 3, CRn 14, CRm 2); false if op2
 * names no physical-timer register. */
bool vptimer_access(struct vcpu *v, unsigned op2, bool read, uint64_t *val);

#endif
