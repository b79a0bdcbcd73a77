/*
 * Cadence UART ("cdns,uart-r1p12", "xlnx,xuartps"; Zynq, ZynqMP, Versal's
 * second UART). Registers are 32-bit at fixed offsets. Firmware normally
 * enables the transmitter; QEMU leaves it disabled at reset, so init
 * enables both directions and keeps the baud rate as found.
 */
#include <tandem/driver.h>
#include <tandem/serial.h>

#define CDNS_CR		0x00
#define CDNS_IER	0x08
#define CDNS_IDR	0x0c
#define CDNS_ISR	0x14
#define CDNS_RXWM	0x20
#define CDNS_SR		0x2c
#define CDNS_FIFO	0x30

#define CR_RX_EN	(1U << 2)
#define CR_RX_DIS	(1U << 3)
#define CR_TX_EN	(1U << 4)
#define CR_TX_DIS	(1U << 5)

/* SR and the interrupt registers share these bit positions. */
#define ST_RTRIG	(1U << 0)	/* receive FIFO at the watermark */
#define ST_REMPTY	(1U << 1)
#define ST_TEMPTY	(1U << 3)
#define ST_TFUL		(1U << 4)
#define ST_TIMEOUT	(1U << 8)
#define INT_ALL		0x1fffU

static inline uint32_t rd(const struct serial_port *p, uint32_t off)
{
	return *(volatile uint32_t *)(p->base + off);
}

static inline void wr(const struct serial_port *p, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(p->base + off) = v;
}

static void cdns_init(const struct serial_port *p)
{
	wr(p, CDNS_IDR, INT_ALL);
	wr(p, CDNS_ISR, INT_ALL);
	wr(p, CDNS_RXWM, 1);		/* an interrupt per received byte */
	wr(p, CDNS_CR, (rd(p, CDNS_CR) & ~(CR_TX_DIS | CR_RX_DIS)) |
		       CR_TX_EN | CR_RX_EN);
}

static bool cdns_tx_full(const struct serial_port *p)
{
	return rd(p, CDNS_SR) & ST_TFUL;
}

static void cdns_tx_byte(const struct serial_port *p, char c)
{
	wr(p, CDNS_FIFO, (uint8_t)c);
}

static bool cdns_rx_ready(const struct serial_port *p)
{
	return !(rd(p, CDNS_SR) & ST_REMPTY);
}

static char cdns_rx_byte(const struct serial_port *p)
{
	return (char)(rd(p, CDNS_FIFO) & 0xff);
}

static void cdns_set_tx_irq(const struct serial_port *p, bool on)
{
	wr(p, on ? CDNS_IER : CDNS_IDR, ST_TEMPTY);
}

static void cdns_enable_rx_irq(const struct serial_port *p)
{
	wr(p, CDNS_IER, ST_RTRIG | ST_TIMEOUT);
}

static void cdns_ack_irqs(const struct serial_port *p)
{
	wr(p, CDNS_ISR, rd(p, CDNS_ISR));	/* write-one-to-clear */
}

static const struct serial_ops cdns_ops = {
	.init = cdns_init,
	.tx_full = cdns_tx_full,
	.tx_byte = cdns_tx_byte,
	.rx_ready = cdns_rx_ready,
	.rx_byte = cdns_rx_byte,
	.set_tx_irq = cdns_set_tx_irq,
	.enable_rx_irq = cdns_enable_rx_irq,
	.ack_irqs = cdns_ack_irqs,
};

static const char *const cdns_compatible[] = {
	"cdns,uart-r1p12", "xlnx,xuartps", "cdns,uart-r1p8", NULL
};

DRIVER_REGISTER(DRIVER_SERIAL, "cadence", cdns_compatible, &cdns_ops);
