/*
 * Bulk zeroing and copying for guest RAM (see arch/mem_bulk.h).
 * picolibc's memset/memcpy in this build move one byte per 3-4
 * instructions; a VM's 256 MiB took over a second that way. These move
 * 64 bytes (or one DC ZVA block) per loop turn, with the cache on.
 * Only for Normal memory with the MMU on: DC ZVA faults on Device memory.
 */

/* void mem_zero_bulk(void *p, size_t len) */
	.globl mem_zero_bulk
	.type mem_zero_bulk, %function
mem_zero_bulk:
	add	x2, x0, x1		/* x2 = end */
	mrs	x3, dczid_el0
	tbnz	x3, #4, 3f		/* DC ZVA prohibited: stores only */
	and	x3, x3, #0xf
	mov	x4, #4
	lsl	x4, x4, x3		/* x4 = ZVA block size in bytes */
	cmp	x1, x4, lsl #2		/* short: not worth aligning */
	b.lo	3f
	/* Head: bytes up to the first block boundary. */
	sub	x5, x4, #1
	add	x6, x0, x5
	bic	x6, x6, x5		/* x6 = first block boundary */
1:	cmp	x0, x6
	b.hs	2f
	strb	wzr, [x0], #1
	b	1b
	/* Body: whole blocks, eight a turn while eight fit (x8 = their size). */
2:	bic	x7, x2, x5		/* x7 = last block boundary */
	lsl	x8, x4, #3
8:	sub	x9, x7, x0
	cmp	x9, x8
	b.lo	4f
	.rept	8
	dc	zva, x0
	add	x0, x0, x4
	.endr
	b	8b
4:	cmp	x0, x7
	b.hs	3f
	dc	zva, x0
	add	x0, x0, x4
	b	4b
	/* Tail (and the no-ZVA path): 64, then 8, then 1 byte at a time. */
3:	sub	x6, x2, x0
	cmp	x6, #64
	b.lo	5f
	stp	xzr, xzr, [x0]
	stp	xzr, xzr, [x0, #16]
	stp	xzr, xzr, [x0, #32]
	stp	xzr, xzr, [x0, #48]
	add	x0, x0, #64
	b	3b
5:	cmp	x6, #8
	b.lo	6f
	str	xzr, [x0], #8
	sub	x6, x6, #8
	b	5b
6:	cbz	x6, 7f
	strb	wzr, [x0], #1
	sub	x6, x6, #1
	b	6b
7:	ret
	.size mem_zero_bulk, . - mem_zero_bulk

/* void mem_copy_bulk(void *dst, const void *src, size_t len): no overlap. */
	.globl mem_copy_bulk
	.type mem_copy_bulk, %function
mem_copy_bulk:
	/* 128 bytes a turn while they fit: a Linux Image is 32 MiB. */
0:	cmp	x2, #128
	b.lo	1f
	.irp	off, 0, 64
	ldp	x3, x4, [x1, #\off]
	ldp	x5, x6, [x1, #\off + 16]
	ldp	x7, x8, [x1, #\off + 32]
	ldp	x9, x10, [x1, #\off + 48]
	stp	x3, x4, [x0, #\off]
	stp	x5, x6, [x0, #\off + 16]
	stp	x7, x8, [x0, #\off + 32]
	stp	x9, x10, [x0, #\off + 48]
	.endr
	add	x0, x0, #128
	add	x1, x1, #128
	sub	x2, x2, #128
	b	0b
1:	cmp	x2, #64
	b.lo	2f
	ldp	x3, x4, [x1]
	ldp	x5, x6, [x1, #16]
	ldp	x7, x8, [x1, #32]
	ldp	x9, x10, [x1, #48]
	stp	x3, x4, [x0]
	stp	x5, x6, [x0, #16]
	stp	x7, x8, [x0, #32]
	stp	x9, x10, [x0, #48]
	add	x0, x0, #64
	add	x1, x1, #64
	sub	x2, x2, #64
	b	1b
2:	cmp	x2, #8
	b.lo	3f
	ldr	x3, [x1], #8
	str	x3, [x0], #8
	sub	x2, x2, #8
	b	2b
3:	cbz	x2, 4f
	ldrb	w3, [x1], #1
	strb	w3, [x0], #1
	sub	x2, x2, #1
	b	3b
4:	ret
	.size mem_copy_bulk, . - mem_copy_bulk
