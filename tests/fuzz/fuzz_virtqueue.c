/*
 * Fuzz target for the virtio-mmio transport and the split virtqueue
 * (virt/devices/virtio_mmio_regs.c, virt/virtqueue.c): a guest that
 * writes any register, any bytes of its RAM (rings included), any
 * descriptor and avail entry, and notifies at will, against an echo back
 * end. Guest RAM is a heap buffer of exactly its size, so AddressSanitizer
 * stops any access outside it. Checked after each step:
 *   - a chain handed to the back end is well formed: 1..num segments,
 *     readable ones first, lengths that add up to out_len/in_len, each
 *     buffer inside RAM unless the chain says it faults;
 *   - notify reaches the back end only for a ready queue with DRIVER_OK
 *     and DEVICE_NEEDS_RESET clear;
 *   - a ready queue's size is a power of two up to QueueNumMax and its
 *     areas pass virtq_check();
 *   - FEATURES_OK only with VERSION_1 and nothing beyond what is offered;
 *   - the interrupt line is InterruptStatus != 0;
 *   - no more than one transport warning per guest access, each a known
 *     reason.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <virt/virtio.h>
#include "fuzz_input.h"

#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	0x8000ULL
#define MAX_STEPS	512
#define QUEUE_MAX	64

static uint8_t *ram;
static struct virtio_mmio t;
static bool line;
static unsigned step_warns, notifies;
static uint8_t config[12];

static void check_chain(const struct virtio_mmio *tr, const struct virtq *q,
			const struct virtq_chain *c)
{
	uint64_t out = 0, in = 0;
	bool seen_write = false;

	FUZZ_CHECK(c->n >= 1 && c->n <= q->num, "chain of %u in a queue of %u", c->n, q->num);
	FUZZ_CHECK(c->head < q->num, "head %u", c->head);
	for (unsigned i = 0; i < c->n; i++) {
		const struct virtq_seg *s = &c->seg[i];

		FUZZ_CHECK(!seen_write || s->write, "readable segment %u after a writable one", i);
		seen_write |= s->write;
		if (s->write)
			in += s->len;
		else
			out += s->len;
		if (c->fault == VIRTQ_FAULT_NONE)
			FUZZ_CHECK(guest_mem_ptr(&tr->mem, s->ipa, s->len),
				   "segment %u 0x%llx+0x%x outside RAM, no fault", i,
				   (unsigned long long)s->ipa, s->len);
	}
	if (c->fault == VIRTQ_FAULT_LEN)
		FUZZ_CHECK(out + in > UINT32_MAX, "length fault for %llu bytes",
			   (unsigned long long)(out + in));
	else
		FUZZ_CHECK(out == c->out_len && in == c->in_len, "lengths %u/%u, want %llu/%llu",
			   c->out_len, c->in_len, (unsigned long long)out, (unsigned long long)in);
}

static void echo_notify(struct virtio_mmio *tr, unsigned queue)
{
	static struct virtq_chain c;
	static uint8_t buf[4096];

	FUZZ_CHECK(queue < tr->ops->n_queues && tr->q[queue].ready, "notify of queue %u", queue);
	FUZZ_CHECK((tr->status & VIRTIO_STATUS_DRIVER_OK) &&
		   !(tr->status & VIRTIO_STATUS_NEEDS_RESET), "notify with status 0x%x",
		   tr->status);
	notifies++;
	for (unsigned n = 0; n < 2 * QUEUE_MAX && virtio_queue_pop(tr, queue, &c) == 1; n++) {
		size_t len = 0;

		check_chain(tr, &tr->q[queue], &c);
		if (c.fault == VIRTQ_FAULT_NONE) {
			len = virtq_chain_read(&c, &tr->mem, 0, buf, MIN(sizeof(buf), c.out_len));
			len = virtq_chain_write(&c, &tr->mem, 0, buf, len);
		} else {
			virtio_warn(tr, VIRTIO_WARN_REQUEST, "echo request faults", c.fault);
		}
		virtio_queue_push(tr, queue, c.head, (uint32_t)len);
	}
}

static uint32_t echo_config_read(struct virtio_mmio *tr, uint32_t off, unsigned size)
{
	FUZZ_CHECK(off + size <= sizeof(config) && size <= 4, "config read %u+%u", off, size);
	return virtio_config_bytes(config, sizeof(config), off, size);
}

static bool echo_config_write(struct virtio_mmio *tr, uint32_t off, unsigned size, uint32_t v)
{
	FUZZ_CHECK(off + size <= sizeof(config) && size <= 4, "config write %u+%u", off, size);
	if (off >= 8)
		return false;
	memcpy(config + off, &v, size);
	return true;
}

static const struct virtio_dev_ops echo_ops = {
	.name = "echo", .device_id = 42, .features = 1ULL << 1 | 1ULL << 35,
	.n_queues = 2, .queue_max = QUEUE_MAX, .config_size = sizeof(config),
	.config_read = echo_config_read, .config_write = echo_config_write,
	.notify = echo_notify, .reset = NULL,
};

static void host_irq(struct virtio_mmio *tr, bool level)
{
	FUZZ_CHECK(level != line, "irq %d reported twice", level);
	line = level;
}

static void host_warn(struct virtio_mmio *tr, enum virtio_warn why, const char *what,
		      uint64_t val)
{
	FUZZ_CHECK(why < VIRTIO_WARN_COUNT && what, "warning %d", why);
	/* The echo's own, one per faulting request, are not the transport's. */
	if (why != VIRTIO_WARN_REQUEST)
		step_warns++;
}

static const struct virtio_host_ops host = { host_irq, host_warn, NULL };

static void check_state(void)
{
	uint64_t offered = echo_ops.features | VIRTIO_F_VERSION_1;

	FUZZ_CHECK(line == (t.isr != 0), "line %d with ISR 0x%x", line, t.isr);
	if (t.status & VIRTIO_STATUS_FEATURES_OK)
		FUZZ_CHECK(!(t.drv_features & ~offered) && (t.drv_features & VIRTIO_F_VERSION_1),
			   "FEATURES_OK with 0x%llx", (unsigned long long)t.drv_features);
	if (t.status & VIRTIO_STATUS_DRIVER_OK)
		FUZZ_CHECK(t.status & VIRTIO_STATUS_FEATURES_OK, "DRIVER_OK without FEATURES_OK");
	for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		const struct virtq *q = &t.q[i];
		const char *why;
		uint64_t bad;

		if (!q->ready)
			continue;
		FUZZ_CHECK(i < echo_ops.n_queues, "queue %u ready", i);
		FUZZ_CHECK(q->num <= QUEUE_MAX && !virtq_check(q, &t.mem, &why, &bad),
			   "queue %u ready with size %u: %s", i, q->num, why ? why : "");
	}
}

static void reg_write(uint64_t off, uint32_t v)
{
	uint64_t val = v;

	FUZZ_CHECK(virtio_mmio_access(&t, off, 4, true, &val) == 0, "write 0x%llx",
		   (unsigned long long)off);
}

/* A driver's whole bring-up of one queue, with fuzzed values. */
static void step_bring_up(struct fuzz_in *in)
{
	uint32_t feat_lo = fuzz_u8(in) & 1 ? 0 : fuzz_u32(in);
	uint32_t feat_hi = fuzz_u8(in) & 1 ? 1 : fuzz_u32(in);
	uint8_t sel = fuzz_u8(in) & 3;
	uint32_t num = fuzz_u8(in) & 1 ? 1u << (fuzz_u8(in) % 8) : fuzz_u16(in);
	uint64_t desc = RAM_BASE + (fuzz_u16(in) & 0x7ff0);
	uint64_t avail = RAM_BASE + (fuzz_u16(in) & 0x7ffe);
	uint64_t used = RAM_BASE + (fuzz_u16(in) & 0x7ffc);

	if (fuzz_u8(in) & 1)
		reg_write(VIRTIO_MMIO_STATUS, 0);
	reg_write(VIRTIO_MMIO_STATUS, 3);
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES, feat_lo);
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES, feat_hi);
	reg_write(VIRTIO_MMIO_STATUS, 0xb);
	reg_write(VIRTIO_MMIO_QUEUE_SEL, sel);
	reg_write(VIRTIO_MMIO_QUEUE_NUM, num);
	reg_write(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	reg_write(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	reg_write(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	reg_write(VIRTIO_MMIO_QUEUE_READY, 1);
	reg_write(VIRTIO_MMIO_STATUS, 0xf);
}

static void step_register(struct fuzz_in *in, bool write)
{
	static const unsigned sizes[4] = { 1, 2, 4, 8 };
	uint8_t how = fuzz_u8(in);
	uint64_t off = how & 0x80 ? fuzz_u16(in) % (VIRTIO_MMIO_SIZE + 8) : (how & 0x3f) * 4u;
	unsigned size = how & 0x40 ? sizes[fuzz_u8(in) & 3] : 4;
	uint64_t val = fuzz_u32(in);
	int ret = virtio_mmio_access(&t, off, size, write, &val);

	FUZZ_CHECK(ret == 0 || ret == -EINVAL, "access returned %d", ret);
	if (!write && ret == 0 && off < VIRTIO_MMIO_CONFIG)
		FUZZ_CHECK(val <= UINT32_MAX, "register read 0x%llx", (unsigned long long)val);
}

/* Descriptors and avail entries of the selected queue, where it is. */
static uint8_t *ring_at(uint64_t ipa, uint64_t len)
{
	return guest_mem_ptr(&t.mem, ipa, len);
}

static void step_descriptor(struct fuzz_in *in)
{
	const struct virtq *q = &t.q[fuzz_u8(in) & 1];
	uint16_t i = fuzz_u8(in) % (q->num ? q->num : 1);
	uint8_t kind = fuzz_u8(in);
	uint64_t addr = kind & 1 ? RAM_BASE + fuzz_u16(in) % RAM_SIZE : fuzz_u64(in);
	uint32_t len = kind & 2 ? fuzz_u16(in) % 512 : fuzz_u32(in);
	uint16_t flags = fuzz_u8(in) & 7, next = fuzz_u8(in);
	uint8_t *p = ring_at(q->desc + 16ULL * i, 16);

	if (!p)
		return;
	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

static void step_offer(struct fuzz_in *in)
{
	const struct virtq *q = &t.q[fuzz_u8(in) & 1];
	uint16_t head = fuzz_u8(in) & 1 ? fuzz_u16(in) : fuzz_u8(in) % (q->num ? q->num : 1);
	uint8_t *avail = ring_at(q->avail, 4 + 2ULL * (q->num ? q->num : 1));
	uint16_t idx;

	if (!avail || !q->num)
		return;
	memcpy(&idx, avail + 2, 2);
	memcpy(avail + 4 + 2 * (idx % q->num), &head, 2);
	idx += fuzz_u8(in) & 0x80 ? fuzz_u8(in) : 1;
	memcpy(avail + 2, &idx, 2);
}

static void step_poke(struct fuzz_in *in)
{
	uint16_t off = fuzz_u16(in) % (RAM_SIZE - 8);
	uint64_t v = fuzz_u64(in);

	memcpy(ram + off, &v, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct guest_mem mem = { RAM_BASE, RAM_SIZE, NULL };

	if (!ram)
		ram = malloc(RAM_SIZE);
	memset(ram, 0, RAM_SIZE);
	mem.host = ram;
	line = false;
	memset(config, 0, sizeof(config));
	virtio_mmio_init(&t, &echo_ops, NULL, &host, NULL, &mem);
	for (unsigned s = 0; s < MAX_STEPS && in.left; s++) {
		uint8_t op = fuzz_u8(&in) % 8;

		step_warns = 0;
		switch (op) {
		case 0: step_bring_up(&in); break;
		case 1: step_register(&in, true); break;
		case 2: step_register(&in, false); break;
		case 3: step_descriptor(&in); break;
		case 4: step_offer(&in); break;
		case 5: step_poke(&in); break;
		default: reg_write(VIRTIO_MMIO_QUEUE_NOTIFY, fuzz_u8(&in) % 3); break;
		}
		/* The bring-up is 14 writes; any other single access gets at
		 * most one warning from the transport (a write to QueueNotify
		 * may also bring one per faulting request from the echo). */
		if (op != 0 && op < 6)
			FUZZ_CHECK(step_warns <= 1, "%u warnings for one access", step_warns);
		check_state();
	}
	return 0;
}
