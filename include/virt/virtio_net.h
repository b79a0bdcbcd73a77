/*
 * The virtio-net device (virtio 1.x, 5.1) Tandem serves a VM whose config
 * has a `virtio-net` node: one receive queue, one transmit queue, no
 * offloads (features: VERSION_1, MAC, STATUS), its frames switched to the
 * other VMs on its network (virt/vnet.c).
 *
 * virt/devices/virtio_net_queues.c moves frames between the queues and the
 * host (every guest length checked; compiles on the host, tests/unit/
 * test_virtio_net.c); virt/devices/virtio_net.c is the VM glue: the
 * switch port, the transmit thread, the locks.
 */
#ifndef VIRT_VIRTIO_NET_H
#define VIRT_VIRTIO_NET_H

#include <tandem/types.h>
#include <virt/virtio.h>
#include <virt/vswitch.h>

#define VIRTIO_NET_F_MAC	(1ULL << 5)
#define VIRTIO_NET_F_STATUS	(1ULL << 16)
#define VIRTIO_NET_S_LINK_UP	1
#define VIRTIO_NET_RXQ		0
#define VIRTIO_NET_TXQ		1
#define VIRTIO_NET_QUEUE_MAX	VIRTQ_MAX_SIZE
/* struct virtio_net_hdr with VERSION_1: num_buffers is always there. */
#define VIRTIO_NET_HDR_LEN	12
#define VIRTIO_NET_HDR_NUM_BUFFERS 10	/* its offset */
/* Config space: mac[6], status, max_virtqueue_pairs, mtu (le16 each). */
#define VIRTIO_NET_CONFIG_LEN	12

struct virtio_net_counters {
	uint64_t tx_frames;		/* handed to the switch */
	uint64_t tx_bad;		/* refused: outside RAM, too short, too long */
	uint64_t rx_frames;		/* written into the guest's receive buffers */
	uint64_t rx_no_buffer;		/* dropped: no buffer posted, or not running */
	uint64_t rx_bad;		/* dropped: a buffer too small or outside RAM */
};

/* The state the queue code owns (under the transport's lock). */
struct virtio_net_queues {
	uint8_t mac[ETH_ALEN];
	struct virtq_chain chain;	/* the one chain being handled */
	uint8_t tx_buf[VIRTIO_NET_HDR_LEN + VSWITCH_FRAME_MAX];
	struct virtio_net_counters c;
};

/* The next transmit chain's frame into q->tx_buf: 1 with the frame at
 * tx_buf + VIRTIO_NET_HDR_LEN and *len its length (the chain is given
 * back), 0 when none waits (or the device does not run), -EMSGSIZE or
 * -EFAULT for a chain refused (given back empty, counted, warned; call
 * again for the next). */
int virtio_net_tx_pop(struct virtio_mmio *t, struct virtio_net_queues *q, size_t *len);
/* A frame from the switch into the next receive buffer: 0, -ENOSPC (no
 * buffer, or the device does not run: dropped), -EMSGSIZE or -EFAULT (the
 * buffer was too small or outside RAM: given back empty, counted, warned). */
int virtio_net_rx_put(struct virtio_mmio *t, struct virtio_net_queues *q,
		      const uint8_t *frame, size_t len);
uint32_t virtio_net_config_read(const struct virtio_net_queues *q, uint32_t off, unsigned size);

/* The VM glue is virt/devices/virtio_net.c: virtio_net_backend (virtio_vm.h). */

#endif
