/*
 * The host's physical page allocator: one buddy instance over all RAM the
 * board gives us, minus the image, the DTB and reserved ranges.
 */
#ifndef TANDEM_PAGE_ALLOC_H
#define TANDEM_PAGE_ALLOC_H

#include <tandem/buddy.h>

struct board;

int page_alloc_init(const struct board *b, paddr_t image_start,
		    paddr_t image_end, paddr_t dtb, uint64_t dtb_size);
void *page_alloc(unsigned order);		/* NULL when none */
/* The block at pa exactly (pa aligned to the block size); NULL if any of it is taken. */
void *page_alloc_at(paddr_t pa, unsigned order);
void *page_alloc_zeroed(unsigned order);
void page_free(void *p, unsigned order);
unsigned page_order_for(size_t bytes);
void page_alloc_stats(struct buddy_stats *st);

/* The C heap (picolibc malloc) lives in one block from the page allocator. */
#define HEAP_SIZE MiB(4)
int heap_init(void);
struct heap_stats {
	size_t size;		/* arena reserved for the heap */
	size_t grown;		/* handed to malloc so far (sbrk) */
	size_t used;		/* in live allocations */
	size_t free;		/* free inside what was grown */
};
void heap_stats(struct heap_stats *st);

#endif
