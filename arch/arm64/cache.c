/* Cache and TLB maintenance (see arch/cache.h). */
#include <arch/cache.h>
#include <arch/irqflags.h>
#include <arch/sysreg.h>

void cache_clean_range(const void *p, size_t len)
{
	uint64_t ctr = read_sysreg(ctr_el0);
	uint64_t line = 4UL << ((ctr >> 16) & 0xf);	/* DminLine, in words */
	uint64_t a = (uint64_t)p & ~(line - 1);
	uint64_t end = (uint64_t)p + len;

	for (; a < end; a += line)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	dsb(sy);
}

void icache_invalidate_all(void)
{
	__asm__ volatile("ic ialluis" : : : "memory");
	dsb(ish);
	isb();
}

void tlb_flush_vmid(uint64_t vttbr)
{
	uint64_t key = arch_irq_lock();
	uint64_t old = read_sysreg(vttbr_el2);

	write_sysreg(vttbr_el2, vttbr);
	isb();
	__asm__ volatile("tlbi vmalls12e1is" : : : "memory");
	dsb(ish);
	isb();
	write_sysreg(vttbr_el2, old);
	isb();
	arch_irq_unlock(key);
}
