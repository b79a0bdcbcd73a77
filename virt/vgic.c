/*
 * The virtual GICv3's interrupt state: reset, INTID lookup, input lines,
 * SGI generation from ICC_SGI1R_EL1, SPI routing, what is deliverable to a
 * vCPU and in which order, and the register-table dispatcher the
 * distributor (vgic_dist.c) and redistributor (vgic_redist.c) frames use.
 *
 * The caller holds the VM's vgic lock for every call; nothing here blocks.
 */
#include <tandem/types.h>
#include <virt/vgic.h>
#include "vgic_regs.h"
#include <errno.h>
#include <string.h>

/* ICC_SGI1R_EL1 fields. */
#define SGI1R_TARGETS(v)	((unsigned)((v) & 0xffff))
#define SGI1R_AFF1(v)		((unsigned)(((v) >> 16) & 0xff))
#define SGI1R_INTID(v)		((unsigned)(((v) >> 24) & 0xf))
#define SGI1R_AFF2(v)		((unsigned)(((v) >> 32) & 0xff))
#define SGI1R_IRM		(1ULL << 40)
#define SGI1R_RS(v)		((unsigned)(((v) >> 44) & 0xf))
#define SGI1R_AFF3(v)		((unsigned)(((v) >> 48) & 0xff))

#define IROUTER_IRM		(1ULL << 31)

static void irq_reset(struct vgic_irq *irq, irqid_t intid)
{
	memset(irq, 0, sizeof(*irq));
	irq->intid = intid;
	irq->edge = intid < VGIC_NR_SGIS;
	irq->lr_vcpu = -1;
	irq->pend_vcpu = -1;
}

void vgic_init(struct vgic *g, unsigned n_vcpus, unsigned nr_spis,
	       void (*kick)(void *ctx, unsigned vcpu), void *ctx)
{
	memset(g, 0, sizeof(*g));
	g->n_vcpus = MIN(n_vcpus, (unsigned)VGIC_MAX_VCPUS);
	g->nr_spis = ALIGN_UP(MIN(nr_spis, (unsigned)VGIC_MAX_SPIS), 32u);
	g->kick = kick;
	g->ctx = ctx;

	for (unsigned i = 0; i < VGIC_MAX_SPIS; i++)
		irq_reset(&g->spis[i], VGIC_NR_PRIVATE + i);
	for (unsigned v = 0; v < VGIC_MAX_VCPUS; v++) {
		struct vgic_cpu *c = &g->cpu[v];

		for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
			irq_reset(&c->priv[i], i);
		/* GICR_WAKER reads asleep out of reset, as on QEMU's GICv3
		 * and real ones; delivery does not wait for the wake-up
		 * (vgic_irq_deliverable()). */
		c->sleeping = true;
		c->mpidr = ((uint64_t)(v / 16) << 8) | (v % 16);
	}
}

struct vgic_irq *vgic_get_irq(struct vgic *g, unsigned vcpu, irqid_t intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return vcpu < g->n_vcpus ? &g->cpu[vcpu].priv[intid] : NULL;
	if (intid - VGIC_NR_PRIVATE < g->nr_spis)
		return &g->spis[intid - VGIC_NR_PRIVATE];
	return NULL;
}

/* No vCPU has the routed affinity: the SPI stays pending and goes nowhere
 * (as on hardware), shown as target n_vcpus. */
unsigned vgic_spi_target(const struct vgic *g, const struct vgic_irq *irq)
{
	if (irq->route & IROUTER_IRM)
		return 0;
	for (unsigned v = 0; v < g->n_vcpus; v++)
		if ((g->cpu[v].mpidr & VGIC_AFF_MASK) == (irq->route & VGIC_AFF_MASK))
			return v;
	return g->n_vcpus;
}

uint32_t vgic_group_enable(const struct vgic_irq *irq)
{
	if (irq->group1)
		return GICD_CTLR_ENABLE_G1;
	return irq->grpmod ? GICD_CTLR_ENABLE_G1S : GICD_CTLR_ENABLE_G0;
}

/* ProcessorSleep is not looked at: a guest that never writes GICR_WAKER
 * still gets its interrupts, as natively on QEMU (whose GICv3 ignores it)
 * and under KVM (which shows the redistributors awake). A real PE that is
 * running when its redistributor is asleep would be woken by them. */
bool vgic_irq_deliverable(const struct vgic *g, unsigned vcpu, const struct vgic_irq *irq)
{
	if (vcpu >= g->n_vcpus)
		return false;
	if (!irq->enabled || !vgic_irq_pending(irq) || !(g->ctlr & vgic_group_enable(irq)))
		return false;
	/* Already in a list register as active: the pending part waits for
	 * the guest's deactivation. */
	if (irq->active && irq->lr_vcpu >= 0)
		return false;
	if (irq->intid >= VGIC_NR_PRIVATE)
		return vgic_spi_target(g, irq) == vcpu;
	return irq == &g->cpu[vcpu].priv[irq->intid];
}

int vgic_ready_target(const struct vgic *g, unsigned vcpu, const struct vgic_irq *irq)
{
	unsigned target = irq->intid < VGIC_NR_PRIVATE ? vcpu : vgic_spi_target(g, irq);

	return vgic_irq_deliverable(g, target, irq) ? (int)target : -1;
}

int vgic_kick_if_newly_ready(struct vgic *g, unsigned vcpu, const struct vgic_irq *irq,
			     int before)
{
	int now = vgic_ready_target(g, vcpu, irq);

	if (now < 0 || now == before || !g->kick)
		return -1;
	g->kick(g->ctx, (unsigned)now);
	return now;
}

/* A new edge, or a level line rising again, on an interrupt held in a list
 * register (active there, or already finished by a guest that has not
 * exited since: one idling in an untrapped WFI may not exit for a long time)
 * is neither newly deliverable nor visible to the LR: its vCPU must come out
 * so the LR is synced and the interrupt delivered again. */
static void kick_new_edge_in_lr(struct vgic *g, const struct vgic_irq *irq, bool was_pending,
				bool was_level)
{
	bool rose = (!was_pending && irq->pending_latch) || (!was_level && irq->line_level);

	if (rose && irq->lr_vcpu >= 0 && g->kick)
		g->kick(g->ctx, (unsigned)irq->lr_vcpu);
}

static bool vcpu_has_ready(const struct vgic *g, unsigned vcpu, uint32_t groups)
{
	for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++) {
		const struct vgic_irq *irq = &g->cpu[vcpu].priv[i];

		if ((groups & vgic_group_enable(irq)) && vgic_irq_deliverable(g, vcpu, irq))
			return true;
	}
	for (unsigned i = 0; i < g->nr_spis; i++) {
		const struct vgic_irq *irq = &g->spis[i];

		if ((groups & vgic_group_enable(irq)) && vgic_irq_deliverable(g, vcpu, irq))
			return true;
	}
	return false;
}

void vgic_kick_ready_vcpus(struct vgic *g, unsigned vcpu_mask, uint32_t groups)
{
	if (!g->kick)
		return;
	for (unsigned v = 0; v < g->n_vcpus; v++)
		if ((vcpu_mask & (1u << v)) && vcpu_has_ready(g, v, groups))
			g->kick(g->ctx, v);
}

/* ---- the per-vCPU pending lists (struct vgic_cpu.pending) ------------------ */

/* A latch or input line up: what the pending lists track. */
static bool raised(const struct vgic_irq *irq)
{
	return irq->pending_latch || irq->line_level;
}

/* The lists' order: priority, then INTID. */
static bool pend_before(const struct vgic_irq *a, const struct vgic_irq *b)
{
	return a->priority < b->priority || (a->priority == b->priority && a->intid < b->intid);
}

static void pend_insert(struct vgic *g, unsigned vcpu, struct vgic_irq *irq)
{
	struct vgic_irq **pp = &g->cpu[vcpu].pending;

	while (*pp && pend_before(*pp, irq))
		pp = &(*pp)->pend_next;
	irq->pend_next = *pp;
	irq->pend_vcpu = (int8_t)vcpu;
	*pp = irq;
}

static void pend_remove(struct vgic *g, struct vgic_irq *irq)
{
	struct vgic_irq **pp = &g->cpu[irq->pend_vcpu].pending;

	while (*pp && *pp != irq)
		pp = &(*pp)->pend_next;
	if (*pp)	/* always, unless the lists were broken */
		*pp = irq->pend_next;
	irq->pend_next = NULL;
	irq->pend_vcpu = -1;
}

/* Whose list irq belongs on: its own vCPU's (private), its target's (SPI);
 * -1 for an SPI routed to no vCPU, which waits on none. */
static int pend_owner(const struct vgic *g, unsigned vcpu, const struct vgic_irq *irq)
{
	unsigned target;

	if (irq->intid < VGIC_NR_PRIVATE)
		return vcpu < g->n_vcpus ? (int)vcpu : -1;
	target = vgic_spi_target(g, irq);
	return target < g->n_vcpus ? (int)target : -1;
}

void vgic_note_pending(struct vgic *g, unsigned vcpu, struct vgic_irq *irq)
{
	int owner;

	if (!raised(irq) || irq->pend_vcpu >= 0)
		return;
	owner = pend_owner(g, vcpu, irq);
	if (owner >= 0)
		pend_insert(g, (unsigned)owner, irq);
}

void vgic_pending_requeue(struct vgic *g, unsigned vcpu, struct vgic_irq *irq)
{
	if (irq->pend_vcpu >= 0)
		pend_remove(g, irq);
	vgic_note_pending(g, vcpu, irq);
}

/* A level input went down while its interrupt waits, untaken, in a list
 * register: on a GIC it would no longer be pending, so the LR's holder is
 * asked to withdraw it, unless software made it pending too (ISPENDR),
 * which only the acknowledge ends. Hardware-linked ones are the timer's,
 * synced by the LR code itself. */
static void withdraw_level_from_lr(struct vgic *g, struct vgic_irq *irq)
{
	if (irq->edge || irq->hw_intid || irq->lr_vcpu < 0 || !irq->lr_pending ||
	    irq->lr_latched || irq->pending_latch)
		return;
	irq->lr_pending = false;
	irq->lr_req |= VGIC_LR_REQ_CLEAR_PENDING;
	if (g->kick)
		g->kick(g->ctx, (unsigned)irq->lr_vcpu);
}

int vgic_inject(struct vgic *g, unsigned vcpu, irqid_t intid, bool level)
{
	struct vgic_irq *irq = vgic_get_irq(g, vcpu, intid);
	bool was_pending, was_level;
	int before;

	if (!irq)
		return -EINVAL;
	vgic_touch(g);
	before = vgic_ready_target(g, vcpu, irq);
	was_pending = irq->pending_latch;
	was_level = irq->line_level;
	if (!level) {
		irq->line_level = false;
		withdraw_level_from_lr(g, irq);
	} else if (irq->edge)
		irq->pending_latch = true;
	else
		irq->line_level = true;
	vgic_note_pending(g, vcpu, irq);
	vgic_kick_if_newly_ready(g, vcpu, irq, before);
	kick_new_edge_in_lr(g, irq, was_pending, was_level);
	return 0;
}

static bool sgi_targets(const struct vgic *g, unsigned src, unsigned dst, uint64_t sgi1r)
{
	uint64_t mpidr = g->cpu[dst].mpidr;
	unsigned aff0 = VGIC_AFF0(mpidr);

	if (sgi1r & SGI1R_IRM)
		return dst != src;
	if (VGIC_AFF3(mpidr) != SGI1R_AFF3(sgi1r) || VGIC_AFF2(mpidr) != SGI1R_AFF2(sgi1r) ||
	    VGIC_AFF1(mpidr) != SGI1R_AFF1(sgi1r))
		return false;
	/* RS picks which block of 16 Aff0 values TargetList covers. */
	if (aff0 / 16 != SGI1R_RS(sgi1r))
		return false;
	return SGI1R_TARGETS(sgi1r) & (1u << (aff0 % 16));
}

static void send_sgi(struct vgic *g, unsigned src, uint64_t sgi1r, bool group1)
{
	irqid_t intid = SGI1R_INTID(sgi1r);

	if (src >= g->n_vcpus)
		return;
	vgic_touch(g);
	for (unsigned v = 0; v < g->n_vcpus; v++) {
		struct vgic_irq *irq = &g->cpu[v].priv[intid];
		bool was_pending;
		int before;

		if (!sgi_targets(g, src, v, sgi1r) || vgic_irq_as_group1(irq) != group1)
			continue;
		before = vgic_ready_target(g, v, irq);
		was_pending = irq->pending_latch;
		irq->pending_latch = true;
		irq->sgi_src |= (uint16_t)(1u << src);
		vgic_note_pending(g, v, irq);
		vgic_kick_if_newly_ready(g, v, irq, before);
		kick_new_edge_in_lr(g, irq, was_pending, true);
	}
}

void vgic_send_sgi(struct vgic *g, unsigned src, uint64_t sgi1r)
{
	send_sgi(g, src, sgi1r, true);
}

/* ICC_SGI0R_EL1 has ICC_SGI1R_EL1's layout. */
void vgic_send_sgi0(struct vgic *g, unsigned src, uint64_t sgi0r)
{
	send_sgi(g, src, sgi0r, false);
}

unsigned vgic_collect_pending(struct vgic *g, unsigned vcpu, struct vgic_irq **out, unsigned max)
{
	struct vgic_irq **pp, *irq;
	unsigned n = 0;

	if (vcpu >= g->n_vcpus || max == 0)
		return 0;
	/* Nothing changed since a collect that found nothing: the hot path
	 * of every exit that is not about interrupts. */
	if (g->empty_valid[vcpu] && g->empty_epoch[vcpu] == g->epoch)
		return 0;
	/* In list order, which is the delivery order: the first max
	 * deliverable ones are the answer. Ones found down leave. */
	pp = &g->cpu[vcpu].pending;
	while ((irq = *pp) && n < max) {
		if (!raised(irq)) {
			*pp = irq->pend_next;
			irq->pend_next = NULL;
			irq->pend_vcpu = -1;
			continue;
		}
		if (irq->lr_vcpu < 0 && vgic_irq_deliverable(g, vcpu, irq))
			out[n++] = irq;
		pp = &irq->pend_next;
	}
	g->empty_valid[vcpu] = (n == 0);
	g->empty_epoch[vcpu] = g->epoch;
	return n;
}

static const struct vgic_reg *find_row(const struct vgic_reg *tbl, size_t n, uint64_t offset)
{
	for (size_t i = 0; i < n; i++)
		if (offset >= tbl[i].offset && offset - tbl[i].offset < tbl[i].len)
			return &tbl[i];
	return NULL;
}

int vgic_regs_access(const struct vgic_reg *tbl, size_t n, const struct vgic_mmio *m,
		     uint64_t offset, unsigned size, bool write, uint64_t *val)
{
	if (write)
		vgic_touch(m->g);
	const struct vgic_reg *row;
	uint64_t mask;
	uint32_t off;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return -EINVAL;
	if (offset & (size - 1))
		return -EINVAL;
	mask = size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;

	row = find_row(tbl, n, offset);
	if (!row) {
		if (!write)
			*val = 0;
		return 0;
	}
	off = (uint32_t)(offset - row->offset);
	if (!(row->widths & size) || off + size > row->len)
		return -EINVAL;

	if (write) {
		if (row->write)
			row->write(m, off, size, *val & mask);
	} else {
		*val = row->read ? row->read(m, off, size) & mask : 0;
	}
	return 0;
}
