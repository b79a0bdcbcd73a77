/*
 * A vector table in front of the guest library's: every entry goes
 * straight to the library's, except the IRQ one (current EL, SP_EL1),
 * which first writes CNTVCT_EL0 to irq_entry_stamp. That read is the
 * earliest instruction an interrupt runs in the guest, so the latency the
 * gpio test measures ends at the handler's entry, not after the frame
 * save and the GIC acknowledge.
 */
	.bss
	.balign	8
	.globl	irq_entry_stamp
irq_entry_stamp:
	.quad	0

	.text
.macro	onward	index
	.balign	0x80
	b	vectors + 0x80 * \index
.endm

	.balign	0x800
	.globl	stamp_vectors
stamp_vectors:
	onward	0
	onward	1
	onward	2
	onward	3
	onward	4
	.balign	0x80			/* current EL, SP_EL1: IRQ */
	stp	x0, x1, [sp, #-16]!
	isb
	mrs	x0, cntvct_el0
	adrp	x1, irq_entry_stamp
	str	x0, [x1, :lo12:irq_entry_stamp]
	ldp	x0, x1, [sp], #16
	b	vectors + 0x80 * 5
	onward	6
	onward	7
	onward	8
	onward	9
	onward	10
	onward	11
	onward	12
	onward	13
	onward	14
	onward	15
