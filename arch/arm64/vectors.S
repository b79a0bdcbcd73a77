/*
 * EL2 exception vectors. Exceptions taken from EL2 itself (the host kernel)
 * push a struct trap_frame on the current thread's stack; IRQs may switch
 * threads from inside irq_handle(), and the frame is popped when the
 * interrupted thread is switched back in. Exceptions from lower ELs (guests)
 * (guests) leave through guest_entry.S.
 */
#include <arch/layout.h>
#include <arch/trap_frame.h>

/*
 * Before a host exception pushes its frame: does the frame fit above this
 * core's stack_limit (the bottom of the current thread's stack)? If not,
 * the thread ran off its stack into the guard below it, and pushing would
 * fault again forever: go to host_stack_overflow instead. x0 is parked in
 * SP_EL0, which belongs to the host while host code runs (guests' SP_EL0
 * is switched at every guest entry and exit, guest_entry.S). Flags are
 * free: SPSR_EL2 holds the interrupted ones. Before the per-CPU pointer is
 * set (TPIDR_EL2 = 0, boot.S) there is nothing to check against.
 */
.macro check_stack
	msr	sp_el0, x0
	mrs	x0, tpidr_el2
	cbz	x0, 1f
	ldr	x0, [x0, #CPU_STACK_LIMIT]
	add	x0, x0, #TF_SIZE
	cmp	sp, x0
	b.lo	host_stack_overflow
1:	mrs	x0, sp_el0
.endm

.macro save_frame
	sub	sp, sp, #TF_SIZE
	stp	x0, x1, [sp, #TF_X(0)]
	stp	x2, x3, [sp, #TF_X(2)]
	stp	x4, x5, [sp, #TF_X(4)]
	stp	x6, x7, [sp, #TF_X(6)]
	stp	x8, x9, [sp, #TF_X(8)]
	stp	x10, x11, [sp, #TF_X(10)]
	stp	x12, x13, [sp, #TF_X(12)]
	stp	x14, x15, [sp, #TF_X(14)]
	stp	x16, x17, [sp, #TF_X(16)]
	stp	x18, x19, [sp, #TF_X(18)]
	stp	x20, x21, [sp, #TF_X(20)]
	stp	x22, x23, [sp, #TF_X(22)]
	stp	x24, x25, [sp, #TF_X(24)]
	stp	x26, x27, [sp, #TF_X(26)]
	stp	x28, x29, [sp, #TF_X(28)]
	add	x0, sp, #TF_SIZE
	stp	x30, x0, [sp, #TF_X(30)]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x0, x1, [sp, #TF_ELR]
	mrs	x0, esr_el2
	mrs	x1, far_el2
	stp	x0, x1, [sp, #TF_ESR]
.endm

.macro restore_frame_eret
	ldp	x0, x1, [sp, #TF_ELR]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #TF_X(0)]
	ldp	x2, x3, [sp, #TF_X(2)]
	ldp	x4, x5, [sp, #TF_X(4)]
	ldp	x6, x7, [sp, #TF_X(6)]
	ldp	x8, x9, [sp, #TF_X(8)]
	ldp	x10, x11, [sp, #TF_X(10)]
	ldp	x12, x13, [sp, #TF_X(12)]
	ldp	x14, x15, [sp, #TF_X(14)]
	ldp	x16, x17, [sp, #TF_X(16)]
	ldp	x18, x19, [sp, #TF_X(18)]
	ldp	x20, x21, [sp, #TF_X(20)]
	ldp	x22, x23, [sp, #TF_X(22)]
	ldp	x24, x25, [sp, #TF_X(24)]
	ldp	x26, x27, [sp, #TF_X(26)]
	ldp	x28, x29, [sp, #TF_X(28)]
	ldr	x30, [sp, #TF_X(30)]
	add	sp, sp, #TF_SIZE
	eret
.endm

/* Each vector slot is 128 bytes: branch to the out-of-line handler. */
.macro vector target
	.balign 128
	b	\target
.endm

	.text
	.balign 2048
	.globl el2_vectors
el2_vectors:
	/* Current EL, SP_EL0: never used by Tandem. */
	vector	unexpected_entry_0
	vector	unexpected_entry_1
	vector	unexpected_entry_2
	vector	unexpected_entry_3
	/* Current EL, SP_ELx: the host. */
	vector	host_sync_entry
	vector	host_irq_entry
	vector	unexpected_entry_6
	vector	host_serror_entry
	/* Lower EL, AArch64: guests (guest_entry.S). */
	vector	guest_exit_sync
	vector	guest_exit_irq
	vector	guest_exit_fiq
	vector	guest_exit_serror
	/* Lower EL, AArch32: not supported (HCR_EL2.RW = 1). */
	vector	unexpected_entry_12
	vector	unexpected_entry_13
	vector	unexpected_entry_14
	vector	unexpected_entry_15

host_sync_entry:
	check_stack
	save_frame
	mov	x0, sp
	bl	host_sync_handler		/* returns only if the fault was fixed up */
	restore_frame_eret

host_irq_entry:
	save_frame
	mov	x0, sp
	bl	irq_handle
	restore_frame_eret

/*
 * Host code runs with SError masked, except for one instruction in
 * serror_window (serror_window.S): an SError taken there is handed back to it
 * (ESR_EL2 in x0, x1 clobbered, both free there) and it returns with
 * SError masked again. Anything else is unexpected.
 */
host_serror_entry:
	stp	x0, x1, [sp, #-16]!
	mrs	x0, elr_el2
	adr	x1, serror_window_open
	cmp	x0, x1
	b.lo	1f
	adr	x1, serror_window_close
	cmp	x0, x1
	b.hi	1f
	add	sp, sp, #16
	mrs	x0, esr_el2
	mrs	x1, spsr_el2
	orr	x1, x1, #(1 << 8)		/* PSTATE.A */
	msr	spsr_el2, x1
	eret
1:	ldp	x0, x1, [sp], #16
	check_stack
	save_frame
	mov	x0, sp
	mov	x1, #7
	bl	unexpected_exception
	b	.

.irp n, 0, 1, 2, 3, 6, 12, 13, 14, 15
unexpected_entry_\n:
	check_stack
	save_frame
	mov	x0, sp
	mov	x1, #\n
	bl	unexpected_exception
	b	.
.endr

/*
 * The current stack overflowed (check_stack): continue on this core's
 * overflow stack, with the original x0 in SP_EL0, push the frame there and
 * report. The limit becomes the overflow stack's own bottom, so a fault
 * while reporting is checked against the right stack.
 */
host_stack_overflow:
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #CPU_OVERFLOW_SP]
	add	sp, sp, x0			/* swap sp and x0 without a third register */
	sub	x0, sp, x0			/* x0 = the overflowed sp */
	sub	sp, sp, x0			/* sp = the overflow stack's top */
	sub	sp, sp, #TF_SIZE
	str	x1, [sp, #TF_X(1)]
	stp	x2, x3, [sp, #TF_X(2)]
	stp	x4, x5, [sp, #TF_X(4)]
	stp	x6, x7, [sp, #TF_X(6)]
	stp	x8, x9, [sp, #TF_X(8)]
	stp	x10, x11, [sp, #TF_X(10)]
	stp	x12, x13, [sp, #TF_X(12)]
	stp	x14, x15, [sp, #TF_X(14)]
	stp	x16, x17, [sp, #TF_X(16)]
	stp	x18, x19, [sp, #TF_X(18)]
	stp	x20, x21, [sp, #TF_X(20)]
	stp	x22, x23, [sp, #TF_X(22)]
	stp	x24, x25, [sp, #TF_X(24)]
	stp	x26, x27, [sp, #TF_X(26)]
	stp	x28, x29, [sp, #TF_X(28)]
	stp	x30, x0, [sp, #TF_X(30)]	/* x30 and the overflowed sp */
	mrs	x0, sp_el0
	str	x0, [sp, #TF_X(0)]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x0, x1, [sp, #TF_ELR]
	mrs	x0, esr_el2
	mrs	x1, far_el2
	stp	x0, x1, [sp, #TF_ESR]
	mrs	x1, tpidr_el2
	ldr	x0, [x1, #CPU_OVERFLOW_SP]
	sub	x0, x0, #OVERFLOW_STACK_SIZE
	str	x0, [x1, #CPU_STACK_LIMIT]
	mov	x0, sp
	bl	host_stack_overflow_handler	/* never returns */
	b	.
