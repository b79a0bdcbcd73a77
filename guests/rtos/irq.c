/*
 * Exception entry in C, called from vectors.S with the interrupted
 * context saved as a frame. An IRQ is acknowledged, handed to its ISR
 * with the counter value read at vector entry, and ended (EOImode 0:
 * one write drops priority and deactivates); on CPU 0 the scheduler then
 * picks the frame to resume. An SVC from a thread is a voluntary switch.
 * Anything else is a fault, reported by the test library's handler.
 */
#include <lib/gic.h>
#include <lib/smp.h>
#include <lib/sysreg.h>
#include "rtos.h"

#define NR_ISRS		32	/* SGIs and PPIs are all this guest uses */
#define INTID_SPECIAL	1020	/* 1020..1023: nothing to acknowledge */

static isr_t isrs[NR_ISRS];
static volatile unsigned int unexpected[MAX_CPUS];

void irq_connect(unsigned int intid, isr_t isr)
{
	if (intid < NR_ISRS)
		isrs[intid] = isr;
}

struct exc_frame *rtos_irq(uint64_t stamp, struct exc_frame *frame)
{
	uint32_t intid = (uint32_t)read_sysreg(icc_iar1_el1) & 0xffffff;

	if (intid >= INTID_SPECIAL)
		return frame;		/* spurious: nothing to end */
	if (intid < NR_ISRS && isrs[intid])
		isrs[intid](intid, stamp);
	else
		unexpected[this_cpu()]++;
	write_sysreg(intid, icc_eoir1_el1);
	if (this_cpu() != 0)
		return frame;
	return sched_irq_exit(frame);
}

struct exc_frame *rtos_sync(unsigned int vector, struct exc_frame *frame)
{
	uint64_t esr = read_sysreg(esr_el1);

	if (vector == 4 && ESR_EC(esr) == ESR_EC_SVC64 && this_cpu() == 0)
		return sched_switch(frame);
	exception_dispatch(vector, frame);	/* reports and powers off */
	return frame;
}
