/*
 * The `virtio` node of a VM config (virt/vm_config_virtio.c): the
 * virtio-mmio devices Tandem serves the VM.
 */
#ifndef VIRT_VM_CONFIG_VIRTIO_H
#define VIRT_VM_CONFIG_VIRTIO_H

#include <virt/vm_config.h>

/* Is the child node of a VM node at `node` its `virtio` node? */
bool vm_config_is_virtio_node(const void *fdt, int node);
/* Parse the `virtio` node at `node` into vm->virtio; run after the
 * passthrough and shm nodes, so the devices keep clear of them. */
int vm_config_parse_virtio(const void *fdt, int node, const char *file,
			   struct vm_config *vm, char *err, size_t errlen);
/* The type's name in configs ("block"), for messages. */
const char *vm_virtio_type_name(enum vm_virtio_type t);

#endif
