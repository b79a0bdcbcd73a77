/*
 * The host console on the board's UART: a transmit ring drained by the
 * UART's TX interrupt (or by polling before interrupts are up, and when the
 * ring is full), a receive ring filled by the RX interrupt, and atomic
 * printf so lines from different cores never interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <tandem/console.h>
#include <tandem/irq.h>
#include <drivers/pl011.h>
#include "sched.h"

#define TX_RING 16384
#define RX_RING 512

static char tx_ring[TX_RING];
static unsigned tx_head, tx_tail;	/* free-running indexes */
static struct k_spinlock tx_lock;
static bool irq_mode;
static char tx_last;		/* last byte queued, to not double a CR */

static bool (*input_hook)(char c);

static char rx_ring[RX_RING];
static unsigned rx_head, rx_tail;
static struct k_spinlock rx_lock;
static struct k_sem rx_sem;

/* Move bytes from the ring to the UART FIFO; lock held. */
static void tx_pump(void)
{
	if (!irq_mode) {
		while (tx_tail != tx_head)
			pl011_putc_poll(tx_ring[tx_tail++ % TX_RING]);
		return;
	}
	while (tx_tail != tx_head && !pl011_tx_full())
		pl011_tx_byte(tx_ring[tx_tail++ % TX_RING]);
	pl011_set_tx_irq(tx_tail != tx_head);
}

static void tx_put(char c)
{
	if (tx_head - tx_tail == TX_RING)	/* full: make room by waiting */
		pl011_putc_poll(tx_ring[tx_tail++ % TX_RING]);
	tx_ring[tx_head++ % TX_RING] = c;
}

void console_write(const char *buf, size_t len)
{
	k_spinlock_key_t key = k_spin_lock(&tx_lock);

	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n' && tx_last != '\r')
			tx_put('\r');
		tx_put(buf[i]);
		tx_last = buf[i];
	}
	tx_pump();
	k_spin_unlock(&tx_lock, key);
}

/* As console_write, but with no CR added: for replaying a guest's own
 * output, which already has its line ends. */
void console_write_raw(const char *buf, size_t len)
{
	k_spinlock_key_t key = k_spin_lock(&tx_lock);

	for (size_t i = 0; i < len; i++) {
		tx_put(buf[i]);
		tx_last = buf[i];
	}
	tx_pump();
	k_spin_unlock(&tx_lock, key);
}

void console_puts(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	console_write(s, n);
}

int console_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return n;
	console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

void console_panic_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			pl011_putc_poll('\r');
		pl011_putc_poll(buf[i]);
	}
}

/* A fault report waits a bounded time for the console (its holder may be
 * the core that faulted, or dead), then flushes what is queued, so the
 * report's lines are not cut by bytes another core's TX interrupt sends. */
#define PANIC_LOCK_TRIES (1u << 22)

bool console_panic_begin(void)
{
	for (unsigned i = 0; i < PANIC_LOCK_TRIES; i++) {
		if (arch_spin_trylock(&tx_lock)) {
			while (tx_tail != tx_head)
				pl011_putc_poll(tx_ring[tx_tail++ % TX_RING]);
			return true;
		}
		__asm__ volatile("yield");
	}
	return false;
}

void console_panic_end(bool locked)
{
	if (locked)
		arch_spin_release(&tx_lock);
}

static void uart_isr(irqid_t intid, void *arg)
{
	unsigned got = 0;
	k_spinlock_key_t key;

	pl011_ack_irqs();
	while (pl011_rx_ready()) {
		char c = pl011_rx_byte();

		if (input_hook && input_hook(c))
			continue;
		key = k_spin_lock(&rx_lock);
		if (rx_head - rx_tail < RX_RING) {
			rx_ring[rx_head++ % RX_RING] = c;
			got++;
		}
		k_spin_unlock(&rx_lock, key);
	}
	while (got--)
		k_sem_give(&rx_sem);

	key = k_spin_lock(&tx_lock);
	tx_pump();
	k_spin_unlock(&tx_lock, key);
}

int console_getc(void)
{
	k_spinlock_key_t key;
	char c;

	k_sem_take(&rx_sem, K_FOREVER);
	key = k_spin_lock(&rx_lock);
	c = rx_ring[rx_tail++ % RX_RING];
	k_spin_unlock(&rx_lock, key);
	return (unsigned char)c;
}

void console_set_input_hook(bool (*hook)(char c))
{
	input_hook = hook;
}

/* Switch from polled to interrupt-driven operation (boot CPU, once). */
void console_irq_init(irqid_t uart_irq)
{
	k_spinlock_key_t key;

	k_sem_init(&rx_sem, 0, RX_RING);
	irq_connect(uart_irq, uart_isr, NULL);
	irq_enable(uart_irq);
	key = k_spin_lock(&tx_lock);
	irq_mode = true;
	pl011_enable_rx_irq();
	tx_pump();
	k_spin_unlock(&tx_lock, key);
}
