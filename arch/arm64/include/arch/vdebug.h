/*
 * A vCPU's self-hosted debug state (breakpoints, watchpoints, MDSCR_EL1,
 * the OS lock, claim tags), trapped and emulated per vCPU: MDCR_EL2.TDA,
 * TDOSA and TDRA are always set, so no guest ever reads or writes a debug
 * register of the core. Only enabled comparators reach the hardware, and
 * only while their vCPU is loaded (docs/id-registers.md, "Debug").
 */
#ifndef ARCH_VDEBUG_H
#define ARCH_VDEBUG_H

#include <stdbool.h>
#include <stdint.h>

#define VDEBUG_MAX_CMP	16

struct vcpu_debug {
	uint64_t bvr[VDEBUG_MAX_CMP], bcr[VDEBUG_MAX_CMP];
	uint64_t wvr[VDEBUG_MAX_CMP], wcr[VDEBUG_MAX_CMP];
	uint32_t bp_on, wp_on;		/* comparators whose E bit is set */
	uint8_t nbp, nwp;		/* as ID_AA64DFR0_EL1 shows the guest */
	uint8_t claim;			/* DBGCLAIM tags */
	bool oslk;			/* OS lock: comparators disabled */
	bool dlk;			/* OSDLR_EL1.DLK (no effect here) */
	bool corenpdrq;			/* DBGPRCR_EL1.CORENPDRQ (no effect here) */
	uint64_t mdscr, mdccint;
};

/* As at a cold reset: everything 0, the OS lock locked. */
void vdebug_reset(struct vcpu_debug *d, unsigned nbp, unsigned nwp);
/* A trapped access (ESR ISS fields, op0 = 2) by the loaded vCPU: 0, with
 * *val read or written; -1 for an access that must UNDEF. Call with IRQs
 * masked (it may write the hardware). */
int vdebug_access(struct vcpu_debug *d, unsigned op1, unsigned crn, unsigned crm,
		  unsigned op2, bool read, uint64_t *val);
/* The vCPU is switched in / out on this core. */
void vdebug_load(const struct vcpu_debug *d);
void vdebug_put(const struct vcpu_debug *d);

/* The hardware side (arch/arm64/vdebug_hw.c; faked by the unit test). */
void vdebug_hw_write_bp(unsigned n, uint64_t bvr, uint64_t bcr);
void vdebug_hw_write_wp(unsigned n, uint64_t wvr, uint64_t wcr);
void vdebug_hw_write_mdscr(uint64_t mdscr);
uint64_t vdebug_hw_authstatus(void);
/* This core's comparator counts (ID_AA64DFR0_EL1), and all of them off. */
void vdebug_hw_counts(unsigned *nbp, unsigned *nwp);
void vdebug_hw_cpu_init(void);

#endif
