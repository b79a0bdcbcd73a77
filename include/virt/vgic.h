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
	bool group1;		/* IGROUPR */
	bool grpmod;		/* IGRPMODR: with group1 = 0, Secure Group 1 (see vgic_group_enable()) */
	bool edge;		/* ICFGR: edge-triggered (SGIs always) */
	bool pending_latch;	/* edge event or ISPENDR write not yet taken */
	bool line_level;	/* level input asserted (injected or HW) */
	bool active;
	uint64_t route;		/* SPIs: GICD_IROUTER value (Aff3..0, IRM) */
	irqid_t hw_intid;	/* != 0: backed by this physical INTID (HW=1) */
	int lr_vcpu;		/* -1, or the vCPU whose list register holds it */
	bool lr_pending;	/* that LR's pending bit, as last seen (ISPENDR shows it) */
	bool lr_latched;	/* level irq: the software latch was up when the LR got it */
	uint8_t lr_req;		/* VGIC_LR_REQ_*: changes the holder's next flush makes to the LR */
	uint16_t sgi_src;	/* SGIs: bitmap of source vCPUs pending */
	/* On the pending list of vCPU pend_vcpu (-1: on none), see struct vgic_cpu. */
	struct vgic_irq *pend_next;
	int8_t pend_vcpu;
};

/* A guest write that must reach an interrupt's list register: the vCPU
 * holding it applies these before its next entry (virt/vgic_lr.c). */
#define VGIC_LR_REQ_CLEAR_PENDING	(1u << 0)
#define VGIC_LR_REQ_CLEAR_ACTIVE	(1u << 1)
#define VGIC_LR_REQ_SET_ACTIVE		(1u << 2)

struct vgic_cpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE];	/* SGIs and PPIs */
	/* The interrupts that may be pending for this vCPU, ordered by
	 * priority then INTID (a superset: an interrupt joins its target's
	 * list when its latch or line goes up, moves when its priority or
	 * route changes, and leaves when a collect finds it down), so the
	 * collect before each guest entry takes the first deliverable ones
	 * off the front instead of scanning. */
	struct vgic_irq *pending;
	bool sleeping;				/* GICR_WAKER.ProcessorSleep (not gating delivery) */
	uint64_t mpidr;				/* what the guest sees in MPIDR_EL1 */
};

struct vgic {
	uint32_t ctlr;				/* GICD_CTLR: EnableGrp0/1/1S bits */
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
};

/* Code outside the model that changes irq state (the list-register code)
 * calls this afterwards. */
static inline void vgic_touch(struct vgic *g)
{
	g->epoch++;
}

/* After raising irq's pending latch or input line (vcpu picks the private
 * bank): puts it on its target's pending list, for vgic_collect_pending(). */
void vgic_note_pending(struct vgic *g, unsigned vcpu, struct vgic_irq *irq);
/* After irq's priority or route changed: its list place follows (an SPI
 * routed to no vCPU before joins its target's list now). */
void vgic_pending_requeue(struct vgic *g, unsigned vcpu, struct vgic_irq *irq);

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
/* A guest write to ICC_SGI1R_EL1 from vcpu `src`: decode targets
 * (TargetList, Aff1..3, RS, IRM) and make the SGI pending on each target
 * whose SGI is in Group 1 (or Secure Group 1). vgic_send_sgi0(): the same
 * for ICC_SGI0R_EL1 and targets whose SGI is in Group 0. A group mismatch
 * is dropped, as on a GIC with GICD_CTLR.DS = 1 (and in QEMU's GICv3). */
void vgic_send_sgi(struct vgic *g, unsigned src, uint64_t sgi1r);
void vgic_send_sgi0(struct vgic *g, unsigned src, uint64_t sgi0r);
/* The GICD_CTLR enable bit that gates irq: EnableGrp0, EnableGrp1, or for
 * a Secure Group 1 interrupt (IGROUPR 0, IGRPMODR 1) bit 2, EnableGrp1S
 * of the secure view (see docs/vgic-registers.md, "Groups"). */
uint32_t vgic_group_enable(const struct vgic_irq *irq);
/* The interrupt goes to the guest as Group 1 (vIRQ), else Group 0 (vFIQ). */
static inline bool vgic_irq_as_group1(const struct vgic_irq *irq)
{
	return irq->group1 || irq->grpmod;
}
/* Which vCPU an SPI is routed to now (IRM = 1: vCPU 0). */
unsigned vgic_spi_target(const struct vgic *g, const struct vgic_irq *irq);
/* Deliverable to vcpu now: enabled, pending (latch or level), group enabled
 * in GICD_CTLR, not active-and-pending already in an LR, routed to vcpu.
 * GICR_WAKER.ProcessorSleep does not gate it (as in QEMU's GICv3; KVM
 * shows the redistributors awake). */
bool vgic_irq_deliverable(const struct vgic *g, unsigned vcpu, const struct vgic_irq *irq);
/* Collect up to max deliverable irqs for vcpu not already in an LR, highest
 * priority (lowest value) first, ties by lower INTID. Returns the count. */
unsigned vgic_collect_pending(struct vgic *g, unsigned vcpu, struct vgic_irq **out, unsigned max);

#endif
