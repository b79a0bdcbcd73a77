/*
 * The boot bundle: a cpio archive the loader places in RAM next to Tandem
 * (QEMU -initrd, U-Boot's initrd address; found through /chosen
 * linux,initrd-start/end). It holds compiled VM configs (configs/ *.dtb) and
 * the guest images they name. Images are only ever read from it, so every
 * VM start boots a pristine copy.
 */
#ifndef VIRT_BUNDLE_H
#define VIRT_BUNDLE_H

#include <tandem/cpio.h>
#include <virt/vm_config.h>

/* Find the bundle in the board DTB and parse every config in it. Returns
 * the number of VM configs, or -errno (no bundle: 0 configs, not an error). */
int bundle_init(const void *dtb, paddr_t *start, paddr_t *end);
int bundle_load_configs(void);
int bundle_find(const char *name, struct cpio_file *f);
unsigned bundle_config_count(void);
const struct vm_config *bundle_config(unsigned i);
const struct vm_config *bundle_config_by_name(const char *name);

#endif
