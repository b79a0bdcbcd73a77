/*
 * A VM's kernel image handed in at run time (virt/vm_image.c): staged in
 * host pages while it arrives, checked (length, SHA-256) when complete, and
 * only then made the image the VM's next start loads. The bundle's image
 * stays the VM's until then, so an interrupted or wrong transfer changes
 * nothing. Sizes are bounded by the VM config's image-max-size.
 */
#ifndef VIRT_VM_IMAGE_H
#define VIRT_VM_IMAGE_H

#include <tandem/sha256.h>
#include <tandem/types.h>

struct vm;

struct vm_image_buf {
	uint8_t *data;		/* host pages */
	unsigned order;
	size_t size;		/* bytes meant */
	size_t have;		/* bytes received (in order) */
	uint8_t want[SHA256_DIGEST_LEN];
	struct sha256 sum;
};

/* Each returns 0 or -errno with one line in err. */
int vm_image_begin(struct vm *vm, size_t size, const char *sha256_hex, char *err, size_t len);
/* hex: the next bytes (two hex digits each) at offset, which must be the
 * number received so far. */
int vm_image_data(struct vm *vm, size_t offset, const char *hex, char *err, size_t len);
int vm_image_commit(struct vm *vm, char *err, size_t len);
void vm_image_abort(struct vm *vm);
/* Back to the bundle's image at the next start. */
int vm_image_drop(struct vm *vm, char *err, size_t len);
/* For loading: the handed-in image, if any (data, size). */
bool vm_image_current(const struct vm *vm, const void **data, size_t *size);
/* On delete. */
void vm_image_free(struct vm *vm);

#endif
