/*
 * Physical page allocator: a binary buddy allocator instance over up to
 * BUDDY_MAX_REGIONS ranges of mapped RAM. It owns the free lists,
 * the per-page state bytes and the page counters; it has no lock and no
 * global state, so the kernel wraps one instance in a spinlock and the unit
 * tests build as many as they like over host buffers.
 *
 * Blocks are 2^order pages, aligned to their size relative to physical
 * address 0 (a 2 MiB block is 2 MiB aligned, as stage-2 block mappings
 * need) and never cross a region boundary. Each region keeps its own
 * metadata in its first pages, so adding memory needs no other memory.
 *
 * Every physical address is a valid block address, 0 included (RAM starts
 * at 0 on most SoCs): "no block" is BUDDY_NONE, never 0.
 */
#ifndef TANDEM_BUDDY_H
#define TANDEM_BUDDY_H

#include <tandem/types.h>
#include <tandem/list.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

#define BUDDY_MAX_ORDER 18	/* largest block: 2^18 pages = 1 GiB */
/* Each RAM bank, cut by the holes in it (image, DTB, bundle, reserved). */
#define BUDDY_MAX_REGIONS 32

/* What buddy_alloc() and buddy_alloc_at() return for "no block". */
#define BUDDY_NONE (~(paddr_t)0)

/*
 * One range of RAM. 'base' is the page-trimmed start including the
 * metadata pages; 'start' is the first page the allocator hands out.
 * 'state' (which lives at 'base') holds one byte per page of
 * [start, end): see kernel/buddy.c for the encoding.
 */
struct buddy_region {
	paddr_t base;
	paddr_t start;
	paddr_t end;
	uint8_t *state;
	uint64_t *dirty;	/* one bit per page of [start, end): may hold data */
};

struct buddy {
	/* Free blocks, linked through a list_node at each block's start. */
	struct list_node free_list[BUDDY_MAX_ORDER + 1];
	uint64_t free_blocks[BUDDY_MAX_ORDER + 1];
	uint64_t total_pages;		/* every page of every region */
	uint64_t free_pages;
	uint64_t metadata_pages;
	uint64_t dirty_free_pages;	/* free pages not yet known to be zero */
	unsigned int n_regions;
	struct buddy_region regions[BUDDY_MAX_REGIONS];
	/* Zeroes a free-list link leaving its block (to PoC in the kernel); NULL: memset. */
	void (*node_wipe)(void *node, size_t len);
	/*
	 * Where the allocator reads and writes physical address pa: at
	 * pa + va_offset. Tandem's EL2 map is the identity (0); the unit
	 * tests put "physical" RAM at 0 or above 4 GiB over host buffers.
	 */
	uintptr_t va_offset;
};

struct buddy_stats {
	uint64_t total_pages;		/* free + allocated + metadata */
	uint64_t free_pages;
	uint64_t metadata_pages;
	uint64_t dirty_free_pages;
	uint64_t free_blocks[BUDDY_MAX_ORDER + 1];
};

void buddy_init(struct buddy *b, uintptr_t va_offset);

/*
 * Give [base, base + size) to the allocator. Partial pages at either edge
 * are dropped; the metadata (one byte per page) is carved from the start.
 * The memory must be mapped and writable: free-list links and metadata
 * are stored in it.
 * Returns 0; -EINVAL if nothing is left after trimming or the range
 * wraps; -ENOMEM if the region table is full or the region cannot hold
 * its own metadata plus one page; -EEXIST if it overlaps a region.
 */
int buddy_add_region(struct buddy *b, paddr_t base, uint64_t size);

/*
 * 2^order contiguous pages aligned to their size, or BUDDY_NONE when no
 * block is free (or order > BUDDY_MAX_ORDER). The contents are not cleared.
 */
paddr_t buddy_alloc(struct buddy *b, unsigned int order);
/*
 * The block of 2^order pages at pa exactly (aligned to its size), if all
 * of it is free; BUDDY_NONE if not (some of it allocated, metadata,
 * outside every region, misaligned). For memory a VM needs at a fixed address.
 */
paddr_t buddy_alloc_at(struct buddy *b, paddr_t pa, unsigned int order);

/*
 * Return a block from buddy_alloc() with the same order. Anything else
 * (outside every region, misaligned, not the head of an allocated block
 * of exactly this order: a double or wrong-order free) changes nothing
 * and returns -EINVAL.
 */
int buddy_free(struct buddy *b, paddr_t pa, unsigned int order);

/*
 * Clean and dirty pages. Every page has a dirty bit: set, it may hold
 * someone's data (RAM given by buddy_add_region, and every block freed
 * with buddy_free); clear, it is known to be zero at the point of
 * coherency. Allocation leaves the bits as they are, so the new owner
 * learns which of its pages it must still zero.
 */
/* As buddy_free, for a block the caller vouches is zero at PoC. */
int buddy_free_clean(struct buddy *b, paddr_t pa, unsigned int order);
/*
 * In [pa, pa + pages) (pages the caller owns, in one region): the first
 * run of dirty pages, as *run and *run_pages; false when there is none
 * (or the range is not in one region).
 */
bool buddy_next_dirty(struct buddy *b, paddr_t pa, uint64_t pages,
		      paddr_t *run, uint64_t *run_pages);
uint64_t buddy_dirty_pages(struct buddy *b, paddr_t pa, uint64_t pages);
/* The caller has zeroed these pages it owns (to PoC). */
void buddy_mark_clean(struct buddy *b, paddr_t pa, uint64_t pages);
/*
 * For the scrubber: allocate a block of at most 2^max_order pages that
 * holds a free dirty page (*order says its size); BUDDY_NONE when no free
 * page is dirty. The caller zeroes the block's dirty pages and gives it back
 * with buddy_free_clean.
 */
paddr_t buddy_take_dirty(struct buddy *b, unsigned int max_order, unsigned int *order);

void buddy_stats(const struct buddy *b, struct buddy_stats *st);

/*
 * Smallest order whose block holds 'bytes' (0 for 0 bytes). May exceed
 * BUDDY_MAX_ORDER, in which case buddy_alloc() refuses it.
 */
unsigned int buddy_order_for(uint64_t bytes);

#endif
