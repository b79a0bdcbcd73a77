/* The vGIC's distributor and redistributor windows on a VM's MMIO bus. */
#include <errno.h>
#include <virt/vm.h>

#define GICD_BASE	0x08000000UL
#define GICR_BASE	0x080a0000UL

static int gicd_access(struct vcpu *v, struct mmio_device *d, uint64_t off,
		       unsigned size, bool write, uint64_t *val)
{
	struct vm *vm = v->vm;
	k_spinlock_key_t key = k_spin_lock(&vm->vgic_lock);
	int ret = vgic_dist_access(&vm->vgic, v->id, off, size, write, val);

	k_spin_unlock(&vm->vgic_lock, key);
	return ret;
}

static int gicr_access(struct vcpu *v, struct mmio_device *d, uint64_t off,
		       unsigned size, bool write, uint64_t *val)
{
	struct vm *vm = v->vm;
	unsigned target = (unsigned)(off / VGIC_REDIST_STRIDE);
	k_spinlock_key_t key;
	int ret;

	if (target >= vm->n_vcpus)
		return -EINVAL;
	key = k_spin_lock(&vm->vgic_lock);
	ret = vgic_redist_access(&vm->vgic, target, off % VGIC_REDIST_STRIDE, size, write, val);
	k_spin_unlock(&vm->vgic_lock, key);
	return ret;
}

int vgic_mmio_register(struct vm *vm)
{
	struct mmio_device d = { "gic-distributor", GICD_BASE, VGIC_DIST_SIZE, gicd_access, NULL };
	struct mmio_device r = { "gic-redistributor", GICR_BASE,
				 VGIC_REDIST_STRIDE * vm->n_vcpus, gicr_access, NULL };

	if (vm_add_mmio(vm, &d) || vm_add_mmio(vm, &r))
		return -ENOSPC;
	return 0;
}
