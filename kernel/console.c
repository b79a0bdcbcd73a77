/*
 * The host console on the board's UART: a transmit ring drained by the
 * UART's TX interrupt (or by polling before interrupts are up), a receive
 * ring filled by the RX interrupt, and atomic printf so lines from
 * different cores never interleave.
 *
 * Nobody polls the UART for guest output: with IRQs masked under tx_lock,
 * a 115200-baud line would hold every core that logs for tens of ms.
 * Guest bytes (console_write_guest) take what room the ring has below its
 * host reserve and the rest is dropped and counted (per VM in `vm info`).
 * A host line that does not fit waits for room outside the lock, sleeping,
 * when its caller may sleep (a thread with IRQs on); from an interrupt
 * handler, with IRQs masked or before the scheduler runs it polls the UART
 * for the bytes it lacks, as it always did: host output is the host's own
 * and rate-limited, and guests never fill the reserve it writes into.
 * The ring itself (what fits, what is dropped) is kernel/console_ring.c.
 *
 * The UART is whatever serial driver console_bind() was given; until then
 * output waits in the ring (the oldest bytes give way), so the first lines
 * come out as soon as any UART works.
 */
#include <stdarg.h>
#include <stdio.h>
#include <tandem/console.h>
#include <tandem/console_ring.h>
#include <tandem/irq.h>
#include <tandem/serial.h>
#include "sched.h"

#define RX_RING 512

static struct console_tx tx;
static struct k_spinlock tx_lock;
static bool irq_mode;
static const struct serial_ops *uart;	/* NULL until console_bind() */
static struct serial_port port;

static bool (*input_hook)(char c);

static char rx_ring[RX_RING];
static unsigned rx_head, rx_tail;
static struct k_spinlock rx_lock;
static struct k_sem rx_sem;

static void putc_poll(char c)
{
	while (uart->tx_full(&port))
		cpu_relax();
	uart->tx_byte(&port, c);
}

static bool ring_tx_full(void)
{
	return uart->tx_full(&port);
}

static void ring_tx_byte(char c)
{
	uart->tx_byte(&port, c);
}

static const struct console_uart ring_uart = { ring_tx_full, ring_tx_byte };

void console_bind(const struct serial_ops *ops, const struct serial_port *p)
{
	k_spinlock_key_t key = k_spin_lock(&tx_lock);
	char c;

	port = *p;
	ops->init(&port);
	uart = ops;
	while (console_tx_take(&tx, &c))	/* what was said before */
		putc_poll(c);
	k_spin_unlock(&tx_lock, key);
}

bool console_ready(void)
{
	return uart != NULL;
}

/* Move bytes from the ring to the UART FIFO; lock held. Before interrupts
 * are up (host output only) everything is polled out. */
static void tx_pump(void)
{
	char c;

	if (!uart)
		return;
	if (!irq_mode) {
		while (console_tx_take(&tx, &c))
			putc_poll(c);
		return;
	}
	console_tx_pump(&tx, &ring_uart);
	uart->set_tx_irq(&port, console_tx_queued(&tx) != 0);
}

/* May a writer whose IRQ state was key sleep for room? */
static bool may_sleep(k_spinlock_key_t key)
{
	struct cpu *c = this_cpu();

	return irq_mode && arch_irq_unlocked(key.key) && c->irq_nesting == 0 &&
	       c->current && c->current != &c->idle;
}

static void host_write(const char *buf, size_t len, bool crlf)
{
	for (;;) {
		k_spinlock_key_t key = k_spin_lock(&tx_lock);
		size_t n = console_tx_put(&tx, buf, len, crlf, false);
		char c;

		buf += n;
		len -= n;
		tx_pump();
		if (!len) {
			k_spin_unlock(&tx_lock, key);
			return;
		}
		if (may_sleep(key)) {
			k_spin_unlock(&tx_lock, key);
			k_msleep(1);
			continue;
		}
		/* Atomic context: room for the rest by polling (host bytes
		 * only); with no UART yet, the oldest bytes give way. */
		while (console_tx_queued(&tx) + 2 * len > CONSOLE_TX_RING &&
		       console_tx_take(&tx, &c))
			if (uart)
				putc_poll(c);
		k_spin_unlock(&tx_lock, key);
	}
}

void console_write(const char *buf, size_t len)
{
	host_write(buf, len, true);
}

/* As console_write, but with no CR added: for replaying a guest's own
 * output (vm log), which already has its line ends. */
void console_write_raw(const char *buf, size_t len)
{
	host_write(buf, len, false);
}

size_t console_write_guest(const char *buf, size_t len, bool crlf)
{
	k_spinlock_key_t key = k_spin_lock(&tx_lock);
	size_t n = console_tx_put(&tx, buf, len, crlf, true);

	if (irq_mode)
		tx_pump();	/* before that, the next host write polls it out */
	k_spin_unlock(&tx_lock, key);
	return len - n;
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
			char c;

			while (uart && console_tx_take(&tx, &c))
				putc_poll(c);
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
