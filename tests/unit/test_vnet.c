/*
 * Unit tests for virt/vnet.c (with virt/vswitch.c), the kernel's mutex and
 * sleep stubbed: a receiver's deliver function runs with no lock held (a
 * preempted receiver, holding its own device lock, must not stall the
 * whole network: issue 24 item 13), its outcome is counted afterwards, a
 * frame floods to every other port, and a port that has left gets nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <tandem/kernel.h>
#include <virt/vnet.h>

/* ---- kernel stubs: one thread, so a mutex is a held flag ----------------- */

static unsigned held;		/* mutexes held now */

int k_mutex_init(struct k_mutex *m)
{
	m->lock_count = 0;
	return 0;
}

int k_mutex_lock(struct k_mutex *m, k_timeout_t timeout)
{
	assert_int_equal(m->lock_count, 0);	/* no recursion, no deadlock */
	m->lock_count = 1;
	held++;
	return 0;
}

int k_mutex_unlock(struct k_mutex *m)
{
	assert_int_equal(m->lock_count, 1);
	m->lock_count = 0;
	held--;
	return 0;
}

int32_t k_sleep(k_timeout_t t)
{
	fail_msg("vnet_leave waited with no delivery in flight");
	return 0;
}

/* ---- receivers ------------------------------------------------------------ */

struct rx {
	unsigned frames, held_at_delivery;
	int answer;
};

static int deliver(void *ctx, const uint8_t *frame, size_t len)
{
	struct rx *r = ctx;

	r->frames++;
	r->held_at_delivery += held;
	return r->answer;
}

static uint8_t frame[64];

static void make_frame(const uint8_t dst[6], uint8_t src_last)
{
	memset(frame, 0, sizeof(frame));
	memcpy(frame, dst, 6);
	memcpy(frame + 6, (uint8_t[]){ 0x02, 0, 0, 0, 0, src_last }, 6);
}

static void test_delivery_without_the_network_lock(void **state)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct rx a = { 0 }, b = { 0 }, c = { .answer = -ENOSPC };
	struct vnet_network *net, *net2, *net3;
	struct vswitch_port_stats st;
	int pa, pb, pc;
	char err[128];

	assert_int_equal(vnet_join("lan", deliver, &a, &net, &pa, err, sizeof(err)), 0);
	assert_int_equal(vnet_join("lan", deliver, &b, &net2, &pb, err, sizeof(err)), 0);
	assert_int_equal(vnet_join("lan", deliver, &c, &net3, &pc, err, sizeof(err)), 0);
	assert_ptr_equal(net, net2);
	assert_int_equal(held, 0);

	make_frame(bcast, 1);
	assert_int_equal(vnet_send(net, pa, frame, sizeof(frame)), 1);	/* b took it, c full */
	assert_int_equal(a.frames, 0);
	assert_int_equal(b.frames, 1);
	assert_int_equal(c.frames, 1);
	/* On main the network's mutex was held around each delivery. */
	assert_int_equal(b.held_at_delivery, 0);
	assert_int_equal(c.held_at_delivery, 0);
	assert_int_equal(held, 0);
	vnet_port_stats(net, pb, &st);
	assert_int_equal(st.rx_frames, 1);
	vnet_port_stats(net, pc, &st);
	assert_int_equal(st.rx_dropped, 1);
	vnet_port_stats(net, pa, &st);
	assert_int_equal(st.tx_frames, 1);

	/* A port that left gets nothing; the others still do. */
	vnet_leave(net, pc);
	assert_int_equal(vnet_send(net, pa, frame, sizeof(frame)), 1);
	assert_int_equal(c.frames, 1);
	assert_int_equal(b.frames, 2);
	/* Refused frames: counted, delivered nowhere. */
	assert_int_equal(vnet_send(net, pa, frame, 4), -EMSGSIZE);
	assert_int_equal(b.frames, 2);
	vnet_leave(net, pb);
	vnet_leave(net, pa);
	assert_int_equal(held, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delivery_without_the_network_lock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
