/*
 * What a UART driver provides (drivers/serial/) for the host console
 * (kernel/console.c). One struct serial_port describes the console's UART
 * as the device tree gave it; the console layer owns buffering, locking
 * and the interrupt logic, a driver only knows its registers. Baud rate
 * and framing are left as the firmware set them.
 */
#ifndef TANDEM_SERIAL_H
#define TANDEM_SERIAL_H

#include <tandem/types.h>

struct serial_port {
	volatile uint8_t *base;		/* mapped registers */
	unsigned int reg_shift;		/* register n at base + (n << reg_shift) */
	unsigned int reg_width;		/* access width in bytes: 1 or 4 */
};

struct serial_ops {
	/* Registers mapped: make transmit and receive work, interrupts off. */
	void (*init)(const struct serial_port *p);
	bool (*tx_full)(const struct serial_port *p);
	void (*tx_byte)(const struct serial_port *p, char c);
	bool (*rx_ready)(const struct serial_port *p);
	char (*rx_byte)(const struct serial_port *p);
	/* Interrupt when the transmitter can take more (on) or never (off). */
	void (*set_tx_irq)(const struct serial_port *p, bool on);
	void (*enable_rx_irq)(const struct serial_port *p);
	/* Clear what raised the interrupt (the ISR then polls rx/tx). */
	void (*ack_irqs)(const struct serial_port *p);
};

/* Register n of an 8250-style port (reg-shift/reg-io-width), for drivers. */
static inline uint32_t serial_rd(const struct serial_port *p, unsigned int n)
{
	volatile uint8_t *a = p->base + (n << p->reg_shift);

	return p->reg_width == 4 ? *(volatile uint32_t *)a : *a;
}

static inline void serial_wr(const struct serial_port *p, unsigned int n,
			     uint32_t v)
{
	volatile uint8_t *a = p->base + (n << p->reg_shift);

	if (p->reg_width == 4)
		*(volatile uint32_t *)a = v;
	else
		*a = (uint8_t)v;
}

#endif
