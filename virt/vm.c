/*
 * A VM's parts and the work of each lifecycle phase: create (memory,
 * stage-2, vGIC, devices), start (fresh RAM, images from the boot bundle, a
 * generated DTB, vCPU threads), stop (every vCPU thread leaves and is
 * joined), teardown (everything returned). Which phase runs when, and who
 * may ask, is virt/vm_lifecycle.c's (the state machine).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/board.h>
#include <tandem/log.h>
#include <tandem/page_alloc.h>
#include <tandem/percpu.h>
#include <virt/bundle.h>
#include <virt/shm.h>
#include <virt/virtio_vm.h>
#include <virt/vm.h>
#include <virt/vm_fdt.h>
#include <virt/guest_layout.h>
#include "vm_run.h"
#include <arch/cache.h>
#include <arch/mem_bulk.h>
#include <arch/vcpu_ctx.h>

#define VCPU_STACK		(16 * 1024)
#define DTB_MAX			(64 * 1024)

struct list_node vm_list = LIST_HEAD_INIT(vm_list);
struct k_spinlock vm_list_lock;
static unsigned next_vm_id = 1;
static uint32_t vmid_used[256 / 32];

void vcpu_thread(void *p1, void *p2, void *p3);
void vcpu_setup_thread(struct vcpu *v);
int vgic_mmio_register(struct vm *vm);
void *vpl011_create(struct vm *vm, uint64_t base, irqid_t intid);
void vpl011_destroy(void *uart);

#define ERR(...) snprintf(err, errlen, __VA_ARGS__)

/* ---- helpers --------------------------------------------------------------- */

static unsigned host_ipa_bits(unsigned *pa_range)
{
	static const unsigned bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	unsigned r = (unsigned)(read_sysreg(id_aa64mmfr0_el1) & 0xf);

	if (r > 6)
		r = 6;
	*pa_range = r;
	return bits[r] > 48 ? 48 : bits[r];
}

static void *s2_alloc(void *ctx, unsigned n)
{
	return page_alloc_zeroed(page_order_for((size_t)n * PAGE_SIZE));
}

static void s2_free(void *ctx, void *p, unsigned n)
{
	page_free(p, page_order_for((size_t)n * PAGE_SIZE));
}

static int vmid_alloc(void)
{
	for (unsigned i = 1; i < 256; i++)
		if (!(vmid_used[i / 32] & (1U << (i % 32)))) {
			vmid_used[i / 32] |= 1U << (i % 32);
			return (int)i;
		}
	return -ENOSPC;
}

static void vmid_free(unsigned id)
{
	vmid_used[id / 32] &= ~(1U << (id % 32));
}

static uint64_t vm_vttbr(struct vm *vm)
{
	return (uint64_t)vm->vmid << 48 | (uint64_t)vm->s2.root;
}

void *vm_ipa_to_host(struct vm *vm, uint64_t ipa, uint64_t len)
{
	uint64_t base = vm->cfg.ram_base, size = vm->cfg.ram_size;

	if (ipa < base || len > size || ipa - base > size - len)
		return NULL;
	return (void *)(vm->ram_pa + (ipa - base));
}

int vm_add_mmio(struct vm *vm, const struct mmio_device *d)
{
	if (vm->n_mmio == VM_MAX_MMIO)
		return -ENOSPC;
	vm->mmio[vm->n_mmio++] = *d;
	return 0;
}

static void vgic_kick(void *ctx, unsigned vcpu)
{
	struct vm *vm = ctx;

	if (vcpu < vm->n_vcpus)
		vcpu_kick(&vm->vcpus[vcpu]);
}

/* ---- create / destroy -------------------------------------------------------- */

struct vm *vm_create(const struct vm_config *cfg, char *err, size_t errlen)
{
	unsigned pa_range, ipa_bits = host_ipa_bits(&pa_range);
	k_spinlock_key_t key;
	struct vm *vm;
	int vmid;

	for (unsigned i = 0; i < cfg->n_vcpus; i++)
		if (cfg->vcpu_cpu[i] >= cpu_count ||
		    cpu_get(cfg->vcpu_cpu[i])->state != CPU_ONLINE) {
			ERR("%s: /%s: vCPU %u: core %u is not online", cfg->file, cfg->name, i,
			    cfg->vcpu_cpu[i]);
			return NULL;
		}
	vm = calloc(1, sizeof(*vm));
	if (!vm) {
		ERR("out of memory for VM '%s'", cfg->name);
		return NULL;
	}
	vm->cfg = *cfg;
	snprintf(vm->name, sizeof(vm->name), "%s", cfg->name);
	vm->n_vcpus = cfg->n_vcpus;
	vm->pending_op = VM_OP_NONE;
	list_init(&vm->node);

	vm->ram_order = page_order_for(cfg->ram_size);
	if (cfg->ram_phys) {
		/* The allocator hands out whole power-of-two blocks. */
		vm->ram_pa = (uint64_t)page_alloc_at(cfg->ram_phys, vm->ram_order);
		if (!vm->ram_pa) {
			ERR("%s: /%s: property 'memory-phys': %#llx+%#llx (a block of %llu MiB) is not free host RAM aligned to its size",
			    cfg->file, cfg->name, (unsigned long long)cfg->ram_phys,
			    (unsigned long long)cfg->ram_size,
			    (unsigned long long)((PAGE_SIZE << vm->ram_order) >> 20));
			goto fail_ram;
		}
	} else {
		vm->ram_pa = (uint64_t)page_alloc(vm->ram_order);
	}
	if (!vm->ram_pa) {
		ERR("%s: /%s: cannot allocate %llu MiB of guest RAM", cfg->file, cfg->name,
		    (unsigned long long)(cfg->ram_size >> 20));
		goto fail_ram;
	}
	if (stage2_init(&vm->s2, ipa_bits, s2_alloc, s2_free, NULL) ||
	    stage2_map(&vm->s2, cfg->ram_base, vm->ram_pa, cfg->ram_size, S2_RWX)) {
		ERR("VM '%s': cannot build stage-2 tables", cfg->name);
		goto fail_s2;
	}
	key = k_spin_lock(&vm_list_lock);
	vmid = vmid_alloc();
	k_spin_unlock(&vm_list_lock, key);
	if (vmid < 0) {
		ERR("VM '%s': no free VMID", cfg->name);
		goto fail_s2;
	}
	vm->vmid = (uint16_t)vmid;

	vgic_init(&vm->vgic, vm->n_vcpus, GUEST_NR_SPIS, vgic_kick, vm);
	if (vgic_mmio_register(vm)) {
		ERR("VM '%s': cannot register the vGIC", cfg->name);
		goto fail_dev;
	}
	vm->con = vm_console_create();
	vm->uart = vm->con ? vpl011_create(vm, GUEST_UART_BASE, GUEST_UART_INTID) : NULL;
	if (!vm->uart) {
		ERR("VM '%s': cannot create its UART", cfg->name);
		goto fail_dev;
	}
	if (passthru_create(vm, err, errlen))
		goto fail_pt;
	if (shm_create(vm, err, errlen))
		goto fail_shm;
	if (virtio_vm_create(vm, err, errlen))
		goto fail_virtio;
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->vm = vm;
		v->id = i;
		v->pcpu = cfg->vcpu_cpu[i];
		v->prio = cfg->vcpu_prio[i];
		k_sem_init(&v->wake, 0, 1);
	}

	key = k_spin_lock(&vm_list_lock);
	vm->id = next_vm_id++;
	list_add_tail(&vm_list, &vm->node);
	k_spin_unlock(&vm_list_lock, key);
	vm->state = VM_CREATED;
	LOG_INF("vm %s: created (id %u, %u vCPUs, %llu MiB at PA %#llx, VMID %u)", vm->name,
		vm->id, vm->n_vcpus, (unsigned long long)(cfg->ram_size >> 20),
		(unsigned long long)vm->ram_pa, vm->vmid);
	return vm;

fail_virtio:
	shm_destroy(vm);
fail_shm:
	passthru_destroy(vm);
fail_pt:
	vpl011_destroy(vm->uart);
fail_dev:
	vm_console_destroy(vm->con);
	key = k_spin_lock(&vm_list_lock);
	vmid_free(vm->vmid);
	k_spin_unlock(&vm_list_lock, key);
fail_s2:
	stage2_destroy(&vm->s2);
	page_free((void *)vm->ram_pa, vm->ram_order);
fail_ram:
	free(vm);
	return NULL;
}

void vm_teardown(struct vm *vm)
{
	k_spinlock_key_t key;

	key = k_spin_lock(&vm_list_lock);
	list_del(&vm->node);
	vmid_free(vm->vmid);
	k_spin_unlock(&vm_list_lock, key);
	tlb_flush_vmid(vm_vttbr(vm));
	if (console_focus() == vm)
		console_attach(NULL);
	passthru_destroy(vm);
	virtio_vm_destroy(vm);
	shm_destroy(vm);
	vpl011_destroy(vm->uart);
	vm_console_destroy(vm->con);
	stage2_destroy(&vm->s2);
	page_free((void *)vm->ram_pa, vm->ram_order);
	LOG_INF("vm %s: deleted", vm->name);
	free(vm);
}

/* ---- loading ---------------------------------------------------------------- */

struct arm64_image_header {
	uint32_t code0, code1;
	uint64_t text_offset, image_size, flags;
	uint64_t res2, res3, res4;
	uint32_t magic, res5;
};

#define ARM64_IMAGE_MAGIC 0x644d5241U

static int load_linux(struct vm *vm, const struct cpio_file *f, uint64_t limit,
		      uint64_t *entry, char *err, size_t errlen)
{
	const struct arm64_image_header *h = f->data;
	uint64_t base = vm->cfg.ram_base, size, at;
	void *dst;

	if (f->size < sizeof(*h) || h->magic != ARM64_IMAGE_MAGIC) {
		ERR("VM '%s': '%s' is not an arm64 Linux Image (no ARM\\x64 magic)", vm->name,
		    vm->cfg.kernel);
		return -EINVAL;
	}
	size = h->image_size ? h->image_size : f->size;
	at = base + (h->image_size ? h->text_offset : 0x80000);
	if (size < f->size || at + size > limit) {
		ERR("VM '%s': kernel needs %llu MiB at %#llx: does not fit in its RAM", vm->name,
		    (unsigned long long)(size >> 20), (unsigned long long)at);
		return -ENOSPC;
	}
	dst = vm_ipa_to_host(vm, at, f->size);
	mem_copy_bulk(dst, f->data, f->size);
	*entry = at;
	return 0;
}

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static int load_elf(struct vm *vm, const struct cpio_file *f, uint64_t *entry,
		    char *err, size_t errlen)
{
	const struct elf64_ehdr *e = f->data;

	if (f->size < sizeof(*e) || memcmp(e->ident, "\x7f" "ELF", 4) || e->ident[4] != 2 ||
	    e->machine != 183 || e->phentsize != sizeof(struct elf64_phdr) ||
	    e->phoff > f->size || (uint64_t)e->phnum * sizeof(struct elf64_phdr) > f->size - e->phoff) {
		ERR("VM '%s': '%s' is not a valid AArch64 ELF64 file", vm->name, vm->cfg.kernel);
		return -EINVAL;
	}
	for (unsigned i = 0; i < e->phnum; i++) {
		const struct elf64_phdr *p =
			(const void *)((const uint8_t *)f->data + e->phoff + i * sizeof(*p));
		uint8_t *dst;

		if (p->type != 1 || p->memsz == 0)	/* PT_LOAD */
			continue;
		dst = vm_ipa_to_host(vm, p->paddr, p->memsz);
		if (!dst || p->filesz > p->memsz || p->offset > f->size ||
		    p->filesz > f->size - p->offset) {
			ERR("VM '%s': ELF segment %u (%#llx+%#llx) is outside the VM's RAM or file",
			    vm->name, i, (unsigned long long)p->paddr, (unsigned long long)p->memsz);
			return -EINVAL;
		}
		mem_copy_bulk(dst, (const uint8_t *)f->data + p->offset, p->filesz);
		mem_zero_bulk(dst + p->filesz, p->memsz - p->filesz);
	}
	if (!vm_ipa_to_host(vm, e->entry, 4)) {
		ERR("VM '%s': ELF entry %#llx is outside the VM's RAM", vm->name,
		    (unsigned long long)e->entry);
		return -EINVAL;
	}
	*entry = e->entry;
	return 0;
}

static int load_raw(struct vm *vm, const struct cpio_file *f, uint64_t *entry,
		    char *err, size_t errlen)
{
	void *dst = vm_ipa_to_host(vm, vm->cfg.load_addr, f->size);

	if (!dst) {
		ERR("VM '%s': '%s' (%zu bytes) does not fit at %#llx", vm->name, vm->cfg.kernel,
		    f->size, (unsigned long long)vm->cfg.load_addr);
		return -ENOSPC;
	}
	mem_copy_bulk(dst, f->data, f->size);
	*entry = vm->cfg.entry;
	return 0;
}

/* Kernel at the bottom, DTB in the top 2 MiB, initrd just below the DTB. */
static int load_images(struct vm *vm, uint64_t *entry, uint64_t *dtb_ipa,
		       char *err, size_t errlen)
{
	const struct vm_config *c = &vm->cfg;
	uint64_t ram_end = c->ram_base + c->ram_size;
	uint64_t dtb_at = ram_end - MiB(2), initrd_at = 0, limit = dtb_at;
	struct cpio_file kf, rf = { 0 };
	struct vm_fdt_dev devs[VM_MAX_PASSTHRU];
	struct vm_fdt_params p;
	void *dtb;
	int ret;

	if (bundle_find(c->kernel, &kf)) {
		ERR("%s: /%s: property 'kernel': '%s' is not in the boot bundle", c->file,
		    c->name, c->kernel);
		return -ENOENT;
	}
	if (c->initrd[0]) {
		if (bundle_find(c->initrd, &rf)) {
			ERR("%s: /%s: property 'initrd': '%s' is not in the boot bundle", c->file,
			    c->name, c->initrd);
			return -ENOENT;
		}
		initrd_at = ALIGN_DOWN(dtb_at - rf.size, PAGE_SIZE);
		limit = initrd_at;
	}
	if (c->format == VM_IMAGE_LINUX)
		ret = load_linux(vm, &kf, limit, entry, err, errlen);
	else if (c->format == VM_IMAGE_ELF)
		ret = load_elf(vm, &kf, entry, err, errlen);
	else
		ret = load_raw(vm, &kf, entry, err, errlen);
	if (ret)
		return ret;
	if (rf.size) {
		void *dst = vm_ipa_to_host(vm, initrd_at, rf.size);

		mem_copy_bulk(dst, rf.data, rf.size);
	}

	p = (struct vm_fdt_params){
		.name = vm->name, .n_vcpus = vm->n_vcpus,
		.ram_base = c->ram_base, .ram_size = c->ram_size,
		.gicd_base = GUEST_GICD_BASE, .gicr_base = GUEST_GICR_BASE,
		.gic_nr_spis = GUEST_NR_SPIS,
		.uart_base = GUEST_UART_BASE, .uart_intid = GUEST_UART_INTID,
		.bootargs = c->bootargs[0] ? c->bootargs : NULL,
		.initrd_start = rf.size ? initrd_at : 0,
		.initrd_end = rf.size ? initrd_at + rf.size : 0,
		.board_fdt = board_dtb, .n_devs = c->n_passthru,
		.shm = c->has_shm ? &c->shm : NULL,
		.n_virtio = c->n_virtio, .virtio = c->virtio,
	};
	for (unsigned i = 0; i < c->n_passthru; i++)
		devs[i] = vm->pt[i].fdt;
	p.devs = devs;
	dtb = vm_ipa_to_host(vm, dtb_at, DTB_MAX);
	ret = vm_fdt_build(&p, dtb, DTB_MAX);
	if (ret) {
		ERR("VM '%s': cannot build its device tree (%d)", vm->name, ret);
		return ret;
	}
	*dtb_ipa = dtb_at;
	return 0;
}

/* ---- start / stop --------------------------------------------------------- */

/*
 * Whole-RAM passes in 4 MiB steps with a YIELD between: only a hint on
 * hardware, but under QEMU's round-robin TCG it hands the turn to the other
 * cores, which otherwise wait out the whole pass (the RTOS VM, started
 * first, printed its first line 40 ms late behind Linux's 256 MiB). And a
 * k_yield: threads of the same priority on this core (the shell, other
 * VMs' restarts) get their turn between steps, not after the whole RAM.
 */
static void ram_pass(void (*fn)(void *p, size_t len), void *p, size_t len)
{
	const size_t step = MiB(4);

	for (size_t done = 0; done < len; done += step) {
		fn((uint8_t *)p + done, len - done < step ? len - done : step);
		cpu_relax();
		k_yield();
	}
}

static void ram_clean_inval(void *p, size_t len)
{
	cache_clean_inval_range(p, len);
}

int vm_run_start(struct vm *vm, char *err, size_t errlen)
{
	unsigned pa_range;
	uint64_t entry = 0, dtb = 0, vtcr;
	ticks_t t0 = k_cycle_get();
	int ret;

	/* Every start is a fresh machine: no state from the last run survives.
	 * Zero and copy with the cache on, then one clean+invalidate of all
	 * RAM to PoC: the guest starts with its MMU and caches off. */
	ram_pass(mem_zero_bulk, (void *)vm->ram_pa, PAGE_SIZE << vm->ram_order);
	ret = load_images(vm, &entry, &dtb, err, errlen);
	if (ret)
		return ret;
	ram_pass(ram_clean_inval, (void *)vm->ram_pa, PAGE_SIZE << vm->ram_order);
	icache_invalidate_all();
	tlb_flush_vmid(vm_vttbr(vm));
	vm->prep_ticks = k_cycle_get() - t0;
	vm->first_output_at = 0;

	host_ipa_bits(&pa_range);
	vtcr = stage2_vtcr(&vm->s2, pa_range);
	vgic_init(&vm->vgic, vm->n_vcpus, GUEST_NR_SPIS, vgic_kick, vm);
	virtio_vm_reset(vm);
	passthru_start(vm);
	vm->stopping = false;
	vm->paused = false;
	vm->paused_total = 0;
	vm->crashed = false;
	vm->crash_reason[0] = '\0';
	for (unsigned i = 0; i < WARN_COUNT; i++)
		ratelimit_reset(&vm->warn[i]);
	vm->cntvoff_base = k_cycle_get();	/* guest time starts at 0 */
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		uint64_t aff = (uint64_t)(i / 16) << 8 | (i % 16);

		memset(v->exits, 0, sizeof(v->exits));
		v->vtimer_ticks = 0;
		v->ended_ticks = 0;
		v->inject_target = ~0ULL;
		v->inject_loops = 0;
		v->arch.cntvoff = vm->cntvoff_base;
		vcpu_arch_reset(&v->arch, aff, vm_vttbr(vm), vtcr, i == 0 ? entry : 0,
				i == 0 ? dtb : 0);
		v->powered = (i == 0);
		v->reset_pending = false;
		v->in_guest = false;
		v->parked = false;
		k_sem_init(&v->wake, 0, 1);
		v->thread = k_thread_alloc("vcpu", vcpu_thread, v, NULL, v->prio,
					   1U << v->pcpu, VCPU_STACK);
		if (!v->thread) {
			ERR("VM '%s': cannot create vCPU %u's thread", vm->name, i);
			vm->stopping = true;
			for (unsigned j = 0; j < i; j++) {
				k_thread_start(vm->vcpus[j].thread);
				k_sem_give(&vm->vcpus[j].wake);
				k_thread_join(vm->vcpus[j].thread, K_FOREVER);
				vm->vcpus[j].thread = NULL;
			}
			return -ENOMEM;
		}
		snprintf(v->thread->name, sizeof(v->thread->name), "%.10s/%u", vm->name, i);
		vcpu_setup_thread(v);
	}
	vm->started_at = k_cycle_get();
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		k_thread_start(vm->vcpus[i].thread);
	LOG_INF("vm %s: started, entry %#llx, DTB at %#llx, prepared in %llu us", vm->name,
		(unsigned long long)entry, (unsigned long long)dtb,
		(unsigned long long)(k_cycles_to_ns(vm->prep_ticks) / 1000));
	return 0;
}

/* Park every vCPU out of the guest; returns once none runs guest code. */
int vm_run_pause(struct vm *vm)
{
	ticks_t deadline;

	vm->paused_at = k_cycle_get();
	vm->paused = true;
	passthru_mask(vm, true);
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	deadline = k_cycle_get() + k_ns_to_cycles(1000000000ULL);
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		/* One whose guest asked for a stop leaves instead of parking. */
		while ((v->in_guest || (v->powered && !v->parked)) && !vm->stopping &&
		       k_cycle_get() < deadline)
			k_msleep(1);
		if ((v->in_guest || (v->powered && !v->parked)) && !vm->stopping) {
			LOG_ERR("vm %s: vCPU %u did not park within 1 s", vm->name, i);
			return -ETIMEDOUT;
		}
	}
	LOG_INF("vm %s: paused", vm->name);
	return 0;
}

void vm_run_resume(struct vm *vm)
{
	/* Guest time stands still while paused: the vCPUs add this to CNTVOFF. */
	vm->paused_total += k_cycle_get() - vm->paused_at;
	vm->paused = false;
	passthru_mask(vm, false);
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	LOG_INF("vm %s: resumed", vm->name);
}

void vm_run_stop(struct vm *vm)
{
	k_spinlock_key_t key;

	vm->stopping = true;
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		struct k_thread *t;

		/* Taken off the vCPU before the join (a thread is joined once),
		 * under vgic_lock: a kick from another vCPU or VM holds it while
		 * it uses the pointer (vcpu_kick). */
		key = k_spin_lock(&vm->vgic_lock);
		t = __atomic_exchange_n(&v->thread, NULL, __ATOMIC_ACQ_REL);
		k_spin_unlock(&vm->vgic_lock, key);
		if (t && k_thread_join(t, K_FOREVER))
			LOG_ERR("vm %s: vCPU %u's thread could not be joined", vm->name, i);
	}
	passthru_stop(vm);
	virtio_vm_reset(vm);		/* written sectors go back now, not at the next start */
	/* No vCPU is left to ask for anything: this run's requests end here. */
	key = k_spin_lock(&vm->life_lock);
	vm->pending_op = VM_OP_NONE;
	k_spin_unlock(&vm->life_lock, key);
}

/* ---- lookup --------------------------------------------------------------------- */

struct vm *vm_find(const char *id_or_name)
{
	char *end;
	unsigned long id = strtoul(id_or_name, &end, 10);
	k_spinlock_key_t key;
	struct list_node *n;
	struct vm *found = NULL;

	key = k_spin_lock(&vm_list_lock);
	list_for_each(n, &vm_list) {
		struct vm *vm = list_entry(n, struct vm, node);

		if ((*end == '\0' && end != id_or_name && vm->id == id) ||
		    strcmp(vm->name, id_or_name) == 0) {
			found = vm;
			break;
		}
	}
	k_spin_unlock(&vm_list_lock, key);
	return found;
}

/* Calls fn outside the lock (it may print or sleep): only VM_OP_DELETE
 * frees a VM and only the shell asks for it, which does not run
 * concurrently with itself (a second deleter will need references). */
void vm_foreach(void (*fn)(struct vm *vm, void *arg), void *arg)
{
	struct vm *snap[64];
	unsigned n = 0;
	k_spinlock_key_t key = k_spin_lock(&vm_list_lock);
	struct list_node *node;

	list_for_each(node, &vm_list)
		if (n < ARRAY_SIZE(snap))
			snap[n++] = list_entry(node, struct vm, node);
	k_spin_unlock(&vm_list_lock, key);
	for (unsigned i = 0; i < n; i++)
		fn(snap[i], arg);
}

struct vm *vm_first_running(void)
{
	k_spinlock_key_t key = k_spin_lock(&vm_list_lock);
	struct vm *found = NULL;
	struct list_node *node;

	list_for_each(node, &vm_list) {
		struct vm *vm = list_entry(node, struct vm, node);

		if (vm->state == VM_RUNNING) {
			found = vm;
			break;
		}
	}
	k_spin_unlock(&vm_list_lock, key);
	return found;
}

/* A config's most urgent vCPU priority (lower number = more urgent),
 * clamped to the host's 0..31. */
static int config_top_prio(const struct vm_config *c)
{
	int top = 31;

	for (unsigned i = 0; i < c->n_vcpus && i < VM_MAX_VCPUS; i++)
		if (c->vcpu_prio[i] < top)
			top = c->vcpu_prio[i] < 0 ? 0 : c->vcpu_prio[i];
	return top;
}

struct name_match {
	const char *name;
	struct vm *vm;
};

static void match_name(struct vm *vm, void *arg)
{
	struct name_match *m = arg;

	if (!m->vm && !strcmp(vm->name, m->name))
		m->vm = vm;
}

/* By name only: a config named "2" is not VM id 2. */
static struct vm *vm_named(const char *name)
{
	struct name_match m = { name, NULL };

	vm_foreach(match_name, &m);
	return m.vm;
}

/*
 * Created in bundle order (the VM ids and `vm list` keep it), then started
 * most urgent first: a real-time guest runs before a large one's RAM is
 * even zeroed. Equal priorities keep the bundle's order. The console
 * attaches to the first autostart VM in bundle order (the first started
 * if that one failed).
 */
int vmm_autostart(void)
{
	unsigned n = bundle_config_count();
	const struct vm_config *attach_cfg = NULL;
	struct vm *first = NULL;
	bool attached = false;
	char err[200];
	int started = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct vm_config *c = bundle_config(i);

		if (!c->autostart)
			continue;
		if (!attach_cfg)
			attach_cfg = c;
		if (!vm_create(c, err, sizeof(err)))
			LOG_ERR("autostart of '%s' failed: %s", c->name, err);
	}
	for (int prio = 0; prio <= 31; prio++) {
		for (unsigned i = 0; i < n; i++) {
			const struct vm_config *c = bundle_config(i);
			struct vm *vm;

			if (!c->autostart || config_top_prio(c) != prio)
				continue;
			vm = vm_named(c->name);
			if (!vm || vm->state != VM_CREATED)
				continue;
			if (vm_request(vm->id, VM_OP_START, err, sizeof(err))) {
				LOG_ERR("autostart of '%s' failed: %s", c->name, err);
				continue;
			}
			started++;
			if (!first)
				first = vm;
			/* At once: its first lines reach the console live. */
			if (c == attach_cfg) {
				console_attach(vm);
				attached = true;
			}
		}
	}
	if (!attached && first)
		console_attach(first);
	return started;
}
