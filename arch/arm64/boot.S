/*
 * Entry: the arm64 Image header, the primary and secondary CPU entry points,
 * self-relocation (the image is position independent and runs wherever the
 * loader put it), EL2 register set-up and MMU enable.
 *
 * Boot protocol: the loader enters _head at EL2 with MMU off, x0 = DTB.
 * Secondaries enter secondary_entry from PSCI CPU_ON with x0 = CPU index.
 * Nothing here writes memory before the MMU is on except the primary's
 * relocation and BSS clearing, which happen before any cache is enabled.
 */
#include <arch/sysreg.h>
#include <arch/layout.h>

#define R_AARCH64_RELATIVE 1027

	.section .head.text, "ax"
	.globl _head
_head:
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	.quad	0				/* text_offset */
	.quad	_image_end - _head		/* image_size (including BSS) */
	.quad	0xa				/* flags: LE, 4 KiB pages, anywhere in RAM */
	.quad	0, 0, 0				/* res2..res4 */
	.ascii	"ARM\x64"			/* magic */
	.long	0				/* res5 */

	.text
primary_entry:
	msr	daifset, #0xf
	/* Vectors before anything can fault: see boot_vectors below. */
	adr	x1, boot_vectors
	msr	vbar_el2, x1
	isb
	mov	x19, x0				/* DTB, kept in a callee-saved register */
	mrs	x0, CurrentEL
	cmp	x0, #(2 << 2)
	b.ne	.Lnot_el2

	/* Apply R_AARCH64_RELATIVE relocations against the load address. */
	adr	x20, _head
	adrp	x0, __rela_start
	add	x0, x0, :lo12:__rela_start
	adrp	x1, __rela_end
	add	x1, x1, :lo12:__rela_end
1:	cmp	x0, x1
	b.hs	2f
	ldp	x2, x3, [x0], #16		/* r_offset, r_info */
	ldr	x4, [x0], #8			/* r_addend */
	cmp	w3, #R_AARCH64_RELATIVE
	b.ne	.Lbad_reloc
	add	x4, x4, x20
	str	x4, [x20, x2]
	b	1b
2:
	/* Clear BSS (16-byte aligned by the linker script). */
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
3:	cmp	x0, x1
	b.hs	4f
	stp	xzr, xzr, [x0], #16
	b	3b
4:
	mov	x0, #0
	bl	boot_stack_top
	mov	sp, x0
	bl	el2_setup
	mov	x0, x19
	bl	mmu_early_init			/* C, MMU off: builds the boot map */
	bl	mmu_enable
	mov	x0, x19
	bl	kernel_main			/* never returns */
	b	.Lhang

	/* x0 = CPU index (the PSCI context id). */
	.globl secondary_entry
secondary_entry:
	msr	daifset, #0xf
	adr	x1, boot_vectors
	msr	vbar_el2, x1
	isb
	mov	x19, x0
	bl	el2_setup
	bl	mmu_enable			/* tables already built by CPU 0 */
	mov	x0, x19
	bl	boot_stack_top
	mov	sp, x0
	mov	x0, x19
	bl	secondary_main			/* never returns */
	b	.Lhang

.Lnot_el2:
.Lbad_reloc:
.Lhang:
	wfe
	b	.Lhang

/* x0 = CPU index -> x0 = top of that CPU's boot stack. Leaf, no memory. */
boot_stack_top:
	adrp	x1, boot_stacks
	add	x1, x1, :lo12:boot_stacks
	add	x0, x0, #1
	mov	x2, #BOOT_STACK_STRIDE
	madd	x0, x0, x2, x1
	ret

/* EL2 control registers for running the host. Leaf, touches no memory. */
el2_setup:
	ldr	x0, =HCR_HOST
	msr	hcr_el2, x0
	ldr	x0, =CPTR_HOST
	msr	cptr_el2, x0
	mov	x0, #CNTHCTL_HOST
	msr	cnthctl_el2, x0
	mrs	x0, mdcr_el2			/* keep HPMN as reset */
	mov	x1, #MDCR_EL2_TRAPS
	orr	x0, x0, x1
	msr	mdcr_el2, x0
	msr	cntvoff_el2, xzr
	msr	vttbr_el2, xzr
	msr	tpidr_el2, xzr			/* no struct cpu yet (vectors.S checks) */
	isb
	ldr	x0, =SCTLR_EL2_RES1
	msr	sctlr_el2, x0
	adr	x0, el2_vectors
	msr	vbar_el2, x0
	isb
	ret

/* Turn on the EL2 MMU with the tables mmu.c built. Leaf, reads only
 * mmu_ttbr0, which CPU 0 cleaned to the point of coherency. */
	.globl mmu_enable
mmu_enable:
	ldr	x0, =MAIR_VALUE
	msr	mair_el2, x0
	mrs	x1, id_aa64mmfr0_el1
	and	x1, x1, #0xf			/* PARange */
	cmp	x1, #5
	mov	x2, #5
	csel	x1, x1, x2, ls			/* 52-bit PA needs LPA2: cap at 48 */
	ldr	x0, =TCR_HOST
	orr	x0, x0, x1, lsl #TCR_PS_SHIFT
	msr	tcr_el2, x0
	adrp	x0, mmu_ttbr0
	ldr	x0, [x0, :lo12:mmu_ttbr0]
	msr	ttbr0_el2, x0
	isb
	tlbi	alle2
	dsb	nsh
	isb
	mrs	x0, sctlr_el2
	ldr	x1, =(SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SA | SCTLR_WXN)
	orr	x0, x0, x1
	msr	sctlr_el2, x0
	isb
	ret

/*
 * Until el2_setup installs the real vectors (it needs the stack, BSS and
 * relocations), any exception stops here at once instead of running
 * through whatever VBAR_EL2 held: QEMU's -d int shows the one exception
 * taken, with ELR and ESR, and the core then waits. Position independent,
 * no memory touched.
 */
	.balign	2048
boot_vectors:
	.rept	16
	b	.Lhang
	.balign	128
	.endr

	/* Per CPU: a guard page (left unmapped by mmu.c), then the stack. */
	.section .bss.boot_stacks, "aw", %nobits
	.balign 4096
	.globl boot_stacks
boot_stacks:
	.skip	BOOT_STACK_STRIDE * CONFIG_MAX_CPUS
