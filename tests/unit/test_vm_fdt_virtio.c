/*
 * Tests for the virtio-mmio part of virt/vm_fdt.c: one node per transport
 * Tandem serves, named and shaped as QEMU virt's (compatible
 * "virtio,mmio", a 0x200-byte reg, a level-triggered SPI, dma-coherent),
 * so Linux's stock virtio_mmio binds; an interrupt the vGIC does not have
 * is refused. dtc must read the tree without a warning.
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

static const struct vm_virtio two[] = {
	{ .ipa = 0x0a800000, .intid = 112 },
	{ .ipa = 0x0a800200, .intid = 127 },
};

static struct vm_fdt_params params(unsigned n, const struct vm_virtio *v)
{
	return (struct vm_fdt_params){
		.name = "linux", .n_vcpus = 1,
		.ram_base = 0x40000000, .ram_size = MiB(64),
		.gicd_base = 0x08000000, .gicr_base = 0x080a0000, .gic_nr_spis = 96,
		.uart_base = 0x09000000, .uart_intid = 33,
		.n_virtio = n, .virtio = v,
	};
}

static void *build(unsigned n, const struct vm_virtio *v)
{
	struct vm_fdt_params p = params(n, v);
	void *fdt = test_malloc(BUF_SIZE);

	assert_int_equal(vm_fdt_build(&p, fdt, BUF_SIZE), 0);
	assert_int_equal(fdt_check_full(fdt, fdt_totalsize(fdt)), 0);
	return fdt;
}

static void check_node(const void *fdt, const char *path, uint64_t ipa, uint32_t spi)
{
	int node = fdt_path_offset(fdt, path), len;
	const fdt32_t *v;

	assert_true(node >= 0);
	assert_int_equal(fdt_node_check_compatible(fdt, node, "virtio,mmio"), 0);
	v = fdt_getprop(fdt, node, "reg", &len);
	assert_non_null(v);
	assert_int_equal(len, 16);
	assert_int_equal((uint64_t)fdt32_to_cpu(v[0]) << 32 | fdt32_to_cpu(v[1]), ipa);
	assert_int_equal(fdt32_to_cpu(v[3]), 0x200);
	v = fdt_getprop(fdt, node, "interrupts", &len);
	assert_non_null(v);
	assert_int_equal(len, 12);
	assert_int_equal(fdt32_to_cpu(v[0]), 0);	/* SPI */
	assert_int_equal(fdt32_to_cpu(v[1]), spi);
	assert_int_equal(fdt32_to_cpu(v[2]), 4);	/* level, high */
	assert_non_null(fdt_getprop(fdt, node, "dma-coherent", &len));
	assert_int_equal(len, 0);
}

static void test_nodes(void **state)
{
	void *fdt = build(2, two);

	check_node(fdt, "/virtio_mmio@a800000", 0x0a800000, 80);
	check_node(fdt, "/virtio_mmio@a800200", 0x0a800200, 95);
	test_free(fdt);
	fdt = build(0, NULL);
	assert_int_equal(fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio"), -FDT_ERR_NOTFOUND);
	test_free(fdt);
}

static void test_bad_interrupt(void **state)
{
	static const irqid_t bad[] = { 0, 27, 31, 128, 1020, 0xffffffff };
	char buf[BUF_SIZE];

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vm_virtio v = { .ipa = 0x0a800000, .intid = bad[i] };
		struct vm_fdt_params p = params(1, &v);

		assert_int_equal(vm_fdt_build(&p, buf, sizeof(buf)), -EINVAL);
	}
	struct vm_fdt_params p = params(1, NULL);

	assert_int_equal(vm_fdt_build(&p, buf, sizeof(buf)), -EINVAL);
}

static void test_dtc_reads_it(void **state)
{
	void *fdt = build(2, two);
	char path[] = "/tmp/tandem-fdtvirtio-XXXXXX", cmd[256];
	int fd;

	if (system("command -v dtc >/dev/null 2>&1") == 0) {
		fd = mkstemp(path);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, fdt, fdt_totalsize(fdt)), (ssize_t)fdt_totalsize(fdt));
		close(fd);
		snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o /dev/null '%s' 2>&1 | grep -q . && exit 1; exit 0",
			 path);
		assert_int_equal(system(cmd), 0);
		unlink(path);
	}
	test_free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nodes),
		cmocka_unit_test(test_bad_interrupt),
		cmocka_unit_test(test_dtc_reads_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
