/*
 * World switch. __guest_enter saves the host's callee-saved registers in
 * the vcpu_arch, pushes the vcpu_arch pointer on the host stack, loads the
 * guest registers and erets. An exception from the guest (lower EL vectors)
 * lands in guest_exit_*: it stores the guest registers through the pointer
 * on the stack, restores the host registers and returns the exit code from
 * __guest_enter as if it were an ordinary call.
 */
#include <arch/vcpu_arch.h>

	.text
	.globl __guest_enter
__guest_enter:
	/* Never enter a guest with an SError pending: it would be taken at
	 * once and charged to this guest (serror.c). */
	mrs	x1, isr_el1
	tbnz	x1, #8, 9f
	stp	x19, x20, [x0, #VCPU_HOST + 0]
	stp	x21, x22, [x0, #VCPU_HOST + 16]
	stp	x23, x24, [x0, #VCPU_HOST + 32]
	stp	x25, x26, [x0, #VCPU_HOST + 48]
	stp	x27, x28, [x0, #VCPU_HOST + 64]
	stp	x29, x30, [x0, #VCPU_HOST + 80]
	mov	x1, sp
	str	x1, [x0, #VCPU_HOST_SP]
	str	x0, [sp, #-16]!			/* found again at exit */

	ldp	x1, x2, [x0, #VCPU_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldr	x1, [x0, #VCPU_SP_EL0]
	msr	sp_el0, x1
	ldp	x2, x3, [x0, #VCPU_X(2)]
	ldp	x4, x5, [x0, #VCPU_X(4)]
	ldp	x6, x7, [x0, #VCPU_X(6)]
	ldp	x8, x9, [x0, #VCPU_X(8)]
	ldp	x10, x11, [x0, #VCPU_X(10)]
	ldp	x12, x13, [x0, #VCPU_X(12)]
	ldp	x14, x15, [x0, #VCPU_X(14)]
	ldp	x16, x17, [x0, #VCPU_X(16)]
	ldp	x18, x19, [x0, #VCPU_X(18)]
	ldp	x20, x21, [x0, #VCPU_X(20)]
	ldp	x22, x23, [x0, #VCPU_X(22)]
	ldp	x24, x25, [x0, #VCPU_X(24)]
	ldp	x26, x27, [x0, #VCPU_X(26)]
	ldp	x28, x29, [x0, #VCPU_X(28)]
	ldr	x30, [x0, #VCPU_X(30)]
	ldp	x0, x1, [x0, #VCPU_X(0)]
	eret
	dsb	nsh				/* no speculation past the eret */
	isb
9:	mov	x0, #GUEST_EXIT_SERROR_AT_ENTRY
	ret

.macro guest_exit code
	stp	x0, x1, [sp, #-16]!
	guest_exit_pushed \code
.endm

/* The same, the guest's x0 and x1 already pushed. */
.macro guest_exit_pushed code
	ldr	x0, [sp, #16]			/* the vcpu_arch pointer */
	stp	x2, x3, [x0, #VCPU_X(2)]
	stp	x4, x5, [x0, #VCPU_X(4)]
	stp	x6, x7, [x0, #VCPU_X(6)]
	stp	x8, x9, [x0, #VCPU_X(8)]
	stp	x10, x11, [x0, #VCPU_X(10)]
	stp	x12, x13, [x0, #VCPU_X(12)]
	stp	x14, x15, [x0, #VCPU_X(14)]
	stp	x16, x17, [x0, #VCPU_X(16)]
	stp	x18, x19, [x0, #VCPU_X(18)]
	stp	x20, x21, [x0, #VCPU_X(20)]
	stp	x22, x23, [x0, #VCPU_X(22)]
	stp	x24, x25, [x0, #VCPU_X(24)]
	stp	x26, x27, [x0, #VCPU_X(26)]
	stp	x28, x29, [x0, #VCPU_X(28)]
	str	x30, [x0, #VCPU_X(30)]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #VCPU_X(0)]
	mov	x1, #\code
	b	guest_exit_common
.endm

	.globl guest_exit_sync
guest_exit_sync:
	/* An FP/SIMD trap (lazy switching) is served without an exit. */
	stp	x0, x1, [sp, #-16]!
	mrs	x1, esr_el2
	ubfx	x1, x1, #26, #6
	cmp	x1, #0x07
	b.eq	guest_fp_trap			/* fpsimd.S, pops x0 and x1 */
	guest_exit_pushed GUEST_EXIT_SYNC
	.globl guest_exit_irq
guest_exit_irq:
	guest_exit GUEST_EXIT_IRQ
	.globl guest_exit_fiq
guest_exit_fiq:
	guest_exit GUEST_EXIT_FIQ
	.globl guest_exit_serror
guest_exit_serror:
	guest_exit GUEST_EXIT_SERROR

guest_exit_common:
	/*
	 * An SError this guest's accesses caused is this guest's: complete
	 * them (dsb sy) and, with RAS, synchronise errors (esb, which with
	 * SError masked defers one into DISR_EL1); without RAS, look for one
	 * pending (ISR_EL1.A). Found: the exit says so and vcpu.c collects it
	 * (serror_collect) and charges this vCPU.
	 */
	dsb	sy
	adrp	x2, serror_ras
	ldrb	w2, [x2, :lo12:serror_ras]
	cbz	w2, 1f
	hint	#16				/* esb */
	mrs	x2, S3_0_C12_C1_1		/* DISR_EL1 */
	cbnz	x2, 2f
	b	3f
1:	isb
	mrs	x2, isr_el1
	tbz	x2, #8, 3f
2:	orr	x1, x1, #GUEST_EXIT_SERROR_PENDING
3:	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #VCPU_PC]
	mrs	x2, sp_el0
	str	x2, [x0, #VCPU_SP_EL0]
	add	sp, sp, #16			/* drop the vcpu_arch pointer */
	ldp	x19, x20, [x0, #VCPU_HOST + 0]
	ldp	x21, x22, [x0, #VCPU_HOST + 16]
	ldp	x23, x24, [x0, #VCPU_HOST + 32]
	ldp	x25, x26, [x0, #VCPU_HOST + 48]
	ldp	x27, x28, [x0, #VCPU_HOST + 64]
	ldp	x29, x30, [x0, #VCPU_HOST + 80]
	mov	x0, x1
	ret
