/*
 * fpsimd_fill(seed) loads V0-V31 with a pattern derived from seed:
 * Vn.D[0] = seed + (n + 1) * K, Vn.D[1] = ~Vn.D[0].
 * fpsimd_diff(seed) returns a mask with bit n set where Vn no longer holds
 * that pattern. The C in between is built -mgeneral-regs-only, so only
 * something outside this guest can change them.
 */
#define K	0x9e3779b97f4a7c15

	.text
	.globl fpsimd_fill
fpsimd_fill:
	ldr	x2, =K
	mov	x1, x0
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	add	x1, x1, x2
	mvn	x3, x1
	fmov	d\n, x1
	mov	v\n\().d[1], x3
	.endr
	ret

	.globl fpsimd_diff
fpsimd_diff:
	ldr	x2, =K
	mov	x1, x0
	mov	x0, #0
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	add	x1, x1, x2
	mvn	x3, x1
	fmov	x4, d\n
	mov	x5, v\n\().d[1]
	cmp	x4, x1
	ccmp	x5, x3, #0, eq
	cset	x6, ne
	orr	x0, x0, x6, lsl #\n
	.endr
	ret
