/*
 * Private to virt/vgic*.c: the table machinery of the vGIC register frames.
 *
 * A frame (the distributor, a redistributor's RD_base + SGI_base) is an
 * array of rows. A row is one register, or one run of identical per-INTID
 * registers (GICD_ISENABLER<n>, GICD_IPRIORITYR<n>, ...): where it starts,
 * how many bytes it covers, which access sizes the architecture allows, and
 * a read and a write handler (NULL: reads as zero / ignores writes). The
 * dispatcher checks size and alignment, finds the row and calls the handler
 * with the offset relative to the row, so one handler serves every register
 * of a run and both frames share the per-INTID ones.
 */
#ifndef VIRT_VGIC_REGS_H
#define VIRT_VGIC_REGS_H

#include <tandem/types.h>
#include <virt/vgic.h>

/* Access sizes a row accepts: the size in bytes is its own bit. */
#define VGIC_ACC_8		1u
#define VGIC_ACC_32		4u
#define VGIC_ACC_64		8u

/* GICD_CTLR with DS = 1: the bits this model stores and the fixed ones. */
#define GICD_CTLR_ENABLE_G0	(1u << 0)
#define GICD_CTLR_ENABLE_G1	(1u << 1)
/* RES0 with DS = 1; EnableGrp1S in the secure view, kept for guests built
 * for the secure world (docs/vgic-registers.md, "Groups"). */
#define GICD_CTLR_ENABLE_G1S	(1u << 2)
#define GICD_CTLR_ARE		(1u << 4)
#define GICD_CTLR_DS		(1u << 6)

/*
 * GICD_IIDR and GICR_IIDR: ProductID 0x54 ('T', Tandem), Variant 0,
 * Revision 0, Implementer 0x43B (the JEP106 code PIDR1/2/4 carry, as KVM
 * does). Chosen to match no entry of Linux's GIC quirk table (IIDR 0 would
 * enable the HIP07 workaround).
 */
#define VGIC_IIDR		0x5400043Bu

/* Affinity fields of MPIDR_EL1, GICD_IROUTER and ICC_SGI1R_EL1's targets. */
#define VGIC_AFF0(v)		((unsigned)((v) & 0xff))
#define VGIC_AFF1(v)		((unsigned)(((v) >> 8) & 0xff))
#define VGIC_AFF2(v)		((unsigned)(((v) >> 16) & 0xff))
#define VGIC_AFF3(v)		((unsigned)(((v) >> 32) & 0xff))
#define VGIC_AFF_MASK		0xff00ffffffULL

/* Who is accessing: the frame and, for a redistributor, whose it is. */
struct vgic_mmio {
	struct vgic *g;
	unsigned vcpu;		/* redistributor: its owner; distributor: the accessor */
	bool banked;		/* per-INTID rows address vcpu's INTIDs 0..31 (SGI_base) */
};

struct vgic_reg {
	uint32_t offset;	/* from the frame base */
	uint32_t len;		/* bytes covered */
	uint8_t widths;		/* VGIC_ACC_* allowed */
	uint64_t (*read)(const struct vgic_mmio *m, uint32_t off, unsigned size);
	void (*write)(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val);
};

#define VGIC_REG(o, l, w, rd, wr) \
	{ .offset = (o), .len = (l), .widths = (w), .read = (rd), .write = (wr) }

/*
 * One access to the frame described by tbl (rows sorted by offset, not
 * overlapping). Unaligned or odd-sized accesses and sizes the row does not
 * allow give -EINVAL; offsets no row covers read as zero, ignore writes.
 */
int vgic_regs_access(const struct vgic_reg *tbl, size_t n, const struct vgic_mmio *m,
		     uint64_t offset, unsigned size, bool write, uint64_t *val);

/* A 64-bit register seen through an access of size at off (0 or 4 for halves). */
static inline uint64_t vgic_reg64_extract(uint64_t reg, uint32_t off, unsigned size)
{
	if (size == 8)
		return reg;
	return (reg >> ((off & 4) * 8)) & 0xffffffffULL;
}

static inline uint64_t vgic_reg64_deposit(uint64_t reg, uint32_t off, unsigned size, uint64_t val)
{
	unsigned shift = (off & 4) * 8;

	if (size == 8)
		return val;
	return (reg & ~(0xffffffffULL << shift)) | ((val & 0xffffffffULL) << shift);
}

static inline bool vgic_irq_pending(const struct vgic_irq *irq)
{
	return irq->pending_latch || (!irq->edge && irq->line_level);
}

/*
 * Kick bookkeeping (virt/vgic.c). A state change kicks the target only when
 * it turns the irq deliverable there: take vgic_ready_target() before the
 * change, pass it to vgic_kick_if_newly_ready() after. vcpu is the owner of
 * a private irq (ignored for SPIs, which go where they are routed).
 */
int vgic_ready_target(const struct vgic *g, unsigned vcpu, const struct vgic_irq *irq);
int vgic_kick_if_newly_ready(struct vgic *g, unsigned vcpu, const struct vgic_irq *irq,
			     int before);	/* the vCPU kicked, or -1 */
/* Kick each vCPU in vcpu_mask that has an irq deliverable now whose
 * GICD_CTLR enable bit (vgic_group_enable()) is in groups; for a change
 * (a group enabled) before which none of those could have been. */
void vgic_kick_ready_vcpus(struct vgic *g, unsigned vcpu_mask, uint32_t groups);

/*
 * Per-INTID register handlers (virt/vgic_dist.c), shared by the distributor
 * (SPIs; INTIDs 0..31 read as zero there, ARE = 1) and the redistributors'
 * SGI_base frame (m->banked: the owner's SGIs and PPIs).
 */
uint64_t vgic_read_group(const struct vgic_mmio *m, uint32_t off, unsigned size);
void vgic_write_group(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val);
uint64_t vgic_read_grpmod(const struct vgic_mmio *m, uint32_t off, unsigned size);
void vgic_write_grpmod(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val);
uint64_t vgic_read_enable(const struct vgic_mmio *m, uint32_t off, unsigned size);
void vgic_write_set_enable(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val);
void vgic_write_clear_enable(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val);
uint64_t vgic_read_pending(const struct vgic_mmio *m, uint32_t off, unsigned size);
void vgic_write_set_pending(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val);
void vgic_write_clear_pending(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val);
uint64_t vgic_read_active(const struct vgic_mmio *m, uint32_t off, unsigned size);
void vgic_write_set_active(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val);
void vgic_write_clear_active(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val);
uint64_t vgic_read_priority(const struct vgic_mmio *m, uint32_t off, unsigned size);
void vgic_write_priority(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val);
uint64_t vgic_read_config(const struct vgic_mmio *m, uint32_t off, unsigned size);
void vgic_write_config(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val);
/* PIDR4..7, PIDR0..3, CIDR0..3 at 0xFFD0..0xFFFC of either frame. */
uint64_t vgic_read_id(const struct vgic_mmio *m, uint32_t off, unsigned size);

#define VGIC_ID_OFFSET		0xffd0u
#define VGIC_ID_LEN		0x30u

#endif
