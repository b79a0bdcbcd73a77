/*
 * Stage-2 translation tables of one VM (4 KiB granule, no LPA2): choosing
 * the start level and root concatenation for an IPA size, building and
 * tearing down descriptors, splitting blocks, walking the tables as the
 * MMU does, and the matching VTCR_EL2 value.
 *
 * Tables are identity mapped (host VA == PA, as all of Tandem's RAM), so a
 * table descriptor holds the child table's pointer value. Nothing here
 * touches a system register, takes a lock or issues a barrier: the caller
 * owns the VM's exclusion and its TLB maintenance (see stage2_unmap()).
 *
 * Level shifts with a 4 KiB granule: level 0 resolves IPA[47:39], level 1
 * IPA[38:30], level 2 IPA[29:21], level 3 IPA[20:12]. Blocks exist at
 * level 1 (1 GiB) and level 2 (2 MiB) only.
 */
#include <virt/stage2.h>

#include <errno.h>
#include <string.h>

#define S2_GRANULE_SHIFT	12
#define S2_GRANULE		(1ULL << S2_GRANULE_SHIFT)
#define S2_ENTRIES		512U
#define S2_MIN_IPA_BITS		32U
#define S2_MAX_IPA_BITS		48U
#define S2_OA_BITS		48U	/* descriptors hold OA[47:12] without LPA2 */
#define S2_MAX_CONCAT_BITS	4U	/* up to 16 concatenated start tables */

/* Descriptor fields, stage-2 format (Arm ARM D8, VMSAv8-64 descriptors). */
#define DESC_VALID		(1ULL << 0)
/* Bit 1: table (levels 0-2) or page (level 3) when set, block when clear. */
#define DESC_TYPE		(1ULL << 1)
#define DESC_MEMATTR_SHIFT	2		/* MemAttr[5:2], HCR_EL2.FWB = 0 */
#define DESC_MEMATTR_MASK	(0xfULL << DESC_MEMATTR_SHIFT)
#define MEMATTR_DEVICE_nGnRE	0x1ULL		/* [3:2] = 00 Device, [1:0] = 01 nGnRE */
#define MEMATTR_NORMAL_WB	0xfULL		/* outer WB [3:2], inner WB [1:0] */
#define DESC_S2AP_R		(1ULL << 6)	/* S2AP[0]: reads allowed */
#define DESC_S2AP_W		(1ULL << 7)	/* S2AP[1]: writes allowed */
#define DESC_SH_INNER		(3ULL << 8)	/* SH[9:8] = 11 */
#define DESC_AF			(1ULL << 10)
#define DESC_XN_SHIFT		53		/* XN[54:53] (XN[1:0] with FEAT_XNX) */
#define DESC_XN_MASK		(3ULL << DESC_XN_SHIFT)
#define DESC_XN_NONE		(2ULL << DESC_XN_SHIFT)	/* no execution at EL1 or EL0 */
#define DESC_OA_MASK		0x0000fffffffff000ULL	/* OA / next table [47:12] */
/* Everything a split copies from a block to its smaller pieces. */
#define DESC_ATTR_MASK		(~(DESC_OA_MASK | DESC_VALID | DESC_TYPE))

/* VTCR_EL2 fields (Arm ARM D19, VTCR_EL2). */
#define VTCR_T0SZ_SHIFT		0	/* [5:0]   IPA size = 64 - T0SZ */
#define VTCR_SL0_SHIFT		6	/* [7:6]   4 KiB: 0b00 L2, 0b01 L1, 0b10 L0 */
#define VTCR_IRGN0_SHIFT	8	/* [9:8]   walk inner cacheability */
#define VTCR_ORGN0_SHIFT	10	/* [11:10] walk outer cacheability */
#define VTCR_SH0_SHIFT		12	/* [13:12] walk shareability */
#define VTCR_TG0_SHIFT		14	/* [15:14] granule; 0b00 = 4 KiB */
#define VTCR_PS_SHIFT		16	/* [18:16] output (physical) address size */
#define VTCR_RES1		(1ULL << 31)
#define VTCR_RGN_WBWA		1ULL	/* Normal, write-back read/write-allocate */
#define VTCR_SH_INNER		3ULL
#define VTCR_TG0_4K		0ULL
#define VTCR_PS_48		5U	/* 52 bits (6) needs LPA2 descriptors */

static inline unsigned int level_shift(unsigned int level)
{
	return S2_GRANULE_SHIFT + 9 * (3 - level);
}

static inline uint64_t level_span(unsigned int level)
{
	return 1ULL << level_shift(level);
}

static inline unsigned int root_entries(const struct stage2 *s)
{
	return 1U << (s->ipa_bits - level_shift(s->start_level));
}

static inline unsigned int entry_index(uint64_t ipa, unsigned int level,
				       unsigned int nent)
{
	return (unsigned int)(ipa >> level_shift(level)) & (nent - 1);
}

static inline bool desc_is_table(uint64_t d, unsigned int level)
{
	return (d & DESC_VALID) && (d & DESC_TYPE) && level < 3;
}

static inline uint64_t *desc_table(uint64_t d)
{
	return (uint64_t *)(uintptr_t)(d & DESC_OA_MASK);
}

static inline uint64_t table_desc(const uint64_t *table)
{
	return ((uint64_t)(uintptr_t)table & DESC_OA_MASK) | DESC_TYPE | DESC_VALID;
}

/* A block (levels 1, 2) or page (level 3) descriptor. */
static inline uint64_t leaf_desc(uint64_t pa, uint64_t attrs, unsigned int level)
{
	return (pa & DESC_OA_MASK) | attrs | DESC_VALID |
	       (level == 3 ? DESC_TYPE : 0);
}

static uint64_t prot_to_attrs(unsigned int prot)
{
	uint64_t a = DESC_AF;

	if (prot & S2_READ)
		a |= DESC_S2AP_R;
	if (prot & S2_WRITE)
		a |= DESC_S2AP_W;
	if (prot & S2_DEVICE) {
		/* Device memory is always outer shareable: SH is ignored. */
		a |= MEMATTR_DEVICE_nGnRE << DESC_MEMATTR_SHIFT;
		a |= DESC_XN_NONE;
	} else {
		a |= MEMATTR_NORMAL_WB << DESC_MEMATTR_SHIFT;
		a |= DESC_SH_INNER;
		if (!(prot & S2_EXEC))
			a |= DESC_XN_NONE;
	}
	return a;
}

static unsigned int attrs_to_prot(uint64_t d)
{
	unsigned int prot = 0;
	uint64_t memattr = (d & DESC_MEMATTR_MASK) >> DESC_MEMATTR_SHIFT;

	if (d & DESC_S2AP_R)
		prot |= S2_READ;
	if (d & DESC_S2AP_W)
		prot |= S2_WRITE;
	if ((memattr & 0xc) == 0)	/* MemAttr[3:2] = 00: Device */
		prot |= S2_DEVICE;
	if ((d & DESC_XN_MASK) == 0)
		prot |= S2_EXEC;
	return prot;
}

/*
 * The tables are live memory for the MMU: keep descriptor stores whole
 * and in program order, and never let the compiler sink the filling of a
 * new table below the store that publishes it.
 */
static inline void set_desc(uint64_t *slot, uint64_t d)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	WRITE_ONCE(*slot, d);
}

static uint64_t *alloc_table(struct stage2 *s)
{
	uint64_t *t = s->alloc_pages(s->ctx, 1);

	if (!t)
		return NULL;
	/* A table must be addressable by a descriptor's OA[47:12]. */
	if ((uintptr_t)t & (S2_GRANULE - 1) ||
	    (uint64_t)(uintptr_t)t >> S2_OA_BITS) {
		s->free_pages(s->ctx, t, 1);
		return NULL;
	}
	/* Stale bits would be live translations: do not trust the allocator. */
	memset(t, 0, S2_GRANULE);
	s->tables++;
	return t;
}

static void free_table(struct stage2 *s, uint64_t *t)
{
	s->free_pages(s->ctx, t, 1);
	s->tables--;
}

static bool table_empty(const uint64_t *t)
{
	unsigned int i;

	for (i = 0; i < S2_ENTRIES; i++)
		if (t[i] & DESC_VALID)
			return false;
	return true;
}

/*
 * Fewest levels the Arm ARM allows (AArch64.S2InconsistentSL): a start
 * level L resolves IPA[ipa_bits-1 : shift(L)] and may take at most 9 + 4
 * bits there, the 4 extra by concatenating up to 16 tables. That gives
 * level 2 for 32..34 bits (4, 8, 16 tables), level 1 for 35..43 (16 tables
 * at 43) and level 0 for 44..48. Level 0 is also only legal with
 * PAMax >= 44, which holds as ipa_bits comes from PARange.
 */
static void pick_start_level(unsigned int ipa_bits, unsigned int *level,
			     unsigned int *pages)
{
	unsigned int l = 2;
	unsigned int bits;

	while (ipa_bits - level_shift(l) > 9 + S2_MAX_CONCAT_BITS)
		l--;
	bits = ipa_bits - level_shift(l);
	*level = l;
	*pages = bits > 9 ? 1U << (bits - 9) : 1;
}

int stage2_init(struct stage2 *s, unsigned int ipa_bits,
		void *(*alloc_pages)(void *ctx, unsigned n),
		void (*free_pages)(void *ctx, void *p, unsigned n), void *ctx)
{
	uint64_t root_bytes;

	if (!s || !alloc_pages || !free_pages ||
	    ipa_bits < S2_MIN_IPA_BITS || ipa_bits > S2_MAX_IPA_BITS)
		return -EINVAL;

	memset(s, 0, sizeof(*s));
	s->ipa_bits = ipa_bits;
	s->alloc_pages = alloc_pages;
	s->free_pages = free_pages;
	s->ctx = ctx;
	pick_start_level(ipa_bits, &s->start_level, &s->root_pages);

	root_bytes = (uint64_t)s->root_pages * S2_GRANULE;
	s->root = alloc_pages(ctx, s->root_pages);
	if (!s->root)
		return -ENOMEM;
	/* VTTBR_EL2.BADDR of concatenated tables is aligned to their size. */
	if ((uintptr_t)s->root & (root_bytes - 1) ||
	    (uint64_t)(uintptr_t)s->root >> S2_OA_BITS) {
		free_pages(ctx, s->root, s->root_pages);
		s->root = NULL;
		return -ENOMEM;
	}
	memset(s->root, 0, root_bytes);
	s->tables = s->root_pages;
	return 0;
}

/* True when no valid leaf covers any part of [start, end). */
static bool range_free(const uint64_t *table, unsigned int level,
		       unsigned int nent, uint64_t start, uint64_t end)
{
	uint64_t addr = start;

	while (addr < end) {
		uint64_t span = level_span(level);
		uint64_t next = MIN(ALIGN_DOWN(addr, span) + span, end);
		uint64_t d = table[entry_index(addr, level, nent)];

		if (desc_is_table(d, level)) {
			if (!range_free(desc_table(d), level + 1, S2_ENTRIES,
					addr, next))
				return false;
		} else if (d & DESC_VALID) {
			return false;
		}
		addr = next;
	}
	return true;
}

/*
 * Fill [start, end) -> pa, known to be free. The largest block that fits
 * alignment of both addresses and the remaining size wins; on -ENOMEM the
 * caller rolls back with clear_range().
 */
static int map_range(struct stage2 *s, uint64_t *table, unsigned int level,
		     unsigned int nent, uint64_t start, uint64_t end,
		     uint64_t pa, uint64_t attrs)
{
	uint64_t addr = start;

	while (addr < end) {
		uint64_t span = level_span(level);
		uint64_t next = MIN(ALIGN_DOWN(addr, span) + span, end);
		uint64_t out = pa + (addr - start);
		uint64_t *slot = &table[entry_index(addr, level, nent)];
		uint64_t *child;
		int ret;

		if (level == 3) {
			set_desc(slot, leaf_desc(out, attrs, 3));
			addr = next;
			continue;
		}
		if (!(*slot & DESC_VALID) && level >= 1 &&
		    next - addr == span && IS_ALIGNED(out, span)) {
			set_desc(slot, leaf_desc(out, attrs, level));
			addr = next;
			continue;
		}
		if (desc_is_table(*slot, level)) {
			child = desc_table(*slot);
		} else {
			child = alloc_table(s);
			if (!child)
				return -ENOMEM;
			set_desc(slot, table_desc(child));
		}
		ret = map_range(s, child, level + 1, S2_ENTRIES, addr, next,
				out, attrs);
		if (ret)
			return ret;
		addr = next;
	}
	return 0;
}

/*
 * Invalidate every entry inside [start, end) and free the tables this
 * empties. Leaves must not straddle the range ends (split_at() first),
 * so this never allocates and cannot fail.
 */
static void clear_range(struct stage2 *s, uint64_t *table, unsigned int level,
			unsigned int nent, uint64_t start, uint64_t end)
{
	uint64_t addr = start;

	while (addr < end) {
		uint64_t span = level_span(level);
		uint64_t next = MIN(ALIGN_DOWN(addr, span) + span, end);
		uint64_t *slot = &table[entry_index(addr, level, nent)];

		if (desc_is_table(*slot, level)) {
			uint64_t *child = desc_table(*slot);

			clear_range(s, child, level + 1, S2_ENTRIES, addr, next);
			if (table_empty(child)) {
				set_desc(slot, 0);
				free_table(s, child);
			}
		} else if (*slot & DESC_VALID) {
			set_desc(slot, 0);
		}
		addr = next;
	}
}

/*
 * Make ipa the edge of a leaf: a block straddling it is replaced by a
 * table of the next level holding the same translations, repeatedly down
 * to the level where ipa is aligned. Translations do not change, so a
 * -ENOMEM half way leaves the VM's view intact (only finer tables).
 */
static int split_at(struct stage2 *s, uint64_t ipa)
{
	uint64_t *table = s->root;
	unsigned int level = s->start_level;
	unsigned int nent = root_entries(s);

	if (ipa >= 1ULL << s->ipa_bits)
		return 0;

	for (;;) {
		uint64_t *slot = &table[entry_index(ipa, level, nent)];
		uint64_t d = *slot;
		uint64_t span = level_span(level);
		uint64_t piece = span / S2_ENTRIES;
		uint64_t *child;
		unsigned int i;

		if (!(d & DESC_VALID))
			return 0;
		if (!desc_is_table(d, level)) {
			if (IS_ALIGNED(ipa, span))
				return 0;
			child = alloc_table(s);
			if (!child)
				return -ENOMEM;
			for (i = 0; i < S2_ENTRIES; i++)
				child[i] = leaf_desc((d & DESC_OA_MASK) + i * piece,
						     d & DESC_ATTR_MASK, level + 1);
			/* Break, then make: never two live sizes at once. */
			set_desc(slot, 0);
			set_desc(slot, table_desc(child));
			d = *slot;
		}
		table = desc_table(d);
		level++;
		nent = S2_ENTRIES;
	}
}

static int check_range(const struct stage2 *s, uint64_t ipa, uint64_t size)
{
	uint64_t limit = 1ULL << s->ipa_bits;

	if (!IS_ALIGNED(ipa, S2_GRANULE) || !IS_ALIGNED(size, S2_GRANULE) ||
	    !size)
		return -EINVAL;
	if (ipa >= limit || size > limit - ipa)
		return -ERANGE;
	return 0;
}

int stage2_map(struct stage2 *s, uint64_t ipa, uint64_t pa, uint64_t size,
	       unsigned int prot)
{
	uint64_t oa_limit = 1ULL << S2_OA_BITS;
	int ret;

	if (!s->root || prot & ~(S2_RWX | S2_DEVICE) ||
	    !IS_ALIGNED(pa, S2_GRANULE))
		return -EINVAL;
	ret = check_range(s, ipa, size);
	if (ret)
		return ret;
	if (pa >= oa_limit || size > oa_limit - pa)
		return -ERANGE;

	if (!range_free(s->root, s->start_level, root_entries(s), ipa,
			ipa + size))
		return -EEXIST;

	ret = map_range(s, s->root, s->start_level, root_entries(s), ipa,
			ipa + size, pa, prot_to_attrs(prot));
	if (ret)	/* the range was free: clearing it restores the old state */
		clear_range(s, s->root, s->start_level, root_entries(s), ipa,
			    ipa + size);
	return ret;
}

/*
 * The caller must make this break-before-make: a split writes the block
 * descriptor invalid and then the new table, but only a TLB invalidation
 * (DSB ISHST; TLBI VMALLS12E1IS or by IPA; DSB ISH) in between makes that
 * safe against a running walker, and this function cannot issue one. So
 * no vCPU of the VM may run while this executes, and the caller
 * invalidates the VMID's TLB entries before any of them runs again.
 *
 * All or nothing for the translations: -ENOMEM can only come from the
 * splits at the two ends, which happen before anything is removed.
 */
int stage2_unmap(struct stage2 *s, uint64_t ipa, uint64_t size)
{
	int ret;

	if (!s->root)
		return -EINVAL;
	ret = check_range(s, ipa, size);
	if (ret)
		return ret;

	ret = split_at(s, ipa);
	if (!ret)
		ret = split_at(s, ipa + size);
	if (ret)
		return ret;
	clear_range(s, s->root, s->start_level, root_entries(s), ipa,
		    ipa + size);
	return 0;
}

/* A walk as the MMU makes it, with the faults it would take as -ENOENT. */
int stage2_translate(const struct stage2 *s, uint64_t ipa, uint64_t *pa,
		     unsigned int *prot)
{
	const uint64_t *table = s->root;
	unsigned int level = s->start_level;
	unsigned int nent = root_entries(s);

	if (!table || ipa >> s->ipa_bits)
		return -ENOENT;		/* level 0 translation fault */

	for (;;) {
		uint64_t d = table[entry_index(ipa, level, nent)];
		uint64_t span = level_span(level);

		if (!(d & DESC_VALID))
			return -ENOENT;
		if (desc_is_table(d, level)) {
			table = desc_table(d);
			level++;
			nent = S2_ENTRIES;
			continue;
		}
		/* No level-0 blocks with 4 KiB; type 0 at level 3 is reserved. */
		if (level == 0 || (level == 3 && !(d & DESC_TYPE)))
			return -ENOENT;
		if (!(d & DESC_AF))
			return -ENOENT;		/* access flag fault */
		if (pa)
			*pa = (d & DESC_OA_MASK & ~(span - 1)) | (ipa & (span - 1));
		if (prot)
			*prot = attrs_to_prot(d);
		return 0;
	}
}

static void free_tree(struct stage2 *s, uint64_t *table, unsigned int level,
		      unsigned int nent)
{
	unsigned int i;

	for (i = 0; i < nent; i++) {
		if (!desc_is_table(table[i], level))
			continue;
		free_tree(s, desc_table(table[i]), level + 1, S2_ENTRIES);
		free_table(s, desc_table(table[i]));
		table[i] = 0;
	}
}

void stage2_destroy(struct stage2 *s)
{
	if (!s->root)
		return;
	free_tree(s, s->root, s->start_level, root_entries(s));
	s->free_pages(s->ctx, s->root, s->root_pages);
	s->tables -= s->root_pages;
	s->root = NULL;
}

uint64_t stage2_vtcr(const struct stage2 *s, unsigned int pa_range)
{
	uint64_t ps = MIN(pa_range, VTCR_PS_48);

	return ((uint64_t)(64 - s->ipa_bits) << VTCR_T0SZ_SHIFT) |
	       ((uint64_t)(2 - s->start_level) << VTCR_SL0_SHIFT) |
	       (VTCR_RGN_WBWA << VTCR_IRGN0_SHIFT) |
	       (VTCR_RGN_WBWA << VTCR_ORGN0_SHIFT) |
	       (VTCR_SH_INNER << VTCR_SH0_SHIFT) |
	       (VTCR_TG0_4K << VTCR_TG0_SHIFT) |
	       (ps << VTCR_PS_SHIFT) |
	       VTCR_RES1;
}
