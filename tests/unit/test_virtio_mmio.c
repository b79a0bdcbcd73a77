/*
 * Unit tests for virt/devices/virtio_mmio_regs.c, the virtio-mmio
 * transport, with a fake back end (an echo device: each chain comes back
 * with its readable bytes copied into its writable ones) and a fake host
 * that records the interrupt line and counts the warnings by reason.
 * Covered: identification, feature negotiation (an unknown feature, no
 * VERSION_1, bits past 63: FEATURES_OK stays clear), status rules, queue
 * set-up (sizes not a power of two or above the maximum, areas outside
 * RAM: DEVICE_NEEDS_RESET and a config interrupt), notify, used-buffer
 * interrupts and their ack, a broken ring, reset, widths and offsets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <virt/virtio.h>

#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	0x10000ULL
#define DESC		(RAM_BASE + 0x0000)
#define AVAIL		(RAM_BASE + 0x1000)
#define USED		(RAM_BASE + 0x2000)
#define DATA		(RAM_BASE + 0x4000)

static uint8_t *ram;
static struct virtio_mmio t;
static bool line;
static unsigned irq_edges, warns[VIRTIO_WARN_COUNT], notifies, resets, echoed;
static uint8_t config[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static struct virtq_chain chain;

static void echo_notify(struct virtio_mmio *tr, unsigned queue)
{
	notifies++;
	while (virtio_queue_pop(tr, queue, &chain) == 1) {
		uint8_t buf[256];
		size_t n = virtq_chain_read(&chain, &tr->mem, 0, buf, sizeof(buf));

		n = virtq_chain_write(&chain, &tr->mem, 0, buf, n);
		virtio_queue_push(tr, queue, chain.head, (uint32_t)n);
		echoed++;
	}
}

static void echo_reset(struct virtio_mmio *tr)
{
	resets++;
}

static uint32_t echo_config_read(struct virtio_mmio *tr, uint32_t off, unsigned size)
{
	return virtio_config_bytes(config, sizeof(config), off, size);
}

static bool echo_config_write(struct virtio_mmio *tr, uint32_t off, unsigned size, uint32_t v)
{
	if (off != 0 || size != 1)
		return false;
	config[0] = (uint8_t)v;
	return true;
}

static const struct virtio_dev_ops echo_ops = {
	.name = "echo", .device_id = 42, .features = 1ULL << 5 | 1ULL << 33,
	.n_queues = 2, .queue_max = 64, .config_size = sizeof(config),
	.config_read = echo_config_read, .config_write = echo_config_write,
	.notify = echo_notify, .reset = echo_reset,
};

static void host_irq(struct virtio_mmio *tr, bool level)
{
	assert_true(level != line);	/* only changes are reported */
	line = level;
	irq_edges++;
}

static void host_warn(struct virtio_mmio *tr, enum virtio_warn why, const char *what,
		      uint64_t val)
{
	assert_true(why < VIRTIO_WARN_COUNT);
	assert_non_null(what);
	warns[why]++;
}

static const struct virtio_host_ops host = { host_irq, host_warn, NULL };

static unsigned total_warns(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < VIRTIO_WARN_COUNT; i++)
		n += warns[i];
	return n;
}

static uint32_t rd(uint64_t off)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(virtio_mmio_access(&t, off, 4, false, &v), 0);
	return (uint32_t)v;
}

static void wr(uint64_t off, uint32_t v)
{
	uint64_t val = v;

	assert_int_equal(virtio_mmio_access(&t, off, 4, true, &val), 0);
}

static int setup(void **state)
{
	struct guest_mem mem = { RAM_BASE, RAM_SIZE, NULL };

	ram = calloc(1, RAM_SIZE);
	mem.host = ram;
	line = false;
	irq_edges = notifies = resets = echoed = 0;
	memset(warns, 0, sizeof(warns));
	virtio_mmio_init(&t, &echo_ops, NULL, &host, NULL, &mem);
	resets = 0;
	return 0;
}

static int teardown(void **state)
{
	free(ram);
	return 0;
}

/* The driver's side of initialisation up to FEATURES_OK (4.2.3.1). */
static void negotiate(uint64_t features)
{
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
}

static void queue_setup(unsigned sel, uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, sel);
	wr(VIRTIO_MMIO_QUEUE_NUM, num);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void driver_ok(void)
{
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

static void bring_up(void)
{
	negotiate(VIRTIO_F_VERSION_1 | 1ULL << 5);
	queue_setup(0, 16, DESC, AVAIL, USED);
	driver_ok();
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0x0f);
}

static void put_desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *p = ram + (DESC - RAM_BASE) + 16u * i;

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

static void offer(uint16_t head)
{
	uint8_t *avail = ram + (AVAIL - RAM_BASE);
	uint16_t idx;

	memcpy(&idx, avail + 2, 2);
	memcpy(avail + 4 + 2 * (idx % 16), &head, 2);
	idx++;
	memcpy(avail + 2, &idx, 2);
}

static void test_identification(void **state)
{
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC), 0x74726976);
	assert_int_equal(rd(VIRTIO_MMIO_VERSION_REG), 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), 42);
	assert_int_equal(rd(VIRTIO_MMIO_VENDOR_ID), VIRTIO_VENDOR_TANDEM);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1u << 5);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1u << 0 | 1u << 1);	/* VERSION_1, 33 */
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 7);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
	assert_int_equal(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffffU);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 64);
	wr(VIRTIO_MMIO_QUEUE_SEL, 2);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);	/* no such queue */
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NOTIFY), 0);	/* write-only */
	assert_int_equal(total_warns(), 0);
}

static void test_features_accepted(void **state)
{
	negotiate(VIRTIO_F_VERSION_1 | 1ULL << 33);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(virtio_features(&t), VIRTIO_F_VERSION_1 | 1ULL << 33);
	/* Too late to change them now. */
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	assert_int_equal(virtio_features(&t), VIRTIO_F_VERSION_1 | 1ULL << 33);
	assert_int_equal(warns[VIRTIO_WARN_FEATURES], 1);
}

static void test_unknown_feature_refused(void **state)
{
	negotiate(VIRTIO_F_VERSION_1 | 1ULL << 6);
	assert_false(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(warns[VIRTIO_WARN_FEATURES], 1);
	/* Nor can DRIVER_OK come now. */
	driver_ok();
	assert_false(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(warns[VIRTIO_WARN_STATUS], 1);
}

static void test_legacy_driver_refused(void **state)
{
	negotiate(1ULL << 5);
	assert_false(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(warns[VIRTIO_WARN_FEATURES], 1);
}

static void test_feature_past_63_refused(void **state)
{
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	negotiate(VIRTIO_F_VERSION_1);
	assert_false(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(warns[VIRTIO_WARN_FEATURES], 1);
}

static void test_status_rules(void **state)
{
	negotiate(VIRTIO_F_VERSION_1);
	/* Clearing DRIVER without a reset: ignored. */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0x0b);
	assert_int_equal(warns[VIRTIO_WARN_STATUS], 1);
	/* The driver cannot set DEVICE_NEEDS_RESET itself. */
	wr(VIRTIO_MMIO_STATUS, 0x0b | VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0x0b);
	wr(VIRTIO_MMIO_MAGIC, 0);
	assert_int_equal(warns[VIRTIO_WARN_REGISTER], 1);
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC), 0x74726976);
}

static void test_queue_runs_and_interrupts(void **state)
{
	const char msg[] = "hello";
	uint16_t used_idx;

	bring_up();
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	memcpy(ram + (DATA - RAM_BASE), msg, sizeof(msg));
	put_desc(0, DATA, sizeof(msg), VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, DATA + 0x100, 64, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(notifies, 1);
	assert_int_equal(echoed, 1);
	assert_string_equal((char *)ram + (DATA + 0x100 - RAM_BASE), msg);
	memcpy(&used_idx, ram + (USED - RAM_BASE) + 2, 2);
	assert_int_equal(used_idx, 1);
	assert_true(line);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED);
	assert_false(line);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	/* A running queue's set-up cannot change. */
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	assert_int_equal(t.q[0].num, 16);
	assert_int_equal(warns[VIRTIO_WARN_QUEUE], 1);
	assert_int_equal(total_warns(), 1);
}

static void test_notify_of_idle_queue(void **state)
{
	bring_up();
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);	/* exists, never made ready */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 9);	/* does not exist */
	assert_int_equal(notifies, 0);
	assert_int_equal(warns[VIRTIO_WARN_NOTIFY], 2);
}

/* A refused queue: DEVICE_NEEDS_RESET, QueueReady 0, one warning; once
 * DRIVER_OK the guest also gets a config interrupt. */
static void expect_queue_refused(uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
	negotiate(VIRTIO_F_VERSION_1);
	driver_ok();
	queue_setup(1, num, desc, avail, used);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(warns[VIRTIO_WARN_QUEUE], 1);
	assert_true(line);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	/* The reset clears it all. */
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_false(line);
	assert_int_equal(resets, 1);
	resets = 0;
	warns[VIRTIO_WARN_QUEUE] = 0;
}

static void test_bad_queues_refused(void **state)
{
	expect_queue_refused(3, DESC, AVAIL, USED);		/* not a power of two */
	expect_queue_refused(0, DESC, AVAIL, USED);
	expect_queue_refused(128, DESC, AVAIL, USED);		/* above QueueNumMax 64 */
	expect_queue_refused(0x10010, DESC, AVAIL, USED);	/* 16 in the low bits */
	expect_queue_refused(16, RAM_BASE - 0x1000, AVAIL, USED);
	expect_queue_refused(16, DESC + 4, AVAIL, USED);
	expect_queue_refused(16, DESC, RAM_BASE + RAM_SIZE - 2, USED);
	expect_queue_refused(16, DESC, AVAIL, 0x1000000000000ULL + USED);
	assert_int_equal(total_warns(), 0);
}

static void test_broken_ring_needs_reset(void **state)
{
	bring_up();
	put_desc(0, DATA, 4, VIRTQ_DESC_F_NEXT, 0);	/* loops on itself */
	offer(0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	assert_int_equal(warns[VIRTIO_WARN_RING], 1);
	/* Further notifies do nothing and say nothing more. */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(notifies, 1);
	assert_int_equal(total_warns(), 1);
	assert_int_equal(echoed, 0);
}

static void test_config_space(void **state)
{
	uint64_t v = 0;

	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG + 1, 1, false, &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG + 2, 2, false, &v), 0);
	assert_int_equal(v, 0x0403);
	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG + 4, 4, false, &v), 0);
	assert_int_equal(v, 0x08070605);
	v = 0x99;
	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG, 1, true, &v), 0);
	assert_int_equal(config[0], 0x99);
	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG + 4, 4, true, &v), 0);
	assert_int_equal(warns[VIRTIO_WARN_CONFIG], 1);	/* read-only field */
	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG + 8, 4, false, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(warns[VIRTIO_WARN_CONFIG], 2);	/* past the end */
	/* Misaligned and 8-byte config accesses are refused. */
	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG + 1, 2, false, &v), -EINVAL);
	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG, 8, false, &v), -EINVAL);
	config[0] = 1;
}

static void test_widths_and_offsets(void **state)
{
	uint64_t v = 0;

	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_MAGIC, 2, false, &v), -EINVAL);
	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_MAGIC, 8, false, &v), -EINVAL);
	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_STATUS + 1, 4, false, &v), -EINVAL);
	assert_int_equal(virtio_mmio_access(&t, 0x018, 4, false, &v), -EINVAL);	/* no register */
	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_SIZE, 4, false, &v), -EINVAL);
	v = 1;
	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_STATUS, 1, true, &v), -EINVAL);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identification, setup, teardown),
		cmocka_unit_test_setup_teardown(test_features_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_feature_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_legacy_driver_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feature_past_63_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_runs_and_interrupts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_of_idle_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_queues_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_ring_needs_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_space, setup, teardown),
		cmocka_unit_test_setup_teardown(test_widths_and_offsets, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
