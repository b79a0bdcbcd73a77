/*
 * The traps behind set/way cache maintenance (virt/vcpu_cache.c): HCR_EL2.TSW
 * (DC ISW/CSW/CISW) and HCR_EL2.TVM (EL1 writes to the virtual-memory
 * control registers, which is how a guest turning its MMU or caches on is
 * noticed); doing a TVM-trapped write, and a trapped set/way operation,
 * for the guest.
 */
#include <arch/sysreg.h>
#include <arch/vcpu_arch.h>
#include <arch/vcpu_ctx.h>

#define HCR_TSW_BIT	(1UL << 22)
#define HCR_TVM_BIT	(1UL << 26)

/* The vCPU is loaded: HCR_EL2 is live. */
void vcpu_arch_cache_traps(struct vcpu_arch *a, bool setway, bool vm_regs)
{
	uint64_t hcr = a->hcr & ~(HCR_TSW_BIT | HCR_TVM_BIT);

	hcr |= (setway ? HCR_TSW_BIT : 0) | (vm_regs ? HCR_TVM_BIT : 0);
	if (hcr != a->hcr) {
		a->hcr = hcr;
		write_sysreg(hcr_el2, hcr);
		isb();
	}
}

#define ENC(op0, op1, crn, crm, op2) \
	(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

/* The registers HCR_EL2.TVM traps writes to (AArch64, without TCR2 or the
 * permission-indirection registers, which the ID registers hide). The
 * vCPU is loaded: the write goes to the live register. */
bool vcpu_arch_write_vm_reg(unsigned enc, uint64_t val)
{
	switch (enc) {
	case ENC(3, 0, 1, 0, 0): write_sysreg(sctlr_el1, val); break;
	case ENC(3, 0, 2, 0, 0): write_sysreg(ttbr0_el1, val); break;
	case ENC(3, 0, 2, 0, 1): write_sysreg(ttbr1_el1, val); break;
	case ENC(3, 0, 2, 0, 2): write_sysreg(tcr_el1, val); break;
	case ENC(3, 0, 5, 1, 0): write_sysreg(afsr0_el1, val); break;
	case ENC(3, 0, 5, 1, 1): write_sysreg(afsr1_el1, val); break;
	case ENC(3, 0, 5, 2, 0): write_sysreg(esr_el1, val); break;
	case ENC(3, 0, 6, 0, 0): write_sysreg(far_el1, val); break;
	case ENC(3, 0, 10, 2, 0): write_sysreg(mair_el1, val); break;
	case ENC(3, 0, 10, 3, 0): write_sysreg(amair_el1, val); break;
	case ENC(3, 0, 13, 0, 1): write_sysreg(contextidr_el1, val); break;
	default:
		return false;
	}
	isb();
	return true;
}

/* Any value is safe: bits past the implemented level, set and way make
 * it act on an unknown line or none, and a clean loses nothing. */
void vcpu_arch_dc_cisw(uint64_t set_way)
{
	__asm__ volatile("dc cisw, %0" : : "r"(set_way) : "memory");
	dsb(ish);
}

uint64_t vcpu_arch_sctlr(void)
{
	return read_sysreg(sctlr_el1);
}
