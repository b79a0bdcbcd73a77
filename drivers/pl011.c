/*
 * PL011 register access. The console layer (kernel/console.c) owns the
 * buffering and interrupt logic; this file only knows the hardware. The baud
 * rate is left as firmware set it.
 */
#include <drivers/pl011.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>

#define UART_DR		0x00
#define UART_FR		0x18
#define UART_CR		0x30
#define UART_IMSC	0x38
#define UART_ICR	0x44
#define FR_TXFF		(1U << 5)
#define FR_RXFE		(1U << 4)
#define CR_UARTEN	(1U << 0)
#define CR_TXE		(1U << 8)
#define CR_RXE		(1U << 9)
#define INT_RX		(1U << 4)
#define INT_TX		(1U << 5)
#define INT_RT		(1U << 6)

#ifndef CONFIG_EARLY_UART
#define CONFIG_EARLY_UART 0x09000000UL
#endif

/* Until the DTB is read, the early console (mapped by mmu_early_init). */
static volatile uint8_t *uart = (volatile uint8_t *)CONFIG_EARLY_UART;

static inline uint32_t rd(uint32_t off)
{
	return *(volatile uint32_t *)(uart + off);
}

static inline void wr(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(uart + off) = v;
}

void pl011_init(paddr_t base, uint64_t size)
{
	volatile uint8_t *p = mmu_map_device(base, size ? size : 0x1000);

	if (!p)
		return;
	uart = p;
	wr(UART_IMSC, 0);
	wr(UART_ICR, 0x7ff);
	wr(UART_CR, rd(UART_CR) | CR_UARTEN | CR_TXE | CR_RXE);
}

bool pl011_ready(void)
{
	return uart != 0;
}

bool pl011_tx_full(void)
{
	return rd(UART_FR) & FR_TXFF;
}

void pl011_tx_byte(char c)
{
	wr(UART_DR, (uint8_t)c);
}

void pl011_putc_poll(char c)
{
	while (pl011_tx_full())
		cpu_relax();
	pl011_tx_byte(c);
}

bool pl011_rx_ready(void)
{
	return !(rd(UART_FR) & FR_RXFE);
}

char pl011_rx_byte(void)
{
	return (char)(rd(UART_DR) & 0xff);
}

void pl011_set_tx_irq(bool on)
{
	uint32_t m = rd(UART_IMSC);

	wr(UART_IMSC, on ? (m | INT_TX) : (m & ~INT_TX));
}

void pl011_enable_rx_irq(void)
{
	wr(UART_IMSC, rd(UART_IMSC) | INT_RX | INT_RT);
}

void pl011_ack_irqs(void)
{
	wr(UART_ICR, INT_RX | INT_RT | INT_TX);
}
