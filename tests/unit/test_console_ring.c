/*
 * Unit tests for kernel/console_ring.c with a UART model that has a line
 * delay: its FIFO holds FIFO_DEPTH bytes and lets one go every LINE_POLLS
 * questions of tx_full, so "TX full" stays set for many polls, as a real
 * 115200-baud line does while a CPU asks. Issue 24 item 4: guest output
 * never waits for the UART (no poll loop runs for it under the console's
 * lock: each call asks tx_full at most once per byte it moves, plus once),
 * what finds no room is dropped and counted, and a host line still fits
 * while guests flood.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <tandem/console_ring.h>

#define FIFO_DEPTH	32
#define LINE_POLLS	1000	/* tx_full questions per byte on the line */

static struct console_tx r;
static unsigned fifo, polls, since_byte;
static uint64_t sent;
static char wire[CONSOLE_TX_RING * 4];
static size_t wire_len;

static bool model_tx_full(void)
{
	polls++;
	if (fifo && ++since_byte >= LINE_POLLS) {
		fifo--;
		since_byte = 0;
	}
	return fifo == FIFO_DEPTH;
}

static void model_tx_byte(char c)
{
	assert_true(fifo < FIFO_DEPTH);
	fifo++;
	sent++;
	if (wire_len < sizeof(wire))
		wire[wire_len++] = c;
}

static const struct console_uart uart = { model_tx_full, model_tx_byte };

static int setup(void **state)
{
	memset(&r, 0, sizeof(r));
	fifo = polls = since_byte = 0;
	sent = wire_len = 0;
	return 0;
}

/* What the console does under its lock for guest bytes: put, pump. */
static size_t guest_write(const char *buf, size_t len)
{
	size_t n = console_tx_put(&r, buf, len, false, true);

	console_tx_pump(&r, &uart);
	return n;
}

static void test_guest_flood_never_waits(void **state)
{
	char piece[512];
	uint64_t offered = 0, taken = 0;

	memset(piece, 'g', sizeof(piece));
	/* 2 MiB of guest output against a line that moves a byte per 1000
	 * polls: every call returns after at most FIFO_DEPTH + 1 polls. */
	for (unsigned i = 0; i < 4096; i++) {
		unsigned before = polls;
		uint64_t sent_before = sent;

		taken += guest_write(piece, sizeof(piece));
		offered += sizeof(piece);
		assert_true(polls - before <= (sent - sent_before) + 1);
		assert_true(polls - before <= FIFO_DEPTH + 1);
		/* Guests never use the host's reserve. */
		assert_true(console_tx_queued(&r) <= CONSOLE_TX_RING - CONSOLE_HOST_RESERVE);
	}
	assert_int_equal(r.guest_dropped, offered - taken);
	assert_true(r.guest_dropped > 0);
	assert_int_equal(taken, sent + console_tx_queued(&r));
}

static void test_host_line_fits_while_guests_flood(void **state)
{
	char piece[512], line[200];
	size_t n;

	memset(piece, 'g', sizeof(piece));
	memset(line, 'h', sizeof(line));
	for (unsigned i = 0; i < 64; i++)
		guest_write(piece, sizeof(piece));
	assert_int_equal(console_tx_queued(&r), CONSOLE_TX_RING - CONSOLE_HOST_RESERVE);
	n = console_tx_put(&r, line, sizeof(line), true, false);
	assert_int_equal(n, sizeof(line));
	/* And the host may fill the ring, but not past it. */
	for (unsigned i = 0; i < 100; i++)
		console_tx_put(&r, line, sizeof(line), false, false);
	assert_int_equal(console_tx_queued(&r), CONSOLE_TX_RING);
	assert_int_equal(console_tx_put(&r, "x", 1, false, false), 0);
}

static void test_crlf_and_order(void **state)
{
	char c;

	assert_int_equal(console_tx_put(&r, "a\nb\r\nc", 6, true, false), 6);
	assert_int_equal(console_tx_pump(&r, &uart), 7);
	assert_int_equal(wire_len, 7);
	assert_memory_equal(wire, "a\r\nb\r\nc", 7);
	/* A CR and its LF go in together or not at all. */
	r.head = r.tail + CONSOLE_TX_RING - 1;
	r.last = 'x';
	assert_int_equal(console_tx_put(&r, "\n", 1, true, false), 0);
	assert_int_equal(console_tx_put(&r, "y", 1, true, false), 1);
	assert_true(console_tx_take(&r, &c));
}

static void test_pump_stops_at_full_and_resumes(void **state)
{
	char buf[100];

	memset(buf, 'p', sizeof(buf));
	console_tx_put(&r, buf, sizeof(buf), false, false);
	assert_int_equal(console_tx_pump(&r, &uart), FIFO_DEPTH);
	assert_int_equal(console_tx_queued(&r), sizeof(buf) - FIFO_DEPTH);
	/* The line moves a byte: the next pump (the TX interrupt) sends one. */
	for (unsigned i = 0; i < LINE_POLLS - 1; i++)
		model_tx_full();
	assert_int_equal(console_tx_pump(&r, &uart), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_guest_flood_never_waits, setup),
		cmocka_unit_test_setup(test_host_line_fits_while_guests_flood, setup),
		cmocka_unit_test_setup(test_crlf_and_order, setup),
		cmocka_unit_test_setup(test_pump_stops_at_full_and_resumes, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
