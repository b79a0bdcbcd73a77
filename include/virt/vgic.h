/*
 * The virtual GICv3 of one VM: the register model of its distributor and of
 * one redistributor per vCPU (table-driven, host-testable), and the state
 * the list-register code (virt/vgic_lr.c, target only) injects from.
 *
 * The guest sees a GICv3 with affinity routing always on (ARE = 1), one
 * security state (DS = 1), no LPIs/ITS, nr_spis SPIs (INTIDs 32..).
 */
#ifndef VIRT_VGIC_H
#define VIRT_VGIC_H

#include <tandem/types.h>
#include <tandem/list.h>

#define VGIC_NR_SGIS		16
#define VGIC_NR_PRIVATE		32
#define VGIC_MAX_SPIS		256
#define VGIC_MAX_VCPUS		8
#define VGIC_DIST_SIZE		0x10000UL
#define VGIC_REDIST_STRIDE	0x20000UL	/* RD_base + SGI_base frames */
#define VGIC_SGI_BASE		0x10000UL

struct vgic_irq {
	irqid_t intid;
	uint8_t priority;
	bool enabled;
	bool group1;
	bool edge;		/* ICFGR: edge-triggered (SGIs always) */
	bool pending_latch;	/* edge event or ISPENDR write not yet taken */
	bool line_level;	/* level input asserted (injected or HW) */
	bool active;
	uint64_t route;		/* SPIs: GICD_IROUTER value (Aff3..0, IRM) */
	irqid_t hw_intid;	/* != 0: backed by this physical INTID (HW=1) */
	int lr_vcpu;		/* -1, or the vCPU whose list register holds it */
	uint16_t sgi_src;	/* SGIs: bitmap of source vCPUs pending */
};

struct vgic_cpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE];	/* SGIs and PPIs */
	bool sleeping;				/* GICR_WAKER.ProcessorSleep */
	uint64_t mpidr;				/* what the guest sees in MPIDR_EL1 */
};

struct vgic {
	uint32_t ctlr;				/* GICD_CTLR: EnableGrp0/1 bits */
	unsigned nr_spis;			/* multiple of 32, <= VGIC_MAX_SPIS */
	unsigned n_vcpus;
	struct vgic_irq spis[VGIC_MAX_SPIS];
	struct vgic_cpu cpu[VGIC_MAX_VCPUS];
	/* Called (with the caller's vgic lock held) when an interrupt may have
	 * become deliverable to vcpu: wake it or kick it out of the guest. */
	void (*kick)(void *ctx, unsigned vcpu);
	void *ctx;
	/* Bumped by every change that can alter deliverability; a vCPU whose
	 * last scan found nothing at the current epoch skips the next one. */
	uint32_t epoch;
	uint32_t empty_epoch[VGIC_MAX_VCPUS];
	bool empty_valid[VGIC_MAX_VCPUS];
	/* Which interrupts may be pending (a superset: a bit is set whenever a
	 * latch or line goes up, and cleared by the scan that finds it down),
	 * so the scan before each guest entry visits only those. */
	uint32_t priv_maybe_pending[VGIC_MAX_VCPUS];
	uint64_t spi_maybe_pending[VGIC_MAX_SPIS / 64];
};

/* Code outside the model that changes irq state (the list-register code)
 * calls this afterwards. */
static inline void vgic_touch(struct vgic *g)
{
	g->epoch++;
}

/* After raising irq's pending latch or input line (vcpu picks the private
 * bank): makes the next vgic_collect_pending() look at it. */
void vgic_note_pending(struct vgic *g, unsigned vcpu, const struct vgic_irq *irq);

/* vCPU i gets MPIDR Aff0 = i % 16, Aff1 = i / 16 (bit 31 RES1 added by the caller). */
void vgic_init(struct vgic *g, unsigned n_vcpus, unsigned nr_spis,
	       void (*kick)(void *ctx, unsigned vcpu), void *ctx);
/* The one irq object for intid as seen from vcpu (private ones per vCPU); NULL if out of range. */
struct vgic_irq *vgic_get_irq(struct vgic *g, unsigned vcpu, irqid_t intid);

/* MMIO. offset is within the distributor (0..64K) or within vcpu's
 * redistributor frames (0..128K). size is 1, 2, 4 or 8. Returns 0, or
 * -EINVAL for an access the GIC architecture does not allow (wrong width,
 * misaligned): the caller injects an abort. Reserved/unimplemented offsets
 * read as zero and ignore writes (returns 0). */
int vgic_dist_access(struct vgic *g, unsigned vcpu, uint64_t offset, unsigned size,
		     bool write, uint64_t *val);
int vgic_redist_access(struct vgic *g, unsigned vcpu, uint64_t offset, unsigned size,
		       bool write, uint64_t *val);

/* Drive an interrupt input: level=true asserts (edge: latches pending),
 * level=false deasserts a level input. vcpu selects the private bank for
 * intid < 32. Returns 0 or -EINVAL. */
int vgic_inject(struct vgic *g, unsigned vcpu, irqid_t intid, bool level);
/* A guest write to ICC_SGI1R_EL1 from vcpu `src`: decode targets (TargetList,
 * Aff1..3, RS, IRM) and make the SGI pending on each target. */
void vgic_send_sgi(struct vgic *g, unsigned src, uint64_t sgi1r);
/* Which vCPU an SPI is routed to now (IRM = 1: vCPU 0). */
unsigned vgic_spi_target(const struct vgic *g, const struct vgic_irq *irq);
/* Deliverable to vcpu now: enabled, pending (latch or level), group enabled
 * in GICD_CTLR, not active-and-pending already in an LR, routed to vcpu. */
bool vgic_irq_deliverable(const struct vgic *g, unsigned vcpu, const struct vgic_irq *irq);
/* Collect up to max deliverable irqs for vcpu not already in an LR, highest
 * priority (lowest value) first, ties by lower INTID. Returns the count. */
unsigned vgic_collect_pending(struct vgic *g, unsigned vcpu, struct vgic_irq **out, unsigned max);

#endif
