/*
 * A VM's RAM: allocation at create, preparation at every start, the
 * copies that load images into it, release at delete; and which cores the
 * background scrubber must stay off.
 *
 * Every start is a fresh machine, zero at the point of coherency (the
 * guest starts with its MMU and caches off). RAM taken from the page
 * allocator is zeroed only where the allocator does not already know it
 * to be zero (the scrubber cleaned it, kernel/scrubber.c); RAM the VM ran
 * in before holds its own data and is zeroed whole. What the loader then
 * copies in is cleaned to PoC as it is written, not in a whole-RAM pass.
 */
#include <errno.h>
#include <stdio.h>
#include <tandem/page_alloc.h>
#include <tandem/scrubber.h>
#include <virt/vm.h>
#include <arch/cache.h>
#include <arch/mem_bulk.h>

/*
 * A core belongs to an RTOS when a VM pins a vCPU there with a priority
 * more urgent than the default one of general-purpose guests (10, see
 * docs/vm-config.md). The scrubber never runs on such a core.
 */
#define VM_RT_PRIO_BELOW	10

#define ERR(...) snprintf(err, errlen, __VA_ARGS__)

/*
 * Between 4 MiB steps: a YIELD, only a hint on hardware, but under QEMU's
 * round-robin TCG it hands the turn to the other cores, which otherwise
 * wait out the whole pass (the RTOS VM, started first, printed its first
 * line 40 ms late behind Linux's 256 MiB). And a k_yield: threads of the
 * same priority on this core (the shell, other VMs' restarts) get their
 * turn between steps, not after the whole RAM.
 */
static void pace(void)
{
	cpu_relax();
	k_yield();
}

int vm_ram_alloc(struct vm *vm, char *err, size_t errlen)
{
	const struct vm_config *cfg = &vm->cfg;

	vm->ram_order = page_order_for(cfg->ram_size);
	vm->ram_dirty = false;
	/* The scrubber holds at most one 2 MiB block at a time, briefly: a
	 * large request that failed meanwhile gets a few more tries. */
	for (unsigned tries = 0; tries < 20; tries++) {
		if (cfg->ram_phys)
			vm->ram_pa = (uint64_t)page_alloc_at(cfg->ram_phys, vm->ram_order);
		else
			vm->ram_pa = (uint64_t)page_alloc(vm->ram_order);
		if (vm->ram_pa || !page_scrub_busy())
			break;
		k_msleep(1);
	}
	if (vm->ram_pa)
		return 0;
	if (cfg->ram_phys)
		ERR("%s: /%s: property 'memory-phys': %#llx+%#llx (a block of %llu MiB) is not free host RAM aligned to its size",
		    cfg->file, cfg->name, (unsigned long long)cfg->ram_phys,
		    (unsigned long long)cfg->ram_size,
		    (unsigned long long)((PAGE_SIZE << vm->ram_order) >> 20));
	else
		ERR("%s: /%s: cannot allocate %llu MiB of guest RAM", cfg->file, cfg->name,
		    (unsigned long long)(cfg->ram_size >> 20));
	return -ENOMEM;
}

/* It held the guest's data: the allocator counts it dirty until scrubbed. */
void vm_ram_free(struct vm *vm)
{
	page_free((void *)vm->ram_pa, vm->ram_order);
	vm->ram_pa = 0;
}

void vm_ram_prepare(struct vm *vm)
{
	void *ram = (void *)vm->ram_pa;
	size_t len = PAGE_SIZE << vm->ram_order;

	if (vm->ram_dirty) {
		for (size_t done = 0; done < len; done += MiB(4)) {
			mem_scrub((uint8_t *)ram + done, len - done < MiB(4) ? len - done : MiB(4));
			pace();
		}
	} else {
		page_zero_dirty(ram, vm->ram_order, pace);
	}
	vm->ram_dirty = true;		/* from now on it holds this run's data */
}

void vm_ram_copy(void *dst, const void *src, size_t len)
{
	mem_copy_bulk(dst, src, len);
	cache_clean_inval_range(dst, len);
}

void vm_ram_zero(void *dst, size_t len)
{
	mem_scrub(dst, len);
}

/* Written by other code (the DTB builder): to PoC now. */
void vm_ram_loaded(void *p, size_t len)
{
	cache_clean_inval_range(p, len);
}

static void add_rt_cores(const struct vm_config *c, uint32_t *cores)
{
	for (unsigned i = 0; i < c->n_vcpus && i < VM_MAX_VCPUS; i++)
		if (c->vcpu_prio[i] < VM_RT_PRIO_BELOW && c->vcpu_cpu[i] < 32)
			*cores |= 1U << c->vcpu_cpu[i];
}

static void scan_vm(struct vm *vm, void *arg)
{
	add_rt_cores(&vm->cfg, arg);
}

/* After a VM joins the list or leaves it. */
void vm_ram_rt_cores_update(void)
{
	uint32_t cores = 0;

	vm_foreach(scan_vm, &cores);
	scrubber_avoid(cores);
}
