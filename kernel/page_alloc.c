/*
 * The global page allocator: carves the board's RAM into free regions (RAM
 * minus image, DTB, /memreserve/ and /reserved-memory) and serves pages from
 * a lock-protected buddy instance. It knows which free pages are zero at
 * the point of coherency (the buddy's dirty bits): page_alloc_zeroed zeroes
 * only the others, and the scrubber (kernel/scrubber.c) cleans freed pages
 * in the background through page_scrub_one.
 */
#include <errno.h>
#include <string.h>
#include <tandem/board.h>
#include <tandem/log.h>
#include <tandem/page_alloc.h>
#include <tandem/spinlock.h>
#include <arch/cache.h>
#include <arch/mmu.h>

static struct buddy pages;
static struct k_spinlock pages_lock;
static volatile bool scrub_out;		/* the scrubber holds a block it is cleaning */
static uint64_t scrub_held_pages;	/* its size: still free memory, for the stats */

/* Page 0, the DTB, the image, then the board's reserved ranges. */
#define MAX_HOLES (BOARD_MAX_RESERVED + 3)

struct range {
	paddr_t start, end;
};

typedef void piece_fn(paddr_t start, paddr_t end);

/* Call fn on each piece of [start, end) that no hole covers. */
static void each_piece(paddr_t start, paddr_t end, const struct range *holes,
		       unsigned n_holes, piece_fn *fn)
{
	for (unsigned i = 0; i < n_holes && start < end; i++) {
		const struct range *h = &holes[i];

		if (h->end <= start || h->start >= end)
			continue;
		if (h->start > start)
			each_piece(start, h->start, holes + i + 1, n_holes - i - 1, fn);
		start = h->end;
	}
	if (start < end)
		fn(start, end);
}

static void map_piece(paddr_t start, paddr_t end)
{
	if (mmu_map(start, end - start, MMU_NORMAL))
		LOG_ERR("page allocator: cannot map RAM %#llx-%#llx",
			(unsigned long long)start, (unsigned long long)end);
}

static void add_piece(paddr_t start, paddr_t end)
{
	if (end - start < 4 * PAGE_SIZE)
		return;
	if (buddy_add_region(&pages, start, end - start))
		LOG_WRN("page allocator: cannot use RAM %#llx-%#llx",
			(unsigned long long)start, (unsigned long long)end);
}

/* A clean page's free-list link, wiped as its block leaves the lists. */
static void wipe_to_poc(void *node, size_t len)
{
	memset(node, 0, len);
	cache_clean_inval_range(node, len);
}

static struct range range_of(const struct board_range *r)
{
	return (struct range){ r->base, r->base + r->size };
}

/*
 * Page 0 is never mapped at EL2 nor handed out: the map is the identity,
 * so a NULL pointer in the host must fault, not read or write RAM at
 * physical 0 (where most SoCs start their RAM). It costs one page.
 */
static const struct range null_guard = { 0, PAGE_SIZE };

int page_alloc_init(const struct board *b, paddr_t image_start,
		    paddr_t image_end, paddr_t dtb, uint64_t dtb_size)
{
	struct range holes[MAX_HOLES], no_map[BOARD_MAX_RESERVED + 1];
	unsigned n = 0, n_no_map = 0;

	buddy_init(&pages, 0);
	pages.node_wipe = wipe_to_poc;
	holes[n++] = null_guard;
	holes[n++] = (struct range){ image_start, image_end };
	holes[n++] = (struct range){ dtb & ~(PAGE_SIZE - 1),
				     ALIGN_UP(dtb + dtb_size, PAGE_SIZE) };
	no_map[n_no_map++] = null_guard;
	for (unsigned i = 0; i < b->n_reserved; i++) {
		holes[n++] = range_of(&b->reserved[i]);
		if (b->reserved_no_map & (1U << i))
			no_map[n_no_map++] = range_of(&b->reserved[i]);
	}

	for (unsigned i = 0; i < b->n_mem; i++) {
		struct range bank = range_of(&b->mem[i]);
		uint64_t before = pages.total_pages;

		each_piece(bank.start, bank.end, no_map, n_no_map, map_piece);
		each_piece(bank.start, bank.end, holes, n, add_piece);
		LOG_INF("RAM %#llx-%#llx: %llu MiB, %llu pages to the allocator",
			(unsigned long long)bank.start, (unsigned long long)bank.end,
			(unsigned long long)(b->mem[i].size >> 20),
			(unsigned long long)(pages.total_pages - before));
	}
	for (unsigned i = 0; i < b->n_reserved; i++)
		LOG_INF("reserved %#llx-%#llx%s",
			(unsigned long long)b->reserved[i].base,
			(unsigned long long)(b->reserved[i].base + b->reserved[i].size),
			b->reserved_no_map & (1U << i) ? " (no-map: not mapped)" : "");
	return pages.total_pages ? 0 : -ENOMEM;
}

unsigned page_order_for(size_t bytes)
{
	return buddy_order_for(bytes);
}

/* NULL can mean "none" here: page 0 is never in the allocator. */
static void *block_ptr(paddr_t pa)
{
	return pa == BUDDY_NONE ? NULL : (void *)pa;
}

void *page_alloc(unsigned order)
{
	k_spinlock_key_t key = k_spin_lock(&pages_lock);
	paddr_t pa = buddy_alloc(&pages, order);

	k_spin_unlock(&pages_lock, key);
	return block_ptr(pa);
}

void *page_alloc_at(paddr_t pa, unsigned order)
{
	k_spinlock_key_t key = k_spin_lock(&pages_lock);
	paddr_t got = buddy_alloc_at(&pages, pa, order);

	k_spin_unlock(&pages_lock, key);
	return block_ptr(got);
}

void page_zero_dirty(void *p, unsigned order, void (*pace)(void))
{
	paddr_t at = (paddr_t)p, end = at + (PAGE_SIZE << order), run;
	uint64_t n;

	/* The bits of a block its owner holds change only under the lock,
	 * which others take for the neighbours' bits in the same words.
	 * pace() every 4 MiB: a VM's RAM may be one run of hundreds of MiB. */
	for (;;) {
		k_spinlock_key_t key = k_spin_lock(&pages_lock);
		bool found = buddy_next_dirty(&pages, at, (end - at) >> PAGE_SHIFT, &run, &n);

		if (found)
			buddy_mark_clean(&pages, run, n);
		k_spin_unlock(&pages_lock, key);
		if (!found)
			return;
		at = run + (n << PAGE_SHIFT);
		for (paddr_t p4 = run; p4 < at; p4 += MiB(4)) {
			mem_scrub((void *)p4, at - p4 < MiB(4) ? at - p4 : MiB(4));
			if (pace)
				pace();
		}
	}
}

void *page_alloc_zeroed(unsigned order)
{
	void *p = page_alloc(order);

	if (p)
		page_zero_dirty(p, order, NULL);
	return p;
}

bool page_scrub_one(unsigned max_order)
{
	k_spinlock_key_t key = k_spin_lock(&pages_lock);
	unsigned order = 0;
	paddr_t pa = buddy_take_dirty(&pages, max_order, &order);
	int ret;

	scrub_out = pa != BUDDY_NONE;
	scrub_held_pages = scrub_out ? 1ULL << order : 0;
	k_spin_unlock(&pages_lock, key);
	if (pa == BUDDY_NONE)
		return false;
	page_zero_dirty((void *)pa, order, NULL);
	key = k_spin_lock(&pages_lock);
	ret = buddy_free_clean(&pages, pa, order);
	scrub_out = false;
	scrub_held_pages = 0;
	k_spin_unlock(&pages_lock, key);
	if (ret)
		LOG_ERR("scrubber: cannot give back %#llx (order %u)", (unsigned long long)pa, order);
	return true;
}

bool page_scrub_busy(void)
{
	return scrub_out;
}

void page_free(void *p, unsigned order)
{
	k_spinlock_key_t key = k_spin_lock(&pages_lock);
	int ret = buddy_free(&pages, (paddr_t)p, order);

	k_spin_unlock(&pages_lock, key);
	if (ret)
		LOG_ERR("page_free(%p, order %u): not an allocated block", p, order);
}

void page_alloc_stats(struct buddy_stats *st)
{
	k_spinlock_key_t key = k_spin_lock(&pages_lock);

	buddy_stats(&pages, st);
	/* A block out for scrubbing is free memory: `mem` must not see it dip. */
	st->free_pages += scrub_held_pages;
	k_spin_unlock(&pages_lock, key);
}
