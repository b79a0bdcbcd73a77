/*
 * A virtio-blk device for a VM, from its config: the image found in the
 * boot bundle, a chunk table sized for it, written chunks as host pages
 * (4 KiB each, from the page allocator, so `mem` shows them held and
 * given back), all the VM's disks together at most its block-write-quota
 * (docs/vm-config.md). Requests are served in virtio_blk.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/page_alloc.h>
#include <virt/bundle.h>
#include <virt/virtio_blk.h>
#include <virt/virtio_vm.h>
#include <virt/vm.h>

struct blk_vm {
	struct virtio_blk blk;
	unsigned table_order;
};

static void *chunk_alloc(void)
{
	return page_alloc(page_order_for(VIRTIO_BLK_CHUNK));
}

static void chunk_free(void *p)
{
	page_free(p, page_order_for(VIRTIO_BLK_CHUNK));
}

static struct virtio_mmio *blk_create(struct vm *vm, const struct vm_virtio *c, char *err,
				      size_t errlen)
{
	struct cpio_file f;
	struct blk_vm *d;
	struct virtio_mmio *t;
	uint8_t **table;
	uint64_t n_chunks;
	char id[VIRTIO_BLK_ID_LEN + 1];

	if (bundle_find(c->image, &f)) {
		snprintf(err, errlen, "%s: /%s/virtio/%s: property 'image': '%s' is not in the boot bundle",
			 vm->cfg.file, vm->name, c->name, c->image);
		return NULL;
	}
	if (f.size < VIRTIO_BLK_SECTOR) {
		snprintf(err, errlen, "%s: /%s/virtio/%s: property 'image': '%s' is %zu bytes, less than a sector",
			 vm->cfg.file, vm->name, c->name, c->image, f.size);
		return NULL;
	}
	n_chunks = DIV_ROUND_UP((uint64_t)f.size, VIRTIO_BLK_CHUNK);
	d = calloc(1, sizeof(*d));
	if (!d)
		goto nomem;
	d->table_order = page_order_for(n_chunks * sizeof(*table));
	table = page_alloc_zeroed(d->table_order);
	if (!table) {
		free(d);
		goto nomem;
	}
	snprintf(id, sizeof(id), "tandem-%s", c->name);
	virtio_blk_setup(&d->blk, f.data, f.size, c->read_only, id, table, chunk_alloc, chunk_free);
	d->blk.quota_held = &vm->blk_chunks_held;
	d->blk.quota_chunks = vm->cfg.blk_write_quota / VIRTIO_BLK_CHUNK;
	t = virtio_mmio_create(vm, c->name, c->ipa, c->intid, virtio_blk_ops(c->read_only), &d->blk);
	if (!t) {
		page_free(table, d->table_order);
		free(d);
		snprintf(err, errlen, "VM '%s': virtio device '%s': no room on its MMIO bus",
			 vm->name, c->name);
	}
	return t;
nomem:
	snprintf(err, errlen, "VM '%s': virtio device '%s': out of memory for a %zu-byte disk",
		 vm->name, c->name, f.size);
	return NULL;
}

static void blk_destroy(struct virtio_mmio *t)
{
	struct blk_vm *d = container_of((struct virtio_blk *)t->dev, struct blk_vm, blk);

	virtio_blk_drop_writes(&d->blk);
	page_free(d->blk.chunk, d->table_order);
	virtio_mmio_destroy(t);
	free(d);
}

static void blk_info(struct virtio_mmio *t, char *buf, size_t len)
{
	const struct virtio_blk *b = t->dev;

	snprintf(buf, len, "%llu sectors%s, %llu KiB written in RAM, %llu reads %llu writes %llu errors",
		 (unsigned long long)b->capacity, b->read_only ? " (read-only)" : "",
		 (unsigned long long)(b->chunks_held * VIRTIO_BLK_CHUNK / 1024),
		 (unsigned long long)b->reads, (unsigned long long)b->writes,
		 (unsigned long long)b->errors);
}

const struct virtio_backend virtio_blk_backend = {
	VM_VIRTIO_BLOCK, blk_create, blk_destroy, blk_info,
};
