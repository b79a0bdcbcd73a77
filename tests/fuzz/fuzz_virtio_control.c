/*
 * Fuzz target for the control channel's device side
 * (virt/devices/virtio_control.c) on the real transport: a guest that
 * writes descriptors anywhere (inside, across the edge of, outside its
 * RAM; any length and flags) with any bytes in them, offers them on either
 * queue, notifies, resets and brings the device up again, while the
 * executor takes requests and answers with any number of bytes. Guest RAM
 * is a heap buffer of exactly its size, so AddressSanitizer stops any
 * access outside it. Checked:
 *   - a request handed to the executor is 1..1024 bytes of printable ASCII
 *     or tabs, with no line end;
 *   - at most CTL_REQ_DEPTH requests wait, at most CTL_ANS_SIZE answer
 *     bytes wait, and none of either survives a reset;
 *   - an answer after a reset is dropped (the generation moved).
 */
#include <string.h>

#include <virt/virtio_control.h>
#include "fuzz_input.h"

#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	0x10000ULL
#define QSIZE		16
#define DESC(q)		(RAM_BASE + (q) * 0x1000ULL)
#define AVAIL(q)	(DESC(q) + 0x400)
#define USED(q)		(DESC(q) + 0x800)
#define DATA		(RAM_BASE + 0x2000)
#define MAX_STEPS	256

static uint8_t *ram;
static struct virtio_mmio t;
static struct ctl_chan chan;

static void host_irq(struct virtio_mmio *tr, bool level) { }
static void host_warn(struct virtio_mmio *tr, enum virtio_warn why, const char *what, uint64_t v) { }
static const struct virtio_host_ops host = { .set_irq = host_irq, .warn = host_warn };

static void wr(uint64_t off, uint32_t v)
{
	uint64_t val = v;

	virtio_mmio_access(&t, off, 4, true, &val);
}

static void bring_up(void)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VERSION_1 */
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

static uint8_t *at(uint64_t ipa)
{
	return ram + (ipa - RAM_BASE);
}

static uint64_t pick_addr(struct fuzz_in *in)
{
	switch (fuzz_u8(in) % 4) {
	case 0: return RAM_BASE + RAM_SIZE - (fuzz_u16(in) % 2048);	/* across the end */
	case 1: return fuzz_u64(in);					/* anywhere */
	default: return DATA + fuzz_u16(in) % (RAM_SIZE - (DATA - RAM_BASE));
	}
}

static void put_desc(struct fuzz_in *in)
{
	unsigned q = fuzz_u8(in) & 1;
	uint16_t i = fuzz_u8(in) % QSIZE;
	uint64_t addr = pick_addr(in);
	uint32_t len = fuzz_u8(in) & 1 ? fuzz_u16(in) % 1024 : fuzz_u32(in);
	uint16_t flags = fuzz_u8(in) & 7, next = fuzz_u8(in) % (QSIZE + 2);
	uint8_t *p = at(DESC(q)) + 16u * i;

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

/* Guest bytes into the data area: text-like most of the time. */
static void fill(struct fuzz_in *in)
{
	uint16_t off = fuzz_u16(in) % (RAM_SIZE - (DATA - RAM_BASE) - 64);
	uint8_t kind = fuzz_u8(in);

	for (unsigned i = 0; i < 64; i++) {
		uint8_t b = fuzz_u8(in);

		at(DATA)[off + i] = (kind & 1) ? b : (b % 8 == 0 ? '\n' : 'a' + b % 26);
	}
}

static void offer(struct fuzz_in *in)
{
	unsigned q = fuzz_u8(in) & 1;
	uint16_t head = fuzz_u8(in) % (QSIZE + 1), idx;
	uint8_t *avail = at(AVAIL(q));

	memcpy(&idx, avail + 2, 2);
	memcpy(avail + 4 + 2 * (idx % QSIZE), &head, 2);
	idx++;
	memcpy(avail + 2, &idx, 2);
}

static void take_and_answer(struct fuzz_in *in)
{
	static char answer[CTL_ANS_SIZE + 64];
	char line[CTL_LINE_MAX + 1];
	size_t n = fuzz_u16(in) % sizeof(answer);
	uint32_t gen;

	if (!ctl_take_request(&chan, line, &gen))
		return;
	n = strlen(line);
	FUZZ_CHECK(n >= 1 && n <= CTL_LINE_MAX, "request of %zu bytes", n);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK((line[i] >= 0x20 && line[i] <= 0x7e) || line[i] == '\t',
			   "byte 0x%02x in a request", (uint8_t)line[i]);
	if (fuzz_u8(in) % 4 == 0) {
		wr(VIRTIO_MMIO_STATUS, 0);	/* the driver resets meanwhile */
		ctl_answer(&t, gen, answer, n);
		FUZZ_CHECK(chan.ans_head == chan.ans_tail, "an answer outlived a reset");
		bring_up();
		return;
	}
	if (!answer[0])
		memset(answer, 'r', sizeof(answer));
	ctl_answer(&t, gen, answer, fuzz_u16(in) % sizeof(answer));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_mem mem = { RAM_BASE, RAM_SIZE, NULL };
	struct fuzz_in in = { data, size };

	if (!ram)
		ram = malloc(RAM_SIZE);
	memset(ram, 0, RAM_SIZE);
	mem.host = ram;
	ctl_chan_setup(&chan, NULL, NULL);
	virtio_mmio_init(&t, &virtio_control_ops, &chan, &host, NULL, &mem);
	bring_up();
	for (unsigned step = 0; step < MAX_STEPS && in.left; step++) {
		switch (fuzz_u8(&in) % 7) {
		case 0: put_desc(&in); break;
		case 1: fill(&in); break;
		case 2: offer(&in); break;
		case 3: wr(VIRTIO_MMIO_QUEUE_NOTIFY, fuzz_u8(&in) % 3); break;
		case 4: take_and_answer(&in); break;
		case 5:
			wr(VIRTIO_MMIO_STATUS, 0);
			FUZZ_CHECK(chan.req_head == chan.req_tail, "requests outlived a reset");
			bring_up();
			break;
		default: wr(VIRTIO_MMIO_INTERRUPT_ACK, 3); break;
		}
		FUZZ_CHECK(chan.req_head - chan.req_tail <= CTL_REQ_DEPTH, "%u requests wait",
			   chan.req_head - chan.req_tail);
		FUZZ_CHECK(chan.ans_head - chan.ans_tail <= CTL_ANS_SIZE, "%u answer bytes wait",
			   chan.ans_head - chan.ans_tail);
	}
	return 0;
}
