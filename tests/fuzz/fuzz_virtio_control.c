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
#include "fuzz_virtio_guest.h"

#define MAX_STEPS	256

static void bring_up(void)
{
	bring_up_with(VIRTIO_F_VERSION_1);
}

static void put_desc(struct fuzz_in *in)
{
	put_desc_upto(in, 1024);
}

static struct ctl_chan chan;

static void host_irq(struct virtio_mmio *tr, bool level) { }
static void host_warn(struct virtio_mmio *tr, enum virtio_warn why, const char *what, uint64_t v) { }
static const struct virtio_host_ops host = { .set_irq = host_irq, .warn = host_warn };

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
