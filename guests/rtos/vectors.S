/*
 * The RTOS's own EL1 vector table (it replaces the test library's once
 * the scheduler starts). Every entry saves the interrupted context as a
 * struct exc_frame on the current stack, calls C, and resumes whatever
 * frame C returns: the same one, or another thread's, which is how the
 * scheduler switches threads on an interrupt or an SVC.
 *
 * The IRQ entry reads CNTVCT_EL0 before anything else it does beyond
 * freeing two registers: that is the latency probe's "handler entry".
 */

#include <lib/exc_frame.S>

/* Keeps x0/x1 in the frame and hands the vector index to the common path. */
.macro	ventry	index
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	mov	x0, #\index
	b	sync_common
.endm

	.text
	.balign	0x800
	.globl	rtos_vectors
rtos_vectors:
	ventry	0			/* current EL, SP_EL0: never used */
	ventry	1
	ventry	2
	ventry	3
	ventry	4			/* current EL, SP_ELx: sync (SVC = switch) */

	.balign	0x80			/* current EL, SP_ELx: IRQ */
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	isb
	mrs	x0, cntvct_el0
	b	irq_common

	ventry	6			/* FIQ */
	ventry	7			/* SError */
	ventry	8			/* lower EL: there is none */
	ventry	9
	ventry	10
	ventry	11
	ventry	12
	ventry	13
	ventry	14
	ventry	15

/* x0 = CNTVCT_EL0 at entry. */
irq_common:
	frame_save_rest
	mov	x1, sp
	bl	rtos_irq
	b	frame_resume

/* x0 = vector index. */
sync_common:
	frame_save_rest
	mov	x1, sp
	bl	rtos_sync
	b	frame_resume

/* x0 = the frame to resume; it sits at the top of its own stack. */
frame_resume:
	mov	sp, x0
	frame_restore_eret
