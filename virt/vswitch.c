/*
 * The switch of one VM network: ports, the table of MACs (each port's own,
 * entered when it joins and fixed, then what ports allowed any source were
 * seen sending from: a fixed array, the least recently seen learnt entry
 * replaced when full, so a guest inventing source addresses costs table
 * churn among learnt entries, never memory and never another port's
 * address), and forwarding. Binding and locking: virt/vnet.c.
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

static struct vswitch_fdb_entry *fdb_find(const struct vswitch *sw, const uint8_t mac[ETH_ALEN])
{
	for (unsigned i = 0; i < VSWITCH_FDB_SIZE; i++)
		if (sw->fdb[i].used && !memcmp(sw->fdb[i].mac, mac, ETH_ALEN))
			return (struct vswitch_fdb_entry *)&sw->fdb[i];
	return NULL;
}

/* The entry for mac: its own, a free one, or the least recently seen
 * learnt one (own entries are at most VSWITCH_MAX_PORTS of them). */
static struct vswitch_fdb_entry *fdb_slot(struct vswitch *sw, const uint8_t mac[ETH_ALEN])
{
	struct vswitch_fdb_entry *e = fdb_find(sw, mac), *oldest = NULL;

	for (unsigned i = 0; i < VSWITCH_FDB_SIZE && !e; i++) {
		if (!sw->fdb[i].used)
			e = &sw->fdb[i];
		else if (!sw->fdb[i].own && (!oldest || sw->fdb[i].seen < oldest->seen))
			oldest = &sw->fdb[i];
	}
	return e ? e : oldest;
}

int vswitch_port_add(struct vswitch *sw, const struct vswitch_port_cfg *cfg,
		     vswitch_deliver_fn deliver, void *ctx)
{
	static const uint8_t zero[ETH_ALEN];
	const struct vswitch_fdb_entry *have = fdb_find(sw, cfg->mac);
	struct vswitch_fdb_entry *e;

	if (eth_is_group(cfg->mac) || !memcmp(cfg->mac, zero, ETH_ALEN))
		return -EINVAL;
	if (have && have->own)
		return -EEXIST;
	for (int i = 0; i < VSWITCH_MAX_PORTS; i++) {
		struct vswitch_port *p = &sw->port[i];

		if (p->used)
			continue;
		memset(p, 0, sizeof(*p));
		p->used = true;
		p->cfg = *cfg;
		p->deliver = deliver;
		p->ctx = ctx;
		sw->n_ports++;
		e = fdb_slot(sw, cfg->mac);
		*e = (struct vswitch_fdb_entry){ .used = true, .own = true, .port = (uint8_t)i };
		memcpy(e->mac, cfg->mac, ETH_ALEN);
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

int vswitch_fdb_lookup(const struct vswitch *sw, const uint8_t mac[ETH_ALEN])
{
	const struct vswitch_fdb_entry *e = fdb_find(sw, mac);

	return e ? e->port : -ENOENT;
}

/* Remember that mac (not a port's own) lives behind port: a learnt MAC
 * that moved follows. */
static void learn(struct vswitch *sw, const uint8_t mac[ETH_ALEN], int port)
{
	struct vswitch_fdb_entry *e = fdb_slot(sw, mac);

	if (!e->used || memcmp(e->mac, mac, ETH_ALEN)) {
		e->used = true;
		e->own = false;
		memcpy(e->mac, mac, ETH_ALEN);
	}
	e->port = (uint8_t)port;
	e->seen = sw->clock;
}

/* May port p send from src_mac? Its own always; another only if its
 * config allows any source, and never another port's own. */
static bool source_allowed(const struct vswitch *sw, const struct vswitch_port *p,
			   const uint8_t src_mac[ETH_ALEN])
{
	const struct vswitch_fdb_entry *e;

	if (!memcmp(src_mac, p->cfg.mac, ETH_ALEN))
		return true;
	if (!p->cfg.any_source)
		return false;
	e = fdb_find(sw, src_mac);
	return !e || !e->own;
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
	if (!source_allowed(sw, p, src_mac)) {
		p->st.tx_spoofed++;
		return -EPERM;
	}
	p->st.tx_frames++;
	p->st.tx_bytes += len;
	sw->clock++;
	if (memcmp(src_mac, p->cfg.mac, ETH_ALEN))
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
