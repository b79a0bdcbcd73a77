/*
 * The FP/SIMD file: save and load (arch_fp_save/arch_fp_restore), and the
 * trap half of lazy switching (fp_lazy.c has the switch half). A thread's
 * first FP/SIMD instruction on a core whose registers hold another
 * thread's state traps (CPTR_EL2.TFP, EC 0x07); fp_take then saves the
 * owner's state into its context, loads the running thread's, makes it
 * the owner and stops trapping. From EL2 the trap comes through
 * host_sync_handler (exception.c) to arch_fp_take; from a guest it is
 * taken here (guest_fp_trap) without a full exit and the guest retries
 * the instruction. IRQs are masked on both paths.
 */
#include <arch/context.h>
#include <arch/layout.h>
#include <arch/sysreg.h>
#include <arch/fpsimd_macros.S>

/* \c = this core's struct cpu; \t0..\t2 scratch. */
.macro fp_take c, t0, t1, t2
	mrs	\t0, cptr_el2
	bic	\t0, \t0, #CPTR_EL2_TFP
	msr	cptr_el2, \t0
	isb
	ldr	\t0, [\c, #CPU_FP_TRAPS]
	add	\t0, \t0, #1
	str	\t0, [\c, #CPU_FP_TRAPS]
	ldr	\t0, [\c, #CPU_FP_OWNER]
	cbz	\t0, 1f
	add	\t0, \t0, #CTX_FP
	fp_save	\t0, \t1, \t2
1:	ldr	\t0, [\c, #CPU_CURRENT]
	str	\t0, [\c, #CPU_FP_OWNER]
	add	\t0, \t0, #CTX_FP
	fp_restore \t0, \t1, \t2
.endm

	.text
	.globl arch_fp_save
arch_fp_save:
	fp_save	x0, x10, x11
	ret

	.globl arch_fp_restore
arch_fp_restore:
	fp_restore x0, x10, x11
	ret

/* The FP trap from EL2: host code of the running thread. */
	.globl arch_fp_take
arch_fp_take:
	mrs	x0, tpidr_el2
	fp_take	x0, x1, x2, x3
	ret

/*
 * The FP trap from a guest (guest_entry.S branches here with the guest's
 * x0 and x1 pushed): its vCPU thread is the running one, and its FP/SIMD
 * state is the guest's. Only x0-x3 are used; back to the same instruction.
 */
	.globl guest_fp_trap
guest_fp_trap:
	stp	x2, x3, [sp, #-16]!
	mrs	x0, tpidr_el2
	fp_take	x0, x1, x2, x3
	ldp	x2, x3, [sp], #16
	ldp	x0, x1, [sp], #16
	eret
	dsb	nsh				/* no speculation past the eret */
	isb
