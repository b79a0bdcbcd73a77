/* The GICv3 virtual CPU interface (ICH_*_EL2) of this core. */
#ifndef ARCH_VGIC_HW_H
#define ARCH_VGIC_HW_H

#include <arch/vcpu_arch.h>

#define ICH_LR_STATE_SHIFT	62
#define ICH_LR_PENDING		(1UL << 62)
#define ICH_LR_ACTIVE		(1UL << 63)
#define ICH_LR_HW		(1UL << 61)
#define ICH_LR_GROUP1		(1UL << 60)
#define ICH_LR_PRIO_SHIFT	48
#define ICH_LR_PINTID_SHIFT	32
#define ICH_LR_EOI		(1UL << 41)
#define ICH_HCR_EN		(1UL << 0)
#define ICH_HCR_UIE		(1UL << 1)
#define ICH_HCR_NPIE		(1UL << 3)

unsigned vgic_hw_num_lrs(void);
uint64_t vgic_hw_read_lr(unsigned n);
void vgic_hw_write_lr(unsigned n, uint64_t v);
void vgic_hw_load(struct vgic_hw_state *s);
void vgic_hw_put(struct vgic_hw_state *s);
void vgic_hw_set_hcr(uint64_t hcr);
uint64_t vgic_hw_get_hcr(void);

#endif
