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
/* Zero at the point of coherency (a guest with caches off reads zeros);
 * only the pages not already known to be zero are written. */
void *page_alloc_zeroed(unsigned order);
/*
 * Make an allocated block zero at PoC where the allocator says it may hold
 * data (it was dirty when allocated, or marked so since), calling pace()
 * between runs, if given; its pages are then clean as far as it knows.
 */
void page_zero_dirty(void *p, unsigned order, void (*pace)(void));
/* The scrubber's step: clean one free block of at most 2^max_order pages
 * that holds dirty pages; false when no free page is dirty. */
bool page_scrub_one(unsigned max_order);
/* True while the scrubber holds a block: a large allocation that failed
 * may succeed once it is back (a caller that can sleep retries). */
bool page_scrub_busy(void);
/* Freed pages count as dirty (they held the owner's data) until scrubbed. */
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
