/*
 * VM configurations: turns a compiled config (a .dts from configs/, built by
 * dtc) into one struct vm_config per "tandem,vm" child of the root, and
 * checks a set of them, possibly from several files, for clashes.
 * Binding: docs/vm-config.md.
 *
 * A config is written by hand and read before any VM exists, so this file is
 * strict: an unknown property, a value of the wrong size, a string without
 * its NUL or a number out of range is refused with one line naming the file,
 * the node and the property. Quietly ignoring a misspelt 'vcpu-cpu' would run
 * the guest on cores nobody chose.
 *
 * The VM node's properties are a table: each row names a property and the
 * function that reads it (or applies its default when it is absent). Rows
 * run in table order, so a row may rely on the ones above it (vcpu-cpus
 * needs vcpus; load-address needs the RAM range and the format). The same
 * table is the list of known properties.
 *
 * libfdt's read-only walkers only, no global state and no allocation: the
 * caller owns the structs and the message buffer.
 */
#include <virt/vm_config.h>
#include <virt/vm_config_passthru.h>
#include <virt/vm_config_shm.h>
#include <virt/vm_config_virtio.h>
#include <virt/vm_config_vnet.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>
#include <virt/guest_layout.h>

/* Guest RAM must stay clear of the device window (GIC 0x08000000, UART
 * 0x09000000) that every VM sees below 1 GiB. */
#define GUEST_RAM_MIN_BASE	0x40000000ULL
/* Host physical addresses without FEAT_LPA. */
#define HOST_PA_LIMIT		(1ULL << 48)
/* Stage 2 maps guest RAM with 2 MiB blocks. */
#define RAM_GRANULE		MiB(2)
#define VCPU_PRIO_MAX		31
#define VCPU_PRIO_DEFAULT	10
/* The DTB format version dtc writes and this parser accepts. */
#define FDT_CONFIG_VERSION	17
/* Longer paths are cut to their last component in messages. */
#define CFG_PATH_LEN		128

struct cfg {
	const void *fdt;
	const char *file;
	unsigned int n_host_cpus;
	char *err;
	size_t errlen;
};

/*
 * A hand-made blob may put any byte in a node name or string; the message
 * stays one printable line whatever it quotes.
 */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			*s = '?';
}

static int set_err(char *err, size_t errlen, int ret, const char *fmt, ...)
	__printf_like(4, 5);

static int set_err(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return ret;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	one_line(err);
	return ret;
}

/*
 * Record "<file>: <node path>: <message>" in err (node < 0 leaves the path
 * out, for errors about the blob as a whole). Shared with the passthrough
 * and shared-memory parsers, so every config message has one shape.
 */
void vm_config_verr(const void *fdt, int node, const char *file, char *err, size_t errlen,
		    const char *fmt, va_list ap)
{
	char path[CFG_PATH_LEN];
	int n;

	if (!err || errlen == 0)
		return;
	if (node >= 0) {
		if (fdt_get_path(fdt, node, path, sizeof(path)) < 0) {
			const char *name = fdt_get_name(fdt, node, NULL);

			snprintf(path, sizeof(path), ".../%s", name ? name : "?");
		}
		n = snprintf(err, errlen, "%s: %s: ", file, path);
	} else {
		n = snprintf(err, errlen, "%s: ", file);
	}
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	one_line(err);
}

static int cfg_fail(struct cfg *c, int node, int ret, const char *fmt, ...)
	__printf_like(4, 5);

/* vm_config_verr, returning ret: every error site is one `return cfg_fail(...)`. */
static int cfg_fail(struct cfg *c, int node, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vm_config_verr(c->fdt, node, c->file, c->err, c->errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/* --- property readers ------------------------------------------------------ */

/*
 * fdt_getprop() that tells absent (NULL, *len = 0) from unreadable (NULL,
 * *len < 0 after the message is written).
 */
static const void *prop_get(struct cfg *c, int node, const char *name,
			    int *len)
{
	const void *p = fdt_getprop(c->fdt, node, name, len);

	if (p)
		return p;
	if (*len == -FDT_ERR_NOTFOUND) {
		*len = 0;
		return NULL;
	}
	*len = cfg_fail(c, node, -EINVAL, "property '%s' unreadable: %s",
			name, fdt_strerror(*len));
	return NULL;
}

static int prop_missing(struct cfg *c, int node, const char *name)
{
	return cfg_fail(c, node, -ENOENT, "property '%s' missing", name);
}

/* One cell. Returns 1 with *out set, 0 if absent, or -errno. */
static int prop_u32(struct cfg *c, int node, const char *name, uint32_t *out)
{
	const fdt32_t *p;
	int len;

	p = prop_get(c, node, name, &len);
	if (!p)
		return len;
	if (len != 4)
		return cfg_fail(c, node, -EINVAL,
				"property '%s' is %d bytes, need 4 (one cell)",
				name, len);
	*out = fdt32_ld(p);
	return 1;
}

/* Two cells, high word first. Returns 1 with *out set, 0 if absent, or -errno. */
static int prop_u64(struct cfg *c, int node, const char *name, uint64_t *out)
{
	const fdt32_t *p;
	int len;

	p = prop_get(c, node, name, &len);
	if (!p)
		return len;
	if (len != 8)
		return cfg_fail(c, node, -EINVAL,
				"property '%s' is %d bytes, need 8 (two cells: <high low>)",
				name, len);
	*out = (uint64_t)fdt32_ld(&p[0]) << 32 | fdt32_ld(&p[1]);
	return 1;
}

/* Why p[0..len) is not one NUL-terminated string, or NULL if it is. */
static const char *not_a_string(const char *p, int len)
{
	if (len == 0 || p[len - 1] != '\0')
		return "is not a NUL-terminated string";
	if (strlen(p) + 1 != (size_t)len)
		return "holds more than one string";
	return NULL;
}

/*
 * One NUL-terminated string of at most size - 1 characters, copied to out.
 * Returns 1, 0 if absent, or -errno.
 */
static int prop_string(struct cfg *c, int node, const char *name, char *out,
		       size_t size, bool allow_empty)
{
	const char *p, *why;
	size_t n;
	int len;

	p = prop_get(c, node, name, &len);
	if (!p)
		return len;
	why = not_a_string(p, len);
	if (why)
		return cfg_fail(c, node, -EINVAL, "property '%s' %s", name, why);
	n = (size_t)len - 1;
	if (n == 0 && !allow_empty)
		return cfg_fail(c, node, -EINVAL,
				"property '%s' is empty", name);
	if (n >= size)
		return cfg_fail(c, node, -EINVAL,
				"property '%s': %u characters exceed the maximum of %u",
				name, (unsigned int)n, (unsigned int)(size - 1));
	memcpy(out, p, n + 1);
	return 1;
}

/*
 * One cell per vCPU. Returns 1 with *cells set, 0 if absent, or -errno.
 */
static int prop_per_vcpu(struct cfg *c, int node, const char *name,
			 const struct vm_config *vm, const fdt32_t **cells)
{
	const fdt32_t *p;
	int len;

	p = prop_get(c, node, name, &len);
	if (!p)
		return len;
	if (len % 4)
		return cfg_fail(c, node, -EINVAL,
				"property '%s' is %d bytes, not a whole number of cells",
				name, len);
	if ((unsigned int)len / 4 != vm->n_vcpus)
		return cfg_fail(c, node, -EINVAL,
				"property '%s' has %d cells, need %u (one per vCPU)",
				name, len / 4, vm->n_vcpus);
	*cells = p;
	return 1;
}

/* Is [addr] inside the VM's RAM? */
static bool in_ram(const struct vm_config *vm, uint64_t addr)
{
	return addr >= vm->ram_base && addr - vm->ram_base < vm->ram_size;
}

static int outside_ram(struct cfg *c, int node, const char *name,
		       const struct vm_config *vm, uint64_t addr)
{
	return cfg_fail(c, node, -EINVAL,
			"property '%s': 0x%llx is outside RAM 0x%llx-0x%llx",
			name, (unsigned long long)addr,
			(unsigned long long)vm->ram_base,
			(unsigned long long)(vm->ram_base + vm->ram_size - 1));
}

/* --- one row per VM property ---------------------------------------------- */

static int parse_vcpus(struct cfg *c, int node, struct vm_config *vm)
{
	uint32_t n = 0;
	int ret;

	ret = prop_u32(c, node, "vcpus", &n);
	if (ret <= 0)
		return ret ? ret : prop_missing(c, node, "vcpus");
	if (n < 1)
		return cfg_fail(c, node, -EINVAL,
				"property 'vcpus': 0 is below the minimum of 1");
	if (n > VM_MAX_VCPUS)
		return cfg_fail(c, node, -EINVAL,
				"property 'vcpus': %u exceeds the maximum of %u",
				n, VM_MAX_VCPUS);
	vm->n_vcpus = n;
	return 0;
}

static int parse_memory_size(struct cfg *c, int node, struct vm_config *vm)
{
	uint64_t size = 0;
	int ret;

	ret = prop_u64(c, node, "memory-size", &size);
	if (ret <= 0)
		return ret ? ret : prop_missing(c, node, "memory-size");
	if (size < RAM_GRANULE)
		return cfg_fail(c, node, -EINVAL,
				"property 'memory-size': 0x%llx is below the minimum of 2 MiB",
				(unsigned long long)size);
	if (!IS_ALIGNED(size, RAM_GRANULE))
		return cfg_fail(c, node, -EINVAL,
				"property 'memory-size': 0x%llx is not a multiple of 2 MiB",
				(unsigned long long)size);
	vm->ram_size = size;
	return 0;
}

static int parse_memory_base(struct cfg *c, int node, struct vm_config *vm)
{
	const char *blame = "memory-size";
	uint64_t base = VM_DEFAULT_RAM_BASE;
	int ret;

	ret = prop_u64(c, node, "memory-base", &base);
	if (ret < 0)
		return ret;
	if (ret) {
		blame = "memory-base";
		if (!IS_ALIGNED(base, RAM_GRANULE))
			return cfg_fail(c, node, -EINVAL,
					"property 'memory-base': 0x%llx is not 2 MiB aligned",
					(unsigned long long)base);
		if (base < GUEST_RAM_MIN_BASE)
			return cfg_fail(c, node, -EINVAL,
					"property 'memory-base': 0x%llx is below 0x%llx, in the guest device window (GIC 0x08000000, UART 0x09000000)",
					(unsigned long long)base,
					GUEST_RAM_MIN_BASE);
	}
	if (vm->ram_size > GUEST_IPA_LIMIT ||
	    base > GUEST_IPA_LIMIT - vm->ram_size)
		return cfg_fail(c, node, -EINVAL,
				"property '%s': RAM at 0x%llx of 0x%llx bytes ends beyond the 1 TiB guest-physical limit",
				blame, (unsigned long long)base,
				(unsigned long long)vm->ram_size);
	vm->ram_base = base;
	return 0;
}

static int parse_memory_phys(struct cfg *c, int node, struct vm_config *vm)
{
	uint64_t phys = 0;
	int ret;

	ret = prop_u64(c, node, "memory-phys", &phys);
	if (ret <= 0)
		return ret;	/* absent: ram_phys stays 0, "anywhere" */
	/* Physical page 0 is the host's NULL guard on every board (never
	 * mapped, never allocated: kernel/page_alloc.c), so no VM can be
	 * there; that also leaves 0 free to mean "anywhere" in vm_config. */
	if (phys == 0)
		return cfg_fail(c, node, -EINVAL,
				"property 'memory-phys': 0 is not possible: physical page 0 stays unmapped as Tandem's NULL guard (place the RAM at 2 MiB or above, or leave the property out)");
	if (!IS_ALIGNED(phys, RAM_GRANULE))
		return cfg_fail(c, node, -EINVAL,
				"property 'memory-phys': 0x%llx is not 2 MiB aligned",
				(unsigned long long)phys);
	if (vm->ram_size > HOST_PA_LIMIT || phys > HOST_PA_LIMIT - vm->ram_size)
		return cfg_fail(c, node, -EINVAL,
				"property 'memory-phys': RAM at 0x%llx of 0x%llx bytes ends beyond the 48-bit physical address space",
				(unsigned long long)phys,
				(unsigned long long)vm->ram_size);
	vm->ram_phys = phys;
	return 0;
}

static int parse_kernel(struct cfg *c, int node, struct vm_config *vm)
{
	int ret;

	ret = prop_string(c, node, "kernel", vm->kernel, sizeof(vm->kernel),
			  false);
	if (ret <= 0)
		return ret ? ret : prop_missing(c, node, "kernel");
	return 0;
}

static const struct {
	const char *name;
	enum vm_image_format format;
} image_formats[] = {
	{ "linux", VM_IMAGE_LINUX },
	{ "elf", VM_IMAGE_ELF },
	{ "raw", VM_IMAGE_RAW },
};

static int parse_kernel_format(struct cfg *c, int node, struct vm_config *vm)
{
	const char *p, *why;
	unsigned int i;
	int len;

	vm->format = VM_IMAGE_LINUX;
	p = prop_get(c, node, "kernel-format", &len);
	if (!p)
		return len;
	why = not_a_string(p, len);
	if (why)
		return cfg_fail(c, node, -EINVAL, "property 'kernel-format' %s",
				why);
	for (i = 0; i < ARRAY_SIZE(image_formats); i++) {
		if (!strcmp(p, image_formats[i].name)) {
			vm->format = image_formats[i].format;
			return 0;
		}
	}
	return cfg_fail(c, node, -EINVAL,
			"property 'kernel-format': \"%.32s\" is not \"linux\", \"elf\" or \"raw\"",
			p);
}

/* load-address and entry: only a raw image needs to be told where it goes. */
static int raw_addr(struct cfg *c, int node, struct vm_config *vm,
		    const char *name, uint64_t *addr, uint64_t dflt)
{
	int ret;

	*addr = 0;	/* linux and elf images say where they load */
	ret = prop_u64(c, node, name, addr);
	if (ret < 0)
		return ret;
	if (vm->format != VM_IMAGE_RAW) {
		if (ret)
			return cfg_fail(c, node, -EINVAL,
					"property '%s' is only valid with kernel-format = \"raw\"",
					name);
		return 0;
	}
	if (!ret)
		*addr = dflt;
	if (!in_ram(vm, *addr))
		return outside_ram(c, node, name, vm, *addr);
	return 0;
}

static int parse_load_address(struct cfg *c, int node, struct vm_config *vm)
{
	return raw_addr(c, node, vm, "load-address", &vm->load_addr,
			vm->ram_base);
}

static int parse_entry(struct cfg *c, int node, struct vm_config *vm)
{
	int ret;

	ret = raw_addr(c, node, vm, "entry", &vm->entry, vm->load_addr);
	if (ret)
		return ret;
	if (!IS_ALIGNED(vm->entry, 4))
		return cfg_fail(c, node, -EINVAL,
				"property 'entry': 0x%llx is not 4-byte aligned (A64 instructions are)",
				(unsigned long long)vm->entry);
	return 0;
}

static int parse_initrd(struct cfg *c, int node, struct vm_config *vm)
{
	int ret;

	ret = prop_string(c, node, "initrd", vm->initrd, sizeof(vm->initrd),
			  false);
	return ret < 0 ? ret : 0;
}

static int parse_bootargs(struct cfg *c, int node, struct vm_config *vm)
{
	int ret;

	ret = prop_string(c, node, "bootargs", vm->bootargs,
			  sizeof(vm->bootargs), true);
	return ret < 0 ? ret : 0;
}

static int parse_vcpu_cpus(struct cfg *c, int node, struct vm_config *vm)
{
	const fdt32_t *cells = NULL;
	unsigned int i;
	uint32_t cpu;
	int ret;

	ret = prop_per_vcpu(c, node, "vcpu-cpus", vm, &cells);
	if (ret < 0)
		return ret;
	for (i = 0; i < vm->n_vcpus; i++) {
		/* Default: leave core 0 to the host shell as long as we can. */
		cpu = cells ? fdt32_ld(&cells[i]) : (i + 1) % c->n_host_cpus;
		if (cpu >= c->n_host_cpus)
			return cfg_fail(c, node, -EINVAL,
					"property 'vcpu-cpus': core %u does not exist (board has %u)",
					cpu, c->n_host_cpus);
		vm->vcpu_cpu[i] = cpu;
	}
	return 0;
}

static int parse_vcpu_priorities(struct cfg *c, int node, struct vm_config *vm)
{
	const fdt32_t *cells = NULL;
	unsigned int i;
	uint32_t prio;
	int ret;

	ret = prop_per_vcpu(c, node, "vcpu-priorities", vm, &cells);
	if (ret < 0)
		return ret;
	for (i = 0; i < vm->n_vcpus; i++) {
		prio = cells ? fdt32_ld(&cells[i]) : VCPU_PRIO_DEFAULT;
		if (prio > VCPU_PRIO_MAX)
			return cfg_fail(c, node, -EINVAL,
					"property 'vcpu-priorities': %u (vCPU %u) exceeds the maximum of %u",
					prio, i, VCPU_PRIO_MAX);
		vm->vcpu_prio[i] = (int)prio;
	}
	return 0;
}

/* A property that takes no value: true if present. */
static int flag_prop(struct cfg *c, int node, const char *name, bool *out)
{
	int len;

	if (!prop_get(c, node, name, &len))
		return len;	/* 0 if absent */
	if (len != 0)
		return cfg_fail(c, node, -EINVAL,
				"property '%s' takes no value (write '%s;')", name, name);
	*out = true;
	return 0;
}

static int parse_autostart(struct cfg *c, int node, struct vm_config *vm)
{
	return flag_prop(c, node, "autostart", &vm->autostart);
}

static int parse_watchdog(struct cfg *c, int node, struct vm_config *vm)
{
	return flag_prop(c, node, "watchdog", &vm->watchdog);
}

/* on-crash / on-watchdog / on-poweroff: "restart" or "stop". */
static int parse_on(struct cfg *c, int node, const char *name, enum vm_run_end e, bool def,
		    struct vm_config *vm)
{
	char v[16];
	int ret = prop_string(c, node, name, v, sizeof(v), false);

	if (ret < 0)
		return ret;
	vm->policy.restart[e] = def;
	if (!ret)
		return 0;
	if (strcmp(v, "restart") && strcmp(v, "stop"))
		return cfg_fail(c, node, -EINVAL,
				"property '%s': \"%s\" is neither \"restart\" nor \"stop\"", name, v);
	vm->policy.restart[e] = !strcmp(v, "restart");
	return 0;
}

static int parse_on_crash(struct cfg *c, int node, struct vm_config *vm)
{
	return parse_on(c, node, "on-crash", VM_END_CRASH, false, vm);
}

static int parse_on_watchdog(struct cfg *c, int node, struct vm_config *vm)
{
	return parse_on(c, node, "on-watchdog", VM_END_WATCHDOG, true, vm);
}

static int parse_on_poweroff(struct cfg *c, int node, struct vm_config *vm)
{
	return parse_on(c, node, "on-poweroff", VM_END_POWEROFF, false, vm);
}

/* image-max-size: the largest kernel image the control channel may hand
 * in for this VM (0, the default: none). */
static int parse_image_max(struct cfg *c, int node, struct vm_config *vm)
{
	uint64_t size = 0;
	int ret = prop_u64(c, node, "image-max-size", &size);

	if (ret < 0)
		return ret;
	if (size > VM_IMAGE_MAX_LIMIT)
		return cfg_fail(c, node, -EINVAL,
				"property 'image-max-size': 0x%llx exceeds the maximum of 0x%llx",
				(unsigned long long)size, (unsigned long long)VM_IMAGE_MAX_LIMIT);
	vm->image_max = size;
	return 0;
}

/* restart-limit = <restarts seconds>: at most that many policy restarts in
 * that window (default 5 in 60 s). */
static int parse_restart_limit(struct cfg *c, int node, struct vm_config *vm)
{
	const fdt32_t *p;
	int len;

	vm->policy.limit = VM_RESTART_LIMIT_DEFAULT;
	vm->policy.window_ns = VM_RESTART_WINDOW_DEFAULT_S * 1000000000ULL;
	p = prop_get(c, node, "restart-limit", &len);
	if (!p)
		return len;
	if (len != 8)
		return cfg_fail(c, node, -EINVAL,
				"property 'restart-limit' is %d bytes, need 8 (<restarts seconds>)", len);
	if (fdt32_ld(&p[0]) > 1000 || fdt32_ld(&p[1]) < 1 || fdt32_ld(&p[1]) > 86400)
		return cfg_fail(c, node, -EINVAL,
				"property 'restart-limit': <%u %u> needs 0..1000 restarts in 1..86400 s",
				fdt32_ld(&p[0]), fdt32_ld(&p[1]));
	vm->policy.limit = fdt32_ld(&p[0]);
	vm->policy.window_ns = fdt32_ld(&p[1]) * 1000000000ULL;
	return 0;
}

/* Rows run in this order; parse == NULL marks a property allowed as is. */
static const struct vm_prop {
	const char *name;
	int (*parse)(struct cfg *c, int node, struct vm_config *vm);
} vm_props[] = {
	{ "compatible", NULL },		/* checked before the table runs */
	{ "phandle", NULL },
	{ "name", NULL },
	{ "vcpus", parse_vcpus },
	{ "memory-size", parse_memory_size },
	{ "memory-base", parse_memory_base },
	{ "memory-phys", parse_memory_phys },
	{ "kernel", parse_kernel },
	{ "kernel-format", parse_kernel_format },
	{ "load-address", parse_load_address },
	{ "entry", parse_entry },
	{ "initrd", parse_initrd },
	{ "bootargs", parse_bootargs },
	{ "vcpu-cpus", parse_vcpu_cpus },
	{ "vcpu-priorities", parse_vcpu_priorities },
	{ "autostart", parse_autostart },
	{ "watchdog", parse_watchdog },
	{ "on-crash", parse_on_crash },
	{ "on-watchdog", parse_on_watchdog },
	{ "on-poweroff", parse_on_poweroff },
	{ "restart-limit", parse_restart_limit },
	{ "image-max-size", parse_image_max },
};

static bool vm_prop_known(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vm_props); i++)
		if (!strcmp(name, vm_props[i].name))
			return true;
	return false;
}

/* The root holds only its compatible (and what dtc may add to any node). */
static bool root_prop_known(const char *name)
{
	return !strcmp(name, "compatible") || !strcmp(name, "phandle") ||
	       !strcmp(name, "name");
}

/* --- nodes ------------------------------------------------------------------ */

static int check_props(struct cfg *c, int node, bool (*known)(const char *))
{
	const char *name;
	int prop, len;

	fdt_for_each_property_offset(prop, c->fdt, node) {
		if (!fdt_getprop_by_offset(c->fdt, prop, &name, &len))
			return cfg_fail(c, node, -EINVAL,
					"property unreadable: %s",
					fdt_strerror(len));
		if (!known(name))
			return cfg_fail(c, node, -EINVAL,
					"unknown property '%s'", name);
	}
	if (prop != -FDT_ERR_NOTFOUND)
		return cfg_fail(c, node, -EINVAL, "properties unreadable: %s",
				fdt_strerror(prop));
	return 0;
}

/* The node name is what `vm create` takes: [a-z0-9_-], 1..31 characters. */
static int check_name(struct cfg *c, int node, struct vm_config *vm)
{
	const char *name;
	int i, len;

	name = fdt_get_name(c->fdt, node, &len);
	if (!name)
		return cfg_fail(c, node, -EINVAL, "node name unreadable: %s",
				fdt_strerror(len));
	if (len < 1 || len >= VM_NAME_LEN)
		return cfg_fail(c, node, -EINVAL,
				"node name has %d characters, need 1..%d",
				len, VM_NAME_LEN - 1);
	for (i = 0; i < len; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '-'))
			return cfg_fail(c, node, -EINVAL,
					"node name may only hold a-z, 0-9, '_' and '-' (it names the VM)");
	}
	memcpy(vm->name, name, (size_t)len);
	vm->name[len] = '\0';
	return 0;
}

/* Does the node's compatible list hold want? Absent or wrong: a message. */
static int check_compatible(struct cfg *c, int node, const char *want,
			    const char *why)
{
	int ret;

	ret = fdt_node_check_compatible(c->fdt, node, want);
	if (ret == 0)
		return 0;
	if (ret == -FDT_ERR_NOTFOUND)
		return cfg_fail(c, node, -EINVAL,
				"property 'compatible' missing, need \"%s\" (%s)",
				want, why);
	if (ret == 1)
		return cfg_fail(c, node, -EINVAL,
				"property 'compatible' is not \"%s\" (%s)",
				want, why);
	return cfg_fail(c, node, -EINVAL, "property 'compatible' unreadable: %s",
			fdt_strerror(ret));
}

static void copy_file(char *dst, const char *src)
{
	size_t n = strnlen(src, VM_FILE_LEN - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int parse_vm(struct cfg *c, int node, struct vm_config *vm)
{
	unsigned int i;
	int sub, ret;

	memset(vm, 0, sizeof(*vm));
	copy_file(vm->file, c->file);

	ret = check_compatible(c, node, "tandem,vm",
			       "every child of the root is a VM");
	if (ret)
		return ret;
	ret = check_name(c, node, vm);
	if (ret)
		return ret;
	ret = check_props(c, node, vm_prop_known);
	if (ret)
		return ret;
	fdt_for_each_subnode(sub, c->fdt, node)
		if (!vm_config_is_passthru_node(c->fdt, sub) &&
		    !vm_config_is_shm_node(c->fdt, sub) &&
		    !vm_config_is_virtio_node(c->fdt, sub))
			return cfg_fail(c, sub, -EINVAL,
					"unexpected node (a VM node's children are 'passthrough', 'shm' and 'virtio')");

	for (i = 0; i < ARRAY_SIZE(vm_props); i++) {
		if (!vm_props[i].parse)
			continue;
		ret = vm_props[i].parse(c, node, vm);
		if (ret)
			return ret;
	}
	sub = fdt_subnode_offset(c->fdt, node, "passthrough");
	if (sub >= 0) {
		ret = vm_config_parse_passthru(c->fdt, sub, c->file, vm, c->err, c->errlen);
		if (ret)
			return ret;
	}
	sub = fdt_subnode_offset(c->fdt, node, "shm");
	if (sub >= 0) {
		ret = vm_config_parse_shm(c->fdt, sub, c->file, vm, c->err, c->errlen);
		if (ret)
			return ret;
	}
	sub = fdt_subnode_offset(c->fdt, node, "virtio");
	if (sub >= 0)
		return vm_config_parse_virtio(c->fdt, sub, c->file, vm, c->err, c->errlen);
	return 0;
}

int vm_config_count_vms(const void *fdt)
{
	int root, node, n = 0;

	if (fdt_check_header(fdt) || fdt_check_full(fdt, fdt_totalsize(fdt)))
		return -EINVAL;
	root = fdt_path_offset(fdt, "/");
	if (root < 0)
		return -EINVAL;
	fdt_for_each_subnode(node, fdt, root)
		n++;
	return node == -FDT_ERR_NOTFOUND ? n : -EINVAL;
}

int vm_config_parse(const void *fdt, const char *file, unsigned n_host_cpus,
		    struct vm_config *out, unsigned max, unsigned *count,
		    char *err, size_t errlen)
{
	struct cfg c = {
		.fdt = fdt,
		.file = file ? file : "(config)",
		.n_host_cpus = n_host_cpus,
		.err = err,
		.errlen = errlen,
	};
	unsigned int n = 0;
	int root, node, ret;

	if (err && errlen)
		err[0] = '\0';
	*count = 0;

	if (n_host_cpus == 0)
		return cfg_fail(&c, -1, -EINVAL, "no host CPUs to place vCPUs on");
	ret = fdt_check_header(fdt);
	if (ret)
		return cfg_fail(&c, -1, -EINVAL, "not a compiled device tree: %s",
				fdt_strerror(ret));
	/* dtc writes version 17; libfdt 1.6.1's fdt_check_full() can read
	 * through NULL on older ones (found by tests/fuzz/fuzz_vm_config.c). */
	if (fdt_version(fdt) < FDT_CONFIG_VERSION)
		return cfg_fail(&c, -1, -EINVAL,
				"device tree format version %u, need %u (as dtc writes)",
				fdt_version(fdt), FDT_CONFIG_VERSION);
	/* One pass up front so a corrupt blob fails here, not mid-parse. */
	ret = fdt_check_full(fdt, fdt_totalsize(fdt));
	if (ret)
		return cfg_fail(&c, -1, -EINVAL, "bad structure: %s",
				fdt_strerror(ret));

	root = fdt_path_offset(fdt, "/");
	if (root < 0)
		return cfg_fail(&c, -1, -EINVAL, "no root node: %s",
				fdt_strerror(root));
	ret = check_compatible(&c, root, "tandem,config",
			       "a Tandem VM config");
	if (ret)
		return ret;
	ret = check_props(&c, root, root_prop_known);
	if (ret)
		return ret;

	fdt_for_each_subnode(node, fdt, root) {
		if (n == max)
			return cfg_fail(&c, node, -ENOSPC,
					"the file holds %d VMs, the caller has room for %u",
					vm_config_count_vms(fdt), max);
		ret = parse_vm(&c, node, &out[n]);
		if (ret)
			return ret;
		n++;
	}
	if (node != -FDT_ERR_NOTFOUND)
		return cfg_fail(&c, root, -EINVAL, "nodes unreadable: %s",
				fdt_strerror(node));
	if (n == 0)
		return cfg_fail(&c, root, -ENOENT,
				"no VM nodes (children with compatible = \"tandem,vm\")");
	*count = n;
	return 0;
}

/* Inclusive end, so a range touching the top of the space cannot wrap. */
static uint64_t phys_last(const struct vm_config *vm)
{
	return vm->ram_phys + (vm->ram_size - 1);
}

static bool phys_overlap(const struct vm_config *a, const struct vm_config *b)
{
	if (!a->ram_phys || !b->ram_phys || !a->ram_size || !b->ram_size)
		return false;
	return a->ram_phys <= phys_last(b) && b->ram_phys <= phys_last(a);
}

int vm_config_check_set(const struct vm_config *cfgs, unsigned n, char *err,
			size_t errlen)
{
	const struct vm_config *a, *b;
	unsigned int i, j;

	if (err && errlen)
		err[0] = '\0';

	/* Blame the later VM: the earlier one was there first. */
	for (j = 1; j < n; j++) {
		b = &cfgs[j];
		for (i = 0; i < j; i++) {
			a = &cfgs[i];
			if (!strncmp(a->name, b->name, VM_NAME_LEN))
				return set_err(err, errlen, -EEXIST,
					       "%.*s: /%.*s: VM name '%.*s' is already used by /%.*s in %.*s",
					       VM_FILE_LEN, b->file,
					       VM_NAME_LEN, b->name,
					       VM_NAME_LEN, b->name,
					       VM_NAME_LEN, a->name,
					       VM_FILE_LEN, a->file);
			if (phys_overlap(a, b))
				return set_err(err, errlen, -EINVAL,
					       "%.*s: /%.*s: property 'memory-phys': 0x%llx-0x%llx overlaps VM /%.*s (%.*s) at 0x%llx-0x%llx",
					       VM_FILE_LEN, b->file,
					       VM_NAME_LEN, b->name,
					       (unsigned long long)b->ram_phys,
					       (unsigned long long)phys_last(b),
					       VM_NAME_LEN, a->name,
					       VM_FILE_LEN, a->file,
					       (unsigned long long)a->ram_phys,
					       (unsigned long long)phys_last(a));
			if (vm_config_passthru_clash(a, b, err, errlen))
				return -EBUSY;
			if (vm_config_shm_clash(a, b, err, errlen) ||
			    vm_config_vnet_clash(a, b, err, errlen))
				return -EINVAL;
		}
	}
	return 0;
}
