/*
 * Guest console output. Every byte a VM's UART sends goes into that VM's
 * ring buffer, so nothing is lost while the physical console is elsewhere;
 * `vm log` replays it. The VM the console is attached to also prints live.
 * In multiplex mode every VM prints live, line by line, each line prefixed
 * with the VM's name, so several guests can talk at once legibly.
 * Live output never waits for the UART: what the host console has no room
 * for is dropped there and counted (console_dropped, in `vm info`); the
 * VM's own ring still has it.
 * Each line's first byte is stamped with the host uptime at which it reached
 * Tandem (`vm log -t`, like Xen's console_timestamps): start-up measured at
 * the hypervisor's clock, not the guest's own (which Linux starts at
 * time_init, well after its first instruction).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/console.h>
#include <tandem/spinlock.h>
#include <virt/vm.h>

#define RING_SIZE (16 * 1024)
#define LINE_MAX 160
#define STAMPS 512			/* lines remembered with their arrival time */

struct line_stamp {
	uint64_t pos;			/* the line's first byte, as a count of bytes ever written */
	ticks_t at;
};

struct vm_console {
	struct k_spinlock lock;
	uint64_t head;			/* bytes ever written */
	char ring[RING_SIZE];
	char line[LINE_MAX];		/* multiplex mode: the line being built */
	unsigned line_len;
	bool mid_line;			/* the last byte was not a line end */
	uint64_t n_stamps;		/* stamps ever taken */
	struct line_stamp stamp[STAMPS];
};

static volatile bool mux;

void vm_console_set_mux(bool on)
{
	mux = on;
}

bool vm_console_mux(void)
{
	return mux;
}

struct vm_console *vm_console_create(void)
{
	return calloc(1, sizeof(struct vm_console));
}

void vm_console_destroy(struct vm_console *c)
{
	free(c);
}

static void flush_line(struct vm *vm, struct vm_console *c)
{
	char buf[LINE_MAX + VM_NAME_LEN + 4];
	size_t n = 0;

	buf[n++] = '[';
	for (const char *p = vm->name; *p; p++)
		buf[n++] = *p;
	buf[n++] = ']';
	buf[n++] = ' ';
	memcpy(buf + n, c->line, c->line_len);
	n += c->line_len;
	c->line_len = 0;
	/* The line ends in LF: CR added. Never waits (we hold c->lock). */
	vm->console_dropped += console_write_guest(buf, n, true);
}

/* Under c->lock, before the byte goes in. */
static void stamp_line(struct vm_console *c, char ch, ticks_t now)
{
	if (!c->mid_line)
		c->stamp[c->n_stamps++ % STAMPS] = (struct line_stamp){ c->head, now };
	c->mid_line = ch != '\n';
}

void vm_console_put(struct vm *vm, char ch)
{
	struct vm_console *c = vm->con;
	k_spinlock_key_t key;
	bool live = console_focus() == vm;
	ticks_t now = k_cycle_get();

	vm->console_bytes++;
	vm->last_output_at = now;
	if (!vm->first_output_at)
		vm->first_output_at = now;
	key = k_spin_lock(&c->lock);
	stamp_line(c, ch, now);
	c->ring[c->head++ % RING_SIZE] = ch;
	if (!live && mux) {
		if (ch != '\r')
			c->line[c->line_len++] = ch;
		if (ch == '\n' || c->line_len == LINE_MAX)
			flush_line(vm, c);
	}
	k_spin_unlock(&c->lock, key);
	if (live)
		vm->console_dropped += console_write_guest(&ch, 1, false);
}

/* A whole buffer (virtio-console): one lock and one live write for all of it. */
void vm_console_write(struct vm *vm, const char *s, size_t n)
{
	struct vm_console *c = vm->con;
	k_spinlock_key_t key;
	bool live = console_focus() == vm;
	ticks_t now;

	if (!n)
		return;
	now = k_cycle_get();
	vm->console_bytes += n;
	vm->last_output_at = now;
	if (!vm->first_output_at)
		vm->first_output_at = now;
	key = k_spin_lock(&c->lock);
	for (size_t i = 0; i < n; i++) {
		stamp_line(c, s[i], now);
		c->ring[c->head++ % RING_SIZE] = s[i];
		if (!live && mux) {
			if (s[i] != '\r')
				c->line[c->line_len++] = s[i];
			if (s[i] == '\n' || c->line_len == LINE_MAX)
				flush_line(vm, c);
		}
	}
	k_spin_unlock(&c->lock, key);
	if (live)
		vm->console_dropped += console_write_guest(s, n, false);
}

/* The arrival time of the line starting at pos, if its stamp is still kept. */
static bool stamp_at(const struct vm_console *c, uint64_t pos, ticks_t *at)
{
	uint64_t first = c->n_stamps > STAMPS ? c->n_stamps - STAMPS : 0;

	/* Stamps are in position order: a binary search over the kept ones. */
	for (uint64_t lo = first, hi = c->n_stamps; lo < hi; ) {
		uint64_t mid = lo + (hi - lo) / 2;
		const struct line_stamp *st = &c->stamp[mid % STAMPS];

		if (st->pos == pos) {
			*at = st->at;
			return true;
		}
		if (st->pos < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* "[ssss.uuuuuu] ": host uptime, like the host log's own prefix. */
static void out_stamp(ticks_t at, void (*out)(void *ctx, const char *s, size_t n), void *ctx)
{
	uint64_t us = k_cycles_to_ns(at) / 1000;
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "[%5llu.%06llu] ", (unsigned long long)(us / 1000000),
			 (unsigned long long)(us % 1000000));

	out(ctx, buf, (size_t)n);
}

void vm_console_dump(struct vm *vm, bool stamps,
		     void (*out)(void *ctx, const char *s, size_t n), void *ctx)
{
	struct vm_console *c = vm->con;
	char chunk[256];
	uint64_t end = READ_ONCE(c->head);
	uint64_t pos = end > RING_SIZE ? end - RING_SIZE : 0;
	bool line_start = true;		/* stamps exist only where lines begin */

	while (pos < end) {
		size_t n = 0;
		bool stamped = false;
		ticks_t at = 0;
		k_spinlock_key_t key = k_spin_lock(&c->lock);

		if (c->head - pos > RING_SIZE) {	/* overwritten meanwhile: skip ahead */
			pos = c->head - RING_SIZE;
			line_start = true;
		}
		/* One line (or a piece of one) per turn: its stamp leads it. */
		if (stamps && line_start)
			stamped = stamp_at(c, pos, &at);
		while (pos < end && n < sizeof(chunk)) {
			chunk[n] = c->ring[pos++ % RING_SIZE];
			if (chunk[n++] == '\n')
				break;
		}
		k_spin_unlock(&c->lock, key);
		line_start = chunk[n - 1] == '\n';
		if (stamped)
			out_stamp(at, out, ctx);	/* formatted outside the lock */
		out(ctx, chunk, n);
	}
}
