/*
 * Guest console output. Every byte a VM's UART sends goes into that VM's
 * ring buffer, so nothing is lost while the physical console is elsewhere;
 * `vm log` replays it. The VM the console is attached to also prints live.
 * In multiplex mode every VM prints live, line by line, each line prefixed
 * with the VM's name, so several guests can talk at once legibly.
 * Live output never waits for the UART: what the host console has no room
 * for is dropped there and counted (console_dropped, in `vm info`); the
 * VM's own ring still has it.
 */
#include <stdlib.h>
#include <string.h>
#include <tandem/console.h>
#include <tandem/spinlock.h>
#include <virt/vm.h>

#define RING_SIZE (16 * 1024)
#define LINE_MAX 160

struct vm_console {
	struct k_spinlock lock;
	uint64_t head;			/* bytes ever written */
	char ring[RING_SIZE];
	char line[LINE_MAX];		/* multiplex mode: the line being built */
	unsigned line_len;
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

void vm_console_put(struct vm *vm, char ch)
{
	struct vm_console *c = vm->con;
	k_spinlock_key_t key;
	bool live = console_focus() == vm;

	vm->console_bytes++;
	if (!vm->first_output_at)
		vm->first_output_at = k_cycle_get();
	key = k_spin_lock(&c->lock);
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

	if (!n)
		return;
	vm->console_bytes += n;
	if (!vm->first_output_at)
		vm->first_output_at = k_cycle_get();
	key = k_spin_lock(&c->lock);
	for (size_t i = 0; i < n; i++) {
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

void vm_console_dump(struct vm *vm, void (*out)(void *ctx, const char *s, size_t n), void *ctx)
{
	struct vm_console *c = vm->con;
	char chunk[256];
	uint64_t end = READ_ONCE(c->head);
	uint64_t pos = end > RING_SIZE ? end - RING_SIZE : 0;

	while (pos < end) {
		size_t n = 0;
		k_spinlock_key_t key = k_spin_lock(&c->lock);

		if (c->head - pos > RING_SIZE)	/* overwritten meanwhile: skip ahead */
			pos = c->head - RING_SIZE;
		while (pos < end && n < sizeof(chunk))
			chunk[n++] = c->ring[pos++ % RING_SIZE];
		k_spin_unlock(&c->lock, key);
		out(ctx, chunk, n);
	}
}
