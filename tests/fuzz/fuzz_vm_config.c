/*
 * Fuzz target for the VM config parser (virt/vm_config.c) on arbitrary DTB
 * blobs, passed as the boot bundle passes them (an 8-byte aligned copy of
 * exactly the file's size, after fdt_check_header() and a totalsize that
 * fits). Whatever the blob, the parser must return 0 with every config
 * within the binding's limits (docs/vm-config.md), or an error with one
 * printable line naming the file; then vm_config_check_set() runs on what
 * it accepted. The last input byte picks the host's CPU count (1..8).
 */
#include <errno.h>
#include <string.h>

#include <libfdt.h>
#include <virt/vm_config.h>
#include "fuzz_input.h"

#define MAX_CFGS	8

static void check_str(const char *s, size_t len, const char *what)
{
	FUZZ_CHECK(memchr(s, 0, len), "%s not NUL-terminated", what);
}

static void check_cfg(const struct vm_config *c, unsigned cpus)
{
	size_t n = strnlen(c->name, VM_NAME_LEN);

	FUZZ_CHECK(n >= 1 && n < VM_NAME_LEN, "name length %zu", n);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK((c->name[i] >= 'a' && c->name[i] <= 'z') ||
			   (c->name[i] >= '0' && c->name[i] <= '9') ||
			   c->name[i] == '_' || c->name[i] == '-', "name byte 0x%x",
			   (unsigned char)c->name[i]);
	check_str(c->file, VM_FILE_LEN, "file");
	check_str(c->kernel, VM_FILE_LEN, "kernel");
	FUZZ_CHECK(c->kernel[0], "empty kernel accepted");
	check_str(c->initrd, VM_FILE_LEN, "initrd");
	check_str(c->bootargs, VM_BOOTARGS_LEN, "bootargs");
	FUZZ_CHECK(c->n_vcpus >= 1 && c->n_vcpus <= VM_MAX_VCPUS, "vcpus %u", c->n_vcpus);
	FUZZ_CHECK(c->ram_size >= MiB(2) && !(c->ram_size % MiB(2)), "ram size 0x%llx",
		   (unsigned long long)c->ram_size);
	FUZZ_CHECK(!(c->ram_base % MiB(2)) && c->ram_base >= 0x40000000ULL &&
		   c->ram_base + c->ram_size <= (1ULL << 40) && c->ram_base + c->ram_size > c->ram_base,
		   "RAM 0x%llx+0x%llx", (unsigned long long)c->ram_base,
		   (unsigned long long)c->ram_size);
	FUZZ_CHECK(!(c->ram_phys % MiB(2)) && c->ram_phys + c->ram_size <= (1ULL << 48),
		   "phys 0x%llx", (unsigned long long)c->ram_phys);
	FUZZ_CHECK(c->format <= VM_IMAGE_RAW, "format %d", c->format);
	if (c->format == VM_IMAGE_RAW) {
		FUZZ_CHECK(c->load_addr >= c->ram_base && c->load_addr - c->ram_base < c->ram_size,
			   "load-address outside RAM");
		FUZZ_CHECK(c->entry >= c->ram_base && c->entry - c->ram_base < c->ram_size &&
			   !(c->entry & 3), "entry 0x%llx", (unsigned long long)c->entry);
	} else {
		FUZZ_CHECK(!c->load_addr && !c->entry, "load/entry for a non-raw image");
	}
	for (unsigned i = 0; i < c->n_vcpus; i++) {
		FUZZ_CHECK(c->vcpu_cpu[i] < cpus, "vcpu %u on core %u of %u", i, c->vcpu_cpu[i], cpus);
		FUZZ_CHECK(c->vcpu_prio[i] >= 0 && c->vcpu_prio[i] <= 31, "prio %d", c->vcpu_prio[i]);
	}
}

static void check_err(const char *err, size_t len)
{
	size_t n = strnlen(err, len);

	FUZZ_CHECK(n > 0 && n < len, "error message of %zu bytes", n);
	/* One line: no C0 control or DEL (bytes >= 0x80 pass, as UTF-8 would). */
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)err[i] >= 0x20 && err[i] != 0x7f, "byte 0x%x in \"%s\"",
			   (unsigned char)err[i], err);
	FUZZ_CHECK(!strncmp(err, "fuzz.dtb", 8), "message does not name the file: %s", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vm_config cfgs[MAX_CFGS];
	unsigned cpus = size ? 1 + data[size - 1] % 8 : 4, count = 99;
	char err[200];
	void *blob;
	int ret;

	if (size < sizeof(struct fdt_header))
		return 0;
	blob = malloc(size);		/* malloc's alignment is at least 8 */
	memcpy(blob, data, size);
	if (fdt_check_header(blob) || fdt_totalsize(blob) > size) {
		free(blob);
		return 0;		/* the bundle refuses these before parsing */
	}
	memset(err, 0x55, sizeof(err));
	ret = vm_config_parse(blob, "fuzz.dtb", cpus, cfgs, MAX_CFGS, &count, err, sizeof(err));
	if (ret) {
		FUZZ_CHECK(ret == -EINVAL || ret == -ENOSPC || ret == -ENOENT, "ret %d", ret);
		FUZZ_CHECK(count == 0, "count %u on error", count);
		check_err(err, sizeof(err));
	} else {
		FUZZ_CHECK(count >= 1 && count <= MAX_CFGS, "count %u", count);
		for (unsigned i = 0; i < count; i++)
			check_cfg(&cfgs[i], cpus);
		ret = vm_config_check_set(cfgs, count, err, sizeof(err));
		FUZZ_CHECK(ret == 0 || ret == -EEXIST || ret == -EINVAL, "check_set %d", ret);
		if (ret)
			check_err(err, sizeof(err));
	}
	free(blob);
	return 0;
}
