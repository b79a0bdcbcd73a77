/*
 * A VM's virtio devices through their lifetime: made by their type's back
 * end when the VM is created, reset when it starts and stops (so nothing
 * the guest did survives into the next run), deleted with it.
 */
#include <errno.h>
#include <stdio.h>
#include <virt/virtio.h>
#include <virt/virtio_vm.h>
#include <virt/vm.h>
#include <virt/vm_config_virtio.h>

static const struct virtio_backend *const backends[] = {
	&virtio_blk_backend,
	&virtio_console_backend,
	&virtio_net_backend,
	&virtio_control_backend,
};

static const struct virtio_backend *backend_for(enum vm_virtio_type type)
{
	for (unsigned i = 0; i < ARRAY_SIZE(backends); i++)
		if (backends[i]->type == type)
			return backends[i];
	return NULL;
}

int virtio_vm_create(struct vm *vm, char *err, size_t errlen)
{
	for (unsigned i = 0; i < vm->cfg.n_virtio; i++) {
		const struct vm_virtio *c = &vm->cfg.virtio[i];
		const struct virtio_backend *be = backend_for(c->type);

		vm->virtio[i] = be ? be->create(vm, c, err, errlen) : NULL;
		if (!vm->virtio[i]) {
			if (!be)
				snprintf(err, errlen, "VM '%s': virtio device '%s': no back end for type %s",
					 vm->name, c->name, vm_virtio_type_name(c->type));
			virtio_vm_destroy(vm);
			return -EINVAL;
		}
	}
	return 0;
}

void virtio_vm_reset(struct vm *vm)
{
	for (unsigned i = 0; i < vm->cfg.n_virtio; i++)
		if (vm->virtio[i])
			virtio_mmio_vm_start(vm->virtio[i]);
}

void virtio_vm_destroy(struct vm *vm)
{
	for (unsigned i = 0; i < vm->cfg.n_virtio; i++) {
		const struct virtio_backend *be = backend_for(vm->cfg.virtio[i].type);

		if (vm->virtio[i] && be)
			be->destroy(vm->virtio[i]);
		vm->virtio[i] = NULL;
	}
}

void virtio_vm_info(struct vm *vm, void (*out)(void *ctx, const char *line), void *ctx)
{
	for (unsigned i = 0; i < vm->cfg.n_virtio; i++) {
		const struct vm_virtio *c = &vm->cfg.virtio[i];
		const struct virtio_backend *be = backend_for(c->type);
		struct virtio_mmio *t = vm->virtio[i];
		char what[192] = "", line[320];

		if (!t || !be)
			continue;
		be->info(t, what, sizeof(what));
		snprintf(line, sizeof(line), "  virtio %s %s: IPA %#llx, INTID %u, status %#x, %s\n",
			 vm_virtio_type_name(c->type), c->name, (unsigned long long)c->ipa,
			 c->intid, t->status, what);
		out(ctx, line);
	}
}
