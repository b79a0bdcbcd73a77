/*
 * Collecting a pending SError at EL2 (see arch/serror.h): from DISR_EL1,
 * where a RAS esb with SError masked defers it, or by unmasking SError for
 * one instruction (serror_window, serror_window.S), whose exception the host
 * vector hands back instead of reporting it.
 */
#include <tandem/types.h>
#include <arch/serror.h>
#include <arch/sysreg.h>

#define ISR_A		(1ULL << 8)
#define ISS_MASK	0x1ffffffULL

/* Every core has RAS (read by guest_entry.S). It only ever goes from 1 to
 * 0, and a core clears it before it runs any guest. */
uint8_t serror_ras = 1;
uint64_t serror_window(void);	/* serror_window.S: ESR_EL2 of what it took, or 0 */

void serror_cpu_init(void)
{
	bool ras = (read_sysreg(id_aa64pfr0_el1) >> 28) & 0xf;

	if (!ras)
		WRITE_ONCE(serror_ras, 0);
	else
		write_sysreg_s(S3_0_C12_C1_1, 0);	/* DISR_EL1 */
}

uint64_t serror_collect(void)
{
	uint64_t s;

	if (serror_ras) {
		s = read_sysreg_s(S3_0_C12_C1_1);	/* DISR_EL1 */
		if (s) {
			write_sysreg_s(S3_0_C12_C1_1, 0);
			return SERROR_PRESENT | (s & ISS_MASK);
		}
	}
	isb();
	if (!(read_sysreg(isr_el1) & ISR_A))
		return 0;
	s = serror_window();
	return s ? SERROR_PRESENT | (s & ISS_MASK) : 0;
}
