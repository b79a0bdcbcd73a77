/*
 * EL2 stage-1 translation: an identity map (VA == PA) built from a static
 * pool of tables. 4 KiB granule, 48-bit VA, 4 levels; 1 GiB and 2 MiB blocks
 * where alignment allows. mmu_early_init() runs with the MMU off (so it uses
 * no library calls and only aligned stores) and maps just the image and the
 * DTB; the rest (the console UART first, then all RAM and device windows)
 * is added once the MMU is on and the DTB is read.
 *
 * W^X: the image is mapped page by page with the final rights from the
 * start (the relocations are applied before, with the MMU off): text
 * read-only and executable, read-only data read-only, data and BSS
 * writable; everything but text, and all other RAM (heap, stacks, guest
 * RAM), is never executable at EL2, and SCTLR_EL2.WXN makes the hardware
 * enforce that no writable page is executable. Each boot stack's guard
 * page is left unmapped.
 *
 * Thread stacks are mapped a second time in the stack window, a region of
 * VA no RAM or device uses, with unmapped VA below each: see stack.c.
 */
#include <errno.h>
#include <arch/mmu.h>
#include <arch/layout.h>
#include <arch/sysreg.h>

#define PTE_VALID	(1UL << 0)
#define PTE_TABLE	(3UL << 0)	/* levels 0..2 */
#define PTE_BLOCK	(1UL << 0)	/* levels 1..2 */
#define PTE_PAGE	(3UL << 0)	/* level 3 */
#define PTE_TYPE_MASK	(3UL << 0)
#define PTE_ATTRIDX(i)	((uint64_t)(i) << 2)
#define PTE_AP1		(1UL << 6)	/* RES1 in the single-range EL2 regime */
#define PTE_AP_RO	(1UL << 7)	/* AP[2]: read-only */
#define PTE_SH_INNER	(3UL << 8)
#define PTE_AF		(1UL << 10)
#define PTE_XN		(1UL << 54)
#define PTE_ADDR_MASK	0x0000fffffffff000UL

/* The stack window's tables (one L1, one L2, the L3s) are in the pool. */
#define WINDOW_L3_TABLES (MMU_STACK_WINDOW_SIZE >> 21)
#define MMU_POOL_TABLES	(48 + 2 + WINDOW_L3_TABLES)
#define PT_ENTRIES	512

static uint64_t pt_pool[MMU_POOL_TABLES][PT_ENTRIES] __aligned(4096);
static unsigned pt_used;
static uint64_t *window_l3[WINDOW_L3_TABLES];
uint64_t mmu_ttbr0;

extern char _image_start[], _text_end[], _rodata_end[], _image_end[];
/* Boot stacks (boot.S): per CPU one unmapped guard page, then the stack. */
extern char boot_stacks[];

#define ATTR_NORMAL	(PTE_ATTRIDX(MT_NORMAL) | PTE_AF | PTE_AP1 | PTE_SH_INNER)
#define ATTR_TEXT	(ATTR_NORMAL | PTE_AP_RO)
#define ATTR_RODATA	(ATTR_NORMAL | PTE_AP_RO | PTE_XN)
#define ATTR_DATA	(ATTR_NORMAL | PTE_XN)

static uint64_t kind_attrs(enum mmu_kind kind)
{
	if (kind == MMU_DEVICE)
		return PTE_ATTRIDX(MT_DEVICE_nGnRE) | PTE_AF | PTE_AP1 | PTE_XN;
	return ATTR_DATA;
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

	if (size == 0 || end <= start || end > MMU_STACK_WINDOW_BASE)
		return -EINVAL;
	if (kind == MMU_NORMAL) {
		/* The image keeps the rights mmu_early_init gave its parts. */
		uint64_t img = (uint64_t)_image_start, img_end = (uint64_t)_image_end;

		ret = 0;
		if (start < img)
			ret = map_level(root_table(), 0, start, end < img ? end : img,
					ATTR_DATA);
		if (!ret && end > img_end)
			ret = map_level(root_table(), 0, start > img_end ? start : img_end,
					end, ATTR_DATA);
	} else {
		ret = map_level(root_table(), 0, start, end, kind_attrs(kind));
	}
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

/* The level-3 entry for va, if va is mapped through a level-3 table. */
static uint64_t *pte_l3(uint64_t va)
{
	uint64_t *table = root_table();

	for (int level = 0; level < 3; level++) {
		uint64_t e = table[(va >> level_shift(level)) & (PT_ENTRIES - 1)];

		if ((e & PTE_TYPE_MASK) != PTE_TABLE)
			return NULL;
		table = (uint64_t *)(e & PTE_ADDR_MASK);
	}
	return &table[(va >> 12) & (PT_ENTRIES - 1)];
}

/* Link the stack window's tables: L0 -> L1 -> L2 -> the L3s, all empty. */
static void window_tables_init(void)
{
	uint64_t va = MMU_STACK_WINDOW_BASE;
	uint64_t *l1 = table_alloc(), *l2 = table_alloc();

	root_table()[(va >> level_shift(0)) & (PT_ENTRIES - 1)] = (uint64_t)l1 | PTE_TABLE;
	l1[(va >> level_shift(1)) & (PT_ENTRIES - 1)] = (uint64_t)l2 | PTE_TABLE;
	for (unsigned i = 0; i < WINDOW_L3_TABLES; i++) {
		window_l3[i] = table_alloc();
		l2[((va >> level_shift(2)) + i) & (PT_ENTRIES - 1)] =
			(uint64_t)window_l3[i] | PTE_TABLE;
	}
}

/* MMU off: map the image with its final rights and the DTB. */
void mmu_early_init(const void *dtb)
{
	uint64_t img = (uint64_t)_image_start;
	uint64_t dtb_size = 0x10000;

	pt_used = 1;	/* pt_pool[0] is the root */
	map_level(root_table(), 0, img, (uint64_t)_text_end, ATTR_TEXT);
	map_level(root_table(), 0, (uint64_t)_text_end, (uint64_t)_rodata_end, ATTR_RODATA);
	map_level(root_table(), 0, (uint64_t)_rodata_end, (uint64_t)_image_end, ATTR_DATA);
	for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++) {
		uint64_t *pte = pte_l3((uint64_t)boot_stacks + i * BOOT_STACK_STRIDE);

		if (pte)
			*pte = 0;
	}
	if (dtb && be32(dtb) == 0xd00dfeedU)
		dtb_size = be32((const char *)dtb + 4);
	if (dtb)
		map_level(root_table(), 0, (uint64_t)dtb & ~0xfffUL,
			  ALIGN_UP((uint64_t)dtb + dtb_size, 4096), ATTR_DATA);
	window_tables_init();
	mmu_ttbr0 = (uint64_t)root_table();

	/* Discard any stale cache lines over what we just wrote uncached. */
	for (uint64_t a = (uint64_t)pt_pool;
	     a < (uint64_t)pt_pool + sizeof(pt_pool); a += 64)
		__asm__ volatile("dc ivac, %0" : : "r"(a) : "memory");
	__asm__ volatile("dc ivac, %0" : : "r"(&mmu_ttbr0) : "memory");
	for (uint64_t a = (uint64_t)window_l3 & ~63UL;
	     a < (uint64_t)window_l3 + sizeof(window_l3); a += 64)
		__asm__ volatile("dc ivac, %0" : : "r"(a) : "memory");
	dsb(sy);
}

/* ---- the stack window ---------------------------------------------------- */

static uint64_t *window_pte(uint64_t va)
{
	uint64_t off = va - MMU_STACK_WINDOW_BASE;

	return &window_l3[off >> 21][(off >> 12) & (PT_ENTRIES - 1)];
}

static bool window_range_ok(uint64_t va, uint64_t size)
{
	return (va & 0xfff) == 0 && (size & 0xfff) == 0 && size &&
	       va >= MMU_STACK_WINDOW_BASE &&
	       va + size <= MMU_STACK_WINDOW_BASE + MMU_STACK_WINDOW_SIZE;
}

int mmu_window_map(uint64_t va, paddr_t pa, uint64_t size)
{
	if (!window_range_ok(va, size) || (pa & 0xfff))
		return -EINVAL;
	for (uint64_t off = 0; off < size; off += 4096) {
		uint64_t *pte = window_pte(va + off);

		if (*pte & PTE_VALID)
			return -EEXIST;
		*pte = (pa + off) | ATTR_DATA | PTE_PAGE;
	}
	/* Invalid entries made valid: no TLB maintenance, only ordering. */
	dsb(ishst);
	isb();
	return 0;
}

/* Only the entries: other cores may keep the old translations in their
 * TLBs until mmu_window_tlb_flush(), so the caller must not map this VA
 * again before that (stack.c). They reach pages the identity map reaches
 * anyway; what must never happen is a stale entry for a reused VA. */
void mmu_window_unmap(uint64_t va, uint64_t size)
{
	if (!window_range_ok(va, size))
		return;
	for (uint64_t off = 0; off < size; off += 4096)
		*window_pte(va + off) = 0;
	dsb(ishst);
}

void mmu_window_tlb_flush(void)
{
	/* One broadcast for many freed stacks: each TLBI broadcast stops
	 * every core (in QEMU, a whole round of all vCPUs). */
	dsb(ishst);
	__asm__ volatile("tlbi alle2is" : : : "memory");
	dsb(ish);
	isb();
}

/* ---- reporting ------------------------------------------------------------- */

/* Whether every boot stack's guard page is unmapped (mmu_early_init could
 * not if the image were ever mapped with blocks there). */
static bool boot_guards_unmapped(void)
{
	for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++) {
		uint64_t *pte = pte_l3((uint64_t)boot_stacks + i * BOOT_STACK_STRIDE);

		if (!pte || (*pte & PTE_VALID))
			return false;
	}
	return true;
}

void mmu_layout(struct mmu_layout *l)
{
	l->text = (paddr_t)_image_start;
	l->text_end = (paddr_t)_text_end;
	l->rodata_end = (paddr_t)_rodata_end;
	l->image_end = (paddr_t)_image_end;
	l->wxn = (read_sysreg(sctlr_el2) & SCTLR_WXN) != 0;
	l->boot_guards = boot_guards_unmapped();
}
