/*
 * Self-hosted debug registers, per vCPU (see arch/vdebug.h). Every guest
 * access traps (MDCR_EL2.TDA/TDOSA/TDRA) and lands here; the values live in
 * struct vcpu_debug, so one VM never reads what another wrote. A guest's
 * breakpoints and watchpoints still fire: its enabled comparators are
 * written to the core while it is loaded (at each write and at switch-in)
 * and switched off at switch-out, so they never fire in another VM. A
 * vCPU that uses none costs a switch nothing.
 *
 * Emulated rather than passed: the OS lock (OSLAR/OSLSR: while locked the
 * vCPU's comparators are off in the core), OSDLR and DBGPRCR (stored, no
 * effect: a guest does not power the core down), the claim tags, MDCCINT.
 * The debug communications channel (DBGDTR*, OSDTR*, MDCCSR) and OSECCR
 * read as zero and ignore writes: there is no external debugger to talk
 * to. MDRAR reads 0 (no memory-mapped debug). HMC is read-as-zero: the
 * guest has no EL2 to match.
 */
#include <stddef.h>
#include <arch/vdebug.h>

#define BCR_E		1ULL
#define BCR_MASK	0x00ffc1e7ULL	/* BT, LBN, SSC, BAS, PMC, E */
#define WCR_MASK	0x1f1fdfffULL	/* MASK, WT, LBN, SSC, BAS, LSC, PAC, E */
#define VR_MASK		(~3ULL)		/* bits [1:0] RES0 */
#define MDSCR_MASK	0xb001ULL	/* MDE, KDE, TDCC, SS */
#define MDCCINT_MASK	(3ULL << 29)	/* RX, TX */
#define OSLSR_OSLM	(1ULL << 3)	/* OSLM = 0b10: the OS lock is implemented */

void vdebug_reset(struct vcpu_debug *d, unsigned nbp, unsigned nwp)
{
	*d = (struct vcpu_debug){ 0 };
	d->nbp = (uint8_t)(nbp > VDEBUG_MAX_CMP ? VDEBUG_MAX_CMP : nbp);
	d->nwp = (uint8_t)(nwp > VDEBUG_MAX_CMP ? VDEBUG_MAX_CMP : nwp);
	d->oslk = true;
}

static bool active(const struct vcpu_debug *d)
{
	return !d->oslk && (d->bp_on | d->wp_on);
}

static void write_all(const struct vcpu_debug *d, bool on)
{
	for (unsigned n = 0; n < d->nbp; n++)
		vdebug_hw_write_bp(n, d->bvr[n], on ? d->bcr[n] : 0);
	for (unsigned n = 0; n < d->nwp; n++)
		vdebug_hw_write_wp(n, d->wvr[n], on ? d->wcr[n] : 0);
}

void vdebug_load(const struct vcpu_debug *d)
{
	vdebug_hw_write_mdscr(d->mdscr);
	if (active(d))
		write_all(d, true);
}

void vdebug_put(const struct vcpu_debug *d)
{
	if (active(d))
		write_all(d, false);
}

static void set_bit_to(uint32_t *map, unsigned n, bool on)
{
	*map = on ? *map | 1u << n : *map & ~(1u << n);
}

/* DBGB/DBGW{V,C}R<n>_EL1: op2 4 BVR, 5 BCR, 6 WVR, 7 WCR. */
static int comparator(struct vcpu_debug *d, unsigned n, unsigned op2, bool read, uint64_t *val)
{
	bool bp = op2 < 6;
	uint64_t *vr = bp ? &d->bvr[n] : &d->wvr[n];
	uint64_t *cr = bp ? &d->bcr[n] : &d->wcr[n];
	uint64_t *reg = (op2 & 1) ? cr : vr;

	if (n >= (bp ? d->nbp : d->nwp))
		return -1;
	if (read) {
		*val = *reg;
		return 0;
	}
	*reg = *val & ((op2 & 1) ? (bp ? BCR_MASK : WCR_MASK) : VR_MASK);
	set_bit_to(bp ? &d->bp_on : &d->wp_on, n, *cr & BCR_E);
	/* Loaded: the core follows, with the comparator off while locked. */
	if (bp)
		vdebug_hw_write_bp(n, *vr, d->oslk ? 0 : *cr);
	else
		vdebug_hw_write_wp(n, *vr, d->oslk ? 0 : *cr);
	return 0;
}

static void set_os_lock(struct vcpu_debug *d, bool lock)
{
	bool was = active(d);

	d->oslk = lock;
	if (was != active(d))
		write_all(d, !lock);
}

/* Registers written or read whole: RW storage under a mask, RAZ/WI, RO. */
static int plain(uint64_t *reg, uint64_t mask, bool read, uint64_t *val)
{
	if (read)
		*val = reg ? *reg : 0;
	else if (reg)
		*reg = *val & mask;
	return 0;
}

#define ENC(op1, crn, crm, op2) ((op1) << 11 | (crn) << 7 | (crm) << 3 | (op2))

int vdebug_access(struct vcpu_debug *d, unsigned op1, unsigned crn, unsigned crm,
		  unsigned op2, bool read, uint64_t *val)
{
	if (op1 == 0 && crn == 0 && op2 >= 4)
		return comparator(d, crm, op2, read, val);

	switch (ENC(op1, crn, crm, op2)) {
	case ENC(0, 0, 2, 2):			/* MDSCR_EL1 */
		plain(&d->mdscr, MDSCR_MASK, read, val);
		if (!read)
			vdebug_hw_write_mdscr(d->mdscr);
		return 0;
	case ENC(0, 0, 2, 0):			/* MDCCINT_EL1 */
		return plain(&d->mdccint, MDCCINT_MASK, read, val);
	case ENC(0, 0, 0, 2):			/* OSDTRRX_EL1 */
	case ENC(0, 0, 3, 2):			/* OSDTRTX_EL1 */
	case ENC(0, 0, 6, 2):			/* OSECCR_EL1 */
	case ENC(3, 0, 4, 0):			/* DBGDTR_EL0 */
	case ENC(3, 0, 5, 0):			/* DBGDTRRX_EL0 / DBGDTRTX_EL0 */
		return plain(NULL, 0, read, val);
	case ENC(3, 0, 1, 0):			/* MDCCSR_EL0, read-only */
	case ENC(0, 1, 0, 0):			/* MDRAR_EL1, read-only */
		return read ? plain(NULL, 0, read, val) : -1;
	case ENC(0, 7, 14, 6):			/* DBGAUTHSTATUS_EL1, read-only */
		if (!read)
			return -1;
		*val = vdebug_hw_authstatus();
		return 0;
	case ENC(0, 1, 0, 4):			/* OSLAR_EL1, write-only */
		if (read)
			return -1;
		set_os_lock(d, *val & 1);
		return 0;
	case ENC(0, 1, 1, 4):			/* OSLSR_EL1, read-only */
		if (!read)
			return -1;
		*val = OSLSR_OSLM | (uint64_t)d->oslk << 1;
		return 0;
	case ENC(0, 1, 3, 4):			/* OSDLR_EL1 */
		if (read)
			*val = d->dlk;
		else
			d->dlk = *val & 1;
		return 0;
	case ENC(0, 1, 4, 4):			/* DBGPRCR_EL1 */
		if (read)
			*val = d->corenpdrq;
		else
			d->corenpdrq = *val & 1;
		return 0;
	case ENC(0, 7, 8, 6):			/* DBGCLAIMSET_EL1: reads the implemented tags */
		if (read)
			*val = 0xff;
		else
			d->claim |= (uint8_t)*val;
		return 0;
	case ENC(0, 7, 9, 6):			/* DBGCLAIMCLR_EL1: reads the tags set */
		if (read)
			*val = d->claim;
		else
			d->claim &= (uint8_t)~*val;
		return 0;
	default:
		return -1;
	}
}
