/*
 * Moving interrupts between a vCPU's vGIC model and this core's list
 * registers: before entering the guest, the highest-priority deliverable
 * interrupts go into free LRs (hardware-linked when a physical interrupt
 * backs them); after an exit, the LRs are read back so the model knows what
 * the guest acknowledged, handled and deactivated. When more interrupts are
 * pending than LRs exist, the underflow maintenance interrupt brings the
 * vCPU out as soon as LRs free up, so nothing waits longer than needed.
 */
#include <tandem/bitops.h>
#include <tandem/irq.h>
#include <tandem/percpu.h>
#include <virt/vm.h>
#include <arch/vgic_hw.h>

#define MAINT_INTID 25

static uint64_t lr_value(const struct vgic_irq *irq)
{
	uint64_t lr = ICH_LR_PENDING | (uint64_t)irq->intid |
		      (uint64_t)irq->priority << ICH_LR_PRIO_SHIFT;

	if (vgic_irq_as_group1(irq))
		lr |= ICH_LR_GROUP1;	/* else Group 0: a vFIQ, with ICH_VMCR_EL2.VENG0 */
	if (irq->hw_intid)
		lr |= ICH_LR_HW | (uint64_t)irq->hw_intid << ICH_LR_PINTID_SHIFT;
	else if (!irq->edge)
		/* A level line may still be up when the guest deactivates it
		 * (no exit): the EOI maintenance interrupt brings the vCPU out
		 * so the next flush delivers it again. */
		lr |= ICH_LR_EOI;
	return lr;
}

static unsigned n_lrs;		/* ICH_VTR_EL2.ListRegs + 1, the same on every core */

/* The interrupt held by used list register i; NULL if it names nothing
 * the model knows. vgic lock held. */
static struct vgic_irq *lr_irq(struct vcpu *v, unsigned i)
{
	return vgic_get_irq(&v->vm->vgic, v->id, v->arch.gic.lr_intid[i]);
}

/* Underflow maintenance on or off; ICH_HCR_EL2 is written (with its ISB)
 * only on a change, reading it is cheap. */
static void set_underflow_irq(bool on)
{
	if (((vgic_hw_get_hcr() & ICH_HCR_UIE) != 0) == on)
		return;
	vgic_hw_set_hcr(on ? (ICH_HCR_EN | ICH_HCR_UIE) : ICH_HCR_EN);
}

/* List register i no longer holds irq. vgic lock held. */
static void lr_release(struct vcpu *v, unsigned i, struct vgic_irq *irq)
{
	vgic_hw_write_lr(i, 0);
	v->arch.gic.used_lrs &= ~(1U << i);
	irq->lr_vcpu = -1;
	irq->lr_pending = false;
	irq->lr_latched = false;
	irq->lr_req = 0;
	if (irq->hw_intid)
		irq->line_level = false;	/* the physical line re-fires if still high */
	vgic_touch(&v->vm->vgic);
}

/* Apply the guest's register writes (ICPENDR, IS/ICACTIVER) to the LR
 * holding irq; an LR left with neither state is freed. A hardware-linked
 * one left with neither state takes the physical interrupt's active state
 * with it, as the guest's deactivation would have. vgic lock held. */
static void lr_apply_requests(struct vcpu *v, unsigned i, struct vgic_irq *irq)
{
	uint64_t lr = vgic_hw_read_lr(i);

	if (irq->lr_req & VGIC_LR_REQ_CLEAR_PENDING)
		lr &= ~ICH_LR_PENDING;
	if (irq->lr_req & VGIC_LR_REQ_CLEAR_ACTIVE)
		lr &= ~ICH_LR_ACTIVE;
	/* A hardware-linked LR's active state is the physical interrupt's:
	 * only the guest's own acknowledge sets it. */
	if ((irq->lr_req & VGIC_LR_REQ_SET_ACTIVE) && !(lr & ICH_LR_HW))
		lr |= ICH_LR_ACTIVE;
	irq->lr_req = 0;
	irq->lr_pending = (lr & ICH_LR_PENDING) != 0;
	irq->active = (lr & ICH_LR_ACTIVE) != 0;
	if (lr & (ICH_LR_PENDING | ICH_LR_ACTIVE)) {
		vgic_hw_write_lr(i, lr);
		return;
	}
	if (lr & ICH_LR_HW)
		irq_set_active(irq->hw_intid, false);
	lr_release(v, i, irq);
}

/* The timer's output went down (disabled, masked, compare value moved on)
 * while its interrupt is raised: lower it, withdraw it from an LR where it
 * is pending and not yet taken (once taken the guest's EOI ends it), and
 * deactivate the physical PPI, whose priority the host only dropped, so
 * that it can fire again. vgic lock held, v loaded here. */
static void vtimer_sync_line(struct vcpu *v)
{
	struct vgic_irq *irq = &v->vm->vgic.cpu[v->id].priv[VTIMER_INTID];
	struct vgic_hw_state *hw = &v->arch.gic;

	if (!irq->line_level || !irq->hw_intid || vtimer_output())
		return;
	if (irq->lr_vcpu == (int)v->id) {
		for (uint32_t used = hw->used_lrs; used; used &= used - 1) {
			unsigned i = (unsigned)__builtin_ctz(used);

			if (hw->lr_intid[i] != VTIMER_INTID)
				continue;
			if (vgic_hw_read_lr(i) & ICH_LR_ACTIVE)
				return;
			lr_release(v, i, irq);
			break;
		}
	}
	irq->line_level = false;
	irq_set_active(VTIMER_INTID, false);
	vgic_touch(&v->vm->vgic);
}

/* IRQs masked, vCPU loaded on this core. */
void vgic_lr_flush(struct vcpu *v)
{
	struct vgic_hw_state *hw = &v->arch.gic;
	struct vm *vm = v->vm;
	struct vgic_irq *pend[ICH_MAX_LRS + 1];
	uint32_t free_mask;
	unsigned free_lrs, n, k = 0;
	k_spinlock_key_t key;

	key = k_spin_lock(&vm->vgic_lock);
	/* Switched in since the last entry: the timer's line may be down.
	 * (After an exit vgic_lr_sync() has looked already.) */
	if (hw->vtimer_resync) {
		hw->vtimer_resync = false;
		vtimer_sync_line(v);
	}
	for (uint32_t used = hw->used_lrs; used; used &= used - 1) {
		unsigned i = (unsigned)__builtin_ctz(used);
		struct vgic_irq *irq = lr_irq(v, i);
		uint64_t lr;

		if (irq && irq->lr_req) {
			lr_apply_requests(v, i, irq);
			if (irq->lr_vcpu < 0)
				continue;
		}
		/* New edges on interrupts already in an LR: pending + active there. */
		if (!irq || !irq->pending_latch)
			continue;
		lr = vgic_hw_read_lr(i);
		if (!(lr & ICH_LR_HW)) {
			vgic_hw_write_lr(i, lr | ICH_LR_PENDING);
			irq->pending_latch = false;
			irq->lr_pending = true;
			irq->sgi_src = 0;
			vgic_touch(&vm->vgic);
		}
	}
	free_mask = ~hw->used_lrs & ((1U << n_lrs) - 1);
	free_lrs = hweight32(free_mask);
	n = vgic_collect_pending(&vm->vgic, v->id, pend, free_lrs + 1);
	for (; free_mask && k < n; free_mask &= free_mask - 1) {
		unsigned i = (unsigned)__builtin_ctz(free_mask);
		struct vgic_irq *irq = pend[k++];

		vgic_hw_write_lr(i, lr_value(irq));
		hw->used_lrs |= 1U << i;
		hw->lr_intid[i] = irq->intid;
		irq->lr_vcpu = (int)v->id;
		irq->lr_pending = true;
		irq->lr_latched = irq->pending_latch;
		irq->lr_req = 0;
		/* The LR now holds the pending state; a software-pending level
		 * interrupt also ends when acknowledged (the line re-asserts). */
		irq->pending_latch = false;
		irq->sgi_src = 0;
	}
	if (k)
		vgic_touch(&vm->vgic);
	k_spin_unlock(&vm->vgic_lock, key);

	/* More waiting than fits: come back out when the LRs drain. */
	set_underflow_irq(n > k);
}

/* IRQs masked, right after the exit. */
void vgic_lr_sync(struct vcpu *v)
{
	struct vgic_hw_state *hw = &v->arch.gic;
	struct vm *vm = v->vm;
	k_spinlock_key_t key;

	/* Unlocked peek: only this core raises the timer's line. */
	if (!hw->used_lrs && !vm->vgic.cpu[v->id].priv[VTIMER_INTID].line_level)
		return;
	key = k_spin_lock(&vm->vgic_lock);
	for (uint32_t used = hw->used_lrs; used; used &= used - 1) {
		unsigned i = (unsigned)__builtin_ctz(used);
		struct vgic_irq *irq = lr_irq(v, i);
		uint64_t lr = vgic_hw_read_lr(i);

		if (!irq)
			continue;
		/* A register write waits for the flush to reach this LR: the
		 * model already shows its result, keep it. */
		if (irq->lr_req && (lr & (ICH_LR_PENDING | ICH_LR_ACTIVE)))
			continue;
		if (irq->active != ((lr & ICH_LR_ACTIVE) != 0) ||
		    irq->lr_pending != ((lr & ICH_LR_PENDING) != 0)) {
			irq->active = (lr & ICH_LR_ACTIVE) != 0;
			irq->lr_pending = (lr & ICH_LR_PENDING) != 0;
			vgic_touch(&vm->vgic);
		}
		if (lr & (ICH_LR_PENDING | ICH_LR_ACTIVE))
			continue;	/* still the guest's */
		/* Done: acknowledged, handled and deactivated by the guest. */
		lr_release(v, i, irq);
	}
	/* The guest may have disabled, masked or re-armed its timer: what it
	 * reads next (GICR_ISPENDR0) must show the line as it is now. */
	vtimer_sync_line(v);
	k_spin_unlock(&vm->vgic_lock, key);
}

/* The maintenance interrupt (underflow, or a level interrupt's EOI) only
 * exists to make the vCPU exit; the sync on that exit frees the LR (which
 * ends the EOI condition) and the next flush refills the LRs. */
static void maint_isr(irqid_t intid, void *arg)
{
	struct vcpu *v = this_cpu()->vcpu;

	vgic_hw_set_hcr(vgic_hw_get_hcr() & ~ICH_HCR_UIE);
	if (v)
		v->exits[EXIT_MAINT]++;
}

void vgic_lr_cpu_init(void)
{
	static bool connected;

	if (!connected) {
		n_lrs = vgic_hw_num_lrs();
		irq_connect(MAINT_INTID, maint_isr, NULL);
		connected = true;
	}
	irq_enable(MAINT_INTID);
}
