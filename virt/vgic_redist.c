/*
 * The virtual GICv3 redistributor of one vCPU: RD_base (control, TYPER,
 * WAKER, ID) and SGI_base (that vCPU's SGIs and PPIs), 128 KiB, as one
 * table of rows (see vgic_regs.h). The SGI_base rows reuse the
 * distributor's per-INTID handlers with the banked view.
 *
 * No LPIs: GICR_CTLR, PROPBASER and PENDBASER read as zero (so RWP and
 * EnableLPIs are 0) and ignore writes.
 */
#include <tandem/types.h>
#include <virt/vgic.h>
#include "vgic_regs.h"
#include <errno.h>

#define GICR_TYPER_LAST			(1ULL << 4)
#define GICR_TYPER_PROC_NUM(n)		((uint64_t)(n) << 8)
#define GICR_WAKER_PROCESSOR_SLEEP	(1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP	(1u << 2)

static uint64_t read_iidr(const struct vgic_mmio *m, uint32_t off, unsigned size)
{
	return VGIC_IIDR;
}

/* Affinity_Value [63:32] is MPIDR's Aff3.Aff2.Aff1.Aff0; Linux finds a
 * CPU's frame by it and stops scanning at Last. */
static uint64_t read_typer(const struct vgic_mmio *m, uint32_t off, unsigned size)
{
	uint64_t mpidr = m->g->cpu[m->vcpu].mpidr;
	uint64_t aff = ((uint64_t)VGIC_AFF3(mpidr) << 24) | ((uint64_t)VGIC_AFF2(mpidr) << 16) |
		       ((uint64_t)VGIC_AFF1(mpidr) << 8) | VGIC_AFF0(mpidr);
	uint64_t typer = (aff << 32) | GICR_TYPER_PROC_NUM(m->vcpu);

	if (m->vcpu == m->g->n_vcpus - 1)
		typer |= GICR_TYPER_LAST;
	return vgic_reg64_extract(typer, off, size);
}

/* ChildrenAsleep follows ProcessorSleep at once: there is no interface
 * to quiesce. */
static uint64_t read_waker(const struct vgic_mmio *m, uint32_t off, unsigned size)
{
	return m->g->cpu[m->vcpu].sleeping
	       ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP : 0;
}

/* Kept for the guest to read back; delivery does not depend on it. */
static void write_waker(const struct vgic_mmio *m, uint32_t off, unsigned size, uint64_t val)
{
	m->g->cpu[m->vcpu].sleeping = val & GICR_WAKER_PROCESSOR_SLEEP;
}

#define W32		VGIC_ACC_32
#define W8_32		(VGIC_ACC_8 | VGIC_ACC_32)
#define W32_64		(VGIC_ACC_32 | VGIC_ACC_64)
#define SGI(o)		(VGIC_SGI_BASE + (o))

static const struct vgic_reg redist_regs[] = {
	/* RD_base */
	VGIC_REG(0x0000, 4, W32, NULL, NULL),				/* CTLR */
	VGIC_REG(0x0004, 4, W32, read_iidr, NULL),			/* IIDR */
	VGIC_REG(0x0008, 8, W32_64, read_typer, NULL),			/* TYPER */
	VGIC_REG(0x0010, 4, W32, NULL, NULL),				/* STATUSR */
	VGIC_REG(0x0014, 4, W32, read_waker, write_waker),		/* WAKER */
	VGIC_REG(0x0070, 8, W32_64, NULL, NULL),			/* PROPBASER */
	VGIC_REG(0x0078, 8, W32_64, NULL, NULL),			/* PENDBASER */
	VGIC_REG(VGIC_ID_OFFSET, VGIC_ID_LEN, W32, vgic_read_id, NULL),
	/* SGI_base */
	VGIC_REG(SGI(0x0080), 4, W32, vgic_read_group, vgic_write_group),	/* IGROUPR0 */
	VGIC_REG(SGI(0x0100), 4, W32, vgic_read_enable, vgic_write_set_enable),
	VGIC_REG(SGI(0x0180), 4, W32, vgic_read_enable, vgic_write_clear_enable),
	VGIC_REG(SGI(0x0200), 4, W32, vgic_read_pending, vgic_write_set_pending),
	VGIC_REG(SGI(0x0280), 4, W32, vgic_read_pending, vgic_write_clear_pending),
	VGIC_REG(SGI(0x0300), 4, W32, vgic_read_active, vgic_write_set_active),
	VGIC_REG(SGI(0x0380), 4, W32, vgic_read_active, vgic_write_clear_active),
	VGIC_REG(SGI(0x0400), 0x20, W8_32, vgic_read_priority, vgic_write_priority),
	VGIC_REG(SGI(0x0c00), 8, W32, vgic_read_config, vgic_write_config),	/* ICFGR0/1 */
	VGIC_REG(SGI(0x0d00), 4, W32, vgic_read_grpmod, vgic_write_grpmod),	/* IGRPMODR0 */
	VGIC_REG(SGI(0x0e00), 4, W32, NULL, NULL),			/* NSACR */
};

int vgic_redist_access(struct vgic *g, unsigned vcpu, uint64_t offset, unsigned size,
		       bool write, uint64_t *val)
{
	const struct vgic_mmio m = { .g = g, .vcpu = vcpu, .banked = true };

	if (vcpu >= g->n_vcpus || offset >= VGIC_REDIST_STRIDE)
		return -EINVAL;
	return vgic_regs_access(redist_regs, ARRAY_SIZE(redist_regs), &m, offset, size, write, val);
}
