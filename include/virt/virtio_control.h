/*
 * The control channel's device side (virt/devices/virtio_control.c): a
 * virtio-console (one port, no features: Linux's stock virtio_console makes
 * it /dev/hvcN) whose transmit queue carries request lines to Tandem's
 * command interpreter and whose receive queue carries the answers back.
 *
 * Bounded by construction: a line is at most CTL_LINE_MAX bytes, at most
 * CTL_REQ_DEPTH wait for the executor (a flood gets "busy" errors, never a
 * stall), answers wait in a CTL_ANS_SIZE ring until the guest posts receive
 * buffers (what does not fit is cut, with a marker line), and one notify
 * consumes at most CTL_NOTIFY_BYTES. A line with a byte that is not
 * printable ASCII or a tab is refused whole. No host kernel here: the unit
 * tests and the fuzz target drive it; virt/devices/virtio_control_vm.c adds
 * the executor thread and the permissions.
 */
#ifndef VIRT_VIRTIO_CONTROL_H
#define VIRT_VIRTIO_CONTROL_H

#include <virt/virtio.h>

#define CTL_QUEUE		64
#define CTL_RX			0
#define CTL_TX			1
#define CTL_LINE_MAX		1024	/* an image data line: 500 bytes as hex */
#define CTL_REQ_DEPTH		4
#define CTL_ANS_SIZE		32768
#define CTL_NOTIFY_BYTES	65536

struct ctl_chan {
	/* the line being received */
	char line[CTL_LINE_MAX + 1];
	unsigned line_len;
	const char *line_bad;		/* why the current line is refused, or NULL */
	/* whole lines for the executor */
	char req[CTL_REQ_DEPTH][CTL_LINE_MAX + 1];
	unsigned req_head, req_tail;	/* free-running */
	/* answer bytes waiting for receive buffers */
	char ans[CTL_ANS_SIZE];
	unsigned ans_head, ans_tail;	/* free-running */
	uint32_t generation;		/* moves at each reset: late answers are dropped */
	uint64_t requests, refused, ans_cut, tx_bad;
	void (*wake)(void *ctx);	/* a request is waiting (may be NULL) */
	void *ctx;
	struct virtq_chain chain;
};

extern const struct virtio_dev_ops virtio_control_ops;

void ctl_chan_setup(struct ctl_chan *c, void (*wake)(void *ctx), void *ctx);
/* The next request line into line[CTL_LINE_MAX + 1]: true if there was one.
 * *generation is the channel's, to hand back with the answer. */
bool ctl_take_request(struct ctl_chan *c, char *line, uint32_t *generation);
/* Queue answer bytes (dropped if the channel was reset since the request
 * was taken) and move what fits into the guest's receive buffers. */
void ctl_answer(struct virtio_mmio *t, uint32_t generation, const char *s, size_t n);
/* The status line that ends every answer: "status=ok" or
 * "status=error msg=...", with the request's "id=" if it gave one. */
int ctl_status_line(char *buf, size_t len, const char *id, int result, const char *msg);

#endif
