/*
 * Fuzz target for the VM network switch (virt/vswitch.c): ports come and
 * go (each with its own MAC, some allowed any source), receivers fill up,
 * and frames of any length and content (the guest writes them) arrive from
 * any port number. Checked after each step: a frame from a source its port
 * may not use is refused, every port's own MAC stays in the table on that
 * port (learning never moves or evicts it), a refused frame reaches nobody, a frame never comes back to its sender,
 * what is delivered is the frame as given, a unicast frame whose
 * destination is learnt reaches that port alone, a removed port is never
 * delivered to and its MACs are gone, and the table holds no duplicate.
 */
#include <errno.h>
#include <string.h>

#include <virt/vswitch.h>
#include "fuzz_input.h"

#define MAX_STEPS	512

static struct vswitch sw;
static struct {
	unsigned got, room;
	size_t len;
	const uint8_t *last;
} rx[VSWITCH_MAX_PORTS];
static uint8_t frame[VSWITCH_FRAME_MAX + 64];

static int take(void *ctx, const uint8_t *f, size_t len)
{
	unsigned i = (unsigned)(uintptr_t)ctx;

	FUZZ_CHECK(sw.port[i].used, "delivered to removed port %u", i);
	if (!rx[i].room)
		return -ENOSPC;
	rx[i].room--;
	rx[i].got++;
	rx[i].len = len;
	rx[i].last = f;
	return 0;
}

static void check_fdb(void)
{
	unsigned own = 0;

	for (unsigned i = 0; i < VSWITCH_MAX_PORTS; i++)
		FUZZ_CHECK(!sw.port[i].used || vswitch_fdb_lookup(&sw, sw.port[i].cfg.mac) == (int)i,
			   "port %u's own MAC is not on it", i);
	for (unsigned i = 0; i < VSWITCH_FDB_SIZE; i++) {
		own += sw.fdb[i].used && sw.fdb[i].own;
		if (!sw.fdb[i].used)
			continue;
		FUZZ_CHECK(sw.fdb[i].port < VSWITCH_MAX_PORTS && sw.port[sw.fdb[i].port].used,
			   "entry %u on a port that is gone", i);
		FUZZ_CHECK(!eth_is_group(sw.fdb[i].mac), "group MAC learnt");
		for (unsigned j = i + 1; j < VSWITCH_FDB_SIZE; j++)
			FUZZ_CHECK(!sw.fdb[j].used || memcmp(sw.fdb[i].mac, sw.fdb[j].mac, ETH_ALEN),
				   "MAC twice in the table (%u, %u)", i, j);
	}
	FUZZ_CHECK(own == sw.n_ports, "%u own entries for %u ports", own, sw.n_ports);
}

/* May port src send from mac (the switch's rule, restated)? */
static bool may_send(int src, const uint8_t *mac)
{
	const struct vswitch_port *p = &sw.port[src];

	if (!memcmp(mac, p->cfg.mac, ETH_ALEN))
		return true;
	for (unsigned i = 0; i < VSWITCH_MAX_PORTS; i++)
		if (sw.port[i].used && !memcmp(mac, sw.port[i].cfg.mac, ETH_ALEN))
			return false;
	return p->cfg.any_source;
}

static void step_forward(struct fuzz_in *in)
{
	int src = (int)(fuzz_u8(in) % (VSWITCH_MAX_PORTS + 2)) - 1;
	size_t len = fuzz_u16(in) % sizeof(frame);
	unsigned before[VSWITCH_MAX_PORTS], total = 0;
	int known, n;
	bool allowed;

	/* Addresses from a small pool so learning and lookups meet. */
	frame[0] = fuzz_u8(in) & 0x03;
	frame[5] = fuzz_u8(in) & 0x07;
	frame[6] = fuzz_u8(in) & 0x03;
	frame[11] = fuzz_u8(in) & 0x07;
	if (fuzz_u8(in) & 1)
		memset(frame, 0xff, ETH_ALEN);
	for (size_t i = 12; i < 24 && i < len; i++)
		frame[i] = fuzz_u8(in);
	for (unsigned i = 0; i < VSWITCH_MAX_PORTS; i++)
		before[i] = rx[i].got;
	known = eth_is_group(frame) ? -ENOENT : vswitch_fdb_lookup(&sw, frame);
	allowed = src >= 0 && src < VSWITCH_MAX_PORTS && sw.port[src].used &&
		  may_send(src, frame + ETH_ALEN);
	n = vswitch_forward(&sw, src, frame, len);
	for (unsigned i = 0; i < VSWITCH_MAX_PORTS; i++) {
		unsigned d = rx[i].got - before[i];

		FUZZ_CHECK(d <= 1, "port %u got %u copies", i, d);
		if (!d)
			continue;
		total++;
		FUZZ_CHECK((int)i != src, "frame echoed to its sender %d", src);
		FUZZ_CHECK(rx[i].len == len && rx[i].last == frame, "port %u got another frame", i);
		FUZZ_CHECK(known < 0 || known == src || (int)i == known,
			   "learnt unicast for port %d reached port %u", known, i);
	}
	if (n < 0) {
		FUZZ_CHECK(total == 0, "refused frame (%d) delivered %u times", n, total);
		FUZZ_CHECK(src < 0 || src >= VSWITCH_MAX_PORTS || !sw.port[src].used ||
			   len < ETH_HLEN || len > VSWITCH_FRAME_MAX || eth_is_group(frame + ETH_ALEN) ||
			   (n == -EPERM && !allowed),
			   "good frame of %zu bytes refused (%d)", len, n);
	} else {
		FUZZ_CHECK((unsigned)n == total, "said %d, delivered %u", n, total);
		FUZZ_CHECK(len >= ETH_HLEN && len <= VSWITCH_FRAME_MAX, "%zu bytes accepted", len);
		FUZZ_CHECK(allowed, "frame from a source port %d may not use accepted", src);
		FUZZ_CHECK(vswitch_fdb_lookup(&sw, frame + ETH_ALEN) == src, "source not learnt");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	vswitch_init(&sw);
	memset(rx, 0, sizeof(rx));
	for (unsigned step = 0; step < MAX_STEPS && in.left; step++) {
		uint8_t op = fuzz_u8(&in);
		unsigned p = fuzz_u8(&in) % VSWITCH_MAX_PORTS;

		switch (op % 4) {
		case 0: {
			/* from the frames' address pool, so sources meet own MACs */
			struct vswitch_port_cfg c = {
				{ (uint8_t)(fuzz_u8(&in) & 0x03), 0, 0, 0, 0, (uint8_t)(fuzz_u8(&in) & 0x07) },
				(fuzz_u8(&in) & 1) != 0,
			};
			int got = vswitch_port_add(&sw, &c, take, NULL);

			if (got >= 0) {
				sw.port[got].ctx = (void *)(uintptr_t)got;
				rx[got].room = fuzz_u8(&in) % 8;
			} else {
				FUZZ_CHECK(sw.n_ports == VSWITCH_MAX_PORTS || got == -EEXIST ||
					   got == -EINVAL, "no port with %u used (%d)", sw.n_ports, got);
			}
			break;
		}
		case 1:
			vswitch_port_remove(&sw, (int)p);
			break;
		case 2:
			rx[p].room = fuzz_u8(&in) % 8;
			break;
		default:
			step_forward(&in);
			break;
		}
		check_fdb();
	}
	return 0;
}
