/*
 * Fuzz target for virtio-net's queue code (virt/devices/virtio_net_queues.c)
 * on the real transport (virtio_mmio_regs.c, virtqueue.c): a guest that
 * writes descriptors (addresses inside, across the edge of and outside its
 * RAM, any length and flags), offers them on either queue, resets and
 * brings the device up again, while frames of any length arrive and the
 * transmit queue is drained. Guest RAM is a heap buffer of exactly its
 * size, so AddressSanitizer stops any access outside it. Checked:
 *   - a transmitted frame is 14..1518 bytes and is the bytes the guest put
 *     after the 12-byte header, in chain order;
 *   - a received frame's used length is header + frame and fits the
 *     chain's writable bytes, and the guest sees num_buffers = 1 and the
 *     frame after it;
 *   - nothing moves unless the device is DRIVER_OK without NEEDS_RESET;
 *   - every chain taken is given back (used index follows), counted once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <virt/virtio_net.h>
#include "fuzz_input.h"
#include "fuzz_virtio_guest.h"

#define MAX_STEPS	256

static void bring_up(void)
{
	bring_up_with(VIRTIO_F_VERSION_1 | VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS);
}

static void put_desc(struct fuzz_in *in)
{
	put_desc_upto(in, 2048);
}

static struct virtio_net_queues nq;

static uint32_t cfg_read(struct virtio_mmio *tr, uint32_t off, unsigned size)
{
	return virtio_net_config_read(&nq, off, size);
}

static void no_notify(struct virtio_mmio *tr, unsigned queue)
{
}

static const struct virtio_dev_ops ops = {
	.name = "net", .device_id = VIRTIO_ID_NET,
	.features = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS,
	.n_queues = 2, .queue_max = VIRTIO_NET_QUEUE_MAX, .config_size = VIRTIO_NET_CONFIG_LEN,
	.config_read = cfg_read, .notify = no_notify,
};

static void host_irq(struct virtio_mmio *tr, bool level)
{
}

static void host_warn(struct virtio_mmio *tr, enum virtio_warn why, const char *what, uint64_t v)
{
}

static const struct virtio_host_ops host = { host_irq, host_warn, NULL };

static bool running(void)
{
	return (t.status & VIRTIO_STATUS_DRIVER_OK) && !(t.status & VIRTIO_STATUS_NEEDS_RESET);
}

static void step_tx(void)
{
	uint16_t before = t.q[VIRTIO_NET_TXQ].used_idx;
	uint64_t frames = nq.c.tx_frames, bad = nq.c.tx_bad;
	bool was_running = running() && t.q[VIRTIO_NET_TXQ].ready;
	uint8_t want[VSWITCH_FRAME_MAX];
	size_t len = 0;
	int ret = virtio_net_tx_pop(&t, &nq, &len);

	FUZZ_CHECK(was_running || ret == 0, "tx moved (%d) while not running", ret);
	if (ret == 0) {
		FUZZ_CHECK(nq.c.tx_frames == frames && nq.c.tx_bad == bad, "counted without a chain");
		return;
	}
	FUZZ_CHECK(ret == 1 || ret == -EMSGSIZE || ret == -EFAULT, "tx returned %d", ret);
	FUZZ_CHECK(nq.c.tx_frames + nq.c.tx_bad == frames + bad + 1, "counted twice");
	if (t.q[VIRTIO_NET_TXQ].ready)
		FUZZ_CHECK(t.q[VIRTIO_NET_TXQ].used_idx == (uint16_t)(before + 1), "chain not given back");
	if (ret != 1)
		return;
	FUZZ_CHECK(len >= ETH_HLEN && len <= VSWITCH_FRAME_MAX, "frame of %zu bytes", len);
	FUZZ_CHECK(virtq_chain_read(&nq.chain, &t.mem, VIRTIO_NET_HDR_LEN, want, len) == len,
		   "frame not readable again");
	FUZZ_CHECK(!memcmp(want, nq.tx_buf + VIRTIO_NET_HDR_LEN, len), "frame differs from the chain");
}

/* The first n writable bytes of the chain as the guest sees them; false
 * when two writable buffers overlap (then the later write wins) or one
 * overlaps the rings (the used entry written after it wins). */
static bool read_back(uint8_t *out, size_t n)
{
	const struct virtq_chain *c = &nq.chain;
	size_t done = 0;

	for (unsigned i = 0; i < c->n; i++)
		for (unsigned j = i + 1; j < c->n; j++) {
			const struct virtq_seg *a = &c->seg[i], *b = &c->seg[j];

			if (a->write && b->write && a->len && b->len &&
			    a->ipa < b->ipa + b->len && b->ipa < a->ipa + a->len)
				return false;
		}
	for (unsigned i = 0; i < c->n; i++)
		if (c->seg[i].write && c->seg[i].len && c->seg[i].ipa < DATA)
			return false;
	for (unsigned i = 0; i < c->n && done < n; i++) {
		const struct virtq_seg *sg = &c->seg[i];
		size_t k = MIN((size_t)sg->len, n - done);

		if (!sg->write)
			continue;
		memcpy(out + done, at(sg->ipa), k);
		done += k;
	}
	return done == n;
}

static void step_rx(struct fuzz_in *in)
{
	static uint8_t frame[VSWITCH_FRAME_MAX + 8];
	size_t len = fuzz_u16(in) % sizeof(frame);
	uint16_t before = t.q[VIRTIO_NET_RXQ].used_idx;
	bool was_running = running() && t.q[VIRTIO_NET_RXQ].ready;
	int ret;

	for (size_t i = 0; i < len; i++)
		frame[i] = (uint8_t)(i ^ len);
	ret = virtio_net_rx_put(&t, &nq, frame, len);
	FUZZ_CHECK(was_running || ret == -ENOSPC || ret == -EMSGSIZE, "rx moved (%d) while not running",
		   ret);
	FUZZ_CHECK(len <= VSWITCH_FRAME_MAX || ret == -EMSGSIZE, "oversized frame took %d", ret);
	if (ret == 0) {
		uint8_t hdr[VIRTIO_NET_HDR_LEN], back[VIRTIO_NET_HDR_LEN + VSWITCH_FRAME_MAX];
		const uint8_t *e = at(USED(VIRTIO_NET_RXQ)) + 4 + 8 * (before % QSIZE);
		uint32_t ulen;

		memcpy(&ulen, e + 4, 4);
		FUZZ_CHECK(t.q[VIRTIO_NET_RXQ].used_idx == (uint16_t)(before + 1), "not given back");
		FUZZ_CHECK(ulen == VIRTIO_NET_HDR_LEN + len && ulen <= nq.chain.in_len,
			   "used length %u for %zu bytes in %u", ulen, len, nq.chain.in_len);
		/* What the guest reads back, unless its buffers overlap each other. */
		if (read_back(back, VIRTIO_NET_HDR_LEN + len)) {
			memcpy(hdr, back, sizeof(hdr));
			FUZZ_CHECK(hdr[VIRTIO_NET_HDR_NUM_BUFFERS] == 1 && !hdr[0] && !hdr[1],
				   "header %02x %02x .. %02x", hdr[0], hdr[1], hdr[10]);
			FUZZ_CHECK(!memcmp(back + VIRTIO_NET_HDR_LEN, frame, len), "frame differs");
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct guest_mem mem = { RAM_BASE, RAM_SIZE, NULL };

	ram = calloc(1, RAM_SIZE);
	if (!ram)
		return 0;
	mem.host = ram;
	memset(&nq, 0, sizeof(nq));
	virtio_mmio_init(&t, &ops, &nq, &host, NULL, &mem);
	bring_up();
	for (unsigned s = 0; s < MAX_STEPS && in.left; s++) {
		switch (fuzz_u8(&in) % 6) {
		case 0: put_desc(&in); break;
		case 1: offer(&in); break;
		case 2: step_tx(); break;
		case 3: step_rx(&in); break;
		case 4: if (fuzz_u8(&in) % 8 == 0) bring_up(); else wr(VIRTIO_MMIO_STATUS, 0); break;
		default: {
			size_t o = fuzz_u16(&in) % RAM_SIZE;

			ram[o] = fuzz_u8(&in);
			break;
		}
		}
	}
	free(ram);
	return 0;
}
