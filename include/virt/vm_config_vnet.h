/*
 * The `virtio-net` node of a VM config (virt/vm_config_vnet.c): the VM's
 * network card, the network (switch) it plugs into and its MAC.
 */
#ifndef VIRT_VM_CONFIG_VNET_H
#define VIRT_VM_CONFIG_VNET_H

#include <virt/vm_config.h>

/* Is the child node of a VM node at `node` its `virtio-net` node? */
bool vm_config_is_vnet_node(const void *fdt, int node);
/* Parse the `virtio-net` node at `node` into vm->vnet; run after the
 * passthrough and shm nodes, so the card keeps clear of both. */
int vm_config_parse_vnet(const void *fdt, int node, const char *file,
			 struct vm_config *vm, char *err, size_t errlen);
/* a and b are on one network with the same MAC: -EINVAL and err naming
 * b's node. */
int vm_config_vnet_clash(const struct vm_config *a, const struct vm_config *b,
			 char *err, size_t errlen);
/* The MAC a VM gets when its config gives none: locally administered,
 * unicast, 02:54 then a hash of the name. */
void vm_config_vnet_default_mac(const char *vm_name, uint8_t mac[6]);

#endif
