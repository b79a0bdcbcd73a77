/*
 * Shared-memory regions between VMs. A region exists while some VM that
 * names it (its config's `shm` node) exists: the first such VM created
 * allocates its pages, zeroed; each maps them into its stage 2 (normal
 * memory, read-only if its config says so) and gets a slot, its index on
 * the region (the doorbell's SELF); the last one deleted frees them.
 * Rings go through here so a ring never reaches a VM that has left.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/page_alloc.h>
#include <tandem/spinlock.h>
#include <virt/shm.h>
#include <virt/shm_doorbell_regs.h>
#include <virt/vm.h>

#define SHM_MAX_REGIONS	8

struct shm_region {
	char name[VM_NAME_LEN];
	uint64_t size;
	void *pages;			/* host-physical = host virtual */
	unsigned order;
	unsigned refs;			/* VMs in member[] */
	struct vm *member[SHM_MAX_PEERS];
};

static struct shm_region regions[SHM_MAX_REGIONS];
static struct k_spinlock shm_lock;	/* regions[]; then a member's vgic_lock */

static struct shm_region *find(const char *name)
{
	for (unsigned i = 0; i < SHM_MAX_REGIONS; i++)
		if (regions[i].refs && !strcmp(regions[i].name, name))
			return &regions[i];
	return NULL;
}

static struct shm_region *free_slot(void)
{
	for (unsigned i = 0; i < SHM_MAX_REGIONS; i++)
		if (!regions[i].refs)
			return &regions[i];
	return NULL;
}

/* Join name's region (creating it with `fresh` when there is none);
 * *used_fresh says whether fresh now belongs to the region. */
static int join(struct vm *vm, void *fresh, unsigned order, bool *used_fresh,
		char *err, size_t errlen)
{
	const struct vm_shm *s = &vm->cfg.shm;
	k_spinlock_key_t key = k_spin_lock(&shm_lock);
	struct shm_region *r = find(s->region);
	int ret = 0;

	*used_fresh = false;
	if (!r && !fresh) {
		ret = -EAGAIN;		/* allocate outside the lock, then retry */
		goto out;
	}
	if (!r) {
		r = free_slot();
		if (!r) {
			snprintf(err, errlen, "VM '%s': more than %u shared regions", vm->name,
				 SHM_MAX_REGIONS);
			ret = -ENOSPC;
			goto out;
		}
		memset(r, 0, sizeof(*r));
		snprintf(r->name, sizeof(r->name), "%s", s->region);
		r->size = s->size;
		r->pages = fresh;
		r->order = order;
		*used_fresh = true;
	} else if (r->size != s->size) {
		snprintf(err, errlen, "%s: /%s/shm: property 'size': region '%s' is %#llx bytes already, not %#llx",
			 vm->cfg.file, vm->name, s->region, (unsigned long long)r->size,
			 (unsigned long long)s->size);
		ret = -EINVAL;
		goto out;
	}
	for (unsigned i = 0; i < SHM_MAX_PEERS; i++)
		if (!r->member[i]) {
			r->member[i] = vm;
			r->refs++;
			vm->shm_region = r;
			vm->shm_index = i;
			goto out;
		}
	snprintf(err, errlen, "VM '%s': region '%s' already has %u VMs", vm->name, s->region,
		 SHM_MAX_PEERS);
	ret = -ENOSPC;
out:
	k_spin_unlock(&shm_lock, key);
	return ret;
}

static void leave(struct vm *vm)
{
	struct shm_region *r = vm->shm_region;
	k_spinlock_key_t key;
	void *pages = NULL;
	unsigned order = 0;

	if (!r)
		return;
	key = k_spin_lock(&shm_lock);
	r->member[vm->shm_index] = NULL;
	if (--r->refs == 0) {
		pages = r->pages;
		order = r->order;
	}
	vm->shm_region = NULL;
	k_spin_unlock(&shm_lock, key);
	if (pages)
		page_free(pages, order);
}

int shm_create(struct vm *vm, char *err, size_t errlen)
{
	const struct vm_shm *s = &vm->cfg.shm;
	unsigned order = page_order_for(s->size);
	void *fresh = NULL;
	bool used = false;
	int ret;

	vm->shm_region = NULL;
	if (!vm->cfg.has_shm)
		return 0;
	ret = join(vm, NULL, order, &used, err, errlen);
	if (ret == -EAGAIN) {
		fresh = page_alloc_zeroed(order);
		if (!fresh) {
			snprintf(err, errlen, "VM '%s': cannot allocate %llu KiB for region '%s'",
				 vm->name, (unsigned long long)(s->size >> 10), s->region);
			return -ENOMEM;
		}
		ret = join(vm, fresh, order, &used, err, errlen);
		if (!used)
			page_free(fresh, order);	/* another VM made it meanwhile */
	}
	if (ret)
		return ret;
	if (stage2_map(&vm->s2, s->ipa, (uint64_t)vm->shm_region->pages, s->size,
		       s->read_only ? S2_READ : S2_READ | S2_WRITE)) {
		snprintf(err, errlen, "VM '%s': cannot map region '%s' at %#llx", vm->name,
			 s->region, (unsigned long long)s->ipa);
		leave(vm);
		return -ENOMEM;
	}
	if (shm_doorbell_create(vm, s->doorbell_ipa)) {
		snprintf(err, errlen, "VM '%s': cannot add the doorbell of region '%s'", vm->name,
			 s->region);
		leave(vm);
		return -ENOSPC;
	}
	return 0;
}

void shm_destroy(struct vm *vm)
{
	leave(vm);
}

bool shm_is_read_only(const struct vm *vm, uint64_t ipa)
{
	const struct vm_shm *s = &vm->cfg.shm;

	return vm->shm_region && s->read_only && ipa >= s->ipa && ipa - s->ipa < s->size;
}

void shm_doorbell_state(struct vm *vm, struct shm_doorbell_regs *r)
{
	k_spinlock_key_t key = k_spin_lock(&shm_lock);
	struct shm_region *reg = vm->shm_region;

	r->self = (uint32_t)vm->shm_index;
	r->peers = 0;
	for (unsigned i = 0; reg && i < SHM_MAX_PEERS; i++)
		if (reg->member[i] && reg->member[i] != vm)
			r->peers |= 1U << i;
	k_spin_unlock(&shm_lock, key);
}

void shm_ring(struct vm *vm, uint32_t mask)
{
	k_spinlock_key_t key = k_spin_lock(&shm_lock);
	struct shm_region *reg = vm->shm_region;

	for (unsigned i = 0; reg && i < SHM_MAX_PEERS; i++) {
		struct vm *peer = reg->member[i];
		k_spinlock_key_t gkey;

		if (!(mask & (1U << i)) || !peer || peer == vm ||
		    !vm_state_has_threads(peer->state))
			continue;
		/* An edge: the guest configures the SPI edge-triggered (its DTB says so). */
		gkey = k_spin_lock(&peer->vgic_lock);
		vgic_inject(&peer->vgic, 0, peer->cfg.shm.doorbell_intid, true);
		vgic_inject(&peer->vgic, 0, peer->cfg.shm.doorbell_intid, false);
		k_spin_unlock(&peer->vgic_lock, gkey);
	}
	k_spin_unlock(&shm_lock, key);
}
