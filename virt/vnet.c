/*
 * The named VM networks: a fixed table of switches, each with the lock
 * that serialises its frames, created by the first VM that names it and
 * freed with the last. A frame is forwarded with the lock held, so a port
 * that has left (its VM deleted) is never delivered to.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <tandem/spinlock.h>
#include <virt/vm_config.h>
#include <virt/vnet.h>

#define VNET_MAX_NETWORKS	8

struct vnet_network {
	char name[VM_NAME_LEN];
	unsigned refs;			/* ports in use; 0 = free slot */
	struct k_spinlock lock;		/* sw; then a receiver's device lock */
	struct vswitch sw;
};

static struct vnet_network networks[VNET_MAX_NETWORKS];
static struct k_spinlock networks_lock;	/* names and refs; then a network's lock */

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
		vswitch_init(&free_slot->sw);
	}
	return free_slot;
}

int vnet_join(const char *name, vswitch_deliver_fn deliver, void *ctx,
	      struct vnet_network **net, int *port, char *err, size_t errlen)
{
	k_spinlock_key_t key = k_spin_lock(&networks_lock), nkey;
	struct vnet_network *n = find_or_make(name);
	int ret = -ENOSPC;

	if (!n) {
		snprintf(err, errlen, "network '%s': more than %u networks", name,
			 VNET_MAX_NETWORKS);
		goto out;
	}
	nkey = k_spin_lock(&n->lock);
	ret = vswitch_port_add(&n->sw, deliver, ctx);
	k_spin_unlock(&n->lock, nkey);
	if (ret < 0) {
		snprintf(err, errlen, "network '%s': all %u ports are taken", name,
			 VSWITCH_MAX_PORTS);
		goto out;
	}
	n->refs++;
	*net = n;
	*port = ret;
	ret = 0;
out:
	k_spin_unlock(&networks_lock, key);
	return ret;
}

void vnet_leave(struct vnet_network *net, int port)
{
	k_spinlock_key_t key = k_spin_lock(&networks_lock), nkey;

	nkey = k_spin_lock(&net->lock);
	vswitch_port_remove(&net->sw, port);
	k_spin_unlock(&net->lock, nkey);
	net->refs--;
	k_spin_unlock(&networks_lock, key);
}

int vnet_send(struct vnet_network *net, int port, const uint8_t *frame, size_t len)
{
	k_spinlock_key_t key = k_spin_lock(&net->lock);
	int ret = vswitch_forward(&net->sw, port, frame, len);

	k_spin_unlock(&net->lock, key);
	return ret;
}

void vnet_port_stats(struct vnet_network *net, int port, struct vswitch_port_stats *st)
{
	k_spinlock_key_t key = k_spin_lock(&net->lock);

	*st = net->sw.port[port].st;
	k_spin_unlock(&net->lock, key);
}
