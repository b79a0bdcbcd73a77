/*
 * The `virtio-net` node of a VM config: which network the VM's card plugs
 * into (every VM naming the same `network` is on one switch,
 * virt/vnet.c), its MAC, and where the guest finds the virtio-mmio
 * transport and its interrupt. Binding: docs/vm-config.md, "Network".
 *
 * Checked here: the names and values, that the transport window keeps
 * clear of RAM, of the emulated devices, of the passed-through devices
 * and of the shared region, and that the SPI is free. Two VMs with one
 * MAC on one network are vm_config_check_set()'s (they may come from
 * different files).
 */
#include <virt/vm_config.h>
#include <virt/vm_config_vnet.h>
#include <virt/guest_layout.h>
#include <virt/shm_doorbell_regs.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

struct vnet_cfg {
	const void *fdt;
	const char *file;
	int node;
	char *err;
	size_t errlen;
};

static int vnet_fail(struct vnet_cfg *c, const char *fmt, ...) __printf_like(2, 3);

static int vnet_fail(struct vnet_cfg *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vm_config_verr(c->fdt, c->node, c->file, c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

void vm_config_vnet_default_mac(const char *vm_name, uint8_t mac[6])
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (const char *p = vm_name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	mac[0] = 0x02;			/* locally administered, unicast */
	mac[1] = 0x54;
	mac[2] = (uint8_t)(h >> 24);
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

static int parse_network(struct vnet_cfg *c, struct vm_vnet *n)
{
	int len;
	const char *p = fdt_getprop(c->fdt, c->node, "network", &len);

	if (!p)
		return vnet_fail(c, "property 'network' missing (which network?)");
	if (len < 2 || p[len - 1] || strlen(p) + 1 != (size_t)len)
		return vnet_fail(c, "property 'network' must be one non-empty string");
	if (len > VM_NAME_LEN)
		return vnet_fail(c, "property 'network': name longer than %d characters",
				 VM_NAME_LEN - 1);
	for (const char *q = p; *q; q++)
		if (!(*q >= 'a' && *q <= 'z') && !(*q >= '0' && *q <= '9') && *q != '-' && *q != '_')
			return vnet_fail(c, "property 'network': \"%s\" is not lower-case letters, digits, '-' and '_'",
					 p);
	memcpy(n->network, p, (size_t)len);
	return 0;
}

static int parse_mac(struct vnet_cfg *c, const struct vm_config *vm, struct vm_vnet *n)
{
	static const uint8_t zero[6];
	int len;
	const uint8_t *p = fdt_getprop(c->fdt, c->node, "mac", &len);

	if (!p) {
		if (len != -FDT_ERR_NOTFOUND)
			return vnet_fail(c, "property 'mac' unreadable");
		vm_config_vnet_default_mac(vm->name, n->mac);
		return 0;
	}
	if (len != 6)
		return vnet_fail(c, "property 'mac' is %d bytes, need 6 (mac = [02 00 00 00 00 01];)",
				 len);
	if (p[0] & 1)
		return vnet_fail(c, "property 'mac': %02x:%02x:%02x:%02x:%02x:%02x is a group address, not a card's",
				 p[0], p[1], p[2], p[3], p[4], p[5]);
	if (!memcmp(p, zero, 6))
		return vnet_fail(c, "property 'mac': 00:00:00:00:00:00 is no address");
	memcpy(n->mac, p, 6);
	return 0;
}

static int parse_reg(struct vnet_cfg *c, const struct vm_config *vm, struct vm_vnet *n)
{
	const uint64_t size = GUEST_VIRTIO_MMIO_SIZE;
	const struct guest_window *win;
	const fdt32_t *p;
	int len;

	n->ipa = GUEST_VNET_BASE;
	p = fdt_getprop(c->fdt, c->node, "guest-reg", &len);
	if (p && len != 8)
		return vnet_fail(c, "property 'guest-reg' is %d bytes, need 8 (two cells: <high low>)",
				 len);
	if (p)
		n->ipa = (uint64_t)fdt32_ld(&p[0]) << 32 | fdt32_ld(&p[1]);
	if (!IS_ALIGNED(n->ipa, size) || n->ipa > GUEST_IPA_LIMIT - size)
		return vnet_fail(c, "property 'guest-reg': 0x%llx is not 0x200 aligned below 1 TiB",
				 (unsigned long long)n->ipa);
	if (overlap(n->ipa, size, vm->ram_base, vm->ram_size))
		return vnet_fail(c, "property 'guest-reg': 0x%llx overlaps the guest's RAM",
				 (unsigned long long)n->ipa);
	win = guest_window_overlap(n->ipa, size);
	if (win)
		return vnet_fail(c, "property 'guest-reg': 0x%llx overlaps %s at 0x%llx",
				 (unsigned long long)n->ipa, win->what, (unsigned long long)win->base);
	for (unsigned k = 0; k < vm->n_passthru; k++) {
		const struct vm_passthru *d = &vm->passthru[k];

		for (unsigned j = 0; j < d->n_regs; j++) {
			uint64_t dipa = d->n_guest_regs ? d->ipa[j] : d->pa[j];

			/* A passed-through range is mapped by whole pages. */
			if (overlap(n->ipa, size, ALIGN_DOWN(dipa, KiB(4)),
				    ALIGN_UP(dipa + d->size[j], KiB(4)) - ALIGN_DOWN(dipa, KiB(4))))
				return vnet_fail(c, "property 'guest-reg': 0x%llx overlaps passed-through device '%s'",
						 (unsigned long long)n->ipa, d->name);
		}
	}
	if (vm->has_shm && (overlap(n->ipa, size, vm->shm.ipa, vm->shm.size) ||
			    overlap(n->ipa, size, vm->shm.doorbell_ipa, SHM_DOORBELL_SIZE)))
		return vnet_fail(c, "property 'guest-reg': 0x%llx overlaps shared region '%s' or its doorbell",
				 (unsigned long long)n->ipa, vm->shm.region);
	return 0;
}

static int parse_irq(struct vnet_cfg *c, const struct vm_config *vm, struct vm_vnet *n)
{
	const fdt32_t *p;
	int len;
	irqid_t g = GUEST_VNET_INTID;

	p = fdt_getprop(c->fdt, c->node, "interrupt", &len);
	if (p && len != 4)
		return vnet_fail(c, "property 'interrupt' is %d bytes, need 4 (one cell)", len);
	if (p)
		g = fdt32_ld(p);
	if (g < GUEST_SPI_MIN || g > GUEST_INTID_MAX)
		return vnet_fail(c, "property 'interrupt': INTID %u is not one of the guest's SPIs (32..%u)",
				 g, GUEST_INTID_MAX);
	if (g == GUEST_UART_INTID)
		return vnet_fail(c, "property 'interrupt': INTID %u is the guest's vPL011", g);
	for (unsigned k = 0; k < vm->n_passthru; k++) {
		const struct vm_passthru *d = &vm->passthru[k];

		for (unsigned j = 0; j < d->n_irqs; j++)
			if ((d->n_guest_irqs ? d->guest_intid[j] : d->intid[j]) == g)
				return vnet_fail(c, "property 'interrupt': INTID %u is also passed-through device '%s''s",
						 g, d->name);
	}
	if (vm->has_shm && vm->shm.doorbell_intid == g)
		return vnet_fail(c, "property 'interrupt': INTID %u is also the doorbell of shared region '%s'",
				 g, vm->shm.region);
	n->intid = g;
	return 0;
}

static int check_known(struct vnet_cfg *c)
{
	static const char *const known[] = {
		"network", "mac", "guest-reg", "interrupt", "phandle", "name",
	};
	const char *name;
	int prop, len;

	fdt_for_each_property_offset(prop, c->fdt, c->node) {
		unsigned i;

		if (!fdt_getprop_by_offset(c->fdt, prop, &name, &len))
			return vnet_fail(c, "property unreadable");
		for (i = 0; i < ARRAY_SIZE(known); i++)
			if (!strcmp(name, known[i]))
				break;
		if (i == ARRAY_SIZE(known))
			return vnet_fail(c, "unknown property '%s'", name);
	}
	if (fdt_first_subnode(c->fdt, c->node) >= 0)
		return vnet_fail(c, "unexpected child node (the virtio-net node has none)");
	return 0;
}

bool vm_config_is_vnet_node(const void *fdt, int node)
{
	const char *name = fdt_get_name(fdt, node, NULL);

	return name && !strcmp(name, "virtio-net");
}

int vm_config_parse_vnet(const void *fdt, int node, const char *file,
			 struct vm_config *vm, char *err, size_t errlen)
{
	struct vnet_cfg c = { fdt, file, node, err, errlen };
	struct vm_vnet *n = &vm->vnet;
	int ret;

	memset(n, 0, sizeof(*n));
	ret = check_known(&c);
	if (!ret)
		ret = parse_network(&c, n);
	if (!ret)
		ret = parse_mac(&c, vm, n);
	if (!ret)
		ret = parse_reg(&c, vm, n);
	if (!ret)
		ret = parse_irq(&c, vm, n);
	if (ret)
		return ret;
	vm->has_vnet = true;
	return 0;
}

int vm_config_vnet_clash(const struct vm_config *a, const struct vm_config *b,
			 char *err, size_t errlen)
{
	const uint8_t *m = b->vnet.mac;

	if (!a->has_vnet || !b->has_vnet || strcmp(a->vnet.network, b->vnet.network) ||
	    memcmp(a->vnet.mac, b->vnet.mac, 6))
		return 0;
	snprintf(err, errlen, "%.*s: /%.*s/virtio-net: property 'mac': %02x:%02x:%02x:%02x:%02x:%02x is VM /%.*s's (%.*s) on network '%.*s' too",
		 VM_FILE_LEN, b->file, VM_NAME_LEN, b->name, m[0], m[1], m[2], m[3], m[4], m[5],
		 VM_NAME_LEN, a->name, VM_FILE_LEN, a->file, VM_NAME_LEN, b->vnet.network);
	return -EINVAL;
}
