/*
 * Boot, in C: learn the board from its DTB, bring up memory, interrupts,
 * timer and console on the boot CPU, start the other cores, start the
 * shell, and turn every boot context into its CPU's idle thread.
 */
#include <stdio.h>
#include <string.h>
#include <tandem/board.h>
#include <tandem/console.h>
#include <tandem/driver.h>
#include <tandem/irq.h>
#include <tandem/log.h>
#include <tandem/page_alloc.h>
#include <tandem/version.h>
#include <arch/layout.h>
#include <arch/mmu.h>
#include <arch/psci.h>
#include "sched.h"

struct cpu cpu_data[CONFIG_MAX_CPUS];
unsigned cpu_count = 1;
struct board board;
const void *board_dtb;
ticks_t boot_prompt_ticks;

extern char _image_start[], _image_end[];
extern uint8_t boot_stacks[];
void libc_cpu_init(struct cpu *c);
void console_irq_init(irqid_t uart_irq);
void smp_start_secondaries(void);
void ipi_cpu_init(void);
void shell_start(void);
int virt_reserve(const void *dtb, struct board *b);
void virt_init(void);
void virt_cpu_init(void);
void virt_autostart(void);
void clock_guard_start(void);
void arch_overflow_stack_init(struct cpu *c);

/*
 * With no console at all the words cannot come out, so the failure is
 * made visible another way: a BRK whose immediate spells "fail", taken by
 * the EL2 vectors (QEMU -d int: "Taking exception 7 [Breakpoint]", ESR
 * 0xf200fa11, ELR in boot_fail); the message is in the console ring.
 */
static __noreturn void boot_fail(const char *msg)
{
	if (!console_ready()) {
		console_puts("tandem: boot failed: ");
		console_puts(msg);
		__asm__ volatile("brk #0xfa11");
	}
	console_panic_write("tandem: boot failed: ", 21);
	console_panic_write(msg, strlen(msg));
	console_panic_write("\n", 1);
	for (;;)
		wfi();
}

static void idle_thread_init(struct cpu *c)
{
	struct k_thread *t = &c->idle;
	uint8_t *stack = boot_stacks + (size_t)c->id * BOOT_STACK_STRIDE + BOOT_STACK_GUARD;

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "idle%u", c->id);
	t->prio = t->base_prio = K_IDLE_PRIO;
	t->state = THREAD_RUNNING;
	t->cpu = c->id;
	t->cpu_mask = 1U << c->id;
	t->stack = stack;
	t->stack_size = BOOT_STACK_SIZE;
	list_init(&t->qnode);
	timeout_init(&t->timeout, NULL);
	list_init(&t->joiners.waiters);
	/* Secondaries' stacks are untouched yet; paint them for usage stats. */
	if (c->id != 0)
		memset(stack, 0xaa, BOOT_STACK_SIZE - 256);
	else	/* we are running on this one: paint below our frame */
		memset(stack, 0xaa, (size_t)((uint8_t *)__builtin_frame_address(0) -
					     stack) - 512);
	*(uint64_t *)stack = STACK_CANARY;
	c->current = t;
	c->fp_owner = t;	/* the boot context's FP/SIMD state is live */
	c->stack_limit = (uintptr_t)stack;
	arch_overflow_stack_init(c);
	thread_list_add(t);
}

static void el2_map_report(void)
{
	struct mmu_layout l;

	mmu_layout(&l);
	LOG_INF("el2 map: text %#llx-%#llx r-x, rodata -%#llx r--, data/bss -%#llx rw-, "
		"RAM rw-, WXN %s", (unsigned long long)l.text,
		(unsigned long long)l.text_end, (unsigned long long)l.rodata_end,
		(unsigned long long)l.image_end, l.wxn ? "on" : "off");
	if (l.boot_guards)
		LOG_INF("stack guards: boot stacks' guard pages unmapped, thread stacks in "
			"the window at %#lx", MMU_STACK_WINDOW_BASE);
	else
		LOG_ERR("stack guards: a boot stack's guard page is mapped");
}

static void cpu_common_init(struct cpu *c)
{
	if (irq_chip_init_cpu(c->mpidr))
		k_panic("cpu%u: %s CPU interface set-up failed", c->id, irq_chip_name());
	ipi_cpu_init();
	hw_timer_cpu_init();
	virt_cpu_init();
}

/* Logical CPU 0 is the boot CPU, whatever its place in the DTB. */
static void cpus_from_board(const struct board *b)
{
	uint64_t me = arch_mpidr();
	cpuid_t id = 1;

	cpu_count = b->n_cpus;
	cpu_data[0].mpidr = me;
	for (unsigned i = 0; i < b->n_cpus && id < cpu_count; i++)
		if (b->cpu_mpidr[i] != me)
			cpu_data[id++].mpidr = b->cpu_mpidr[i];
	for (cpuid_t i = 0; i < cpu_count; i++) {
		cpu_data[i].id = i;
		sched_init_cpu(&cpu_data[i]);
		idle_thread_init(&cpu_data[i]);
	}
}

__noreturn void kernel_main(const void *dtb)
{
	struct cpu *c = &cpu_data[0];
	char err[384];	/* a refusal names node, compatible and a list */
	uint64_t t0, entered = k_cycle_get();	/* start-up figures count from here */

	arch_percpu_set(c);
	libc_cpu_init(c);
	console_early_init(dtb);

	if (board_parse(dtb, &board, err, sizeof(err)))
		boot_fail(err);
	board_dtb = dtb;
	irq_set_chip(board.irqchip_driver->ops);
	hw_timer_bind(board.timer_driver->ops, &board);
	t0 = k_cycle_get();

	console_printf("\nTandem %s - real-time hypervisor for AArch64\n", tandem_version);
	LOG_INF("board: %s, %u CPUs, RAM %#llx+%lluMiB, %s %#llx, UART %#llx irq %u (%s%s%s)",
		board.model, board.n_cpus, (unsigned long long)board.mem[0].base,
		(unsigned long long)(board.mem[0].size >> 20), irq_chip_name(),
		(unsigned long long)board.gicd.base, (unsigned long long)board.uart.reg.base,
		board.uart.irq, board.uart.driver->name, board.uart.options[0] ? ", " : "",
		board.uart.options);

	cpus_from_board(&board);
	if (virt_reserve(dtb, &board))
		boot_fail("cannot protect the boot bundle");
	if (page_alloc_init(&board, (paddr_t)_image_start, (paddr_t)_image_end,
			    (paddr_t)dtb, board.fdt_size))
		boot_fail("no usable RAM");
	if (heap_init())
		boot_fail("cannot allocate the heap");
	el2_map_report();
	psci_init(board.psci);
	if (irq_chip_init(&board))
		boot_fail("cannot map the interrupt controller");
	ipi_init();
	cpu_common_init(c);
	c->last_switch = c->online_since = k_cycle_get();
	c->state = CPU_ONLINE;
	console_irq_init(board.uart.irq);
	arch_irq_enable();

	if (psci_available())
		smp_start_secondaries();
	else
		LOG_WRN("no PSCI in the DTB: running on the boot CPU only");
	LOG_INF("%u of %u CPUs online, boot took %llu us (kernel entered at uptime %llu us)",
		k_cpu_count(), cpu_count,
		(unsigned long long)(k_cycles_to_ns(k_cycle_get() - t0) / 1000),
		(unsigned long long)(k_cycles_to_ns(entered) / 1000));

	clock_guard_start();
	virt_init();
	shell_start();
	virt_autostart();
	sched_start_idle(c);
}

__noreturn void secondary_main(cpuid_t id)
{
	struct cpu *c = &cpu_data[id];

	arch_percpu_set(c);
	libc_cpu_init(c);
	cpu_common_init(c);
	c->last_switch = c->online_since = k_cycle_get();
	c->state = CPU_ONLINE;
	arch_irq_enable();
	sched_start_idle(c);
}
