/* Switching and poking a vCPU's EL1 world (see arch/arm64/vcpu_ctx.c). */
#ifndef ARCH_VCPU_CTX_H
#define ARCH_VCPU_CTX_H

#include <arch/vcpu_arch.h>

void vcpu_arch_reset(struct vcpu_arch *a, uint64_t vmpidr, uint64_t vttbr,
		     uint64_t vtcr, uint64_t entry, uint64_t x0);
void vcpu_arch_load(struct vcpu_arch *a);
void vcpu_arch_set_wfi_trap(struct vcpu_arch *a, bool trap);
void vcpu_arch_put(struct vcpu_arch *a);
void vcpu_arch_inject_sync(struct vcpu_arch *a, uint64_t esr, uint64_t far);
void vcpu_arch_inject_undef(struct vcpu_arch *a);
void vcpu_arch_inject_dabt(struct vcpu_arch *a, uint64_t far);
void vcpu_arch_inject_pabt(struct vcpu_arch *a, uint64_t far);
uint64_t vcpu_id_reg_value(const struct vcpu_arch *a, unsigned crm, unsigned op2);

#endif
