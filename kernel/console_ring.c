/*
 * The host console's transmit ring (include/tandem/console_ring.h): bytes
 * in, bytes out to the UART's FIFO, never a wait. The caller holds the
 * console's lock around every call.
 */
#include <tandem/console_ring.h>

static unsigned room(const struct console_tx *r, bool guest)
{
	unsigned cap = guest ? CONSOLE_TX_RING - CONSOLE_HOST_RESERVE : CONSOLE_TX_RING;
	unsigned used = console_tx_queued(r);

	return used >= cap ? 0 : cap - used;
}

static void push(struct console_tx *r, char c)
{
	r->ring[r->head++ % CONSOLE_TX_RING] = c;
	r->last = c;
}

size_t console_tx_put(struct console_tx *r, const char *buf, size_t len, bool crlf, bool guest)
{
	unsigned free_bytes = room(r, guest);
	size_t i;

	for (i = 0; i < len; i++) {
		bool cr = crlf && buf[i] == '\n' && r->last != '\r';

		if (free_bytes < (cr ? 2u : 1u))
			break;
		if (cr) {
			push(r, '\r');
			free_bytes--;
		}
		push(r, buf[i]);
		free_bytes--;
	}
	if (guest)
		r->guest_dropped += len - i;
	return i;
}

size_t console_tx_pump(struct console_tx *r, const struct console_uart *u)
{
	size_t n = 0;

	while (r->tail != r->head && !u->tx_full()) {
		u->tx_byte(r->ring[r->tail++ % CONSOLE_TX_RING]);
		n++;
	}
	return n;
}

bool console_tx_take(struct console_tx *r, char *c)
{
	if (r->tail == r->head)
		return false;
	*c = r->ring[r->tail++ % CONSOLE_TX_RING];
	return true;
}
