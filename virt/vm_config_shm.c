/*
 * The `shm` node of a VM config: the shared-memory region this VM maps,
 * where, whether read-only, and its doorbell. Every VM whose `shm` names
 * the same `region` shares the same host pages (allocated by the first VM
 * created with it, freed with the last). Binding: docs/vm-config.md,
 * "Shared memory".
 *
 * What one file decides is checked here: page sizes and alignment, that
 * the region and its doorbell page keep clear of the guest's RAM, of the
 * devices Tandem emulates, of the passed-through devices and of each
 * other, and that the doorbell is one of the guest's free SPIs. Whether
 * two VMs agree on the size is vm_config_check_set()'s (the VMs may come
 * from different files).
 */
#include <virt/vm_config.h>
#include <virt/vm_config_shm.h>
#include <virt/guest_layout.h>
#include <virt/shm_doorbell_regs.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#define SHM_PAGE		KiB(4)
#define SHM_MAX_SIZE		MiB(256)

struct shm_cfg {
	const void *fdt;
	const char *file;
	int node;
	char *err;
	size_t errlen;
};

static int shm_fail(struct shm_cfg *c, const char *fmt, ...) __printf_like(2, 3);

/* "<file>: <node path>: <message>", like the rest of the config parser. */
static int shm_fail(struct shm_cfg *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vm_config_verr(c->fdt, c->node, c->file, c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A property of exactly n cells: 1 if there, 0 if absent, <0 on error. */
static int cells(struct shm_cfg *c, const char *name, int n, const fdt32_t **out)
{
	int len;

	*out = fdt_getprop(c->fdt, c->node, name, &len);
	if (!*out)
		return len == -FDT_ERR_NOTFOUND ? 0 :
		       shm_fail(c, "property '%s' unreadable", name);
	if (len != 4 * n)
		return shm_fail(c, "property '%s' is %d bytes, need %d (%d cells)",
				name, len, 4 * n, n);
	return 1;
}

static int u64_prop(struct shm_cfg *c, const char *name, bool required, uint64_t *v)
{
	const fdt32_t *p;
	int ret = cells(c, name, 2, &p);

	if (ret < 0)
		return ret;
	if (!ret)
		return required ? shm_fail(c, "property '%s' missing", name) : 0;
	*v = (uint64_t)fdt32_ld(&p[0]) << 32 | fdt32_ld(&p[1]);
	return 1;
}

static int parse_region(struct shm_cfg *c, struct vm_shm *s)
{
	int len;
	const char *p = fdt_getprop(c->fdt, c->node, "region", &len);

	if (!p)
		return shm_fail(c, "property 'region' missing (which shared region?)");
	if (len < 2 || p[len - 1] || strlen(p) + 1 != (size_t)len)
		return shm_fail(c, "property 'region' must be one non-empty string");
	if (len > VM_NAME_LEN)
		return shm_fail(c, "property 'region': name longer than %d characters",
				VM_NAME_LEN - 1);
	for (const char *q = p; *q; q++)
		if (!(*q >= 'a' && *q <= 'z') && !(*q >= '0' && *q <= '9') && *q != '-' && *q != '_')
			return shm_fail(c, "property 'region': \"%s\" is not lower-case letters, digits, '-' and '_'",
					p);
	memcpy(s->region, p, (size_t)len);
	return 0;
}

static int parse_size(struct shm_cfg *c, struct vm_shm *s)
{
	int ret = u64_prop(c, "size", true, &s->size);

	if (ret < 0)
		return ret;
	if (!s->size || !IS_ALIGNED(s->size, SHM_PAGE) || s->size > SHM_MAX_SIZE)
		return shm_fail(c, "property 'size': 0x%llx is not whole 4 KiB pages up to 256 MiB",
				(unsigned long long)s->size);
	return 0;
}

/* One page-aligned range of the guest's view: clear of the 1 TiB limit,
 * RAM, the emulated devices and the passed-through ones. */
static int check_range(struct shm_cfg *c, const struct vm_config *vm, const char *prop,
		       uint64_t ipa, uint64_t size)
{
	const struct guest_window *win;

	if (!IS_ALIGNED(ipa, SHM_PAGE) || size > GUEST_IPA_LIMIT || ipa > GUEST_IPA_LIMIT - size)
		return shm_fail(c, "property '%s': 0x%llx+0x%llx is not 4 KiB aligned below 1 TiB",
				prop, (unsigned long long)ipa, (unsigned long long)size);
	if (ranges_overlap(ipa, size, vm->ram_base, vm->ram_size))
		return shm_fail(c, "property '%s': 0x%llx+0x%llx overlaps the guest's RAM",
				prop, (unsigned long long)ipa, (unsigned long long)size);
	win = guest_window_overlap(ipa, size);
	if (win)
		return shm_fail(c, "property '%s': 0x%llx+0x%llx overlaps %s at 0x%llx",
				prop, (unsigned long long)ipa, (unsigned long long)size,
				win->what, (unsigned long long)win->base);
	for (unsigned k = 0; k < vm->n_passthru; k++) {
		const struct vm_passthru *d = &vm->passthru[k];

		for (unsigned j = 0; j < d->n_regs; j++) {
			uint64_t dipa = d->n_guest_regs ? d->ipa[j] : d->pa[j];

			if (ranges_overlap(ipa, size, dipa, d->size[j]))
				return shm_fail(c, "property '%s': 0x%llx+0x%llx overlaps passed-through device '%s'",
						prop, (unsigned long long)ipa,
						(unsigned long long)size, d->name);
		}
	}
	return 0;
}

static int parse_guest_regs(struct shm_cfg *c, struct vm_config *vm, struct vm_shm *s)
{
	int ret = u64_prop(c, "guest-reg", true, &s->ipa);

	if (ret < 0)
		return ret;
	ret = check_range(c, vm, "guest-reg", s->ipa, s->size);
	if (ret)
		return ret;
	s->doorbell_ipa = s->ipa + s->size;
	ret = u64_prop(c, "doorbell-reg", false, &s->doorbell_ipa);
	if (ret < 0)
		return ret;
	ret = check_range(c, vm, "doorbell-reg", s->doorbell_ipa, SHM_DOORBELL_SIZE);
	if (ret)
		return ret;
	if (ranges_overlap(s->doorbell_ipa, SHM_DOORBELL_SIZE, s->ipa, s->size))
		return shm_fail(c, "property 'doorbell-reg': 0x%llx overlaps the region at 0x%llx+0x%llx",
				(unsigned long long)s->doorbell_ipa,
				(unsigned long long)s->ipa, (unsigned long long)s->size);
	return 0;
}

static int parse_doorbell_irq(struct shm_cfg *c, const struct vm_config *vm, struct vm_shm *s)
{
	const fdt32_t *p;
	int ret = cells(c, "doorbell-interrupt", 1, &p);
	irqid_t g;

	if (ret < 0)
		return ret;
	if (!ret)
		return shm_fail(c, "property 'doorbell-interrupt' missing (the guest SPI its peers raise)");
	g = fdt32_ld(p);
	if (g < GUEST_SPI_MIN || g > GUEST_INTID_MAX)
		return shm_fail(c, "property 'doorbell-interrupt': INTID %u is not one of the guest's SPIs (32..%u)",
				g, GUEST_INTID_MAX);
	if (guest_intid_owner(g))
		return shm_fail(c, "property 'doorbell-interrupt': INTID %u is %s", g,
				guest_intid_owner(g));
	for (unsigned k = 0; k < vm->n_passthru; k++) {
		const struct vm_passthru *d = &vm->passthru[k];

		for (unsigned j = 0; j < d->n_irqs; j++) {
			irqid_t og = d->n_guest_irqs ? d->guest_intid[j] : d->intid[j];

			if (og == g)
				return shm_fail(c, "property 'doorbell-interrupt': INTID %u is also passed-through device '%s''s",
						g, d->name);
		}
	}
	s->doorbell_intid = g;
	return 0;
}

static int parse_read_only(struct shm_cfg *c, struct vm_shm *s)
{
	int len;

	if (!fdt_getprop(c->fdt, c->node, "read-only", &len))
		return 0;
	if (len)
		return shm_fail(c, "property 'read-only' takes no value (write 'read-only;')");
	s->read_only = true;
	return 0;
}

static int check_known(struct shm_cfg *c)
{
	static const char *const known[] = {
		"region", "size", "guest-reg", "doorbell-reg", "doorbell-interrupt",
		"read-only", "phandle", "name",
	};
	const char *name;
	int prop, len;

	fdt_for_each_property_offset(prop, c->fdt, c->node) {
		unsigned i;

		if (!fdt_getprop_by_offset(c->fdt, prop, &name, &len))
			return shm_fail(c, "property unreadable");
		for (i = 0; i < ARRAY_SIZE(known); i++)
			if (!strcmp(name, known[i]))
				break;
		if (i == ARRAY_SIZE(known))
			return shm_fail(c, "unknown property '%s'", name);
	}
	if (fdt_first_subnode(c->fdt, c->node) >= 0)
		return shm_fail(c, "unexpected child node (the shm node has none)");
	return 0;
}

bool vm_config_is_shm_node(const void *fdt, int node)
{
	const char *name = fdt_get_name(fdt, node, NULL);

	return name && !strcmp(name, "shm");
}

int vm_config_parse_shm(const void *fdt, int node, const char *file,
			struct vm_config *vm, char *err, size_t errlen)
{
	struct shm_cfg c = { fdt, file, node, err, errlen };
	struct vm_shm *s = &vm->shm;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = check_known(&c);
	if (!ret)
		ret = parse_region(&c, s);
	if (!ret)
		ret = parse_size(&c, s);
	if (!ret)
		ret = parse_guest_regs(&c, vm, s);
	if (!ret)
		ret = parse_doorbell_irq(&c, vm, s);
	if (!ret)
		ret = parse_read_only(&c, s);
	if (ret)
		return ret;
	vm->has_shm = true;
	return 0;
}

int vm_config_shm_clash(const struct vm_config *a, const struct vm_config *b,
			char *err, size_t errlen)
{
	if (!a->has_shm || !b->has_shm || strcmp(a->shm.region, b->shm.region) ||
	    a->shm.size == b->shm.size)
		return 0;
	snprintf(err, errlen, "%.*s: /%.*s/shm: property 'size': 0x%llx for region '%.*s', but VM /%.*s (%.*s) gives it 0x%llx",
		 VM_FILE_LEN, b->file, VM_NAME_LEN, b->name, (unsigned long long)b->shm.size,
		 VM_NAME_LEN, b->shm.region, VM_NAME_LEN, a->name, VM_FILE_LEN, a->file,
		 (unsigned long long)a->shm.size);
	return -EINVAL;
}
