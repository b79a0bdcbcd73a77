/*
 * Unit tests for virt/devices/virtio_console.c behind the real transport:
 * what the guest puts on the transmit queue comes out whole and in order,
 * across buffers of one chain and across chains; a chain with a buffer
 * outside RAM is given back unread with one warning; the receive queue's
 * buffers are left waiting. Bounds (issue 24 item 3): 128 chains, or one
 * chain of 128 descriptors, all naming the same megabyte, move at most a
 * chain's cap each and a round's budget per notify; the rest of the queue
 * comes in later rounds; nothing is taken once the VM is stopping.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <virt/virtio_console.h>

#define RAM_SIZE	0x200000ULL
#define QNUM		VIRTIO_CONSOLE_QUEUE
#include "virtio_guest_queues.h"

#define HUGE		(RAM_BASE + 0x100000)	/* 1 MiB to the end of RAM */
#define HUGE_LEN	0x100000U

static struct virtio_console con;
static char out[4096];
static size_t out_len;
static unsigned warns;
static bool counting, stop_now;
static uint64_t counted;

static void collect(void *ctx, const char *s, size_t n)
{
	assert_ptr_equal(ctx, &out);
	if (counting) {
		counted += n;
		return;
	}
	assert_true(out_len + n <= sizeof(out));
	memcpy(out + out_len, s, n);
	out_len += n;
}

static void host_irq(struct virtio_mmio *tr, bool level) { }

static void host_warn(struct virtio_mmio *tr, enum virtio_warn why, const char *what,
		      uint64_t val)
{
	assert_int_equal(why, VIRTIO_WARN_REQUEST);
	warns++;
}

static bool host_stopping(struct virtio_mmio *tr)
{
	return stop_now;
}

static const struct virtio_host_ops host = { host_irq, host_warn, host_stopping };

static int setup(void **state)
{
	out_len = 0;
	warns = 0;
	counting = stop_now = false;
	counted = 0;
	virtio_console_setup(&con, collect, &out);
	vq_setup(&virtio_console_ops, &con, &host);
	return 0;
}

static int teardown(void **state)
{
	free(ram);
	return 0;
}

static void test_output_in_order(void **state)
{
	memcpy(at(DATA), "hello, ", 7);
	memcpy(at(DATA + 0x100), "hvc0\n", 5);
	memcpy(at(DATA + 0x200), "again\n", 6);
	put_desc(1, 0, DATA, 7, VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, 1, DATA + 0x100, 5, 0, 0);
	put_desc(1, 2, DATA + 0x200, 6, 0, 0);
	offer(1, 0);
	offer(1, 2);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(out_len, 18);
	assert_memory_equal(out, "hello, hvc0\nagain\n", 18);
	assert_int_equal(used_idx(1), 2);
	assert_int_equal(con.tx_bytes, 18);
}

static void test_large_buffer(void **state)
{
	for (unsigned i = 0; i < 3000; i++)
		at(DATA)[i] = (uint8_t)('a' + i % 26);
	put_desc(1, 0, DATA, 3000, 0, 0);
	offer(1, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(out_len, 3000);
	assert_memory_equal(out, at(DATA), 3000);
}

static void test_bad_buffer_given_back(void **state)
{
	put_desc(1, 0, DATA, 4, VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, 1, RAM_BASE + RAM_SIZE - 2, 4, 0, 0);
	offer(1, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(out_len, 0);
	assert_int_equal(warns, 1);
	assert_int_equal(used_idx(1), 1);
	assert_int_equal(con.tx_bad, 1);
	assert_int_equal(t.status, 0xf);	/* the device goes on */
}

static void test_receive_buffers_wait(void **state)
{
	put_desc(0, 0, DATA, 64, VIRTQ_DESC_F_WRITE, 0);
	offer(0, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(used_idx(0), 0);
	assert_int_equal(t.q[0].last_avail, 0);
	assert_int_equal(warns, 0);
}

/* The most one round may move: its budget plus the chain that crossed it. */
#define ROUND_MAX	((uint64_t)VIRTIO_ROUND_BYTES + VIRTIO_CONSOLE_CHAIN_MAX)

/* Notify, then run the rounds the glue would run; each round bounded. */
static unsigned notify_rounds(unsigned q)
{
	unsigned rounds = 1;
	uint64_t before = counted;

	wr(VIRTIO_MMIO_QUEUE_NOTIFY, q);
	assert_true(counted - before <= ROUND_MAX);
	while (t.again) {
		before = counted;
		virtio_mmio_continue(&t);
		assert_true(counted - before <= ROUND_MAX);
		rounds++;
		assert_true(rounds <= QNUM);
	}
	return rounds;
}

static void test_many_chains_one_huge_buffer(void **state)
{
	counting = true;
	for (uint16_t i = 0; i < QNUM; i++) {
		put_desc(1, i, HUGE, HUGE_LEN, 0, 0);
		offer(1, i);
	}
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	/* 128 MiB on main; here one round's worth, and more asked for. */
	assert_true(counted <= ROUND_MAX);
	assert_true(t.again);
	assert_true(used_idx(1) < QNUM);
	while (t.again) {
		uint64_t before = counted;

		virtio_mmio_continue(&t);
		assert_true(counted - before <= ROUND_MAX);
	}
	/* Every chain served, each cut at the cap and the rest counted. */
	assert_int_equal(used_idx(1), QNUM);
	assert_int_equal(counted, (uint64_t)QNUM * VIRTIO_CONSOLE_CHAIN_MAX);
	assert_int_equal(con.tx_dropped, (uint64_t)QNUM * (HUGE_LEN - VIRTIO_CONSOLE_CHAIN_MAX));
}

static void test_one_chain_of_huge_descriptors(void **state)
{
	counting = true;
	for (uint16_t i = 0; i < QNUM; i++)
		put_desc(1, i, HUGE, HUGE_LEN, i + 1 < QNUM ? VIRTQ_DESC_F_NEXT : 0, i + 1);
	offer(1, 0);
	assert_int_equal(notify_rounds(1), 1);
	assert_int_equal(counted, VIRTIO_CONSOLE_CHAIN_MAX);
	assert_int_equal(used_idx(1), 1);
	assert_int_equal(warns, 1);
	assert_int_equal(con.tx_dropped, (uint64_t)QNUM * HUGE_LEN - VIRTIO_CONSOLE_CHAIN_MAX);
}

static void test_nothing_taken_while_stopping(void **state)
{
	memcpy(at(DATA), "late\n", 5);
	put_desc(1, 0, DATA, 5, 0, 0);
	offer(1, 0);
	stop_now = true;
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(out_len, 0);
	assert_int_equal(used_idx(1), 0);
	stop_now = false;		/* a later notify (or the reset) finds it */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(out_len, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_output_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_buffer_given_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_buffers_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_chains_one_huge_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_chain_of_huge_descriptors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_taken_while_stopping, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
