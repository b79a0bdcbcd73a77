/*
 * The tests of gtest, one function per test, each in the file named
 * after what it checks.
 */
#ifndef GTEST_H
#define GTEST_H

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
void test_id_regs(void);

#endif
