/*
 * What the drivers (drivers/<class>/) call in the kernel, for host tests
 * that link them for their registration table (board binding) or their
 * register logic. None of it runs in those tests; each stub fails the
 * test if it does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <tandem/irq.h>
#include <tandem/log.h>
#include <arch/mmu.h>

void log_printf(enum log_level level, const char *fmt, ...)
{
	fail_msg("driver logged: %s", fmt);
}

void *mmu_map_device(paddr_t pa, uint64_t size)
{
	fail_msg("driver mapped %#llx", (unsigned long long)pa);
	return NULL;
}

int irq_connect(irqid_t intid, irq_handler_t fn, void *arg)
{
	fail_msg("driver connected INTID %u", intid);
	return -1;
}

void irq_enable(irqid_t intid)
{
	fail_msg("driver enabled INTID %u", intid);
}

void irq_set_priority(irqid_t intid, uint8_t prio)
{
	fail_msg("driver set INTID %u's priority", intid);
}
