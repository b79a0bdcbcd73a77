/*
 * The C side of CPU entry: the primary's wrong-EL report, the secondary's
 * job runner, and starting a secondary with PSCI CPU_ON.
 */
#include <lib/gic.h>
#include <lib/printf.h>
#include <lib/psci.h>
#include <lib/smp.h>
#include <lib/sysreg.h>
#include <lib/test.h>

struct cpu_state cpu_state[MAX_CPUS];

/* Called from boot.S only. */
void boot_wrong_el(uint64_t current_el) __noreturn;
void secondary_main(uint64_t context) __noreturn;
void secondary_bad_context(uint64_t context) __noreturn;

void boot_wrong_el(uint64_t current_el)
{
	printf("guest: entered at EL%lu; these guests run at EL1 only\n",
	       (current_el >> 2) & 3);
	for (;;)
		wfi();
}

/* Runs on the spare stack, with CPU index MAX_CPUS in TPIDR_EL1. */
void secondary_bad_context(uint64_t context)
{
	test_abort("a CPU entered secondary_entry with context ID 0x%lx (MPIDR_EL1 0x%lx); cpu_start() passes the CPU index",
		   context, read_sysreg(mpidr_el1));
}

void secondary_main(uint64_t context)
{
	unsigned int cpu = this_cpu();
	struct cpu_state *st = &cpu_state[cpu];
	int ret;

	if (context & CTX_RESUME)
		test_abort("CPU %u resumed at the CPU_SUSPEND entry point: a standby request lost the CPU's context",
			   cpu);
	st->mpidr = this_mpidr();
	dsb(sy);
	st->started++;
	if (st->job)
		st->job(st->arg);
	irq_disable();
	ret = psci_cpu_off();
	test_abort("CPU %u: CPU_OFF returned %d", cpu, ret);
}

int cpu_start(unsigned int cpu, uint64_t mpidr, cpu_job_t job, void *arg)
{
	cpu_state[cpu].job = job;
	cpu_state[cpu].arg = arg;
	dsb(sy);
	return psci_cpu_on(mpidr, (uintptr_t)secondary_entry, cpu);
}

/*
 * The other CPU's MPIDR, from the redistributor that is not ours. QEMU
 * virt numbers CPUs 0, 1, ... in Aff0, which is the fallback.
 */
uint64_t other_cpu_mpidr(void)
{
	uintptr_t frames[GICR_MAX_FRAMES];
	unsigned int n = gicr_walk(frames, GICR_MAX_FRAMES);
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint64_t mpidr = gicr_aff_to_mpidr(gicr_typer(frames[i]));

		if (mpidr != this_mpidr())
			return mpidr;
	}
	return this_mpidr() ^ 1;
}
