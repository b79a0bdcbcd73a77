/*
 * A vCPU's EL1 world on this core: loading and saving the EL1 system
 * registers, virtual timer and stage-2 controls when the scheduler switches
 * a vCPU thread in or out; injecting synchronous exceptions into the guest;
 * reading the hardware ID registers for the guest's view (id_regs.c).
 */
#include <tandem/log.h>
#include <arch/sysreg.h>
#include <arch/vcpu_arch.h>
#include <arch/vcpu_ctx.h>
#include <arch/id_regs.h>
#include <arch/exc_entry.h>

#define HCR_VM		(1UL << 0)
#define HCR_SWIO	(1UL << 1)
#define HCR_PTW		(1UL << 2)
#define HCR_FB		(1UL << 9)
#define HCR_BSU_IS	(1UL << 10)
#define HCR_TWI		(1UL << 13)
#define HCR_TSC		(1UL << 19)
#define HCR_TID3	(1UL << 18)
#define HCR_TACR	(1UL << 21)
#define HCR_TSW		(1UL << 22)
#define HCR_TIDCP	(1UL << 20)
#define HCR_TLOR	(1UL << 35)	/* LORegions: hidden, so trapped */
#define HCR_TERR	(1UL << 36)	/* RAS error records: hidden, so trapped */

#define HCR_GUEST (HCR_VM | HCR_SWIO | HCR_FB | HCR_BSU_IS | HCR_TWI | HCR_TSC | \
		   HCR_TID3 | HCR_TACR | HCR_TSW | HCR_TIDCP | HCR_TLOR | HCR_TERR | \
		   HCR_RW | HCR_AMO | HCR_IMO | HCR_FMO)
/* HCR_EL2.API and APK stay 0: PAC instructions and key registers trap
 * (the keys are not switched, and ID_AA64ISAR1/2 hide PAC). */

#define PSTATE_EL1H_MASKED 0x3c5UL
#define SCTLR_EL1_RESET 0x30d00800UL	/* RES1 bits, MMU and caches off */
#define CNTHCTL_GUEST 1UL		/* EL1PCTEN: counter readable; CNTP_* trap */

void vcpu_arch_reset(struct vcpu_arch *a, uint64_t vmpidr, uint64_t vttbr,
		     uint64_t vtcr, uint64_t entry, uint64_t x0)
{
	uint64_t cntvoff = a->cntvoff;
	unsigned nbp, nwp;

	__builtin_memset(a, 0, sizeof(*a));
	vdebug_hw_counts(&nbp, &nwp);
	vdebug_reset(&a->dbg, nbp, nwp);
	a->pc = entry;
	a->x[0] = x0;
	a->pstate = PSTATE_EL1H_MASKED;
	a->el1.sctlr = SCTLR_EL1_RESET;
	a->hcr = HCR_GUEST;
	a->vttbr = vttbr;
	a->vtcr = vtcr;
	a->vmpidr = vmpidr | (1UL << 31);
	a->cntvoff = cntvoff;
	a->gic.vmcr = 0;
}

void vcpu_arch_load(struct vcpu_arch *a)
{
	const struct el1_sysregs *r = &a->el1;

	write_sysreg(vttbr_el2, a->vttbr);
	write_sysreg(vtcr_el2, a->vtcr);
	write_sysreg(vmpidr_el2, a->vmpidr);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(cntvoff_el2, a->cntvoff);
	write_sysreg(cnthctl_el2, CNTHCTL_GUEST);
	write_sysreg(sctlr_el1, r->sctlr);
	write_sysreg(cpacr_el1, r->cpacr);
	write_sysreg(ttbr0_el1, r->ttbr0);
	write_sysreg(ttbr1_el1, r->ttbr1);
	write_sysreg(tcr_el1, r->tcr);
	write_sysreg(mair_el1, r->mair);
	write_sysreg(amair_el1, r->amair);
	write_sysreg(vbar_el1, r->vbar);
	write_sysreg(contextidr_el1, r->contextidr);
	write_sysreg(tpidrro_el0, r->tpidrro_el0);
	write_sysreg(tpidr_el1, r->tpidr_el1);
	/* sp_el0: switched at every guest entry and exit (guest_entry.S). */
	write_sysreg(sp_el1, r->sp_el1);
	write_sysreg(elr_el1, r->elr);
	write_sysreg(spsr_el1, r->spsr);
	write_sysreg(esr_el1, r->esr);
	write_sysreg(far_el1, r->far);
	write_sysreg(afsr0_el1, r->afsr0);
	write_sysreg(afsr1_el1, r->afsr1);
	write_sysreg(par_el1, r->par);
	write_sysreg(cntkctl_el1, r->cntkctl);
	vdebug_load(&a->dbg);
	write_sysreg(csselr_el1, r->csselr);
	write_sysreg(cntv_cval_el0, a->vtimer.cval);
	write_sysreg(cntv_ctl_el0, a->vtimer.ctl);
	write_sysreg(hcr_el2, a->hcr);
	isb();
}

/* The vCPU is loaded: HCR_EL2 is live. */
void vcpu_arch_set_wfi_trap(struct vcpu_arch *a, bool trap)
{
	uint64_t hcr = trap ? (a->hcr | HCR_TWI) : (a->hcr & ~HCR_TWI);

	if (hcr != a->hcr) {
		a->hcr = hcr;
		write_sysreg(hcr_el2, hcr);
		isb();
	}
}

void vcpu_arch_put(struct vcpu_arch *a)
{
	struct el1_sysregs *r = &a->el1;

	r->sctlr = read_sysreg(sctlr_el1);
	r->cpacr = read_sysreg(cpacr_el1);
	r->ttbr0 = read_sysreg(ttbr0_el1);
	r->ttbr1 = read_sysreg(ttbr1_el1);
	r->tcr = read_sysreg(tcr_el1);
	r->mair = read_sysreg(mair_el1);
	r->amair = read_sysreg(amair_el1);
	r->vbar = read_sysreg(vbar_el1);
	r->contextidr = read_sysreg(contextidr_el1);
	r->tpidrro_el0 = read_sysreg(tpidrro_el0);
	r->tpidr_el1 = read_sysreg(tpidr_el1);
	r->sp_el1 = read_sysreg(sp_el1);
	r->elr = read_sysreg(elr_el1);
	r->spsr = read_sysreg(spsr_el1);
	r->esr = read_sysreg(esr_el1);
	r->far = read_sysreg(far_el1);
	r->afsr0 = read_sysreg(afsr0_el1);
	r->afsr1 = read_sysreg(afsr1_el1);
	r->par = read_sysreg(par_el1);
	r->cntkctl = read_sysreg(cntkctl_el1);
	vdebug_put(&a->dbg);
	r->csselr = read_sysreg(csselr_el1);
	a->vtimer.ctl = read_sysreg(cntv_ctl_el0);
	a->vtimer.cval = read_sysreg(cntv_cval_el0);
	/* The host does not use the virtual timer: silence it while away. */
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(hcr_el2, HCR_HOST);
	write_sysreg(vttbr_el2, 0);
	isb();
}

/* The features exception entry looks at, as the guest has them: PAN and
 * SSBS pass through to guests (id_regs.c); MTE is hidden, so no TCO. */
static unsigned guest_exc_feats(void)
{
	unsigned f = 0;

	if ((read_sysreg(id_aa64mmfr1_el1) >> 20) & 0xf)
		f |= EXC_FEAT_PAN;
	if ((read_sysreg(id_aa64pfr1_el1) >> 4) & 0xf)
		f |= EXC_FEAT_SSBS;
	return f;
}

/* The vCPU must be loaded on this core (its EL1 registers are live). */
void vcpu_arch_inject_sync(struct vcpu_arch *a, uint64_t esr, uint64_t far)
{
	write_sysreg(elr_el1, a->pc);
	write_sysreg(spsr_el1, a->pstate);
	write_sysreg(esr_el1, esr);
	write_sysreg(far_el1, far);
	a->pc = read_sysreg(vbar_el1) + exc_sync_vector_offset(a->pstate);
	a->pstate = exc_entry_pstate(a->pstate, read_sysreg(sctlr_el1), guest_exc_feats());
}

void vcpu_arch_inject_undef(struct vcpu_arch *a)
{
	vcpu_arch_inject_sync(a, 1UL << 25 /* IL, EC 0: unknown */, 0);
}

void vcpu_arch_inject_dabt(struct vcpu_arch *a, uint64_t far)
{
	uint64_t ec = exc_abort_ec(true, a->pstate);
	uint64_t wnr = a->esr & (1UL << 6);	/* read or write, as trapped */

	/* Synchronous external abort, not on a table walk. */
	vcpu_arch_inject_sync(a, ec << 26 | 1UL << 25 | wnr | 0x10, far);
}

void vcpu_arch_inject_pabt(struct vcpu_arch *a, uint64_t far)
{
	uint64_t ec = exc_abort_ec(false, a->pstate);

	/* Synchronous external abort, not on a table walk. */
	vcpu_arch_inject_sync(a, ec << 26 | 1UL << 25 | 0x10, far);
}

/* ---- ID registers ------------------------------------------------------- */

static uint64_t read_id_reg(unsigned crm, unsigned op2)
{
#define ID_CASE(m, o) case (m) * 8 + (o): return read_sysreg_s(S3_0_C0_C##m##_##o)
	switch (crm * 8 + op2) {
	ID_CASE(1, 0); ID_CASE(1, 1); ID_CASE(1, 2); ID_CASE(1, 3);
	ID_CASE(1, 4); ID_CASE(1, 5); ID_CASE(1, 6); ID_CASE(1, 7);
	ID_CASE(2, 0); ID_CASE(2, 1); ID_CASE(2, 2); ID_CASE(2, 3);
	ID_CASE(2, 4); ID_CASE(2, 5); ID_CASE(2, 6); ID_CASE(2, 7);
	ID_CASE(3, 0); ID_CASE(3, 1); ID_CASE(3, 2); ID_CASE(3, 3);
	ID_CASE(3, 4); ID_CASE(3, 5); ID_CASE(3, 6); ID_CASE(3, 7);
	ID_CASE(4, 0); ID_CASE(4, 1); ID_CASE(4, 2); ID_CASE(4, 3);
	ID_CASE(4, 4); ID_CASE(4, 5); ID_CASE(4, 6); ID_CASE(4, 7);
	ID_CASE(5, 0); ID_CASE(5, 1); ID_CASE(5, 2); ID_CASE(5, 3);
	ID_CASE(5, 4); ID_CASE(5, 5); ID_CASE(5, 6); ID_CASE(5, 7);
	ID_CASE(6, 0); ID_CASE(6, 1); ID_CASE(6, 2); ID_CASE(6, 3);
	ID_CASE(6, 4); ID_CASE(6, 5); ID_CASE(6, 6); ID_CASE(6, 7);
	ID_CASE(7, 0); ID_CASE(7, 1); ID_CASE(7, 2); ID_CASE(7, 3);
	ID_CASE(7, 4); ID_CASE(7, 5); ID_CASE(7, 6); ID_CASE(7, 7);
	default:
		return 0;
	}
#undef ID_CASE
}

/* What the guest reads: the hardware value through the table in id_regs.c,
 * with PARange cut to this VM's stage 2 (VTCR_EL2.T0SZ). */
uint64_t vcpu_id_reg_value(const struct vcpu_arch *a, unsigned crm, unsigned op2)
{
	unsigned ipa_bits = 64 - (unsigned)(a->vtcr & 0x3f);

	return id_reg_filter(ID_REG(crm, op2), read_id_reg(crm, op2), ipa_bits);
}
