/*
 * The core's debug registers, for arch/arm64/vdebug.c. Comparator n is a
 * register name of its own, hence the switches.
 */
#include <arch/sysreg.h>
#include <arch/vdebug.h>

#define CMP_CASE(n, v, c, vr, cr)					\
	case n:								\
		write_sysreg_s(S2_0_C0_C##n##_##vr, v);			\
		write_sysreg_s(S2_0_C0_C##n##_##cr, c);			\
		break

#define CMP_SWITCH(n, v, c, vr, cr)					\
	switch (n) {							\
	CMP_CASE(0, v, c, vr, cr); CMP_CASE(1, v, c, vr, cr);		\
	CMP_CASE(2, v, c, vr, cr); CMP_CASE(3, v, c, vr, cr);		\
	CMP_CASE(4, v, c, vr, cr); CMP_CASE(5, v, c, vr, cr);		\
	CMP_CASE(6, v, c, vr, cr); CMP_CASE(7, v, c, vr, cr);		\
	CMP_CASE(8, v, c, vr, cr); CMP_CASE(9, v, c, vr, cr);		\
	CMP_CASE(10, v, c, vr, cr); CMP_CASE(11, v, c, vr, cr);		\
	CMP_CASE(12, v, c, vr, cr); CMP_CASE(13, v, c, vr, cr);		\
	CMP_CASE(14, v, c, vr, cr); CMP_CASE(15, v, c, vr, cr);		\
	}

void vdebug_hw_write_bp(unsigned n, uint64_t bvr, uint64_t bcr)
{
	CMP_SWITCH(n, bvr, bcr, 4, 5)
}

void vdebug_hw_write_wp(unsigned n, uint64_t wvr, uint64_t wcr)
{
	CMP_SWITCH(n, wvr, wcr, 6, 7)
}

void vdebug_hw_write_mdscr(uint64_t mdscr)
{
	write_sysreg(mdscr_el1, mdscr);
}

uint64_t vdebug_hw_authstatus(void)
{
	return read_sysreg_s(S2_0_C7_C14_6);
}

void vdebug_hw_counts(unsigned *nbp, unsigned *nwp)
{
	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);

	*nbp = (unsigned)((dfr0 >> 12) & 0xf) + 1;
	*nwp = (unsigned)((dfr0 >> 20) & 0xf) + 1;
}

/* Whatever firmware or an earlier boot left enabled, no guest inherits. */
void vdebug_hw_cpu_init(void)
{
	unsigned nbp, nwp;

	vdebug_hw_counts(&nbp, &nwp);
	for (unsigned n = 0; n < nbp && n < VDEBUG_MAX_CMP; n++)
		vdebug_hw_write_bp(n, 0, 0);
	for (unsigned n = 0; n < nwp && n < VDEBUG_MAX_CMP; n++)
		vdebug_hw_write_wp(n, 0, 0);
	write_sysreg(mdscr_el1, 0);
	isb();
}
