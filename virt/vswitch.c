/*
 * The learning switch of one VM network: ports, the table of MACs learnt
 * on them (a fixed array, oldest entry replaced when full, so a guest
 * inventing source addresses costs table churn, never memory), and
 * forwarding. Binding and locking: virt/vnet.c.
 */
#include <errno.h>
#include <string.h>

#include <virt/vswitch.h>

void vswitch_init(struct vswitch *sw)
{
	memset(sw, 0, sizeof(*sw));
}

static bool port_valid(const struct vswitch *sw, int port)
{
	return port >= 0 && port < VSWITCH_MAX_PORTS && sw->port[port].used;
}

int vswitch_port_add(struct vswitch *sw, vswitch_deliver_fn deliver, void *ctx)
{
	for (int i = 0; i < VSWITCH_MAX_PORTS; i++) {
		struct vswitch_port *p = &sw->port[i];

		if (p->used)
			continue;
		memset(p, 0, sizeof(*p));
		p->used = true;
		p->deliver = deliver;
		p->ctx = ctx;
		sw->n_ports++;
		return i;
	}
	return -ENOSPC;
}

void vswitch_port_remove(struct vswitch *sw, int port)
{
	if (!port_valid(sw, port))
		return;
	for (unsigned i = 0; i < VSWITCH_FDB_SIZE; i++)
		if (sw->fdb[i].used && sw->fdb[i].port == port)
			sw->fdb[i].used = false;
	memset(&sw->port[port], 0, sizeof(sw->port[port]));
	sw->n_ports--;
}

static struct vswitch_fdb_entry *fdb_find(const struct vswitch *sw, const uint8_t mac[ETH_ALEN])
{
	for (unsigned i = 0; i < VSWITCH_FDB_SIZE; i++)
		if (sw->fdb[i].used && !memcmp(sw->fdb[i].mac, mac, ETH_ALEN))
			return (struct vswitch_fdb_entry *)&sw->fdb[i];
	return NULL;
}

int vswitch_fdb_lookup(const struct vswitch *sw, const uint8_t mac[ETH_ALEN])
{
	const struct vswitch_fdb_entry *e = fdb_find(sw, mac);

	return e ? e->port : -ENOENT;
}

/* Remember that mac lives behind port (a MAC that moved follows). */
static void learn(struct vswitch *sw, const uint8_t mac[ETH_ALEN], int port)
{
	struct vswitch_fdb_entry *e = fdb_find(sw, mac), *oldest = &sw->fdb[0];

	if (!e) {
		for (unsigned i = 0; i < VSWITCH_FDB_SIZE && !e; i++) {
			if (!sw->fdb[i].used)
				e = &sw->fdb[i];
			else if (sw->fdb[i].seen < oldest->seen)
				oldest = &sw->fdb[i];
		}
		if (!e)
			e = oldest;
		e->used = true;
		memcpy(e->mac, mac, ETH_ALEN);
	}
	e->port = (uint8_t)port;
	e->seen = sw->clock;
}

void vswitch_delivered(struct vswitch *sw, int port, int ret, size_t len)
{
	struct vswitch_port *p = &sw->port[port];

	if (!port_valid(sw, port))
		return;		/* it left meanwhile: nobody to count for */
	if (ret) {
		p->st.rx_dropped++;
		return;
	}
	p->st.rx_frames++;
	p->st.rx_bytes += len;
}

/* Every used port but src. */
static uint32_t flood_set(const struct vswitch *sw, int src)
{
	uint32_t set = 0;

	for (int i = 0; i < VSWITCH_MAX_PORTS; i++)
		if (i != src && sw->port[i].used)
			set |= 1u << i;
	return set;
}

int vswitch_route(struct vswitch *sw, int src, const uint8_t *frame, size_t len,
		  uint32_t *ports)
{
	const uint8_t *dst_mac = frame, *src_mac = frame + ETH_ALEN;
	struct vswitch_port *p;
	int dst;

	*ports = 0;
	if (!port_valid(sw, src))
		return -EINVAL;
	p = &sw->port[src];
	if (!frame || len < ETH_HLEN || len > VSWITCH_FRAME_MAX) {
		p->st.tx_bad++;
		return -EMSGSIZE;
	}
	if (eth_is_group(src_mac)) {
		p->st.tx_bad++;
		return -EINVAL;
	}
	p->st.tx_frames++;
	p->st.tx_bytes += len;
	sw->clock++;
	learn(sw, src_mac, src);
	if (eth_is_group(dst_mac)) {
		*ports = flood_set(sw, src);
		return 0;
	}
	dst = vswitch_fdb_lookup(sw, dst_mac);
	if (dst < 0)
		*ports = flood_set(sw, src);
	else if (dst != src)	/* it lives where it came from: nothing to do */
		*ports = 1u << dst;
	return 0;
}

int vswitch_forward(struct vswitch *sw, int src, const uint8_t *frame, size_t len)
{
	uint32_t ports;
	int n = 0, ret = vswitch_route(sw, src, frame, len, &ports);

	if (ret)
		return ret;
	for (int i = 0; i < VSWITCH_MAX_PORTS; i++) {
		struct vswitch_port *p = &sw->port[i];

		if (!(ports & (1u << i)))
			continue;
		ret = p->deliver(p->ctx, frame, len);
		vswitch_delivered(sw, i, ret, len);
		n += !ret;
	}
	return n;
}
