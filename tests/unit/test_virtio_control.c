/*
 * Unit tests for virt/devices/virtio_control.c behind the real transport:
 * request lines from the transmit queue reach the executor whole, one per
 * line, across buffers and chains; answers go out through the receive
 * buffers the guest posts, and wait for them; over-long lines, binary bytes
 * and a flood of requests each get an error status line and never more
 * than CTL_REQ_DEPTH requests wait; a reset drops a late answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <virt/virtio_control.h>
#include <stdio.h>

#include "virtio_guest_queues.h"

static struct ctl_chan chan;
static unsigned wakes, warns;

static void wake(void *ctx)
{
	assert_ptr_equal(ctx, &chan);
	wakes++;
}

static void host_irq(struct virtio_mmio *tr, bool level) { }

static void host_warn(struct virtio_mmio *tr, enum virtio_warn why, const char *what,
		      uint64_t val)
{
	warns++;
}

static const struct virtio_host_ops host = { .set_irq = host_irq, .warn = host_warn };

static int setup(void **state)
{
	wakes = warns = 0;
	ctl_chan_setup(&chan, wake, &chan);
	vq_setup(&virtio_control_ops, &chan, &host);
	return 0;
}

static int teardown(void **state)
{
	free(ram);
	return 0;
}

static uint16_t tx_desc, rx_desc;

/* The guest writes s as one chain of one buffer on the transmit queue. */
static void send(const char *s, size_t n)
{
	uint64_t buf = DATA + 0x400 * (tx_desc % 16);

	assert_true(n <= 0x400);
	memcpy(at(buf), s, n);
	put_desc(CTL_TX, tx_desc % QNUM, buf, (uint32_t)n, 0, 0);
	offer(CTL_TX, tx_desc % QNUM);
	tx_desc++;
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, CTL_TX);
}

static void sends(const char *s)
{
	send(s, strlen(s));
}

/* The guest posts a receive buffer of len bytes; returns its address. */
static uint64_t post_rx(uint32_t len)
{
	uint64_t buf = DATA + 0x8000 + 0x1000 * (rx_desc % 8);

	memset(at(buf), 0, 0x1000);
	put_desc(CTL_RX, rx_desc % QNUM, buf, len, VIRTQ_DESC_F_WRITE, 0);
	offer(CTL_RX, rx_desc % QNUM);
	rx_desc++;
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, CTL_RX);
	return buf;
}

static char *take(void)
{
	static char line[CTL_LINE_MAX + 1];
	uint32_t gen;

	return ctl_take_request(&chan, line, &gen) ? line : NULL;
}

static void test_lines_across_buffers(void **state)
{
	tx_desc = rx_desc = 0;
	sends("vm li");
	assert_null(take());
	sends("st\r\n@7 vm info rtos\n\n");
	assert_int_equal(wakes, 2);
	assert_string_equal(take(), "vm list");
	assert_string_equal(take(), "@7 vm info rtos");
	assert_null(take());			/* the empty line is no request */
	assert_int_equal(used_idx(CTL_TX), 2);
}

static void test_answer_waits_for_receive_buffers(void **state)
{
	uint64_t a, b;
	uint32_t gen;
	char line[CTL_LINE_MAX + 1];

	tx_desc = rx_desc = 0;
	sends("vm list\n");
	assert_true(ctl_take_request(&chan, line, &gen));
	ctl_answer(&t, gen, "vm name=rtos\nstatus=ok\n", 23);
	assert_int_equal(used_idx(CTL_RX), 0);	/* nothing posted yet */
	a = post_rx(10);
	b = post_rx(100);
	assert_int_equal(used_idx(CTL_RX), 2);
	assert_int_equal(used_len(CTL_RX, 0), 10);
	assert_int_equal(used_len(CTL_RX, 1), 13);
	assert_memory_equal(at(a), "vm name=rt", 10);
	assert_memory_equal(at(b), "os\nstatus=ok\n", 13);
}

static void test_bad_lines_refused(void **state)
{
	char big[CTL_LINE_MAX + 20];
	uint64_t rx;

	tx_desc = rx_desc = 0;
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	send(big, 600);			/* one line across two buffers */
	send(big + 600, sizeof(big) - 600);
	send("vm \x01list\n", 9);
	send("vm \xfflist\n", 9);
	memset(big, 'x', sizeof(big));
	memcpy(big, "@id7 vm list ", 13);	/* a refusal carries the id it got */
	big[sizeof(big) - 1] = '\n';
	send(big, 600);
	send(big + 600, sizeof(big) - 600);
	sends("vm list\n");			/* a good line after bad ones works */
	assert_string_equal(take(), "vm list");
	assert_null(take());
	assert_int_equal(chan.refused, 4);
	rx = post_rx(0x1000);
	assert_string_equal((char *)at(rx),
			    "status=error msg=\"line longer than 1024 bytes\"\n"
			    "status=error msg=\"a byte that is not printable ASCII\"\n"
			    "status=error msg=\"a byte that is not printable ASCII\"\n"
			    "status=error id=id7 msg=\"line longer than 1024 bytes\"\n");
}

static void test_flood_bounded(void **state)
{
	char many[0x400];
	size_t n = 0;
	unsigned taken = 0;

	tx_desc = rx_desc = 0;
	for (unsigned i = 0; i < 50; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "vm list\n");
	send(many, n);
	while (take())
		taken++;
	assert_int_equal(taken, CTL_REQ_DEPTH);
	assert_int_equal(chan.refused, 50 - CTL_REQ_DEPTH);
	post_rx(0x1000);
	assert_non_null(strstr((char *)at(DATA + 0x8000), "status=error msg=\"busy"));
}

static void test_unread_answers_stop_requests(void **state)
{
	static char blob[CTL_ANS_SIZE];
	uint32_t gen;
	char line[CTL_LINE_MAX + 1];

	tx_desc = rx_desc = 0;
	sends("vm log rtos\n");
	assert_true(ctl_take_request(&chan, line, &gen));
	memset(blob, 'y', sizeof(blob));
	ctl_answer(&t, gen, blob, sizeof(blob));
	ctl_answer(&t, gen, "z", 1);		/* past the ring: cut and counted */
	assert_int_equal(chan.ans_cut, 1);
	sends("vm list\n");			/* left in the ring: no room for an answer */
	assert_null(take());
	assert_int_equal(used_idx(CTL_TX), 1);
	for (unsigned i = 0; i < 8; i++)
		post_rx(0x1000);		/* the guest reads: 32 KiB go out */
	assert_string_equal(take(), "vm list");
}

static void test_reset_drops_late_answer(void **state)
{
	uint32_t gen;
	char line[CTL_LINE_MAX + 1];

	tx_desc = rx_desc = 0;
	sends("vm reset rtos\n");
	assert_true(ctl_take_request(&chan, line, &gen));
	virtio_mmio_reset(&t);
	ctl_answer(&t, gen, "status=ok\n", 10);
	assert_int_equal(chan.ans_head - chan.ans_tail, 0);
}

static void test_status_lines(void **state)
{
	char buf[128];

	ctl_status_line(buf, sizeof(buf), NULL, 0, NULL);
	assert_string_equal(buf, "status=ok\n");
	ctl_status_line(buf, sizeof(buf), "42", -22, "not allowed");
	assert_string_equal(buf, "status=error id=42 msg=\"not allowed\"\n");
	assert_int_equal(ctl_status_line(buf, 8, "42", 0, NULL), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lines_across_buffers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answer_waits_for_receive_buffers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_lines_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flood_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unread_answers_stop_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_drops_late_answer, setup, teardown),
		cmocka_unit_test(test_status_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
