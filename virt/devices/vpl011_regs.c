/*
 * The PL011's registers as a guest sees them (include/virt/vpl011_regs.h):
 * data, flags, the interrupt mask/status/clear set and the configuration
 * registers kept for read-back. The interrupt line (level) follows RIS & IMSC.
 */
#include <virt/vpl011_regs.h>

#include <errno.h>
#include <string.h>

#define UARTDR		0x000
#define UARTRSR		0x004
#define UARTFR		0x018
#define UARTILPR	0x020
#define UARTIBRD	0x024
#define UARTFBRD	0x028
#define UARTLCR_H	0x02c
#define UARTCR		0x030
#define UARTIFLS	0x034
#define UARTIMSC	0x038
#define UARTRIS		0x03c
#define UARTMIS		0x040
#define UARTICR		0x044
#define UARTDMACR	0x048

#define FR_RXFE		(1U << 4)
#define FR_TXFE		(1U << 7)
#define INT_RX		(1U << 4)
#define INT_TX		(1U << 5)
#define INT_RT		(1U << 6)

/* PrimeCell identification: PL011 r1p5, as QEMU's. */
static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

void vpl011_regs_reset(struct vpl011_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->cr = 0x300;		/* TXE | RXE */
	r->ifls = 0x12;
}

static bool rx_empty(const struct vpl011_regs *r)
{
	return r->rx_head == r->rx_tail;
}

static bool update_irq(struct vpl011_regs *r)
{
	if (!rx_empty(r))
		r->ris |= INT_RX | INT_RT;
	else
		r->ris &= ~(INT_RX | INT_RT);
	return (r->ris & r->imsc) != 0;
}

static void reg_write(struct vpl011_regs *r, uint64_t off, uint64_t val, struct vpl011_effect *e)
{
	switch (off) {
	case UARTDR:
		e->tx = (int)(val & 0xff);
		r->ris |= INT_TX;
		break;
	case UARTRSR: break;
	case UARTILPR: r->ilpr = (uint32_t)val & 0xff; break;
	case UARTIBRD: r->ibrd = (uint32_t)val & 0xffff; break;
	case UARTFBRD: r->fbrd = (uint32_t)val & 0x3f; break;
	case UARTLCR_H: r->lcr_h = (uint32_t)val & 0xff; break;
	case UARTCR: r->cr = (uint32_t)val & 0xffff; break;
	case UARTIFLS: r->ifls = (uint32_t)val & 0x3f; break;
	case UARTIMSC: r->imsc = (uint32_t)val & 0x7ff; break;
	case UARTICR: r->ris &= ~((uint32_t)val & 0x7ff); break;
	case UARTDMACR: r->dmacr = (uint32_t)val & 7; break;
	default: break;		/* read-only or reserved: ignored */
	}
}

static uint64_t reg_read(struct vpl011_regs *r, uint64_t off)
{
	switch (off) {
	case UARTDR:
		if (rx_empty(r))
			return 0;
		return r->rx[r->rx_tail++ % VPL011_RX_FIFO];
	case UARTRSR: return 0;
	case UARTFR: return FR_TXFE | (rx_empty(r) ? FR_RXFE : 0);
	case UARTILPR: return r->ilpr;
	case UARTIBRD: return r->ibrd;
	case UARTFBRD: return r->fbrd;
	case UARTLCR_H: return r->lcr_h;
	case UARTCR: return r->cr;
	case UARTIFLS: return r->ifls;
	case UARTIMSC: return r->imsc;
	case UARTRIS: return r->ris;
	case UARTMIS: return r->ris & r->imsc;
	case UARTDMACR: return r->dmacr;
	default:
		return (off >= 0xfe0 && off < 0x1000) ? pl011_id[(off - 0xfe0) / 4] : 0;
	}
}

int vpl011_regs_access(struct vpl011_regs *r, uint64_t off, unsigned size, bool write,
		       uint64_t *val, struct vpl011_effect *e)
{
	e->tx = -1;
	if (size != 4 && !(size == 1 && off == UARTDR) && !(size == 2 && off < 0x50))
		return -EINVAL;
	if (write)
		reg_write(r, off, *val, e);
	else
		*val = reg_read(r, off);
	e->level = update_irq(r);
	return 0;
}

bool vpl011_regs_receive(struct vpl011_regs *r, uint8_t c)
{
	if (r->rx_head - r->rx_tail < VPL011_RX_FIFO)
		r->rx[r->rx_head++ % VPL011_RX_FIFO] = c;
	return update_irq(r);
}
