/*
 * The virtio-console back end (include/virt/virtio_console.h): each chain
 * on the transmit queue is the guest's output, its device-readable bytes
 * handed on in order, in pieces of a local buffer. A chain with a buffer
 * outside RAM or lengths past 4 GiB is given back unread (one
 * rate-limited line); writable buffers on the transmit queue are ignored.
 *
 * Bounded: a chain's first VIRTIO_CONSOLE_CHAIN_MAX bytes are output, the
 * rest is dropped and counted (Linux writes at most 32 KiB per buffer); a
 * notify round stops taking chains after VIRTIO_ROUND_BYTES and asks for
 * another (include/virt/virtio.h), and takes none once the VM is stopping.
 */
#include <virt/virtio_console.h>

#include <string.h>

#define PIECE	512

/* Output one chain: the bytes read from the guest. */
static uint64_t console_tx(struct virtio_mmio *t, struct virtio_console *c)
{
	const struct virtq_chain *ch = &c->chain;
	uint64_t len = MIN((uint64_t)ch->out_len, (uint64_t)VIRTIO_CONSOLE_CHAIN_MAX);
	uint64_t pos = 0;
	char buf[PIECE];

	if (ch->fault != VIRTQ_FAULT_NONE) {
		c->tx_bad++;
		virtio_warn(t, VIRTIO_WARN_REQUEST, ch->fault == VIRTQ_FAULT_ADDR ?
			    "output buffer outside RAM" : "output lengths past 4 GiB",
			    ch->fault == VIRTQ_FAULT_ADDR ? ch->bad_ipa : ch->head);
		return 0;
	}
	if (ch->out_len > len) {
		c->tx_dropped += ch->out_len - len;
		virtio_warn(t, VIRTIO_WARN_REQUEST, "output buffer longer than the device takes "
			    "(rest dropped)", ch->out_len);
	}
	while (pos < len) {
		size_t n = virtq_chain_read(ch, &t->mem, pos, buf, MIN((uint64_t)PIECE, len - pos));

		if (!n)
			break;
		c->out(c->ctx, buf, n);
		c->tx_bytes += n;
		pos += n;
	}
	return pos;
}

static void console_notify(struct virtio_mmio *t, unsigned queue)
{
	struct virtio_console *c = t->dev;
	uint64_t moved = 0;

	if (queue != VIRTIO_CONSOLE_TX)
		return;		/* receive buffers wait: no input comes this way */
	for (unsigned n = 0; n < 2 * VIRTIO_CONSOLE_QUEUE; n++) {
		if (virtio_stopping(t))
			return;
		if (moved >= VIRTIO_ROUND_BYTES) {
			virtio_notify_again(t, queue);
			return;
		}
		if (virtio_queue_pop(t, queue, &c->chain) != 1)
			return;
		moved += console_tx(t, c);
		virtio_queue_push(t, queue, c->chain.head, 0);
	}
}

/* cols, rows, max_nr_ports, emerg_wr: none of their features is offered. */
static uint32_t console_config_read(struct virtio_mmio *t, uint32_t off, unsigned size)
{
	return 0;
}

static void console_reset(struct virtio_mmio *t)
{
	struct virtio_console *c = t->dev;

	if (c)
		c->tx_bytes = c->tx_bad = c->tx_dropped = 0;
}

const struct virtio_dev_ops virtio_console_ops = {
	.name = "console", .device_id = VIRTIO_ID_CONSOLE, .features = 0,
	.n_queues = 2, .queue_max = VIRTIO_CONSOLE_QUEUE, .config_size = 12,
	.config_read = console_config_read, .config_write = NULL,
	.notify = console_notify, .reset = console_reset,
};

void virtio_console_setup(struct virtio_console *c, void (*out)(void *ctx, const char *s, size_t n),
			  void *ctx)
{
	memset(c, 0, offsetof(struct virtio_console, chain));
	c->out = out;
	c->ctx = ctx;
}
