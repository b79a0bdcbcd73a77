/*
 * The named VM networks: a fixed table of switches, each with the lock
 * that serialises its frames, created by the first VM that names it and
 * freed with the last. A frame is forwarded with the lock held, so a port
 * that has left (its VM deleted) is never delivered to. That lock is a
 * mutex: delivering takes the receiving device's lock, a mutex too (a
 * long notify stays preemptible), and all of it runs in threads.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <tandem/kernel.h>
#include <tandem/spinlock.h>
#include <virt/vm_config.h>
#include <virt/vnet.h>

#define VNET_MAX_NETWORKS	8

struct vnet_network {
	char name[VM_NAME_LEN];
	unsigned refs;			/* ports in use; 0 = free slot */
	struct k_mutex lock;		/* sw; then a receiver's device lock */
	struct vswitch sw;
};

static struct vnet_network networks[VNET_MAX_NETWORKS];
static struct k_spinlock networks_lock;	/* names and refs; never held with another */

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
	}
	return free_slot;
}

int vnet_join(const char *name, const struct vswitch_port_cfg *cfg,
	      vswitch_deliver_fn deliver, void *ctx,
	      struct vnet_network **net, int *port, char *err, size_t errlen)
{
	k_spinlock_key_t key = k_spin_lock(&networks_lock);
	struct vnet_network *n = find_or_make(name);
	int ret;

	if (!n) {
		k_spin_unlock(&networks_lock, key);
		snprintf(err, errlen, "network '%s': more than %u networks", name,
			 VNET_MAX_NETWORKS);
		return -ENOSPC;
	}
	n->refs++;		/* holds the slot while its mutex is taken */
	k_spin_unlock(&networks_lock, key);

	k_mutex_lock(&n->lock, K_FOREVER);
	ret = vswitch_port_add(&n->sw, cfg, deliver, ctx);
	k_mutex_unlock(&n->lock);
	if (ret < 0) {
		key = k_spin_lock(&networks_lock);
		n->refs--;
		k_spin_unlock(&networks_lock, key);
		if (ret == -ENOSPC)
			snprintf(err, errlen, "network '%s': all %u ports are taken", name,
				 VSWITCH_MAX_PORTS);
		else
			snprintf(err, errlen, "network '%s': MAC %02x:%02x:%02x:%02x:%02x:%02x is another card's (%d)",
				 name, cfg->mac[0], cfg->mac[1], cfg->mac[2], cfg->mac[3],
				 cfg->mac[4], cfg->mac[5], ret);
		return ret;
	}
	*net = n;
	*port = ret;
	return 0;
}

void vnet_leave(struct vnet_network *net, int port)
{
	k_spinlock_key_t key;

	k_mutex_lock(&net->lock, K_FOREVER);
	vswitch_port_remove(&net->sw, port);
	k_mutex_unlock(&net->lock);
	key = k_spin_lock(&networks_lock);
	net->refs--;
	k_spin_unlock(&networks_lock, key);
}

int vnet_send(struct vnet_network *net, int port, const uint8_t *frame, size_t len)
{
	int ret;

	k_mutex_lock(&net->lock, K_FOREVER);
	ret = vswitch_forward(&net->sw, port, frame, len);
	k_mutex_unlock(&net->lock);
	return ret;
}

void vnet_port_stats(struct vnet_network *net, int port, struct vswitch_port_stats *st)
{
	k_mutex_lock(&net->lock, K_FOREVER);
	*st = net->sw.port[port].st;
	k_mutex_unlock(&net->lock);
}
