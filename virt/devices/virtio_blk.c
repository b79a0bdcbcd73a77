/*
 * The virtio-blk back end (include/virt/virtio_blk.h): read, write, flush
 * and get-id on an image that is never written. Sectors written land in
 * per-chunk copies (the chunk filled from the image first); reads take
 * each chunk from its copy if there is one, else from the image.
 *
 * Every request is checked before anything moves: a buffer outside RAM
 * or lengths past 4 GiB (the chain's fault), a short header, a data
 * length that is not whole sectors, sectors past the end, a write to a
 * read-only disk, no memory left for a copy, more data than size_max x
 * seg_max (VIRTIO_BLK_REQ_MAX): VIRTIO_BLK_S_IOERR and one rate-limited
 * line. An unknown type gets VIRTIO_BLK_S_UNSUPP.
 *
 * Bounded: a request moves at most VIRTIO_BLK_REQ_MAX bytes; a notify
 * round stops taking requests after VIRTIO_ROUND_BYTES and asks for
 * another (include/virt/virtio.h), and takes none once the VM is stopping.
 */
#include <virt/virtio_blk.h>

#include <string.h>

struct blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct blk_config {
	uint64_t capacity;
	uint32_t size_max;
	uint32_t seg_max;
	uint16_t cylinders;
	uint8_t heads;
	uint8_t sectors;
	uint32_t blk_size;
};

_Static_assert(sizeof(struct blk_config) == 24, "virtio_blk_config up to blk_size");

static struct virtio_blk *blk_of(struct virtio_mmio *t)
{
	return t->dev;
}

static uint8_t refuse(struct virtio_mmio *t, struct virtio_blk *b, const char *what,
		      uint64_t val)
{
	b->errors++;
	virtio_warn(t, VIRTIO_WARN_REQUEST, what, val);
	return VIRTIO_BLK_S_IOERR;
}

/* Are `len` bytes from `sector` whole sectors inside the disk? */
static bool range_ok(const struct virtio_blk *b, uint64_t sector, uint64_t len)
{
	return len % VIRTIO_BLK_SECTOR == 0 && sector <= b->capacity &&
	       len / VIRTIO_BLK_SECTOR <= b->capacity - sector;
}

/* The image's bytes of chunk k (the last chunk may be short). */
static uint64_t chunk_image_len(const struct virtio_blk *b, uint64_t k)
{
	uint64_t at = k * VIRTIO_BLK_CHUNK;

	return at >= b->image_size ? 0 : MIN((uint64_t)VIRTIO_BLK_CHUNK, b->image_size - at);
}

static uint8_t blk_read(struct virtio_mmio *t, struct virtio_blk *b, uint64_t sector,
			uint32_t *used)
{
	const struct virtq_chain *c = &b->chain;
	uint64_t len = c->in_len - 1, pos = 0, at = sector * VIRTIO_BLK_SECTOR;

	if (len > VIRTIO_BLK_REQ_MAX)
		return refuse(t, b, "read larger than size_max x seg_max", len);
	if (!range_ok(b, sector, len))
		return refuse(t, b, "read past the end or not whole sectors", sector);
	while (pos < len) {
		uint64_t k = (at + pos) / VIRTIO_BLK_CHUNK, o = (at + pos) % VIRTIO_BLK_CHUNK;
		uint64_t n = MIN(len - pos, VIRTIO_BLK_CHUNK - o);
		const uint8_t *src = b->chunk[k] ? b->chunk[k] + o : b->image + at + pos;

		/* Chunks never written are one run of the image: one copy. */
		while (!b->chunk[k] && pos + n < len && !b->chunk[k + 1]) {
			n = MIN(len - pos, n + VIRTIO_BLK_CHUNK);
			k++;
		}
		if (virtq_chain_write(c, &t->mem, pos, src, n) != n)
			return refuse(t, b, "read into a buffer outside RAM", pos);
		pos += n;
	}
	*used = (uint32_t)len;
	b->reads++;
	return VIRTIO_BLK_S_OK;
}

/* One more written chunk for the VM, if its quota has room. */
static bool quota_take(struct virtio_blk *b)
{
	if (!b->quota_held)
		return true;
	if (__atomic_add_fetch(b->quota_held, 1, __ATOMIC_RELAXED) <= b->quota_chunks)
		return true;
	__atomic_sub_fetch(b->quota_held, 1, __ATOMIC_RELAXED);
	return false;
}

static void quota_give(struct virtio_blk *b)
{
	if (b->quota_held)
		__atomic_sub_fetch(b->quota_held, 1, __ATOMIC_RELAXED);
}

/* Chunk k's own copy, made from the image on first use; NULL with *why
 * if the VM's quota is used up or no page is left. */
static uint8_t *chunk_copy(struct virtio_blk *b, uint64_t k, const char **why)
{
	uint8_t *p = b->chunk[k];
	uint64_t n;

	if (p)
		return p;
	if (!quota_take(b)) {
		*why = "written sectors over the VM's block-write-quota";
		return NULL;
	}
	p = b->chunk_alloc();
	if (!p) {
		quota_give(b);
		*why = "no host memory left for written sectors";
		return NULL;
	}
	n = chunk_image_len(b, k);
	guest_copy(p, b->image + k * VIRTIO_BLK_CHUNK, n);
	memset(p + n, 0, VIRTIO_BLK_CHUNK - n);
	b->chunk[k] = p;
	b->chunks_held++;
	return p;
}

static uint8_t blk_write(struct virtio_mmio *t, struct virtio_blk *b, uint64_t sector,
			 uint32_t *moved)
{
	const struct virtq_chain *c = &b->chain;
	uint64_t len = c->out_len - sizeof(struct blk_req_hdr), pos = 0;
	uint64_t at = sector * VIRTIO_BLK_SECTOR;

	if (b->read_only)
		return refuse(t, b, "write to a read-only disk", sector);
	if (len > VIRTIO_BLK_REQ_MAX)
		return refuse(t, b, "write larger than size_max x seg_max", len);
	if (!range_ok(b, sector, len))
		return refuse(t, b, "write past the end or not whole sectors", sector);
	while (pos < len) {
		uint64_t k = (at + pos) / VIRTIO_BLK_CHUNK, o = (at + pos) % VIRTIO_BLK_CHUNK;
		uint64_t n = MIN(len - pos, VIRTIO_BLK_CHUNK - o);
		const char *why = NULL;
		uint8_t *dst = chunk_copy(b, k, &why);

		if (!dst)
			return refuse(t, b, why, k);
		if (virtq_chain_read(c, &t->mem, sizeof(struct blk_req_hdr) + pos, dst + o, n) != n)
			return refuse(t, b, "write from a buffer outside RAM", pos);
		pos += n;
	}
	*moved = (uint32_t)len;
	b->writes++;
	return VIRTIO_BLK_S_OK;
}

static uint8_t blk_get_id(struct virtio_mmio *t, struct virtio_blk *b, uint32_t *used)
{
	uint32_t n = MIN((uint32_t)VIRTIO_BLK_ID_LEN, b->chain.in_len - 1);

	if (virtq_chain_write(&b->chain, &t->mem, 0, b->id, n) != n)
		return refuse(t, b, "id into a buffer outside RAM", n);
	*used = n;
	return VIRTIO_BLK_S_OK;
}

/* Serve one request: the data bytes it moved. */
static uint32_t blk_request(struct virtio_mmio *t, struct virtio_blk *b, unsigned queue)
{
	const struct virtq_chain *c = &b->chain;
	struct blk_req_hdr h;
	uint32_t used = 0, moved = 0;
	uint8_t status;

	if (c->in_len < 1) {
		/* Nowhere to put a status: give the chain back empty. */
		refuse(t, b, c->fault == VIRTQ_FAULT_LEN ? "request lengths past 4 GiB"
							  : "request without a status byte",
		       c->head);
		virtio_queue_push(t, queue, c->head, 0);
		return 0;
	}
	if (c->fault == VIRTQ_FAULT_ADDR)
		status = refuse(t, b, "request buffer outside RAM", c->bad_ipa);
	else if (c->out_len < sizeof(h) ||
		 virtq_chain_read(c, &t->mem, 0, &h, sizeof(h)) != sizeof(h))
		status = refuse(t, b, "request header short", c->out_len);
	else if (h.type == VIRTIO_BLK_T_IN)
		status = blk_read(t, b, h.sector, &used);
	else if (h.type == VIRTIO_BLK_T_OUT)
		status = blk_write(t, b, h.sector, &moved);
	else if (h.type == VIRTIO_BLK_T_FLUSH)
		status = (b->flushes++, VIRTIO_BLK_S_OK);	/* RAM: nothing to make durable */
	else if (h.type == VIRTIO_BLK_T_GET_ID)
		status = blk_get_id(t, b, &used);
	else
		status = VIRTIO_BLK_S_UNSUPP;
	if (status != VIRTIO_BLK_S_OK)
		used = 0;
	if (virtq_chain_write(c, &t->mem, c->in_len - 1, &status, 1) == 1)
		used++;
	virtio_queue_push(t, queue, c->head, used);
	return MAX(used, moved);
}

static void blk_notify(struct virtio_mmio *t, unsigned queue)
{
	struct virtio_blk *b = blk_of(t);
	uint64_t moved = 0;

	/* At most num requests can be waiting; any beyond twice that were
	 * made available after this notify and come with their own. */
	for (unsigned n = 0; n < 2 * VIRTIO_BLK_QUEUE; n++) {
		if (virtio_stopping(t))
			return;
		if (moved >= VIRTIO_ROUND_BYTES) {
			virtio_notify_again(t, queue);
			return;
		}
		if (virtio_queue_pop(t, queue, &b->chain) != 1)
			return;
		moved += blk_request(t, b, queue);
	}
}

static uint32_t blk_config_read(struct virtio_mmio *t, uint32_t off, unsigned size)
{
	const struct virtio_blk *b = blk_of(t);
	struct blk_config cfg = {
		.capacity = b->capacity,
		.size_max = VIRTIO_BLK_SIZE_MAX,
		.seg_max = VIRTIO_BLK_SEG_MAX,
		.blk_size = VIRTIO_BLK_SECTOR,
	};

	return virtio_config_bytes(&cfg, sizeof(cfg), off, size);
}

void virtio_blk_drop_writes(struct virtio_blk *b)
{
	for (uint64_t k = 0; k < b->n_chunks && b->chunks_held; k++)
		if (b->chunk[k]) {
			b->chunk_free(b->chunk[k]);
			b->chunk[k] = NULL;
			b->chunks_held--;
			quota_give(b);
		}
}

static void blk_reset(struct virtio_mmio *t)
{
	struct virtio_blk *b = blk_of(t);

	if (!b)
		return;		/* virtio_mmio_init() before the disk is set up */
	virtio_blk_drop_writes(b);
	b->reads = b->writes = b->flushes = b->errors = 0;
}

#define BLK_OPS(ro)								\
	{									\
		.name = "blk", .device_id = VIRTIO_ID_BLOCK,			\
		.features = VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX |	\
			    VIRTIO_BLK_F_BLK_SIZE |				\
			    VIRTIO_BLK_F_FLUSH | ((ro) ? VIRTIO_BLK_F_RO : 0),	\
		.n_queues = 1, .queue_max = VIRTIO_BLK_QUEUE,			\
		.config_size = sizeof(struct blk_config),			\
		.config_read = blk_config_read, .config_write = NULL,		\
		.notify = blk_notify, .reset = blk_reset,			\
	}

static const struct virtio_dev_ops blk_ops_rw = BLK_OPS(false);
static const struct virtio_dev_ops blk_ops_ro = BLK_OPS(true);

const struct virtio_dev_ops *virtio_blk_ops(bool read_only)
{
	return read_only ? &blk_ops_ro : &blk_ops_rw;
}

void virtio_blk_setup(struct virtio_blk *b, const void *image, uint64_t size, bool read_only,
		      const char *id, uint8_t **chunk_table, void *(*chunk_alloc)(void),
		      void (*chunk_free)(void *p))
{
	memset(b, 0, offsetof(struct virtio_blk, chain));
	b->image = image;
	b->image_size = size;
	b->capacity = size / VIRTIO_BLK_SECTOR;
	b->read_only = read_only;
	strncpy(b->id, id, sizeof(b->id));	/* NUL-padded, unterminated if 20 */
	b->chunk = chunk_table;
	b->n_chunks = DIV_ROUND_UP(size, VIRTIO_BLK_CHUNK);
	b->chunk_alloc = chunk_alloc;
	b->chunk_free = chunk_free;
}
