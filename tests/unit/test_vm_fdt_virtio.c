/*
 * Tests for the virtio part of virt/vm_fdt.c: each device Tandem serves is
 * a "virtio,mmio" node at its window, with the 0x200-byte reg, its SPI
 * level-high and dma-coherent, as QEMU writes its own; an interrupt outside
 * the vGIC's SPIs is refused; dtc reads the tree without a warning.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <virt/vm_fdt.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#define BUF_SIZE 8192

static const struct vm_virtio devs[2] = {
	{ .name = "disk", .type = VM_VIRTIO_BLOCK, .ipa = 0x0a000000, .intid = 48 },
	{ .name = "hvc", .type = VM_VIRTIO_CONSOLE, .ipa = 0x0a000200, .intid = 127 },
};

static struct vm_fdt_params params(unsigned n, const struct vm_virtio *d)
{
	return (struct vm_fdt_params){
		.name = "linux", .n_vcpus = 1,
		.ram_base = 0x40000000, .ram_size = MiB(64),
		.gicd_base = 0x08000000, .gicr_base = 0x080a0000, .gic_nr_spis = 96,
		.uart_base = 0x09000000, .uart_intid = 33,
		.n_virtio = n, .virtio = d,
	};
}

static void test_nodes(void **state)
{
	struct vm_fdt_params p = params(2, devs);
	void *fdt = test_malloc(BUF_SIZE);

	assert_int_equal(vm_fdt_build(&p, fdt, BUF_SIZE), 0);
	assert_int_equal(fdt_check_full(fdt, fdt_totalsize(fdt)), 0);
	for (unsigned i = 0; i < 2; i++) {
		char path[40];
		int node, len;
		const fdt32_t *v;

		snprintf(path, sizeof(path), "/virtio_mmio@%llx", (unsigned long long)devs[i].ipa);
		node = fdt_path_offset(fdt, path);
		assert_true(node >= 0);
		assert_int_equal(fdt_node_check_compatible(fdt, node, "virtio,mmio"), 0);
		v = fdt_getprop(fdt, node, "reg", &len);
		assert_int_equal(len, 16);
		assert_int_equal((uint64_t)fdt32_to_cpu(v[0]) << 32 | fdt32_to_cpu(v[1]), devs[i].ipa);
		assert_int_equal(fdt32_to_cpu(v[3]), 0x200);
		v = fdt_getprop(fdt, node, "interrupts", &len);
		assert_int_equal(len, 12);
		assert_int_equal(fdt32_to_cpu(v[0]), 0);			/* SPI */
		assert_int_equal(fdt32_to_cpu(v[1]), devs[i].intid - 32);
		assert_int_equal(fdt32_to_cpu(v[2]), 4);			/* level-high */
		assert_non_null(fdt_getprop(fdt, node, "dma-coherent", &len));
		assert_int_equal(len, 0);
	}
	test_free(fdt);
}

static void test_refused(void **state)
{
	struct vm_virtio bad = devs[0];
	struct vm_fdt_params p = params(1, &bad);
	void *fdt = test_malloc(BUF_SIZE);

	bad.intid = 32 + 96;		/* one past the vGIC's SPIs */
	assert_int_equal(vm_fdt_build(&p, fdt, BUF_SIZE), -EINVAL);
	bad.intid = 31;
	assert_int_equal(vm_fdt_build(&p, fdt, BUF_SIZE), -EINVAL);
	p = params(1, NULL);
	assert_int_equal(vm_fdt_build(&p, fdt, BUF_SIZE), -EINVAL);
	test_free(fdt);
}

static void test_dtc_clean(void **state)
{
	struct vm_fdt_params p = params(2, devs);
	void *fdt = test_malloc(BUF_SIZE);
	char path[] = "/tmp/tandem-fdt-virtio-XXXXXX", cmd[128];
	int fd;
	FILE *f;

	if (system("command -v dtc >/dev/null 2>&1") != 0)
		skip();
	assert_int_equal(vm_fdt_build(&p, fdt, BUF_SIZE), 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_int_equal(fwrite(fdt, 1, fdt_totalsize(fdt), f), fdt_totalsize(fdt));
	fclose(f);
	/* dtc -q would hide them: its warnings must be empty. */
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o /dev/null %s 2>&1 | grep -q .", path);
	assert_int_not_equal(system(cmd), 0);
	unlink(path);
	test_free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nodes),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_dtc_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
