/*
 * The virtual GICv3 distributor's registers (64 KiB frame), as a table of
 * rows (see vgic_regs.h), and the per-INTID register handlers the
 * redistributors' SGI_base frame shares.
 *
 * Affinity routing is always on (ARE = 1) and there is one security state
 * (DS = 1): INTIDs 0..31 live in the redistributors, so their parts of the
 * distributor's per-INTID registers read as zero and ignore writes, as do
 * ITARGETSR, NSACR and the GICv2 SGI registers. IGRPMODR and GICD_CTLR's
 * bit 2 are kept for guests built for the secure world (vgic_group_enable()). INTIDs past the
 * implemented SPIs do the same.
 */
#include <tandem/types.h>
#include <virt/vgic.h>
#include "vgic_regs.h"
#include <errno.h>

#define GICD_TYPER_IDBITS	(15u << 19)	/* 16-bit INTIDs: GICv3's minimum */
#define GICD_TYPER_A3V		(1u << 24)	/* IROUTER keeps Aff3 */
#define IROUTER_MASK		(VGIC_AFF_MASK | (1ULL << 31))	/* Aff3..0, IRM */

/* The irq a per-INTID row addresses; NULL where it reads as zero. */
static struct vgic_irq *mmio_irq(const struct vgic_mmio *m, irqid_t intid)
{
	if (m->banked)
		return intid < VGIC_NR_PRIVATE ? &m->g->cpu[m->vcpu].priv[intid] : NULL;
	if (intid < VGIC_NR_PRIVATE)
		return NULL;
	return vgic_get_irq(m->g, m->vcpu, intid);
}

/* --- one bit per INTID: IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER --- */

static uint64_t bitmap_read(const struct vgic_mmio *m, uint32_t off,
			    bool (*get)(const struct vgic_irq *irq))
{
	irqid_t first = off * 8;
	uint64_t v = 0;

	for (unsigned i = 0; i < 32; i++) {
		const struct vgic_irq *irq = mmio_irq(m, first + i);

		if (irq && get(irq))
			v |= 1ULL << i;
	}
	return v;
}

/* every_bit: the register holds a value per INTID (IGROUPR); otherwise it
 * is a set or clear register and zero bits do nothing. */
static void bitmap_write(const struct vgic_mmio *m, uint32_t off, uint64_t val, bool every_bit,
			 void (*apply)(struct vgic_irq *irq, bool bit))
{
	irqid_t first = off * 8;

	for (unsigned i = 0; i < 32; i++) {
		bool bit = (val >> i) & 1;
		struct vgic_irq *irq;
		uint8_t req;
		int before, kicked;

		if (!bit && !every_bit)
			continue;
		irq = mmio_irq(m, first + i);
		if (!irq)
			continue;
		before = vgic_ready_target(m->g, m->vcpu, irq);
		req = irq->lr_req;
		apply(irq, bit);
		vgic_note_pending(m->g, m->vcpu, irq);
		kicked = vgic_kick_if_newly_ready(m->g, m->vcpu, irq, before);
		/* The change is for a list register: its holder applies it. */
		if (irq->lr_req != req && irq->lr_vcpu >= 0 && irq->lr_vcpu != kicked && m->g->kick)
			m->g->kick(m->g->ctx, (unsigned)irq->lr_vcpu);
	}
}

static bool get_group(const struct vgic_irq *irq) { return irq->group1; }
static bool get_grpmod(const struct vgic_irq *irq) { return irq->grpmod; }
static bool get_enable(const struct vgic_irq *irq) { return irq->enabled; }
static bool get_active(const struct vgic_irq *irq) { return irq->active; }

/* Pending as the guest sees it: also while its list register holds it. */
static bool get_pending(const struct vgic_irq *irq)
{
	return vgic_irq_pending(irq) || (irq->lr_vcpu >= 0 && irq->lr_pending);
}

static void set_group(struct vgic_irq *irq, bool bit) { irq->group1 = bit; }
static void set_grpmod(struct vgic_irq *irq, bool bit) { irq->grpmod = bit; }
static void set_enable(struct vgic_irq *irq, bool bit) { irq->enabled = true; }
static void clear_enable(struct vgic_irq *irq, bool bit) { irq->enabled = false; }

/* The active state of an irq in a list register is that LR's: the model
 * follows it at each exit, so a write to it is passed on to the LR. */
static void set_active(struct vgic_irq *irq, bool bit)
{
	irq->active = true;
	if (irq->lr_vcpu >= 0) {
		irq->lr_req &= (uint8_t)~VGIC_LR_REQ_CLEAR_ACTIVE;
		irq->lr_req |= VGIC_LR_REQ_SET_ACTIVE;
	}
}

static void clear_active(struct vgic_irq *irq, bool bit)
{
	irq->active = false;
	if (irq->lr_vcpu >= 0) {
		irq->lr_req &= (uint8_t)~VGIC_LR_REQ_SET_ACTIVE;
		irq->lr_req |= VGIC_LR_REQ_CLEAR_ACTIVE;
	}
}

/* Software pending: a level input that is still asserted keeps the irq
 * pending after ICPENDR, the latch is what software controls. */
static void set_pending(struct vgic_irq *irq, bool bit) { irq->pending_latch = true; }

static void clear_pending(struct vgic_irq *irq, bool bit)
{
	irq->pending_latch = false;
	irq->sgi_src = 0;
	/* Pending in an LR and no level input holding it up: withdraw it. */
	if (irq->lr_vcpu >= 0 && irq->lr_pending && (irq->edge || !irq->line_level)) {
		irq->lr_pending = false;
		irq->lr_req |= VGIC_LR_REQ_CLEAR_PENDING;
	}
}

uint64_t vgic_read_group(const struct vgic_mmio *m, uint32_t off, unsigned size)
{
	return bitmap_read(m, off, get_group);
}

void vgic_write_group(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val)
{
	bitmap_write(m, off, val, true, set_group);
}

/* IGRPMODR: RAZ/WI on a GIC with DS = 1; kept here so that a guest built
 * for the secure world can mark its interrupts Secure Group 1. */
uint64_t vgic_read_grpmod(const struct vgic_mmio *m, uint32_t off, unsigned size)
{
	return bitmap_read(m, off, get_grpmod);
}

void vgic_write_grpmod(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val)
{
	bitmap_write(m, off, val, true, set_grpmod);
}

uint64_t vgic_read_enable(const struct vgic_mmio *m, uint32_t off, unsigned size)
{
	return bitmap_read(m, off, get_enable);
}

void vgic_write_set_enable(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val)
{
	bitmap_write(m, off, val, false, set_enable);
}

void vgic_write_clear_enable(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val)
{
	bitmap_write(m, off, val, false, clear_enable);
}

uint64_t vgic_read_pending(const struct vgic_mmio *m, uint32_t off, unsigned size)
{
	return bitmap_read(m, off, get_pending);
}

void vgic_write_set_pending(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val)
{
	bitmap_write(m, off, val, false, set_pending);
}

void vgic_write_clear_pending(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val)
{
	bitmap_write(m, off, val, false, clear_pending);
}

uint64_t vgic_read_active(const struct vgic_mmio *m, uint32_t off, unsigned size)
{
	return bitmap_read(m, off, get_active);
}

void vgic_write_set_active(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val)
{
	bitmap_write(m, off, val, false, set_active);
}

void vgic_write_clear_active(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val)
{
	bitmap_write(m, off, val, false, clear_active);
}

/* --- a byte per INTID: IPRIORITYR (byte or word access) --- */

uint64_t vgic_read_priority(const struct vgic_mmio *m, uint32_t off, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++) {
		const struct vgic_irq *irq = mmio_irq(m, off + i);

		if (irq)
			v |= (uint64_t)irq->priority << (8 * i);
	}
	return v;
}

/* All 8 priority bits are kept; the list registers carry all 8 and the
 * virtual CPU interface compares as many as it implements. */
void vgic_write_priority(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val)
{
	for (unsigned i = 0; i < size; i++) {
		struct vgic_irq *irq = mmio_irq(m, off + i);

		uint8_t prio = (uint8_t)(val >> (8 * i));

		if (irq && irq->priority != prio) {
			irq->priority = prio;
			vgic_pending_requeue(m->g, m->vcpu, irq);
		}
	}
}

/* --- two bits per INTID: ICFGR, bit 2n+1 = edge, bit 2n RES0 --- */

uint64_t vgic_read_config(const struct vgic_mmio *m, uint32_t off, unsigned size)
{
	irqid_t first = off * 4;
	uint64_t v = 0;

	for (unsigned i = 0; i < 16; i++) {
		const struct vgic_irq *irq = mmio_irq(m, first + i);

		if (irq && irq->edge)
			v |= 2ULL << (2 * i);
	}
	return v;
}

void vgic_write_config(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val)
{
	irqid_t first = off * 4;

	for (unsigned i = 0; i < 16; i++) {
		struct vgic_irq *irq;
		int before;

		if (first + i < VGIC_NR_SGIS)
			continue;	/* SGIs are always edge */
		irq = mmio_irq(m, first + i);
		if (!irq)
			continue;
		before = vgic_ready_target(m->g, m->vcpu, irq);
		irq->edge = (val >> (2 * i + 1)) & 1;
		vgic_kick_if_newly_ready(m->g, m->vcpu, irq, before);
	}
}

/* --- identification: PIDR2.ArchRev = 3, JEP106 0x43B, CoreSight CIDRs --- */

static const uint8_t id_regs[VGIC_ID_LEN / 4] = {
	0x44, 0x00, 0x00, 0x00,		/* PIDR4..7 */
	0x54, 0xB0, 0x3B, 0x00,		/* PIDR0..3 */
	0x0D, 0xF0, 0x05, 0xB1,		/* CIDR0..3 */
};

uint64_t vgic_read_id(const struct vgic_mmio *m, uint32_t off, unsigned size)
{
	return id_regs[off / 4];
}

/* --- distributor-only registers --- */

static uint64_t read_ctlr(const struct vgic_mmio *m, uint32_t off, unsigned size)
{
	/* RWP (bit 31) reads 0: every write takes effect at once. */
	return m->g->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
}

static void write_ctlr(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val)
{
	struct vgic *g = m->g;
	uint32_t old = g->ctlr;
	uint32_t newly;

	g->ctlr = (uint32_t)val & (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1 | GICD_CTLR_ENABLE_G1S);
	/* The group-enable bits, the encoding vgic_kick_ready_vcpus() takes. */
	newly = g->ctlr & ~old;
	if (newly)
		vgic_kick_ready_vcpus(g, ~0u, newly);
}

static uint64_t read_typer(const struct vgic_mmio *m, uint32_t off, unsigned size)
{
	unsigned it_lines = (m->g->nr_spis + VGIC_NR_PRIVATE) / 32 - 1;

	/* CPUNumber 0 (ARE), no security extension, LPIs, MBIs, RSS or ESPIs. */
	return GICD_TYPER_A3V | GICD_TYPER_IDBITS | it_lines;
}

static uint64_t read_iidr(const struct vgic_mmio *m, uint32_t off, unsigned size)
{
	return VGIC_IIDR;
}

/* GICD_IROUTER<n>: row offset 0 is INTID 32. */
static uint64_t read_irouter(const struct vgic_mmio *m, uint32_t off, unsigned size)
{
	const struct vgic_irq *irq = mmio_irq(m, VGIC_NR_PRIVATE + off / 8);

	return irq ? vgic_reg64_extract(irq->route, off, size) : 0;
}

static void write_irouter(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val)
{
	struct vgic_irq *irq = mmio_irq(m, VGIC_NR_PRIVATE + off / 8);
	uint64_t route;
	int before;

	if (!irq)
		return;
	before = vgic_ready_target(m->g, m->vcpu, irq);
	route = vgic_reg64_deposit(irq->route, off, size, val) & IROUTER_MASK;
	if (route != irq->route) {
		unsigned target = vgic_spi_target(m->g, irq);

		irq->route = route;
		if (vgic_spi_target(m->g, irq) != target)
			vgic_pending_requeue(m->g, m->vcpu, irq);
	}
	vgic_kick_if_newly_ready(m->g, m->vcpu, irq, before);
}

#define W32		VGIC_ACC_32
#define W8_32		(VGIC_ACC_8 | VGIC_ACC_32)
#define W32_64		(VGIC_ACC_32 | VGIC_ACC_64)

static const struct vgic_reg dist_regs[] = {
	VGIC_REG(0x0000, 4, W32, read_ctlr, write_ctlr),		/* CTLR */
	VGIC_REG(0x0004, 4, W32, read_typer, NULL),			/* TYPER */
	VGIC_REG(0x0008, 4, W32, read_iidr, NULL),			/* IIDR */
	VGIC_REG(0x000c, 4, W32, NULL, NULL),				/* TYPER2 */
	VGIC_REG(0x0010, 4, W32, NULL, NULL),				/* STATUSR */
	VGIC_REG(0x0080, 0x80, W32, vgic_read_group, vgic_write_group),	/* IGROUPR */
	VGIC_REG(0x0100, 0x80, W32, vgic_read_enable, vgic_write_set_enable),
	VGIC_REG(0x0180, 0x80, W32, vgic_read_enable, vgic_write_clear_enable),
	VGIC_REG(0x0200, 0x80, W32, vgic_read_pending, vgic_write_set_pending),
	VGIC_REG(0x0280, 0x80, W32, vgic_read_pending, vgic_write_clear_pending),
	VGIC_REG(0x0300, 0x80, W32, vgic_read_active, vgic_write_set_active),
	VGIC_REG(0x0380, 0x80, W32, vgic_read_active, vgic_write_clear_active),
	VGIC_REG(0x0400, 0x3fc, W8_32, vgic_read_priority, vgic_write_priority),
	VGIC_REG(0x0800, 0x3fc, W8_32, NULL, NULL),			/* ITARGETSR */
	VGIC_REG(0x0c00, 0x100, W32, vgic_read_config, vgic_write_config),
	VGIC_REG(0x0d00, 0x80, W32, vgic_read_grpmod, vgic_write_grpmod),	/* IGRPMODR */
	VGIC_REG(0x0e00, 0x100, W32, NULL, NULL),			/* NSACR */
	VGIC_REG(0x0f00, 4, W32, NULL, NULL),				/* SGIR */
	VGIC_REG(0x0f10, 0x10, W8_32, NULL, NULL),			/* CPENDSGIR */
	VGIC_REG(0x0f20, 0x10, W8_32, NULL, NULL),			/* SPENDSGIR */
	VGIC_REG(0x6100, 0x1ee0, W32_64, read_irouter, write_irouter),	/* IROUTER32..1019 */
	VGIC_REG(VGIC_ID_OFFSET, VGIC_ID_LEN, W32, vgic_read_id, NULL),
};

int vgic_dist_access(struct vgic *g, unsigned vcpu, uint64_t offset, unsigned size,
		     bool write, uint64_t *val)
{
	const struct vgic_mmio m = { .g = g, .vcpu = vcpu, .banked = false };

	if (vcpu >= g->n_vcpus || offset >= VGIC_DIST_SIZE)
		return -EINVAL;
	return vgic_regs_access(dist_regs, ARRAY_SIZE(dist_regs), &m, offset, size, write, val);
}
