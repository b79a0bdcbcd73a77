/*
 * An emulated PL011 UART per VM, at QEMU virt's address, so a guest's
 * console driver runs unmodified. Transmitted bytes go to the physical
 * VM's console ring (virt/vm_console.c); received bytes come from the
 * console when it is attached to this VM. The registers are modelled in
 * vpl011_regs.c; this file adds the lock, the console and the interrupt line.
 *
 * The line is driven under the UART's lock (then the vGIC's), so two
 * vCPUs, or a vCPU and the console, cannot leave it at a level the
 * registers no longer say. Each VM start resets the registers and the line
 * with the vGIC: a restarted guest finds a PL011 out of reset.
 */
#include <stdlib.h>
#include <virt/vm.h>
#include <virt/vpl011_regs.h>

struct vpl011 {
	struct vm *vm;
	irqid_t intid;
	struct k_spinlock lock;
	struct vpl011_regs regs;
	bool line;
};

/* u->lock held. */
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
	struct vpl011_effect e;
	k_spinlock_key_t key;
	int ret;

	key = k_spin_lock(&u->lock);
	ret = vpl011_regs_access(&u->regs, off, size, write, val, &e);
	if (!ret)
		set_line(u, e.level);
	k_spin_unlock(&u->lock, key);
	if (ret)
		return ret;
	if (e.tx >= 0)
		vm_console_put(u->vm, (char)e.tx);
	return 0;
}

/* A byte typed at the console while it is attached to this VM. */
void vpl011_receive(void *uart, char c)
{
	struct vpl011 *u = uart;
	k_spinlock_key_t key = k_spin_lock(&u->lock);

	set_line(u, vpl011_regs_receive(&u->regs, (uint8_t)c));
	k_spin_unlock(&u->lock, key);
}

/* At VM start, after the vGIC's reset (which lowered the line there). */
void vpl011_reset(void *uart)
{
	struct vpl011 *u = uart;
	k_spinlock_key_t key;

	if (!u)
		return;
	key = k_spin_lock(&u->lock);
	vpl011_regs_reset(&u->regs);
	u->line = false;
	k_spin_unlock(&u->lock, key);
}

void *vpl011_create(struct vm *vm, uint64_t base, irqid_t intid)
{
	struct vpl011 *u = calloc(1, sizeof(*u));
	struct mmio_device d = { "pl011", base, VPL011_SIZE, vpl011_access, u };

	if (!u)
		return NULL;
	u->vm = vm;
	u->intid = intid;
	vpl011_regs_reset(&u->regs);
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
