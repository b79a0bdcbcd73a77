/*
 * The tests of gtest, one function per test, each in the file named
 * after what it checks.
 */
#ifndef GTEST_H
#define GTEST_H

void test_gic_reset(void);
void test_gicd_regs(void);
void test_gicr_regs(void);
void test_psci(void);
void test_hvc_unknown(void);
void test_smc(void);
void test_sgi(void);
void test_vtimer(void);
void test_psci_suspend(void);
void test_unmapped(void);
void test_fpsimd(void);
void test_fpsimd_smp(void);
void test_sgi_nowake(void);
void test_psci_race(void);
void test_vtimer_pending(void);
void test_gic_active(void);
void test_gic_group0(void);
void test_gic_priority(void);
void test_gic_spi(void);
void test_id_regs(void);
void test_exc_entry(void);
void test_debug_regs(void);

#endif
