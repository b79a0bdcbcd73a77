/*
 * serror_window: unmask SError at EL2 for one instruction and mask it
 * again. A pending SError is taken inside, at serror_window_open or
 * serror_window_close; the host's SError vector (vectors.S) recognises
 * that ELR, puts ESR_EL2 in x0 and returns here with SError masked.
 * Returns that ESR, or 0. Host code runs with SError masked everywhere
 * else, so no other SError is ever taken at EL2.
 */
	.text
	.globl serror_window
serror_window:
	mov	x0, #0
	msr	daifclr, #4
	.globl serror_window_open
serror_window_open:
	isb
	.globl serror_window_close
serror_window_close:
	msr	daifset, #4
	ret
