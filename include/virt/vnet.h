/*
 * VM networks (virt/vnet.c): every VM whose `virtio-net` config names the
 * same network has a port on that network's switch (virt/vswitch.c). A
 * network exists while some VM is on it. The switch is locked here, so a
 * frame one VM sends reaches another VM's receive queue from the sender's
 * core; the receiver's deliver function may take its own device lock and
 * its VM's vgic_lock (in that order); the network's lock is not held then.
 */
#ifndef VIRT_VNET_H
#define VIRT_VNET_H

#include <tandem/types.h>
#include <virt/vswitch.h>

struct vnet_network;

/* Join (or create) the network `name`: 0 with *net and *port, -ENOSPC
 * (no network slot or no port left) with err. */
int vnet_join(const char *name, vswitch_deliver_fn deliver, void *ctx,
	      struct vnet_network **net, int *port, char *err, size_t errlen);
/* Leave it: no delivery to this port once it returns; the last one out
 * frees the network. */
void vnet_leave(struct vnet_network *net, int port);
/* A frame from port: vswitch_forward()'s result. */
int vnet_send(struct vnet_network *net, int port, const uint8_t *frame, size_t len);
/* The port's counters now. */
void vnet_port_stats(struct vnet_network *net, int port, struct vswitch_port_stats *st);

#endif
