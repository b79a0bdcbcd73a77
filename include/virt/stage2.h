/*
 * Stage-2 translation tables of one VM: guest-physical (IPA) to host
 * physical, 4 KiB granule, blocks of 2 MiB and 1 GiB where alignment allows.
 * Pure: tables come from the caller's allocator, so this builds on the host.
 */
#ifndef VIRT_STAGE2_H
#define VIRT_STAGE2_H

#include <tandem/types.h>

#define S2_READ		(1U << 0)
#define S2_WRITE	(1U << 1)
#define S2_EXEC		(1U << 2)
#define S2_DEVICE	(1U << 3)	/* Device-nGnRE, never executable */
#define S2_RWX		(S2_READ | S2_WRITE | S2_EXEC)

struct stage2 {
	uint64_t *root;			/* start-level table (maybe concatenated) */
	unsigned ipa_bits;		/* 32..48 */
	unsigned start_level;		/* 0, 1 or 2 */
	unsigned root_pages;		/* concatenated root tables (1..16) */
	unsigned tables;		/* pages in use, root included */
	void *(*alloc_pages)(void *ctx, unsigned n);	/* zeroed, 4 KiB aligned, n * 4 KiB contiguous and aligned to n * 4 KiB */
	void (*free_pages)(void *ctx, void *p, unsigned n);
	void *ctx;
};

/* ipa_bits: wanted IPA size (from ID_AA64MMFR0_EL1.PARange, capped at 48). */
int stage2_init(struct stage2 *s, unsigned ipa_bits,
		void *(*alloc_pages)(void *ctx, unsigned n),
		void (*free_pages)(void *ctx, void *p, unsigned n), void *ctx);
/* Map [ipa, ipa+size) to [pa, ...), page aligned. Overlapping an existing
 * mapping is -EEXIST and changes nothing; out of IPA range is -ERANGE. */
int stage2_map(struct stage2 *s, uint64_t ipa, uint64_t pa, uint64_t size, unsigned prot);
/* Remove mappings (splitting blocks as needed); unmapped parts are ignored.
 * The caller invalidates the TLB for the VMID afterwards. */
int stage2_unmap(struct stage2 *s, uint64_t ipa, uint64_t size);
/* Walk like the MMU: 0 with the output address and prot, or -ENOENT. */
int stage2_translate(const struct stage2 *s, uint64_t ipa, uint64_t *pa, unsigned *prot);
/* Free every table. */
void stage2_destroy(struct stage2 *s);
/* VTCR_EL2 for these tables, with PS from the host's PARange (0..6). */
uint64_t stage2_vtcr(const struct stage2 *s, unsigned pa_range);

#endif
