/*
 * gloop: what the stock Zephyr images did under Tandem before the ID
 * registers were right, on purpose. First 200 loads from unmapped memory,
 * each handled (a flood of warnings, with progress), and after 1.2 s one
 * more (its warning says how many were suppressed); then VBAR_EL1 = 0,
 * which no VM maps, and an UNDEFINED instruction: the exception's vector
 * cannot be fetched, and the prefetch abort injected for it faults at that
 * same vector, for ever. Under Tandem only (natively, 0 is flash).
 */
#ifndef GLOOP_STORM	/* gstorm's guest_main is in storm.c */
#include <lib/exception.h>
#include <lib/mmio.h>
#include <lib/printf.h>
#include <lib/sysreg.h>

#define UNMAPPED_ADDR	0x0a100000UL	/* below RAM, no device */
#define LOADS		200

void guest_main(void);

void guest_main(void)
{
	unsigned handled = 0;

	for (unsigned i = 0; i < LOADS; i++) {
		exc_expect();
		(void)readl(UNMAPPED_ADDR);
		handled += exc_taken(NULL);
	}
	printf("gloop: %u of %u aborts handled\n", handled, LOADS);
	/* 1.2 s on the virtual counter, then one more. */
	uint64_t end = read_sysreg(cntvct_el0) + read_sysreg(cntfrq_el0) * 6 / 5;

	while (read_sysreg(cntvct_el0) < end)
		cpu_relax();
	exc_expect();
	(void)readl(UNMAPPED_ADDR + 4);
	exc_taken(NULL);
	printf("gloop: VBAR_EL1 = 0, then UDF: looping\n");
	write_sysreg(0, vbar_el1);
	isb();
	asm volatile("udf #0");
	printf("gloop: still here, which is wrong\n");
	for (;;)
		wfi();
}
#endif
