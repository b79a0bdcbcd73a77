/*
 * The `shm` node of a VM config (virt/vm_config_shm.c): the shared-memory
 * region the VM maps and its doorbell.
 */
#ifndef VIRT_VM_CONFIG_SHM_H
#define VIRT_VM_CONFIG_SHM_H

#include <virt/vm_config.h>

/* Is the child node of a VM node at `node` its `shm` node? */
bool vm_config_is_shm_node(const void *fdt, int node);
/* Parse the `shm` node at `node` into vm->shm; run after the passthrough
 * node, so the region keeps clear of the passed-through devices too. */
int vm_config_parse_shm(const void *fdt, int node, const char *file,
			struct vm_config *vm, char *err, size_t errlen);
/* a and b name the same region with different sizes: -EINVAL and err
 * naming b's node. */
int vm_config_shm_clash(const struct vm_config *a, const struct vm_config *b,
			char *err, size_t errlen);

#endif
