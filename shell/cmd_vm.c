/*
 * The `vm` command: list, configs, create, start, pause, resume, stop,
 * reset, delete, info, console, log, mux. A request that does not fit the
 * VM's state is refused with a message and changes nothing.
 */
#include <stdio.h>
#include <string.h>
#include <tandem/console.h>
#include <tandem/kernel.h>
#include <tandem/shell.h>
#include <virt/bundle.h>
#include <tandem/irq.h>
#include <virt/virtio_vm.h>
#include <virt/sp805.h>
#include <virt/guest_layout.h>
#include <virt/vm.h>
#include "cmd_vm.h"

static const char *fmt_secs(uint64_t s)
{
	static char buf[24];	/* the shell runs one command at a time */

	snprintf(buf, sizeof(buf), "%llus", (unsigned long long)s);
	return buf;
}

static void list_one(struct vm *vm, void *arg)
{
	struct shell *sh = arg;
	char cpus[32] = "";
	uint64_t up = 0, cpu_ns[VM_MAX_VCPUS], total = 0;
	size_t n = 0;

	for (unsigned i = 0; i < vm->n_vcpus && n < sizeof(cpus) - 4; i++)
		n += (size_t)snprintf(cpus + n, sizeof(cpus) - n, "%s%u", i ? "," : "",
				      vm->vcpus[i].pcpu);
	if (vm_state_has_threads(vm->state))
		up = k_cycles_to_ns(k_cycle_get() - vm->started_at) / 1000000000ULL;
	vm_cpu_time(vm, cpu_ns);
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		total += cpu_ns[i];
	shell_printf(sh, "%-3u %-12s %-8s %-6u %-10s %-8llu %-7s %llu%s%s\n", vm->id, vm->name,
		     vm_state_name(vm->state), vm->n_vcpus, cpus,
		     (unsigned long long)(vm->cfg.ram_size >> 20), fmt_secs(up),
		     (unsigned long long)(total / 1000000),
		     vm->state == VM_CRASHED || vm->state == VM_FAILED ? "  " : "",
		     vm->state == VM_CRASHED || vm->state == VM_FAILED ? vm->crash_reason : "");
}

static void list_one_kv(struct vm *vm, void *arg)
{
	struct shell *sh = arg;

	if (shell_sees_vm(sh, vm->name))
		vm_kv_print(sh, vm, false);
}

static int vm_list(struct shell *sh)
{
	if (sh->machine) {
		vm_foreach(list_one_kv, sh);
		return 0;
	}
	shell_printf(sh, "ID  NAME         STATE    VCPUS  CORES      MEM(MiB) UPTIME  CPU(ms)\n");
	vm_foreach(list_one, sh);
	return 0;
}

static const char *last_output(const struct vm *vm)
{
	static char buf[32];	/* commands run one at a time (shell_commands_lock) */

	if (!vm->last_output_at)
		return "never";
	snprintf(buf, sizeof(buf), "%llu ms ago", (unsigned long long)ms_since(vm->last_output_at));
	return buf;
}

/* One line per passed-through device: board node, pages, interrupts. */
static void vm_info_passthru(struct shell *sh, struct vm *vm)
{
	for (unsigned k = 0; k < vm->cfg.n_passthru; k++) {
		const struct vm_passthru *d = &vm->cfg.passthru[k];
		const struct passthru_dev *pd = &vm->pt[k];

		shell_printf(sh, "  passthrough %s: %s", d->name, d->device[0] ? d->device : "(by reg)");
		for (unsigned i = 0; i < d->n_regs; i++)
			shell_printf(sh, ", PA %#llx+%#llx at IPA %#llx", (unsigned long long)d->pa[i],
				     (unsigned long long)d->size[i], (unsigned long long)pd->fdt.ipa[i]);
		for (unsigned i = 0; i < d->n_irqs; i++)
			shell_printf(sh, ", INTID %u as %u (%s, %llu fired, to core %d)", d->intid[i],
				     pd->fdt.intid[i], pd->line[i].edge ? "edge" : "level",
				     (unsigned long long)irq_count(d->intid[i]),
				     pd->line[i].routed_cpu);
		shell_printf(sh, "\n");
	}
}

static void info_line(void *ctx, const char *line)
{
	shell_printf(ctx, "%s", line);
}

static int vm_info(struct shell *sh, struct vm *vm)
{
	uint64_t totals[EXIT_REASON_COUNT] = { 0 };
	uint64_t cpu_ns[VM_MAX_VCPUS], cpu_total = 0;

	shell_printf(sh, "vm %u '%s' (%s), from %s\n", vm->id, vm->name,
		     vm_state_name(vm->state), vm->cfg.file);
	if (vm->state == VM_CRASHED)
		shell_printf(sh, "  crashed: %s\n", vm->crash_reason);
	shell_printf(sh, "  health: %llu restarts, last run ended by %s, last console output %s\n",
		     (unsigned long long)vm->policy_count.total,
		     vm->last_end[0] ? vm->last_end : "(none yet)", last_output(vm));
	shell_printf(sh, "  memory: IPA %#llx-%#llx -> PA %#llx, VMID %u, stage-2 %u-bit IPA, %u table pages\n",
		     (unsigned long long)vm->cfg.ram_base,
		     (unsigned long long)(vm->cfg.ram_base + vm->cfg.ram_size - 1),
		     (unsigned long long)vm->ram_pa, vm->vmid, vm->s2.ipa_bits, vm->s2.tables);
	shell_printf(sh, "  kernel: %s%s%s\n", vm->cfg.kernel, vm->cfg.initrd[0] ? ", initrd " : "",
		     vm->cfg.initrd);
	shell_printf(sh, "  start: prepared in %llu us, started at uptime %llu us, first console "
		     "output at %llu us\n", (unsigned long long)(k_cycles_to_ns(vm->prep_ticks) / 1000),
		     (unsigned long long)(k_cycles_to_ns(vm->started_at) / 1000),
		     (unsigned long long)(vm->first_output_at ?
					  k_cycles_to_ns(vm->first_output_at) / 1000 : 0));
	vm_cpu_time(vm, cpu_ns);
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		cpu_total += cpu_ns[i];
	shell_printf(sh, "  cpu time: %llu ms (sum of its vCPU threads since start)\n",
		     (unsigned long long)(cpu_total / 1000000));
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		const char *st = !v->thread ? "stopped" : !v->powered ? "off" :
				 v->parked ? "paused" : v->in_guest ? "in guest" : "in hypervisor";

		shell_printf(sh, "  vcpu%u: core %u, priority %d, %s, pc %#llx, cpu time %llu ms\n",
			     i, v->pcpu, v->prio, st, (unsigned long long)v->arch.pc,
			     (unsigned long long)(cpu_ns[i] / 1000000));
		for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
			totals[r] += v->exits[r];
	}
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		uint64_t n = 0;

		for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
			n += vm->vcpus[i].exits[r];
		shell_printf(sh, "  vcpu%u counts: exits=%llu timer-ticks=%llu ptimer-fires=%llu"
			     " setway-traps=%llu\n", i, (unsigned long long)n,
			     (unsigned long long)vm->vcpus[i].vtimer_ticks,
			     (unsigned long long)vm->vcpus[i].ptimer.fired,
			     (unsigned long long)vm->vcpus[i].setway_traps);
	}
	shell_printf(sh, "  devices:");
	for (unsigned i = 0; i < vm->n_mmio; i++)
		shell_printf(sh, " %s@%#llx", vm->mmio[i].name, (unsigned long long)vm->mmio[i].base);
	shell_printf(sh, "\n");
	vm_info_passthru(sh, vm);
	if (vm->wdog) {
		uint64_t expiries, resets;

		sp805_counts(vm->wdog, &expiries, &resets);
		shell_printf(sh, "  watchdog: sp805 at %#lx, INTID %u, %llu expiries, %llu resets\n",
			     GUEST_WDOG_BASE, GUEST_WDOG_INTID, (unsigned long long)expiries,
			     (unsigned long long)resets);
	}
	virtio_vm_info(vm, info_line, sh);
	shell_printf(sh, "  console bytes: %llu (%llu dropped live)\n  exits:",
		     (unsigned long long)vm->console_bytes, (unsigned long long)vm->console_dropped);
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
		shell_printf(sh, " %s=%llu", vm_exit_names[r], (unsigned long long)totals[r]);
	shell_printf(sh, "\n  warnings suppressed:");
	for (unsigned w = 0; w < WARN_COUNT; w++)
		shell_printf(sh, " %s=%llu", vm_warn_names[w],
			     (unsigned long long)vm->warn[w].suppressed);
	shell_printf(sh, "\n");
	return 0;
}

static int vm_configs(struct shell *sh)
{
	shell_printf(sh, "NAME         VCPUS  MEM(MiB)  KERNEL                     FILE\n");
	for (unsigned i = 0; i < bundle_config_count(); i++) {
		const struct vm_config *c = bundle_config(i);

		shell_printf(sh, "%-12s %-6u %-9llu %-26s %s%s\n", c->name, c->n_vcpus,
			     (unsigned long long)(c->ram_size >> 20), c->kernel, c->file,
			     c->autostart ? " (autostart)" : "");
	}
	return 0;
}

static int vm_create_cmd(struct shell *sh, const char *name)
{
	const struct vm_config *c = bundle_config_by_name(name);
	struct vm *vm;
	char err[200];

	if (!c) {
		shell_printf(sh, "error: no VM config named '%s' (see 'vm configs')\n", name);
		return -1;
	}
	vm = vm_find(name);
	if (vm) {
		shell_printf(sh, "error: VM '%s' exists already (id %u)\n", name, vm->id);
		return -1;
	}
	vm = vm_create(c, err, sizeof(err));
	if (!vm) {
		shell_printf(sh, "error: %s\n", err);
		return -1;
	}
	shell_printf(sh, "created vm %u '%s'\n", vm->id, vm->name);
	return 0;
}

static void print_raw(void *ctx, const char *s, size_t n)
{
	console_write_raw(s, n);
	(void)ctx;
}

/* A VM's log for a program: each line behind "| ", carriage returns
 * dropped, so no guest text can pose as the answer's status line. */
struct log_lines {
	struct shell *sh;
	bool line_start;
};

static void print_log_lines(void *ctx, const char *s, size_t n)
{
	struct log_lines *l = ctx;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r')
			continue;
		if (l->line_start)
			shell_write(l->sh, "| ", 2);
		shell_write(l->sh, &s[i], 1);
		l->line_start = s[i] == '\n';
	}
}

/* The lifecycle requests, by the words the shell takes. */
static const struct {
	const char *word;
	enum vm_op op;
} requests[] = {
	{ "start", VM_OP_START }, { "stop", VM_OP_STOP }, { "pause", VM_OP_PAUSE },
	{ "resume", VM_OP_RESUME }, { "reset", VM_OP_RESET }, { "delete", VM_OP_DELETE },
};

static int vm_action(struct shell *sh, const char *action, struct vm *vm)
{
	unsigned id = vm->id;
	char err[200];

	if (!strcmp(action, "info")) {
		if (sh->machine) {
			vm_kv_print(sh, vm, true);
			return 0;
		}
		return vm_info(sh, vm);
	}
	if (!strcmp(action, "log")) {
		struct log_lines lines = { sh, true };

		/* The console's shell prints the guest's bytes as they are. */
		if (sh->machine)
			vm_console_dump(vm, false, print_log_lines, &lines);
		else
			vm_console_dump(vm, false, print_raw, NULL);
		if (!sh->machine || !lines.line_start)
			shell_printf(sh, "\n");
		return 0;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(requests); i++) {
		if (strcmp(action, requests[i].word))
			continue;
		/* By id: the VM may be gone (deleted) when this returns. */
		if (vm_request(id, requests[i].op, err, sizeof(err))) {
			shell_printf(sh, "error: %s\n", err);
			return -1;
		}
		if (requests[i].op == VM_OP_DELETE)
			shell_printf(sh, "deleted vm %u\n", id);
		return 0;
	}
	if (!strcmp(action, "console")) {
		if (vm->state != VM_RUNNING && vm->state != VM_PAUSED) {
			shell_printf(sh, "error: VM '%s' is %s; console needs a running or paused VM\n",
				     vm->name, vm_state_name(vm->state));
			return -1;
		}
		console_attach(vm);
		return 0;
	}
	shell_printf(sh, "error: unknown vm action '%s'\n", action);
	return shell_usage(sh, shell_current_cmd(sh));
}

static int cmd_vm(struct shell *sh, int argc, char **argv)
{
	struct vm *vm;

	if (argc == 2 && !strcmp(argv[1], "list"))
		return vm_list(sh);
	if (argc == 2 && !strcmp(argv[1], "configs"))
		return vm_configs(sh);
	if (argc == 3 && !strcmp(argv[1], "mux")) {
		if (strcmp(argv[2], "on") && strcmp(argv[2], "off")) {
			shell_printf(sh, "error: vm mux takes 'on' or 'off'\n");
			return -1;
		}
		vm_console_set_mux(!strcmp(argv[2], "on"));
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "log") && !strcmp(argv[2], "-t")) {
		vm = vm_find(argv[3]);
		if (!vm) {
			shell_printf(sh, "error: no VM '%s' (see 'vm list')\n", argv[3]);
			return -1;
		}
		vm_console_dump(vm, true, print_raw, NULL);	/* lines led by host uptime */
		shell_printf(sh, "\n");
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "image")) {
		vm = vm_find(argv[2]);
		if (!vm) {
			shell_printf(sh, "error: no VM '%s' (see 'vm list')\n", argv[2]);
			return -1;
		}
		return vm_image_cmd(sh, vm, argc, argv);
	}
	if (argc != 3)
		return shell_usage(sh, shell_current_cmd(sh));
	if (!strcmp(argv[1], "create"))
		return vm_create_cmd(sh, argv[2]);
	vm = vm_find(argv[2]);
	if (!vm) {
		shell_printf(sh, "error: no VM '%s' (see 'vm list')\n", argv[2]);
		return -1;
	}
	return vm_action(sh, argv[1], vm);
}
SHELL_CMD("vm", cmd_vm,
	  "list | configs | mux on|off | create <config> | "
	  "start|pause|resume|stop|reset|delete|info|console|log <id|name> | log -t <id|name> | "
	  "image <vm> begin|data|commit|abort|drop ...",
	  "manage virtual machines (in a VM console, Ctrl-] returns to the shell)");
