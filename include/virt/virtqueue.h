/*
 * A split virtqueue (virtio 1.x, "Split Virtqueues") read from guest
 * memory (virt/virtqueue.c). Everything in the rings is written by the
 * guest while the device reads it, so it is hostile input: each descriptor
 * is copied out once and checked, chains are bounded by the queue size,
 * and every buffer is checked against the VM's RAM. Compiles on the host
 * (tests/unit/test_virtqueue.c, tests/fuzz/fuzz_virtqueue.c).
 */
#ifndef VIRT_VIRTQUEUE_H
#define VIRT_VIRTQUEUE_H

#include <tandem/types.h>
#include <virt/guest_mem.h>

/* The largest queue a Tandem device offers (QueueNumMax); a chain holds
 * at most this many descriptors. */
#define VIRTQ_MAX_SIZE		128

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

/* Ring layout sizes for a queue of num entries (without the event words
 * VIRTIO_F_EVENT_IDX adds: it is never offered). */
#define VIRTQ_DESC_BYTES(num)	(16ULL * (num))
#define VIRTQ_AVAIL_BYTES(num)	(4ULL + 2ULL * (num))
#define VIRTQ_USED_BYTES(num)	(4ULL + 8ULL * (num))

struct virtq {
	uint16_t num;		/* entries, a power of two <= VIRTQ_MAX_SIZE */
	bool ready;		/* checked and running */
	uint64_t desc, avail, used;	/* IPAs of the three areas */
	uint16_t last_avail;	/* next avail ring entry to take */
	uint16_t used_idx;	/* our copy of used->idx */
};

/* Why a ring is broken: the device then needs a reset (DEVICE_NEEDS_RESET). */
enum virtq_err {
	VIRTQ_OK = 0,
	VIRTQ_ERR_RING,		/* a ring area is no longer inside RAM */
	VIRTQ_ERR_AVAIL_IDX,	/* avail->idx moved more than num ahead */
	VIRTQ_ERR_HEAD,		/* an avail entry names no descriptor */
	VIRTQ_ERR_NEXT,		/* a descriptor's next names no descriptor */
	VIRTQ_ERR_LOOP,		/* a chain longer than the queue: it loops */
	VIRTQ_ERR_INDIRECT,	/* VIRTQ_DESC_F_INDIRECT, never negotiated */
	VIRTQ_ERR_ORDER,	/* a device-readable buffer after a writable one */
	VIRTQ_ERR_COUNT
};

/* What is wrong with one request whose chain is well formed: the device
 * completes it with its own error status. */
enum virtq_fault {
	VIRTQ_FAULT_NONE = 0,
	VIRTQ_FAULT_ADDR,	/* a buffer is not wholly inside the VM's RAM */
	VIRTQ_FAULT_LEN,	/* the buffers add up to more than 4 GiB */
};

struct virtq_seg {
	uint64_t ipa;
	uint32_t len;
	bool write;		/* device-writable */
};

/* One request: the descriptor chain from avail, copied out. */
struct virtq_chain {
	uint16_t head;		/* its first descriptor, for the used ring */
	uint16_t n;		/* segments */
	enum virtq_fault fault;
	uint64_t bad_ipa;	/* the first buffer outside RAM (VIRTQ_FAULT_ADDR) */
	uint32_t out_len;	/* device-readable bytes, in order */
	uint32_t in_len;	/* device-writable bytes, after them */
	struct virtq_seg seg[VIRTQ_MAX_SIZE];
};

/* Are a queue's size and areas acceptable (QueueReady = 1)? 0, or -1 with
 * *why saying what is wrong and *bad the value (size or address). */
int virtq_check(const struct virtq *q, const struct guest_mem *m, const char **why,
		uint64_t *bad);

/* Take the next available chain: 1 with *c filled, 0 if none is waiting,
 * or -(enum virtq_err) if the ring is broken (nothing taken is valid). */
int virtq_pop(struct virtq *q, const struct guest_mem *m, struct virtq_chain *c);

/* Give a chain back with len bytes written into it. True if the guest
 * wants an interrupt for it (avail->flags lacks NO_INTERRUPT); -1 if the
 * used ring is not inside RAM (the ring is then broken). */
int virtq_push(struct virtq *q, const struct guest_mem *m, uint16_t head, uint32_t len);

/* Copy between a chain and the host: read from its device-readable bytes
 * starting at off, write into its device-writable bytes starting at off
 * (offsets count only that kind). Return the bytes copied, which is short
 * only at the end of that part or at a buffer outside RAM. */
size_t virtq_chain_read(const struct virtq_chain *c, const struct guest_mem *m, uint64_t off,
			void *dst, size_t len);
size_t virtq_chain_write(const struct virtq_chain *c, const struct guest_mem *m, uint64_t off,
			 const void *src, size_t len);

const char *virtq_err_name(enum virtq_err e);

#endif
