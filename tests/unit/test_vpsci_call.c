/*
 * Unit tests for virt/vpsci_call.c's SMCCC answers (issue 24 item 13):
 * SMCCC_VERSION is 1.1 and PSCI_FEATURES says it exists (how Linux finds
 * it); ARCH_FEATURES knows VERSION and itself; each workaround is
 * NOT_REQUIRED on cores whose ID registers say so and NOT_SUPPORTED
 * elsewhere (Tandem implements none); calling one answers NOT_SUPPORTED
 * quietly; an unknown Arm Architecture Call stays "unknown".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <virt/vpsci_call.h>

#define VERSION		0x80000000U
#define FEATURES	0x80000001U
#define SOC_ID		0x80000002U
#define WA1		0x80008000U
#define WA2		0x80007fffU
#define WA3		0x80003fffU
#define PSCI_FEATURES_FN 0x8400000aU

static const uint64_t mpidr[1] = { 0x80000000 };

static struct vpsci_call call(const struct vpsci_vm_view *vm, uint64_t fn, uint64_t a1)
{
	uint64_t x[4] = { fn, a1, 0, 0 };
	struct vpsci_call c;

	vpsci_decide(0, x, vm, &c);
	return c;
}

static int64_t answer(const struct vpsci_vm_view *vm, uint64_t fn, uint64_t a1)
{
	struct vpsci_call c = call(vm, fn, a1);

	assert_int_equal(c.op, VPSCI_OP_RETURN);
	return c.ret;
}

static void test_version_and_discovery(void **state)
{
	struct vpsci_vm_view vm = { mpidr, 1, 0x40000000, 0x100000, false, false };

	assert_int_equal(answer(&vm, VERSION, 0), SMCCC_VERSION_1_1);
	assert_int_equal(answer(&vm, PSCI_FEATURES_FN, VERSION), PSCI_SUCCESS);
	assert_int_equal(answer(&vm, FEATURES, VERSION), PSCI_SUCCESS);
	assert_int_equal(answer(&vm, FEATURES, FEATURES), PSCI_SUCCESS);
	assert_int_equal(answer(&vm, FEATURES, SOC_ID), PSCI_NOT_SUPPORTED);
	assert_int_equal(answer(&vm, FEATURES, 0x12345678), PSCI_NOT_SUPPORTED);
	/* A 64-bit caller's upper half of the argument is not an ID. */
	assert_int_equal(answer(&vm, FEATURES, 0x100000000ULL | VERSION), PSCI_SUCCESS);
}

static void test_workarounds(void **state)
{
	struct vpsci_vm_view exposed = { mpidr, 1, 0x40000000, 0x100000, false, false };
	struct vpsci_vm_view safe = { mpidr, 1, 0x40000000, 0x100000, true, true };

	assert_int_equal(answer(&exposed, FEATURES, WA1), PSCI_NOT_SUPPORTED);
	assert_int_equal(answer(&exposed, FEATURES, WA2), PSCI_NOT_SUPPORTED);
	assert_int_equal(answer(&exposed, FEATURES, WA3), PSCI_NOT_SUPPORTED);
	assert_int_equal(answer(&safe, FEATURES, WA1), SMCCC_WORKAROUND_NOT_REQUIRED);
	assert_int_equal(answer(&safe, FEATURES, WA2), PSCI_NOT_SUPPORTED);
	assert_int_equal(answer(&safe, FEATURES, WA3), SMCCC_WORKAROUND_NOT_REQUIRED);
	/* Called anyway: an answer, not an "unknown function" log line. */
	assert_int_equal(answer(&exposed, WA1, 0), PSCI_NOT_SUPPORTED);
	assert_int_equal(answer(&exposed, WA2, 1), PSCI_NOT_SUPPORTED);
	assert_int_equal(answer(&exposed, WA3, 0), PSCI_NOT_SUPPORTED);
	assert_int_equal(call(&exposed, SOC_ID, 0).op, VPSCI_OP_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_and_discovery),
		cmocka_unit_test(test_workarounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
