/* Cache and TLB maintenance (see arch/cache.h). */
#include <arch/cache.h>
#include <arch/irqflags.h>
#include <arch/mem_bulk.h>
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

/* Eight lines a turn: a VM's whole RAM is millions of lines. */
void cache_clean_inval_range(const void *p, size_t len)
{
	uint64_t ctr = read_sysreg(ctr_el0);
	uint64_t line = 4UL << ((ctr >> 16) & 0xf);
	uint64_t a = (uint64_t)p & ~(line - 1);
	uint64_t end = (uint64_t)p + len;

	for (; end - a >= 8 * line; a += 8 * line)
		__asm__ volatile("dc civac, %0\n dc civac, %1\n dc civac, %2\n dc civac, %3\n"
				 "dc civac, %4\n dc civac, %5\n dc civac, %6\n dc civac, %7"
				 : : "r"(a), "r"(a + line), "r"(a + 2 * line), "r"(a + 3 * line),
				   "r"(a + 4 * line), "r"(a + 5 * line), "r"(a + 6 * line),
				   "r"(a + 7 * line) : "memory");
	for (; a < end; a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	dsb(sy);
}

/*
 * Zero and clean+invalidate to PoC, 64 KiB at a time so the clean finds
 * the lines the zeroing just made still close (on hardware; QEMU counts
 * instructions only). What the scrubber and a VM's start do to RAM.
 */
void mem_scrub(void *p, size_t len)
{
	const size_t piece = 64 * 1024;

	for (size_t done = 0; done < len; done += piece) {
		size_t n = len - done < piece ? len - done : piece;

		mem_zero_bulk((uint8_t *)p + done, n);
		cache_clean_inval_range((uint8_t *)p + done, n);
	}
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
