/*
 * gscrub: checks that no VM sees what an earlier VM left in RAM or in a
 * shared region (tests/system/test_scrub.py). The same image runs in two
 * roles, chosen by its bootargs (found in the DTB at RAM end - 2 MiB):
 *
 *   gscrub-fill  writes a marker pattern over all its RAM outside its own
 *                image, stacks and DTB, and over the shared region, then
 *                powers off;
 *   s  scan      counts marker words and other non-zero words in the same
 *                places: first with the MMU off (uncached: what is at the
 *                point of coherency), then with the MMU and caches on
 *                (RAM only; the shared region's views are uncached).
 *
 * 16 MiB of RAM at 0x40000000 and the region at 0x10000000 (64 KiB), as
 * configs/gscrub.dts gives them.
 */
#include <lib/printf.h>
#include <lib/psci.h>
#include <lib/sysreg.h>
#include <lib/types.h>
#include <lib/uart.h>

#define RAM_BASE	0x40000000UL
#define RAM_SIZE	0x01000000UL
#define DTB_AT		(RAM_BASE + RAM_SIZE - 0x200000UL)
#define DTB_MAX		0x10000UL
#define SHM_BASE	0x10000000UL
#define SHM_SIZE	0x10000UL
#define MARK		0x5c5b5cab00000000UL
#define MARK_MASK	0xffffffff00000000UL

extern char _start[], _end[];
void guest_main(void);

struct count {
	unsigned long marks, nonzero;
};

#define UART_DR		0x00
#define UART_FR		0x18
#define UART_FR_RXFE	(1U << 4)

static char uart_getc(void)
{
	while (*(volatile uint32_t *)(UART_BASE + UART_FR) & UART_FR_RXFE)
		;
	return (char)*(volatile uint32_t *)(UART_BASE + UART_DR);
}

/* Every word of [from, to) that is not the image, its stacks or the DTB. */
static void for_each_ram_word(void (*fn)(volatile uint64_t *w, void *arg), void *arg)
{
	const unsigned long skip[2][2] = {
		{ (unsigned long)_start, ((unsigned long)_end + 0xfff) & ~0xfffUL },
		{ DTB_AT, DTB_AT + DTB_MAX },
	};

	for (unsigned long a = RAM_BASE; a < RAM_BASE + RAM_SIZE; a += 8) {
		if ((a >= skip[0][0] && a < skip[0][1]) || (a >= skip[1][0] && a < skip[1][1]))
			continue;
		fn((volatile uint64_t *)a, arg);
	}
}

static void fill_word(volatile uint64_t *w, void *arg)
{
	*w = MARK | ((uint64_t)(unsigned long)w & 0xffffffffUL);
	(*(unsigned long *)arg)++;
}

static void count_word(volatile uint64_t *w, void *arg)
{
	struct count *c = arg;
	uint64_t v = *w;

	c->marks += (v & MARK_MASK) == MARK;
	c->nonzero += v != 0;
}

static void scan_shm(struct count *c)
{
	for (unsigned long a = SHM_BASE; a < SHM_BASE + SHM_SIZE; a += 8)
		count_word((volatile uint64_t *)a, c);
}

/* Identity map: 0-1 GiB Device (UART, GIC), 1-2 GiB Normal write-back (RAM). */
static uint64_t l1_table[512] __attribute__((aligned(4096)));

static void mmu_on(void)
{
	l1_table[0] = 0x0UL | (1UL << 10) | 0x1;			/* AF, block, attr 0 */
	l1_table[1] = RAM_BASE | (1UL << 10) | (3UL << 8) | (1UL << 2) | 0x1;	/* AF, inner shareable, attr 1 */
	write_sysreg(0xff00UL, mair_el1);		/* attr 0 Device-nGnRnE, attr 1 Normal WB */
	/* T0SZ 25 (39-bit VA, start at level 1), WB walks, inner shareable, 4 KiB, no TTBR1, 36-bit PA. */
	write_sysreg(25UL | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 23) | (1UL << 32),
		     tcr_el1);
	write_sysreg((uint64_t)(unsigned long)l1_table, ttbr0_el1);
	asm volatile("dsb ish; tlbi vmalle1; dsb ish; isb" ::: "memory");
	write_sysreg(read_sysreg(sctlr_el1) | 1UL | (1UL << 2) | (1UL << 12), sctlr_el1);
	asm volatile("isb" ::: "memory");
}

void guest_main(void)
{
	char role;

	printf("gscrub: role? f = fill, s = scan\n");
	role = uart_getc();
	if (role == 'f') {
		unsigned long n = 0;

		for_each_ram_word(fill_word, &n);
		for (unsigned long a = SHM_BASE; a < SHM_BASE + SHM_SIZE; a += 8, n++)
			*(volatile uint64_t *)a = MARK | a;
		printf("gscrub: filled %lu words\n", n);
		psci_system_off();
	}
	if (role == 's') {
		struct count unc = { 0, 0 }, cached = { 0, 0 }, shm = { 0, 0 };

		for_each_ram_word(count_word, &unc);
		scan_shm(&shm);
		mmu_on();
		for_each_ram_word(count_word, &cached);
		printf("gscrub: uncached marks %lu nonzero %lu, cached marks %lu nonzero %lu, "
		       "shm marks %lu nonzero %lu\n", unc.marks, unc.nonzero, cached.marks,
		       cached.nonzero, shm.marks, shm.nonzero);
		psci_system_off();
	}
	printf("gscrub: no role '%c'\n", role);
	psci_system_off();
}
