/*
 * Polled output on the PL011 at 0x09000000. Transmit only: the guests
 * never read the console.
 */
#ifndef GUEST_LIB_UART_H
#define GUEST_LIB_UART_H

#define UART_BASE	0x09000000UL

void uart_putc(char c);
void uart_puts(const char *s);

#endif
