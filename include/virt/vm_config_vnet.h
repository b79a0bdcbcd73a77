/*
 * A virtio device of type "net" in a VM config (virt/vm_config_vnet.c):
 * the network (switch) its card plugs into and its MAC. The window and
 * SPI are the `virtio` node's common properties (virt/vm_config_virtio.c).
 */
#ifndef VIRT_VM_CONFIG_VNET_H
#define VIRT_VM_CONFIG_VNET_H

#include <virt/vm_config.h>

/* The `network` and `mac` properties of the device node at `node` into d
 * (d->name set); vm holds the devices parsed before it. 0, or -EINVAL
 * with err naming file, node and property. */
int vm_config_parse_vnet(const void *fdt, int node, const char *file,
			 const struct vm_config *vm, struct vm_virtio *d, char *err,
			 size_t errlen);
/* a and b have a card on one network with the same MAC: -EINVAL and err
 * naming b's device. */
int vm_config_vnet_clash(const struct vm_config *a, const struct vm_config *b,
			 char *err, size_t errlen);
/* The MAC a card gets when its config gives none: locally administered,
 * unicast, 02:54 then a hash of the VM's and the device's names. */
void vm_config_vnet_default_mac(const char *vm_name, const char *dev_name, uint8_t mac[6]);

#endif
