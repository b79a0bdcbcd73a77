/* The EL2 stage-1 translation tables: an identity map of what the host touches. */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <tandem/types.h>

enum mmu_kind {
	MMU_NORMAL,	/* RAM: write-back cacheable, executable */
	MMU_DEVICE,	/* MMIO: Device-nGnRE, never executable */
};

/* Identity-map [pa, pa+size) (rounded out to pages). Returns 0 or -errno. */
int mmu_map(paddr_t pa, uint64_t size, enum mmu_kind kind);
/* Map an MMIO window and return the pointer to use for it. */
void *mmu_map_device(paddr_t pa, uint64_t size);
/* Number of translation-table pages in use, for `mem`. */
unsigned mmu_tables_used(void);

extern uint64_t mmu_ttbr0;

#endif
