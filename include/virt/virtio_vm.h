/*
 * A VM's virtio devices (its config's `virtio` node), created, reset and
 * deleted with the VM (virt/virtio_vm.c). Each type's back end is one row
 * of a table there: how to make one from its config, how to delete it,
 * and one line about it for `vm info`.
 */
#ifndef VIRT_VIRTIO_VM_H
#define VIRT_VIRTIO_VM_H

#include <tandem/types.h>
#include <virt/vm_config.h>

struct vm;
struct virtio_mmio;

struct virtio_backend {
	enum vm_virtio_type type;
	/* The device on the VM's MMIO bus, or NULL with err (one line). */
	struct virtio_mmio *(*create)(struct vm *vm, const struct vm_virtio *cfg, char *err,
				      size_t errlen);
	void (*destroy)(struct virtio_mmio *t);
	/* What it holds now, e.g. "16384 sectors, 12 KiB written". */
	void (*info)(struct virtio_mmio *t, char *buf, size_t len);
};

/* From vm_create(): 0, or -errno with err. */
int virtio_vm_create(struct vm *vm, char *err, size_t errlen);
/* From vm_run_start() and vm_run_stop(): every device back to its reset state
 * (a block device drops what was written). */
void virtio_vm_reset(struct vm *vm);
void virtio_vm_destroy(struct vm *vm);
/* One line per device into out (for `vm info`). */
void virtio_vm_info(struct vm *vm, void (*out)(void *ctx, const char *line), void *ctx);

/* Back ends (virt/devices/). */
extern const struct virtio_backend virtio_blk_backend;
extern const struct virtio_backend virtio_console_backend;
extern const struct virtio_backend virtio_net_backend;

#endif
