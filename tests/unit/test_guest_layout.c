/*
 * Unit tests for include/virt/guest_layout.h's initrd placement (issue 24
 * item 13): page-aligned right below the DTB's top 2 MiB, and refused
 * (never an address below RAM, which made load_images copy through a NULL
 * host pointer) when it does not fit: RAM of only the DTB's 2 MiB, an
 * initrd larger than the room, sizes that would wrap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <virt/guest_layout.h>

#define BASE	0x40000000ULL

static void test_initrd_below_dtb(void **state)
{
	uint64_t at = 0;

	assert_true(guest_initrd_at(BASE, MiB(64), 0x1234, &at));
	assert_int_equal(at, ALIGN_DOWN(BASE + MiB(62) - 0x1234, 0x1000ULL));
	/* Exactly the room: at the base. */
	assert_true(guest_initrd_at(BASE, MiB(4), MiB(2), &at));
	assert_int_equal(at, BASE);
	/* RAM at 0 works too. */
	assert_true(guest_initrd_at(0, MiB(4), 0x800, &at));
	assert_int_equal(at, MiB(2) - 0x1000);
}

static void test_initrd_that_does_not_fit(void **state)
{
	uint64_t at = 0xdead;

	assert_false(guest_initrd_at(BASE, MiB(2), 1, &at));		/* only the DTB's */
	assert_false(guest_initrd_at(BASE, MiB(4), MiB(2) + 1, &at));
	assert_false(guest_initrd_at(BASE, MiB(1), 1, &at));
	assert_false(guest_initrd_at(BASE, MiB(64), UINT64_MAX, &at));
	/* Fits in bytes, but aligning down would leave RAM. */
	assert_false(guest_initrd_at(BASE + 0x800, MiB(4), MiB(2) - 0x100, &at));
	assert_int_equal(at, 0xdead);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initrd_below_dtb),
		cmocka_unit_test(test_initrd_that_does_not_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
