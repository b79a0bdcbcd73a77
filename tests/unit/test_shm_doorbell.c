/*
 * Unit tests for virt/devices/shm_doorbell_regs.c: the ID registers tell a
 * guest who it is and who its peers are; RING and RING_MASK ring exactly
 * the peers named, never self or an absent VM (and report that); every
 * offset without a register, every width but 4 and every write to a
 * read-only register is refused, with no ring.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <virt/shm_doorbell_regs.h>

#include <errno.h>

/* VM 1 on a region shared with VMs 0 and 3 (self's own bit set on purpose). */
static const struct shm_doorbell_regs regs = { .self = 1, .peers = 0x0b };

static uint64_t rd(uint64_t off)
{
	struct shm_doorbell_effect e;
	uint64_t v = 0xdead;

	assert_int_equal(shm_doorbell_access(&regs, off, 4, false, &v, &e), 0);
	assert_int_equal(e.ring, 0);
	assert_false(e.bad_ring);
	return v;
}

static struct shm_doorbell_effect wr(uint64_t off, uint64_t v)
{
	struct shm_doorbell_effect e = { .ring = 0xffff, .bad_ring = true };

	assert_int_equal(shm_doorbell_access(&regs, off, 4, true, &v, &e), 0);
	return e;
}

static void test_id_registers(void **state)
{
	assert_int_equal(rd(SHM_DB_MAGIC), SHM_DB_MAGIC_VALUE);
	assert_int_equal(rd(SHM_DB_SELF), 1);
	assert_int_equal(rd(SHM_DB_PEERS), 0x09);	/* self left out */
	assert_int_equal(rd(SHM_DB_RING), 0);		/* write-only reads 0 */
	assert_int_equal(rd(SHM_DB_RING_MASK), 0);
}

static void test_ring_by_index(void **state)
{
	struct shm_doorbell_effect e;

	e = wr(SHM_DB_RING, 0);
	assert_int_equal(e.ring, 0x1);
	assert_false(e.bad_ring);
	e = wr(SHM_DB_RING, 3);
	assert_int_equal(e.ring, 0x8);
	assert_false(e.bad_ring);
	/* Upper bits of a 32-bit write are the value, not ignored. */
	e = wr(SHM_DB_RING, 0x100000003ULL);
	assert_int_equal(e.ring, 0x8);
}

static void test_ring_bad_index(void **state)
{
	static const uint64_t bad[] = { 1 /* self */, 2 /* absent */, 31, 32, 0xffffffff };

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		struct shm_doorbell_effect e = wr(SHM_DB_RING, bad[i]);

		assert_int_equal(e.ring, 0);
		assert_true(e.bad_ring);
	}
}

static void test_ring_mask(void **state)
{
	struct shm_doorbell_effect e;

	e = wr(SHM_DB_RING_MASK, 0x09);
	assert_int_equal(e.ring, 0x09);
	assert_false(e.bad_ring);
	/* Self and absent bits dropped, the rest still rung. */
	e = wr(SHM_DB_RING_MASK, 0xffffffff);
	assert_int_equal(e.ring, 0x09);
	assert_true(e.bad_ring);
	e = wr(SHM_DB_RING_MASK, 0);
	assert_int_equal(e.ring, 0);
	assert_false(e.bad_ring);
}

static void test_refused(void **state)
{
	static const unsigned widths[] = { 0, 1, 2, 3, 8, 16 };
	struct shm_doorbell_effect e;
	uint64_t v = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(widths); i++) {
		v = 0;
		assert_int_equal(shm_doorbell_access(&regs, SHM_DB_RING, widths[i], true, &v, &e),
				 -EINVAL);
		assert_int_equal(e.ring, 0);
		assert_int_equal(shm_doorbell_access(&regs, SHM_DB_SELF, widths[i], false, &v, &e),
				 -EINVAL);
	}
	for (uint64_t off = 0; off < SHM_DOORBELL_SIZE + 8; off++) {
		bool known = off <= SHM_DB_RING_MASK && off % 4 == 0;

		v = 0;
		if (!known) {
			assert_int_equal(shm_doorbell_access(&regs, off, 4, false, &v, &e), -EINVAL);
			assert_int_equal(shm_doorbell_access(&regs, off, 4, true, &v, &e), -EINVAL);
			assert_int_equal(e.ring, 0);
		}
	}
	assert_int_equal(shm_doorbell_access(&regs, ~0ULL, 4, true, &v, &e), -EINVAL);
	/* Read-only registers refuse writes. */
	v = 0;
	assert_int_equal(shm_doorbell_access(&regs, SHM_DB_MAGIC, 4, true, &v, &e), -EINVAL);
	assert_int_equal(shm_doorbell_access(&regs, SHM_DB_SELF, 4, true, &v, &e), -EINVAL);
	assert_int_equal(shm_doorbell_access(&regs, SHM_DB_PEERS, 4, true, &v, &e), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_registers),
		cmocka_unit_test(test_ring_by_index),
		cmocka_unit_test(test_ring_bad_index),
		cmocka_unit_test(test_ring_mask),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
