/*
 * Unit tests for arch/arm64/vdebug.c, the per-vCPU debug registers: what
 * one vCPU writes is never what another reads, the core's comparators hold
 * only the loaded vCPU's enabled ones (off while its OS lock is locked, off
 * after it is put), and each register's access rules (masks, read-only,
 * write-only, RAZ/WI, counts from ID_AA64DFR0_EL1).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arch/vdebug.h>

/* The core, as the fake hardware layer keeps it. */
static uint64_t hw_bvr[16], hw_bcr[16], hw_wvr[16], hw_wcr[16], hw_mdscr;
static unsigned hw_writes;

void vdebug_hw_write_bp(unsigned n, uint64_t bvr, uint64_t bcr)
{
	assert_true(n < 16);
	hw_bvr[n] = bvr;
	hw_bcr[n] = bcr;
	hw_writes++;
}

void vdebug_hw_write_wp(unsigned n, uint64_t wvr, uint64_t wcr)
{
	assert_true(n < 16);
	hw_wvr[n] = wvr;
	hw_wcr[n] = wcr;
	hw_writes++;
}

void vdebug_hw_write_mdscr(uint64_t mdscr)
{
	hw_mdscr = mdscr;
}

uint64_t vdebug_hw_authstatus(void)
{
	return 0xaa;
}

static int setup(void **state)
{
	memset(hw_bvr, 0, sizeof(hw_bvr));
	memset(hw_bcr, 0, sizeof(hw_bcr));
	memset(hw_wvr, 0, sizeof(hw_wvr));
	memset(hw_wcr, 0, sizeof(hw_wcr));
	hw_mdscr = 0;
	hw_writes = 0;
	return 0;
}

/* Register accessors by name (op1, CRn, CRm, op2). */
static int wr(struct vcpu_debug *d, unsigned op1, unsigned crn, unsigned crm, unsigned op2,
	      uint64_t v)
{
	return vdebug_access(d, op1, crn, crm, op2, false, &v);
}

static uint64_t rd(struct vcpu_debug *d, unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(vdebug_access(d, op1, crn, crm, op2, true, &v), 0);
	return v;
}

#define BVR(n)	0, 0, n, 4
#define BCR(n)	0, 0, n, 5
#define WVR(n)	0, 0, n, 6
#define WCR(n)	0, 0, n, 7
#define MDSCR	0, 0, 2, 2
#define OSLAR	0, 1, 0, 4
#define OSLSR	0, 1, 1, 4
#define OSDLR	0, 1, 3, 4
#define CLAIMSET 0, 7, 8, 6
#define CLAIMCLR 0, 7, 9, 6
#define MDRAR	0, 1, 0, 0
#define AUTH	0, 7, 14, 6
#define MDCCSR	3, 0, 1, 0
#define DTR	3, 0, 4, 0
#define BCR_ON	0x1e7ULL	/* BAS all, PMC EL0+EL1, E */

static void unlock(struct vcpu_debug *d)
{
	assert_int_equal(wr(d, OSLAR, 0), 0);
}

static void test_reset_state(void **state)
{
	struct vcpu_debug d;

	vdebug_reset(&d, 6, 4);
	assert_int_equal(rd(&d, OSLSR), 0xa);	/* OSLM 0b10, OSLK 1 */
	assert_int_equal(rd(&d, BVR(5)), 0);
	assert_int_equal(rd(&d, WCR(3)), 0);
	assert_int_equal(rd(&d, CLAIMCLR), 0);
	assert_int_equal(rd(&d, MDSCR), 0);
	/* Past the counts: UNDEF. */
	assert_int_equal(wr(&d, BVR(6), 0), -1);
	assert_int_equal(wr(&d, WVR(4), 0), -1);
	/* More than 16 asked: clamped. */
	vdebug_reset(&d, 40, 40);
	assert_int_equal(d.nbp, 16);
}

static void test_values_stay_with_their_vcpu(void **state)
{
	struct vcpu_debug a, b;

	vdebug_reset(&a, 6, 4);
	vdebug_reset(&b, 6, 4);
	vdebug_load(&a);
	unlock(&a);
	wr(&a, BVR(0), 0x12345678);
	wr(&a, BCR(0), BCR_ON);
	wr(&a, WVR(0), 0x87654320);
	wr(&a, WCR(0), BCR_ON);
	wr(&a, CLAIMSET, 0x3);
	assert_int_equal(hw_bcr[0], BCR_ON);	/* A's breakpoint is live */
	vdebug_put(&a);
	/* Off in the core once A is gone. */
	assert_int_equal(hw_bcr[0], 0);
	assert_int_equal(hw_wcr[0], 0);
	vdebug_load(&b);
	assert_int_equal(rd(&b, BVR(0)), 0);
	assert_int_equal(rd(&b, WVR(0)), 0);
	assert_int_equal(rd(&b, BCR(0)), 0);
	assert_int_equal(rd(&b, CLAIMCLR), 0);
	vdebug_put(&b);
	/* A back: its comparators return to the core. */
	vdebug_load(&a);
	assert_int_equal(hw_bvr[0], 0x12345678);
	assert_int_equal(hw_bcr[0], BCR_ON);
	assert_int_equal(hw_wvr[0], 0x87654320);
	assert_int_equal(rd(&a, CLAIMCLR), 0x3);
}

static void test_unused_debug_costs_nothing(void **state)
{
	struct vcpu_debug d;

	vdebug_reset(&d, 6, 4);
	unlock(&d);
	wr(&d, BVR(2), 0x1000);		/* a value, but nothing enabled */
	hw_writes = 0;
	vdebug_load(&d);
	vdebug_put(&d);
	assert_int_equal(hw_writes, 0);
}

static void test_os_lock_disables_comparators(void **state)
{
	struct vcpu_debug d;

	vdebug_reset(&d, 6, 4);
	vdebug_load(&d);
	/* Locked (reset): programmed, but off in the core. */
	wr(&d, BVR(1), 0x4000);
	wr(&d, BCR(1), BCR_ON);
	assert_int_equal(hw_bvr[1], 0x4000);
	assert_int_equal(hw_bcr[1], 0);
	assert_int_equal(rd(&d, BCR(1)), BCR_ON);
	unlock(&d);
	assert_int_equal(hw_bcr[1], BCR_ON);
	assert_int_equal(rd(&d, OSLSR), 0x8);
	assert_int_equal(wr(&d, OSLAR, 1), 0);
	assert_int_equal(hw_bcr[1], 0);
	assert_int_equal(rd(&d, OSLSR), 0xa);
	/* Locked at switch-out: nothing to switch off, nothing at switch-in. */
	hw_writes = 0;
	vdebug_put(&d);
	vdebug_load(&d);
	assert_int_equal(hw_writes, 0);
}

static void test_masks(void **state)
{
	struct vcpu_debug d;

	vdebug_reset(&d, 6, 4);
	wr(&d, BVR(0), ~0ULL);
	assert_int_equal(rd(&d, BVR(0)), ~3ULL);
	wr(&d, BCR(0), ~0ULL);
	assert_int_equal(rd(&d, BCR(0)), 0x00ffc1e7);	/* no HMC: the guest has no EL2 */
	wr(&d, WCR(0), ~0ULL);
	assert_int_equal(rd(&d, WCR(0)), 0x1f1fdfff);
	wr(&d, MDSCR, ~0ULL);
	assert_int_equal(rd(&d, MDSCR), 0xb001);	/* MDE, KDE, TDCC, SS */
	assert_int_equal(hw_mdscr, 0xb001);
}

static void test_access_rules(void **state)
{
	struct vcpu_debug d;
	uint64_t v = 0;

	vdebug_reset(&d, 2, 2);
	assert_int_equal(vdebug_access(&d, OSLAR, true, &v), -1);	/* write-only */
	assert_int_equal(wr(&d, OSLSR, 0), -1);				/* read-only */
	assert_int_equal(wr(&d, MDRAR, 0), -1);
	assert_int_equal(rd(&d, MDRAR), 0);
	assert_int_equal(wr(&d, AUTH, 0), -1);
	assert_int_equal(rd(&d, AUTH), 0xaa);
	assert_int_equal(wr(&d, MDCCSR, 0), -1);
	assert_int_equal(rd(&d, MDCCSR), 0);
	assert_int_equal(wr(&d, DTR, 0x55), 0);				/* RAZ/WI */
	assert_int_equal(rd(&d, DTR), 0);
	wr(&d, OSDLR, 3);
	assert_int_equal(rd(&d, OSDLR), 1);
	/* Claim tags: SET reads the implemented ones, CLR the ones set. */
	wr(&d, CLAIMSET, 0x81);
	assert_int_equal(rd(&d, CLAIMSET), 0xff);
	wr(&d, CLAIMCLR, 0x01);
	assert_int_equal(rd(&d, CLAIMCLR), 0x80);
	/* Unknown (a trace register, an EL2 one): UNDEF. */
	assert_int_equal(wr(&d, 1, 0, 1, 0, 0), -1);
	assert_int_equal(wr(&d, 4, 0, 7, 0, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state, setup),
		cmocka_unit_test_setup(test_values_stay_with_their_vcpu, setup),
		cmocka_unit_test_setup(test_unused_debug_costs_nothing, setup),
		cmocka_unit_test_setup(test_os_lock_disables_comparators, setup),
		cmocka_unit_test_setup(test_masks, setup),
		cmocka_unit_test_setup(test_access_rules, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
