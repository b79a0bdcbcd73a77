/*
 * Reading a cpio "newc" archive in memory: the boot bundle of VM configs and
 * guest images that the loader (QEMU -initrd, U-Boot) places in RAM.
 */
#ifndef TANDEM_CPIO_H
#define TANDEM_CPIO_H

#include <tandem/types.h>

struct cpio_file {
	const char *name;	/* NUL-terminated inside the archive */
	const void *data;
	size_t size;
};

/* Iterate: *pos starts at 0; returns 1 with *f filled, 0 at the end
 * (TRAILER!!!), -EINVAL on a malformed or truncated archive. Regular files
 * only; directories are skipped. */
int cpio_next(const void *archive, size_t size, size_t *pos, struct cpio_file *f);
/* Find a file by exact name: 0, -ENOENT, or -EINVAL. */
int cpio_find(const void *archive, size_t size, const char *name, struct cpio_file *f);

#endif
