/*
 * gic_spi: level versus edge for an SPI driven by a real line, the UART's
 * (SPI 1, INTID 33, on QEMU virt and in a Tandem VM: its TX interrupt is
 * raised by every byte written and held until UARTICR clears it), routed
 * to this CPU. Level: while the line stays up the interrupt is taken again
 * after each EOI (three times here, then the handler clears it), and a
 * line that drops before the interrupt is taken leaves nothing pending.
 * Edge: the rising edge is taken once, however long the line stays up;
 * software makes it pending again with ISPENDR while it is active, and it
 * is taken again after the EOI.
 */
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/sysreg.h>
#include <lib/test.h>
#include <lib/timer.h>
#include "gtest.h"

#define UART_BASE	0x09000000UL
#define UART_DR		0x000
#define UART_IMSC	0x038
#define UART_RIS	0x03c
#define UART_ICR	0x044
#define UART_INT_TX	BIT(5)
#define UART_SPI	33
#define WAIT_US		2000
#define LEVEL_ROUNDS	3

static volatile unsigned int taken;
static volatile bool repend_in_handler;

static uint32_t spi_bit(void)
{
	return (uint32_t)BIT(UART_SPI % 32);
}

static bool spi_pending(void)
{
	return readl(GICD_BASE + GICD_ISPENDR + 4) & spi_bit();
}

/* Level: clear the line only on the last round. Edge: ask for one more. */
static void handler(unsigned int intid)
{
	(void)intid;
	taken++;
	if (repend_in_handler && taken == 1)
		writel(spi_bit(), GICD_BASE + GICD_ISPENDR + 4);
	if (!repend_in_handler && taken >= LEVEL_ROUNDS)
		writel(UART_INT_TX, UART_BASE + UART_ICR);
}

/* Raise the UART's TX line with a byte that shows nothing: CR. */
static void raise_line(void)
{
	writel('\r', UART_BASE + UART_DR);
}

static void set_edge(bool edge)
{
	uint32_t cfg = readl(GICD_BASE + GICD_ICFGR + 8);
	uint32_t bit = (uint32_t)BIT(2 * (UART_SPI % 16) + 1);

	writel(edge ? (cfg | bit) : (cfg & ~bit), GICD_BASE + GICD_ICFGR + 8);
}

static bool level_case(void)
{
	taken = 0;
	repend_in_handler = false;
	set_edge(false);
	raise_line();
	REQUIRE(WAIT_FOR(spi_pending(), EVENT_TIMEOUT_US), "level: SPI %u not pending with the line up",
		UART_SPI);
	irq_enable();
	WAIT_FOR(taken >= LEVEL_ROUNDS, EVENT_TIMEOUT_US);
	WAIT_FOR(false, WAIT_US);
	irq_disable();
	REQUIRE(taken == LEVEL_ROUNDS, "level: taken %u times while the line stayed up for %u, want %u",
		taken, LEVEL_ROUNDS, LEVEL_ROUNDS);
	REQUIRE(!spi_pending(), "level: still pending after the line dropped");

	/* Up and down again before it is taken: nothing left. */
	taken = 0;
	raise_line();
	REQUIRE(WAIT_FOR(spi_pending(), EVENT_TIMEOUT_US), "level: SPI %u not pending the second time",
		UART_SPI);
	writel(UART_INT_TX, UART_BASE + UART_ICR);
	REQUIRE(!spi_pending(), "level: pending after the line dropped, before it was taken");
	irq_enable();
	WAIT_FOR(taken, WAIT_US);
	irq_disable();
	REQUIRE(!taken, "level: taken after its line dropped");
	return true;
}

static bool edge_case(void)
{
	taken = 0;
	repend_in_handler = true;
	set_edge(true);
	raise_line();
	irq_enable();
	WAIT_FOR(taken >= 2, EVENT_TIMEOUT_US);
	WAIT_FOR(false, WAIT_US);
	irq_disable();
	REQUIRE(taken == 2, "edge: taken %u times (one edge, one ISPENDR while active), want 2", taken);
	REQUIRE(!spi_pending(), "edge: still pending");
	writel(UART_INT_TX, UART_BASE + UART_ICR);
	set_edge(false);
	return true;
}

void test_gic_spi(void)
{
	uint32_t imsc;

	CHECK(gic_init(), "GIC set-up failed");
	writeq(this_mpidr() & 0xff00ffffffUL, GICD_BASE + GICD_IROUTER + 8 * UART_SPI);
	writel(UART_INT_TX, UART_BASE + UART_ICR);
	imsc = readl(UART_BASE + UART_IMSC);
	gic_set_handler(UART_SPI, handler);
	writel(spi_bit(), GICD_BASE + GICD_ISENABLER + 4);
	writel(imsc | UART_INT_TX, UART_BASE + UART_IMSC);
	if (level_case())
		edge_case();
	writel(imsc, UART_BASE + UART_IMSC);
	writel(UART_INT_TX, UART_BASE + UART_ICR);
	writel(spi_bit(), GICD_BASE + GICD_ICENABLER + 4);
	writel(spi_bit(), GICD_BASE + GICD_ICPENDR + 4);
}
