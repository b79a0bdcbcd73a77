/*
 * virtio-blk (virtio 1.x, "Block Device") backed by a read-only image in
 * the boot bundle, copy-on-write: a written 4 KiB chunk is copied into a
 * host page owned by the device and kept there; a reset drops every page,
 * so a restarted VM sees the pristine image. The request handling
 * (virt/devices/virtio_blk.c) takes its pages through callbacks, so it
 * compiles on the host (tests/unit/test_virtio_blk.c); virtio_blk_vm.c
 * makes one from a VM config.
 */
#ifndef VIRT_VIRTIO_BLK_H
#define VIRT_VIRTIO_BLK_H

#include <virt/virtio.h>

#define VIRTIO_BLK_SECTOR	512
#define VIRTIO_BLK_CHUNK	4096
#define VIRTIO_BLK_QUEUE	128
#define VIRTIO_BLK_ID_LEN	20
/* Offered as size_max and seg_max: a driver never builds a request with
 * more data than their product, and one that does gets IOERR. */
#define VIRTIO_BLK_SIZE_MAX	(64u * 1024)
#define VIRTIO_BLK_SEG_MAX	(VIRTIO_BLK_QUEUE - 2)	/* header and status take two */
#define VIRTIO_BLK_REQ_MAX	((uint64_t)VIRTIO_BLK_SIZE_MAX * VIRTIO_BLK_SEG_MAX)

/* Request types and status values (5.2.6). */
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8
#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

/* Feature bits offered. */
#define VIRTIO_BLK_F_SIZE_MAX	(1ULL << 1)
#define VIRTIO_BLK_F_SEG_MAX	(1ULL << 2)
#define VIRTIO_BLK_F_RO		(1ULL << 5)
#define VIRTIO_BLK_F_BLK_SIZE	(1ULL << 6)
#define VIRTIO_BLK_F_FLUSH	(1ULL << 9)

struct virtio_blk {
	const uint8_t *image;		/* the bundle's bytes, never written */
	uint64_t image_size;
	uint64_t capacity;		/* sectors: image_size / 512 */
	bool read_only;
	char id[VIRTIO_BLK_ID_LEN];	/* GET_ID's answer, NUL-padded */
	uint8_t **chunk;		/* n_chunks: a written chunk's copy, or NULL */
	uint64_t n_chunks;
	uint64_t chunks_held;
	void *(*chunk_alloc)(void);	/* VIRTIO_BLK_CHUNK bytes, NULL when none */
	void (*chunk_free)(void *p);
	/* The written-chunk quota, shared by the VM's disks (NULL: none):
	 * *quota_held counts their chunks (atomically), at most quota_chunks. */
	uint64_t *quota_held;
	uint64_t quota_chunks;
	uint64_t reads, writes, flushes, errors;	/* requests since the last reset */
	struct virtq_chain chain;	/* the request being served */
};

/* b's chunk table (n_chunks = DIV_ROUND_UP(size, VIRTIO_BLK_CHUNK)
 * entries, zeroed) and page callbacks are the caller's. */
void virtio_blk_setup(struct virtio_blk *b, const void *image, uint64_t size, bool read_only,
		      const char *id, uint8_t **chunk_table, void *(*chunk_alloc)(void),
		      void (*chunk_free)(void *p));
/* The ops for a writable or a read-only disk (t->dev is the virtio_blk). */
const struct virtio_dev_ops *virtio_blk_ops(bool read_only);
/* Give back every written chunk (the reset does it too). */
void virtio_blk_drop_writes(struct virtio_blk *b);

#endif
