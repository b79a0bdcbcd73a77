/*
 * Device passthrough on the target: at vm_create() each device of the
 * config is completed from the board DTB (virt/passthru_board.c), claimed
 * (one owner per register page and per SPI, whatever the configs said),
 * its register pages mapped into the VM's stage 2 as Device-nGnRE, and its
 * SPIs connected to the forwarding handler below.
 *
 * A forwarded SPI is never deactivated by the host: the handler drops
 * priority (irq_connect_forwarded), marks the virtual SPI as backed by the
 * physical one and raises it; the list register carries HW = 1 with the
 * physical INTID, so the guest's own EOI (or deactivation) deactivates the
 * physical line. A level line still high then fires again; an edge fires
 * when it next happens. The physical SPI is routed to the core of the vCPU
 * the guest routes the virtual one to, followed lazily: each interrupt
 * checks the virtual GICD_IROUTER and moves the physical one when they
 * differ (vCPUs are pinned, so a vCPU's core never changes under it).
 *
 * The host itself never maps or drives a passed-through device: Tandem
 * only touches the console UART, the GIC and the timers, and those are
 * refused here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/board.h>
#include <tandem/irq.h>
#include <tandem/log.h>
#include <tandem/percpu.h>
#include <tandem/spinlock.h>
#include <virt/passthru.h>
#include <virt/vm.h>

#define PT_PAGE		KiB(4)
#define MAX_CLAIMS	(16 * PT_MAX_REGS)

/* Who owns what, across every VM that exists. */
static struct claim {
	struct vm *vm;
	uint64_t base, size;	/* page span; size 0 = an interrupt claim */
	irqid_t intid;
} claims[MAX_CLAIMS];
static struct k_spinlock claims_lock;

static struct vm *claim_owner(uint64_t base, uint64_t size, irqid_t intid)
{
	for (unsigned i = 0; i < MAX_CLAIMS; i++) {
		struct claim *c = &claims[i];

		if (!c->vm)
			continue;
		if (size && c->size && ranges_overlap(base, size, c->base, c->size))
			return c->vm;
		if (!size && !c->size && c->intid == intid)
			return c->vm;
	}
	return NULL;
}

static int claim_add(struct vm *vm, uint64_t base, uint64_t size, irqid_t intid)
{
	for (unsigned i = 0; i < MAX_CLAIMS; i++)
		if (!claims[i].vm) {
			claims[i] = (struct claim){ vm, base, size, intid };
			return 0;
		}
	return -ENOSPC;
}

static void claims_release(struct vm *vm)
{
	k_spinlock_key_t key = k_spin_lock(&claims_lock);

	for (unsigned i = 0; i < MAX_CLAIMS; i++)
		if (claims[i].vm == vm)
			claims[i].vm = NULL;
	k_spin_unlock(&claims_lock, key);
}

/* Claim every page and SPI of vm's devices, or none of them. */
static int claim_all(struct vm *vm, char *err, size_t errlen)
{
	const struct vm_config *cfg = &vm->cfg;
	k_spinlock_key_t key = k_spin_lock(&claims_lock);
	int ret = 0;

	for (unsigned k = 0; k < cfg->n_passthru && !ret; k++) {
		const struct vm_passthru *d = &cfg->passthru[k];

		for (unsigned i = 0; i < d->n_regs && !ret; i++) {
			uint64_t base = ALIGN_DOWN(d->pa[i], PT_PAGE);
			uint64_t size = ALIGN_UP(d->pa[i] + d->size[i], PT_PAGE) - base;
			struct vm *o = claim_owner(base, size, 0);

			if (o) {
				snprintf(err, errlen, "%s: /%s/passthrough/%s: 0x%llx+0x%llx is already owned by VM '%s'",
					 cfg->file, cfg->name, d->name, (unsigned long long)base,
					 (unsigned long long)size, o->name);
				ret = -EBUSY;
			} else {
				ret = claim_add(vm, base, size, 0);
			}
		}
		for (unsigned i = 0; i < d->n_irqs && !ret; i++) {
			struct vm *o = claim_owner(0, 0, d->intid[i]);

			if (o) {
				snprintf(err, errlen, "%s: /%s/passthrough/%s: interrupt %u is already owned by VM '%s'",
					 cfg->file, cfg->name, d->name, d->intid[i], o->name);
				ret = -EBUSY;
			} else {
				ret = claim_add(vm, 0, 0, d->intid[i]);
			}
		}
	}
	if (ret == -ENOSPC)
		snprintf(err, errlen, "%s: /%s/passthrough: more devices than Tandem's table of %u claims",
			 cfg->file, cfg->name, MAX_CLAIMS);
	k_spin_unlock(&claims_lock, key);
	if (ret)
		claims_release(vm);
	return ret;
}

/* Physical SPI -> the core of the vCPU the guest routes it to. */
static void route_line(struct passthru_line *l)
{
	struct vm *vm = l->vm;
	struct vgic_irq *irq = vgic_get_irq(&vm->vgic, 0, l->virt);
	unsigned target = irq ? vgic_spi_target(&vm->vgic, irq) : 0;
	cpuid_t cpu = vm->vcpus[target < vm->n_vcpus ? target : 0].pcpu;

	if (l->routed_cpu == (int)cpu)
		return;
	irq_set_target(l->phys, cpu_get(cpu)->mpidr);
	l->routed_cpu = (int)cpu;
}

static void passthru_isr(irqid_t intid, void *arg)
{
	struct passthru_line *l = arg;
	struct vm *vm = l->vm;
	struct vgic_irq *irq;
	k_spinlock_key_t key;

	__atomic_add_fetch(&l->in_isr, 1, __ATOMIC_ACQUIRE);
	if (vm->stopping || (!vm_state_has_threads(vm->state) && vm->state != VM_STARTING)) {
		/* Raced with a stop: nobody will EOI it. Masked, and left
		 * active: a deactivation before the priority drop is ignored
		 * (QEMU does), and stop and start clear the active state. One
		 * that races with a pause is forwarded, for the resumed guest. */
		irq_disable(intid);
	} else {
		key = k_spin_lock(&vm->vgic_lock);
		irq = vgic_get_irq(&vm->vgic, 0, l->virt);
		irq->hw_intid = l->phys;
		vgic_inject(&vm->vgic, 0, l->virt, true);
		route_line(l);
		k_spin_unlock(&vm->vgic_lock, key);
	}
	__atomic_sub_fetch(&l->in_isr, 1, __ATOMIC_RELEASE);
}

int passthru_create(struct vm *vm, char *err, size_t errlen)
{
	struct vm_config *cfg = &vm->cfg;
	int ret;

	if (!cfg->n_passthru)
		return 0;
	for (unsigned k = 0; k < cfg->n_passthru; k++) {
		ret = passthru_resolve(board_dtb, &board, cfg, k, &cfg->passthru[k],
				       &vm->pt[k].fdt, err, errlen);
		if (ret)
			return ret;
	}
	ret = claim_all(vm, err, errlen);
	if (ret)
		return ret;
	for (unsigned k = 0; k < cfg->n_passthru; k++) {
		const struct vm_passthru *d = &cfg->passthru[k];
		struct passthru_dev *pd = &vm->pt[k];

		for (unsigned i = 0; i < d->n_regs; i++) {
			uint64_t base = ALIGN_DOWN(d->pa[i], PT_PAGE);
			uint64_t size = ALIGN_UP(d->pa[i] + d->size[i], PT_PAGE) - base;
			uint64_t ipa = ALIGN_DOWN(pd->fdt.ipa[i], PT_PAGE);

			ret = stage2_map(&vm->s2, ipa, base, size, S2_READ | S2_WRITE | S2_DEVICE);
			if (ret) {
				snprintf(err, errlen, "%s: /%s/passthrough/%s: cannot map 0x%llx+0x%llx at IPA 0x%llx (%d)",
					 cfg->file, cfg->name, d->name, (unsigned long long)base,
					 (unsigned long long)size, (unsigned long long)ipa, ret);
				claims_release(vm);
				return ret;
			}
		}
		for (unsigned i = 0; i < d->n_irqs; i++) {
			struct passthru_line *l = &pd->line[i];

			*l = (struct passthru_line){
				.vm = vm, .phys = d->intid[i], .virt = pd->fdt.intid[i],
				.edge = passthru_irq_edge(pd->fdt.irq_flags[i]), .routed_cpu = -1,
			};
			irq_disable(l->phys);
			irq_connect_forwarded(l->phys, passthru_isr, l);
		}
		LOG_INF("vm %s: passthrough %s: %s 0x%llx+0x%llx at IPA 0x%llx, %u interrupt(s)",
			vm->name, d->name, d->device[0] ? d->device : "reg",
			(unsigned long long)d->pa[0], (unsigned long long)d->size[0],
			(unsigned long long)pd->fdt.ipa[0], d->n_irqs);
	}
	return 0;
}

static void line_quiesce(struct passthru_line *l)
{
	irq_disable(l->phys);
	irq_set_active(l->phys, false);
}

/* The VM is about to be freed: no handler may still be looking at it. */
void passthru_destroy(struct vm *vm)
{
	for (unsigned k = 0; k < vm->cfg.n_passthru; k++)
		for (unsigned i = 0; i < vm->cfg.passthru[k].n_irqs; i++) {
			struct passthru_line *l = &vm->pt[k].line[i];

			/* Masked: no new interrupt comes. The handler stays
			 * connected (swapping fn and arg is not atomic) until a
			 * next owner connects its own. */
			line_quiesce(l);
			while (__atomic_load_n(&l->in_isr, __ATOMIC_ACQUIRE))
				;
		}
	claims_release(vm);
}

void passthru_start(struct vm *vm)
{
	for (unsigned k = 0; k < vm->cfg.n_passthru; k++)
		for (unsigned i = 0; i < vm->cfg.passthru[k].n_irqs; i++) {
			struct passthru_line *l = &vm->pt[k].line[i];
			struct vgic_irq *irq = vgic_get_irq(&vm->vgic, 0, l->virt);

			line_quiesce(l);
			irq->hw_intid = l->phys;
			irq->edge = l->edge;
			irq_set_edge(l->phys, l->edge);
			irq_set_priority(l->phys, IRQ_PRIO_DEFAULT);
			l->routed_cpu = -1;
			route_line(l);
			irq_enable(l->phys);
		}
}

void passthru_stop(struct vm *vm)
{
	for (unsigned k = 0; k < vm->cfg.n_passthru; k++)
		for (unsigned i = 0; i < vm->cfg.passthru[k].n_irqs; i++)
			line_quiesce(&vm->pt[k].line[i]);
}

/* A paused guest cannot take its interrupts: mask the lines, keep their
 * state (an active one stays active until the guest, resumed, EOIs it). */
void passthru_mask(struct vm *vm, bool masked)
{
	for (unsigned k = 0; k < vm->cfg.n_passthru; k++)
		for (unsigned i = 0; i < vm->cfg.passthru[k].n_irqs; i++) {
			irqid_t phys = vm->pt[k].line[i].phys;

			if (masked)
				irq_disable(phys);
			else
				irq_enable(phys);
		}
}
