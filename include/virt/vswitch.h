/*
 * A learning Ethernet switch between VM network ports (virt/vswitch.c):
 * each virtio-net device is one port; a frame from a port goes to the port
 * its destination MAC was last seen on, or to every other port when the
 * destination is broadcast, multicast or not learnt yet. No locking and no
 * allocation here, so the host tests it (tests/unit/test_vswitch.c); the
 * named networks and their locks are virt/vnet.c's.
 *
 * The frame a port hands in is guest-controlled: its length is checked
 * against the largest frame the MTU allows, and a group source address is
 * refused (802.1D: a bridge never learns or forwards one).
 */
#ifndef VIRT_VSWITCH_H
#define VIRT_VSWITCH_H

#include <tandem/types.h>

#define ETH_ALEN		6
#define ETH_HLEN		14	/* destination, source, EtherType */
#define ETH_VLAN_HLEN		4
#define VSWITCH_MTU		1500
/* The largest frame: header, one 802.1Q tag and the MTU (no FCS). */
#define VSWITCH_FRAME_MAX	(ETH_HLEN + ETH_VLAN_HLEN + VSWITCH_MTU)
#define VSWITCH_MAX_PORTS	16
#define VSWITCH_FDB_SIZE	64	/* learnt MACs; the least recently seen goes first */

/*
 * Hand one frame to a port's receiver (the peer's RX queue): 0 when it
 * took it, -ENOSPC when it had no room (the frame is dropped and counted
 * against that port), another -errno when it refused it (also a drop).
 * The frame is the switch caller's buffer, valid only during the call.
 */
typedef int (*vswitch_deliver_fn)(void *ctx, const uint8_t *frame, size_t len);

struct vswitch_port_stats {
	uint64_t tx_frames, tx_bytes;	/* accepted from this port */
	uint64_t tx_bad;		/* refused: size out of range, group source */
	uint64_t rx_frames, rx_bytes;	/* delivered to this port */
	uint64_t rx_dropped;		/* for it, but its receive queue was full */
};

struct vswitch_port {
	bool used;
	vswitch_deliver_fn deliver;
	void *ctx;
	struct vswitch_port_stats st;
};

struct vswitch_fdb_entry {
	bool used;
	uint8_t mac[ETH_ALEN];
	uint8_t port;
	uint64_t seen;			/* the switch's frame clock when last seen */
};

struct vswitch {
	struct vswitch_port port[VSWITCH_MAX_PORTS];
	struct vswitch_fdb_entry fdb[VSWITCH_FDB_SIZE];
	uint64_t clock;			/* frames accepted, for LRU ageing */
	unsigned n_ports;
};

void vswitch_init(struct vswitch *sw);
/* A new port: its index, or -ENOSPC when all VSWITCH_MAX_PORTS are taken. */
int vswitch_port_add(struct vswitch *sw, vswitch_deliver_fn deliver, void *ctx);
/* The port goes, and every MAC learnt on it with it. */
void vswitch_port_remove(struct vswitch *sw, int port);
/*
 * A frame from port src: learn its source, deliver it. Returns how many
 * ports took it (0 when it had nowhere to go or every receiver was full),
 * -EMSGSIZE for a frame shorter than ETH_HLEN or longer than
 * VSWITCH_FRAME_MAX, -EINVAL for a group source MAC or a bad port (each
 * refused frame counts in src's tx_bad).
 */
int vswitch_forward(struct vswitch *sw, int src, const uint8_t *frame, size_t len);
/*
 * vswitch_forward in two halves, for a caller that delivers without its
 * lock held (virt/vnet.c): route learns the source and counts the frame
 * sent, and gives the ports it goes to as a bit set (0 on success; the
 * same refusals as vswitch_forward); delivered counts one delivery's
 * outcome (0, or the deliver function's error) against a port.
 */
int vswitch_route(struct vswitch *sw, int src, const uint8_t *frame, size_t len,
		  uint32_t *ports);
void vswitch_delivered(struct vswitch *sw, int port, int ret, size_t len);
/* The port a unicast MAC was learnt on, or -ENOENT. */
int vswitch_fdb_lookup(const struct vswitch *sw, const uint8_t mac[ETH_ALEN]);

static inline bool eth_is_group(const uint8_t mac[ETH_ALEN])
{
	return mac[0] & 1;	/* I/G bit: broadcast and multicast */
}

#endif
