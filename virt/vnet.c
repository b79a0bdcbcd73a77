/*
 * The named VM networks: a fixed table of switches, each with the lock
 * that serialises its switch (table, counters), created by the first VM
 * that names it and freed with the last.
 *
 * A frame is routed with the network's lock held and delivered with it
 * released: the receiving device's lock is a mutex that a preempted or
 * busy receiver may hold for a while, and one slow receiver must not stall
 * every sender on the network. So the sender takes a reference on each
 * destination port under the lock (busy), lets the lock go, delivers, and
 * counts the outcome under the lock again. A port that leaves is first
 * marked leaving (routed to no more), then waited for until no delivery to
 * it is in flight, then removed: once vnet_leave returns, nothing reaches
 * its device. The network's lock is never held with another lock.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <tandem/kernel.h>
#include <virt/vm_config.h>
#include <virt/vnet.h>

#define VNET_MAX_NETWORKS	8

struct vnet_network {
	char name[VM_NAME_LEN];
	unsigned refs;			/* ports in use; 0 = free slot */
	struct k_mutex lock;		/* sw, busy, leaving */
	struct vswitch sw;
	unsigned busy[VSWITCH_MAX_PORTS];	/* deliveries in flight to each port */
	uint32_t leaving;		/* ports being removed: routed to no more */
};

static struct vnet_network networks[VNET_MAX_NETWORKS];
static K_MUTEX_DEFINE(networks_lock);	/* names and refs; never held with another */

static struct vnet_network *find_or_make(const char *name)
{
	struct vnet_network *free_slot = NULL;

	for (unsigned i = 0; i < VNET_MAX_NETWORKS; i++) {
		struct vnet_network *n = &networks[i];

		if (n->refs && !strcmp(n->name, name))
			return n;
		if (!n->refs && !free_slot)
			free_slot = n;
	}
	if (free_slot) {
		snprintf(free_slot->name, sizeof(free_slot->name), "%s", name);
		k_mutex_init(&free_slot->lock);	/* no user while refs is 0 */
		vswitch_init(&free_slot->sw);
		memset(free_slot->busy, 0, sizeof(free_slot->busy));
		free_slot->leaving = 0;
	}
	return free_slot;
}

int vnet_join(const char *name, vswitch_deliver_fn deliver, void *ctx,
	      struct vnet_network **net, int *port, char *err, size_t errlen)
{
	struct vnet_network *n;
	int ret;

	k_mutex_lock(&networks_lock, K_FOREVER);
	n = find_or_make(name);
	if (!n) {
		k_mutex_unlock(&networks_lock);
		snprintf(err, errlen, "network '%s': more than %u networks", name,
			 VNET_MAX_NETWORKS);
		return -ENOSPC;
	}
	n->refs++;		/* holds the slot while its mutex is taken */
	k_mutex_unlock(&networks_lock);

	k_mutex_lock(&n->lock, K_FOREVER);
	ret = vswitch_port_add(&n->sw, deliver, ctx);
	k_mutex_unlock(&n->lock);
	if (ret < 0) {
		k_mutex_lock(&networks_lock, K_FOREVER);
		n->refs--;
		k_mutex_unlock(&networks_lock);
		snprintf(err, errlen, "network '%s': all %u ports are taken", name,
			 VSWITCH_MAX_PORTS);
		return -ENOSPC;
	}
	*net = n;
	*port = ret;
	return 0;
}

void vnet_leave(struct vnet_network *net, int port)
{
	k_mutex_lock(&net->lock, K_FOREVER);
	net->leaving |= 1u << port;
	while (net->busy[port]) {
		/* A sender is delivering to it right now: a frame at most. */
		k_mutex_unlock(&net->lock);
		k_msleep(1);
		k_mutex_lock(&net->lock, K_FOREVER);
	}
	vswitch_port_remove(&net->sw, port);
	net->leaving &= ~(1u << port);
	k_mutex_unlock(&net->lock);
	k_mutex_lock(&networks_lock, K_FOREVER);
	net->refs--;
	k_mutex_unlock(&networks_lock);
}

int vnet_send(struct vnet_network *net, int port, const uint8_t *frame, size_t len)
{
	struct vswitch_port to[VSWITCH_MAX_PORTS];
	int res[VSWITCH_MAX_PORTS];
	uint32_t ports;
	int ret, n = 0;

	k_mutex_lock(&net->lock, K_FOREVER);
	ret = vswitch_route(&net->sw, port, frame, len, &ports);
	ports &= ~net->leaving;
	for (int i = 0; i < VSWITCH_MAX_PORTS; i++)
		if (ports & (1u << i)) {
			to[i] = net->sw.port[i];
			net->busy[i]++;
		}
	k_mutex_unlock(&net->lock);
	if (ret)
		return ret;

	for (int i = 0; i < VSWITCH_MAX_PORTS; i++)
		if (ports & (1u << i))
			res[i] = to[i].deliver(to[i].ctx, frame, len);

	k_mutex_lock(&net->lock, K_FOREVER);
	for (int i = 0; i < VSWITCH_MAX_PORTS; i++)
		if (ports & (1u << i)) {
			vswitch_delivered(&net->sw, i, res[i], len);
			net->busy[i]--;
			n += !res[i];
		}
	k_mutex_unlock(&net->lock);
	return n;
}

void vnet_port_stats(struct vnet_network *net, int port, struct vswitch_port_stats *st)
{
	k_mutex_lock(&net->lock, K_FOREVER);
	*st = net->sw.port[port].st;
	k_mutex_unlock(&net->lock);
}
