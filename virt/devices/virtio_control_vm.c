/*
 * A control VM's channel to Tandem's command interpreter: the device side
 * is virtio_control.c; here each request line runs in the channel's own
 * executor thread (core 0, below the shell's priority), never in the VM's
 * exit, through the shell's own commands with answers for programs
 * (sh->machine). What may run is an allow list: `vm list` (only the VMs the
 * config's `manages` names), and `vm info|log|start|stop|reset|pause|resume`
 * of one of them. Everything else (the machine's poweroff and reboot, other
 * VMs, creating or deleting VMs) is refused with a status line. Every
 * request is logged with the control VM's name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/kernel.h>
#include <tandem/log.h>
#include <tandem/ratelimit.h>
#include <tandem/shell.h>
#include <virt/virtio_control.h>
#include <virt/virtio_vm.h>
#include <virt/vm.h>

#define EXEC_PRIO	21	/* just below the console's shell */
#define EXEC_STACK	(32 * 1024)
#define ANSWER_MAX	CTL_ANS_SIZE
#define ID_MAX		16
/* Request log lines: a burst, then at most one per period (with a count). */
#define LOG_BURST	32
#define LOG_PERIOD_NS	10000000ULL

struct ctl_dev {
	struct ctl_chan chan;
	struct shell_scope scope;
	struct vm *vm;			/* the control VM */
	const struct vm_virtio *cfg;	/* its `manages` */
	struct virtio_mmio *t;
	struct k_sem wake;
	struct k_thread *thread;
	volatile bool quit;
	struct ratelimit log_limit;	/* executor only */
	char *answer;			/* one request's answer, ANSWER_MAX bytes */
	size_t answer_len;
	uint64_t executed;
};

static bool manages(const struct ctl_dev *d, const char *name)
{
	for (unsigned i = 0; i < d->cfg->n_manages; i++)
		if (!strcmp(d->cfg->manages[i], name))
			return true;
	return false;
}

static bool scope_visible(const struct shell_scope *scope, const char *vm_name)
{
	return manages(container_of(scope, struct ctl_dev, scope), vm_name);
}

static void answer_write(void *ctx, const char *s, size_t n)
{
	struct ctl_dev *d = ctx;
	size_t room = ANSWER_MAX - d->answer_len;

	n = MIN(n, room);
	memcpy(d->answer + d->answer_len, s, n);
	d->answer_len += n;
}

/* May this request run here? NULL, or why not. */
static const char *refusal(struct ctl_dev *d, int argc, char **argv)
{
	static const char *const on_one[] = {
		"info", "log", "start", "stop", "reset", "pause", "resume",
	};
	static const char not_allowed[] =
		"not allowed on the control channel (vm list | vm info|log|start|stop|"
		"reset|pause|resume <vm> | vm image <vm> ...)";
	struct vm *target;

	if (argc < 1 || strcmp(argv[0], "vm"))
		return "not allowed on the control channel (only 'vm' requests)";
	if (argc == 2 && !strcmp(argv[1], "list"))
		return NULL;
	if (argc >= 4 && !strcmp(argv[1], "image")) {
		target = vm_find(argv[2]);
		return target && manages(d, target->name) ? NULL
			: "no such VM among those this channel manages";
	}
	if (argc != 3)
		return not_allowed;
	for (unsigned i = 0; i < ARRAY_SIZE(on_one); i++) {
		if (strcmp(argv[1], on_one[i]))
			continue;
		target = vm_find(argv[2]);
		if (!target || !manages(d, target->name))
			return "no such VM among those this channel manages";
		return NULL;
	}
	return not_allowed;
}

static void log_request(struct ctl_dev *d, const char *cmd)
{
	uint64_t held;

	if (!ratelimit_allow(&d->log_limit, k_cycle_get(), k_ns_to_cycles(LOG_PERIOD_NS),
			     LOG_BURST, &held))
		return;
	if (held)
		LOG_INF("vm %s: control: %s (%llu requests before it not logged)", d->vm->name, cmd,
			(unsigned long long)held);
	else
		LOG_INF("vm %s: control: %s", d->vm->name, cmd);
}

static void run_request(struct ctl_dev *d, char *line, uint32_t gen)
{
	char status[160], id[ID_MAX + 1] = "";
	char *argv[SHELL_MAX_ARGS + 1], *cmd = line;
	const char *why;
	struct shell sh;
	int argc, ret = 0;

	if (line[0] == '@') {
		size_t n = strcspn(line + 1, " \t");

		if (n == 0 || n > ID_MAX) {
			ret = ctl_status_line(status, sizeof(status), NULL, -1, "bad request id");
			goto answer_status;
		}
		memcpy(id, line + 1, n);
		cmd = line + 1 + n;
		cmd += strspn(cmd, " \t");
	}
	log_request(d, cmd);
	d->answer_len = 0;
	/* Waits for the console's command, but not past a delete of this VM
	 * (which the console's shell runs holding the lock). */
	while (!shell_commands_lock_for(10000000ULL))
		if (d->quit)
			return;
	shell_init(&sh, answer_write, d);
	sh.machine = true;
	sh.scope = &d->scope;
	/* The words checked are the words run: one tokenizer for both. */
	argc = shell_tokenize(&sh, cmd, argv);
	why = argc < 0 ? "the request does not parse (its output says why)" :
	      refusal(d, argc, argv);
	if (!why)
		ret = shell_execute_argv(&sh, argc, argv);
	shell_commands_unlock();
	d->executed++;
	if (d->answer_len == ANSWER_MAX)
		why = "answer longer than the channel's buffer: cut";
	ret = ctl_status_line(status, sizeof(status), id, why || ret ? -1 : 0,
			      why ? why : "the command failed (its output says why)");
answer_status:
	virtio_mmio_lock(d->t);
	ctl_answer(d->t, gen, d->answer, d->answer_len);
	ctl_answer(d->t, gen, status, (size_t)ret);
	virtio_mmio_unlock(d->t);
}

static void executor(void *p1, void *p2, void *p3)
{
	struct ctl_dev *d = p1;
	char line[CTL_LINE_MAX + 1];
	uint32_t gen;

	while (!d->quit) {
		bool got;

		k_sem_take(&d->wake, K_FOREVER);
		do {
			virtio_mmio_lock(d->t);
			got = !d->quit && ctl_take_request(&d->chan, line, &gen);
			virtio_mmio_unlock(d->t);
			if (got)
				run_request(d, line, gen);
		} while (got);
	}
}

static void wake_executor(void *ctx)
{
	struct ctl_dev *d = ctx;

	k_sem_give(&d->wake);
}

static void control_free(struct ctl_dev *d)
{
	free(d->answer);
	free(d);
}

static struct virtio_mmio *control_create(struct vm *vm, const struct vm_virtio *c, char *err,
					  size_t errlen)
{
	struct ctl_dev *d = calloc(1, sizeof(*d));

	if (d)
		d->answer = malloc(ANSWER_MAX);
	if (!d || !d->answer) {
		if (d)
			control_free(d);
		snprintf(err, errlen, "VM '%s': virtio device '%s': out of memory", vm->name,
			 c->name);
		return NULL;
	}
	d->vm = vm;
	d->cfg = c;
	d->scope.visible = scope_visible;
	k_sem_init(&d->wake, 0, 1);
	ctl_chan_setup(&d->chan, wake_executor, d);
	d->t = virtio_mmio_create(vm, c->name, c->ipa, c->intid, &virtio_control_ops, &d->chan);
	if (!d->t) {
		control_free(d);
		snprintf(err, errlen, "VM '%s': virtio device '%s': no room on its MMIO bus",
			 vm->name, c->name);
		return NULL;
	}
	d->thread = k_thread_spawn("control", executor, d, NULL, EXEC_PRIO, 1U << 0, EXEC_STACK);
	if (!d->thread) {
		virtio_mmio_destroy(d->t);
		control_free(d);
		snprintf(err, errlen, "VM '%s': virtio device '%s': no executor thread", vm->name,
			 c->name);
		return NULL;
	}
	return d->t;
}

static void control_destroy(struct virtio_mmio *t)
{
	struct ctl_dev *d = container_of((struct ctl_chan *)t->dev, struct ctl_dev, chan);

	/* The executor finishes the request it runs (it never acts on its
	 * own VM), then sees quit. */
	d->quit = true;
	k_sem_give(&d->wake);
	k_thread_join(d->thread, K_FOREVER);
	virtio_mmio_destroy(t);
	control_free(d);
}

static void control_info(struct virtio_mmio *t, char *buf, size_t len)
{
	const struct ctl_chan *c = t->dev;
	const struct ctl_dev *d = container_of(c, struct ctl_dev, chan);

	snprintf(buf, len, "%llu requests, %llu executed, %llu refused lines, %llu answer bytes cut",
		 (unsigned long long)c->requests, (unsigned long long)d->executed,
		 (unsigned long long)c->refused, (unsigned long long)c->ans_cut);
}

const struct virtio_backend virtio_control_backend = {
	VM_VIRTIO_CONTROL, control_create, control_destroy, control_info,
};
