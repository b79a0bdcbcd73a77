/*
 * GICv3 register map and helpers for the test guests: distributor and
 * redistributor offsets, redistributor discovery, a minimal Group 1 setup
 * for the system register CPU interface, SGIs and IRQ dispatch.
 */
#ifndef GUEST_LIB_GIC_H
#define GUEST_LIB_GIC_H

#include <lib/types.h>

#define GICD_BASE		0x08000000UL
#define GICR_BASE		0x080a0000UL

#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IIDR		0x0008
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IGRPMODR		0x0d00
#define GICD_IROUTER		0x6000
#define GICD_PIDR2		0xffe8

#define GICD_CTLR_EN_GRP0	BIT(0)	/* EnableGrp1 in the Non-secure view */
#define GICD_CTLR_EN_GRP1	BIT(1)	/* EnableGrp1A in the Non-secure view */
#define GICD_CTLR_ARE		BIT(4)
#define GICD_CTLR_DS		BIT(6)
#define GICD_CTLR_RWP		BIT(31)

#define GICD_TYPER_ITLINES(t)	((t) & 0x1f)
#define GICD_TYPER_SECEXTN	BIT(10)
#define GICD_TYPER_LPIS		BIT(17)
#define GICD_TYPER_IDBITS(t)	(((t) >> 19) & 0x1f)
#define GICD_TYPER_NO1N		BIT(25)

#define GICD_IROUTER_IRM	BIT(31)

#define PIDR2_ARCHREV(p)	(((p) >> 4) & 0xf)

/* Redistributor: RD_base frame, then SGI_base 64 KiB above it. */
#define GICR_CTLR		0x0000
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_PIDR2		0xffe8
#define GICR_SGI_BASE		0x10000
#define GICR_IGROUPR0		(GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI_BASE + 0x0100)
#define GICR_ICENABLER0		(GICR_SGI_BASE + 0x0180)
#define GICR_ISPENDR0		(GICR_SGI_BASE + 0x0200)
#define GICR_ICPENDR0		(GICR_SGI_BASE + 0x0280)
#define GICR_ISACTIVER0		(GICR_SGI_BASE + 0x0300)
#define GICR_ICACTIVER0		(GICR_SGI_BASE + 0x0380)
#define GICR_IGRPMODR0		(GICR_SGI_BASE + 0x0d00)
#define GICR_IPRIORITYR		(GICR_SGI_BASE + 0x0400)
#define GICR_ICFGR0		(GICR_SGI_BASE + 0x0c00)
#define GICR_ICFGR1		(GICR_SGI_BASE + 0x0c04)

#define GICR_CTLR_RWP		BIT(3)
#define GICR_TYPER_VLPIS	BIT(1)
#define GICR_TYPER_LAST		BIT(4)
#define GICR_TYPER_AFF(t)	((t) >> 32)
#define GICR_WAKER_SLEEP	BIT(1)
#define GICR_WAKER_CHILDREN	BIT(2)

#define GICR_FRAME_SIZE		0x20000UL
#define GICR_FRAME_SIZE_VLPI	0x40000UL
#define GICR_MAX_FRAMES		16

#define ICC_SRE_SRE		BIT(0)
#define ICC_SRE_DFB		BIT(1)
#define ICC_SRE_DIB		BIT(2)
#define ICC_CTLR_EOIMODE	BIT(1)
#define ICC_CTLR_PRIBITS(c)	((((c) >> 8) & 0x7) + 1)

#define INTID_SPURIOUS		1023
#define GIC_DEFAULT_PRIO	0xa0

typedef void (*irq_handler_t)(unsigned int intid);

/* A priority field's implemented bits: the top ones, at least 4 of them. */
static inline bool gic_prio_mask_ok(uint8_t mask)
{
	uint8_t low = (uint8_t)~mask;

	return (mask & 0xf0) == 0xf0 && !(low & (uint8_t)(low + 1));
}

uint64_t gicr_typer(uintptr_t rd);
/* GICR_TYPER.Affinity_Value (Aff3.Aff2.Aff1.Aff0) as MPIDR affinity */
uint64_t gicr_aff_to_mpidr(uint64_t typer);
unsigned int gicr_walk(uintptr_t *frames, unsigned int max);
uintptr_t gicr_of(uint64_t mpidr);

bool gicd_single_security(void);
bool gicd_wait_rwp(void);
bool gicr_wait_rwp(uintptr_t rd);
bool gicr_wake(uintptr_t rd);

bool gic_init(void);
/* gic_init() without the GICR_WAKER wake-up, as some guests do. */
bool gic_init_nowake(void);
void gic_set_handler(unsigned int intid, irq_handler_t handler);
void gic_ppi_enable(unsigned int intid, bool enable);
void gic_send_sgi(unsigned int intid, uint64_t target_mpidr);
/* ICC_SGI1R_EL1's value for intid to the one CPU target_mpidr. */
uint64_t gic_sgi_value(unsigned int intid, uint64_t target_mpidr);
#define ICC_SGIR_IRM		BIT(40)
/* Write val to ICC_SGI1R_EL1, or to ICC_SGI0R_EL1 (Group 0) if group0. */
void gic_send_sgi_raw(uint64_t val, bool group0);
void gic_handle_irq(void);
/* A handler's own EOI, early; the dispatcher then writes none. */
void gic_eoi_now(unsigned int intid);
/* Group 0, as a FIQ: ICC_IAR0_EL1, the same handlers, ICC_EOIR0_EL1. */
void gic_handle_fiq(void);

/* Per-CPU count of interrupts nobody registered a handler for. */
extern volatile unsigned int gic_unhandled[];
/* Per-CPU count of interrupts taken as FIQ (Group 0). */
extern volatile unsigned int gic_fiqs[];

#endif
