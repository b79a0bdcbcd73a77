/*
 * The EL1 physical timer, emulated per vCPU (include/virt/vptimer.h).
 * Guests without it polled CNTP_CTL_EL0 for ever (it read as 0): QEMU and
 * KVM give an EL1 guest a working one, and the guest DTB advertises its
 * PPI. The registers are memory (the model in ptimer_regs.c), so a
 * switched-out vCPU keeps them with nothing to save; the comparator is a
 * host timeout on the vCPU's core, whose expiry raises the line through
 * the vGIC, which wakes a vCPU waiting in WFI or kicks a running one.
 *
 * Only the vCPU's own core touches its timer: trapped accesses run on its
 * thread, the expiry in an interrupt on the same core (the timer is armed
 * there), and interrupts are masked around every update.
 */
#include <tandem/log.h>
#include <virt/vm.h>

static void drive(struct vcpu *v, bool level)
{
	struct vptimer *p = &v->ptimer;
	k_spinlock_key_t key;

	if (level == p->line)
		return;
	p->line = level;
	if (level)
		p->fired++;
	key = k_spin_lock(&v->vm->vgic_lock);
	vgic_inject(&v->vm->vgic, v->id, PTIMER_INTID, level);
	k_spin_unlock(&v->vm->vgic_lock, key);
}

/* Line and comparator after a register write or an expiry. */
static void update(struct vcpu *v)
{
	struct vptimer *p = &v->ptimer;
	uint64_t key = arch_irq_lock();
	uint64_t now = k_cycle_get(), ticks;

	drive(v, ptimer_output(&p->regs, now));
	/* K_FOREVER disarms without a reschedule (k_timer_stop would). */
	if (ptimer_next_wait(&p->regs, now, &ticks))
		k_timer_start(&p->comparator, K_NSEC(k_cycles_to_ns(ticks)), K_NO_WAIT);
	else
		k_timer_start(&p->comparator, K_FOREVER, K_NO_WAIT);
	arch_irq_unlock(key);
}

static void comparator_expired(struct k_timer *t)
{
	struct vcpu *v = container_of(t, struct vcpu, ptimer.comparator);

	/* Early (a capped wait) or late: update() looks at the count again. */
	update(v);
}

void vptimer_init(struct vcpu *v)
{
	k_timer_init(&v->ptimer.comparator, comparator_expired, NULL);
	ptimer_reset(&v->ptimer.regs);
	v->ptimer.line = false;
	v->ptimer.fired = 0;
}

void vptimer_reset(struct vcpu *v)
{
	ptimer_reset(&v->ptimer.regs);
	update(v);	/* line down, comparator off */
}

bool vptimer_access(struct vcpu *v, unsigned op2, bool read, uint64_t *val)
{
	static const enum ptimer_reg regs[] = { PTIMER_TVAL, PTIMER_CTL, PTIMER_CVAL };
	uint64_t key;

	if (op2 >= ARRAY_SIZE(regs))
		return false;
	if (read) {
		key = arch_irq_lock();
		*val = ptimer_read(&v->ptimer.regs, regs[op2], k_cycle_get());
		arch_irq_unlock(key);
		return true;
	}
	key = arch_irq_lock();
	ptimer_write(&v->ptimer.regs, regs[op2], *val, k_cycle_get());
	update(v);
	arch_irq_unlock(key);
	return true;
}
