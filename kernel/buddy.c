/*
 * Binary buddy allocator for physical pages: region setup, block split on
 * allocation, validated free with coalescing, and the page counters.
 *
 * Per-page state is one byte, stored in the first pages of each region:
 *   STATE_FREE  | order  the page heads a free block of 2^order pages
 *   STATE_ALLOC | order  the page heads an allocated block of 2^order pages
 *   STATE_TAIL           the page is inside some block but not its head
 * Only head bytes ever change (one per split or merge step), which keeps
 * alloc and free O(BUDDY_MAX_ORDER) while still letting free() reject
 * double, wrong-order and interior frees exactly.
 *
 * Locking is the caller's business; nothing here is global.
 */
#include <tandem/buddy.h>

#include <errno.h>
#include <string.h>

#define STATE_TAIL		0x00
#define STATE_FREE		0x40
#define STATE_ALLOC		0x80

static inline uint64_t order_bytes(unsigned int order)
{
	return PAGE_SIZE << order;
}

/* A free block's list node is stored at its start, reached through the map. */
static inline struct list_node *pa_to_node(const struct buddy *b, paddr_t pa)
{
	return (struct list_node *)(uintptr_t)(pa + b->va_offset);
}

static inline paddr_t node_to_pa(const struct buddy *b,
				 const struct list_node *node)
{
	return (paddr_t)(uintptr_t)node - b->va_offset;
}

static struct buddy_region *region_of(struct buddy *b, paddr_t pa)
{
	unsigned int i;

	for (i = 0; i < b->n_regions; i++) {
		struct buddy_region *r = &b->regions[i];

		if (pa >= r->start && pa < r->end)
			return r;
	}
	return NULL;
}

static inline uint8_t *state_of(const struct buddy_region *r, paddr_t pa)
{
	return &r->state[(pa - r->start) >> PAGE_SHIFT];
}

static void push_free(struct buddy *b, const struct buddy_region *r,
		      paddr_t pa, unsigned int order)
{
	*state_of(r, pa) = (uint8_t)(STATE_FREE | order);
	list_add_head(&b->free_list[order], pa_to_node(b, pa));
	b->free_blocks[order]++;
	b->free_pages += 1ULL << order;
}

/* The caller rewrites the head byte: it knows what the block becomes. */
static void unlink_free(struct buddy *b, paddr_t pa, unsigned int order)
{
	list_del(pa_to_node(b, pa));
	b->free_blocks[order]--;
	b->free_pages -= 1ULL << order;
}

void buddy_init(struct buddy *b, uintptr_t va_offset)
{
	unsigned int i;

	memset(b, 0, sizeof(*b));
	b->va_offset = va_offset;
	for (i = 0; i <= BUDDY_MAX_ORDER; i++)
		list_init(&b->free_list[i]);
}

/* Largest block that starts at pa, is aligned and fits in len. */
static unsigned int largest_fit(paddr_t pa, uint64_t len)
{
	/* pa 0 is aligned to everything (and ctz(0) is undefined). */
	unsigned int order = pa ? (unsigned int)__builtin_ctzll(pa) - PAGE_SHIFT :
			     BUDDY_MAX_ORDER;

	if (order > BUDDY_MAX_ORDER)
		order = BUDDY_MAX_ORDER;
	while (order_bytes(order) > len)
		order--;
	return order;
}

static bool overlaps_region(const struct buddy *b, paddr_t base, paddr_t end)
{
	unsigned int i;

	for (i = 0; i < b->n_regions; i++) {
		const struct buddy_region *r = &b->regions[i];

		if (base < r->end && r->base < end)
			return true;
	}
	return false;
}

int buddy_add_region(struct buddy *b, paddr_t base, uint64_t size)
{
	struct buddy_region *r;
	uint64_t pages, meta;
	paddr_t end, pa;

	/* A range ending exactly at 2^64 is refused too: end must be representable. */
	if (size == 0 || base + size < base)
		return -EINVAL;
	end = ALIGN_DOWN(base + size, PAGE_SIZE);
	/* Checked before rounding base up, which could otherwise wrap. */
	if (end <= base)
		return -EINVAL;
	base = ALIGN_UP(base, PAGE_SIZE);
	if (base == end)
		return -EINVAL;
	if (overlaps_region(b, base, end))
		return -EEXIST;
	if (b->n_regions == BUDDY_MAX_REGIONS)
		return -ENOMEM;

	/*
	 * meta pages must hold one byte for each of the other pages:
	 * meta * PAGE_SIZE >= pages - meta, i.e. meta = ceil(pages / 4097).
	 */
	pages = (end - base) >> PAGE_SHIFT;
	meta = (pages + PAGE_SIZE) / (PAGE_SIZE + 1);
	if (meta >= pages)
		return -ENOMEM;

	r = &b->regions[b->n_regions++];
	r->base = base;
	r->start = base + (meta << PAGE_SHIFT);
	r->end = end;
	/*
	 * A region at physical 0 puts the state bytes in page 0: nothing
	 * here gives address 0 a meaning, and failures are BUDDY_NONE.
	 */
	r->state = (uint8_t *)(uintptr_t)(base + b->va_offset);
	memset(r->state, STATE_TAIL, pages - meta);

	b->total_pages += pages;
	b->metadata_pages += meta;

	/* Greedily cover [start, end) with the largest aligned blocks. */
	for (pa = r->start; pa < end; ) {
		unsigned int order = largest_fit(pa, end - pa);

		push_free(b, r, pa, order);
		pa += order_bytes(order);
	}
	return 0;
}

paddr_t buddy_alloc(struct buddy *b, unsigned int order)
{
	const struct buddy_region *r;
	unsigned int k;
	paddr_t pa;

	if (order > BUDDY_MAX_ORDER)
		return BUDDY_NONE;
	for (k = order; k <= BUDDY_MAX_ORDER; k++)
		if (!list_empty(&b->free_list[k]))
			break;
	if (k > BUDDY_MAX_ORDER)
		return BUDDY_NONE;

	pa = node_to_pa(b, b->free_list[k].next);
	r = region_of(b, pa);
	unlink_free(b, pa, k);
	/* Keep the lower half each time; the upper half goes back free. */
	while (k > order) {
		k--;
		push_free(b, r, pa + order_bytes(k), k);
	}
	*state_of(r, pa) = (uint8_t)(STATE_ALLOC | order);
	return pa;
}

paddr_t buddy_alloc_at(struct buddy *b, paddr_t pa, unsigned int order)
{
	const struct buddy_region *r;
	unsigned int k;
	paddr_t head = 0;

	if (order > BUDDY_MAX_ORDER || !IS_ALIGNED(pa, order_bytes(order)))
		return BUDDY_NONE;
	r = region_of(b, pa);
	if (!r || pa < r->start || order_bytes(order) > r->end - pa)
		return BUDDY_NONE;
	/* The free block holding pa, if any, is the one of some order k whose
	 * aligned head lies in the region and says "free, order k". */
	for (k = order; k <= BUDDY_MAX_ORDER; k++) {
		head = pa & ~(order_bytes(k) - 1);
		if (head < r->start || head + order_bytes(k) > r->end)
			continue;
		if (*state_of(r, head) == (STATE_FREE | k))
			break;
	}
	if (k > BUDDY_MAX_ORDER)
		return BUDDY_NONE;
	unlink_free(b, head, k);
	/* Split towards pa; the other half goes back free each time. */
	while (k > order) {
		k--;
		if (pa & order_bytes(k)) {
			push_free(b, r, head, k);
			head += order_bytes(k);
		} else {
			push_free(b, r, head + order_bytes(k), k);
		}
	}
	*state_of(r, pa) = (uint8_t)(STATE_ALLOC | order);
	return pa;
}

int buddy_free(struct buddy *b, paddr_t pa, unsigned int order)
{
	const struct buddy_region *r;

	if (order > BUDDY_MAX_ORDER || !IS_ALIGNED(pa, order_bytes(order)))
		return -EINVAL;
	r = region_of(b, pa);
	if (!r || *state_of(r, pa) != (STATE_ALLOC | order))
		return -EINVAL;

	*state_of(r, pa) = STATE_TAIL;
	while (order < BUDDY_MAX_ORDER) {
		paddr_t buddy = pa ^ order_bytes(order);

		/*
		 * A free head byte of the same order vouches for the whole
		 * buddy lying in this region, so checking its head suffices;
		 * the region test keeps merges out of metadata and away from
		 * a neighbouring region.
		 */
		if (buddy < r->start || buddy >= r->end ||
		    *state_of(r, buddy) != (STATE_FREE | order))
			break;
		unlink_free(b, buddy, order);
		*state_of(r, buddy) = STATE_TAIL;
		pa &= ~order_bytes(order);
		order++;
	}
	push_free(b, r, pa, order);
	return 0;
}

void buddy_stats(const struct buddy *b, struct buddy_stats *st)
{
	st->total_pages = b->total_pages;
	st->free_pages = b->free_pages;
	st->metadata_pages = b->metadata_pages;
	memcpy(st->free_blocks, b->free_blocks, sizeof(st->free_blocks));
}

unsigned int buddy_order_for(uint64_t bytes)
{
	/* Rounded up without adding to bytes, which could overflow. */
	uint64_t pages = (bytes >> PAGE_SHIFT) + ((bytes & (PAGE_SIZE - 1)) != 0);

	if (pages <= 1)
		return 0;
	return (unsigned int)(64 - __builtin_clzll(pages - 1));
}
