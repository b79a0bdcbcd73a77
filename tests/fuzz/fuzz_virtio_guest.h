/*
 * A fuzzed guest driver's side of a virtio-mmio device, shared by the
 * virtio fuzz targets: guest RAM (a heap buffer of exactly RAM_SIZE bytes,
 * so AddressSanitizer stops any access outside it), the transport brought
 * to DRIVER_OK with 2 queues of QSIZE, and descriptors and offers written
 * from the fuzzer's bytes (addresses inside, across the edge of and outside
 * RAM; any length, flags and next). Include after fuzz_input.h.
 */
#ifndef FUZZ_VIRTIO_GUEST_H
#define FUZZ_VIRTIO_GUEST_H

#include <string.h>

#include <virt/virtio.h>

#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	0x10000ULL
#define QSIZE		16
#define DESC(q)		(RAM_BASE + (q) * 0x1000ULL)
#define AVAIL(q)	(DESC(q) + 0x400)
#define USED(q)		(DESC(q) + 0x800)
#define DATA		(RAM_BASE + 0x2000)

static uint8_t *ram;
static struct virtio_mmio t;

static inline void wr(uint64_t off, uint32_t v)
{
	uint64_t val = v;

	virtio_mmio_access(&t, off, 4, true, &val);
}

/* Reset, then the driver's whole start with `features` (VERSION_1 in it). */
static inline void bring_up_with(uint64_t features)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
	for (unsigned q = 0; q < 2; q++) {
		wr(VIRTIO_MMIO_QUEUE_SEL, q);
		wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
		wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC(q));
		wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL(q));
		wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED(q));
		wr(VIRTIO_MMIO_QUEUE_READY, 1);
	}
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static inline uint8_t *at(uint64_t ipa)
{
	return ram + (ipa - RAM_BASE);
}

static inline uint64_t pick_addr(struct fuzz_in *in)
{
	switch (fuzz_u8(in) % 4) {
	case 0: return RAM_BASE + RAM_SIZE - (fuzz_u16(in) % 2048);	/* across the end */
	case 1: return fuzz_u64(in);					/* anywhere */
	default: return DATA + fuzz_u16(in) % (RAM_SIZE - (DATA - RAM_BASE));
	}
}

/* A descriptor of either queue, lengths up to max_len most of the time. */
static inline void put_desc_upto(struct fuzz_in *in, uint32_t max_len)
{
	unsigned q = fuzz_u8(in) & 1;
	uint16_t i = fuzz_u8(in) % QSIZE;
	uint64_t addr = pick_addr(in);
	uint32_t len = fuzz_u8(in) & 1 ? fuzz_u16(in) % max_len : fuzz_u32(in);
	uint16_t flags = fuzz_u8(in) & 7, next = fuzz_u8(in) % (QSIZE + 2);
	uint8_t *p = at(DESC(q)) + 16u * i;

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

static inline void offer(struct fuzz_in *in)
{
	unsigned q = fuzz_u8(in) & 1;
	uint16_t head = fuzz_u8(in) % (QSIZE + 1), idx;
	uint8_t *avail = at(AVAIL(q));

	memcpy(&idx, avail + 2, 2);
	memcpy(avail + 4 + 2 * (idx % QSIZE), &head, 2);
	idx++;
	memcpy(avail + 2, &idx, 2);
}

#endif
