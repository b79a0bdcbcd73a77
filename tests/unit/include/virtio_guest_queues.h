/*
 * A guest driver's side of a virtio-mmio device, for unit tests: a RAM
 * buffer, the transport brought to DRIVER_OK with n_queues queues of QNUM
 * entries, and helpers to write descriptors, offer chains and read the used
 * ring. Include once per test file, after cmocka.h; the test defines
 * `struct virtio_mmio t` users through vq_setup().
 */
#ifndef VIRTIO_GUEST_QUEUES_H
#define VIRTIO_GUEST_QUEUES_H

#include <stdlib.h>
#include <string.h>

#include <virt/virtio.h>

/* A test may choose its RAM size and queue size before including this. */
#define RAM_BASE	0x40000000ULL
#ifndef RAM_SIZE
#define RAM_SIZE	0x40000ULL
#endif
#ifndef QNUM
#define QNUM		16
#endif
#define DESC(q)		(RAM_BASE + 0x4000 * (q))
#define AVAIL(q)	(DESC(q) + 0x1000)
#define USED(q)		(DESC(q) + 0x2000)
#define DATA		(RAM_BASE + 0x10000)

static uint8_t *ram;
static struct virtio_mmio t;

static inline uint8_t *at(uint64_t ipa)
{
	return ram + (ipa - RAM_BASE);
}

static inline void wr(uint64_t off, uint32_t v)
{
	uint64_t val = v;

	assert_int_equal(virtio_mmio_access(&t, off, 4, true, &val), 0);
}

static inline void vq_setup(const struct virtio_dev_ops *ops, void *dev, const struct virtio_host_ops *host)
{
	struct guest_mem mem = { RAM_BASE, RAM_SIZE, NULL };

	ram = calloc(1, RAM_SIZE);
	assert_non_null(ram);
	mem.host = ram;
	virtio_mmio_init(&t, ops, dev, host, NULL, &mem);
	wr(VIRTIO_MMIO_STATUS, 3);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, 0xb);
	for (unsigned q = 0; q < ops->n_queues; q++) {
		wr(VIRTIO_MMIO_QUEUE_SEL, q);
		wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
		wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC(q));
		wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL(q));
		wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED(q));
		wr(VIRTIO_MMIO_QUEUE_READY, 1);
	}
	wr(VIRTIO_MMIO_STATUS, 0xf);
	assert_int_equal(t.status, 0xf);
}

static inline void put_desc(unsigned q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	uint8_t *p = at(DESC(q)) + 16u * i;

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

static inline void offer(unsigned q, uint16_t head)
{
	uint8_t *avail = at(AVAIL(q));
	uint16_t idx;

	memcpy(&idx, avail + 2, 2);
	memcpy(avail + 4 + 2 * (idx % QNUM), &head, 2);
	idx++;
	memcpy(avail + 2, &idx, 2);
}

static inline uint16_t used_idx(unsigned q)
{
	uint16_t v;

	memcpy(&v, at(USED(q)) + 2, 2);
	return v;
}

/* The length the device wrote into used ring entry i of queue q. */
static inline uint32_t used_len(unsigned q, unsigned i)
{
	uint32_t v;

	memcpy(&v, at(USED(q)) + 4 + 8 * (i % QNUM) + 4, 4);
	return v;
}

#endif
