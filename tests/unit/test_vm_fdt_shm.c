/*
 * Tests for the shared-memory part of virt/vm_fdt.c: the region as
 * no-map reserved memory, and a "tandem,shm-uio" node whose reg is the
 * doorbell page then the region and whose interrupt is the doorbell SPI,
 * edge-triggered (what uio_pdrv_genirq needs), and also a "gpio-keys"
 * with one interrupt-only key (what Debian's kernel binds). dtc must read the tree
 * without a warning, and Tandem's board parser must still accept it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <tandem/board.h>
#include <virt/vm_fdt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#define BUF_SIZE 8192

static const struct vm_shm shm = {
	.region = "ctrl", .size = 0x10000, .ipa = 0x10000000,
	.doorbell_ipa = 0x10010000, .doorbell_intid = 40,
};

static struct vm_fdt_params params(const struct vm_shm *s)
{
	return (struct vm_fdt_params){
		.name = "linux", .n_vcpus = 1,
		.ram_base = 0x40000000, .ram_size = MiB(64),
		.gicd_base = 0x08000000, .gicr_base = 0x080a0000, .gic_nr_spis = 96,
		.uart_base = 0x09000000, .uart_intid = 33,
		.shm = s,
	};
}

static void *build(const struct vm_shm *s)
{
	struct vm_fdt_params p = params(s);
	void *fdt = test_malloc(BUF_SIZE);

	assert_int_equal(vm_fdt_build(&p, fdt, BUF_SIZE), 0);
	assert_int_equal(fdt_check_full(fdt, fdt_totalsize(fdt)), 0);
	return fdt;
}

static const fdt32_t *prop(const void *fdt, int node, const char *name, int want_len)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

	if (!v)
		fail_msg("property '%s' missing", name);
	if (want_len >= 0 && len != want_len)
		fail_msg("property '%s' is %d bytes, want %d", name, len, want_len);
	return v;
}

static uint64_t u64_at(const fdt32_t *v, int i)
{
	return (uint64_t)fdt32_to_cpu(v[2 * i]) << 32 | fdt32_to_cpu(v[2 * i + 1]);
}

static void test_nodes(void **state)
{
	void *fdt = build(&shm);
	int res = fdt_path_offset(fdt, "/reserved-memory/shm@10000000");
	int dev = fdt_path_offset(fdt, "/shm-doorbell@10010000");
	const fdt32_t *v;

	assert_true(res >= 0);
	assert_true(dev >= 0);
	v = prop(fdt, res, "reg", 16);
	assert_int_equal(u64_at(v, 0), 0x10000000);
	assert_int_equal(u64_at(v, 1), 0x10000);
	prop(fdt, res, "no-map", 0);
	assert_int_equal(fdt_node_check_compatible(fdt, dev, "tandem,shm-uio"), 0);
	v = prop(fdt, dev, "reg", 32);
	assert_int_equal(u64_at(v, 0), 0x10010000);	/* UIO map0: the doorbell */
	assert_int_equal(u64_at(v, 1), 0x1000);
	assert_int_equal(u64_at(v, 2), 0x10000000);	/* map1: the region */
	assert_int_equal(u64_at(v, 3), 0x10000);
	v = prop(fdt, dev, "interrupts", 12);
	assert_int_equal(fdt32_to_cpu(v[0]), 0);	/* SPI */
	assert_int_equal(fdt32_to_cpu(v[1]), 8);	/* INTID 40 */
	assert_int_equal(fdt32_to_cpu(v[2]), 1);	/* edge rising */
	v = prop(fdt, dev, "memory-region", 4);
	assert_int_equal(fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(v[0])), res);
	assert_null(fdt_getprop(fdt, dev, "read-only", NULL));
	test_free(fdt);
}

/* Debian's kernel binds gpio-keys: one interrupt-only key, the same SPI,
 * no debounce (a ring is a press and a release), a code no keyboard
 * handler takes, and the region in the input device's name. */
static void test_gpio_keys_view(void **state)
{
	void *fdt = build(&shm);
	int dev = fdt_path_offset(fdt, "/shm-doorbell@10010000");
	int key = fdt_path_offset(fdt, "/shm-doorbell@10010000/doorbell");
	const fdt32_t *v, *irq;

	assert_true(key >= 0);
	assert_int_equal(fdt_node_check_compatible(fdt, dev, "gpio-keys"), 0);
	assert_string_equal(fdt_getprop(fdt, dev, "label", NULL), "shm-ctrl");
	irq = prop(fdt, dev, "interrupts", 12);
	v = prop(fdt, key, "interrupts", 12);
	assert_memory_equal(v, irq, 12);
	v = prop(fdt, key, "linux,code", 4);
	assert_int_equal(fdt32_to_cpu(v[0]), 0x2c0);
	v = prop(fdt, key, "debounce-interval", 4);
	assert_int_equal(fdt32_to_cpu(v[0]), 0);
	test_free(fdt);
}

static void test_read_only_and_none(void **state)
{
	struct vm_shm ro = shm;
	void *fdt;

	ro.read_only = true;
	fdt = build(&ro);
	prop(fdt, fdt_path_offset(fdt, "/shm-doorbell@10010000"), "read-only", 0);
	test_free(fdt);
	fdt = build(NULL);
	assert_true(fdt_path_offset(fdt, "/reserved-memory") < 0);
	assert_int_equal(fdt_node_offset_by_compatible(fdt, -1, "tandem,shm-uio"), -FDT_ERR_NOTFOUND);
	test_free(fdt);
}

static void test_board_parse_and_dtc(void **state)
{
	void *fdt = build(&shm);
	struct board b;
	char err[256], path[] = "/tmp/tandem-fdtshm-XXXXXX", cmd[256];
	int fd;

	assert_int_equal(board_parse(fdt, &b, err, sizeof(err)), 0);
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
		cmocka_unit_test(test_gpio_keys_view),
		cmocka_unit_test(test_read_only_and_none),
		cmocka_unit_test(test_board_parse_and_dtc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
