/* The `vm` command: list, info, start, stop, console. */
#include <stdio.h>
#include <string.h>
#include <tandem/kernel.h>
#include <tandem/shell.h>
#include <virt/bundle.h>
#include <virt/vm.h>

static const char *const vm_state_names[] = {
	[VM_CREATED] = "created", [VM_RUNNING] = "running", [VM_PAUSED] = "paused",
	[VM_STOPPED] = "stopped", [VM_CRASHED] = "crashed",
};

static void list_one(struct vm *vm, void *arg)
{
	struct shell *sh = arg;
	char cpus[32] = "";
	uint64_t up = 0;
	size_t n = 0;

	for (unsigned i = 0; i < vm->n_vcpus && n < sizeof(cpus) - 4; i++)
		n += (size_t)snprintf(cpus + n, sizeof(cpus) - n, "%s%u", i ? "," : "",
				      vm->vcpus[i].pcpu);
	if (vm->state == VM_RUNNING || vm->state == VM_PAUSED)
		up = k_cycles_to_ns(k_cycle_get() - vm->started_at) / 1000000000ULL;
	shell_printf(sh, "%-3u %-12s %-8s %-6u %-10s %-8llu %llus\n", vm->id, vm->name,
		     vm_state_names[vm->state], vm->n_vcpus, cpus,
		     (unsigned long long)(vm->cfg.ram_size >> 20), (unsigned long long)up);
}

static int vm_list(struct shell *sh)
{
	shell_printf(sh, "ID  NAME         STATE    VCPUS  CORES      MEM(MiB) UPTIME\n");
	vm_foreach(list_one, sh);
	return 0;
}

static int vm_info(struct shell *sh, struct vm *vm)
{
	uint64_t totals[EXIT_REASON_COUNT] = { 0 };

	shell_printf(sh, "vm %u '%s' (%s), from %s\n", vm->id, vm->name,
		     vm_state_names[vm->state], vm->cfg.file);
	shell_printf(sh, "  memory: IPA %#llx-%#llx -> PA %#llx, VMID %u, stage-2 %u-bit IPA, %u table pages\n",
		     (unsigned long long)vm->cfg.ram_base,
		     (unsigned long long)(vm->cfg.ram_base + vm->cfg.ram_size - 1),
		     (unsigned long long)vm->ram_pa, vm->vmid, vm->s2.ipa_bits, vm->s2.tables);
	shell_printf(sh, "  kernel: %s%s%s\n", vm->cfg.kernel, vm->cfg.initrd[0] ? ", initrd " : "",
		     vm->cfg.initrd);
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		shell_printf(sh, "  vcpu%u: core %u, priority %d, %s, pc %#llx\n", i, v->pcpu, v->prio,
			     v->powered ? "on" : "off", (unsigned long long)v->arch.pc);
		for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
			totals[r] += v->exits[r];
	}
	shell_printf(sh, "  devices:");
	for (unsigned i = 0; i < vm->n_mmio; i++)
		shell_printf(sh, " %s@%#llx", vm->mmio[i].name, (unsigned long long)vm->mmio[i].base);
	shell_printf(sh, "\n  console bytes: %llu\n  exits:", (unsigned long long)vm->console_bytes);
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
		shell_printf(sh, " %s=%llu", vm_exit_names[r], (unsigned long long)totals[r]);
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

static int cmd_vm(struct shell *sh, int argc, char **argv)
{
	struct vm *vm;
	char err[200];

	if (argc < 2)
		return shell_usage(sh, shell_current_cmd(sh));
	if (!strcmp(argv[1], "list") && argc == 2)
		return vm_list(sh);
	if (!strcmp(argv[1], "configs") && argc == 2)
		return vm_configs(sh);
	if (argc != 3)
		return shell_usage(sh, shell_current_cmd(sh));
	if (!strcmp(argv[1], "create")) {
		const struct vm_config *c = bundle_config_by_name(argv[2]);

		if (!c) {
			shell_printf(sh, "error: no VM config named '%s' (see 'vm configs')\n", argv[2]);
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
	vm = vm_find(argv[2]);
	if (!vm) {
		shell_printf(sh, "error: no VM '%s' (see 'vm list')\n", argv[2]);
		return -1;
	}
	if (!strcmp(argv[1], "info"))
		return vm_info(sh, vm);
	if (!strcmp(argv[1], "start")) {
		if (vm_start(vm, err, sizeof(err))) {
			shell_printf(sh, "error: %s\n", err);
			return -1;
		}
		return 0;
	}
	if (!strcmp(argv[1], "stop")) {
		if (vm_stop(vm)) {
			shell_printf(sh, "error: VM '%s' is not running\n", vm->name);
			return -1;
		}
		return 0;
	}
	if (!strcmp(argv[1], "console")) {
		if (vm->state != VM_RUNNING) {
			shell_printf(sh, "error: VM '%s' is not running\n", vm->name);
			return -1;
		}
		console_attach(vm);
		return 0;
	}
	shell_printf(sh, "error: unknown vm action '%s'\n", argv[1]);
	return shell_usage(sh, shell_current_cmd(sh));
}
SHELL_CMD("vm", cmd_vm, "list | configs | create <config> | info|start|stop|console <id|name>",
	  "manage virtual machines (Ctrl-] leaves a VM console)");
