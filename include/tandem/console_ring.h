/*
 * The host console's transmit ring (kernel/console_ring.c), apart from its
 * lock and its UART: what is queued, what is dropped, what goes to the
 * UART's FIFO. Nothing here waits: a full ring takes what fits, and the
 * UART is only asked whether it has room (tx_full) and given a byte
 * (tx_byte), until it says it is full. kernel/console.c holds the lock and
 * decides what a writer does when its bytes did not fit. Compiles on the
 * host (tests/unit/test_console_ring.c).
 *
 * Guest output may fill the ring only up to CONSOLE_HOST_RESERVE below the
 * top; bytes past that are dropped and counted. So however fast guests
 * write, a host log line finds room.
 */
#ifndef TANDEM_CONSOLE_RING_H
#define TANDEM_CONSOLE_RING_H

#include <tandem/types.h>

#define CONSOLE_TX_RING		16384
#define CONSOLE_HOST_RESERVE	4096

/* The two UART calls the ring needs (drivers/serial/ may provide them). */
struct console_uart {
	bool (*tx_full)(void);
	void (*tx_byte)(char c);
};

struct console_tx {
	char ring[CONSOLE_TX_RING];
	unsigned head, tail;		/* free-running indexes */
	char last;			/* the last byte queued, to not double a CR */
	uint64_t guest_dropped;		/* guest bytes that found no room */
};

/* Queue buf (a CR before each LF not already after one, if crlf): the
 * count of buf's bytes taken, short when the ring is full. For guest
 * output (guest = true) the ring's top CONSOLE_HOST_RESERVE bytes are not
 * used, and the bytes not taken are counted in guest_dropped. */
size_t console_tx_put(struct console_tx *r, const char *buf, size_t len, bool crlf, bool guest);
/* Feed the UART from the ring until it is full or the ring empty: the
 * bytes moved. Asks tx_full at most once per byte moved, plus once. */
size_t console_tx_pump(struct console_tx *r, const struct console_uart *u);
/* The oldest queued byte, taken off the ring (false when it is empty):
 * for the polled paths (early boot, a fault report). */
bool console_tx_take(struct console_tx *r, char *c);

static inline unsigned console_tx_queued(const struct console_tx *r)
{
	return r->head - r->tail;
}

#endif
