/*
 * Fuzz target for the EL1 physical timer's register model
 * (virt/ptimer_regs.c): a sequence of guest reads and writes of
 * CNTP_CTL/CVAL/TVAL_EL0 with any value, at a counter that moves forward
 * by any amount (wrapping as the hardware's would). Checked after each
 * step against the Arm ARM's definitions restated here: CTL keeps only
 * ENABLE and IMASK, ISTATUS = ENABLE && count >= CVAL, the line is ISTATUS
 * && !IMASK, TVAL reads (CVAL - count) mod 2^32 and a TVAL write sets CVAL
 * to count + sext32(value); and the wait before the line rises is between
 * 1 and PTIMER_MAX_WAIT ticks and never passes CVAL, whatever the guest
 * parks there (~0 included).
 */
#include <virt/ptimer.h>
#include "fuzz_input.h"

#define MAX_STEPS 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct ptimer_regs t;
	uint64_t now = fuzz_u64(&in), ctl = 0, cval = 0;

	ptimer_reset(&t);
	for (unsigned step = 0; step < MAX_STEPS && in.left; step++) {
		uint8_t op = fuzz_u8(&in);
		enum ptimer_reg reg = (enum ptimer_reg)((op >> 1) % 3);
		uint64_t v, w = 0;
		bool ist;

		now += (op & 0x80) ? fuzz_u64(&in) : fuzz_u16(&in);
		if (op & 1) {
			v = fuzz_u64(&in);
			ptimer_write(&t, reg, v, now);
			if (reg == PTIMER_CTL)
				ctl = v & 3;
			else if (reg == PTIMER_CVAL)
				cval = v;
			else
				cval = now + (uint64_t)(int64_t)(int32_t)(uint32_t)v;
		}
		ist = (ctl & 1) && now >= cval;
		v = ptimer_read(&t, reg, now);
		if (reg == PTIMER_CTL)
			FUZZ_CHECK(v == (ctl | (ist ? 4u : 0u)), "CTL 0x%llx, want ctl 0x%llx istatus %d",
				   (unsigned long long)v, (unsigned long long)ctl, ist);
		else if (reg == PTIMER_CVAL)
			FUZZ_CHECK(v == cval, "CVAL 0x%llx want 0x%llx", (unsigned long long)v,
				   (unsigned long long)cval);
		else
			FUZZ_CHECK(v == (uint32_t)(cval - now), "TVAL 0x%llx", (unsigned long long)v);
		FUZZ_CHECK(ptimer_istatus(&t, now) == ist, "ISTATUS");
		FUZZ_CHECK(ptimer_output(&t, now) == (ist && !(ctl & 2)), "line");
		if (ptimer_next_wait(&t, now, &w)) {
			FUZZ_CHECK(ctl == 1 && !ist, "a wait with ctl 0x%llx istatus %d",
				   (unsigned long long)ctl, ist);
			FUZZ_CHECK(w >= 1 && w <= PTIMER_MAX_WAIT && w <= cval - now,
				   "wait %llu for CVAL 0x%llx at 0x%llx", (unsigned long long)w,
				   (unsigned long long)cval, (unsigned long long)now);
		} else {
			FUZZ_CHECK(ctl != 1 || ist, "no wait for an armed timer");
		}
	}
	return 0;
}
