/*
 * Saving and loading the FP/SIMD file (struct fp_state: Q0-Q31, FPSR,
 * FPCR) at \base, with \t0 and \t1 as scratch. Assembly only.
 */
#ifndef ARCH_FPSIMD_MACROS_S
#define ARCH_FPSIMD_MACROS_S

.macro fp_save base, t0, t1
	stp	q0, q1, [\base, #0]
	stp	q2, q3, [\base, #32]
	stp	q4, q5, [\base, #64]
	stp	q6, q7, [\base, #96]
	stp	q8, q9, [\base, #128]
	stp	q10, q11, [\base, #160]
	stp	q12, q13, [\base, #192]
	stp	q14, q15, [\base, #224]
	stp	q16, q17, [\base, #256]
	stp	q18, q19, [\base, #288]
	stp	q20, q21, [\base, #320]
	stp	q22, q23, [\base, #352]
	stp	q24, q25, [\base, #384]
	stp	q26, q27, [\base, #416]
	stp	q28, q29, [\base, #448]
	stp	q30, q31, [\base, #480]
	mrs	\t0, fpsr
	mrs	\t1, fpcr
	str	\t0, [\base, #512]
	str	\t1, [\base, #520]
.endm

.macro fp_restore base, t0, t1
	ldp	q0, q1, [\base, #0]
	ldp	q2, q3, [\base, #32]
	ldp	q4, q5, [\base, #64]
	ldp	q6, q7, [\base, #96]
	ldp	q8, q9, [\base, #128]
	ldp	q10, q11, [\base, #160]
	ldp	q12, q13, [\base, #192]
	ldp	q14, q15, [\base, #224]
	ldp	q16, q17, [\base, #256]
	ldp	q18, q19, [\base, #288]
	ldp	q20, q21, [\base, #320]
	ldp	q22, q23, [\base, #352]
	ldp	q24, q25, [\base, #384]
	ldp	q26, q27, [\base, #416]
	ldp	q28, q29, [\base, #448]
	ldp	q30, q31, [\base, #480]
	ldr	\t0, [\base, #512]
	ldr	\t1, [\base, #520]
	msr	fpsr, \t0
	msr	fpcr, \t1
.endm

#endif
