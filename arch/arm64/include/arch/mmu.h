/* The EL2 stage-1 translation tables: an identity map of what the host touches. */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <tandem/types.h>

enum mmu_kind {
	MMU_NORMAL,	/* RAM: write-back cacheable, writable, never executable */
	MMU_DEVICE,	/* MMIO: Device-nGnRE, never executable */
};

/* The stack window: thread stacks' second mapping, with unmapped VA
 * between them (stack.c). Far above any RAM or device of the board. */
#define MMU_STACK_WINDOW_BASE	0xff8000000000UL
#define MMU_STACK_WINDOW_SIZE	(32UL << 20)

/* Identity-map [pa, pa+size) (rounded out to pages). RAM over the image
 * leaves the image's own rights alone. Returns 0 or -errno. */
int mmu_map(paddr_t pa, uint64_t size, enum mmu_kind kind);
/* Map an MMIO window and return the pointer to use for it. */
void *mmu_map_device(paddr_t pa, uint64_t size);
/* Number of translation-table pages in use, for `mem`. */
unsigned mmu_tables_used(void);

/* Map [pa, pa+size) at va in the stack window (RW, never executable), or
 * remove such a mapping from the tables; the TLBs of every core forget
 * removed mappings only at the next mmu_window_tlb_flush(). */
int mmu_window_map(uint64_t va, paddr_t pa, uint64_t size);
void mmu_window_unmap(uint64_t va, uint64_t size);
void mmu_window_tlb_flush(void);

/* The image's parts as mapped, for `mem` and the boot log. */
struct mmu_layout {
	paddr_t text, text_end, rodata_end, image_end;
	bool wxn;
	bool boot_guards;	/* each boot stack's guard page is unmapped */
};
void mmu_layout(struct mmu_layout *l);

extern uint64_t mmu_ttbr0;

#endif
