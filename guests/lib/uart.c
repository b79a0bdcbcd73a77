/*
 * Polled PL011 transmit. No initialisation: QEMU's PL011 and Tandem's
 * virtual one both accept characters out of reset.
 */
#include <lib/mmio.h>
#include <lib/uart.h>

#define UART_DR		0x00
#define UART_FR		0x18
#define UART_FR_TXFF	BIT(5)

void uart_putc(char c)
{
	if (c == '\n')
		uart_putc('\r');
	while (readl(UART_BASE + UART_FR) & UART_FR_TXFF)
		;
	writel((uint8_t)c, UART_BASE + UART_DR);
}

void uart_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}
