/*
 * Thread context switch: arch_switch(prev, next) saves the callee-saved
 * registers and SP of prev, and loads next's. The FP/SIMD file is not
 * touched here: it is switched lazily (arch_fp_switch before this call,
 * fpsimd.S on the first FP/SIMD instruction after it).
 * Called with the scheduler lock held and IRQs masked.
 */
#include <arch/context.h>

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
