/*
 * The host console on the board's UART: a transmit ring drained by the
 * UART's TX interrupt (or by polling before interrupts are up, and when the
 * ring is full), a receive ring filled by the RX interrupt, and atomic
 * printf so lines from different cores never interleave. The UART is
 * whatever serial driver console_bind() was given; until then output
 * waits in the ring (the oldest bytes give way), so the first lines come
 * out as soon as any UART works.
 */
#include <stdarg.h>
#include <stdio.h>
#include <tandem/console.h>
#include <tandem/irq.h>
#include <tandem/serial.h>
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

static const struct serial_ops *uart;	/* NULL until console_bind() */
static struct serial_port port;

static void putc_poll(char c)
{
	while (uart->tx_full(&port))
		cpu_relax();
	uart->tx_byte(&port, c);
}

void console_bind(const struct serial_ops *ops, const struct serial_port *p)
{
	k_spinlock_key_t key = k_spin_lock(&tx_lock);

	port = *p;
	ops->init(&port);
	uart = ops;
	while (tx_tail != tx_head)		/* what was said before */
		putc_poll(tx_ring[tx_tail++ % TX_RING]);
	k_spin_unlock(&tx_lock, key);
}

bool console_ready(void)
{
	return uart != NULL;
}

/* Move bytes from the ring to the UART FIFO; lock held. */
static void tx_pump(void)
{
	if (!uart)
		return;
	if (!irq_mode) {
		while (tx_tail != tx_head)
			putc_poll(tx_ring[tx_tail++ % TX_RING]);
		return;
	}
	while (tx_tail != tx_head && !uart->tx_full(&port))
		uart->tx_byte(&port, tx_ring[tx_tail++ % TX_RING]);
	uart->set_tx_irq(&port, tx_tail != tx_head);
}

static void tx_put(char c)
{
	if (tx_head - tx_tail == TX_RING) {	/* full: make room */
		if (uart)
			putc_poll(tx_ring[tx_tail % TX_RING]);
		tx_tail++;
	}
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
	if (!uart)
		return;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			putc_poll('\r');
		putc_poll(buf[i]);
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
			while (uart && tx_tail != tx_head)
				putc_poll(tx_ring[tx_tail++ % TX_RING]);
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

	uart->ack_irqs(&port);
	while (uart->rx_ready(&port)) {
		char c = uart->rx_byte(&port);

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
	uart->enable_rx_irq(&port);
	tx_pump();
	k_spin_unlock(&tx_lock, key);
}
