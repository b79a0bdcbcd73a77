/*
 * Arm PL011 UART ("arm,pl011"; QEMU virt, Versal, Raspberry Pi 4's UART0,
 * Juno). Registers are 32-bit at fixed offsets.
 */
#include <tandem/driver.h>
#include <tandem/serial.h>

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

static inline uint32_t rd(const struct serial_port *p, uint32_t off)
{
	return *(volatile uint32_t *)(p->base + off);
}

static inline void wr(const struct serial_port *p, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(p->base + off) = v;
}

static void pl011_init(const struct serial_port *p)
{
	wr(p, UART_IMSC, 0);
	wr(p, UART_ICR, 0x7ff);
	wr(p, UART_CR, rd(p, UART_CR) | CR_UARTEN | CR_TXE | CR_RXE);
}

static bool pl011_tx_full(const struct serial_port *p)
{
	return rd(p, UART_FR) & FR_TXFF;
}

static void pl011_tx_byte(const struct serial_port *p, char c)
{
	wr(p, UART_DR, (uint8_t)c);
}

static bool pl011_rx_ready(const struct serial_port *p)
{
	return !(rd(p, UART_FR) & FR_RXFE);
}

static char pl011_rx_byte(const struct serial_port *p)
{
	return (char)(rd(p, UART_DR) & 0xff);
}

static void pl011_set_tx_irq(const struct serial_port *p, bool on)
{
	uint32_t m = rd(p, UART_IMSC);

	wr(p, UART_IMSC, on ? (m | INT_TX) : (m & ~INT_TX));
}

static void pl011_enable_rx_irq(const struct serial_port *p)
{
	wr(p, UART_IMSC, rd(p, UART_IMSC) | INT_RX | INT_RT);
}

static void pl011_ack_irqs(const struct serial_port *p)
{
	wr(p, UART_ICR, INT_RX | INT_RT | INT_TX);
}

static const struct serial_ops pl011_ops = {
	.init = pl011_init,
	.tx_full = pl011_tx_full,
	.tx_byte = pl011_tx_byte,
	.rx_ready = pl011_rx_ready,
	.rx_byte = pl011_rx_byte,
	.set_tx_irq = pl011_set_tx_irq,
	.enable_rx_irq = pl011_enable_rx_irq,
	.ack_irqs = pl011_ack_irqs,
};

static const char *const pl011_compatible[] = { "arm,pl011", NULL };

DRIVER_REGISTER(DRIVER_SERIAL, "pl011", pl011_compatible, &pl011_ops);
