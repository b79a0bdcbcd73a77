/*
 * The `virtio` node of a VM config: one child per virtio-mmio device that
 * Tandem serves the VM, each with its `type`, its register window
 * (`guest-reg`, VIRTIO_MMIO_SIZE bytes) and its SPI (`interrupt`), plus
 * what its type needs (a block device's `image`). Binding:
 * docs/vm-config.md, "Virtio devices".
 *
 * Checked here: a known type and only its properties; the window aligned,
 * below 1 TiB, clear of RAM, the emulated devices, the passed-through
 * ones, the shared region and its doorbell, and the other virtio devices;
 * the SPI one of the guest's, used by nothing else. Whether an image is in
 * the bundle is the build's (tools/vmconfig_check) and vm_create()'s.
 */
#include <virt/vm_config.h>
#include <virt/vm_config_virtio.h>
#include <virt/vm_config_vnet.h>
#include <virt/guest_layout.h>
#include <virt/shm_doorbell_regs.h>
#include <virt/virtio.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

struct vio_cfg {
	const void *fdt;
	const char *file;
	int node;
	char *err;
	size_t errlen;
	const struct vm_config *vm;	/* the devices parsed so far */
};

static int vio_fail(struct vio_cfg *c, const char *fmt, ...) __printf_like(2, 3);

static int vio_fail(struct vio_cfg *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vm_config_verr(c->fdt, c->node, c->file, c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* One string property: 1 if there (copied into out), 0 if absent, <0. */
static int string_prop(struct vio_cfg *c, const char *name, char *out, size_t outlen)
{
	int len;
	const char *p = fdt_getprop(c->fdt, c->node, name, &len);

	if (!p)
		return 0;
	if (len < 2 || p[len - 1] || strlen(p) + 1 != (size_t)len)
		return vio_fail(c, "property '%s' must be one non-empty string", name);
	if ((size_t)len > outlen)
		return vio_fail(c, "property '%s': longer than %zu characters", name, outlen - 1);
	memcpy(out, p, (size_t)len);
	return 1;
}

static int flag_prop(struct vio_cfg *c, const char *name, bool *out)
{
	int len;

	if (!fdt_getprop(c->fdt, c->node, name, &len))
		return 0;
	if (len)
		return vio_fail(c, "property '%s' takes no value (write '%s;')", name, name);
	*out = true;
	return 0;
}

/* ---- per type --------------------------------------------------------------- */

static int parse_block(struct vio_cfg *c, struct vm_virtio *d)
{
	int ret = string_prop(c, "image", d->image, sizeof(d->image));

	if (ret < 0)
		return ret;
	if (!ret)
		return vio_fail(c, "property 'image' missing (the disk image, a file like 'kernel')");
	return flag_prop(c, "read-only", &d->read_only);
}

/* A type with nothing of its own to parse (a console). */
static int parse_nothing(struct vio_cfg *c, struct vm_virtio *d)
{
	(void)c;
	(void)d;
	return 0;
}

static int parse_net(struct vio_cfg *c, struct vm_virtio *d)
{
	return vm_config_parse_vnet(c->fdt, c->node, c->file, c->vm, d, c->err, c->errlen);
}

/* A control channel: the names of the VMs it manages, none its own and
 * each once; a VM has at most one such channel. */
static int parse_control(struct vio_cfg *c, struct vm_virtio *d)
{
	const char *p, *end;
	int len;

	for (unsigned k = 0; k < c->vm->n_virtio; k++)
		if (c->vm->virtio[k].type == VM_VIRTIO_CONTROL)
			return vio_fail(c, "a second control device (VM '%s' has '%s')", c->vm->name,
					c->vm->virtio[k].name);
	p = fdt_getprop(c->fdt, c->node, "manages", &len);
	if (!p)
		return vio_fail(c, "property 'manages' missing (the names of the VMs it may act on)");
	if (len < 2 || p[len - 1])
		return vio_fail(c, "property 'manages' must be a list of VM names");
	for (end = p + len; p < end; p += strlen(p) + 1) {
		size_t n = strlen(p);

		if (!n || n >= VM_NAME_LEN || strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
			return vio_fail(c, "property 'manages': '%s' is not a VM name", p);
		if (!strcmp(p, c->vm->name))
			return vio_fail(c, "property 'manages': a VM does not manage itself "
					"(its guest has reboot and poweroff)");
		for (unsigned k = 0; k < d->n_manages; k++)
			if (!strcmp(d->manages[k], p))
				return vio_fail(c, "property 'manages': '%s' named twice", p);
		if (d->n_manages == VM_MAX_MANAGED)
			return vio_fail(c, "property 'manages': more than %d VMs", VM_MAX_MANAGED);
		memcpy(d->manages[d->n_manages++], p, n + 1);
	}
	return 0;
}

struct vio_type {
	const char *name;
	enum vm_virtio_type type;
	int (*parse)(struct vio_cfg *c, struct vm_virtio *d);
	const char *const props[4];	/* besides the common ones */
};

static const struct vio_type vio_types[] = {
	{ "block", VM_VIRTIO_BLOCK, parse_block, { "image", "read-only" } },
	{ "console", VM_VIRTIO_CONSOLE, parse_nothing, { NULL } },
	{ "net", VM_VIRTIO_NET, parse_net, { "network", "mac" } },
	{ "control", VM_VIRTIO_CONTROL, parse_control, { "manages" } },
};

const char *vm_virtio_type_name(enum vm_virtio_type t)
{
	for (unsigned i = 0; i < ARRAY_SIZE(vio_types); i++)
		if (vio_types[i].type == t)
			return vio_types[i].name;
	return "?";
}

/* ---- common ----------------------------------------------------------------- */

static int check_known(struct vio_cfg *c, const struct vio_type *ty)
{
	static const char *const common[] = { "type", "guest-reg", "interrupt", "phandle", "name" };
	const char *name;
	int prop, len;

	fdt_for_each_property_offset(prop, c->fdt, c->node) {
		bool ok = false;

		if (!fdt_getprop_by_offset(c->fdt, prop, &name, &len))
			return vio_fail(c, "property unreadable");
		for (unsigned i = 0; i < ARRAY_SIZE(common) && !ok; i++)
			ok = !strcmp(name, common[i]);
		for (unsigned i = 0; i < ARRAY_SIZE(ty->props) && ty->props[i] && !ok; i++)
			ok = !strcmp(name, ty->props[i]);
		if (!ok)
			return vio_fail(c, "unknown property '%s' for a %s device", name, ty->name);
	}
	if (fdt_first_subnode(c->fdt, c->node) >= 0)
		return vio_fail(c, "unexpected child node (a virtio device has none)");
	return 0;
}

static int parse_type(struct vio_cfg *c, const struct vio_type **out)
{
	char name[16];
	int ret = string_prop(c, "type", name, sizeof(name));

	if (ret < 0)
		return ret;
	if (!ret)
		return vio_fail(c, "property 'type' missing (\"block\", \"console\", \"net\", \"control\")");
	for (unsigned i = 0; i < ARRAY_SIZE(vio_types); i++)
		if (!strcmp(name, vio_types[i].name)) {
			*out = &vio_types[i];
			return 0;
		}
	return vio_fail(c, "property 'type': \"%s\" is not a device Tandem serves "
			"(\"block\", \"console\", \"net\", \"control\")", name);
}

static int parse_reg(struct vio_cfg *c, const struct vm_config *vm, struct vm_virtio *d)
{
	const uint64_t size = VIRTIO_MMIO_SIZE;
	const struct guest_window *win;
	const fdt32_t *p;
	uint64_t ipa;
	int len;

	p = fdt_getprop(c->fdt, c->node, "guest-reg", &len);
	if (!p)
		return vio_fail(c, "property 'guest-reg' missing (where the guest sees the device)");
	if (len != 8)
		return vio_fail(c, "property 'guest-reg' is %d bytes, need 8 (2 cells: an address)", len);
	ipa = (uint64_t)fdt32_ld(&p[0]) << 32 | fdt32_ld(&p[1]);
	if (!IS_ALIGNED(ipa, size) || ipa > GUEST_IPA_LIMIT - size)
		return vio_fail(c, "property 'guest-reg': 0x%llx is not 0x%llx aligned below 1 TiB",
				(unsigned long long)ipa, (unsigned long long)size);
	if (ranges_overlap(ipa, size, vm->ram_base, vm->ram_size))
		return vio_fail(c, "property 'guest-reg': 0x%llx overlaps the guest's RAM",
				(unsigned long long)ipa);
	win = guest_window_overlap(ipa, size);
	if (win)
		return vio_fail(c, "property 'guest-reg': 0x%llx overlaps %s at 0x%llx",
				(unsigned long long)ipa, win->what, (unsigned long long)win->base);
	for (unsigned k = 0; k < vm->n_passthru; k++) {
		const struct vm_passthru *pt = &vm->passthru[k];

		for (unsigned j = 0; j < pt->n_regs; j++)
			if (ranges_overlap(ipa, size, pt->n_guest_regs ? pt->ipa[j] : pt->pa[j], pt->size[j]))
				return vio_fail(c, "property 'guest-reg': 0x%llx overlaps passed-through device '%s'",
						(unsigned long long)ipa, pt->name);
	}
	if (vm->has_shm && (ranges_overlap(ipa, size, vm->shm.ipa, vm->shm.size) ||
			    ranges_overlap(ipa, size, vm->shm.doorbell_ipa, SHM_DOORBELL_SIZE)))
		return vio_fail(c, "property 'guest-reg': 0x%llx overlaps shared region '%s' or its doorbell",
				(unsigned long long)ipa, vm->shm.region);
	for (unsigned k = 0; k < vm->n_virtio; k++)
		if (ranges_overlap(ipa, size, vm->virtio[k].ipa, size))
			return vio_fail(c, "property 'guest-reg': 0x%llx overlaps virtio device '%s'",
					(unsigned long long)ipa, vm->virtio[k].name);
	d->ipa = ipa;
	return 0;
}

static int parse_irq(struct vio_cfg *c, const struct vm_config *vm, struct vm_virtio *d)
{
	const fdt32_t *p;
	irqid_t g;
	int len;

	p = fdt_getprop(c->fdt, c->node, "interrupt", &len);
	if (!p)
		return vio_fail(c, "property 'interrupt' missing (the guest SPI the device raises)");
	if (len != 4)
		return vio_fail(c, "property 'interrupt' is %d bytes, need 4 (1 cell: an INTID)", len);
	g = fdt32_ld(p);
	if (g < GUEST_SPI_MIN || g > GUEST_INTID_MAX)
		return vio_fail(c, "property 'interrupt': INTID %u is not one of the guest's SPIs (32..%u)",
				g, GUEST_INTID_MAX);
	if (guest_intid_owner(g))
		return vio_fail(c, "property 'interrupt': INTID %u is %s", g, guest_intid_owner(g));
	for (unsigned k = 0; k < vm->n_passthru; k++) {
		const struct vm_passthru *pt = &vm->passthru[k];

		for (unsigned j = 0; j < pt->n_irqs; j++)
			if ((pt->n_guest_irqs ? pt->guest_intid[j] : pt->intid[j]) == g)
				return vio_fail(c, "property 'interrupt': INTID %u is also passed-through device '%s''s",
						g, pt->name);
	}
	if (vm->has_shm && vm->shm.doorbell_intid == g)
		return vio_fail(c, "property 'interrupt': INTID %u is also the doorbell of region '%s'",
				g, vm->shm.region);
	for (unsigned k = 0; k < vm->n_virtio; k++)
		if (vm->virtio[k].intid == g)
			return vio_fail(c, "property 'interrupt': INTID %u is also virtio device '%s''s",
					g, vm->virtio[k].name);
	d->intid = g;
	return 0;
}

static int parse_device(struct vio_cfg *c, struct vm_config *vm)
{
	struct vm_virtio *d = &vm->virtio[vm->n_virtio];
	const struct vio_type *ty = NULL;
	const char *name = fdt_get_name(c->fdt, c->node, NULL);
	int ret;

	if (vm->n_virtio == VM_MAX_VIRTIO)
		return vio_fail(c, "more than %d virtio devices", VM_MAX_VIRTIO);
	memset(d, 0, sizeof(*d));
	if (!name || strlen(name) >= sizeof(d->name))
		return vio_fail(c, "node name longer than %zu characters", sizeof(d->name) - 1);
	snprintf(d->name, sizeof(d->name), "%s", name);
	ret = parse_type(c, &ty);
	if (!ret)
		ret = check_known(c, ty);
	if (!ret)
		ret = parse_reg(c, vm, d);
	if (!ret)
		ret = parse_irq(c, vm, d);
	if (!ret) {
		d->type = ty->type;
		ret = ty->parse(c, d);
	}
	if (!ret)
		vm->n_virtio++;
	return ret;
}

/* block-write-quota = <hi lo>: bytes, whole 4 KiB chunks (0: no writes kept). */
static int parse_quota(struct vio_cfg *c, struct vm_config *vm)
{
	int len;
	const fdt32_t *p = fdt_getprop(c->fdt, c->node, "block-write-quota", &len);

	if (!p || len != 8)
		return vio_fail(c, "property 'block-write-quota' is %d bytes, need 8 (2 cells: bytes)",
				len);
	vm->blk_write_quota = (uint64_t)fdt32_ld(&p[0]) << 32 | fdt32_ld(&p[1]);
	if (vm->blk_write_quota % 4096)
		return vio_fail(c, "property 'block-write-quota': 0x%llx is not a multiple of 4 KiB",
				(unsigned long long)vm->blk_write_quota);
	return 0;
}

bool vm_config_is_virtio_node(const void *fdt, int node)
{
	const char *name = fdt_get_name(fdt, node, NULL);

	return name && !strcmp(name, "virtio");
}

int vm_config_parse_virtio(const void *fdt, int node, const char *file,
			   struct vm_config *vm, char *err, size_t errlen)
{
	struct vio_cfg c = { fdt, file, node, err, errlen, vm };
	const char *name;
	int sub, prop, len, ret;

	vm->n_virtio = 0;
	vm->blk_write_quota = VM_BLK_WRITE_QUOTA_DEFAULT;
	fdt_for_each_property_offset(prop, fdt, node) {
		if (!fdt_getprop_by_offset(fdt, prop, &name, &len))
			return vio_fail(&c, "property unreadable");
		if (!strcmp(name, "block-write-quota")) {
			ret = parse_quota(&c, vm);
			if (ret)
				return ret;
		} else if (strcmp(name, "name") && strcmp(name, "phandle")) {
			return vio_fail(&c, "unknown property '%s' (the devices are its child nodes)",
					name);
		}
	}
	fdt_for_each_subnode(sub, fdt, node) {
		c.node = sub;
		ret = parse_device(&c, vm);
		if (ret)
			return ret;
	}
	return 0;
}
