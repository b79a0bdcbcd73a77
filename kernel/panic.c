/* k_panic: report on the console (polled, lock-free), stop every core. */
#include <stdarg.h>
#include <stdio.h>
#include <tandem/console.h>
#include <tandem/irq.h>
#include <tandem/log.h>
#include "sched.h"

void halt_this_cpu(void);

__noreturn void k_panic(const char *fmt, ...)
{
	struct cpu *c = this_cpu();
	char buf[256];
	va_list ap;
	int n;

	arch_irq_lock();
	n = snprintf(buf, sizeof(buf), "\n*** PANIC on cpu%u in '%s': ", c ? c->id : 0,
		     (c && c->current) ? c->current->name : "boot");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 2, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	console_panic_write(buf, (size_t)n);
	for (cpuid_t i = 0; c && i < cpu_count; i++)
		if (i != c->id && cpu_get(i)->state == CPU_ONLINE)
			irq_send_ipi(i, IPI_STOP);
	halt_this_cpu();
	for (;;)
		;
}
