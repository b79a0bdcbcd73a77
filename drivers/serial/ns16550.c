/*
 * 16550-compatible UARTs ("ns16550a", "ns16550", "snps,dw-apb-uart":
 * RK3568, Jetson, AM6x and most SoCs' debug UARTs). Register n sits at
 * base + (n << reg-shift), accessed reg-io-width bytes wide (struct
 * serial_port). The baud divisor and line format are left as the
 * firmware set them.
 *
 * No QEMU Arm machine here has one: this driver is tested against a
 * register model only (tests/unit/test_ns16550.c), not on hardware.
 */
#include <tandem/driver.h>
#include <tandem/serial.h>

#define UART_RBR	0	/* read */
#define UART_THR	0	/* write */
#define UART_IER	1
#define UART_IIR	2	/* read */
#define UART_FCR	2	/* write */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_USR	31	/* DesignWare: UART status */

#define IER_RDI		(1U << 0)	/* receive data available */
#define IER_THRI	(1U << 1)	/* transmit holding register empty */
#define IIR_ID_MASK	0x0fU
#define IIR_BUSY	0x07U		/* DesignWare: LCR written while busy */
#define IIR_RLS		0x06U		/* receiver line status */
#define FCR_ENABLE	0x01U
#define FCR_CLEAR	0x06U		/* clear both FIFOs */
#define LCR_DLAB	0x80U
#define MCR_DTR_RTS	0x03U
#define MCR_OUT2	0x08U		/* routes the interrupt on PC-style parts */
#define LSR_DR		0x01U
#define LSR_THRE	0x20U

static void ns16550_init(const struct serial_port *p)
{
	uint32_t lcr = serial_rd(p, UART_LCR);

	/* RBR/THR/IER are only reachable with the divisor latch closed. */
	if (lcr & LCR_DLAB)
		serial_wr(p, UART_LCR, lcr & ~LCR_DLAB);
	serial_wr(p, UART_IER, 0);
	serial_wr(p, UART_FCR, FCR_ENABLE | FCR_CLEAR);
	serial_wr(p, UART_MCR, MCR_DTR_RTS | MCR_OUT2);
}

static bool ns16550_tx_full(const struct serial_port *p)
{
	return !(serial_rd(p, UART_LSR) & LSR_THRE);
}

static void ns16550_tx_byte(const struct serial_port *p, char c)
{
	serial_wr(p, UART_THR, (uint8_t)c);
}

static bool ns16550_rx_ready(const struct serial_port *p)
{
	return serial_rd(p, UART_LSR) & LSR_DR;
}

static char ns16550_rx_byte(const struct serial_port *p)
{
	return (char)(serial_rd(p, UART_RBR) & 0xff);
}

static void ns16550_set_tx_irq(const struct serial_port *p, bool on)
{
	uint32_t ier = serial_rd(p, UART_IER);

	serial_wr(p, UART_IER, on ? (ier | IER_THRI) : (ier & ~IER_THRI));
}

static void ns16550_enable_rx_irq(const struct serial_port *p)
{
	serial_wr(p, UART_IER, serial_rd(p, UART_IER) | IER_RDI);
}

/* Reading IIR clears a THRE interrupt; the two causes that need more get
 * their own read, or they would stay asserted for ever. */
static void ns16550_ack_irqs(const struct serial_port *p)
{
	uint32_t id = serial_rd(p, UART_IIR) & IIR_ID_MASK;

	if (id == IIR_BUSY)
		(void)serial_rd(p, UART_USR);
	else if (id == IIR_RLS)
		(void)serial_rd(p, UART_LSR);
}

static const struct serial_ops ns16550_ops = {
	.init = ns16550_init,
	.tx_full = ns16550_tx_full,
	.tx_byte = ns16550_tx_byte,
	.rx_ready = ns16550_rx_ready,
	.rx_byte = ns16550_rx_byte,
	.set_tx_irq = ns16550_set_tx_irq,
	.enable_rx_irq = ns16550_enable_rx_irq,
	.ack_irqs = ns16550_ack_irqs,
};

static const char *const ns16550_compatible[] = {
	"snps,dw-apb-uart", "ns16550a", "ns16550", NULL
};

DRIVER_REGISTER(DRIVER_SERIAL, "ns16550", ns16550_compatible, &ns16550_ops);
