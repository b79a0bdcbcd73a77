/*
 * The `passthrough` node of a VM config: which board devices the VM owns.
 * Each child names one device, by its path in the board DTB (`device`) or
 * by its register ranges (`reg`) and interrupts, and may move it in the
 * guest (`guest-reg`, `guest-interrupts`; 1:1 by default). Binding:
 * docs/vm-config.md, "Passthrough".
 *
 * What the config alone decides is checked here, when the file is parsed
 * (on the build machine too): sizes, alignment, that every interrupt is an
 * SPI, that the guest's view keeps clear of its RAM and of the devices
 * Tandem emulates, and that no device is given to two VMs. What needs the
 * board (is the device there, does the host use it) waits for vm_create()
 * (virt/passthru.c).
 */
#include <virt/vm_config.h>
#include <virt/vm_config_passthru.h>
#include <virt/guest_layout.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#define PT_PAGE			KiB(4)
#define HOST_PA_LIMIT		(1ULL << 48)
#define INTID_SPI_MAX		1019

struct pt_cfg {
	const void *fdt;
	const char *file;
	char *err;
	size_t errlen;
};

static int pt_fail(struct pt_cfg *c, int node, const char *fmt, ...)
	__printf_like(3, 4);

/* "<file>: <node path>: <message>", like the rest of the config parser. */
static int pt_fail(struct pt_cfg *c, int node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vm_config_verr(c->fdt, node, c->file, c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A list of cells, n_per cells an entry, at most max entries. Returns the
 * entry count (0 if absent) or -EINVAL. */
static int cells(struct pt_cfg *c, int node, const char *name, unsigned n_per,
		 unsigned max, const fdt32_t **out)
{
	int len;
	const fdt32_t *p = fdt_getprop(c->fdt, node, name, &len);

	*out = p;
	if (!p)
		return len == -FDT_ERR_NOTFOUND ? 0 :
		       pt_fail(c, node, "property '%s' unreadable", name);
	if (len == 0 || len % (int)(4 * n_per))
		return pt_fail(c, node, "property '%s' is %d bytes, need entries of %u cells",
			       name, len, n_per);
	if ((unsigned)len / (4 * n_per) > max)
		return pt_fail(c, node, "property '%s' has %u entries, the maximum is %u",
			       name, (unsigned)len / (4 * n_per), max);
	return len / (int)(4 * n_per);
}

static uint64_t cell64(const fdt32_t *p)
{
	return (uint64_t)fdt32_ld(&p[0]) << 32 | fdt32_ld(&p[1]);
}

static int parse_device(struct pt_cfg *c, int node, struct vm_passthru *d)
{
	int len;
	const char *p = fdt_getprop(c->fdt, node, "device", &len);

	if (!p)
		return 0;
	if (len < 2 || p[len - 1] || strlen(p) + 1 != (size_t)len || p[0] != '/')
		return pt_fail(c, node, "property 'device' must be one path in the board DTB, like \"/pl031@9010000\"");
	if ((size_t)len > sizeof(d->device))
		return pt_fail(c, node, "property 'device': path longer than %u characters",
			       (unsigned)sizeof(d->device) - 1);
	memcpy(d->device, p, (size_t)len);
	return 0;
}

static int parse_reg(struct pt_cfg *c, int node, struct vm_passthru *d)
{
	const fdt32_t *p;
	int n = cells(c, node, "reg", 4, PT_MAX_REGS, &p);

	if (n < 0)
		return n;
	if (n && d->device[0])
		return pt_fail(c, node, "property 'reg': give 'device' or 'reg', not both");
	if (!n && !d->device[0])
		return pt_fail(c, node, "property 'device' or 'reg' missing (which board device?)");
	for (int i = 0; i < n; i++) {
		uint64_t pa = cell64(&p[4 * i]), size = cell64(&p[4 * i + 2]);

		if (!size || !IS_ALIGNED(pa, PT_PAGE) || !IS_ALIGNED(size, PT_PAGE))
			return pt_fail(c, node, "property 'reg': 0x%llx+0x%llx is not whole 4 KiB pages",
				       (unsigned long long)pa, (unsigned long long)size);
		if (size > HOST_PA_LIMIT || pa > HOST_PA_LIMIT - size)
			return pt_fail(c, node, "property 'reg': 0x%llx+0x%llx ends beyond the 48-bit physical address space",
				       (unsigned long long)pa, (unsigned long long)size);
		d->pa[i] = pa;
		d->size[i] = size;
	}
	d->n_regs = (unsigned)n;
	return 0;
}

static int parse_interrupts(struct pt_cfg *c, int node, struct vm_passthru *d)
{
	const fdt32_t *p;
	int n = cells(c, node, "interrupts", 1, PT_MAX_IRQS, &p);

	if (n < 0)
		return n;
	if (n && d->device[0])
		return pt_fail(c, node, "property 'interrupts': with 'device' they come from the board DTB");
	for (int i = 0; i < n; i++) {
		uint32_t intid = fdt32_ld(&p[i]);

		if (intid < GUEST_SPI_MIN || intid > INTID_SPI_MAX)
			return pt_fail(c, node, "property 'interrupts': INTID %u is not an SPI (32..1019)",
				       intid);
		for (int j = 0; j < i; j++)
			if (d->intid[j] == intid)
				return pt_fail(c, node, "property 'interrupts': INTID %u is listed twice",
					       intid);
		d->intid[i] = intid;
	}
	d->n_irqs = (unsigned)n;
	return 0;
}

static int parse_guest_reg(struct pt_cfg *c, int node, struct vm_passthru *d)
{
	const fdt32_t *p;
	int n = cells(c, node, "guest-reg", 2, PT_MAX_REGS, &p);

	if (n < 0)
		return n;
	if (n && d->n_regs && (unsigned)n != d->n_regs)
		return pt_fail(c, node, "property 'guest-reg' has %d entries, need %u (one per 'reg' range)",
			       n, d->n_regs);
	for (int i = 0; i < n; i++) {
		d->ipa[i] = cell64(&p[2 * i]);
		if (!IS_ALIGNED(d->ipa[i], PT_PAGE) || d->ipa[i] >= GUEST_IPA_LIMIT)
			return pt_fail(c, node, "property 'guest-reg': 0x%llx is not a 4 KiB aligned address below 1 TiB",
				       (unsigned long long)d->ipa[i]);
	}
	d->n_guest_regs = (unsigned)n;
	return 0;
}

static int parse_guest_interrupts(struct pt_cfg *c, int node, struct vm_passthru *d)
{
	const fdt32_t *p;
	int n = cells(c, node, "guest-interrupts", 1, PT_MAX_IRQS, &p);

	if (n < 0)
		return n;
	if (n && d->n_irqs && (unsigned)n != d->n_irqs)
		return pt_fail(c, node, "property 'guest-interrupts' has %d entries, need %u (one per interrupt)",
			       n, d->n_irqs);
	for (int i = 0; i < n; i++)
		d->guest_intid[i] = fdt32_ld(&p[i]);
	d->n_guest_irqs = (unsigned)n;
	return 0;
}

static bool pt_prop_known(const char *name)
{
	static const char *const known[] = {
		"device", "reg", "interrupts", "guest-reg", "guest-interrupts",
		"dma-no-iommu", "phandle", "name",
	};

	for (unsigned i = 0; i < ARRAY_SIZE(known); i++)
		if (!strcmp(name, known[i]))
			return true;
	return false;
}

static int check_known(struct pt_cfg *c, int node)
{
	const char *name;
	int prop, len;

	fdt_for_each_property_offset(prop, c->fdt, node) {
		if (!fdt_getprop_by_offset(c->fdt, prop, &name, &len))
			return pt_fail(c, node, "property unreadable");
		if (!pt_prop_known(name))
			return pt_fail(c, node, "unknown property '%s'", name);
	}
	return 0;
}

/* The final guest view of d, as far as the config knows it. */
int vm_passthru_check_guest(const struct vm_config *vm, const struct vm_passthru *d,
			    unsigned d_index, char *msg, size_t msglen)
{
	unsigned n_regs = d->n_regs, n_irqs = d->n_irqs;

	for (unsigned i = 0; i < n_regs; i++) {
		uint64_t ipa = d->n_guest_regs ? d->ipa[i] : d->pa[i], size = d->size[i];
		const struct guest_window *win;

		if (size > GUEST_IPA_LIMIT || ipa > GUEST_IPA_LIMIT - size)
			return snprintf(msg, msglen, "property 'guest-reg': 0x%llx+0x%llx ends beyond the 1 TiB guest-physical space",
					(unsigned long long)ipa, (unsigned long long)size), -EINVAL;
		if (ranges_overlap(ipa, size, vm->ram_base, vm->ram_size))
			return snprintf(msg, msglen, "property 'guest-reg': 0x%llx+0x%llx overlaps the guest's RAM",
					(unsigned long long)ipa, (unsigned long long)size), -EINVAL;
		win = guest_window_overlap(ipa, size);
		if (win)
			return snprintf(msg, msglen, "property 'guest-reg': 0x%llx+0x%llx overlaps %s at 0x%llx",
					(unsigned long long)ipa, (unsigned long long)size,
					win->what, (unsigned long long)win->base), -EINVAL;
		for (unsigned k = 0; k < d_index; k++) {
			const struct vm_passthru *o = &vm->passthru[k];

			for (unsigned j = 0; j < o->n_regs; j++) {
				uint64_t oipa = o->n_guest_regs ? o->ipa[j] : o->pa[j];

				if (ranges_overlap(ipa, size, oipa, o->size[j]))
					return snprintf(msg, msglen, "property 'guest-reg': 0x%llx+0x%llx overlaps device '%s' in the guest",
							(unsigned long long)ipa, (unsigned long long)size,
							o->name), -EINVAL;
			}
		}
	}
	for (unsigned i = 0; i < n_irqs; i++) {
		irqid_t g = d->n_guest_irqs ? d->guest_intid[i] : d->intid[i];

		if (g < GUEST_SPI_MIN || g > GUEST_INTID_MAX)
			return snprintf(msg, msglen, "property 'guest-interrupts': INTID %u is not one of the guest's SPIs (32..%u)",
					g, GUEST_INTID_MAX), -EINVAL;
		if (guest_intid_owner(g))
			return snprintf(msg, msglen, "property 'guest-interrupts': INTID %u is %s", g,
					guest_intid_owner(g)), -EINVAL;
		for (unsigned k = 0; k <= d_index; k++) {
			const struct vm_passthru *o = &vm->passthru[k];

			for (unsigned j = 0; j < (k == d_index ? i : o->n_irqs); j++) {
				irqid_t og = o->n_guest_irqs ? o->guest_intid[j] : o->intid[j];

				if (og == g)
					return snprintf(msg, msglen, "property 'guest-interrupts': INTID %u is also device '%s''s in the guest",
							g, o->name), -EINVAL;
			}
		}
	}
	return 0;
}

static int parse_one(struct pt_cfg *c, int node, struct vm_config *vm, struct vm_passthru *d)
{
	char msg[160];
	const char *name;
	int len, ret;

	memset(d, 0, sizeof(*d));
	name = fdt_get_name(c->fdt, node, &len);
	if (!name || len < 1 || len >= VM_NAME_LEN)
		return pt_fail(c, node, "node name has %d characters, need 1..%d", len,
			       VM_NAME_LEN - 1);
	memcpy(d->name, name, (size_t)len);
	if (fdt_first_subnode(c->fdt, node) >= 0)
		return pt_fail(c, node, "unexpected child node (a device node has none)");
	ret = check_known(c, node);
	if (!ret)
		ret = parse_device(c, node, d);
	if (!ret)
		ret = parse_reg(c, node, d);
	if (!ret)
		ret = parse_interrupts(c, node, d);
	if (!ret)
		ret = parse_guest_reg(c, node, d);
	if (!ret)
		ret = parse_guest_interrupts(c, node, d);
	if (ret)
		return ret;
	if (fdt_getprop(c->fdt, node, "dma-no-iommu", &len)) {
		if (len)
			return pt_fail(c, node, "property 'dma-no-iommu' takes no value (write 'dma-no-iommu;')");
		d->dma_no_iommu = true;
	}
	if (!d->device[0] && d->n_guest_irqs && !d->n_irqs)
		return pt_fail(c, node, "property 'guest-interrupts' without 'interrupts'");
	if (vm_passthru_check_guest(vm, d, (unsigned)(d - vm->passthru), msg, sizeof(msg)))
		return pt_fail(c, node, "%s", msg);
	return 0;
}

bool vm_config_is_passthru_node(const void *fdt, int node)
{
	const char *name = fdt_get_name(fdt, node, NULL);

	return name && !strcmp(name, "passthrough");
}

int vm_config_parse_passthru(const void *fdt, int node, const char *file,
			     struct vm_config *vm, char *err, size_t errlen)
{
	struct pt_cfg c = { fdt, file, err, errlen };
	int sub, ret;

	fdt_for_each_property_offset(sub, fdt, node) {
		const char *name = "";
		int len;

		fdt_getprop_by_offset(fdt, sub, &name, &len);
		if (strcmp(name, "phandle") && strcmp(name, "name"))
			return pt_fail(&c, node, "unknown property '%s' (devices are child nodes)",
				       name);
	}
	fdt_for_each_subnode(sub, fdt, node) {
		if (vm->n_passthru == VM_MAX_PASSTHRU)
			return pt_fail(&c, sub, "more than %u passed-through devices", VM_MAX_PASSTHRU);
		ret = parse_one(&c, sub, vm, &vm->passthru[vm->n_passthru]);
		if (ret)
			return ret;
		vm->n_passthru++;
	}
	return 0;
}

/* Does b's device d clash with one of a's? */
static int clash(const struct vm_config *a, const struct vm_config *b,
		 const struct vm_passthru *d, char *err, size_t errlen)
{
	for (unsigned k = 0; k < a->n_passthru; k++) {
		const struct vm_passthru *o = &a->passthru[k];
		const char *what = NULL;
		char buf[64];

		if (d->device[0] && !strcmp(d->device, o->device)) {
			what = "device";
			snprintf(buf, sizeof(buf), "'%s'", d->device);
		}
		for (unsigned i = 0; !what && i < d->n_regs; i++)
			for (unsigned j = 0; !what && j < o->n_regs; j++)
				if (ranges_overlap(d->pa[i], d->size[i], o->pa[j], o->size[j])) {
					what = "reg";
					snprintf(buf, sizeof(buf), "0x%llx+0x%llx",
						 (unsigned long long)d->pa[i],
						 (unsigned long long)d->size[i]);
				}
		for (unsigned i = 0; !what && i < d->n_irqs; i++)
			for (unsigned j = 0; !what && j < o->n_irqs; j++)
				if (d->intid[i] == o->intid[j]) {
					what = "interrupts";
					snprintf(buf, sizeof(buf), "INTID %u", d->intid[i]);
				}
		if (what) {
			snprintf(err, errlen, "%.*s: /%.*s/passthrough/%.*s: property '%s': %s is already given to VM /%.*s/passthrough/%.*s (%.*s)",
				 VM_FILE_LEN, b->file, VM_NAME_LEN, b->name, VM_NAME_LEN, d->name,
				 what, buf, VM_NAME_LEN, a->name, VM_NAME_LEN, o->name,
				 VM_FILE_LEN, a->file);
			return -EBUSY;
		}
	}
	return 0;
}

int vm_config_passthru_clash(const struct vm_config *a, const struct vm_config *b,
			     char *err, size_t errlen)
{
	for (unsigned i = 0; i < b->n_passthru; i++) {
		int ret = clash(a, b, &b->passthru[i], err, errlen);

		if (ret)
			return ret;
	}
	return 0;
}
