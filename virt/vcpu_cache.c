/*
 * Set/way cache maintenance by a guest (DC ISW/CSW/CISW). A guest starting
 * a core with its caches off issues one per cache line (NuttX: 33,280 on
 * each CPU); trapped and handled one by one, each is a full exit, and such
 * a slow start widens start-up races the hardware keeps shut.
 *
 * KVM traps them all and cleans the VM's memory by VA on the first, because
 * its vCPUs move between cores, where set/way on one core says nothing.
 * Tandem's vCPUs never move (each thread is pinned to the core its config
 * names) and vm_start leaves all of the VM's RAM clean at PoC, so a set/way
 * operation on the vCPU's own core is exactly what the guest asked for, as
 * natively. And the by-VA pass is not cheap here: KVM cleans only what
 * stage 2 has faulted in (little at boot), Tandem maps all RAM up front, and
 * cleaning 128 MiB is 2 M lines, about 8 M instructions, which alone let
 * NuttX's CPU0 send its first SGI to CPU1 long before CPU1 set up its GIC.
 *
 * So the first one traps (HCR_EL2.TSW), is done here as a clean+invalidate
 * (never a bare invalidate: other VMs' and the host's dirty lines share the
 * core's caches; HCR_EL2.SWIO upgrades the guest's own ISW the same way),
 * and set/way stops trapping; the guest's writes to its virtual-memory
 * control registers trap instead (HCR_EL2.TVM) until it turns its MMU and
 * caches on, when TSW is armed again for its next power-down sequence.
 */
#include <arch/sysreg.h>
#include <arch/vcpu_ctx.h>
#include <virt/vm.h>

#define SCTLR_CACHES_ON (SCTLR_M | SCTLR_C)

static bool caches_on(uint64_t sctlr)
{
	return (sctlr & SCTLR_CACHES_ON) == SCTLR_CACHES_ON;
}

void vcpu_cache_setway(struct vcpu *v, uint64_t set_way)
{
	v->setway_traps++;
	vcpu_arch_dc_cisw(set_way);
	vcpu_arch_cache_traps(&v->arch, false, true);
}

bool vcpu_cache_vm_reg_write(struct vcpu *v, unsigned enc, uint64_t val)
{
	bool was_on = caches_on(vcpu_arch_sctlr());

	if (!vcpu_arch_write_vm_reg(enc, val))
		return false;
	if (!was_on && caches_on(vcpu_arch_sctlr()))
		vcpu_arch_cache_traps(&v->arch, true, false);
	return true;
}
