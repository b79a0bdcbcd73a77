/*
 * Unit tests for virt/devices/virtio_net_queues.c on the real transport
 * model (virtio_mmio_regs.c, virtqueue.c) with a fake guest: the device
 * says it is a network card with a MAC and a link; a transmit chain (header
 * and frame, in one buffer or several) comes out as the frame alone and is
 * given back; a frame goes into a receive buffer behind a header saying one
 * buffer, no offload. Guest-made trouble, each refused with the chain given
 * back empty, a count and a warning: a frame shorter than an Ethernet
 * header or longer than the MTU allows, a buffer outside RAM, a receive
 * buffer too small. Nothing moves while the device is not running.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <virt/virtio_net.h>

#define RAM_SIZE	0x20000ULL
#define QSIZE		16
#define QNUM		QSIZE
#include "virtio_guest_queues.h"

static struct virtio_net_queues nq;
static bool line;
static unsigned warns[VIRTIO_WARN_COUNT];

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
	line = level;
}

static void host_warn(struct virtio_mmio *tr, enum virtio_warn why, const char *what, uint64_t v)
{
	warns[why]++;
}

static const struct virtio_host_ops host = { host_irq, host_warn, NULL };

static uint32_t rd(uint64_t off)
{
	uint64_t v = 0;

	assert_int_equal(virtio_mmio_access(&t, off, 4, false, &v), 0);
	return (uint32_t)v;
}

static void queue_setup(unsigned q)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC(q));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL(q));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED(q));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void bring_up(void)
{
	uint64_t f = VIRTIO_F_VERSION_1 | VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS;

	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	queue_setup(VIRTIO_NET_RXQ);
	queue_setup(VIRTIO_NET_TXQ);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

static int setup(void **state)
{
	static const uint8_t mac[ETH_ALEN] = { 0x02, 0x54, 0xaa, 0xbb, 0xcc, 0xdd };
	struct guest_mem mem = { RAM_BASE, RAM_SIZE, NULL };

	ram = calloc(1, RAM_SIZE);
	mem.host = ram;
	memset(&nq, 0, sizeof(nq));
	memcpy(nq.mac, mac, ETH_ALEN);
	memset(warns, 0, sizeof(warns));
	line = false;
	virtio_mmio_init(&t, &ops, &nq, &host, NULL, &mem);
	return 0;
}

static int teardown(void **state)
{
	free(ram);
	return 0;
}

/* The used ring's entry n: (id, len). */
static void used_entry(unsigned q, uint16_t n, uint32_t *id, uint32_t *len)
{
	const uint8_t *e = at(USED(q)) + 4 + 8 * (n % QSIZE);

	memcpy(id, e, 4);
	memcpy(len, e + 4, 4);
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 13);
}

static void test_identity_and_config(void **state)
{
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), 1);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1u << 5 | 1u << 16);	/* MAC, STATUS */
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1u << 0);		/* VERSION_1 */
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_NET_QUEUE_MAX);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG), 0xbbaa5402);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG + 4), 0x0001ddcc);	/* mac[4..5], status LINK_UP */
	for (unsigned i = 0; i < ETH_ALEN; i++) {
		uint64_t v = 0;

		assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG + i, 1, false, &v), 0);
		assert_int_equal(v, nq.mac[i]);
	}
}

static void test_tx_one_and_split(void **state)
{
	size_t len = 0;
	uint32_t id, ulen;

	bring_up();
	/* one buffer: header + 60-byte frame */
	fill(at(DATA), VIRTIO_NET_HDR_LEN + 60, 1);
	put_desc(VIRTIO_NET_TXQ, 0, DATA, VIRTIO_NET_HDR_LEN + 60, 0, 0);
	offer(VIRTIO_NET_TXQ, 0);
	assert_int_equal(virtio_net_tx_pop(&t, &nq, &len), 1);
	assert_int_equal(len, 60);
	assert_memory_equal(nq.tx_buf + VIRTIO_NET_HDR_LEN, at(DATA) + VIRTIO_NET_HDR_LEN, 60);
	assert_int_equal(used_idx(VIRTIO_NET_TXQ), 1);
	used_entry(VIRTIO_NET_TXQ, 0, &id, &ulen);
	assert_int_equal(id, 0);
	assert_int_equal(ulen, 0);
	assert_true(line);
	/* header and the largest frame in three buffers */
	fill(at(DATA + 0x1000), VSWITCH_FRAME_MAX, 7);
	put_desc(VIRTIO_NET_TXQ, 3, DATA + 0x800, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_NEXT, 4);
	put_desc(VIRTIO_NET_TXQ, 4, DATA + 0x1000, 1000, VIRTQ_DESC_F_NEXT, 5);
	put_desc(VIRTIO_NET_TXQ, 5, DATA + 0x1000 + 1000, VSWITCH_FRAME_MAX - 1000, 0, 0);
	offer(VIRTIO_NET_TXQ, 3);
	assert_int_equal(virtio_net_tx_pop(&t, &nq, &len), 1);
	assert_int_equal(len, VSWITCH_FRAME_MAX);
	assert_memory_equal(nq.tx_buf + VIRTIO_NET_HDR_LEN, at(DATA + 0x1000), VSWITCH_FRAME_MAX);
	used_entry(VIRTIO_NET_TXQ, 1, &id, &ulen);
	assert_int_equal(id, 3);
	/* nothing more */
	assert_int_equal(virtio_net_tx_pop(&t, &nq, &len), 0);
	assert_int_equal(nq.c.tx_frames, 2);
	assert_int_equal(nq.c.tx_bad, 0);
	assert_int_equal(warns[VIRTIO_WARN_REQUEST], 0);
}

static void expect_tx_refused(int want, unsigned n)
{
	size_t len = 12345;

	assert_int_equal(virtio_net_tx_pop(&t, &nq, &len), want);
	assert_int_equal(len, 12345);
	assert_int_equal(used_idx(VIRTIO_NET_TXQ), n);	/* given back all the same */
	assert_int_equal(nq.c.tx_bad, n);
	assert_int_equal(warns[VIRTIO_WARN_REQUEST], n);
}

static void test_tx_refused(void **state)
{
	bring_up();
	/* a header and 13 bytes: no room for an Ethernet header */
	put_desc(VIRTIO_NET_TXQ, 0, DATA, VIRTIO_NET_HDR_LEN + ETH_HLEN - 1, 0, 0);
	offer(VIRTIO_NET_TXQ, 0);
	expect_tx_refused(-EMSGSIZE, 1);
	/* one byte over the largest frame, split so each buffer looks fine */
	put_desc(VIRTIO_NET_TXQ, 1, DATA, 1000, VIRTQ_DESC_F_NEXT, 2);
	put_desc(VIRTIO_NET_TXQ, 2, DATA + 1000, VIRTIO_NET_HDR_LEN + VSWITCH_FRAME_MAX + 1 - 1000, 0, 0);
	offer(VIRTIO_NET_TXQ, 1);
	expect_tx_refused(-EMSGSIZE, 2);
	/* a length that would wrap a 32-bit sum */
	put_desc(VIRTIO_NET_TXQ, 3, DATA, 0xfffffff0, VIRTQ_DESC_F_NEXT, 4);
	put_desc(VIRTIO_NET_TXQ, 4, DATA, 0x100, 0, 0);
	offer(VIRTIO_NET_TXQ, 3);
	assert_true(virtio_net_tx_pop(&t, &nq, &(size_t){ 0 }) < 0);
	assert_int_equal(used_idx(VIRTIO_NET_TXQ), 3);
	/* a buffer past the end of RAM, and one before it */
	put_desc(VIRTIO_NET_TXQ, 5, RAM_BASE + RAM_SIZE - 8, 100, 0, 0);
	offer(VIRTIO_NET_TXQ, 5);
	assert_int_equal(virtio_net_tx_pop(&t, &nq, &(size_t){ 0 }), -EFAULT);
	put_desc(VIRTIO_NET_TXQ, 6, 0x1000, 100, 0, 0);
	offer(VIRTIO_NET_TXQ, 6);
	assert_int_equal(virtio_net_tx_pop(&t, &nq, &(size_t){ 0 }), -EFAULT);
	assert_int_equal(used_idx(VIRTIO_NET_TXQ), 5);
	assert_int_equal(nq.c.tx_bad, 5);
	assert_int_equal(nq.c.tx_frames, 0);
	/* the queue still works after all that */
	put_desc(VIRTIO_NET_TXQ, 7, DATA, VIRTIO_NET_HDR_LEN + 64, 0, 0);
	offer(VIRTIO_NET_TXQ, 7);
	assert_int_equal(virtio_net_tx_pop(&t, &nq, &(size_t){ 0 }), 1);
	assert_false(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
}

static void post_rx(uint16_t i, uint64_t addr, uint32_t len)
{
	put_desc(VIRTIO_NET_RXQ, i, addr, len, VIRTQ_DESC_F_WRITE, 0);
	offer(VIRTIO_NET_RXQ, i);
}

static void test_rx(void **state)
{
	uint8_t frame[VSWITCH_FRAME_MAX];
	uint8_t want_hdr[VIRTIO_NET_HDR_LEN] = { 0 };
	uint32_t id, ulen;

	want_hdr[VIRTIO_NET_HDR_NUM_BUFFERS] = 1;
	bring_up();
	fill(frame, sizeof(frame), 3);
	memset(at(DATA), 0xee, 0x2000);
	post_rx(2, DATA, VIRTIO_NET_HDR_LEN + VSWITCH_FRAME_MAX);	/* what Linux posts */
	assert_int_equal(virtio_net_rx_put(&t, &nq, frame, 98), 0);
	assert_int_equal(used_idx(VIRTIO_NET_RXQ), 1);
	used_entry(VIRTIO_NET_RXQ, 0, &id, &ulen);
	assert_int_equal(id, 2);
	assert_int_equal(ulen, VIRTIO_NET_HDR_LEN + 98);
	assert_memory_equal(at(DATA), want_hdr, VIRTIO_NET_HDR_LEN);
	assert_memory_equal(at(DATA) + VIRTIO_NET_HDR_LEN, frame, 98);
	assert_int_equal(at(DATA)[VIRTIO_NET_HDR_LEN + 98], 0xee);	/* not a byte more */
	assert_true(line);
	/* the largest frame, into a header buffer and two data buffers */
	put_desc(VIRTIO_NET_RXQ, 5, DATA + 0x1000, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 6);
	put_desc(VIRTIO_NET_RXQ, 6, DATA + 0x2000, 700, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 7);
	put_desc(VIRTIO_NET_RXQ, 7, DATA + 0x3000, VSWITCH_FRAME_MAX - 700, VIRTQ_DESC_F_WRITE, 0);
	offer(VIRTIO_NET_RXQ, 5);
	assert_int_equal(virtio_net_rx_put(&t, &nq, frame, VSWITCH_FRAME_MAX), 0);
	assert_memory_equal(at(DATA + 0x1000), want_hdr, VIRTIO_NET_HDR_LEN);
	assert_memory_equal(at(DATA + 0x2000), frame, 700);
	assert_memory_equal(at(DATA + 0x3000), frame + 700, VSWITCH_FRAME_MAX - 700);
	assert_int_equal(nq.c.rx_frames, 2);
	/* no buffer left: dropped, nothing written */
	assert_int_equal(virtio_net_rx_put(&t, &nq, frame, 60), -ENOSPC);
	assert_int_equal(used_idx(VIRTIO_NET_RXQ), 2);
	assert_int_equal(nq.c.rx_no_buffer, 1);
	assert_int_equal(warns[VIRTIO_WARN_REQUEST], 0);
}

static void test_rx_refused(void **state)
{
	uint8_t frame[200] = { 1, 2, 3 };
	uint32_t id, ulen;

	bring_up();
	memset(at(DATA), 0xee, 0x100);
	/* room for the header and 199 bytes: too small for 200 */
	post_rx(0, DATA, VIRTIO_NET_HDR_LEN + 199);
	assert_int_equal(virtio_net_rx_put(&t, &nq, frame, 200), -EMSGSIZE);
	used_entry(VIRTIO_NET_RXQ, 0, &id, &ulen);
	assert_int_equal(ulen, 0);
	assert_int_equal(at(DATA)[0], 0xee);	/* nothing written */
	/* outside RAM */
	post_rx(1, RAM_BASE + RAM_SIZE - 100, 1530);
	assert_int_equal(virtio_net_rx_put(&t, &nq, frame, 60), -EFAULT);
	/* a read-only buffer is no receive buffer */
	put_desc(VIRTIO_NET_RXQ, 2, DATA, 1530, 0, 0);
	offer(VIRTIO_NET_RXQ, 2);
	assert_int_equal(virtio_net_rx_put(&t, &nq, frame, 60), -EMSGSIZE);
	assert_int_equal(at(DATA)[0], 0xee);
	assert_int_equal(used_idx(VIRTIO_NET_RXQ), 3);
	assert_int_equal(nq.c.rx_bad, 3);
	assert_int_equal(warns[VIRTIO_WARN_REQUEST], 3);
	/* a frame the switch would never hand in */
	post_rx(3, DATA, 4096);
	assert_int_equal(virtio_net_rx_put(&t, &nq, frame, VSWITCH_FRAME_MAX + 1), -EMSGSIZE);
	assert_int_equal(used_idx(VIRTIO_NET_RXQ), 3);
}

static void test_not_running(void **state)
{
	uint8_t frame[60] = { 0 };

	/* queues set up, but no DRIVER_OK yet */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	queue_setup(VIRTIO_NET_RXQ);
	queue_setup(VIRTIO_NET_TXQ);
	post_rx(0, DATA, 1530);
	put_desc(VIRTIO_NET_TXQ, 0, DATA, 100, 0, 0);
	offer(VIRTIO_NET_TXQ, 0);
	assert_int_equal(virtio_net_rx_put(&t, &nq, frame, 60), -ENOSPC);
	assert_int_equal(virtio_net_tx_pop(&t, &nq, &(size_t){ 0 }), 0);
	assert_int_equal(used_idx(VIRTIO_NET_RXQ), 0);
	assert_int_equal(used_idx(VIRTIO_NET_TXQ), 0);
	/* after a reset: the same */
	teardown(state);
	setup(state);
	bring_up();
	wr(VIRTIO_MMIO_STATUS, 0);
	post_rx(0, DATA, 1530);
	assert_int_equal(virtio_net_rx_put(&t, &nq, frame, 60), -ENOSPC);
	assert_int_equal(used_idx(VIRTIO_NET_RXQ), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity_and_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_one_and_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_running, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
