/*
 * What a virtio device of type "net" adds to the common virtio
 * properties: which network its card plugs into (every card naming the
 * same `network`, in any VM, is on one switch, virt/vnet.c) and its MAC.
 * Binding: docs/vm-config.md, "Network".
 *
 * Checked here: the network's name; the MAC six bytes, unicast, not zero,
 * and not another card's on the same network in this VM. The same MAC in
 * two VMs on one network is vm_config_check_set()'s (they may come from
 * different files).
 */
#include <virt/vm_config.h>
#include <virt/vm_config_vnet.h>

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

static uint32_t fnv1a(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

void vm_config_vnet_default_mac(const char *vm_name, const char *dev_name, uint8_t mac[6])
{
	uint32_t h = fnv1a(fnv1a(fnv1a(2166136261u, vm_name), "/"), dev_name);

	mac[0] = 0x02;			/* locally administered, unicast */
	mac[1] = 0x54;
	mac[2] = (uint8_t)(h >> 24);
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

static int parse_network(struct vnet_cfg *c, struct vm_virtio *d)
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
	memcpy(d->network, p, (size_t)len);
	return 0;
}

static int parse_mac(struct vnet_cfg *c, const struct vm_config *vm, struct vm_virtio *d)
{
	static const uint8_t zero[6];
	int len;
	const uint8_t *p = fdt_getprop(c->fdt, c->node, "mac", &len);

	if (!p) {
		if (len != -FDT_ERR_NOTFOUND)
			return vnet_fail(c, "property 'mac' unreadable");
		vm_config_vnet_default_mac(vm->name, d->name, d->mac);
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
	memcpy(d->mac, p, 6);
	return 0;
}

/* allow-mac-spoofing: an empty property. */
static int parse_spoofing(struct vnet_cfg *c, struct vm_virtio *d)
{
	int len;

	if (!fdt_getprop(c->fdt, c->node, "allow-mac-spoofing", &len))
		return 0;
	if (len)
		return vnet_fail(c, "property 'allow-mac-spoofing' takes no value (write 'allow-mac-spoofing;')");
	d->allow_mac_spoofing = true;
	return 0;
}

static bool same_card_address(const struct vm_virtio *a, const struct vm_virtio *b)
{
	return a->type == VM_VIRTIO_NET && b->type == VM_VIRTIO_NET &&
	       !strcmp(a->network, b->network) && !memcmp(a->mac, b->mac, 6);
}

int vm_config_parse_vnet(const void *fdt, int node, const char *file,
			 const struct vm_config *vm, struct vm_virtio *d, char *err,
			 size_t errlen)
{
	struct vnet_cfg c = { fdt, file, node, err, errlen };
	int ret = parse_network(&c, d);

	if (!ret)
		ret = parse_mac(&c, vm, d);
	if (!ret)
		ret = parse_spoofing(&c, d);
	if (ret)
		return ret;
	d->type = VM_VIRTIO_NET;
	for (unsigned k = 0; k < vm->n_virtio; k++)
		if (&vm->virtio[k] != d && same_card_address(&vm->virtio[k], d))
			return vnet_fail(&c, "property 'mac': the same as device '%s''s on network '%s'",
					 vm->virtio[k].name, d->network);
	return 0;
}

int vm_config_vnet_clash(const struct vm_config *a, const struct vm_config *b,
			 char *err, size_t errlen)
{
	for (unsigned i = 0; i < a->n_virtio; i++)
		for (unsigned j = 0; j < b->n_virtio; j++) {
			const struct vm_virtio *x = &a->virtio[i], *y = &b->virtio[j];
			const uint8_t *m = y->mac;

			if (!same_card_address(x, y))
				continue;
			snprintf(err, errlen, "%.*s: /%.*s/virtio/%.*s: property 'mac': %02x:%02x:%02x:%02x:%02x:%02x is also VM /%.*s's (%.*s) on network '%.*s'",
				 VM_FILE_LEN, b->file, VM_NAME_LEN, b->name, VM_NAME_LEN, y->name,
				 m[0], m[1], m[2], m[3], m[4], m[5], VM_NAME_LEN, a->name,
				 VM_FILE_LEN, a->file, VM_NAME_LEN, y->network);
			return -EINVAL;
		}
	return 0;
}
