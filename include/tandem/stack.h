/*
 * Thread stacks with guard pages. A stack's pages come from the page
 * allocator and are mapped a second time at the top of a slot in the EL2
 * stack window; the rest of the slot stays unmapped, so running off the
 * bottom of a stack faults at once (and the vectors report it, vectors.S).
 */
#ifndef TANDEM_STACK_H
#define TANDEM_STACK_H

#include <tandem/types.h>

#define K_STACK_SLOT_SIZE	(128 * 1024)
/* The largest stack: half a slot, so at least 64 KiB below it are unmapped. */
#define K_STACK_MAX		(K_STACK_SLOT_SIZE / 2)

/* A stack of at least size bytes (rounded up to a power-of-two number of
 * pages; *size_out gets the real size). Returns its lowest address, or
 * NULL when out of memory or slots. */
void *k_stack_alloc(size_t size, size_t *size_out);
/* Unmap and free a stack from k_stack_alloc. */
void k_stack_free(void *stack);
/* Slots in use, for `mem`. */
unsigned k_stack_slots_used(void);

#endif
