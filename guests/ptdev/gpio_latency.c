/*
 * gpio_latency: how long a passed-through interrupt takes to reach the
 * guest, from the write that raises it to the guest's IRQ vector.
 *
 * The device is QEMU virt's PL061 GPIO (0x09030000, SPI 7 = INTID 39,
 * level). Pin 0 is an input nothing drives; with level sense and the
 * event polarity set to its current level its raw interrupt status is
 * set and stays set, so unmasking it (GPIOIE = 1) raises the line within
 * that one MMIO write, and masking it again drops the line. QEMU does
 * both synchronously, so under -icount every sample is the same
 * instructions: natively the CPU's own path, under Tandem the physical
 * SPI taken at EL2, forwarded hardware-linked and taken by the guest.
 *
 * Each sample: CNTVCT_EL0 just before the unmasking write, and CNTVCT_EL0
 * at the IRQ vector's first instruction (irq_stamp.S). The handler masks
 * the pin before its EOI (which, under Tandem, deactivates the physical
 * SPI). Prints "LATENCY gpio: samples=<n> min=<ns> avg=<ns> max=<ns>".
 */
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/printf.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include "ptdev.h"

#define GPIO_SAMPLES	1000
/*
 * QEMU raises the line inside the write and the CPU takes it at the next
 * instruction (natively, or at EL2 under Tandem, on the same core), so a
 * missing interrupt is one that has not come after this many looks. A
 * count, not a time: under -icount a 2 s deadline takes minutes of wall
 * time to expire, and without it a host that preempts the emulator would
 * stretch a time deadline, never the count.
 */
#define GPIO_WAIT_SPINS	1000000UL

extern char stamp_vectors[], vectors[];
extern volatile uint64_t irq_entry_stamp;

static volatile unsigned int gpio_taken;
static volatile uint64_t gpio_stamp;

void gpio_writel(uint32_t val, unsigned int reg)
{
	writel(val, GPIO_BASE + reg);
}

uint32_t gpio_readl(unsigned int reg)
{
	return readl(GPIO_BASE + reg);
}

static void gpio_handler(unsigned int intid)
{
	(void)intid;
	gpio_stamp = irq_entry_stamp;
	gpio_writel(0, GPIO_IE);	/* the line is down before the EOI */
	gpio_taken++;
}

static bool gpio_pending(void)
{
	return readl(GICD_BASE + GICD_ISPENDR + 4 * (GPIO_INTID / 32)) & BIT(GPIO_INTID % 32);
}

bool wait_count(volatile unsigned int *count, unsigned int want)
{
	for (unsigned long spin = 0; spin < GPIO_WAIT_SPINS; spin++) {
		if (*count == want)
			return true;
		cpu_relax();
	}
	return *count == want;
}

void spi_take_here(unsigned int intid, void (*handler)(unsigned int))
{
	writeq(this_mpidr() & 0xff00ffffffUL, GICD_BASE + GICD_IROUTER + 8 * intid);
	gic_set_handler(intid, handler);
	writel(BIT(intid % 32), GICD_BASE + GICD_ISENABLER + 4 * (intid / 32));
}

void spi_disable(unsigned int intid)
{
	writel(BIT(intid % 32), GICD_BASE + GICD_ICENABLER + 4 * (intid / 32));
	gicd_wait_rwp();
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	return ticks * 1000000000UL / timer_freq();
}

static void set_vbar(void *table)
{
	asm volatile("msr vbar_el1, %0\n\tisb" :: "r"(table) : "memory");
}

bool gpio_arm(void)
{
	uint32_t level;

	REQUIRE(gpio_readl(GPIO_PERIPHID0) == 0x61, "PeriphID0 0x%x, want 0x61 (PL061)",
		gpio_readl(GPIO_PERIPHID0));
	gpio_writel(0, GPIO_IE);
	gpio_writel(gpio_readl(GPIO_DIR) & ~GPIO_PIN, GPIO_DIR);
	gpio_writel(gpio_readl(GPIO_IS) | GPIO_PIN, GPIO_IS);
	gpio_writel(gpio_readl(GPIO_IBE) & ~GPIO_PIN, GPIO_IBE);
	level = gpio_readl(GPIO_DATA_PIN0) & GPIO_PIN;
	gpio_writel((gpio_readl(GPIO_IEV) & ~GPIO_PIN) | level, GPIO_IEV);
	REQUIRE(gpio_readl(GPIO_RIS) & GPIO_PIN, "GPIORIS 0x%x: pin 0's level interrupt not raised",
		gpio_readl(GPIO_RIS));
	REQUIRE(!gpio_readl(GPIO_MIS), "GPIOMIS 0x%x with every pin masked", gpio_readl(GPIO_MIS));
	return true;
}

void test_gpio_latency(void)
{
	uint64_t lo = ~0UL, hi = 0, sum = 0, t0, ticks;
	unsigned int n;

	CHECK(gic_init(), "GIC set-up failed");
	if (!gpio_arm())
		return;
	spi_take_here(GPIO_INTID, gpio_handler);
	gpio_taken = 0;
	set_vbar(stamp_vectors);
	irq_enable();
	for (n = 0; n < GPIO_SAMPLES; n++) {
		t0 = timer_now();
		gpio_writel(GPIO_PIN, GPIO_IE);
		if (!wait_count(&gpio_taken, n + 1))
			break;
		ticks = gpio_stamp - t0;
		lo = ticks < lo ? ticks : lo;
		hi = ticks > hi ? ticks : hi;
		sum += ticks;
	}
	irq_disable();
	set_vbar(vectors);
	gpio_writel(0, GPIO_IE);
	writel(BIT(GPIO_INTID % 32), GICD_BASE + GICD_ICENABLER + 4 * (GPIO_INTID / 32));
	CHECK(n == GPIO_SAMPLES, "trigger %u of %u: the interrupt taken %u times in all, want %u",
	      n + 1, GPIO_SAMPLES, gpio_taken, n + 1);
	printf("LATENCY gpio: samples=%u min=%lu avg=%lu max=%lu\n", n, ticks_to_ns(lo),
	       ticks_to_ns(sum) / n, ticks_to_ns(hi));
	printf("ptdev: counter %lu Hz, %lu ns a tick\n", timer_freq(), ticks_to_ns(1));
	CHECK(gpio_taken == GPIO_SAMPLES, "taken %u times for %u triggers", gpio_taken, GPIO_SAMPLES);
	CHECK(!gpio_pending(), "INTID %u still pending", GPIO_INTID);
}
