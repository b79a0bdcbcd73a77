/* Shell commands that show the host kernel: cpus, threads, mem, fault. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/kernel.h>
#include <tandem/lock_stats.h>
#include <tandem/log.h>
#include <tandem/page_alloc.h>
#include <tandem/percpu.h>
#include <tandem/shell.h>
#include <tandem/stack.h>
#include <arch/cache.h>
#include <arch/mmu.h>

static const char *const state_names[] = {
	[THREAD_NEW] = "new",
	[THREAD_READY] = "ready",
	[THREAD_RUNNING] = "running",
	[THREAD_PENDING] = "pending",
	[THREAD_SLEEPING] = "sleeping",
	[THREAD_SUSPENDED] = "suspended",
	[THREAD_DEAD] = "dead",
};

static const char *cpu_state_name(enum cpu_state s)
{
	return s == CPU_ONLINE ? "online" : s == CPU_HALTED ? "halted" : "off";
}

static int cmd_cpus(struct shell *sh, int argc, char **argv)
{
	ticks_t now = k_cycle_get();

	if (argc > 1 && !strcmp(argv[1], "counts")) {
		/* What each core ran for: a quiet RTOS core's counts grow only
		 * with its own guest's ticks (bench/rt_quiet.py). */
		for (cpuid_t i = 0; i < cpu_count; i++) {
			struct cpu *c = cpu_get(i);

			shell_printf(sh, "cpu%u irqs=%llu guest-timer=%llu ipis=%llu sched=%llu "
				     "switches=%llu fp-traps=%llu\n", i,
				     (unsigned long long)READ_ONCE(c->irqs),
				     (unsigned long long)READ_ONCE(c->guest_timer_irqs),
				     (unsigned long long)READ_ONCE(c->ipis),
				     (unsigned long long)READ_ONCE(c->sched_passes),
				     (unsigned long long)READ_ONCE(c->switches),
				     (unsigned long long)READ_ONCE(c->fp_traps));
		}
		return 0;
	}
	shell_printf(sh, "CPU   MPIDR         STATE   CURRENT                 IDLE (since online)\n");
	for (cpuid_t i = 0; i < cpu_count; i++) {
		struct cpu *c = cpu_get(i);
		struct k_thread *cur = READ_ONCE(c->current);
		uint64_t idle = c->idle.runtime_ticks;
		ticks_t up = now - READ_ONCE(c->online_since);
		unsigned pct10;

		if (cur == &c->idle)
			idle += now - READ_ONCE(c->last_switch);
		pct10 = (c->state != CPU_OFF && up) ? (unsigned)((idle * 1000) / up) : 0;
		if (pct10 > 1000)
			pct10 = 1000;
		shell_printf(sh, "cpu%-2u mpidr=%#-8llx %-7s current=%-16s idle=%u%%\n",
			     i, (unsigned long long)c->mpidr, cpu_state_name(c->state),
			     cur ? cur->name : "-", (pct10 + 5) / 10);
	}
	return 0;
}
SHELL_CMD("cpus", cmd_cpus, "[counts]", "each core: state, current thread, idle time; counts: interrupts, IPIs, scheduler passes, switches, FP/SIMD traps");

#define MAX_SNAP 64

struct thread_snap {
	char name[K_THREAD_NAME_LEN];
	cpuid_t cpu;
	int prio, base_prio;
	enum thread_state state;
	size_t used, size;
	uint64_t runtime;
};

struct snap_list {
	struct thread_snap t[MAX_SNAP];
	unsigned n, dropped;
};

static void snap_one(const struct k_thread *t, void *arg)
{
	struct snap_list *l = arg;
	struct thread_snap *s;

	if (l->n == MAX_SNAP) {
		l->dropped++;
		return;
	}
	s = &l->t[l->n++];
	memcpy(s->name, t->name, sizeof(s->name));
	s->cpu = t->cpu;
	s->prio = t->prio;
	s->base_prio = t->base_prio;
	s->state = t->state;
	s->used = k_thread_stack_used(t);
	s->size = t->stack_size;
	s->runtime = k_thread_runtime_locked(t);
}

static int cmd_threads(struct shell *sh, int argc, char **argv)
{
	static struct snap_list l;	/* the shell runs one command at a time */

	l.n = l.dropped = 0;
	/* Snapshot under the scheduler lock, print after it. */
	k_thread_foreach(snap_one, &l);
	shell_printf(sh, "NAME              CPU  PRIO  STATE      STACK(used/size)  RUNTIME(ms)\n");
	for (unsigned i = 0; i < l.n; i++) {
		struct thread_snap *s = &l.t[i];
		char prio[16];

		if (s->prio != s->base_prio)
			snprintf(prio, sizeof(prio), "%d(%d)", s->prio, s->base_prio);
		else
			snprintf(prio, sizeof(prio), "%d", s->prio);
		shell_printf(sh, "%-16s  %-3u  %-5s %-9s  %zu/%zu  %llu\n", s->name, s->cpu,
			     prio, state_names[s->state], s->used, s->size,
			     (unsigned long long)(k_cycles_to_ns(s->runtime) / 1000000));
	}
	if (l.dropped)
		shell_printf(sh, "(%u more threads not shown)\n", l.dropped);
	return 0;
}
SHELL_CMD("threads", cmd_threads, "", "every thread: core, priority, state, stack use");

static int cmd_mem(struct shell *sh, int argc, char **argv)
{
	struct buddy_stats ps;
	struct heap_stats hs;
	struct mmu_layout ml;
	uint64_t used;

	page_alloc_stats(&ps);
	heap_stats(&hs);
	used = ps.total_pages - ps.free_pages;
	shell_printf(sh, "pages: total %llu, free %llu, used %llu (4 KiB each; %llu metadata)\n",
		     (unsigned long long)ps.total_pages, (unsigned long long)ps.free_pages,
		     (unsigned long long)used, (unsigned long long)ps.metadata_pages);
	shell_printf(sh, "scrub: %llu free pages not yet zero (the scrubber's backlog)\n",
		     (unsigned long long)ps.dirty_free_pages);
	shell_printf(sh, "heap: size %zu, used %zu, free %zu bytes\n", hs.size, hs.used,
		     hs.size - hs.used);
	shell_printf(sh, "el2 page tables: %u pages\n", mmu_tables_used());
	mmu_layout(&ml);
	shell_printf(sh, "el2 map: text %#llx-%#llx r-x, rodata -%#llx r--, data -%#llx rw-, "
		     "other RAM rw-, WXN %s\n", (unsigned long long)ml.text,
		     (unsigned long long)ml.text_end, (unsigned long long)ml.rodata_end,
		     (unsigned long long)ml.image_end, ml.wxn ? "on" : "off");
	shell_printf(sh, "thread stacks: %u in the guarded window\n", k_stack_slots_used());
	return 0;
}
SHELL_CMD("mem", cmd_mem, "", "free and used pages, heap use");

/* ---- locks: how long cores wait on the scheduler's locks --------------------- */

static unsigned long long ns_of(uint64_t ticks)
{
	return (unsigned long long)k_cycles_to_ns(ticks);
}

static int cmd_locks(struct shell *sh, int argc, char **argv)
{
	static struct k_spinlock_stats snap;	/* the shell runs one command at a time */

	if (argc == 2 && !strcmp(argv[1], "reset")) {
		k_spin_stats_reset(&sched_lock_stats);
		shell_printf(sh, "scheduler lock counts reset\n");
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "on") || !strcmp(argv[1], "off"))) {
		bool on = !strcmp(argv[1], "on");

		sched_lock_accounting(on);
		shell_printf(sh, "scheduler lock accounting %s\n", on ? "on" : "off");
		return 0;
	}
	if (argc != 1)
		return shell_usage(sh, shell_current_cmd(sh));
	if (!sched_lock_accounting_on())
		shell_printf(sh, "(accounting is off: `locks on` starts it)\n");
	memcpy(&snap, &sched_lock_stats, sizeof(snap));
	shell_printf(sh, "scheduler locks (each core's and each wait queue's), ns "
		     "(wait: spinning to get one; hold: keeping them)\n");
	for (cpuid_t i = 0; i < cpu_count; i++) {
		struct k_spinlock_cpu_stats *c = &snap.cpu[i];
		uint64_t n = c->acquired ? c->acquired : 1;
		uint64_t nc = c->contended ? c->contended : 1;

		shell_printf(sh, "cpu%-2u taken=%-9llu contended=%-9llu wait_max=%-7llu wait_avg=%-5llu "
			     "wait_avg_contended=%-7llu hold_max=%-7llu hold_avg=%llu\n", i,
			     (unsigned long long)c->acquired, (unsigned long long)c->contended,
			     ns_of(c->wait_max), ns_of(c->wait_total / n), ns_of(c->wait_total / nc),
			     ns_of(c->hold_max), ns_of(c->hold_total / n));
	}
	shell_printf(sh, "waits by length: <1us <10us <100us <1ms >=1ms\n");
	for (cpuid_t i = 0; i < cpu_count; i++) {
		const uint64_t *w = snap.cpu[i].waits;

		shell_printf(sh, "cpu%-2u waits=%llu %llu %llu %llu %llu\n", i,
			     (unsigned long long)w[0], (unsigned long long)w[1],
			     (unsigned long long)w[2], (unsigned long long)w[3],
			     (unsigned long long)w[4]);
	}
	return 0;
}
SHELL_CMD("locks", cmd_locks, "[on|off|reset]",
	  "scheduler locks: per core, times taken and waited, max/avg wait and hold (ns)");

/* ---- fault: prove a host fault on one core is contained to it -------------- */

#define UNMAPPED_ADDR 0xdead0000UL
#define INSN_RET 0xd65f03c0U

enum fault_kind {
	FAULT_READ_UNMAPPED,	/* a read of an address nothing maps */
	FAULT_WRITE_TEXT,	/* a store to the hypervisor's own code */
	FAULT_EXEC_DATA,	/* a jump to an instruction in .data */
	FAULT_EXEC_HEAP,	/* a jump to an instruction on the heap */
	FAULT_STACK_OVERFLOW,	/* recursion off the bottom of the stack */
	FAULT_NULL_WRITE,	/* a store through NULL: page 0 is never mapped,
				 * even where RAM starts at physical 0 */
};

static const char *const fault_kinds[] = {
	[FAULT_READ_UNMAPPED] = "read",
	[FAULT_WRITE_TEXT] = "write-text",
	[FAULT_EXEC_DATA] = "exec-data",
	[FAULT_EXEC_HEAP] = "exec-heap",
	[FAULT_STACK_OVERFLOW] = "stack-overflow",
	[FAULT_NULL_WRITE] = "null-write",
};

/* Read at run time, so the compiler sees no NULL dereference to rewrite. */
static volatile uintptr_t null_addr;

static uint32_t data_insn[4] __aligned(16) = { INSN_RET };

/* Make buf's instruction visible to fetch, then run it. Under W^X the
 * branch takes an instruction abort; without it, this returns. */
static void run_insn(uint32_t *insn)
{
	cache_clean_range(insn, sizeof(*insn));
	icache_invalidate_all();
	((void (*)(void))insn)();
}

/* Ends only by overflowing (the limit is out of reach, but the compiler
 * cannot know that). */
static volatile unsigned recurse_limit = ~0U;

static __attribute__((noinline)) unsigned recurse(unsigned depth)
{
	volatile uint8_t frame[512];

	frame[0] = (uint8_t)depth;
	if (depth == recurse_limit)
		return 0;
	return recurse(depth + 1) + frame[0];	/* not a tail call */
}

static void fault_thread(void *p1, void *p2, void *p3)
{
	enum fault_kind kind = (enum fault_kind)(uintptr_t)p1;
	volatile uint32_t *text = (volatile uint32_t *)(uintptr_t)cmd_cpus;
	uint32_t *heap;

	switch (kind) {
	case FAULT_READ_UNMAPPED:
		(void)*(volatile uint64_t *)UNMAPPED_ADDR;
		break;
	case FAULT_WRITE_TEXT:
		*text = *text;	/* harmless if it were allowed */
		break;
	case FAULT_EXEC_DATA:
		run_insn(data_insn);
		break;
	case FAULT_EXEC_HEAP:
		heap = malloc(16);
		if (!heap)
			return;
		heap[0] = INSN_RET;
		run_insn(heap);
		free(heap);
		break;
	case FAULT_STACK_OVERFLOW:
		recurse(0);
		break;
	case FAULT_NULL_WRITE:
		*(volatile uint64_t *)null_addr = 0;
		break;
	}
	LOG_ERR("fault %s: no fault happened", fault_kinds[kind]);
}

static int cmd_fault(struct shell *sh, int argc, char **argv)
{
	unsigned kind = FAULT_READ_UNMAPPED;
	uint64_t cpu;

	if (argc != 2 && argc != 3)
		return shell_usage(sh, shell_current_cmd(sh));
	if (cpu_count < 2) {
		shell_printf(sh, "error: needs a second CPU (the shell runs on cpu0)\n");
		return -1;
	}
	if (shell_parse_u64(sh, argv[1], "cpu", 1, cpu_count - 1, &cpu))
		return -1;
	if (argc == 3) {
		for (kind = 0; kind < ARRAY_SIZE(fault_kinds); kind++)
			if (!strcmp(argv[2], fault_kinds[kind]))
				break;
		if (kind == ARRAY_SIZE(fault_kinds)) {
			shell_printf(sh, "error: unknown fault '%s'\n", argv[2]);
			return -1;
		}
	}
	if (cpu_get((cpuid_t)cpu)->state != CPU_ONLINE) {
		shell_printf(sh, "error: cpu%llu is not online\n", (unsigned long long)cpu);
		return -1;
	}
	if (kind == FAULT_READ_UNMAPPED)
		LOG_WRN("fault: making a thread on cpu%llu read %#lx",
			(unsigned long long)cpu, UNMAPPED_ADDR);
	else
		LOG_WRN("fault: making a thread on cpu%llu do %s", (unsigned long long)cpu,
			fault_kinds[kind]);
	if (!k_thread_spawn("fault", fault_thread, (void *)(uintptr_t)kind, NULL, 1,
			    1U << cpu, 4096)) {
		shell_printf(sh, "error: out of memory\n");
		return -1;
	}
	k_msleep(20);
	return 0;
}
SHELL_CMD("fault", cmd_fault, "<cpu> [read|write-text|exec-data|exec-heap|stack-overflow|null-write]",
	  "test: fault on purpose in a thread on <cpu>; that core halts, the rest go on");
