/*
 * EL2 stage-1 translation: an identity map (VA == PA) built from a static
 * pool of tables. 4 KiB granule, 48-bit VA, 4 levels; 1 GiB and 2 MiB blocks
 * where alignment allows. mmu_early_init() runs with the MMU off (so it uses
 * no library calls and only aligned stores) and maps just the image, the DTB
 * and the early UART; the rest (all RAM, device windows) is added once the
 * board is known.
 */
#include <errno.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>

#define PTE_VALID	(1UL << 0)
#define PTE_TABLE	(3UL << 0)	/* levels 0..2 */
#define PTE_BLOCK	(1UL << 0)	/* levels 1..2 */
#define PTE_PAGE	(3UL << 0)	/* level 3 */
#define PTE_TYPE_MASK	(3UL << 0)
#define PTE_ATTRIDX(i)	((uint64_t)(i) << 2)
#define PTE_AP1		(1UL << 6)	/* RES1 in the single-range EL2 regime */
#define PTE_SH_INNER	(3UL << 8)
#define PTE_AF		(1UL << 10)
#define PTE_XN		(1UL << 54)
#define PTE_ADDR_MASK	0x0000fffffffff000UL

#define MMU_POOL_TABLES	48
#define PT_ENTRIES	512

static uint64_t pt_pool[MMU_POOL_TABLES][PT_ENTRIES] __aligned(4096);
static unsigned pt_used;
uint64_t mmu_ttbr0;

/* The early console's page, mapped before the board DTB is read. */
#ifndef CONFIG_EARLY_UART
#define CONFIG_EARLY_UART 0x09000000UL
#endif

extern char _image_start[], _image_end[];

static uint64_t kind_attrs(enum mmu_kind kind)
{
	if (kind == MMU_DEVICE)
		return PTE_ATTRIDX(MT_DEVICE_nGnRE) | PTE_AF | PTE_AP1 | PTE_XN;
	return PTE_ATTRIDX(MT_NORMAL) | PTE_AF | PTE_AP1 | PTE_SH_INNER;
}

static uint64_t *table_alloc(void)
{
	if (pt_used >= MMU_POOL_TABLES)
		return NULL;
	return pt_pool[pt_used++];	/* BSS: already zero */
}

static unsigned level_shift(int level)
{
	return 39 - 9 * (unsigned)level;
}

static int map_level(uint64_t *table, int level, uint64_t va, uint64_t end,
		     uint64_t attrs)
{
	unsigned shift = level_shift(level);
	uint64_t span = 1UL << shift;

	while (va < end) {
		uint64_t *pte = &table[(va >> shift) & (PT_ENTRIES - 1)];
		uint64_t next = (va & ~(span - 1)) + span;
		uint64_t chunk_end = next < end ? next : end;
		uint64_t old = *pte;

		if (level == 3) {
			uint64_t desc = va | attrs | PTE_PAGE;

			if ((old & PTE_VALID) && old != desc)
				return -EEXIST;
			*pte = desc;
		} else if (level >= 1 && (va & (span - 1)) == 0 &&
			   chunk_end - va == span && !(old & PTE_VALID)) {
			*pte = va | attrs | PTE_BLOCK;
		} else if ((old & PTE_TYPE_MASK) == PTE_BLOCK) {
			/* Already covered by a block: fine if it is the same kind. */
			if ((old & ~PTE_ADDR_MASK & ~PTE_TYPE_MASK) !=
			    (attrs & ~PTE_ADDR_MASK))
				return -EEXIST;
		} else {
			uint64_t *sub;
			int ret;

			if (!(old & PTE_VALID)) {
				sub = table_alloc();
				if (!sub)
					return -ENOMEM;
				*pte = (uint64_t)sub | PTE_TABLE;
			} else {
				sub = (uint64_t *)(old & PTE_ADDR_MASK);
			}
			ret = map_level(sub, level + 1, va, chunk_end, attrs);
			if (ret)
				return ret;
		}
		va = chunk_end;
	}
	return 0;
}

static uint64_t *root_table(void)
{
	return pt_pool[0];
}

int mmu_map(paddr_t pa, uint64_t size, enum mmu_kind kind)
{
	uint64_t start = pa & ~0xfffUL;
	uint64_t end = (pa + size + 0xfffUL) & ~0xfffUL;
	int ret;

	if (size == 0 || end <= start || end > (1UL << 48))
		return -EINVAL;
	ret = map_level(root_table(), 0, start, end, kind_attrs(kind));
	/* Only invalid entries were filled: no TLB maintenance needed, but the
	 * table walker must observe the stores before the first access. */
	dsb(ishst);
	isb();
	return ret;
}

void *mmu_map_device(paddr_t pa, uint64_t size)
{
	if (mmu_map(pa, size, MMU_DEVICE))
		return NULL;
	return (void *)pa;
}

unsigned mmu_tables_used(void)
{
	return pt_used;
}

static uint32_t be32(const void *p)
{
	uint32_t v = *(const volatile uint32_t *)p;	/* DTB is 8-byte aligned */

	return __builtin_bswap32(v);
}

/* MMU off: map the image, the DTB and the early UART. */
void mmu_early_init(const void *dtb)
{
	uint64_t img = (uint64_t)_image_start & ~(MiB(2) - 1);
	uint64_t img_end = ALIGN_UP((uint64_t)_image_end, MiB(2));
	uint64_t dtb_size = 0x10000;

	pt_used = 1;	/* pt_pool[0] is the root */
	map_level(root_table(), 0, img, img_end, kind_attrs(MMU_NORMAL));
	if (dtb && be32(dtb) == 0xd00dfeedU)
		dtb_size = be32((const char *)dtb + 4);
	if (dtb)
		map_level(root_table(), 0, (uint64_t)dtb & ~0xfffUL,
			  ALIGN_UP((uint64_t)dtb + dtb_size, 4096),
			  kind_attrs(MMU_NORMAL));
	map_level(root_table(), 0, CONFIG_EARLY_UART,
		  CONFIG_EARLY_UART + 0x1000, kind_attrs(MMU_DEVICE));
	mmu_ttbr0 = (uint64_t)root_table();

	/* Discard any stale cache lines over what we just wrote uncached. */
	for (uint64_t a = (uint64_t)pt_pool;
	     a < (uint64_t)pt_pool + sizeof(pt_pool); a += 64)
		__asm__ volatile("dc ivac, %0" : : "r"(a) : "memory");
	__asm__ volatile("dc ivac, %0" : : "r"(&mmu_ttbr0) : "memory");
	dsb(sy);
}
