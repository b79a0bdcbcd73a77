/*
 * Unit tests for virt/virtqueue.c, the split ring read from guest memory.
 * The guest's RAM is a heap buffer of exactly its size, so AddressSanitizer
 * catches any access outside it. Well-formed chains come out with their
 * buffers in order and copy correctly across segments; every broken ring
 * (a loop, a next or head past the queue, an index jump, an indirect or
 * out-of-order descriptor) is refused; buffers outside RAM and lengths
 * past 4 GiB fault the request; the set-up checks refuse sizes that are
 * not powers of two up to the maximum and areas not aligned inside RAM.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <virt/virtqueue.h>

#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	0x10000ULL
#define DESC		(RAM_BASE + 0x0000)
#define AVAIL		(RAM_BASE + 0x1000)
#define USED		(RAM_BASE + 0x2000)
#define DATA		(RAM_BASE + 0x4000)
#define NUM		16

static uint8_t *ram;
static struct guest_mem mem;
static struct virtq q;
static struct virtq_chain chain;

static uint8_t *at(uint64_t ipa)
{
	return ram + (ipa - RAM_BASE);
}

static void set_desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *p = at(DESC) + 16u * i;

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

/* Make head available as the next entry. */
static void offer(uint16_t head)
{
	uint16_t idx;

	memcpy(&idx, at(AVAIL) + 2, 2);
	memcpy(at(AVAIL) + 4 + 2 * (idx % q.num), &head, 2);
	idx++;
	memcpy(at(AVAIL) + 2, &idx, 2);
}

static uint16_t used_idx(void)
{
	uint16_t v;

	memcpy(&v, at(USED) + 2, 2);
	return v;
}

static int setup(void **state)
{
	ram = calloc(1, RAM_SIZE);
	mem = (struct guest_mem){ RAM_BASE, RAM_SIZE, ram };
	q = (struct virtq){ .num = NUM, .desc = DESC, .avail = AVAIL, .used = USED, .ready = true };
	return 0;
}

static int teardown(void **state)
{
	free(ram);
	return 0;
}

static void test_empty_queue(void **state)
{
	assert_int_equal(virtq_pop(&q, &mem, &chain), 0);
	q.ready = false;
	offer(0);
	assert_int_equal(virtq_pop(&q, &mem, &chain), 0);
}

static void test_chain_in_order(void **state)
{
	set_desc(3, DATA, 16, VIRTQ_DESC_F_NEXT, 7);
	set_desc(7, DATA + 0x100, 100, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, DATA + 0x200, 1, VIRTQ_DESC_F_WRITE, 0);
	offer(3);
	assert_int_equal(virtq_pop(&q, &mem, &chain), 1);
	assert_int_equal(chain.head, 3);
	assert_int_equal(chain.n, 3);
	assert_int_equal(chain.fault, VIRTQ_FAULT_NONE);
	assert_int_equal(chain.out_len, 116);
	assert_int_equal(chain.in_len, 1);
	assert_true(chain.seg[2].write);
	assert_int_equal(chain.seg[1].ipa, DATA + 0x100);
	/* Taken once only. */
	assert_int_equal(virtq_pop(&q, &mem, &chain), 0);
}

static void test_copy_across_segments(void **state)
{
	uint8_t buf[64], out[64];

	set_desc(0, DATA, 10, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, DATA + 0x100, 30, VIRTQ_DESC_F_NEXT, 2);
	set_desc(2, DATA + 0x200, 5, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
	set_desc(3, DATA + 0x300, 50, VIRTQ_DESC_F_WRITE, 0);
	for (unsigned i = 0; i < 40; i++)
		at(i < 10 ? DATA + i : DATA + 0x100 + i - 10)[0] = (uint8_t)i;
	offer(0);
	assert_int_equal(virtq_pop(&q, &mem, &chain), 1);
	assert_int_equal(virtq_chain_read(&chain, &mem, 4, buf, 20), 20);
	for (unsigned i = 0; i < 20; i++)
		assert_int_equal(buf[i], i + 4);
	/* Short at the end of the readable part. */
	assert_int_equal(virtq_chain_read(&chain, &mem, 30, buf, 20), 10);
	for (unsigned i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(0x80 + i);
	assert_int_equal(virtq_chain_write(&chain, &mem, 3, out, 10), 10);
	assert_memory_equal(at(DATA + 0x203), out, 2);
	assert_memory_equal(at(DATA + 0x300), out + 2, 8);
	assert_int_equal(virtq_chain_write(&chain, &mem, 0, out, 64), 55);
}

static void test_push_and_interrupt_flag(void **state)
{
	uint32_t id, len;
	uint16_t no_int = VIRTQ_AVAIL_F_NO_INTERRUPT;

	assert_int_equal(virtq_push(&q, &mem, 5, 512), 1);
	assert_int_equal(used_idx(), 1);
	memcpy(&id, at(USED) + 4, 4);
	memcpy(&len, at(USED) + 8, 4);
	assert_int_equal(id, 5);
	assert_int_equal(len, 512);
	memcpy(at(AVAIL), &no_int, 2);
	assert_int_equal(virtq_push(&q, &mem, 6, 0), 0);
	assert_int_equal(used_idx(), 2);
}

static void test_indices_wrap(void **state)
{
	uint16_t start = 0xfffe;

	q.last_avail = start;
	q.used_idx = start;
	memcpy(at(AVAIL) + 2, &start, 2);
	set_desc(0, DATA, 4, 0, 0);
	for (unsigned i = 0; i < 4; i++)
		offer(0);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(virtq_pop(&q, &mem, &chain), 1);
		assert_int_equal(virtq_push(&q, &mem, chain.head, 0), 1);
	}
	assert_int_equal(q.last_avail, 2);
	assert_int_equal(used_idx(), 2);
	assert_int_equal(virtq_pop(&q, &mem, &chain), 0);
}

static void test_loop_refused(void **state)
{
	set_desc(0, DATA, 4, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, DATA, 4, VIRTQ_DESC_F_NEXT, 0);
	offer(0);
	assert_int_equal(virtq_pop(&q, &mem, &chain), -VIRTQ_ERR_LOOP);
	assert_int_equal(q.last_avail, 0);
}

static void test_self_loop_at_max_size(void **state)
{
	q.num = VIRTQ_MAX_SIZE;
	set_desc(9, DATA, 4, VIRTQ_DESC_F_NEXT, 9);
	offer(9);
	assert_int_equal(virtq_pop(&q, &mem, &chain), -VIRTQ_ERR_LOOP);
}

static void test_longest_chain_accepted(void **state)
{
	for (uint16_t i = 0; i < NUM; i++)
		set_desc(i, DATA + i, 1, i + 1 < NUM ? VIRTQ_DESC_F_NEXT : 0, i + 1);
	offer(0);
	assert_int_equal(virtq_pop(&q, &mem, &chain), 1);
	assert_int_equal(chain.n, NUM);
	assert_int_equal(chain.out_len, NUM);
}

static void test_bad_indices_refused(void **state)
{
	uint16_t idx = NUM + 1;

	set_desc(0, DATA, 4, VIRTQ_DESC_F_NEXT, NUM);
	offer(0);
	assert_int_equal(virtq_pop(&q, &mem, &chain), -VIRTQ_ERR_NEXT);
	q.last_avail = 1;
	offer(NUM);
	assert_int_equal(virtq_pop(&q, &mem, &chain), -VIRTQ_ERR_HEAD);
	q.last_avail = 0;
	memcpy(at(AVAIL) + 2, &idx, 2);
	assert_int_equal(virtq_pop(&q, &mem, &chain), -VIRTQ_ERR_AVAIL_IDX);
}

static void test_indirect_and_order_refused(void **state)
{
	set_desc(0, DATA, 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	assert_int_equal(virtq_pop(&q, &mem, &chain), -VIRTQ_ERR_INDIRECT);
	q.last_avail = 1;
	set_desc(1, DATA, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
	set_desc(2, DATA, 4, 0, 0);
	offer(1);
	assert_int_equal(virtq_pop(&q, &mem, &chain), -VIRTQ_ERR_ORDER);
}

/* A buffer outside RAM: the request comes out (to be completed with an
 * error) but marked, and copies stop where RAM ends (`copied`). */
static void expect_fault_copy(uint64_t addr, uint32_t len, size_t copied)
{
	uint8_t buf[32] = { 0 };

	q.last_avail = 0;
	memset(at(AVAIL), 0, 4);
	set_desc(0, DATA, 8, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	set_desc(1, addr, len, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	assert_int_equal(virtq_pop(&q, &mem, &chain), 1);
	assert_int_equal(chain.fault, VIRTQ_FAULT_ADDR);
	assert_int_equal(chain.bad_ipa, addr);
	assert_int_equal(virtq_chain_write(&chain, &mem, 0, buf, sizeof(buf)), copied);
	assert_int_equal(virtq_chain_read(&chain, &mem, 0, buf, sizeof(buf)), 0);
}

static void expect_addr_fault(uint64_t addr, uint32_t len)
{
	expect_fault_copy(addr, len, 8);
}

static void test_buffers_outside_ram(void **state)
{
	expect_addr_fault(RAM_BASE - 16, 8);			/* below */
	expect_addr_fault(RAM_BASE - 4, 8);			/* straddles the start */
	expect_addr_fault(RAM_BASE + RAM_SIZE - 4, 8);		/* straddles the end */
	expect_addr_fault(RAM_BASE + RAM_SIZE, 1);		/* just past */
	expect_addr_fault(0xfffffffffffffff8ULL, 16);		/* wraps to 8 */
	expect_addr_fault(0, 0x1000);				/* nowhere near */
	expect_fault_copy(DATA, 0xfffffff0U, sizeof(uint8_t[32]));			/* starts inside, ends far out */
}

static void test_length_overflow(void **state)
{
	/* RAM as large as needed for the lengths to be in range on their own
	 * (only the rings are ever touched). */
	struct guest_mem big = { RAM_BASE, 1ULL << 34, ram };

	set_desc(0, RAM_BASE, 0xffffffffU, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, RAM_BASE + (1ULL << 32), 2, 0, 0);
	offer(0);
	assert_int_equal(virtq_pop(&q, &big, &chain), 1);
	assert_int_equal(chain.fault, VIRTQ_FAULT_LEN);
	assert_int_equal(chain.out_len, 0);
	assert_int_equal(chain.in_len, 0);
}

static void expect_check_fails(const char *prefix)
{
	const char *why = NULL;
	uint64_t bad;

	assert_int_equal(virtq_check(&q, &mem, &why, &bad), -1);
	assert_non_null(why);
	assert_memory_equal(why, prefix, strlen(prefix));
}

static void test_setup_checks(void **state)
{
	const char *why;
	uint64_t bad;
	const uint16_t bad_sizes[] = { 0, 3, 100, VIRTQ_MAX_SIZE + 1, 2 * VIRTQ_MAX_SIZE };

	assert_int_equal(virtq_check(&q, &mem, &why, &bad), 0);
	q.num = VIRTQ_MAX_SIZE;
	assert_int_equal(virtq_check(&q, &mem, &why, &bad), 0);
	q.num = 1;
	assert_int_equal(virtq_check(&q, &mem, &why, &bad), 0);
	for (unsigned i = 0; i < ARRAY_SIZE(bad_sizes); i++) {
		q.num = bad_sizes[i];
		expect_check_fails("queue size");
	}
	q.num = NUM;
	q.desc = DESC + 8;
	expect_check_fails("descriptor");
	q.desc = RAM_BASE + RAM_SIZE - 16 * NUM + 16;
	expect_check_fails("descriptor");
	q.desc = DESC;
	q.avail = AVAIL + 1;
	expect_check_fails("available");
	q.avail = RAM_BASE - 2;
	expect_check_fails("available");
	q.avail = AVAIL;
	q.used = USED + 2;
	expect_check_fails("used");
	q.used = RAM_BASE + RAM_SIZE - 4;
	expect_check_fails("used");
	q.used = 0xfffffffffffffff0ULL;
	expect_check_fails("used");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_across_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_and_interrupt_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indices_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_loop_at_max_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_longest_chain_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_indices_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indirect_and_order_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buffers_outside_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_length_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setup_checks, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
