/*
 * Guarded thread stacks: a slot allocator over the EL2 stack window (see
 * include/tandem/stack.h). Each slot remembers the physical block behind
 * it so freeing gives both the pages and the slot back. A freed slot is
 * unmapped at once but reused only after one TLB flush on all cores,
 * done when no clean slot is left: a flush per freed stack would stop
 * every core each time a thread is reclaimed.
 */
#include <tandem/log.h>
#include <tandem/page_alloc.h>
#include <tandem/spinlock.h>
#include <tandem/stack.h>
#include <arch/mmu.h>

#define SLOTS ((unsigned)(MMU_STACK_WINDOW_SIZE / K_STACK_SLOT_SIZE))

struct slot {
	void *pages;		/* the block in the identity map; NULL: free */
	unsigned order;
	bool stale;		/* free, but other TLBs may still map it */
};

static struct slot slots[SLOTS];
static unsigned slots_used;
static struct k_spinlock slots_lock;

static uint64_t slot_base(unsigned i)
{
	return MMU_STACK_WINDOW_BASE + (uint64_t)i * K_STACK_SLOT_SIZE;
}

void *k_stack_alloc(size_t size, size_t *size_out)
{
	unsigned order = page_order_for(size);
	size_t bytes = PAGE_SIZE << order;
	void *pages;
	unsigned i;
	uint64_t va;
	k_spinlock_key_t key;

	if (bytes > K_STACK_MAX)
		return NULL;
	pages = page_alloc(order);
	if (!pages)
		return NULL;
	key = k_spin_lock(&slots_lock);
	for (i = 0; i < SLOTS && (slots[i].pages || slots[i].stale); i++)
		;
	if (i == SLOTS && slots_used < SLOTS) {
		mmu_window_tlb_flush();
		for (unsigned j = 0; j < SLOTS; j++)
			slots[j].stale = false;
		for (i = 0; i < SLOTS && slots[i].pages; i++)
			;
	}
	if (i == SLOTS) {
		k_spin_unlock(&slots_lock, key);
		page_free(pages, order);
		LOG_WRN("stack window full (%u stacks)", SLOTS);
		return NULL;
	}
	slots[i].pages = pages;
	slots[i].order = order;
	slots_used++;
	k_spin_unlock(&slots_lock, key);

	/* The stack ends at the slot's top; everything below it is guard. */
	va = slot_base(i) + K_STACK_SLOT_SIZE - bytes;
	if (mmu_window_map(va, (paddr_t)pages, bytes)) {
		k_stack_free((void *)va);
		return NULL;
	}
	if (size_out)
		*size_out = bytes;
	return (void *)va;
}

void k_stack_free(void *stack)
{
	uint64_t va = (uint64_t)stack;
	unsigned i = (unsigned)((va - MMU_STACK_WINDOW_BASE) / K_STACK_SLOT_SIZE);
	struct slot s;
	k_spinlock_key_t key;

	if (va < MMU_STACK_WINDOW_BASE || i >= SLOTS || !slots[i].pages) {
		LOG_ERR("k_stack_free(%p): not a stack", stack);
		return;
	}
	s = slots[i];
	mmu_window_unmap(slot_base(i) + K_STACK_SLOT_SIZE - (PAGE_SIZE << s.order),
			 PAGE_SIZE << s.order);
	page_free(s.pages, s.order);
	key = k_spin_lock(&slots_lock);
	slots[i].pages = NULL;
	slots[i].stale = true;
	slots_used--;
	k_spin_unlock(&slots_lock, key);
}

unsigned k_stack_slots_used(void)
{
	return READ_ONCE(slots_used);
}
