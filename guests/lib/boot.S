/*
 * Entry of a test guest at EL1 with the MMU off, and its EL1 vectors.
 *
 * The image starts with an arm64 Image header, so the raw .bin boots
 * like a Linux Image (text_offset 0x80000: RAM base + 512 KiB, where the
 * ELF is linked). The primary enters _start with x0 = DTB (ignored); a
 * secondary enters secondary_entry from PSCI CPU_ON with x0 = the context
 * ID, which is its CPU index. Every exception is handed to
 * exception_dispatch(vector, frame) with the registers saved in a
 * struct exc_frame (lib/include/lib/exception.h), which the handler may
 * change (ELR to skip an instruction) before it is restored.
 */

#include <lib/exc_frame.S>

#define MAX_CPUS	4		/* as in lib/smp.h */
#define STACK_SIZE	0x4000
#define SCTLR_EL1_VAL	0x30d00800	/* RES1 bits; MMU, caches, alignment checks off */

	.section .text.head, "ax"
	.globl	_start
_start:
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	.quad	0x80000				/* text_offset */
	.quad	_end - _start			/* image_size, with BSS and stacks */
	.quad	0x2				/* LE, 4 KiB pages, 2 MiB aligned base */
	.quad	0, 0, 0				/* res2..res4 */
	.ascii	"ARM\x64"			/* magic */
	.long	0				/* res5 */

	.text
primary_entry:
	msr	daifset, #0xf
	mrs	x1, CurrentEL
	cmp	x1, #(1 << 2)
	b.ne	wrong_el

	/* BSS is 16-byte aligned at both ends (guest.ld). */
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	mov	x19, #0
	bl	cpu_setup
	bl	guest_main
	b	park

/*
 * x0 = context ID: CPU index 1..MAX_CPUS-1 from cpu_start(), or CTX_RESUME
 * (bit 63) | index from a CPU_SUSPEND that lost the CPU's state. Anything
 * else runs on a spare stack only to report itself.
 */
	.globl	secondary_entry
secondary_entry:
	msr	daifset, #0xf
	mov	x20, x0
	tbnz	x0, #63, 3f
	cbz	x0, 4f
	cmp	x0, #MAX_CPUS
	b.hs	4f
	mov	x19, x0
	bl	cpu_setup
	mov	x0, x20
	bl	secondary_main
	b	park
3:	and	x19, x0, #0xff
	cmp	x19, #MAX_CPUS
	b.hs	4f
	bl	cpu_setup
	mov	x0, x20
	bl	secondary_main
	b	park
4:	mov	x19, #MAX_CPUS
	bl	cpu_setup
	mov	x0, x20
	bl	secondary_bad_context
	b	park

/* x19 = CPU index (MAX_CPUS: the spare stack). Leaves SErrors unmasked. */
cpu_setup:
	ldr	x1, =SCTLR_EL1_VAL
	msr	sctlr_el1, x1
	msr	spsel, #1
	msr	tpidr_el1, x19
	ldr	x1, =__stacks
	add	x2, x19, #1
	mov	x3, #STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	msr	daifclr, #4			/* SErrors are reported, not hidden */
	ret

/* Not at EL1: say so on the console with CPU 0's stack, then stop. */
wrong_el:
	ldr	x2, =__stacks + STACK_SIZE
	mov	sp, x2
	mov	x0, x1
	bl	boot_wrong_el

park:
	wfi
	b	park

/*
 * The vectors. Each entry saves x0/x1, passes its index (0..15) and
 * branches to the common path, which saves the rest.
 */
.macro	ventry	index
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	mov	x0, #\index
	b	exc_common
.endm

	.balign	0x800
	.globl	vectors
vectors:
	ventry	0		/* current EL, SP_EL0: sync */
	ventry	1		/* IRQ */
	ventry	2		/* FIQ */
	ventry	3		/* SError */
	ventry	4		/* current EL, SP_ELx: sync */
	ventry	5		/* IRQ */
	ventry	6		/* FIQ */
	ventry	7		/* SError */
	ventry	8		/* lower EL, AArch64 */
	ventry	9
	ventry	10
	ventry	11
	ventry	12		/* lower EL, AArch32 */
	ventry	13
	ventry	14
	ventry	15

exc_common:
	frame_save_rest
	mov	x1, sp
	bl	exception_dispatch
	frame_restore_eret
