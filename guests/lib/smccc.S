/*
 * SMC Calling Convention conduits: x0 = function ID, x1..x3 = arguments,
 * result in x0. Being real calls, they let the compiler assume x0..x17
 * are clobbered, which covers SMCCC v1.0 callees.
 */

	.text
	.globl	smccc_hvc
smccc_hvc:
	hvc	#0
	ret

	.globl	smccc_smc
smccc_smc:
	smc	#0
	ret
