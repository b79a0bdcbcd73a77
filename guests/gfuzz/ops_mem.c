/*
 * Loads and stores anywhere: the device window (GIC frames, UART, the
 * unmapped holes) and the whole IPA space, every width, pairs,
 * exclusives, LSE atomics when the CPU has them, DC ZVA. One faulting
 * instruction per step. Anything that writes stays out of the guest's own
 * RAM window and the UART page (reads go everywhere).
 */
#include <lib/sysreg.h>
#include "gfuzz.h"

static uint64_t random_addr(void)
{
	static const uint64_t hot[] = {
		0x08000000, 0x08010000, 0x08080000, 0x080a0000, 0x080b0000,
		0x080c0000, 0x09000000, 0x09010000, 0x09020000, 0x09030000,
		0x0a000000, 0x0e000000, 0x3eff0000, 0x40000000,
	};
	uint64_t a;

	switch (rnd_below(4)) {
	case 0:
	case 1:
		a = DEV_BASE + rnd_below(DEV_END - DEV_BASE);
		break;
	case 2:
		a = hot[rnd_below(sizeof(hot) / sizeof(hot[0]))] + rnd_below(0x10000);
		break;
	default:
		a = rnd() & ((1UL << ipa_bits) - 1);
		if (rnd_below(8) == 0)
			a = rnd();		/* beyond the IPA space too */
		break;
	}
	/* Mostly aligned to 8; unaligned accesses to Device memory must fault. */
	if (rnd_below(8))
		a &= ~7UL;
	return a;
}

static bool may_write(uint64_t a)
{
	if (a + 64 > OWN_RAM_BASE && a < OWN_RAM_END)
		return false;
	/* fw_cfg (native runs only): its DMA register would write anywhere. */
	if (a + 64 > 0x09020000UL && a < 0x09021000UL)
		return false;
	return !(a + 64 > UART_PAGE && a < UART_PAGE + 0x1000);
}

static bool have_lse(void)
{
	return ((read_sysreg(id_aa64isar0_el1) >> 20) & 0xf) >= 2;
}

static void load(uint64_t a, unsigned kind)
{
	uint64_t v, w;

	switch (kind) {
	case 0: asm volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory"); break;
	case 1: asm volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(a) : "memory"); break;
	case 2: asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory"); break;
	case 3: asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory"); break;
	case 4: asm volatile("ldrsb %0, [%1]" : "=r"(v) : "r"(a) : "memory"); break;
	case 5: asm volatile("ldp %0, %1, [%2]" : "=r"(v), "=&r"(w) : "r"(a) : "memory"); break;
	case 6: asm volatile("ldp %w0, %w1, [%2]" : "=r"(v), "=&r"(w) : "r"(a) : "memory"); break;
	case 7: asm volatile("ldxr %0, [%1]\n\tclrex" : "=r"(v) : "r"(a) : "memory"); break;
	case 8: asm volatile("ldar %0, [%1]" : "=r"(v) : "r"(a) : "memory"); break;
	default: asm volatile("ldr %0, [%1, #8]!" : "=r"(v), "+r"(a) : : "memory"); break;
	}
	(void)v;
}

static void store(uint64_t a, unsigned kind)
{
	uint64_t v = rnd(), w = rnd(), st;

	switch (kind) {
	case 0: asm volatile("strb %w0, [%1]" :: "r"(v), "r"(a) : "memory"); break;
	case 1: asm volatile("strh %w0, [%1]" :: "r"(v), "r"(a) : "memory"); break;
	case 2: asm volatile("str %w0, [%1]" :: "r"(v), "r"(a) : "memory"); break;
	case 3: asm volatile("str %0, [%1]" :: "r"(v), "r"(a) : "memory"); break;
	case 4: asm volatile("stp %0, %1, [%2]" :: "r"(v), "r"(w), "r"(a) : "memory"); break;
	case 5: asm volatile("stp %w0, %w1, [%2]" :: "r"(v), "r"(w), "r"(a) : "memory"); break;
	/* No LDXR first: the STXR must simply fail (or fault), never hang. */
	case 6: asm volatile("stxr %w0, %1, [%2]" : "=&r"(st) : "r"(v), "r"(a) : "memory"); break;
	case 7: asm volatile("stlr %0, [%1]" :: "r"(v), "r"(a) : "memory"); break;
	case 8: asm volatile("dc zva, %0" :: "r"(a) : "memory"); break;
	case 9:
		if (have_lse())
			asm volatile(".arch_extension lse\n\tcas %0, %1, [%2]"
				     : "+r"(v) : "r"(w), "r"(a) : "memory");
		break;
	default:
		if (have_lse())
			asm volatile(".arch_extension lse\n\tldadd %1, %0, [%2]"
				     : "=&r"(st) : "r"(v), "r"(a) : "memory");
		break;
	}
	(void)st;
}

void op_mem(void)
{
	uint64_t a = random_addr();

	if (rnd_below(2) || !may_write(a))
		load(a, rnd_below(10));
	else
		store(a, rnd_below(11));
}
