/*
 * The split virtqueue, device side (include/virt/virtqueue.h). The guest
 * owns the rings and may rewrite them at any moment, so each index and
 * descriptor is read exactly once into a local and checked there: what
 * was checked is what is used. A chain is walked at most `num` steps, so
 * a loop ends as VIRTQ_ERR_LOOP instead of hanging the vCPU.
 */
#include <virt/virtqueue.h>

#include <string.h>

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* Ordering against the guest: read avail->idx before the entries it
 * covers; write used entries before used->idx. */
#define vq_acquire()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define vq_release()	__atomic_thread_fence(__ATOMIC_RELEASE)

static uint16_t ld16(const void *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
}

static void st16(void *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELAXED);
}

static void st32(void *p, uint32_t v)
{
	__atomic_store_n((uint32_t *)p, v, __ATOMIC_RELAXED);
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static bool area_ok(const struct guest_mem *m, uint64_t ipa, uint64_t len, uint64_t align)
{
	return IS_ALIGNED(ipa, align) && guest_mem_ptr(m, ipa, len);
}

int virtq_check(const struct virtq *q, const struct guest_mem *m, const char **why,
		uint64_t *bad)
{
	*why = NULL;
	*bad = 0;
	if (!is_pow2(q->num) || q->num > VIRTQ_MAX_SIZE) {
		*why = "queue size is not a power of two up to the maximum";
		*bad = q->num;
	/* Alignments of the split ring: 16, 2 and 4 bytes. */
	} else if (!area_ok(m, q->desc, VIRTQ_DESC_BYTES(q->num), 16)) {
		*why = "descriptor table not 16-byte aligned inside RAM";
		*bad = q->desc;
	} else if (!area_ok(m, q->avail, VIRTQ_AVAIL_BYTES(q->num), 2)) {
		*why = "available ring not 2-byte aligned inside RAM";
		*bad = q->avail;
	} else if (!area_ok(m, q->used, VIRTQ_USED_BYTES(q->num), 4)) {
		*why = "used ring not 4-byte aligned inside RAM";
		*bad = q->used;
	}
	return *why ? -1 : 0;
}

static void read_desc(const uint8_t *table, uint16_t i, struct vq_desc *d)
{
	const uint8_t *p = table + 16u * i;

	d->addr = __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
	d->len = __atomic_load_n((const uint32_t *)(p + 8), __ATOMIC_RELAXED);
	d->flags = ld16(p + 12);
	d->next = ld16(p + 14);
}

/* Walk the chain from head into c: VIRTQ_OK or the ring error. */
static enum virtq_err walk(const struct virtq *q, const struct guest_mem *m,
			   const uint8_t *table, uint16_t head, struct virtq_chain *c)
{
	uint64_t out = 0, in = 0;
	bool seen_write = false;
	uint16_t i = head;

	memset(c, 0, offsetof(struct virtq_chain, seg));
	c->head = head;
	for (unsigned steps = 0;; steps++) {
		struct vq_desc d;

		if (steps == q->num)
			return VIRTQ_ERR_LOOP;
		read_desc(table, i, &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT)
			return VIRTQ_ERR_INDIRECT;
		if (d.flags & VIRTQ_DESC_F_WRITE) {
			seen_write = true;
			in += d.len;
		} else if (seen_write) {
			return VIRTQ_ERR_ORDER;
		} else {
			out += d.len;
		}
		if (out + in > UINT32_MAX && !c->fault)
			c->fault = VIRTQ_FAULT_LEN;
		if (!guest_mem_ptr(m, d.addr, d.len) && !c->fault) {
			c->fault = VIRTQ_FAULT_ADDR;
			c->bad_ipa = d.addr;
		}
		c->seg[c->n++] = (struct virtq_seg){ d.addr, d.len, (d.flags & VIRTQ_DESC_F_WRITE) != 0 };
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		if (d.next >= q->num)
			return VIRTQ_ERR_NEXT;
		i = d.next;
	}
	c->out_len = c->fault == VIRTQ_FAULT_LEN ? 0 : (uint32_t)out;
	c->in_len = c->fault == VIRTQ_FAULT_LEN ? 0 : (uint32_t)in;
	return VIRTQ_OK;
}

int virtq_pop(struct virtq *q, const struct guest_mem *m, struct virtq_chain *c)
{
	const uint8_t *avail, *table;
	uint16_t idx, pending, head;
	enum virtq_err e;

	if (!q->ready)
		return 0;
	avail = guest_mem_ptr(m, q->avail, VIRTQ_AVAIL_BYTES(q->num));
	table = guest_mem_ptr(m, q->desc, VIRTQ_DESC_BYTES(q->num));
	if (!avail || !table)
		return -VIRTQ_ERR_RING;
	idx = ld16(avail + 2);
	pending = (uint16_t)(idx - q->last_avail);
	if (!pending)
		return 0;
	if (pending > q->num)
		return -VIRTQ_ERR_AVAIL_IDX;
	vq_acquire();
	head = ld16(avail + 4 + 2u * (q->last_avail & (q->num - 1)));
	if (head >= q->num)
		return -VIRTQ_ERR_HEAD;
	e = walk(q, m, table, head, c);
	if (e)
		return -(int)e;
	q->last_avail++;
	return 1;
}

int virtq_push(struct virtq *q, const struct guest_mem *m, uint16_t head, uint32_t len)
{
	uint8_t *used = guest_mem_ptr(m, q->used, VIRTQ_USED_BYTES(q->num));
	const uint8_t *avail = guest_mem_ptr(m, q->avail, VIRTQ_AVAIL_BYTES(q->num));
	uint8_t *elem;

	if (!used || !avail)
		return -1;
	elem = used + 4 + 8u * (q->used_idx & (q->num - 1));
	st32(elem, head);
	st32(elem + 4, len);
	vq_release();
	st16(used + 2, ++q->used_idx);
	/* The guest's flag is read after used->idx is out (a full barrier:
	 * the guest may set it between). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(ld16(avail) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

/* Copy len bytes at offset off of the chain's readable (write = false) or
 * writable part, in either direction. */
static size_t chain_copy(const struct virtq_chain *c, const struct guest_mem *m, bool writable,
			 uint64_t off, uint8_t *host, size_t len, bool to_guest)
{
	size_t done = 0;

	for (unsigned i = 0; i < c->n && done < len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		uint64_t n;
		uint8_t *g;

		if (s->write != writable)
			continue;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = MIN((uint64_t)s->len - off, (uint64_t)(len - done));
		g = guest_mem_ptr(m, s->ipa + off, n);
		if (!g || s->ipa + off < s->ipa)
			break;
		if (to_guest)
			memcpy(g, host + done, n);
		else
			memcpy(host + done, g, n);
		done += n;
		off = 0;
	}
	return done;
}

size_t virtq_chain_read(const struct virtq_chain *c, const struct guest_mem *m, uint64_t off,
			void *dst, size_t len)
{
	return chain_copy(c, m, false, off, dst, len, false);
}

size_t virtq_chain_write(const struct virtq_chain *c, const struct guest_mem *m, uint64_t off,
			 const void *src, size_t len)
{
	return chain_copy(c, m, true, off, (uint8_t *)src, len, true);
}

const char *virtq_err_name(enum virtq_err e)
{
	static const char *const names[VIRTQ_ERR_COUNT] = {
		[VIRTQ_OK] = "no error",
		[VIRTQ_ERR_RING] = "ring outside RAM",
		[VIRTQ_ERR_AVAIL_IDX] = "available index more than the queue size ahead",
		[VIRTQ_ERR_HEAD] = "available entry names no descriptor",
		[VIRTQ_ERR_NEXT] = "descriptor's next names no descriptor",
		[VIRTQ_ERR_LOOP] = "descriptor chain longer than the queue (a loop)",
		[VIRTQ_ERR_INDIRECT] = "indirect descriptor, not negotiated",
		[VIRTQ_ERR_ORDER] = "device-readable buffer after a writable one",
	};

	return (unsigned)e < VIRTQ_ERR_COUNT ? names[e] : "?";
}
