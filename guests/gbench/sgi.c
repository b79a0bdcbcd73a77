/*
 * sgi_self: an SGI the CPU sends itself through ICC_SGI1R_EL1, from just
 * before the write to the first instruction of its handler. Under Tandem
 * the write traps, the vGIC makes the SGI pending and the next entry puts
 * it in a list register; natively QEMU's GIC raises it at once. Both
 * include the guest's own vector and acknowledge path.
 */
#include <lib/gic.h>
#include <lib/printf.h>
#include <lib/sysreg.h>
#include <lib/timer.h>
#include "gbench.h"

#define SGI_ID	1

static volatile bool fired;
static volatile uint64_t fired_at;
static uint64_t self;

static void sgi_handler(unsigned int intid)
{
	(void)intid;
	fired_at = timer_now();
	fired = true;
}

static bool sgi_setup(void)
{
	if (!gic_init()) {
		printf("# sgi_self: GIC set-up failed\n");
		return false;
	}
	self = this_mpidr();
	gic_set_handler(SGI_ID, sgi_handler);
	gic_ppi_enable(SGI_ID, true);
	irq_enable();
	return true;
}

static uint64_t sgi_once(void)
{
	uint64_t t0;

	fired = false;
	t0 = timer_now();
	gic_send_sgi(SGI_ID, self);
	if (!WAIT_FOR(fired, EVENT_TIMEOUT_US)) {
		printf("# sgi_self: SGI %u not taken within 2 s\n", SGI_ID);
		return BENCH_FAILED;
	}
	return fired_at - t0;
}

static void sgi_teardown(void)
{
	irq_disable();
	gic_ppi_enable(SGI_ID, false);
	gic_set_handler(SGI_ID, NULL);
}

const struct bench bench_sgi_self = {
	.name = "sgi_self", .setup = sgi_setup, .once = sgi_once,
	.teardown = sgi_teardown, .iterations = BENCH_ITERATIONS,
};
