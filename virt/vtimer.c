/*
 * The guests' virtual timer. A guest programs CNTV_* itself, untrapped.
 * When it fires, its PPI (INTID 27) reaches EL2 and is forwarded to the
 * vCPU loaded on this core as a hardware-linked virtual interrupt: the
 * host only drops priority, and the guest's EOI deactivates the physical
 * interrupt. A vCPU that is switched out (WFI, preempted) is woken by a host
 * timeout at its deadline instead (virt/vcpu.c).
 *
 * The guest writes CNTV_CTL/CVAL/TVAL untrapped, so when its timer's
 * output goes down (disabled, masked, compare value moved on) nothing
 * exits: each exit and each entry looks at the output again
 * (vgic_lr.c), before the guest can read the GIC's view of it.
 * Between the write and the next exit a guest with interrupts unmasked
 * can still take an interrupt already in its list register (as under KVM).
 */
#include <tandem/irq.h>
#include <tandem/log.h>
#include <tandem/percpu.h>
#include <virt/vm.h>


static void vtimer_isr(irqid_t intid, void *arg)
{
	struct cpu *c = this_cpu();
	struct vcpu *v = c->vcpu;
	struct vgic_irq *irq;
	k_spinlock_key_t key;

	c->guest_timer_irqs++;
	if (!v) {
		/* Nobody owns the timer now: switch it off (masked but enabled,
		 * a met condition would stay a timer the emulator keeps). */
		write_sysreg(cntv_ctl_el0, 0);
		irq_deactivate(intid);
		return;
	}
	v->vtimer_ticks++;
	key = k_spin_lock(&v->vm->vgic_lock);
	irq = vgic_get_irq(&v->vm->vgic, v->id, VTIMER_INTID);
	irq->hw_intid = VTIMER_INTID;
	vgic_inject(&v->vm->vgic, v->id, VTIMER_INTID, true);
	k_spin_unlock(&v->vm->vgic_lock, key);
}

#define CNTV_CTL_ENABLE		(1u << 0)
#define CNTV_CTL_IMASK		(1u << 1)
#define CNTV_CTL_ISTATUS	(1u << 2)

bool vtimer_output(void)
{
	return (read_sysreg(cntv_ctl_el0) & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK | CNTV_CTL_ISTATUS)) ==
	       (CNTV_CTL_ENABLE | CNTV_CTL_ISTATUS);
}

void vtimer_cpu_init(void)
{
	static bool connected;

	if (!connected) {
		irq_connect_forwarded(VTIMER_INTID, vtimer_isr, NULL);
		connected = true;
	}
	write_sysreg(cntv_ctl_el0, 0);
	irq_enable(VTIMER_INTID);
}
