/* ARM PL011 UART: the host console's hardware. */
#ifndef DRIVERS_PL011_H
#define DRIVERS_PL011_H

#include <tandem/types.h>

void pl011_init(paddr_t base, uint64_t size);
void pl011_putc_poll(char c);
bool pl011_tx_full(void);
void pl011_tx_byte(char c);
bool pl011_rx_ready(void);
char pl011_rx_byte(void);
void pl011_set_tx_irq(bool on);
void pl011_enable_rx_irq(void);
void pl011_ack_irqs(void);
bool pl011_ready(void);

#endif
