/*
 * A virtio-mmio device on a VM's MMIO bus. The transport's registers are
 * modelled in virtio_mmio_regs.c; this file adds what needs the host
 * kernel: the lock (one per device, held across a register access and the
 * back end's notify), the SPI through the vGIC (level: InterruptStatus
 * != 0), and the guest-caused log lines, at most one a second per device
 * and reason, the count of the ones held back in the next.
 *
 * The lock is a mutex, not a spinlock: a notify round may copy a few
 * hundred KiB of guest data (VIRTIO_ROUND_BYTES plus one chain), and a higher-priority thread on the same core (an RTOS
 * vCPU) must be able to preempt that, which it cannot with IRQs masked.
 * So it is taken from threads only (a vCPU, the shell, the VM manager).
 */
#include <stdio.h>
#include <stdlib.h>
#include <tandem/log.h>
#include <tandem/ratelimit.h>
#include <tandem/spinlock.h>
#include <virt/virtio.h>
#include <virt/vm.h>

struct virtio_mmio_dev {
	struct virtio_mmio t;		/* first: the back end gets &t */
	struct vm *vm;
	char name[VM_NAME_LEN];
	irqid_t intid;
	struct k_mutex lock;		/* the transport and the back end; then vgic_lock */
	struct k_spinlock warn_lock;
	struct ratelimit warn[VIRTIO_WARN_COUNT];
};

static struct virtio_mmio_dev *dev_of(struct virtio_mmio *t)
{
	return container_of(t, struct virtio_mmio_dev, t);
}

static void set_irq(struct virtio_mmio *t, bool level)
{
	struct virtio_mmio_dev *d = dev_of(t);
	k_spinlock_key_t key = k_spin_lock(&d->vm->vgic_lock);

	vgic_inject(&d->vm->vgic, 0, d->intid, level);
	k_spin_unlock(&d->vm->vgic_lock, key);
}

static void warn(struct virtio_mmio *t, enum virtio_warn why, const char *what, uint64_t val)
{
	struct virtio_mmio_dev *d = dev_of(t);
	k_spinlock_key_t key = k_spin_lock(&d->warn_lock);
	uint64_t held = 0;
	bool ok = (unsigned)why < VIRTIO_WARN_COUNT &&
		  ratelimit_allow(&d->warn[why], k_cycle_get(), k_ns_to_cycles(1000000000ULL), 1,
				  &held);
	char note[40] = "";

	k_spin_unlock(&d->warn_lock, key);
	if (!ok)
		return;
	if (held)
		snprintf(note, sizeof(note), " (%llu suppressed)", (unsigned long long)held);
	LOG_WRN("vm %s: virtio-%s '%s': %s: %s (%#llx)%s%s", d->vm->name, t->ops->name, d->name,
		virtio_warn_name(why), what, (unsigned long long)val,
		(t->status & VIRTIO_STATUS_NEEDS_RESET) ? ", device needs reset" : "", note);
}

static bool stopping(struct virtio_mmio *t)
{
	return vm_is_stopping(dev_of(t)->vm);
}

static const struct virtio_host_ops host_ops = { set_irq, warn, stopping };

static int virtio_mmio_bus_access(struct vcpu *v, struct mmio_device *md, uint64_t off,
				  unsigned size, bool write, uint64_t *val)
{
	struct virtio_mmio_dev *d = md->priv;
	int ret;

	k_mutex_lock(&d->lock, K_FOREVER);
	ret = virtio_mmio_access(&d->t, off, size, write, val);
	/* A round that used its budget: the rest with the lock let go between
	 * rounds (others may take it, a higher priority may run), until done
	 * or the VM stops (what is left waits in the ring for the reset). */
	while (!ret && d->t.again && !vm_is_stopping(d->vm)) {
		k_mutex_unlock(&d->lock);
		k_yield();
		k_mutex_lock(&d->lock, K_FOREVER);
		virtio_mmio_continue(&d->t);
	}
	k_mutex_unlock(&d->lock);
	if (!ret && write && off == VIRTIO_MMIO_QUEUE_NOTIFY && d->t.ops->notify_unlocked)
		d->t.ops->notify_unlocked(&d->t, (uint32_t)*val);
	return ret;
}

struct virtio_mmio *virtio_mmio_create(struct vm *vm, const char *name, uint64_t ipa,
				       irqid_t intid, const struct virtio_dev_ops *ops, void *dev)
{
	struct virtio_mmio_dev *d = calloc(1, sizeof(*d));
	struct guest_mem mem = { vm->cfg.ram_base, vm->cfg.ram_size, (uint8_t *)vm->ram_pa };
	struct mmio_device md = { NULL, ipa, VIRTIO_MMIO_SIZE, virtio_mmio_bus_access, d };

	if (!d)
		return NULL;
	d->vm = vm;
	d->intid = intid;
	k_mutex_init(&d->lock);
	snprintf(d->name, sizeof(d->name), "%s", name);
	md.name = d->name;
	virtio_mmio_init(&d->t, ops, dev, &host_ops, d, &mem);
	if (vm_add_mmio(vm, &md)) {
		free(d);
		return NULL;
	}
	return &d->t;
}

void virtio_mmio_destroy(struct virtio_mmio *t)
{
	if (t)
		free(dev_of(t));
}

void virtio_mmio_lock(struct virtio_mmio *t)
{
	k_mutex_lock(&dev_of(t)->lock, K_FOREVER);
}

void virtio_mmio_unlock(struct virtio_mmio *t)
{
	k_mutex_unlock(&dev_of(t)->lock);
}

void virtio_mmio_vm_start(struct virtio_mmio *t)
{
	struct virtio_mmio_dev *d = dev_of(t);

	k_mutex_lock(&d->lock, K_FOREVER);
	/* The vGIC was just re-initialised: the line starts low. */
	t->irq_level = false;
	virtio_mmio_reset(t);
	for (unsigned i = 0; i < VIRTIO_WARN_COUNT; i++)
		ratelimit_reset(&d->warn[i]);
	k_mutex_unlock(&d->lock);
}

const char *virtio_mmio_name(const struct virtio_mmio *t)
{
	return container_of(t, const struct virtio_mmio_dev, t)->name;
}
