/*
 * virtio-console (virtio 1.x, "Console Device"), one port, no features: a
 * second console per VM that moves a whole buffer per notify instead of a
 * byte per trapped register write. What the guest transmits goes to an
 * output callback (the VM's console stream: virt/devices/virtio_console_vm.c);
 * the receive queue is left alone, so input stays with the vPL011. The
 * request handling (virt/devices/virtio_console.c) compiles on the host
 * (tests/unit/test_virtio_console.c).
 */
#ifndef VIRT_VIRTIO_CONSOLE_H
#define VIRT_VIRTIO_CONSOLE_H

#include <virt/virtio.h>

#define VIRTIO_CONSOLE_QUEUE	128
#define VIRTIO_CONSOLE_RX	0	/* receiveq (port 0) */
#define VIRTIO_CONSOLE_TX	1	/* transmitq (port 0) */
/* The bytes of one transmit chain that are output; the rest is dropped. */
#define VIRTIO_CONSOLE_CHAIN_MAX (64u * 1024)

struct virtio_console {
	void (*out)(void *ctx, const char *s, size_t n);
	void *ctx;
	uint64_t tx_bytes, tx_bad;	/* since the last reset */
	uint64_t tx_dropped;		/* bytes past VIRTIO_CONSOLE_CHAIN_MAX */
	struct virtq_chain chain;
};

void virtio_console_setup(struct virtio_console *c, void (*out)(void *ctx, const char *s, size_t n),
			  void *ctx);
extern const struct virtio_dev_ops virtio_console_ops;

#endif
