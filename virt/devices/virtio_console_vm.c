/*
 * A virtio-console device for a VM, from its config: what the guest writes
 * to it (/dev/hvc0 in Linux) joins the VM's console stream, the same ring
 * and live output as its vPL011, in whole buffers. Served in
 * virtio_console.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <virt/virtio_console.h>
#include <virt/virtio_vm.h>
#include <virt/vm.h>

static void to_vm_console(void *ctx, const char *s, size_t n)
{
	vm_console_write(ctx, s, n);
}

static struct virtio_mmio *console_create(struct vm *vm, const struct vm_virtio *c, char *err,
					  size_t errlen)
{
	struct virtio_console *con = calloc(1, sizeof(*con));
	struct virtio_mmio *t;

	if (!con) {
		snprintf(err, errlen, "VM '%s': virtio device '%s': out of memory", vm->name,
			 c->name);
		return NULL;
	}
	virtio_console_setup(con, to_vm_console, vm);
	t = virtio_mmio_create(vm, c->name, c->ipa, c->intid, &virtio_console_ops, con);
	if (!t) {
		free(con);
		snprintf(err, errlen, "VM '%s': virtio device '%s': no room on its MMIO bus",
			 vm->name, c->name);
	}
	return t;
}

static void console_destroy(struct virtio_mmio *t)
{
	void *con = t->dev;

	virtio_mmio_destroy(t);
	free(con);
}

static void console_info(struct virtio_mmio *t, char *buf, size_t len)
{
	const struct virtio_console *c = t->dev;

	snprintf(buf, len, "%llu bytes out, %llu bad buffers, %llu bytes cut off",
		 (unsigned long long)c->tx_bytes, (unsigned long long)c->tx_bad,
		 (unsigned long long)c->tx_dropped);
}

const struct virtio_backend virtio_console_backend = {
	VM_VIRTIO_CONSOLE, console_create, console_destroy, console_info,
};
