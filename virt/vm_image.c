/*
 * Kernel images handed in at run time (include/virt/vm_image.h). Callers
 * are the shell's commands, which run one at a time (shell_commands_lock);
 * the swap to a new image happens under the VM's life_lock and only in a
 * stable state, so a start that is loading the old image never sees it
 * freed under it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/page_alloc.h>
#include <virt/vm.h>
#include <virt/vm_image.h>

#define ERR(...) snprintf(err, len, __VA_ARGS__)

static void buf_free(struct vm_image_buf *b)
{
	if (!b)
		return;
	page_free(b->data, b->order);
	free(b);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void vm_image_abort(struct vm *vm)
{
	buf_free(vm->image_stage);
	vm->image_stage = NULL;
}

int vm_image_begin(struct vm *vm, size_t size, const char *sha256_hex, char *err, size_t len)
{
	struct vm_image_buf *b;

	if (!vm->cfg.image_max)
		return ERR("VM '%s' takes no images at run time (its config has no image-max-size)",
			   vm->name), -EPERM;
	if (!size || size > vm->cfg.image_max)
		return ERR("an image of %zu bytes: VM '%s' takes 1..%llu", size, vm->name,
			   (unsigned long long)vm->cfg.image_max), -EINVAL;
	if (strlen(sha256_hex) != 2 * SHA256_DIGEST_LEN)
		return ERR("the SHA-256 must be 64 hex digits"), -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return ERR("out of memory"), -ENOMEM;
	for (unsigned i = 0; i < SHA256_DIGEST_LEN; i++) {
		int hi = hexval(sha256_hex[2 * i]), lo = hexval(sha256_hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(b);
			return ERR("the SHA-256 must be 64 hex digits"), -EINVAL;
		}
		b->want[i] = (uint8_t)(hi << 4 | lo);
	}
	b->order = page_order_for(size);
	b->data = page_alloc(b->order);
	if (!b->data) {
		free(b);
		return ERR("no %zu bytes of host memory for the image", size), -ENOMEM;
	}
	b->size = size;
	sha256_init(&b->sum);
	vm_image_abort(vm);	/* a transfer begun again starts over */
	vm->image_stage = b;
	return 0;
}

int vm_image_data(struct vm *vm, size_t offset, const char *hex, char *err, size_t len)
{
	struct vm_image_buf *b = vm->image_stage;
	size_t n = strlen(hex) / 2;

	if (!b)
		return ERR("no image transfer in progress for VM '%s' (image begin first)",
			   vm->name), -EINVAL;
	if (offset != b->have)
		return ERR("data at offset %zu, expected %zu", offset, b->have), -EINVAL;
	if (strlen(hex) % 2 || n > b->size - b->have)
		return ERR("%zu hex digits at offset %zu: past the image's %zu bytes or odd",
			   strlen(hex), offset, b->size), -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return ERR("a byte that is not two hex digits at %zu", offset + i), -EINVAL;
		b->data[b->have + i] = (uint8_t)(hi << 4 | lo);
	}
	sha256_update(&b->sum, b->data + b->have, n);
	b->have += n;
	return 0;
}

int vm_image_commit(struct vm *vm, char *err, size_t len)
{
	struct vm_image_buf *b = vm->image_stage, *old;
	uint8_t got[SHA256_DIGEST_LEN];
	k_spinlock_key_t key;

	if (!b)
		return ERR("no image transfer in progress for VM '%s'", vm->name), -EINVAL;
	if (b->have != b->size)
		return ERR("the image has %zu of its %zu bytes", b->have, b->size), -EINVAL;
	sha256_final(&b->sum, got);
	if (memcmp(got, b->want, sizeof(got))) {
		vm_image_abort(vm);
		return ERR("SHA-256 mismatch: the image is dropped, the old one stays"), -EINVAL;
	}
	key = k_spin_lock(&vm->life_lock);
	if (!vm_state_stable(vm->state)) {
		k_spin_unlock(&vm->life_lock, key);
		return ERR("VM '%s' is %s: commit again when it is done", vm->name,
			   vm_state_name(vm->state)), -EBUSY;
	}
	old = vm->image_live;
	vm->image_live = b;
	vm->image_stage = NULL;
	k_spin_unlock(&vm->life_lock, key);
	buf_free(old);
	return 0;
}

int vm_image_drop(struct vm *vm, char *err, size_t len)
{
	struct vm_image_buf *old;
	k_spinlock_key_t key = k_spin_lock(&vm->life_lock);

	if (!vm_state_stable(vm->state)) {
		k_spin_unlock(&vm->life_lock, key);
		return ERR("VM '%s' is %s: drop again when it is done", vm->name,
			   vm_state_name(vm->state)), -EBUSY;
	}
	old = vm->image_live;
	vm->image_live = NULL;
	k_spin_unlock(&vm->life_lock, key);
	buf_free(old);
	return 0;
}

bool vm_image_current(const struct vm *vm, const void **data, size_t *size)
{
	const struct vm_image_buf *b = vm->image_live;

	if (!b)
		return false;
	*data = b->data;
	*size = b->size;
	return true;
}

void vm_image_free(struct vm *vm)
{
	vm_image_abort(vm);
	buf_free(vm->image_live);
	vm->image_live = NULL;
}
