/*
 * A VM's virtio-net card: a virtio-mmio transport with the queue code of
 * virtio_net_queues.c behind it, and a port on its network's switch.
 *
 * A frame sent must take the receiving VM's transport lock, so sending
 * happens in notify_unlocked, with the sender's own lock released (two VMs
 * sending to each other would otherwise each hold their lock and wait for
 * the other's). The sender's lock is taken only to copy one frame out and
 * give its chain back. The network's lock is let go before a
 * receiver's transport lock is taken (virt/vnet.c); that, then its
 * vgic_lock. One vCPU at a time drains the
 * transmit queue (frames leave in ring order); a notify meanwhile from
 * another vCPU of the VM asks it to look again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tandem/kernel.h>
#include <tandem/log.h>
#include <virt/virtio_net.h>
#include <virt/virtio_vm.h>
#include <virt/vnet.h>
#include <virt/vm.h>

struct virtio_net {
	struct virtio_net_queues q;	/* under the transport's lock */
	struct vm *vm;
	struct virtio_mmio *t;
	char network[VM_NAME_LEN];
	struct vnet_network *net;
	int port;
	bool tx_running;		/* a vCPU drains the queue (under the lock) */
	bool tx_again;			/* another notify came meanwhile */
};

static uint32_t net_config_read(struct virtio_mmio *t, uint32_t off, unsigned size)
{
	struct virtio_net *n = t->dev;

	return virtio_net_config_read(&n->q, off, size);
}

/* Under the lock: may this vCPU drain the transmit queue? */
static bool tx_claim(struct virtio_net *n)
{
	if (n->tx_running) {
		n->tx_again = true;
		return false;
	}
	n->tx_running = true;
	n->tx_again = false;
	return true;
}

static void net_notify_unlocked(struct virtio_mmio *t, uint32_t queue)
{
	struct virtio_net *n = t->dev;
	uint64_t moved = 0;
	size_t len;
	int got;

	/* Receive buffers posted need nothing: frames find them when they come. */
	if (queue != VIRTIO_NET_TXQ)
		return;
	virtio_mmio_lock(t);
	if (!tx_claim(n)) {
		virtio_mmio_unlock(t);
		return;
	}
	for (;;) {
		got = virtio_net_tx_pop(t, &n->q, &len);
		if (!got && n->tx_again) {
			n->tx_again = false;
			continue;
		}
		if (!got)
			break;
		virtio_mmio_unlock(t);
		/* tx_buf is the draining vCPU's alone. */
		if (got == 1) {
			vnet_send(n->net, n->port, n->q.tx_buf + VIRTIO_NET_HDR_LEN, len);
			moved += len;
		}
		if (moved >= VIRTIO_ROUND_BYTES) {
			moved = 0;
			k_yield();
		}
		virtio_mmio_lock(t);
		if (vm_is_stopping(n->vm))
			break;
	}
	n->tx_running = false;
	virtio_mmio_unlock(t);
}

/* The work is net_notify_unlocked's. */
static void net_notify_idle(struct virtio_mmio *t, unsigned queue)
{
}

static const struct virtio_dev_ops net_ops = {
	.name = "net", .device_id = VIRTIO_ID_NET,
	.features = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS,
	.n_queues = 2, .queue_max = VIRTIO_NET_QUEUE_MAX,
	.config_size = VIRTIO_NET_CONFIG_LEN,
	.config_read = net_config_read, .notify = net_notify_idle,
	.notify_unlocked = net_notify_unlocked,
};

/* The switch hands a frame to this VM (from the sender's thread). */
static int net_deliver(void *ctx, const uint8_t *frame, size_t len)
{
	struct virtio_net *n = ctx;
	int ret;

	virtio_mmio_lock(n->t);
	ret = virtio_net_rx_put(n->t, &n->q, frame, len);
	virtio_mmio_unlock(n->t);
	return ret;
}

static struct virtio_mmio *net_create(struct vm *vm, const struct vm_virtio *c, char *err,
				      size_t errlen)
{
	struct virtio_net *n = calloc(1, sizeof(*n));

	if (!n) {
		snprintf(err, errlen, "VM '%s': virtio device '%s': out of memory", vm->name, c->name);
		return NULL;
	}
	n->vm = vm;
	memcpy(n->q.mac, c->mac, ETH_ALEN);
	snprintf(n->network, sizeof(n->network), "%s", c->network);
	n->t = virtio_mmio_create(vm, c->name, c->ipa, c->intid, &net_ops, n);
	if (!n->t) {
		snprintf(err, errlen, "VM '%s': virtio device '%s': no room on its MMIO bus",
			 vm->name, c->name);
		free(n);
		return NULL;
	}
	if (vnet_join(c->network, net_deliver, n, &n->net, &n->port, err, errlen)) {
		/* Its MMIO slot stays with the VM being torn down; nothing reaches it. */
		virtio_mmio_destroy(n->t);
		free(n);
		return NULL;
	}
	return n->t;
}

static void net_destroy(struct virtio_mmio *t)
{
	struct virtio_net *n = t->dev;

	vnet_leave(n->net, n->port);	/* no frame is delivered here after this */
	virtio_mmio_destroy(t);
	free(n);
}

static void net_info(struct virtio_mmio *t, char *buf, size_t len)
{
	struct virtio_net *n = t->dev;
	struct virtio_net_counters c;
	struct vswitch_port_stats st;
	const uint8_t *m = n->q.mac;

	virtio_mmio_lock(t);
	c = n->q.c;
	virtio_mmio_unlock(t);
	vnet_port_stats(n->net, n->port, &st);
	snprintf(buf, len, "network '%s' port %d, MAC %02x:%02x:%02x:%02x:%02x:%02x, "
		 "tx %llu frames %llu bytes (%llu bad), rx %llu frames %llu bytes "
		 "(%llu dropped: %llu no buffer, %llu bad)",
		 n->network, n->port, m[0], m[1], m[2], m[3], m[4], m[5],
		 (unsigned long long)st.tx_frames, (unsigned long long)st.tx_bytes,
		 (unsigned long long)(c.tx_bad + st.tx_bad),
		 (unsigned long long)st.rx_frames, (unsigned long long)st.rx_bytes,
		 (unsigned long long)st.rx_dropped, (unsigned long long)c.rx_no_buffer,
		 (unsigned long long)c.rx_bad);
}

const struct virtio_backend virtio_net_backend = {
	VM_VIRTIO_NET, net_create, net_destroy, net_info,
};
