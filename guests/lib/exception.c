/*
 * What the EL1 vectors do with an exception: IRQs (Group 1) and FIQs
 * (Group 0) go to the GIC dispatcher; a synchronous exception or SError that the running test
 * armed for is recorded once, per CPU, and a synchronous one is skipped
 * past; anything else ends the run.
 */
#include <lib/exception.h>
#include <lib/gic.h>
#include <lib/smp.h>
#include <lib/sysreg.h>
#include <lib/test.h>

struct exc_slot {
	volatile bool armed;
	volatile bool taken;
	void (*hook)(const struct exc_record *rec);
	struct exc_record rec;
};

static struct exc_slot slots[NR_CPUS];

static const char *const vector_names[16] = {
	"SP_EL0 sync", "SP_EL0 IRQ", "SP_EL0 FIQ", "SP_EL0 SError",
	"sync", "IRQ", "FIQ", "SError",
	"lower EL sync", "lower EL IRQ", "lower EL FIQ", "lower EL SError",
	"AArch32 sync", "AArch32 IRQ", "AArch32 FIQ", "AArch32 SError",
};

void exc_expect(void)
{
	struct exc_slot *slot = &slots[this_cpu()];

	slot->taken = false;
	slot->hook = NULL;
	slot->armed = true;
}

void exc_expect_hook(void (*hook)(const struct exc_record *rec))
{
	exc_expect();
	slots[this_cpu()].hook = hook;
}

bool exc_taken(struct exc_record *rec)
{
	struct exc_slot *slot = &slots[this_cpu()];
	bool taken = slot->taken;

	slot->armed = false;
	slot->taken = false;
	if (taken && rec)
		*rec = slot->rec;
	return taken;
}

void exception_dispatch(unsigned int vector, struct exc_frame *frame)
{
	unsigned int kind = vector >= 4 && vector < 8 ? vector - 4 : EXC_BAD;
	unsigned int cpu = this_cpu();
	struct exc_slot *slot = cpu < NR_CPUS ? &slots[cpu] : NULL;
	uint64_t esr, far;

	if (kind == EXC_IRQ && slot) {
		gic_handle_irq();
		return;
	}
	if (kind == EXC_FIQ && slot) {
		gic_handle_fiq();
		return;
	}
	esr = read_sysreg(esr_el1);
	far = read_sysreg(far_el1);
	if ((kind == EXC_SYNC || kind == EXC_SERROR) && slot && slot->armed) {
		slot->rec.kind = kind;
		slot->rec.esr = esr;
		slot->rec.far = far;
		slot->rec.elr = frame->elr;
		slot->rec.spsr = frame->spsr;
		if (slot->hook)
			slot->hook(&slot->rec);
		slot->armed = false;
		slot->taken = true;
		/* SVC already returns past itself; aborts and UNDEFs do not. */
		if (kind == EXC_SYNC && ESR_EC(esr) != ESR_EC_SVC64)
			frame->elr += 4;
		return;
	}
	test_abort("unexpected %s exception on CPU %u: ESR_EL1 0x%lx FAR_EL1 0x%lx ELR_EL1 0x%lx",
		   vector_names[vector & 15], cpu, esr, far, frame->elr);
}
