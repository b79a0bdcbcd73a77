/*
 * The `passthrough` node of a VM config (virt/vm_config_passthru.c), for
 * the config parser and for vm_create(), which checks again once the board
 * has filled in a device named by path.
 */
#ifndef VIRT_VM_CONFIG_PASSTHRU_H
#define VIRT_VM_CONFIG_PASSTHRU_H

#include <virt/vm_config.h>

/* Is the child node of a VM node at `node` its `passthrough` node? */
bool vm_config_is_passthru_node(const void *fdt, int node);
/* Parse the children of the `passthrough` node at `node` into vm. */
int vm_config_parse_passthru(const void *fdt, int node, const char *file,
			     struct vm_config *vm, char *err, size_t errlen);
/* Does the guest's view of device d_index of vm fit (clear of RAM, of the
 * emulated devices, of the devices before it)? 0, or -EINVAL and msg
 * naming the property. */
int vm_passthru_check_guest(const struct vm_config *vm, const struct vm_passthru *d,
			    unsigned d_index, char *msg, size_t msglen);
/* A device of b that a also has (path, overlapping reg, same interrupt):
 * -EBUSY and err naming both. */
int vm_config_passthru_clash(const struct vm_config *a, const struct vm_config *b,
			     char *err, size_t errlen);

#endif
