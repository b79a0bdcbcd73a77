/*
 * Tests for drivers/serial/ns16550.c against a register model: the
 * registers are plain memory laid out as reg-shift and reg-io-width say,
 * every byte that is not a register holds a sentinel, and the test plays
 * the hardware's side (LSR, IIR, RBR) between the driver's calls. No QEMU
 * Arm machine has a 16550, so this is the driver's only test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <tandem/driver.h>
#include <tandem/serial.h>

#include <string.h>

#define SENTINEL 0xa5
#define REGS 32			/* up to the DesignWare USR, register 31 */

enum { RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, USR = 31 };

struct model {
	uint8_t mem[REGS << 3] __attribute__((aligned(8)));
	struct serial_port port;
	const struct serial_ops *ops;
};

static const struct {
	unsigned int shift, width;
} layouts[] = {
	{ 0, 1 },	/* PC-style, byte registers */
	{ 2, 4 },	/* DesignWare APB (RK3568): 32-bit registers */
	{ 2, 1 },	/* byte registers on a 4-byte stride */
};

static void model_init(struct model *m, unsigned int shift, unsigned int width)
{
	static const char compat[] = "rockchip,rk3568-uart\0snps,dw-apb-uart";
	const struct driver *d = driver_match(DRIVER_SERIAL, compat, sizeof(compat));

	assert_non_null(d);
	assert_string_equal(d->name, "ns16550");
	memset(m->mem, SENTINEL, sizeof(m->mem));
	m->port.base = m->mem;
	m->port.reg_shift = shift;
	m->port.reg_width = width;
	m->ops = d->ops;
}

static uint8_t *reg(struct model *m, unsigned int n)
{
	return m->mem + (n << m->port.reg_shift);
}

static uint32_t get(struct model *m, unsigned int n)
{
	uint32_t v = 0;

	memcpy(&v, reg(m, n), m->port.reg_width);
	return v;
}

static void set(struct model *m, unsigned int n, uint32_t v)
{
	memcpy(reg(m, n), &v, m->port.reg_width);
}

/* Nothing but whole registers was written: every other byte is a sentinel. */
static void assert_only_registers(struct model *m)
{
	for (size_t i = 0; i < sizeof(m->mem); i++) {
		size_t off = i & ((1u << m->port.reg_shift) - 1);

		if (off >= m->port.reg_width && m->mem[i] != SENTINEL)
			fail_msg("byte %zu between registers written (shift %u width %u)",
				 i, m->port.reg_shift, m->port.reg_width);
	}
}

static void test_init(void **state)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct model m;

		model_init(&m, layouts[i].shift, layouts[i].width);
		set(&m, LCR, 0x83);	/* firmware left the divisor latch open */
		set(&m, IER, 0x0f);
		m.ops->init(&m.port);
		assert_int_equal(get(&m, LCR), 0x03);	/* 8n1 kept, DLAB closed */
		assert_int_equal(get(&m, IER), 0);
		assert_int_equal(get(&m, FCR), 0x07);	/* FIFOs on and cleared */
		assert_int_equal(get(&m, MCR), 0x0b);	/* DTR, RTS, OUT2 */
		assert_only_registers(&m);
	}
}

static void test_init_leaves_a_closed_latch_alone(void **state)
{
	struct model m;

	model_init(&m, 2, 4);
	set(&m, LCR, 0x1b);	/* 8E1 */
	m.ops->init(&m.port);
	assert_int_equal(get(&m, LCR), 0x1b);
}

static void test_transmit(void **state)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct model m;

		model_init(&m, layouts[i].shift, layouts[i].width);
		set(&m, LSR, 0x00);		/* holding register full */
		assert_true(m.ops->tx_full(&m.port));
		set(&m, LSR, 0x20);		/* THRE */
		assert_false(m.ops->tx_full(&m.port));
		m.ops->tx_byte(&m.port, 'Z');
		assert_int_equal(get(&m, THR), 'Z');
		m.ops->tx_byte(&m.port, (char)0xff);
		assert_int_equal(get(&m, THR), 0xff);
		assert_only_registers(&m);
	}
}

static void test_receive(void **state)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct model m;

		model_init(&m, layouts[i].shift, layouts[i].width);
		set(&m, LSR, 0x60);		/* transmitter idle, nothing received */
		assert_false(m.ops->rx_ready(&m.port));
		set(&m, LSR, 0x61);		/* DR */
		set(&m, RBR, 'q');
		assert_true(m.ops->rx_ready(&m.port));
		assert_int_equal(m.ops->rx_byte(&m.port), 'q');
		if (layouts[i].width == 4) {	/* only the low byte is data */
			set(&m, RBR, 0x100 | 'r');
			assert_int_equal(m.ops->rx_byte(&m.port), 'r');
		}
	}
}

static void test_interrupt_enables(void **state)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct model m;

		model_init(&m, layouts[i].shift, layouts[i].width);
		set(&m, IER, 0);
		m.ops->enable_rx_irq(&m.port);
		assert_int_equal(get(&m, IER), 0x01);
		m.ops->set_tx_irq(&m.port, true);
		assert_int_equal(get(&m, IER), 0x03);
		m.ops->set_tx_irq(&m.port, false);
		assert_int_equal(get(&m, IER), 0x01);	/* receive stays on */
		assert_only_registers(&m);
	}
}

/* Acknowledging writes nothing: IIR, LSR and USR are cleared by reading. */
static void test_ack_writes_nothing(void **state)
{
	static const uint32_t iir[] = { 0x01, 0x02, 0x04, 0x06, 0x07, 0x0c, 0xc7 };

	for (size_t i = 0; i < sizeof(iir) / sizeof(iir[0]); i++) {
		struct model m;
		uint8_t before[sizeof(m.mem)];

		model_init(&m, 2, 4);
		set(&m, IIR, iir[i]);
		memcpy(before, m.mem, sizeof(before));
		m.ops->ack_irqs(&m.port);
		assert_memory_equal(before, m.mem, sizeof(before));
	}
}

static void test_compatibles(void **state)
{
	static const char *const names[] = { "snps,dw-apb-uart", "ns16550a", "ns16550" };

	for (size_t i = 0; i < 3; i++) {
		const struct driver *d = driver_match(DRIVER_SERIAL, names[i],
						      (int)strlen(names[i]) + 1);

		assert_non_null(d);
		assert_string_equal(d->name, "ns16550");
	}
	assert_null(driver_match(DRIVER_SERIAL, "ns8250", sizeof("ns8250")));
	/* A compatible that is not NUL-terminated matches nothing. */
	assert_null(driver_match(DRIVER_SERIAL, "ns16550a", 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_init_leaves_a_closed_latch_alone),
		cmocka_unit_test(test_transmit),
		cmocka_unit_test(test_receive),
		cmocka_unit_test(test_interrupt_enables),
		cmocka_unit_test(test_ack_writes_nothing),
		cmocka_unit_test(test_compatibles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
