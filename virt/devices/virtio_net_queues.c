/*
 * virtio-net's queues: a transmit chain becomes one frame in a host
 * buffer (copied out once, so the guest cannot change it while the switch
 * reads it), and a frame from the switch goes into one receive chain
 * behind a virtio_net_hdr saying "no offload, one buffer". The guest sets
 * every length and address in the rings: a chain outside RAM, a frame
 * shorter than an Ethernet header or longer than the MTU allows, a receive
 * buffer too small for the frame, each ends with the chain given back
 * empty, a counter and one rate-limited line; nothing is read or written
 * outside the chain's checked buffers.
 */
#include <errno.h>
#include <string.h>

#include <virt/virtio_net.h>

static bool running(const struct virtio_mmio *t, unsigned queue)
{
	return (t->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(t->status & VIRTIO_STATUS_NEEDS_RESET) && t->q[queue].ready;
}

static int tx_refuse(struct virtio_mmio *t, struct virtio_net_queues *q, int why,
		     const char *what, uint64_t val)
{
	virtio_queue_push(t, VIRTIO_NET_TXQ, q->chain.head, 0);
	q->c.tx_bad++;
	virtio_warn(t, VIRTIO_WARN_REQUEST, what, val);
	return why;
}

int virtio_net_tx_pop(struct virtio_mmio *t, struct virtio_net_queues *q, size_t *len)
{
	struct virtq_chain *c = &q->chain;
	size_t n;

	if (!running(t, VIRTIO_NET_TXQ) || virtio_queue_pop(t, VIRTIO_NET_TXQ, c) != 1)
		return 0;
	if (c->fault)
		return tx_refuse(t, q, -EFAULT, "transmit buffer outside RAM", c->bad_ipa);
	if (c->out_len < VIRTIO_NET_HDR_LEN + ETH_HLEN)
		return tx_refuse(t, q, -EMSGSIZE, "transmit frame shorter than its headers",
				 c->out_len);
	if (c->out_len > sizeof(q->tx_buf))
		return tx_refuse(t, q, -EMSGSIZE, "transmit frame longer than the MTU allows",
				 c->out_len);
	n = virtq_chain_read(c, &t->mem, 0, q->tx_buf, c->out_len);
	if (n != c->out_len)
		return tx_refuse(t, q, -EFAULT, "transmit buffer unreadable", n);
	virtio_queue_push(t, VIRTIO_NET_TXQ, c->head, 0);
	q->c.tx_frames++;
	*len = n - VIRTIO_NET_HDR_LEN;
	return 1;
}

static int rx_refuse(struct virtio_mmio *t, struct virtio_net_queues *q, int why,
		     const char *what, uint64_t val)
{
	virtio_queue_push(t, VIRTIO_NET_RXQ, q->chain.head, 0);
	q->c.rx_bad++;
	virtio_warn(t, VIRTIO_WARN_REQUEST, what, val);
	return why;
}

int virtio_net_rx_put(struct virtio_mmio *t, struct virtio_net_queues *q,
		      const uint8_t *frame, size_t len)
{
	uint8_t hdr[VIRTIO_NET_HDR_LEN] = { 0 };	/* no checksum, GSO_NONE */
	struct virtq_chain *c = &q->chain;

	if (len > VSWITCH_FRAME_MAX)
		return -EMSGSIZE;	/* the switch never hands one in */
	if (!running(t, VIRTIO_NET_RXQ) || virtio_queue_pop(t, VIRTIO_NET_RXQ, c) != 1) {
		q->c.rx_no_buffer++;
		return -ENOSPC;
	}
	if (c->fault)
		return rx_refuse(t, q, -EFAULT, "receive buffer outside RAM", c->bad_ipa);
	if (c->in_len < VIRTIO_NET_HDR_LEN + len)
		return rx_refuse(t, q, -EMSGSIZE, "receive buffer smaller than the frame",
				 c->in_len);
	hdr[VIRTIO_NET_HDR_NUM_BUFFERS] = 1;
	if (virtq_chain_write(c, &t->mem, 0, hdr, sizeof(hdr)) != sizeof(hdr) ||
	    virtq_chain_write(c, &t->mem, sizeof(hdr), frame, len) != len)
		return rx_refuse(t, q, -EFAULT, "receive buffer unwritable", c->in_len);
	virtio_queue_push(t, VIRTIO_NET_RXQ, c->head, (uint32_t)(sizeof(hdr) + len));
	q->c.rx_frames++;
	return 0;
}

uint32_t virtio_net_config_read(const struct virtio_net_queues *q, uint32_t off, unsigned size)
{
	uint8_t cfg[VIRTIO_NET_CONFIG_LEN];

	memcpy(cfg, q->mac, ETH_ALEN);
	cfg[6] = VIRTIO_NET_S_LINK_UP;
	cfg[7] = 0;
	cfg[8] = 1;			/* max_virtqueue_pairs (only with MQ) */
	cfg[9] = 0;
	cfg[10] = VSWITCH_MTU & 0xff;	/* mtu (only with F_MTU) */
	cfg[11] = VSWITCH_MTU >> 8;
	return virtio_config_bytes(cfg, sizeof(cfg), off, size);
}
