/*
 * `vm list` and `vm info` for programs (a shell with sh->machine set: the
 * control channel): one line per VM, "vm" and then key=value pairs; values
 * with spaces are double-quoted (a quote inside becomes '). Keys are only
 * ever added, so a client reads the ones it knows.
 */
#include <stdio.h>
#include <string.h>
#include <tandem/kernel.h>
#include <tandem/shell.h>
#include <virt/sp805.h>
#include <virt/vm.h>
#include "cmd_vm.h"

#define KV_LINE	480

/* Append " key=value" to line; value quoted when it holds a space. */
static void kv(char *line, size_t *n, const char *key, const char *val)
{
	bool quote = strchr(val, ' ') || !*val;
	size_t k = *n;

	k += (size_t)snprintf(line + k, KV_LINE - MIN(k, KV_LINE), " %s=%s", key, quote ? "\"" : "");
	for (const char *p = val; *p && k < KV_LINE - 2; p++)
		line[k++] = *p == '"' ? '\'' : *p;
	if (quote && k < KV_LINE - 1)
		line[k++] = '"';
	line[MIN(k, KV_LINE - 1)] = '\0';
	*n = MIN(k, KV_LINE - 1);
}

static void kv_u64(char *line, size_t *n, const char *key, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	kv(line, n, key, num);
}

void vm_kv_print(struct shell *sh, struct vm *vm, bool detail)
{
	char line[KV_LINE] = "vm", cores[40] = "";
	uint64_t cpu_ns[VM_MAX_VCPUS], cpu = 0, up = 0;
	size_t n = 2, c = 0;

	for (unsigned i = 0; i < vm->n_vcpus && c < sizeof(cores) - 4; i++)
		c += (size_t)snprintf(cores + c, sizeof(cores) - c, "%s%u", i ? "," : "",
				      vm->vcpus[i].pcpu);
	if (vm_state_has_threads(vm->state))
		up = ms_since(vm->started_at);
	vm_cpu_time(vm, cpu_ns);
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		cpu += cpu_ns[i];
	kv_u64(line, &n, "id", vm->id);
	kv(line, &n, "name", vm->name);
	kv(line, &n, "state", vm_state_name(vm->state));
	kv_u64(line, &n, "vcpus", vm->n_vcpus);
	kv(line, &n, "cores", cores);
	kv_u64(line, &n, "mem_mib", vm->cfg.ram_size >> 20);
	kv_u64(line, &n, "uptime_ms", up);
	kv_u64(line, &n, "cpu_ms", cpu / 1000000ULL);
	if (vm->state == VM_CRASHED || (vm->state == VM_FAILED && vm->crash_reason[0]))
		kv(line, &n, "reason", vm->crash_reason);
	kv_u64(line, &n, "restarts", vm->policy_count.total);
	if (vm->last_end[0])
		kv(line, &n, "last_end", vm->last_end);
	if (detail) {
		kv_u64(line, &n, "console_bytes", vm->console_bytes);
		if (vm->last_output_at)
			kv_u64(line, &n, "last_output_ms_ago", ms_since(vm->last_output_at));
		if (vm->wdog) {
			uint64_t expiries, resets;

			sp805_counts(vm->wdog, &expiries, &resets);
			kv_u64(line, &n, "watchdog_expiries", expiries);
			kv_u64(line, &n, "watchdog_resets", resets);
		}
	}
	shell_printf(sh, "%s\n", line);
}
