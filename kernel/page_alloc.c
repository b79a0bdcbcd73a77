/*
 * The global page allocator: carves the board's RAM into free regions (RAM
 * minus image, DTB, /memreserve/ and /reserved-memory) and serves pages from
 * a lock-protected buddy instance.
 */
#include <errno.h>
#include <string.h>
#include <tandem/board.h>
#include <tandem/log.h>
#include <tandem/page_alloc.h>
#include <tandem/spinlock.h>
#include <arch/mmu.h>

static struct buddy pages;
static struct k_spinlock pages_lock;

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

void *page_alloc_zeroed(unsigned order)
{
	void *p = page_alloc(order);

	if (p)
		memset(p, 0, PAGE_SIZE << order);
	return p;
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
	k_spin_unlock(&pages_lock, key);
}
