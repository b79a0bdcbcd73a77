/*
 * Exceptions the host did not expect: a decoded report (class, ESR, FAR,
 * ELR, registers, thread and core) on the console, then this core stops.
 * The other cores keep running: a fault in one thread on one core must not
 * take down VMs elsewhere.
 */
#include <stdio.h>
#include <tandem/console.h>
#include <tandem/log.h>
#include <tandem/percpu.h>
#include <arch/layout.h>
#include <arch/trap_frame.h>

static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case 0x00: return "unknown reason";
	case 0x01: return "WFI/WFE";
	case 0x07: return "FP/SIMD access trap";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC";
	case 0x16: return "HVC";
	case 0x17: return "SMC";
	case 0x18: return "MSR/MRS/system instruction";
	case 0x19: return "SVE access trap";
	case 0x20: return "instruction abort from a lower EL";
	case 0x21: return "instruction abort at EL2";
	case 0x22: return "PC alignment fault";
	case 0x24: return "data abort from a lower EL";
	case 0x25: return "data abort at EL2";
	case 0x26: return "SP alignment fault";
	case 0x2f: return "SError";
	case 0x30: case 0x31: return "breakpoint";
	case 0x32: case 0x33: return "software step";
	case 0x34: case 0x35: return "watchpoint";
	case 0x3c: return "BRK instruction";
	default: return "other";
	}
}

static const char *vector_name(unsigned v)
{
	static const char *const names[16] = {
		"sync/EL2t", "irq/EL2t", "fiq/EL2t", "serror/EL2t",
		"sync/EL2h", "irq/EL2h", "fiq/EL2h", "serror/EL2h",
		"sync/lower64", "irq/lower64", "fiq/lower64", "serror/lower64",
		"sync/lower32", "irq/lower32", "fiq/lower32", "serror/lower32",
	};
	return v < 16 ? names[v] : "?";
}

void halt_this_cpu(void);

/* Each core's stack for reporting an overflow of the stack it was on. */
static uint8_t overflow_stacks[CONFIG_MAX_CPUS][OVERFLOW_STACK_SIZE] __aligned(16);

void arch_overflow_stack_init(struct cpu *c)
{
	c->overflow_sp = (uintptr_t)overflow_stacks[c->id] + OVERFLOW_STACK_SIZE;
}

/* The report is written while holding the console (see console_panic_begin),
 * so the lines of a fault on one core are not cut by another core's output;
 * note, when given, is a line that goes before it. */
static __noreturn void report_note_and_halt(struct trap_frame *tf, unsigned vector,
					    const char *note, size_t note_len)
{
	struct cpu *c = this_cpu();
	unsigned ec = (unsigned)(tf->esr >> 26) & 0x3f;
	bool console_held;

	arch_fp_release_for_panic();
	console_held = console_panic_begin();
	char buf[160];
	int n;

	if (note)
		console_panic_write(note, note_len);
	n = snprintf(buf, sizeof(buf),
		     "\n*** EL2 exception on cpu%u in thread '%s' (vector %s)\n",
		     c ? c->id : 0, (c && c->current) ? c->current->name : "boot",
		     vector_name(vector));
	console_panic_write(buf, (size_t)n);
	n = snprintf(buf, sizeof(buf),
		     "*** EC=%#x (%s) ESR=%#018llx FAR=%#018llx\n*** ELR=%#018llx SPSR=%#010llx SP=%#018llx\n",
		     ec, ec_name(ec), (unsigned long long)tf->esr,
		     (unsigned long long)tf->far, (unsigned long long)tf->elr,
		     (unsigned long long)tf->spsr, (unsigned long long)tf->sp);
	console_panic_write(buf, (size_t)n);
	for (int i = 0; i < 31; i += 3) {
		n = 0;
		for (int j = i; j < i + 3 && j < 31; j++)
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, " x%-2d=%016llx", j,
				      (unsigned long long)tf->x[j]);
		buf[n++] = '\n';
		console_panic_write(buf, (size_t)n);
	}
	n = snprintf(buf, sizeof(buf), "*** cpu%u halted; other cores continue\n",
		     c ? c->id : 0);
	console_panic_write(buf, (size_t)n);
	console_panic_end(console_held);
	halt_this_cpu();
	for (;;)
		;
}

__noreturn void report_and_halt(struct trap_frame *tf, unsigned vector)
{
	report_note_and_halt(tf, vector, NULL, 0);
}

void unexpected_exception(struct trap_frame *tf, unsigned vector)
{
	report_and_halt(tf, vector);
}

/* vectors.S found a frame would not fit on the current stack: the thread
 * ran into the guard below its stack. Name it, then report as any fault. */
__noreturn void host_stack_overflow_handler(struct trap_frame *tf)
{
	struct cpu *c = this_cpu();
	struct k_thread *t = c->current;
	char buf[160];
	int n;

	n = snprintf(buf, sizeof(buf),
		     "\n*** stack overflow in thread '%s' on cpu%u: SP=%#llx, stack %#llx-%#llx\n",
		     t ? t->name : "?", c->id, (unsigned long long)tf->sp,
		     (unsigned long long)(t ? (uintptr_t)t->stack : 0),
		     (unsigned long long)(t ? (uintptr_t)t->stack + t->stack_size : 0));
	report_note_and_halt(tf, 4, buf, (size_t)n);
}

#define EC_FP_ACCESS 0x07

void host_sync_handler(struct trap_frame *tf)
{
	/* Host code's first FP/SIMD instruction since a switch (fp_lazy.c):
	 * printf formatting, in a thread or an interrupt on top of one. */
	if (((tf->esr >> 26) & 0x3f) == EC_FP_ACCESS) {
		arch_fp_take();
		return;
	}
	report_and_halt(tf, 4);
}
