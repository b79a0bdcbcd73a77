/*
 * A VM's doorbell page for its shared region: the registers are modelled
 * in shm_doorbell_regs.c; this file feeds them the VM's index and peers,
 * rings the peers an access names and logs a ring that named nobody at
 * most once a second (all VMs together), since a looping guest could ring
 * all day.
 */
#include <tandem/kernel.h>
#include <tandem/log.h>
#include <tandem/ratelimit.h>
#include <tandem/spinlock.h>
#include <virt/shm.h>
#include <virt/shm_doorbell_regs.h>
#include <virt/vm.h>

static struct k_spinlock warn_lock;
static struct ratelimit warn_limit;

static void warn_bad_ring(struct vm *vm, uint64_t val)
{
	k_spinlock_key_t key = k_spin_lock(&warn_lock);
	uint64_t held = 0;
	bool ok = ratelimit_allow(&warn_limit, k_cycle_get(), k_ns_to_cycles(1000000000ULL), 1,
				  &held);

	k_spin_unlock(&warn_lock, key);
	if (ok)
		LOG_WRN("vm %s: doorbell of region '%s': ring %#llx names no peer (%llu suppressed)",
			vm->name, vm->cfg.shm.region, (unsigned long long)val,
			(unsigned long long)held);
}

static int doorbell_mmio_access(struct vcpu *v, struct mmio_device *d, uint64_t off,
				unsigned size, bool write, uint64_t *val)
{
	struct vm *vm = d->priv;
	struct shm_doorbell_regs r;
	struct shm_doorbell_effect e;
	int ret;

	shm_doorbell_state(vm, &r);
	ret = shm_doorbell_access(&r, off, size, write, val, &e);
	if (ret)
		return ret;
	if (e.ring)
		shm_ring(vm, e.ring);
	if (e.bad_ring)
		warn_bad_ring(vm, *val);
	return 0;
}

int shm_doorbell_create(struct vm *vm, uint64_t ipa)
{
	struct mmio_device d = { "shm-doorbell", ipa, SHM_DOORBELL_SIZE, doorbell_mmio_access, vm };

	return vm_add_mmio(vm, &d);
}
