/*
 * Set/way cache maintenance by a guest (DC ISW/CSW/CISW), the way KVM
 * treats it. Set/way operations act on one core's caches, which says
 * nothing about a VM's memory (its vCPUs move, other cores and system
 * caches hold its lines), so they cannot be passed on as they are; and
 * trapping every one is worse: a guest starting a core with its caches off
 * issues one per cache line (NuttX: 33,280 on each CPU), each a full exit,
 * and such a slow start widens start-up races the hardware keeps shut.
 *
 * So the first one traps (HCR_EL2.TSW) and cleans and invalidates all the
 * VM's RAM to PoC by VA, which is what any number of them can mean; then
 * set/way stops trapping (it runs as DC CISW on the core, HCR_EL2.SWIO
 * upgrading ISW, so it can destroy nothing) and the guest's writes to the
 * virtual-memory control registers trap instead (HCR_EL2.TVM), to see it
 * turn its MMU and caches on or off. A toggle cleans and invalidates again
 * (on: no stale lines from before; off: the memory holds what the caches
 * held); once they are on, TVM stops trapping and TSW traps again, ready
 * for the next power-down sequence.
 */
#include <tandem/log.h>
#include <tandem/buddy.h>
#include <arch/cache.h>
#include <arch/sysreg.h>
#include <arch/vcpu_ctx.h>
#include <virt/vm.h>

#define SCTLR_CACHES_ON (SCTLR_M | SCTLR_C)

static void flush_vm_ram(struct vcpu *v)
{
	struct vm *vm = v->vm;
	size_t len = PAGE_SIZE << vm->ram_order, step = MiB(4);

	for (size_t done = 0; done < len; done += step) {
		cache_clean_inval_range((uint8_t *)vm->ram_pa + done,
					len - done < step ? len - done : step);
		cpu_relax();
	}
	v->cache_flushes++;
}

static bool caches_on(uint64_t sctlr)
{
	return (sctlr & SCTLR_CACHES_ON) == SCTLR_CACHES_ON;
}

void vcpu_cache_setway(struct vcpu *v)
{
	v->setway_traps++;
	flush_vm_ram(v);
	vcpu_arch_cache_traps(&v->arch, false, true);
}

bool vcpu_cache_vm_reg_write(struct vcpu *v, unsigned enc, uint64_t val)
{
	bool was_on = caches_on(vcpu_arch_sctlr());

	if (!vcpu_arch_write_vm_reg(enc, val))
		return false;
	if (was_on == caches_on(vcpu_arch_sctlr()))
		return true;
	flush_vm_ram(v);
	if (!was_on)
		vcpu_arch_cache_traps(&v->arch, true, false);
	return true;
}
