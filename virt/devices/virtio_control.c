/*
 * The control channel's device side (include/virt/virtio_control.h): request
 * lines in from the transmit queue, answers out through the receive queue.
 * Runs under the transport lock, on the control VM's vCPU (notify) or the
 * executor thread (answers).
 */
#include <virt/virtio_control.h>

#include <stdio.h>
#include <string.h>

#define PIECE	256

static unsigned ans_used(const struct ctl_chan *c)
{
	return c->ans_head - c->ans_tail;
}

/* Append what fits; the rest is cut and counted. */
static void ans_put(struct ctl_chan *c, const char *s, size_t n)
{
	size_t room = CTL_ANS_SIZE - ans_used(c);

	if (n > room) {
		c->ans_cut += n - room;
		n = room;
	}
	for (size_t i = 0; i < n; i++)
		c->ans[c->ans_head++ % CTL_ANS_SIZE] = s[i];
}

/* Move waiting answer bytes into the guest's receive buffers. */
static void drain(struct virtio_mmio *t, struct ctl_chan *c)
{
	while (ans_used(c)) {
		uint32_t written = 0;

		if (virtio_queue_pop(t, CTL_RX, &c->chain) != 1)
			return;
		if (c->chain.fault != VIRTQ_FAULT_NONE) {
			c->tx_bad++;
			virtio_warn(t, VIRTIO_WARN_REQUEST, "receive buffer outside RAM or past 4 GiB",
				    c->chain.head);
			virtio_queue_push(t, CTL_RX, c->chain.head, 0);
			continue;
		}
		while (ans_used(c) && written < c->chain.in_len) {
			char piece[PIECE];
			unsigned n = MIN(ans_used(c), (unsigned)PIECE);
			size_t done;

			n = MIN(n, c->chain.in_len - written);
			for (unsigned i = 0; i < n; i++)
				piece[i] = c->ans[(c->ans_tail + i) % CTL_ANS_SIZE];
			done = virtq_chain_write(&c->chain, &t->mem, written, piece, n);
			c->ans_tail += (unsigned)done;
			written += (uint32_t)done;
			if (done < n)
				break;
		}
		virtio_queue_push(t, CTL_RX, c->chain.head, written);
	}
}

/* The "@id" a refused line began with, if its start made it in. */
static void line_id(const struct ctl_chan *c, char id[17])
{
	unsigned n = 0;

	if (c->line_len && c->line[0] == '@')
		while (n < 16 && 1 + n < c->line_len && c->line[1 + n] != ' ' &&
		       c->line[1 + n] != '\t') {
			id[n] = c->line[1 + n];
			n++;
		}
	id[n] = '\0';
}

static void refuse_line(struct virtio_mmio *t, struct ctl_chan *c, const char *why)
{
	char buf[128], id[17];
	int n;

	line_id(c, id);
	n = ctl_status_line(buf, sizeof(buf), id, -1, why);

	c->refused++;
	ans_put(c, buf, (size_t)n);
}

static void line_done(struct virtio_mmio *t, struct ctl_chan *c)
{
	if (c->line_bad) {
		refuse_line(t, c, c->line_bad);
	} else if (c->line_len) {
		if (c->req_head - c->req_tail >= CTL_REQ_DEPTH) {
			refuse_line(t, c, "busy: too many requests waiting");
		} else {
			char *slot = c->req[c->req_head % CTL_REQ_DEPTH];

			memcpy(slot, c->line, c->line_len);
			slot[c->line_len] = '\0';
			c->req_head++;
			c->requests++;
			if (c->wake)
				c->wake(c->ctx);
		}
	}
	c->line_len = 0;
	c->line_bad = NULL;
}

static void feed(struct virtio_mmio *t, struct ctl_chan *c, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == '\n') {
			line_done(t, c);
		} else if (ch == '\r' || c->line_bad) {
			continue;
		} else if ((ch < 0x20 && ch != '\t') || ch > 0x7e) {
			c->line_bad = "a byte that is not printable ASCII";
		} else if (c->line_len >= CTL_LINE_MAX) {
			c->line_bad = "line longer than 1024 bytes";
		} else {
			c->line[c->line_len++] = ch;
		}
	}
}

static void control_tx(struct virtio_mmio *t, struct ctl_chan *c, uint64_t *budget)
{
	const struct virtq_chain *ch = &c->chain;
	char buf[PIECE];

	if (ch->fault != VIRTQ_FAULT_NONE) {
		c->tx_bad++;
		virtio_warn(t, VIRTIO_WARN_REQUEST, "request buffer outside RAM or past 4 GiB",
			    ch->fault == VIRTQ_FAULT_ADDR ? ch->bad_ipa : ch->head);
		return;
	}
	for (uint64_t pos = 0; pos < ch->out_len && *budget;) {
		size_t want = (size_t)MIN((uint64_t)PIECE, MIN(ch->out_len - pos, *budget));
		size_t n = virtq_chain_read(ch, &t->mem, pos, buf, want);

		if (!n)
			break;
		feed(t, c, buf, n);
		pos += n;
		*budget -= n;
	}
}

static void control_notify(struct virtio_mmio *t, unsigned queue)
{
	struct ctl_chan *c = t->dev;
	uint64_t budget = CTL_NOTIFY_BYTES;

	/* Either queue's notify serves both: new receive buffers may be what
	 * the waiting requests needed. Requests are taken only while their
	 * answers have room: a guest that never reads its answers stops being
	 * served, and nobody else notices. */
	drain(t, c);
	while (budget && ans_used(c) < CTL_ANS_SIZE / 2) {
		if (virtio_queue_pop(t, CTL_TX, &c->chain) != 1)
			break;
		control_tx(t, c, &budget);
		virtio_queue_push(t, CTL_TX, c->chain.head, 0);
	}
	drain(t, c);
}

static uint32_t control_config_read(struct virtio_mmio *t, uint32_t off, unsigned size)
{
	return 0;
}

static void control_reset(struct virtio_mmio *t)
{
	struct ctl_chan *c = t->dev;

	if (!c)
		return;
	c->line_len = 0;
	c->line_bad = NULL;
	c->req_tail = c->req_head;
	c->ans_tail = c->ans_head;
	c->generation++;
}

const struct virtio_dev_ops virtio_control_ops = {
	.name = "control", .device_id = VIRTIO_ID_CONSOLE, .features = 0,
	.n_queues = 2, .queue_max = CTL_QUEUE, .config_size = 12,
	.config_read = control_config_read, .config_write = NULL,
	.notify = control_notify, .reset = control_reset,
};

void ctl_chan_setup(struct ctl_chan *c, void (*wake)(void *ctx), void *ctx)
{
	memset(c, 0, offsetof(struct ctl_chan, chain));
	c->wake = wake;
	c->ctx = ctx;
}

bool ctl_take_request(struct ctl_chan *c, char *line, uint32_t *generation)
{
	if (c->req_head == c->req_tail)
		return false;
	memcpy(line, c->req[c->req_tail++ % CTL_REQ_DEPTH], CTL_LINE_MAX + 1);
	*generation = c->generation;
	return true;
}

void ctl_answer(struct virtio_mmio *t, uint32_t generation, const char *s, size_t n)
{
	struct ctl_chan *c = t->dev;

	if (generation != c->generation)
		return;
	ans_put(c, s, n);
	drain(t, c);
}

int ctl_status_line(char *buf, size_t len, const char *id, int result, const char *msg)
{
	char id_part[32] = "";
	int n;

	if (id && *id)
		snprintf(id_part, sizeof(id_part), " id=%.16s", id);
	if (result >= 0)
		n = snprintf(buf, len, "status=ok%s\n", id_part);
	else
		n = snprintf(buf, len, "status=error%s msg=\"%s\"\n", id_part, msg ? msg : "failed");
	return n < 0 ? 0 : MIN(n, (int)len - 1);
}
