/*
 * Unit tests for virt/devices/virtio_blk.c behind the real transport: a
 * driver in guest RAM (a heap buffer of exactly its size) sends read,
 * write, flush and get-id requests. Reads return the image, across chunk
 * boundaries and the short last chunk; writes land in copies and never in
 * the image; a reset gives every copy back and the image reads pristine;
 * sectors past the end (and a sector number that would wrap), lengths not
 * whole sectors, a write to a read-only disk, buffers outside RAM and no
 * memory left all give VIRTIO_BLK_S_IOERR with one warning; an unknown
 * type VIRTIO_BLK_S_UNSUPP. Bounds (issue 24 items 3 and 13): a notify
 * round serves requests only up to its byte budget and asks for another;
 * a request with more data than size_max x seg_max gets IOERR; written
 * chunks past the VM's quota get IOERR with one warning.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <virt/virtio_blk.h>

#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	0x100000ULL
#define DESC		(RAM_BASE + 0x0000)
#define AVAIL		(RAM_BASE + 0x1000)
#define USED		(RAM_BASE + 0x2000)
#define HDR		(RAM_BASE + 0x3000)
#define STATUS		(RAM_BASE + 0x3100)
#define DATA		(RAM_BASE + 0x8000)
#define QNUM		16
#define IMAGE_SIZE	(16 * 4096 + 512)	/* 129 sectors: the last chunk short */

static uint8_t *ram, *image, *pristine;
static uint8_t *table[DIV_ROUND_UP(IMAGE_SIZE, VIRTIO_BLK_CHUNK)];
static struct virtio_mmio t;
static struct virtio_blk blk;
static unsigned warns[VIRTIO_WARN_COUNT], allocs, frees;
static bool no_memory;

static void *chunk_get(void)
{
	if (no_memory)
		return NULL;
	allocs++;
	return malloc(VIRTIO_BLK_CHUNK);
}

static void chunk_release(void *p)
{
	frees++;
	free(p);
}

static void host_irq(struct virtio_mmio *tr, bool level) { }

static void host_warn(struct virtio_mmio *tr, enum virtio_warn why, const char *what,
		      uint64_t val)
{
	warns[why]++;
}

static const struct virtio_host_ops host = { host_irq, host_warn, NULL };

static uint8_t *at(uint64_t ipa)
{
	return ram + (ipa - RAM_BASE);
}

static void wr(uint64_t off, uint32_t v)
{
	uint64_t val = v;

	assert_int_equal(virtio_mmio_access(&t, off, 4, true, &val), 0);
}

static uint32_t rd(uint64_t off)
{
	uint64_t v;

	assert_int_equal(virtio_mmio_access(&t, off, 4, false, &v), 0);
	return (uint32_t)v;
}

static void bring_up(void)
{
	wr(VIRTIO_MMIO_STATUS, 3);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_FLUSH));
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, 0xb);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, 0xf);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0xf);
}

static void disk(bool read_only)
{
	struct guest_mem mem = { RAM_BASE, RAM_SIZE, ram };

	memset(table, 0, sizeof(table));
	virtio_blk_setup(&blk, image, IMAGE_SIZE, read_only, "tandem-test", table, chunk_get,
			 chunk_release);
	virtio_mmio_init(&t, virtio_blk_ops(read_only), &blk, &host, NULL, &mem);
	bring_up();
}

static int setup(void **state)
{
	ram = calloc(1, RAM_SIZE);
	image = malloc(IMAGE_SIZE);
	pristine = malloc(IMAGE_SIZE);
	for (unsigned i = 0; i < IMAGE_SIZE; i++)
		image[i] = (uint8_t)(i * 7 + i / 4096);
	memcpy(pristine, image, IMAGE_SIZE);
	memset(warns, 0, sizeof(warns));
	allocs = frees = 0;
	no_memory = false;
	disk(false);
	return 0;
}

static int teardown(void **state)
{
	virtio_blk_drop_writes(&blk);
	assert_int_equal(allocs, frees);
	assert_memory_equal(image, pristine, IMAGE_SIZE);	/* never written */
	free(ram);
	free(image);
	free(pristine);
	return 0;
}

static void put_desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *p = at(DESC) + 16u * i;

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

/* One request: header, one data buffer (data_len 0: none), status. Returns
 * the status byte; *used the used ring's length. */
static uint8_t request(uint32_t type, uint64_t sector, uint64_t data, uint32_t data_len,
		       uint32_t *used)
{
	uint8_t *avail = at(AVAIL);
	uint16_t idx, used_idx_before, used_idx_after;
	uint32_t hdr[4] = { type, 0, (uint32_t)sector, (uint32_t)(sector >> 32) };
	bool writable = type != VIRTIO_BLK_T_OUT;

	memcpy(at(HDR), hdr, sizeof(hdr));
	*at(STATUS) = 0xee;
	put_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, data_len ? 1 : 2);
	put_desc(1, data, data_len, VIRTQ_DESC_F_NEXT | (writable ? VIRTQ_DESC_F_WRITE : 0), 2);
	put_desc(2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	memcpy(&idx, avail + 2, 2);
	memcpy(avail + 4 + 2 * (idx % QNUM), &(uint16_t){ 0 }, 2);
	idx++;
	memcpy(avail + 2, &idx, 2);
	memcpy(&used_idx_before, at(USED) + 2, 2);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	memcpy(&used_idx_after, at(USED) + 2, 2);
	assert_int_equal((uint16_t)(used_idx_after - used_idx_before), 1);
	memcpy(used, at(USED) + 4 + 8 * (used_idx_before % QNUM) + 4, 4);
	return *at(STATUS);
}

static void test_config(void **state)
{
	uint64_t v;

	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG, 4, false, &v), 0);
	assert_int_equal(v, IMAGE_SIZE / 512);
	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG + 8, 4, false, &v), 0);
	assert_int_equal(v, VIRTIO_BLK_SIZE_MAX);
	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG + 12, 4, false, &v), 0);
	assert_int_equal(v, VIRTIO_BLK_QUEUE - 2);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_true(rd(VIRTIO_MMIO_DEVICE_FEATURES) & VIRTIO_BLK_F_SIZE_MAX);
	assert_int_equal(virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG + 20, 4, false, &v), 0);
	assert_int_equal(v, 512);
}

static void test_read(void **state)
{
	uint32_t used;

	/* Sectors 6..13: across the first chunk boundary. */
	assert_int_equal(request(VIRTIO_BLK_T_IN, 6, DATA, 4096, &used), VIRTIO_BLK_S_OK);
	assert_int_equal(used, 4097);
	assert_memory_equal(at(DATA), image + 6 * 512, 4096);
	/* The last sector, alone in the short chunk. */
	assert_int_equal(request(VIRTIO_BLK_T_IN, 128, DATA, 512, &used), VIRTIO_BLK_S_OK);
	assert_memory_equal(at(DATA), image + 128 * 512, 512);
	assert_int_equal(allocs, 0);
	assert_int_equal(blk.reads, 2);
}

static void test_write_copy_on_write(void **state)
{
	uint32_t used;

	memset(at(DATA), 0xab, 1024);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 7, DATA, 1024, &used), VIRTIO_BLK_S_OK);
	assert_int_equal(used, 1);
	assert_int_equal(blk.chunks_held, 2);		/* sector 7 in chunk 0, 8 in chunk 1 */
	assert_memory_equal(image, pristine, IMAGE_SIZE);
	memset(at(DATA), 0, 8192);
	assert_int_equal(request(VIRTIO_BLK_T_IN, 0, DATA, 8192, &used), VIRTIO_BLK_S_OK);
	assert_memory_equal(at(DATA), image, 7 * 512);			/* around it: the image */
	for (unsigned i = 0; i < 1024; i++)
		assert_int_equal(at(DATA)[7 * 512 + i], 0xab);
	assert_memory_equal(at(DATA) + 9 * 512, image + 9 * 512, 8192 - 9 * 512);
	/* The short last chunk too: its copy ends where the image does. */
	memset(at(DATA), 0xcd, 512);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 128, DATA, 512, &used), VIRTIO_BLK_S_OK);
	assert_int_equal(blk.chunks_held, 3);
}

static void test_reset_gives_back(void **state)
{
	uint32_t used;

	memset(at(DATA), 0x11, 4096);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 16, DATA, 4096, &used), VIRTIO_BLK_S_OK);
	assert_int_equal(allocs, 1);
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(frees, 1);
	assert_int_equal(blk.chunks_held, 0);
	bring_up();
	assert_int_equal(request(VIRTIO_BLK_T_IN, 16, DATA, 4096, &used), VIRTIO_BLK_S_OK);
	assert_memory_equal(at(DATA), image + 16 * 512, 4096);
}

static void expect_ioerr(uint32_t type, uint64_t sector, uint64_t data, uint32_t len)
{
	uint32_t used;

	memset(warns, 0, sizeof(warns));
	assert_int_equal(request(type, sector, data, len, &used), VIRTIO_BLK_S_IOERR);
	assert_int_equal(used, 1);
	assert_int_equal(warns[VIRTIO_WARN_REQUEST], 1);
}

static void test_bad_requests(void **state)
{
	expect_ioerr(VIRTIO_BLK_T_IN, 128, DATA, 1024);		/* one sector past the end */
	expect_ioerr(VIRTIO_BLK_T_IN, 129, DATA, 512);
	expect_ioerr(VIRTIO_BLK_T_OUT, 0xffffffffffffffffULL, DATA, 512);	/* wraps */
	expect_ioerr(VIRTIO_BLK_T_IN, 1ULL << 55, DATA, 512);	/* * 512 overflows */
	expect_ioerr(VIRTIO_BLK_T_IN, 0, DATA, 100);		/* not whole sectors */
	expect_ioerr(VIRTIO_BLK_T_OUT, 0, DATA, 513);
	expect_ioerr(VIRTIO_BLK_T_IN, 0, RAM_BASE + RAM_SIZE - 256, 512);	/* outside RAM */
	expect_ioerr(VIRTIO_BLK_T_OUT, 0, 0x1000, 512);
	assert_int_equal(allocs, 0);
	assert_int_equal(blk.errors, 8);
	no_memory = true;
	expect_ioerr(VIRTIO_BLK_T_OUT, 0, DATA, 512);
	/* Still serving. */
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0xf);
}

static void test_read_only(void **state)
{
	uint32_t used;

	disk(true);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_true(rd(VIRTIO_MMIO_DEVICE_FEATURES) & VIRTIO_BLK_F_RO);
	expect_ioerr(VIRTIO_BLK_T_OUT, 0, DATA, 512);
	assert_int_equal(request(VIRTIO_BLK_T_IN, 0, DATA, 512, &used), VIRTIO_BLK_S_OK);
	assert_int_equal(allocs, 0);
}

static void test_flush_id_unsupported(void **state)
{
	uint32_t used;

	assert_int_equal(request(VIRTIO_BLK_T_FLUSH, 0, 0, 0, &used), VIRTIO_BLK_S_OK);
	assert_int_equal(used, 1);
	memset(at(DATA), 0xff, 32);
	assert_int_equal(request(VIRTIO_BLK_T_GET_ID, 0, DATA, 20, &used), VIRTIO_BLK_S_OK);
	assert_int_equal(used, 21);
	assert_string_equal((char *)at(DATA), "tandem-test");
	assert_int_equal(at(DATA)[19], 0);
	assert_int_equal(at(DATA)[20], 0xff);
	assert_int_equal(request(11, 0, DATA, 512, &used), VIRTIO_BLK_S_UNSUPP);	/* discard */
	assert_int_equal(used, 1);
}

static void test_no_status_byte(void **state)
{
	uint8_t *avail = at(AVAIL);
	uint16_t idx = 1;
	uint32_t used = 99;

	put_desc(0, HDR, 16, 0, 0);
	memcpy(avail + 4, &(uint16_t){ 0 }, 2);
	memcpy(avail + 2, &idx, 2);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	memcpy(&used, at(USED) + 8, 4);
	assert_int_equal(used, 0);
	assert_int_equal(warns[VIRTIO_WARN_REQUEST], 1);
}

static uint16_t used_now(void)
{
	uint16_t v;

	memcpy(&v, at(USED) + 2, 2);
	return v;
}

/* n requests (sharing descriptors 0..2) each reading the whole disk. */
static void offer_whole_disk_reads(unsigned n)
{
	uint32_t hdr[4] = { VIRTIO_BLK_T_IN, 0, 0, 0 };
	uint8_t *avail = at(AVAIL);
	uint16_t idx;

	memcpy(at(HDR), hdr, sizeof(hdr));
	put_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, DATA, IMAGE_SIZE, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	put_desc(2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	memcpy(&idx, avail + 2, 2);
	for (unsigned i = 0; i < n; i++, idx++)
		memcpy(avail + 4 + 2 * (idx % QNUM), &(uint16_t){ 0 }, 2);
	memcpy(avail + 2, &idx, 2);
}

static void test_notify_round_bounded(void **state)
{
	/* The most requests of IMAGE_SIZE one round may serve. */
	const uint64_t per_round = VIRTIO_ROUND_BYTES / IMAGE_SIZE + 1;
	uint64_t before;

	offer_whole_disk_reads(QNUM);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_true(blk.reads <= per_round);
	assert_true(t.again);
	assert_int_equal(used_now(), blk.reads);
	while (t.again) {
		before = blk.reads;
		virtio_mmio_continue(&t);
		assert_true(blk.reads - before <= per_round);
	}
	assert_int_equal(used_now(), QNUM);
	assert_int_equal(blk.reads, QNUM);
}

static void test_request_past_size_max_seg_max(void **state)
{
	/* A disk larger than one request may be, read by a chain of 14
	 * descriptors naming the same 600 KiB of RAM (8.2 MiB in all). */
	const uint32_t seg = 600 * 1024, nseg = 14;
	const uint64_t big = VIRTIO_BLK_REQ_MAX + 1024 * 1024;
	uint8_t **big_table = calloc(DIV_ROUND_UP(big, VIRTIO_BLK_CHUNK), sizeof(*big_table));
	uint8_t *big_image = calloc(1, big);
	struct guest_mem mem = { RAM_BASE, RAM_SIZE, ram };
	uint32_t hdr[4] = { VIRTIO_BLK_T_IN, 0, 0, 0 };
	uint8_t *avail = at(AVAIL);

	assert_true((uint64_t)seg * nseg > VIRTIO_BLK_REQ_MAX);
	virtio_blk_setup(&blk, big_image, big, false, "big", big_table, chunk_get, chunk_release);
	virtio_mmio_init(&t, virtio_blk_ops(false), &blk, &host, NULL, &mem);
	bring_up();
	memcpy(at(HDR), hdr, sizeof(hdr));
	put_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	for (uint16_t i = 1; i <= nseg; i++)
		put_desc(i, DATA, seg, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, i + 1);
	put_desc(nseg + 1, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	memcpy(avail + 4, &(uint16_t){ 0 }, 2);
	memcpy(avail + 2, &(uint16_t){ 1 }, 2);
	memset(warns, 0, sizeof(warns));
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(used_now(), 1);
	assert_int_equal(*at(STATUS), VIRTIO_BLK_S_IOERR);
	assert_int_equal(warns[VIRTIO_WARN_REQUEST], 1);
	assert_int_equal(blk.reads, 0);
	free(big_image);
	free(big_table);
}

static void test_write_quota(void **state)
{
	uint64_t held = 1;	/* another disk of the VM holds one chunk */
	uint32_t used;

	blk.quota_held = &held;
	blk.quota_chunks = 3;
	memset(at(DATA), 0x5a, 8192);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 0, DATA, 4096, &used), VIRTIO_BLK_S_OK);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 8, DATA, 4096, &used), VIRTIO_BLK_S_OK);
	assert_int_equal(held, 3);
	/* Rewriting a chunk it holds costs nothing more. */
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 1, DATA, 512, &used), VIRTIO_BLK_S_OK);
	expect_ioerr(VIRTIO_BLK_T_OUT, 16, DATA, 4096);
	assert_int_equal(held, 3);
	assert_int_equal(blk.chunks_held, 2);
	/* The reset gives the disk's chunks back to the quota. */
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(held, 1);
	bring_up();
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 16, DATA, 4096, &used), VIRTIO_BLK_S_OK);
	assert_int_equal(held, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_copy_on_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_gives_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_id_unsupported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_status_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_round_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_past_size_max_seg_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_quota, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
