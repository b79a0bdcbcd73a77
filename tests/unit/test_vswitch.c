/*
 * Unit tests for virt/vswitch.c: a port sends from its own MAC only (other
 * sources dropped and counted) unless it may use any, and then never from
 * another port's; ports' own MACs are in the table from the start and no
 * learning moves or evicts them; broadcast and unknown unicast reach every
 * other port, never the sender; a learnt MAC gets its frames alone; a
 * learnt MAC that moves is followed; a full receiver drops (counted against it)
 * without stopping delivery to the others; frames shorter than a header
 * or longer than the MTU allows, and group source MACs, are refused and
 * counted; the table replaces its least recently seen entry when full; a
 * removed port forgets its MACs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <virt/vswitch.h>

#define N_PORTS 4

/* One fake receiver per port: what it got, and how much room it has. */
struct rx {
	unsigned got;
	unsigned room;
	size_t last_len;
	uint8_t last[VSWITCH_FRAME_MAX];
};

static struct vswitch sw;
static struct rx rx[N_PORTS];
static int port[N_PORTS];

static int fake_deliver(void *ctx, const uint8_t *frame, size_t len)
{
	struct rx *r = ctx;

	if (!r->room)
		return -ENOSPC;
	r->room--;
	r->got++;
	r->last_len = len;
	memcpy(r->last, frame, len);
	return 0;
}

/* Port i's own MAC: 02:00:00:00:01:<i>. */
static struct vswitch_port_cfg port_cfg(unsigned i, bool any_source)
{
	return (struct vswitch_port_cfg){ { 0x02, 0, 0, 0, 1, (uint8_t)i }, any_source };
}

static int add_port(unsigned i, bool any_source, void *ctx)
{
	struct vswitch_port_cfg c = port_cfg(i, any_source);

	return vswitch_port_add(&sw, &c, fake_deliver, ctx);
}

static int setup_ports(bool any_source)
{
	vswitch_init(&sw);
	memset(rx, 0, sizeof(rx));
	for (int i = 0; i < N_PORTS; i++) {
		rx[i].room = 1000;
		port[i] = add_port((unsigned)i, any_source, &rx[i]);
		assert_true(port[i] >= 0);
	}
	return 0;
}

/* Ports that may send from any source: the learning tests. */
static int setup(void **state)
{
	return setup_ports(true);
}

/* Ports held to their own MACs, as configs have them by default. */
static int setup_strict(void **state)
{
	return setup_ports(false);
}

static const uint8_t BCAST[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void mac_of(uint8_t mac[ETH_ALEN], unsigned n)
{
	const uint8_t m[ETH_ALEN] = { 0x02, 0x54, 0x44, 0, (uint8_t)(n >> 8), (uint8_t)n };

	memcpy(mac, m, ETH_ALEN);
}

static int send(int from, const uint8_t dst[ETH_ALEN], const uint8_t src[ETH_ALEN], size_t len)
{
	uint8_t f[VSWITCH_FRAME_MAX + 16] = { 0 };

	memcpy(f, dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, src, ETH_ALEN);
	f[12] = 0x08;		/* IPv4 */
	for (size_t i = ETH_HLEN; i < sizeof(f); i++)
		f[i] = (uint8_t)(i * 7 + (size_t)from);
	return vswitch_forward(&sw, port[from], f, len);
}

static void got(unsigned a, unsigned b, unsigned c, unsigned d)
{
	assert_int_equal(rx[0].got, a);
	assert_int_equal(rx[1].got, b);
	assert_int_equal(rx[2].got, c);
	assert_int_equal(rx[3].got, d);
}

static void test_broadcast_floods_others(void **state)
{
	uint8_t a[ETH_ALEN];

	mac_of(a, 0);
	assert_int_equal(send(0, BCAST, a, 60), 3);
	got(0, 1, 1, 1);
	assert_int_equal(rx[1].last_len, 60);
	assert_memory_equal(rx[1].last, BCAST, ETH_ALEN);
	assert_memory_equal(rx[1].last + ETH_ALEN, a, ETH_ALEN);
	/* Multicast (I/G bit) floods too. */
	uint8_t mc[ETH_ALEN] = { 0x33, 0x33, 0, 0, 0, 1 };

	assert_int_equal(send(2, mc, (uint8_t[ETH_ALEN]){ 0x02, 0, 0, 0, 0, 2 }, 90), 3);
	got(1, 2, 1, 2);
	assert_int_equal(sw.port[port[0]].st.tx_frames, 1);
	assert_int_equal(sw.port[port[0]].st.tx_bytes, 60);
	assert_int_equal(sw.port[port[1]].st.rx_frames, 2);
	assert_int_equal(sw.port[port[1]].st.rx_bytes, 150);
}

static void test_unknown_unicast_floods_then_learnt_goes_alone(void **state)
{
	uint8_t a[ETH_ALEN], b[ETH_ALEN];

	mac_of(a, 10);
	mac_of(b, 11);
	/* b unknown: flooded */
	assert_int_equal(send(0, b, a, 100), 3);
	got(0, 1, 1, 1);
	/* b answers from port 2: a is known, so only port 0 gets it */
	assert_int_equal(send(2, a, b, 100), 1);
	got(1, 1, 1, 1);
	assert_int_equal(vswitch_fdb_lookup(&sw, a), port[0]);
	assert_int_equal(vswitch_fdb_lookup(&sw, b), port[2]);
	/* and now a -> b goes to port 2 alone */
	assert_int_equal(send(0, b, a, 100), 1);
	got(1, 1, 2, 1);
	/* the frame arrives as sent */
	uint8_t want[VSWITCH_FRAME_MAX + 16] = { 0 };

	memcpy(want, b, ETH_ALEN);
	memcpy(want + ETH_ALEN, a, ETH_ALEN);
	want[12] = 0x08;
	for (size_t i = ETH_HLEN; i < 100; i++)
		want[i] = (uint8_t)(i * 7);
	assert_memory_equal(rx[2].last, want, 100);
}

static void test_mac_moves(void **state)
{
	uint8_t a[ETH_ALEN], b[ETH_ALEN];

	mac_of(a, 20);
	mac_of(b, 21);
	send(0, BCAST, a, 60);
	send(1, BCAST, b, 60);
	got(1, 1, 2, 2);
	/* a shows up behind port 3 now */
	send(3, BCAST, a, 60);
	assert_int_equal(vswitch_fdb_lookup(&sw, a), port[3]);
	got(2, 2, 3, 2);
	assert_int_equal(send(1, a, b, 60), 1);
	got(2, 2, 3, 3);
}

static void test_to_own_port_is_not_echoed(void **state)
{
	uint8_t a[ETH_ALEN], b[ETH_ALEN];

	mac_of(a, 30);
	mac_of(b, 31);
	send(0, BCAST, a, 60);
	send(0, BCAST, b, 60);
	got(0, 2, 2, 2);
	/* a and b both behind port 0: a frame between them goes nowhere */
	assert_int_equal(send(0, b, a, 60), 0);
	got(0, 2, 2, 2);
}

static void test_full_receiver_drops_and_counts(void **state)
{
	uint8_t a[ETH_ALEN], b[ETH_ALEN];

	mac_of(a, 40);
	mac_of(b, 41);
	rx[2].room = 0;
	/* the flood still reaches 1 and 3 */
	assert_int_equal(send(0, BCAST, a, 60), 2);
	got(0, 1, 0, 1);
	assert_int_equal(sw.port[port[2]].st.rx_dropped, 1);
	assert_int_equal(sw.port[port[2]].st.rx_frames, 0);
	/* learnt unicast to the full port: nothing delivered, counted */
	rx[2].room = 1;
	send(2, BCAST, b, 60);
	assert_int_equal(send(0, b, a, 60), 1);
	assert_int_equal(send(0, b, a, 60), 0);
	assert_int_equal(sw.port[port[2]].st.rx_dropped, 2);
	assert_int_equal(rx[2].got, 1);
}

static void test_frame_sizes(void **state)
{
	uint8_t a[ETH_ALEN];

	mac_of(a, 50);
	/* the header alone and the largest frame pass */
	assert_int_equal(send(0, BCAST, a, ETH_HLEN), 3);
	assert_int_equal(send(0, BCAST, a, VSWITCH_FRAME_MAX), 3);
	assert_int_equal(rx[1].last_len, VSWITCH_FRAME_MAX);
	got(0, 2, 2, 2);
	/* one byte out either way is refused, delivered nowhere, counted */
	assert_int_equal(send(0, BCAST, a, ETH_HLEN - 1), -EMSGSIZE);
	assert_int_equal(send(0, BCAST, a, VSWITCH_FRAME_MAX + 1), -EMSGSIZE);
	assert_int_equal(vswitch_forward(&sw, port[0], (const uint8_t *)"", 0), -EMSGSIZE);
	assert_int_equal(vswitch_forward(&sw, port[0], NULL, 60), -EMSGSIZE);
	assert_int_equal(vswitch_forward(&sw, port[0], (const uint8_t *)"", SIZE_MAX), -EMSGSIZE);
	got(0, 2, 2, 2);
	assert_int_equal(sw.port[port[0]].st.tx_bad, 5);
	assert_int_equal(sw.port[port[0]].st.tx_frames, 2);
}

static void test_group_source_refused(void **state)
{
	uint8_t a[ETH_ALEN];

	mac_of(a, 60);
	assert_int_equal(send(1, a, BCAST, 60), -EINVAL);
	got(0, 0, 0, 0);
	assert_int_equal(vswitch_fdb_lookup(&sw, BCAST), -ENOENT);
	assert_int_equal(sw.port[port[1]].st.tx_bad, 1);
}

static void test_bad_ports(void **state)
{
	uint8_t f[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2 };

	assert_int_equal(vswitch_forward(&sw, -1, f, sizeof(f)), -EINVAL);
	assert_int_equal(vswitch_forward(&sw, VSWITCH_MAX_PORTS, f, sizeof(f)), -EINVAL);
	assert_int_equal(vswitch_forward(&sw, N_PORTS, f, sizeof(f)), -EINVAL);	/* unused */
	got(0, 0, 0, 0);
	vswitch_port_remove(&sw, -1);
	vswitch_port_remove(&sw, N_PORTS);
	assert_int_equal(sw.n_ports, N_PORTS);
}

static void test_ports_run_out(void **state)
{
	struct rx extra;

	for (int i = N_PORTS; i < VSWITCH_MAX_PORTS; i++)
		assert_true(add_port((unsigned)i, false, &extra) >= 0);
	assert_int_equal(add_port(100, false, &extra), -ENOSPC);
	vswitch_port_remove(&sw, 5);
	assert_int_equal(add_port(100, false, &extra), 5);
}

static void test_removed_port_forgets_its_macs(void **state)
{
	uint8_t a[ETH_ALEN], b[ETH_ALEN];

	mac_of(a, 70);
	mac_of(b, 71);
	send(1, BCAST, b, 60);
	assert_int_equal(vswitch_fdb_lookup(&sw, b), port[1]);
	vswitch_port_remove(&sw, port[1]);
	assert_int_equal(vswitch_fdb_lookup(&sw, b), -ENOENT);
	/* a frame for b floods the ports left, not the removed one */
	assert_int_equal(send(0, b, a, 60), 2);
	got(1, 0, 2, 2);
	assert_int_equal(sw.n_ports, N_PORTS - 1);
	/* a new port in the old slot starts with clean counters */
	port[1] = add_port(1, true, &rx[1]);
	assert_int_equal(sw.port[port[1]].st.tx_frames, 0);
}

static void test_table_replaces_least_recent(void **state)
{
	uint8_t m[ETH_ALEN], keep[ETH_ALEN];

	mac_of(keep, 999);
	send(3, BCAST, keep, 60);
	/* fill the table (the ports' own MACs hold N_PORTS entries), touching
	 * `keep` on the way so it stays recent */
	for (unsigned i = 0; i < VSWITCH_FDB_SIZE - N_PORTS - 1; i++) {
		mac_of(m, 100 + i);
		send(0, BCAST, m, 60);
		if (i == VSWITCH_FDB_SIZE / 2)
			send(3, BCAST, keep, 60);
	}
	mac_of(m, 100);
	assert_int_equal(vswitch_fdb_lookup(&sw, m), port[0]);
	/* one more: the oldest (mac 100) goes, keep stays */
	mac_of(m, 5000);
	send(1, BCAST, m, 60);
	assert_int_equal(vswitch_fdb_lookup(&sw, m), port[1]);
	mac_of(m, 100);
	assert_int_equal(vswitch_fdb_lookup(&sw, m), -ENOENT);
	mac_of(m, 101);
	assert_int_equal(vswitch_fdb_lookup(&sw, m), port[0]);
	assert_int_equal(vswitch_fdb_lookup(&sw, keep), port[3]);
	/* a flood of invented sources never grows the table past its size */
	for (unsigned i = 0; i < 10 * VSWITCH_FDB_SIZE; i++) {
		mac_of(m, 6000 + i);
		send(2, BCAST, m, 60);
	}
	unsigned used = 0;

	for (unsigned i = 0; i < VSWITCH_FDB_SIZE; i++)
		used += sw.fdb[i].used;
	assert_int_equal(used, VSWITCH_FDB_SIZE);
	assert_int_equal(vswitch_fdb_lookup(&sw, m), port[2]);
	/* and the ports' own MACs never went */
	for (unsigned i = 0; i < N_PORTS; i++) {
		struct vswitch_port_cfg c = port_cfg(i, true);

		assert_int_equal(vswitch_fdb_lookup(&sw, c.mac), port[i]);
	}
}

/* A port held to its MAC: frames from any other source are dropped,
 * reach nobody, teach the table nothing and are counted. */
static void test_strict_port_sends_from_own_mac_only(void **state)
{
	struct vswitch_port_cfg own0 = port_cfg(0, false), own1 = port_cfg(1, false);
	uint8_t other[ETH_ALEN];

	mac_of(other, 80);
	assert_int_equal(send(0, BCAST, own0.mac, 60), 3);
	got(0, 1, 1, 1);
	assert_int_equal(send(0, BCAST, other, 60), -EPERM);
	assert_int_equal(send(0, own1.mac, other, 60), -EPERM);
	/* another port's address: that is spoofing too */
	assert_int_equal(send(0, BCAST, own1.mac, 60), -EPERM);
	got(0, 1, 1, 1);
	assert_int_equal(sw.port[port[0]].st.tx_spoofed, 3);
	assert_int_equal(sw.port[port[0]].st.tx_frames, 1);
	assert_int_equal(sw.port[port[0]].st.tx_bad, 0);
	assert_int_equal(vswitch_fdb_lookup(&sw, other), -ENOENT);
	assert_int_equal(vswitch_fdb_lookup(&sw, own1.mac), port[1]);
	/* unicast to a port's own MAC goes there alone, learnt from nothing */
	assert_int_equal(send(2, own1.mac, port_cfg(2, false).mac, 60), 1);
	got(0, 2, 1, 1);
}

/* With every MAC known the table is static: a flood of invented sources
 * from a port that may use any changes no port's entry. */
static void test_own_macs_never_evicted_or_stolen(void **state)
{
	struct vswitch_port_cfg spoofer = port_cfg(9, true), own1 = port_cfg(1, false);
	struct rx srx = { .room = 1000 };
	int sp = vswitch_port_add(&sw, &spoofer, fake_deliver, &srx);
	uint8_t m[ETH_ALEN];

	assert_true(sp >= 0);
	for (unsigned i = 0; i < 10 * VSWITCH_FDB_SIZE; i++) {
		mac_of(m, 7000 + i);
		assert_int_equal(vswitch_forward(&sw, sp, (uint8_t[ETH_HLEN]){ 0xff, 0xff, 0xff, 0xff,
				 0xff, 0xff, m[0], m[1], m[2], m[3], m[4], m[5] }, ETH_HLEN), N_PORTS);
	}
	/* it may not take another port's address */
	assert_int_equal(vswitch_forward(&sw, sp, (uint8_t[ETH_HLEN]){ 0xff, 0xff, 0xff, 0xff, 0xff,
			 0xff, 0x02, 0, 0, 0, 1, 1 }, ETH_HLEN), -EPERM);
	assert_int_equal(sw.port[sp].st.tx_spoofed, 1);
	for (unsigned i = 0; i < N_PORTS; i++) {
		struct vswitch_port_cfg c = port_cfg(i, false);

		assert_int_equal(vswitch_fdb_lookup(&sw, c.mac), port[i]);
	}
	assert_int_equal(vswitch_fdb_lookup(&sw, spoofer.mac), sp);
	/* nor join with it */
	assert_int_equal(vswitch_port_add(&sw, &own1, fake_deliver, &srx), -EEXIST);
	own1.mac[0] = 0x01;
	assert_int_equal(vswitch_port_add(&sw, &own1, fake_deliver, &srx), -EINVAL);
	memset(own1.mac, 0, ETH_ALEN);
	assert_int_equal(vswitch_port_add(&sw, &own1, fake_deliver, &srx), -EINVAL);
	/* a learnt MAC becomes a joining port's own */
	assert_int_equal(vswitch_fdb_lookup(&sw, m), sp);
	memcpy(own1.mac, m, ETH_ALEN);
	assert_int_equal(vswitch_port_add(&sw, &own1, fake_deliver, &srx), sp + 1);
	assert_int_equal(vswitch_fdb_lookup(&sw, m), sp + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_broadcast_floods_others, setup),
		cmocka_unit_test_setup(test_unknown_unicast_floods_then_learnt_goes_alone, setup),
		cmocka_unit_test_setup(test_mac_moves, setup),
		cmocka_unit_test_setup(test_to_own_port_is_not_echoed, setup),
		cmocka_unit_test_setup(test_full_receiver_drops_and_counts, setup),
		cmocka_unit_test_setup(test_frame_sizes, setup),
		cmocka_unit_test_setup(test_group_source_refused, setup),
		cmocka_unit_test_setup(test_bad_ports, setup),
		cmocka_unit_test_setup(test_ports_run_out, setup),
		cmocka_unit_test_setup(test_removed_port_forgets_its_macs, setup),
		cmocka_unit_test_setup(test_table_replaces_least_recent, setup),
		cmocka_unit_test_setup(test_strict_port_sends_from_own_mac_only, setup_strict),
		cmocka_unit_test_setup(test_own_macs_never_evicted_or_stolen, setup_strict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
