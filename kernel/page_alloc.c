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

#define MAX_HOLES (BOARD_MAX_RESERVED + 2)

struct range {
	paddr_t start, end;
};

/* Add [start, end) minus every hole to the allocator. */
static void add_minus_holes(paddr_t start, paddr_t end, const struct range *holes,
			    unsigned n_holes)
{
	for (unsigned i = 0; i < n_holes && start < end; i++) {
		const struct range *h = &holes[i];

		if (h->end <= start || h->start >= end)
			continue;
		if (h->start > start)
			add_minus_holes(start, h->start, holes + i + 1, n_holes - i - 1);
		start = h->end;
	}
	if (start >= end)
		return;
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

int page_alloc_init(const struct board *b, paddr_t image_start,
		    paddr_t image_end, paddr_t dtb, uint64_t dtb_size)
{
	struct range holes[MAX_HOLES];
	unsigned n = 0;

	buddy_init(&pages);
	pages.node_wipe = wipe_to_poc;
	holes[n++] = (struct range){ image_start, image_end };
	holes[n++] = (struct range){ dtb & ~(PAGE_SIZE - 1),
				     ALIGN_UP(dtb + dtb_size, PAGE_SIZE) };
	for (unsigned i = 0; i < b->n_reserved; i++)
		holes[n++] = (struct range){ b->reserved[i].base,
					     b->reserved[i].base + b->reserved[i].size };

	for (unsigned i = 0; i < b->n_mem; i++) {
		paddr_t s = b->mem[i].base, e = s + b->mem[i].size;

		if (mmu_map(s, e - s, MMU_NORMAL)) {
			LOG_ERR("page allocator: cannot map RAM %#llx-%#llx",
				(unsigned long long)s, (unsigned long long)e);
			continue;
		}
		add_minus_holes(s, e, holes, n);
	}
	return pages.total_pages ? 0 : -ENOMEM;
}

unsigned page_order_for(size_t bytes)
{
	return buddy_order_for(bytes);
}

void *page_alloc(unsigned order)
{
	k_spinlock_key_t key = k_spin_lock(&pages_lock);
	paddr_t pa = buddy_alloc(&pages, order);

	k_spin_unlock(&pages_lock, key);
	return (void *)pa;
}

void *page_alloc_at(paddr_t pa, unsigned order)
{
	k_spinlock_key_t key = k_spin_lock(&pages_lock);
	paddr_t got = buddy_alloc_at(&pages, pa, order);

	k_spin_unlock(&pages_lock, key);
	return (void *)got;
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

	scrub_out = pa != 0;
	scrub_held_pages = pa ? 1ULL << order : 0;
	k_spin_unlock(&pages_lock, key);
	if (!pa)
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
