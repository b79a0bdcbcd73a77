/* Shell commands that show the host kernel: cpus, threads, mem, fault. */
#include <stdio.h>
#include <string.h>
#include <tandem/kernel.h>
#include <tandem/log.h>
#include <tandem/page_alloc.h>
#include <tandem/percpu.h>
#include <tandem/shell.h>
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
SHELL_CMD("cpus", cmd_cpus, "", "each core: state, current thread, idle time");

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
	uint64_t used;

	page_alloc_stats(&ps);
	heap_stats(&hs);
	used = ps.total_pages - ps.free_pages;
	shell_printf(sh, "pages: total %llu, free %llu, used %llu (4 KiB each; %llu metadata)\n",
		     (unsigned long long)ps.total_pages, (unsigned long long)ps.free_pages,
		     (unsigned long long)used, (unsigned long long)ps.metadata_pages);
	shell_printf(sh, "heap: size %zu, used %zu, free %zu bytes\n", hs.size, hs.used,
		     hs.size - hs.used);
	shell_printf(sh, "el2 page tables: %u pages\n", mmu_tables_used());
	return 0;
}
SHELL_CMD("mem", cmd_mem, "", "free and used pages, heap use");

/* ---- fault: prove a host fault on one core is contained to it -------------- */

#define UNMAPPED_ADDR 0xdead0000UL

static void fault_thread(void *p1, void *p2, void *p3)
{
	(void)*(volatile uint64_t *)UNMAPPED_ADDR;
}

static int cmd_fault(struct shell *sh, int argc, char **argv)
{
	uint64_t cpu;

	if (argc != 2)
		return shell_usage(sh, shell_current_cmd(sh));
	if (cpu_count < 2) {
		shell_printf(sh, "error: needs a second CPU (the shell runs on cpu0)\n");
		return -1;
	}
	if (shell_parse_u64(sh, argv[1], "cpu", 1, cpu_count - 1, &cpu))
		return -1;
	if (cpu_get((cpuid_t)cpu)->state != CPU_ONLINE) {
		shell_printf(sh, "error: cpu%llu is not online\n", (unsigned long long)cpu);
		return -1;
	}
	LOG_WRN("fault: making a thread on cpu%llu read %#lx", (unsigned long long)cpu,
		UNMAPPED_ADDR);
	if (!k_thread_spawn("fault", fault_thread, NULL, NULL, 1, 1U << cpu, 4096)) {
		shell_printf(sh, "error: out of memory\n");
		return -1;
	}
	k_msleep(20);
	return 0;
}
SHELL_CMD("fault", cmd_fault, "<cpu>",
	  "test: fault on purpose in a thread on <cpu>; that core halts, the rest go on");
