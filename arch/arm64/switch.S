/*
 * Thread context switch: arch_switch(prev, next) saves the callee-saved
 * registers, SP and the whole FP/SIMD file of prev, and loads next's.
 * The FP/SIMD file is saved eagerly because picolibc and libfdt use SIMD
 * registers and a thread may be preempted from an interrupt anywhere.
 * Called with the scheduler lock held and IRQs masked.
 */
#include <arch/context.h>

.macro fp_save base
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
	mrs	x10, fpsr
	mrs	x11, fpcr
	str	x10, [\base, #512]
	str	x11, [\base, #520]
.endm

.macro fp_restore base
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
	ldr	x10, [\base, #512]
	ldr	x11, [\base, #520]
	msr	fpsr, x10
	msr	fpcr, x11
.endm

	.text
	.globl arch_switch
arch_switch:
	stp	x19, x20, [x0, #CTX_X19]
	stp	x21, x22, [x0, #CTX_X19 + 16]
	stp	x23, x24, [x0, #CTX_X19 + 32]
	stp	x25, x26, [x0, #CTX_X19 + 48]
	stp	x27, x28, [x0, #CTX_X19 + 64]
	stp	x29, x30, [x0, #CTX_X19 + 80]
	mov	x9, sp
	str	x9, [x0, #CTX_SP]
	add	x9, x0, #CTX_FP
	fp_save	x9

	add	x9, x1, #CTX_FP
	fp_restore x9
	ldp	x19, x20, [x1, #CTX_X19]
	ldp	x21, x22, [x1, #CTX_X19 + 16]
	ldp	x23, x24, [x1, #CTX_X19 + 32]
	ldp	x25, x26, [x1, #CTX_X19 + 48]
	ldp	x27, x28, [x1, #CTX_X19 + 64]
	ldp	x29, x30, [x1, #CTX_X19 + 80]
	ldr	x9, [x1, #CTX_SP]
	mov	sp, x9
	ret

/* A new thread's first return from arch_switch lands here with
 * x19 = entry, x20..x22 = arguments (see k_thread_create). */
	.globl arch_thread_trampoline
arch_thread_trampoline:
	mov	x0, x19
	mov	x1, x20
	mov	x2, x21
	mov	x3, x22
	bl	thread_start			/* never returns */
	b	.

/* Save/restore the FP/SIMD file to/from x0 (struct fp_state): lets
 * interrupt-context code call SIMD-using library functions without
 * corrupting the interrupted thread. */
	.globl arch_fp_save
arch_fp_save:
	fp_save	x0
	ret

	.globl arch_fp_restore
arch_fp_restore:
	fp_restore x0
	ret
