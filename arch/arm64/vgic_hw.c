/*
 * Access to the GICv3 virtualization registers: the list registers, the
 * virtual machine control register and active-priority registers, saved and
 * restored with the vCPU.
 */
#include <arch/sysreg.h>
#include <arch/vgic_hw.h>

#define ICH_AP0R0_EL2	S3_4_C12_C8_0
#define ICH_AP1R0_EL2	S3_4_C12_C9_0
#define ICH_VMCR_EL2	S3_4_C12_C11_7

unsigned vgic_hw_num_lrs(void)
{
	unsigned n = (unsigned)(read_sysreg_s(ICH_VTR_EL2) & 0x1f) + 1;

	return n > ICH_MAX_LRS ? ICH_MAX_LRS : n;
}

uint64_t vgic_hw_read_lr(unsigned n)
{
	switch (n) {
	case 0: return read_sysreg_s(S3_4_C12_C12_0);
	case 1: return read_sysreg_s(S3_4_C12_C12_1);
	case 2: return read_sysreg_s(S3_4_C12_C12_2);
	case 3: return read_sysreg_s(S3_4_C12_C12_3);
	case 4: return read_sysreg_s(S3_4_C12_C12_4);
	case 5: return read_sysreg_s(S3_4_C12_C12_5);
	case 6: return read_sysreg_s(S3_4_C12_C12_6);
	case 7: return read_sysreg_s(S3_4_C12_C12_7);
	case 8: return read_sysreg_s(S3_4_C12_C13_0);
	case 9: return read_sysreg_s(S3_4_C12_C13_1);
	case 10: return read_sysreg_s(S3_4_C12_C13_2);
	case 11: return read_sysreg_s(S3_4_C12_C13_3);
	case 12: return read_sysreg_s(S3_4_C12_C13_4);
	case 13: return read_sysreg_s(S3_4_C12_C13_5);
	case 14: return read_sysreg_s(S3_4_C12_C13_6);
	case 15: return read_sysreg_s(S3_4_C12_C13_7);
	default: return 0;
	}
}

void vgic_hw_write_lr(unsigned n, uint64_t v)
{
	switch (n) {
	case 0: write_sysreg_s(S3_4_C12_C12_0, v); break;
	case 1: write_sysreg_s(S3_4_C12_C12_1, v); break;
	case 2: write_sysreg_s(S3_4_C12_C12_2, v); break;
	case 3: write_sysreg_s(S3_4_C12_C12_3, v); break;
	case 4: write_sysreg_s(S3_4_C12_C12_4, v); break;
	case 5: write_sysreg_s(S3_4_C12_C12_5, v); break;
	case 6: write_sysreg_s(S3_4_C12_C12_6, v); break;
	case 7: write_sysreg_s(S3_4_C12_C12_7, v); break;
	case 8: write_sysreg_s(S3_4_C12_C13_0, v); break;
	case 9: write_sysreg_s(S3_4_C12_C13_1, v); break;
	case 10: write_sysreg_s(S3_4_C12_C13_2, v); break;
	case 11: write_sysreg_s(S3_4_C12_C13_3, v); break;
	case 12: write_sysreg_s(S3_4_C12_C13_4, v); break;
	case 13: write_sysreg_s(S3_4_C12_C13_5, v); break;
	case 14: write_sysreg_s(S3_4_C12_C13_6, v); break;
	case 15: write_sysreg_s(S3_4_C12_C13_7, v); break;
	default: break;
	}
}

void vgic_hw_load(struct vgic_hw_state *s)
{
	unsigned n = vgic_hw_num_lrs();

	for (unsigned i = 0; i < n; i++)
		vgic_hw_write_lr(i, s->lr[i]);
	write_sysreg_s(ICH_AP0R0_EL2, s->ap0r0);
	write_sysreg_s(ICH_AP1R0_EL2, s->ap1r0);
	write_sysreg_s(ICH_VMCR_EL2, s->vmcr);
	write_sysreg_s(ICH_HCR_EL2, s->hcr | ICH_HCR_EN);
	isb();
}

void vgic_hw_put(struct vgic_hw_state *s)
{
	unsigned n = vgic_hw_num_lrs();

	for (unsigned i = 0; i < n; i++) {
		s->lr[i] = vgic_hw_read_lr(i);
		vgic_hw_write_lr(i, 0);
	}
	s->ap0r0 = read_sysreg_s(ICH_AP0R0_EL2);
	s->ap1r0 = read_sysreg_s(ICH_AP1R0_EL2);
	s->vmcr = read_sysreg_s(ICH_VMCR_EL2);
	s->hcr = read_sysreg_s(ICH_HCR_EL2) & ~ICH_HCR_EN;
	write_sysreg_s(ICH_HCR_EL2, 0);
	isb();
}

void vgic_hw_set_hcr(uint64_t hcr)
{
	write_sysreg_s(ICH_HCR_EL2, hcr);
	isb();
}

uint64_t vgic_hw_get_hcr(void)
{
	return read_sysreg_s(ICH_HCR_EL2);
}
