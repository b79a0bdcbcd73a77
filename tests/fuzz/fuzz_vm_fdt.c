/*
 * Fuzz target for guest DTB generation (virt/vm_fdt.c) from any config the
 * parser accepts: the input is a config DTB (as for fuzz_vm_config) and,
 * after its totalsize, a few bytes for the initrd's size. Each VM the
 * parser (virt/vm_config.c) accepts gets its device tree built as
 * vm_start() builds it (same fixed device layout, initrd just below the DTB
 * in the top 2 MiB of RAM), into the 64 KiB vm_start() gives it. Building
 * must succeed whenever the initrd fits below the DTB; the result must pass
 * fdt_check_full() and parse back to what the config said.
 */
#include <errno.h>
#include <string.h>

#include <libfdt.h>
#include <virt/vm_config.h>
#include <virt/vm_fdt.h>
#include "fuzz_input.h"

#define MAX_CFGS	8
#define DTB_MAX		(64 * 1024)
#define PAGE		4096ULL

static uint64_t be64_at(const void *p)
{
	return fdt64_ld((const fdt64_t *)p);
}

static int node(const void *fdt, const char *path)
{
	int n = fdt_path_offset(fdt, path);

	FUZZ_CHECK(n >= 0, "no %s in the guest DTB: %s", path, fdt_strerror(n));
	return n;
}

static void check_dtb(const void *fdt, const struct vm_config *c, uint64_t rd_start,
		      uint64_t rd_end)
{
	char path[64], model[64];
	const void *p;
	int len, n, cpus, count = 0;

	FUZZ_CHECK(fdt_check_full(fdt, fdt_totalsize(fdt)) == 0, "fdt_check_full: %s",
		   fdt_strerror(fdt_check_full(fdt, fdt_totalsize(fdt))));
	FUZZ_CHECK(fdt_totalsize(fdt) <= DTB_MAX, "DTB of %u bytes", fdt_totalsize(fdt));

	p = fdt_getprop(fdt, 0, "model", &len);
	snprintf(model, sizeof(model), "tandem,%s", c->name);
	FUZZ_CHECK(p && len == (int)strlen(model) + 1 && !memcmp(p, model, (size_t)len),
		   "model is not %s", model);

	snprintf(path, sizeof(path), "/memory@%llx", (unsigned long long)c->ram_base);
	n = node(fdt, path);
	p = fdt_getprop(fdt, n, "reg", &len);
	FUZZ_CHECK(p && len == 16 && be64_at(p) == c->ram_base &&
		   be64_at((const char *)p + 8) == c->ram_size, "memory reg");

	cpus = node(fdt, "/cpus");
	fdt_for_each_subnode(n, fdt, cpus) {
		const char *name = fdt_get_name(fdt, n, NULL);

		if (strncmp(name, "cpu@", 4))
			continue;
		p = fdt_getprop(fdt, n, "reg", &len);
		FUZZ_CHECK(p && len == 4 && fdt32_ld(p) == (uint32_t)(((count / 16) << 8) | (count % 16)),
			   "cpu %d reg", count);
		count++;
	}
	FUZZ_CHECK(count == (int)c->n_vcpus, "%d cpu nodes for %u vCPUs", count, c->n_vcpus);

	n = node(fdt, "/chosen");
	p = fdt_getprop(fdt, n, "bootargs", &len);
	if (c->bootargs[0])
		FUZZ_CHECK(p && len == (int)strlen(c->bootargs) + 1 && !strcmp(p, c->bootargs),
			   "bootargs");
	else
		FUZZ_CHECK(!p, "empty bootargs written");
	p = fdt_getprop(fdt, n, "stdout-path", &len);
	FUZZ_CHECK(p && fdt_path_offset(fdt, p) >= 0, "stdout-path does not resolve");
	p = fdt_getprop(fdt, n, "linux,initrd-start", &len);
	if (rd_end > rd_start) {
		FUZZ_CHECK(p && len == 8 && be64_at(p) == rd_start, "initrd-start");
		p = fdt_getprop(fdt, n, "linux,initrd-end", &len);
		FUZZ_CHECK(p && len == 8 && be64_at(p) == rd_end, "initrd-end");
	} else {
		FUZZ_CHECK(!p, "initrd-start without an initrd");
	}
	p = fdt_getprop(fdt, 0, "interrupt-parent", &len);
	FUZZ_CHECK(p && len == 4 && fdt_node_offset_by_phandle(fdt, fdt32_ld(p)) >= 0,
		   "interrupt-parent does not resolve");
}

static void build_one(const struct vm_config *c, uint64_t initrd_size)
{
	static uint64_t dtb[DTB_MAX / 8];
	uint64_t dtb_at = c->ram_base + c->ram_size - MiB(2);
	uint64_t rd_start = 0, rd_end = 0;
	bool fits = true;
	struct vm_fdt_params p;
	int ret;

	if (c->initrd[0] && initrd_size) {
		/* vm_start() puts it page-aligned just below the DTB. */
		fits = initrd_size <= dtb_at - c->ram_base;
		rd_start = (dtb_at - initrd_size) & ~(PAGE - 1);
		rd_end = rd_start + initrd_size;
	}
	p = (struct vm_fdt_params){
		.name = c->name, .n_vcpus = c->n_vcpus,
		.ram_base = c->ram_base, .ram_size = c->ram_size,
		.gicd_base = 0x08000000, .gicr_base = 0x080a0000, .gic_nr_spis = 96,
		.uart_base = 0x09000000, .uart_intid = 33,
		.bootargs = c->bootargs[0] ? c->bootargs : NULL,
		.initrd_start = rd_start, .initrd_end = rd_end,
	};
	memset(dtb, 0xa5, sizeof(dtb));
	ret = vm_fdt_build(&p, dtb, sizeof(dtb));
	if (!fits) {
		/* An initrd larger than the RAM below the DTB cannot be placed. */
		FUZZ_CHECK(ret == 0 || ret == -EINVAL, "ret %d", ret);
		if (ret)
			return;
	}
	FUZZ_CHECK(ret == 0, "vm_fdt_build refused an accepted config '%s' (%d)", c->name, ret);
	check_dtb(dtb, c, rd_start, rd_end);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vm_config cfgs[MAX_CFGS];
	unsigned count = 0;
	struct fuzz_in tail;
	uint64_t initrd_size;
	char err[200];
	void *blob;

	if (size < sizeof(struct fdt_header))
		return 0;
	blob = malloc(size);
	memcpy(blob, data, size);
	if (fdt_check_header(blob) || fdt_totalsize(blob) > size ||
	    vm_config_parse(blob, "fuzz.dtb", 4, cfgs, MAX_CFGS, &count, err, sizeof(err))) {
		free(blob);
		return 0;
	}
	tail = (struct fuzz_in){ data + fdt_totalsize(blob), size - fdt_totalsize(blob) };
	initrd_size = fuzz_u32(&tail) * (uint64_t)fuzz_u8(&tail) + fuzz_u8(&tail);
	for (unsigned i = 0; i < count; i++)
		build_one(&cfgs[i], initrd_size);
	free(blob);
	return 0;
}
