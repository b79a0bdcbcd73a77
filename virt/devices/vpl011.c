/*
 * An emulated PL011 UART per VM, at QEMU virt's address, so a guest's
 * console driver runs unmodified. Transmitted bytes go to the physical
 * VM's console ring (virt/vm_console.c); received bytes come from the
 * console when it is attached to this VM. The interrupt line (level) follows RIS & IMSC.
 */
#include <errno.h>
#include <stdlib.h>
#include <virt/vm.h>

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

#define RX_FIFO		64

struct vpl011 {
	struct vm *vm;
	irqid_t intid;
	struct k_spinlock lock;
	uint32_t ris, imsc, cr, lcr_h, ibrd, fbrd, ifls, dmacr, ilpr;
	uint8_t rx[RX_FIFO];
	unsigned rx_head, rx_tail;
	bool line;
};

/* PrimeCell identification: PL011 r1p5, as QEMU's. */
static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

/* Lock held. Returns the new line level for the caller to pass on. */
static bool update_irq(struct vpl011 *u)
{
	if (u->rx_head != u->rx_tail)
		u->ris |= INT_RX | INT_RT;
	else
		u->ris &= ~(INT_RX | INT_RT);
	return (u->ris & u->imsc) != 0;
}

static void set_line(struct vpl011 *u, bool level)
{
	struct vm *vm = u->vm;
	k_spinlock_key_t key;

	if (level == u->line)
		return;
	u->line = level;
	key = k_spin_lock(&vm->vgic_lock);
	vgic_inject(&vm->vgic, 0, u->intid, level);
	k_spin_unlock(&vm->vgic_lock, key);
}

static int vpl011_access(struct vcpu *v, struct mmio_device *d, uint64_t off,
			 unsigned size, bool write, uint64_t *val)
{
	struct vpl011 *u = d->priv;
	k_spinlock_key_t key;
	bool level;
	char c;

	if (size != 4 && !(size == 1 && off == UARTDR) && !(size == 2 && off < 0x50))
		return -EINVAL;
	key = k_spin_lock(&u->lock);
	if (write) {
		switch (off) {
		case UARTDR:
			c = (char)(*val & 0xff);
			u->ris |= INT_TX;
			level = update_irq(u);
			k_spin_unlock(&u->lock, key);
			vm_console_put(u->vm, c);
			set_line(u, level);
			return 0;
		case UARTRSR: break;
		case UARTILPR: u->ilpr = (uint32_t)*val & 0xff; break;
		case UARTIBRD: u->ibrd = (uint32_t)*val & 0xffff; break;
		case UARTFBRD: u->fbrd = (uint32_t)*val & 0x3f; break;
		case UARTLCR_H: u->lcr_h = (uint32_t)*val & 0xff; break;
		case UARTCR: u->cr = (uint32_t)*val & 0xffff; break;
		case UARTIFLS: u->ifls = (uint32_t)*val & 0x3f; break;
		case UARTIMSC: u->imsc = (uint32_t)*val & 0x7ff; break;
		case UARTICR: u->ris &= ~((uint32_t)*val & 0x7ff); break;
		case UARTDMACR: u->dmacr = (uint32_t)*val & 7; break;
		default: break;		/* read-only or reserved: ignored */
		}
	} else {
		switch (off) {
		case UARTDR:
			*val = 0;
			if (u->rx_head != u->rx_tail)
				*val = u->rx[u->rx_tail++ % RX_FIFO];
			break;
		case UARTRSR: *val = 0; break;
		case UARTFR:
			*val = FR_TXFE | (u->rx_head == u->rx_tail ? FR_RXFE : 0);
			break;
		case UARTILPR: *val = u->ilpr; break;
		case UARTIBRD: *val = u->ibrd; break;
		case UARTFBRD: *val = u->fbrd; break;
		case UARTLCR_H: *val = u->lcr_h; break;
		case UARTCR: *val = u->cr; break;
		case UARTIFLS: *val = u->ifls; break;
		case UARTIMSC: *val = u->imsc; break;
		case UARTRIS: *val = u->ris; break;
		case UARTMIS: *val = u->ris & u->imsc; break;
		case UARTDMACR: *val = u->dmacr; break;
		default:
			*val = (off >= 0xfe0 && off < 0x1000) ? pl011_id[(off - 0xfe0) / 4] : 0;
			break;
		}
	}
	level = update_irq(u);
	k_spin_unlock(&u->lock, key);
	set_line(u, level);
	return 0;
}

/* A byte typed at the console while it is attached to this VM. */
void vpl011_receive(void *uart, char c)
{
	struct vpl011 *u = uart;
	k_spinlock_key_t key = k_spin_lock(&u->lock);
	bool level;

	if (u->rx_head - u->rx_tail < RX_FIFO)
		u->rx[u->rx_head++ % RX_FIFO] = (uint8_t)c;
	level = update_irq(u);
	k_spin_unlock(&u->lock, key);
	set_line(u, level);
}

void *vpl011_create(struct vm *vm, uint64_t base, irqid_t intid)
{
	struct vpl011 *u = calloc(1, sizeof(*u));
	struct mmio_device d = { "pl011", base, 0x1000, vpl011_access, u };

	if (!u)
		return NULL;
	u->vm = vm;
	u->intid = intid;
	u->cr = 0x300;		/* TXE | RXE */
	u->ifls = 0x12;
	if (vm_add_mmio(vm, &d)) {
		free(u);
		return NULL;
	}
	return u;
}

void vpl011_destroy(void *uart)
{
	free(uart);
}
