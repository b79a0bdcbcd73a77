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
 * Each page also has a dirty bit (a bitmap after the state bytes): set,
 * the page may hold someone's data; clear, it is zero at the point of
 * coherency. A plain free marks the block dirty; only a caller that has
 * scrubbed it (the scrubber, or one that never wrote it) frees it clean.
 * Allocation leaves the bits alone: they tell the new owner which pages it
 * still has to zero. dirty_free_pages counts the dirty pages on the free
 * lists, so the scrubber knows when there is nothing left to do.
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

/* ---- dirty bitmap ---------------------------------------------------------- */

static inline uint64_t page_index(const struct buddy_region *r, paddr_t pa)
{
	return (pa - r->start) >> PAGE_SHIFT;
}

/* Bits [from, to) of a bitmap: a mask per word, whole words at once. */
#define FOR_EACH_WORD(from, to, w, mask)					\
	for (uint64_t w = (from) / 64, _end = ((to) + 63) / 64; w < _end; w++)	\
		for (uint64_t mask = word_mask(w, from, to), _once = 1; _once; _once = 0)

static inline uint64_t word_mask(uint64_t w, uint64_t from, uint64_t to)
{
	uint64_t lo = w * 64 < from ? from - w * 64 : 0;
	uint64_t hi = (w + 1) * 64 > to ? to - w * 64 : 64;
	uint64_t m = hi == 64 ? ~0ULL : (1ULL << hi) - 1;

	return m & ~((1ULL << lo) - 1);
}

/* Without __builtin_popcountll: libgcc's version uses SIMD registers. */
static inline uint64_t popcount64(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ULL;
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (x * 0x0101010101010101ULL) >> 56;
}

static void dirty_set(const struct buddy_region *r, paddr_t pa, uint64_t n, bool dirty)
{
	uint64_t from = page_index(r, pa), to = from + n;

	FOR_EACH_WORD(from, to, w, mask) {
		if (dirty)
			r->dirty[w] |= mask;
		else
			r->dirty[w] &= ~mask;
	}
}

static uint64_t dirty_count(const struct buddy_region *r, paddr_t pa, uint64_t n)
{
	uint64_t from = page_index(r, pa), to = from + n, count = 0;

	FOR_EACH_WORD(from, to, w, mask)
		count += popcount64(r->dirty[w] & mask);
	return count;
}

/* The first page of [pa, pa + n pages) with 'dirty' as its bit, or BUDDY_NONE. */
static paddr_t dirty_find(const struct buddy_region *r, paddr_t pa, uint64_t n, bool dirty)
{
	uint64_t from = page_index(r, pa), to = from + n;

	FOR_EACH_WORD(from, to, w, mask) {
		uint64_t bits = (dirty ? r->dirty[w] : ~r->dirty[w]) & mask;

		if (bits)
			return r->start + ((w * 64 + (uint64_t)__builtin_ctzll(bits)) << PAGE_SHIFT);
	}
	return BUDDY_NONE;
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

/*
 * The caller rewrites the head byte: it knows what the block becomes. The
 * link the block carried is wiped, so a clean page is zero (at PoC, with
 * the kernel's wipe) once it leaves the free lists, links and all.
 */
static void unlink_free(struct buddy *b, paddr_t pa, unsigned int order)
{
	struct list_node *node = pa_to_node(b, pa);

	list_del(node);
	if (b->node_wipe)
		b->node_wipe(node, sizeof(*node));
	else
		memset(node, 0, sizeof(*node));
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

/* State bytes, then the dirty bitmap aligned to its words. */
static inline uint64_t bitmap_offset(uint64_t n)
{
	return ALIGN_UP(n, 8);
}

static inline uint64_t meta_bytes(uint64_t n)
{
	return bitmap_offset(n) + (n + 63) / 64 * 8;
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
	 * meta pages must hold one state byte and one dirty bit (in whole
	 * 64-bit words) for each of the other pages. Start from the bytes
	 * alone, meta = ceil(pages / 4097), and grow until the bits fit too.
	 */
	pages = (end - base) >> PAGE_SHIFT;
	meta = (pages + PAGE_SIZE) / (PAGE_SIZE + 1);
	while (meta < pages && meta_bytes(pages - meta) > meta * PAGE_SIZE)
		meta++;
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
	/* What was in RAM before us is unknown: every page starts dirty. */
	r->dirty = (uint64_t *)(uintptr_t)(base + b->va_offset + bitmap_offset(pages - meta));
	memset(r->dirty, 0xff, (pages - meta + 63) / 64 * 8);
	b->dirty_free_pages += pages - meta;

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
	b->dirty_free_pages -= dirty_count(r, pa, 1ULL << order);
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
	b->dirty_free_pages -= dirty_count(r, pa, 1ULL << order);
	return pa;
}

static int free_block(struct buddy *b, paddr_t pa, unsigned int order, bool dirty)
{
	const struct buddy_region *r;

	if (order > BUDDY_MAX_ORDER || !IS_ALIGNED(pa, order_bytes(order)))
		return -EINVAL;
	r = region_of(b, pa);
	if (!r || *state_of(r, pa) != (STATE_ALLOC | order))
		return -EINVAL;

	dirty_set(r, pa, 1ULL << order, dirty);
	if (dirty)
		b->dirty_free_pages += 1ULL << order;
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

int buddy_free(struct buddy *b, paddr_t pa, unsigned int order)
{
	return free_block(b, pa, order, true);
}

int buddy_free_clean(struct buddy *b, paddr_t pa, unsigned int order)
{
	return free_block(b, pa, order, false);
}

/* Pages of one allocated block, which the caller owns: no counter changes. */
static const struct buddy_region *owned_range(struct buddy *b, paddr_t pa, uint64_t pages)
{
	const struct buddy_region *r = region_of(b, pa);

	if (!r || pa < r->start || !IS_ALIGNED(pa, PAGE_SIZE) || pages > (r->end - pa) >> PAGE_SHIFT)
		return NULL;
	return r;
}

bool buddy_next_dirty(struct buddy *b, paddr_t pa, uint64_t pages,
		      paddr_t *run, uint64_t *run_pages)
{
	const struct buddy_region *r = owned_range(b, pa, pages);
	paddr_t first, stop, end = pa + (pages << PAGE_SHIFT);

	if (!r || !pages || (first = dirty_find(r, pa, pages, true)) == BUDDY_NONE)
		return false;
	stop = dirty_find(r, first, (end - first) >> PAGE_SHIFT, false);
	*run = first;
	*run_pages = ((stop != BUDDY_NONE ? stop : end) - first) >> PAGE_SHIFT;
	return true;
}

uint64_t buddy_dirty_pages(struct buddy *b, paddr_t pa, uint64_t pages)
{
	const struct buddy_region *r = owned_range(b, pa, pages);

	return r ? dirty_count(r, pa, pages) : 0;
}

void buddy_mark_clean(struct buddy *b, paddr_t pa, uint64_t pages)
{
	const struct buddy_region *r = owned_range(b, pa, pages);

	if (r)
		dirty_set(r, pa, pages, false);
}

paddr_t buddy_take_dirty(struct buddy *b, unsigned int max_order, unsigned int *order)
{
	if (!b->dirty_free_pages)
		return BUDDY_NONE;
	for (unsigned int k = 0; k <= BUDDY_MAX_ORDER; k++) {
		struct list_node *n;

		list_for_each(n, &b->free_list[k]) {
			paddr_t head = node_to_pa(b, n), pa;
			const struct buddy_region *r = region_of(b, head);
			unsigned int o = k < max_order ? k : max_order;

			pa = dirty_find(r, head, 1ULL << k, true);
			if (pa == BUDDY_NONE)
				continue;
			*order = o;
			return buddy_alloc_at(b, pa & ~(order_bytes(o) - 1), o);
		}
	}
	return BUDDY_NONE;
}

void buddy_stats(const struct buddy *b, struct buddy_stats *st)
{
	st->total_pages = b->total_pages;
	st->free_pages = b->free_pages;
	st->metadata_pages = b->metadata_pages;
	st->dirty_free_pages = b->dirty_free_pages;
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
