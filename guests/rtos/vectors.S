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

#define FRAME_SIZE	(34 * 8)	/* struct exc_frame */

/* Keeps x0/x1 in the frame and hands the vector index to the common path. */
.macro	ventry	index
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	mov	x0, #\index
	b	sync_common
.endm

.macro	save_rest
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x30, x2, [sp, #240]
	str	x3, [sp, #256]
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
	save_rest
	mov	x1, sp
	bl	rtos_irq
	b	frame_resume

/* x0 = vector index. */
sync_common:
	save_rest
	mov	x1, sp
	bl	rtos_sync
	b	frame_resume

/* x0 = the frame to resume; it sits at the top of its own stack. */
frame_resume:
	mov	sp, x0
	ldp	x30, x1, [sp, #240]
	ldr	x2, [sp, #256]
	msr	elr_el1, x1
	msr	spsr_el1, x2
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldp	x0, x1, [sp]
	add	sp, sp, #FRAME_SIZE
	eret
