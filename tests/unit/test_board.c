/*
 * Tests for kernel/board.c.
 *
 * The fixture is QEMU's own virt DTB (TANDEM_QEMU_DTB, made by
 * `make build/qemu-virt.dtb`): it must parse to the machine QEMU emulates,
 * and each way of breaking it (edited here with libfdt's read-write API)
 * must be refused with a message naming the node and property. A small DTB
 * built with the sequential-write API covers what QEMU's does not: 1-cell
 * root addressing, 2-cell MPIDRs, translation through a bus's 'ranges',
 * stdout-path aliases, reserved memory and the hvc conduit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <tandem/board.h>
#include <tandem/driver.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

/* Room for the edits a test makes to its copy of the QEMU DTB. */
#define EDIT_SLACK 16384
#define TINY_SIZE 8192

struct fixture {
	void *dtb;
	size_t size;
};

/* --- helpers ------------------------------------------------------------ */

static void parse_ok(const void *fdt, struct board *b)
{
	char err[256] = "stale";
	int ret;

	ret = board_parse(fdt, b, err, sizeof(err));
	if (ret)
		fail_msg("board_parse returned %d: %s", ret, err);
	assert_string_equal(err, "");
}

/*
 * The parse must fail with errno want (0: any) and a one-line message that
 * starts with the common prefix and contains every needle.
 */
static void check_fail(const void *fdt, int want, const char *const *needles)
{
	struct board b;
	char err[256];
	int ret;

	ret = board_parse(fdt, &b, err, sizeof(err));
	if (ret >= 0)
		fail_msg("board_parse accepted a broken DTB (returned %d)", ret);
	if (want && ret != want)
		fail_msg("board_parse returned %d, want %d: %s", ret, want, err);
	if ((strncmp(err, "board DTB: ", 11) &&
	     strncmp(err, "no driver for ", 14)) || strchr(err, '\n'))
		fail_msg("malformed message \"%s\"", err);
	for (; *needles; needles++)
		if (!strstr(err, *needles))
			fail_msg("message \"%s\" lacks \"%s\"", err, *needles);
}

#define expect_fail(fdt, want, ...) \
	check_fail(fdt, want, (const char *const[]){ __VA_ARGS__, NULL })

/* A private, writable copy of the QEMU DTB with room to grow. */
static void *qemu_copy(void **state)
{
	const struct fixture *f = *state;
	size_t size = f->size + EDIT_SLACK;
	void *fdt = test_malloc(size);

	assert_int_equal(fdt_open_into(f->dtb, fdt, (int)size), 0);
	return fdt;
}

static int node(void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	if (off < 0)
		fail_msg("%s: %s", path, fdt_strerror(off));
	return off;
}

static void del_node(void *fdt, const char *path)
{
	assert_int_equal(fdt_del_node(fdt, node(fdt, path)), 0);
}

static void del_prop(void *fdt, const char *path, const char *name)
{
	assert_int_equal(fdt_delprop(fdt, node(fdt, path), name), 0);
}

static void set_str(void *fdt, const char *path, const char *name,
		    const char *val)
{
	assert_int_equal(fdt_setprop_string(fdt, node(fdt, path), name, val),
			 0);
}

static void set_cells(void *fdt, const char *path, const char *name,
		      int n, ...)
{
	fdt32_t v[64];
	va_list ap;
	int i;

	assert_true(n <= 64);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		v[i] = cpu_to_fdt32(va_arg(ap, uint32_t));
	va_end(ap);
	assert_int_equal(fdt_setprop(fdt, node(fdt, path), name, v,
				     n * (int)sizeof(v[0])), 0);
}

/* Sequential-write counterpart of set_cells, for building DTBs. */
static void sw_cells(void *fdt, const char *name, int n, ...)
{
	fdt32_t v[64];
	va_list ap;
	int i;

	assert_true(n <= 64);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		v[i] = cpu_to_fdt32(va_arg(ap, uint32_t));
	va_end(ap);
	assert_int_equal(fdt_property(fdt, name, v, n * (int)sizeof(v[0])), 0);
}

static void sw_str(void *fdt, const char *name, const char *val)
{
	assert_int_equal(fdt_property_string(fdt, name, val), 0);
}

static void sw_begin(void *fdt, const char *name)
{
	assert_int_equal(fdt_begin_node(fdt, name), 0);
}

static void sw_end(void *fdt)
{
	assert_int_equal(fdt_end_node(fdt), 0);
}

static void assert_range(const struct board_range *r, uint64_t base,
			 uint64_t size)
{
	assert_int_equal(r->base, base);
	assert_int_equal(r->size, size);
}

/* --- the real QEMU virt DTB ---------------------------------------------- */

static void test_qemu_virt(void **state)
{
	const struct fixture *f = *state;
	struct board b;

	parse_ok(f->dtb, &b);

	assert_string_equal(b.model, "linux,dummy-virt");
	assert_int_equal(b.n_mem, 1);
	assert_range(&b.mem[0], 0x40000000, GiB(1));
	assert_int_equal(b.n_reserved, 0);

	assert_int_equal(b.n_cpus, 4);
	assert_int_equal(b.cpu_mpidr[0], 0);
	assert_int_equal(b.cpu_mpidr[1], 1);
	assert_int_equal(b.cpu_mpidr[2], 2);
	assert_int_equal(b.cpu_mpidr[3], 3);

	assert_range(&b.gicd, 0x08000000, 0x10000);
	assert_int_equal(b.n_gicr, 1);
	assert_range(&b.gicr[0], 0x080a0000, 0xf60000);

	assert_range(&b.uart.reg, 0x09000000, 0x1000);
	assert_int_equal(b.uart.irq, 33);

	assert_int_equal(b.timer_sec_irq, 29);
	assert_int_equal(b.timer_phys_irq, 30);
	assert_int_equal(b.timer_virt_irq, 27);
	assert_int_equal(b.timer_hyp_irq, 26);
	assert_int_equal(b.timer_freq, 0);

	assert_int_equal(b.psci, PSCI_CONDUIT_SMC);
	assert_int_equal(b.fdt_size, f->size);
}

/* --- header and structure -------------------------------------------------- */

static void test_bad_magic(void **state)
{
	void *fdt = qemu_copy(state);

	((uint32_t *)fdt)[0] = 0xefbeadde;
	expect_fail(fdt, -EINVAL, "bad header", "FDT_ERR_BADMAGIC");
	test_free(fdt);
}

static void test_truncated_header(void **state)
{
	void *fdt = qemu_copy(state);

	/* totalsize cut below the end of the blocks it claims to hold. */
	fdt_set_totalsize(fdt, 0x100);
	expect_fail(fdt, -EINVAL, "bad header");
	test_free(fdt);
}

static void test_zero_blob(void **state)
{
	static const uint8_t zeros[64];

	expect_fail(zeros, -EINVAL, "bad header");
}

static void test_garbage_structure(void **state)
{
	void *fdt = qemu_copy(state);

	/* Overwrite the root's FDT_BEGIN_NODE tag: the header stays valid. */
	*(fdt32_t *)((char *)fdt + fdt_off_dt_struct(fdt)) =
		cpu_to_fdt32(0x12345678);
	expect_fail(fdt, -EINVAL, "bad structure");
	test_free(fdt);
}

static void test_err_buffer_limits(void **state)
{
	const struct fixture *f = *state;
	void *fdt = qemu_copy(state);
	struct board b;
	char small[8];

	del_node(fdt, "/memory@40000000");

	/* ASan's stack redzones turn any write past the 8 bytes into a report. */
	assert_true(board_parse(fdt, &b, small, 8) < 0);
	assert_string_equal(small, "board D");

	assert_true(board_parse(fdt, &b, NULL, 0) < 0);
	assert_int_equal(board_parse(f->dtb, &b, NULL, 0), 0);

	test_free(fdt);
}

/* --- memory ---------------------------------------------------------------- */

static void test_no_memory(void **state)
{
	void *fdt = qemu_copy(state);

	del_node(fdt, "/memory@40000000");
	expect_fail(fdt, -ENOENT, "/memory", "device_type");
	test_free(fdt);
}

static void test_memory_only_empty_banks(void **state)
{
	void *fdt = qemu_copy(state);

	set_cells(fdt, "/memory@40000000", "reg", 4, 0, 0x40000000, 0, 0);
	expect_fail(fdt, -ENOENT, "/memory", "'reg'");
	test_free(fdt);
}

static void test_memory_reg_bad_length(void **state)
{
	void *fdt = qemu_copy(state);

	set_cells(fdt, "/memory@40000000", "reg", 3, 0, 0x40000000, 0);
	expect_fail(fdt, -EINVAL, "/memory@40000000", "'reg'", "not a multiple");
	test_free(fdt);
}

static void test_memory_reg_missing(void **state)
{
	void *fdt = qemu_copy(state);

	del_prop(fdt, "/memory@40000000", "reg");
	expect_fail(fdt, -ENOENT, "/memory@40000000", "'reg' missing");
	test_free(fdt);
}

static void test_memory_wraps(void **state)
{
	void *fdt = qemu_copy(state);

	set_cells(fdt, "/memory@40000000", "reg", 4,
		  0xffffffff, 0xf0000000, 0, 0x20000000);
	expect_fail(fdt, -EINVAL, "/memory@40000000", "'reg'", "wraps");
	test_free(fdt);
}

/* Every entry of every memory node counts; a second node adds to the first. */
static void test_memory_eight_ranges(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;
	int mem2;

	set_cells(fdt, "/memory@40000000", "reg", 28,
		  0, 0x40000000, 0, 0x1000,
		  0, 0x50000000, 0, 0x2000,
		  0, 0x60000000, 0, 0x0,	/* empty bank: skipped */
		  0, 0x70000000, 0, 0x3000,
		  1, 0x00000000, 0, 0x4000,
		  2, 0x00000000, 1, 0x0,
		  3, 0x00000000, 0, 0x5000);
	mem2 = fdt_add_subnode(fdt, 0, "memory@800000000");
	assert_true(mem2 >= 0);
	set_str(fdt, "/memory@800000000", "device_type", "memory");
	set_cells(fdt, "/memory@800000000", "reg", 8,
		  8, 0, 0, 0x6000, 9, 0, 0, 0x7000);

	/* fdt_add_subnode() prepends, so the new node comes first in DT order. */
	parse_ok(fdt, &b);
	assert_int_equal(b.n_mem, 8);
	assert_range(&b.mem[0], 0x800000000ULL, 0x6000);
	assert_range(&b.mem[1], 0x900000000ULL, 0x7000);
	assert_range(&b.mem[2], 0x40000000, 0x1000);
	assert_range(&b.mem[4], 0x70000000, 0x3000);
	assert_range(&b.mem[6], 0x200000000ULL, 0x100000000ULL);
	assert_range(&b.mem[7], 0x300000000ULL, 0x5000);
	test_free(fdt);
}

static void test_memory_overflow(void **state)
{
	void *fdt = qemu_copy(state);

	set_cells(fdt, "/memory@40000000", "reg", 36,
		  0, 0x40000000, 0, 0x1000, 0, 0x41000000, 0, 0x1000,
		  0, 0x42000000, 0, 0x1000, 0, 0x43000000, 0, 0x1000,
		  0, 0x44000000, 0, 0x1000, 0, 0x45000000, 0, 0x1000,
		  0, 0x46000000, 0, 0x1000, 0, 0x47000000, 0, 0x1000,
		  0, 0x48000000, 0, 0x1000);
	expect_fail(fdt, -E2BIG, "/memory@40000000", "more than 8");
	test_free(fdt);
}

/* --- reserved memory --------------------------------------------------------- */

/* An empty /reserved-memory with 2-cell addresses and sizes, ranges 1:1. */
static int add_reserved_memory(void *fdt)
{
	int rm = fdt_add_subnode(fdt, 0, "reserved-memory");

	assert_true(rm >= 0);
	set_cells(fdt, "/reserved-memory", "#address-cells", 1, 2);
	set_cells(fdt, "/reserved-memory", "#size-cells", 1, 2);
	assert_int_equal(fdt_setprop_empty(fdt, rm, "ranges"), 0);
	return rm;
}

static void test_reserved(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;
	int rm, child;

	assert_int_equal(fdt_add_mem_rsv(fdt, 0x40000000, 0x10000), 0);

	rm = add_reserved_memory(fdt);
	/* fdt_add_subnode() prepends, so DT order ends up fw, cma, off, tee. */
	child = fdt_add_subnode(fdt, rm, "tee@7e000000");
	assert_true(child >= 0);
	set_cells(fdt, "/reserved-memory/tee@7e000000", "reg", 8,
		  0, 0x7e000000, 0, 0x1000000, 0, 0x7f800000, 0, 0x800000);
	assert_int_equal(fdt_setprop_empty(fdt, child, "no-map"), 0);
	child = fdt_add_subnode(fdt, rm, "off@7d000000");
	assert_true(child >= 0);
	set_cells(fdt, "/reserved-memory/off@7d000000", "reg", 4,
		  0, 0x7d000000, 0, 0x1000);
	set_str(fdt, "/reserved-memory/off@7d000000", "status", "disabled");
	child = fdt_add_subnode(fdt, rm, "cma");
	assert_true(child >= 0);
	set_cells(fdt, "/reserved-memory/cma", "size", 2, 0, 0x4000000);
	child = fdt_add_subnode(fdt, rm, "fw@4f000000");
	assert_true(child >= 0);
	set_cells(fdt, "/reserved-memory/fw@4f000000", "reg", 4,
		  0, 0x4f000000, 0, 0x200000);

	parse_ok(fdt, &b);
	assert_int_equal(b.n_reserved, 4);
	assert_range(&b.reserved[0], 0x40000000, 0x10000);
	assert_range(&b.reserved[1], 0x4f000000, 0x200000);
	assert_range(&b.reserved[2], 0x7e000000, 0x1000000);
	assert_range(&b.reserved[3], 0x7f800000, 0x800000);
	/* Both of tee's ranges, and nothing else, must stay out of the EL2 map. */
	assert_int_equal(b.reserved_no_map, (1U << 2) | (1U << 3));
	test_free(fdt);
}

/*
 * Versal's layout with -m 4G: RAM at physical 0 (2 GiB) and at 32 GiB,
 * a no-map firmware range at 0 itself. Base 0 is a bank like any other.
 */
static void test_memory_at_zero_and_high(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;
	int rm, child;

	set_cells(fdt, "/memory@40000000", "reg", 8,
		  0, 0, 0, 0x80000000, 0x8, 0, 0, 0x80000000);
	assert_int_equal(fdt_add_mem_rsv(fdt, 0x800000000ULL, 0x1000), 0);
	rm = add_reserved_memory(fdt);
	child = fdt_add_subnode(fdt, rm, "atf@0");
	assert_true(child >= 0);
	set_cells(fdt, "/reserved-memory/atf@0", "reg", 4, 0, 0, 0, 0x80000);
	assert_int_equal(fdt_setprop_empty(fdt, child, "no-map"), 0);

	parse_ok(fdt, &b);
	assert_int_equal(b.n_mem, 2);
	assert_range(&b.mem[0], 0, 0x80000000);
	assert_range(&b.mem[1], 0x800000000ULL, 0x80000000);
	assert_int_equal(b.n_reserved, 2);
	assert_range(&b.reserved[0], 0x800000000ULL, 0x1000);
	assert_range(&b.reserved[1], 0, 0x80000);
	assert_int_equal(b.reserved_no_map, 1U << 1);
	test_free(fdt);
}

static void test_reserved_overflow(void **state)
{
	void *fdt = qemu_copy(state);
	int i;

	for (i = 0; i < BOARD_MAX_RESERVED + 1; i++)
		assert_int_equal(fdt_add_mem_rsv(fdt, 0x40000000 +
						 (uint64_t)i * 0x10000, 0x1000),
				 0);
	expect_fail(fdt, -E2BIG, "more than 16 reserved", "/memreserve/");
	test_free(fdt);
}

/* --- cpus ---------------------------------------------------------------------- */

static void test_no_cpu_nodes(void **state)
{
	void *fdt = qemu_copy(state);

	del_node(fdt, "/cpus/cpu@0");
	del_node(fdt, "/cpus/cpu@1");
	del_node(fdt, "/cpus/cpu@2");
	del_node(fdt, "/cpus/cpu@3");
	expect_fail(fdt, -ENOENT, "board DTB: /cpus: no cpu nodes");
	test_free(fdt);
}

static void test_no_cpus_node(void **state)
{
	void *fdt = qemu_copy(state);

	del_node(fdt, "/cpus");
	expect_fail(fdt, -ENOENT, "/cpus", "missing");
	test_free(fdt);
}

static void test_cpu_disabled_skipped(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;

	set_str(fdt, "/cpus/cpu@1", "status", "disabled");
	set_str(fdt, "/cpus/cpu@2", "status", "okay");
	parse_ok(fdt, &b);
	assert_int_equal(b.n_cpus, 3);
	assert_int_equal(b.cpu_mpidr[0], 0);
	assert_int_equal(b.cpu_mpidr[1], 2);
	assert_int_equal(b.cpu_mpidr[2], 3);
	test_free(fdt);
}

static void test_cpu_non_cpu_device_type_skipped(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;

	set_str(fdt, "/cpus/cpu@0", "device_type", "cpux");
	parse_ok(fdt, &b);
	assert_int_equal(b.n_cpus, 3);
	assert_int_equal(b.cpu_mpidr[0], 1);
	test_free(fdt);
}

/* More cores than CONFIG_MAX_CPUS: keep the first ones in DT order. */
static void test_cpus_beyond_max(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;
	char path[32];
	int cpus, mpidr;

	cpus = node(fdt, "/cpus");
	/* fdt_add_subnode() prepends: adding 9..4 leaves 4..9 before cpu@0. */
	for (mpidr = 9; mpidr >= 4; mpidr--) {
		snprintf(path, sizeof(path), "cpu@%x", mpidr);
		assert_true(fdt_add_subnode(fdt, cpus, path) >= 0);
		snprintf(path, sizeof(path), "/cpus/cpu@%x", mpidr);
		set_str(fdt, path, "device_type", "cpu");
		set_cells(fdt, path, "reg", 1, mpidr == 9 ? 0x10100 : mpidr);
	}
	parse_ok(fdt, &b);
	assert_int_equal(b.n_cpus, CONFIG_MAX_CPUS);
	assert_int_equal(b.cpu_mpidr[0], 4);
	assert_int_equal(b.cpu_mpidr[4], 8);
	assert_int_equal(b.cpu_mpidr[5], 0x10100);
	assert_int_equal(b.cpu_mpidr[6], 0);
	assert_int_equal(b.cpu_mpidr[7], 1);
	test_free(fdt);
}

static void test_cpu_reg_not_mpidr(void **state)
{
	void *fdt = qemu_copy(state);

	set_cells(fdt, "/cpus/cpu@1", "reg", 1, 0x01000000);
	expect_fail(fdt, -EINVAL, "/cpus/cpu@1", "'reg'", "MPIDR");
	test_free(fdt);
}

static void test_cpu_reg_duplicate(void **state)
{
	void *fdt = qemu_copy(state);

	set_cells(fdt, "/cpus/cpu@2", "reg", 1, 1);
	expect_fail(fdt, -EINVAL, "/cpus/cpu@2", "'reg'", "repeats");
	test_free(fdt);
}

static void test_cpu_reg_missing(void **state)
{
	void *fdt = qemu_copy(state);

	del_prop(fdt, "/cpus/cpu@3", "reg");
	expect_fail(fdt, -ENOENT, "/cpus/cpu@3", "'reg' missing");
	test_free(fdt);
}

static void test_cpus_size_cells(void **state)
{
	void *fdt = qemu_copy(state);

	set_cells(fdt, "/cpus", "#size-cells", 1, 1);
	expect_fail(fdt, -EINVAL, "/cpus", "'#size-cells' is 1");
	test_free(fdt);
}

/* --- GIC -------------------------------------------------------------------------- */

static void test_no_gic(void **state)
{
	void *fdt = qemu_copy(state);

	del_node(fdt, "/intc@8000000");
	expect_fail(fdt, -EINVAL, "board DTB: /: property 'interrupt-parent'",
		    "names no node");
	test_free(fdt);
}

/* An interrupt controller no driver takes: one line, nothing else read wrong. */
static void test_gic_without_driver(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;
	char err[256];

	set_str(fdt, "/intc@8000000", "compatible", "foo,intc");
	expect_fail(fdt, -ENODEV,
		    "no driver for interrupt controller /intc@8000000 'foo,intc': "
		    "supported: arm,gic-v3");
	/* A GICv2 is described in full, then refused. */
	set_str(fdt, "/intc@8000000", "compatible", "arm,gic-400");
	assert_int_equal(board_parse(fdt, &b, err, sizeof(err)), -ENODEV);
	assert_string_equal(err, "no driver for interrupt controller /intc@8000000 "
			    "'arm,gic-400': supported: arm,gic-v3");
	assert_int_equal(b.gic_version, 2);
	assert_null(b.irqchip_driver);
	assert_int_equal(b.gicc.base, 0x080a0000);	/* reg[1] */
	assert_int_equal(b.uart.reg.base, 0x09000000);
	assert_string_equal(b.uart.driver->name, "pl011");
	test_free(fdt);
}

static void test_uart_register_layout(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;

	set_cells(fdt, "/pl011@9000000", "reg-shift", 1, 2);
	set_cells(fdt, "/pl011@9000000", "reg-io-width", 1, 4);
	parse_ok(fdt, &b);
	assert_int_equal(b.uart.reg_shift, 2);
	assert_int_equal(b.uart.reg_io_width, 4);
	set_cells(fdt, "/pl011@9000000", "reg-io-width", 1, 2);
	expect_fail(fdt, -EINVAL, "/pl011@9000000", "'reg-io-width' is 2");
	set_cells(fdt, "/pl011@9000000", "reg-io-width", 1, 1);
	set_cells(fdt, "/pl011@9000000", "reg-shift", 1, 4);
	expect_fail(fdt, -EINVAL, "/pl011@9000000", "'reg-shift' is 4");
	test_free(fdt);
}

static void test_gic_one_reg_entry(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;
	char err[256];

	set_cells(fdt, "/intc@8000000", "reg", 4, 0, 0x8000000, 0, 0x10000);
	assert_int_equal(board_parse(fdt, &b, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
		"board DTB: /intc@8000000: property 'reg' has 1 entries, need at least 2");
	test_free(fdt);
}

static void test_gic_two_redist_regions(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;

	set_cells(fdt, "/intc@8000000", "#redistributor-regions", 1, 2);
	set_cells(fdt, "/intc@8000000", "reg", 12,
		  0, 0x8000000, 0, 0x10000,
		  0, 0x80a0000, 0, 0x80000,
		  1, 0x00000000, 0, 0x40000);
	parse_ok(fdt, &b);
	assert_int_equal(b.n_gicr, 2);
	assert_range(&b.gicr[0], 0x80a0000, 0x80000);
	assert_range(&b.gicr[1], 0x100000000ULL, 0x40000);

	set_cells(fdt, "/intc@8000000", "#redistributor-regions", 1, 3);
	expect_fail(fdt, -EINVAL, "/intc@8000000", "'reg' has 3 entries",
		    "at least 4");
	test_free(fdt);
}

static void test_gic_too_many_redist_regions(void **state)
{
	void *fdt = qemu_copy(state);

	set_cells(fdt, "/intc@8000000", "#redistributor-regions", 1,
		  BOARD_MAX_GICR + 1);
	expect_fail(fdt, -E2BIG, "/intc@8000000", "'#redistributor-regions'");
	test_free(fdt);
}

static void test_gic_interrupt_cells(void **state)
{
	void *fdt = qemu_copy(state);

	set_cells(fdt, "/intc@8000000", "#interrupt-cells", 1, 2);
	expect_fail(fdt, -EINVAL, "/intc@8000000", "'#interrupt-cells' is 2");
	test_free(fdt);
}

/* --- timer ----------------------------------------------------------------------------- */

static void test_timer_three_interrupts(void **state)
{
	void *fdt = qemu_copy(state);

	set_cells(fdt, "/timer", "interrupts", 9,
		  1, 13, 4, 1, 14, 4, 1, 11, 4);
	expect_fail(fdt, -EINVAL, "/timer", "'interrupts' has 3 entries");
	test_free(fdt);
}

static void test_timer_spi(void **state)
{
	void *fdt = qemu_copy(state);

	set_cells(fdt, "/timer", "interrupts", 12,
		  1, 13, 4, 1, 14, 4, 0, 11, 4, 1, 10, 4);
	expect_fail(fdt, -EINVAL, "/timer", "'interrupts' entry 2",
		    "not a PPI");
	test_free(fdt);
}

static void test_timer_bad_specifier(void **state)
{
	void *fdt = qemu_copy(state);

	set_cells(fdt, "/timer", "interrupts", 12,
		  1, 13, 4, 1, 16, 4, 1, 11, 4, 1, 10, 4);
	expect_fail(fdt, -EINVAL, "/timer", "'interrupts' entry 1 <1 16>");
	test_free(fdt);
}

static void test_no_timer(void **state)
{
	void *fdt = qemu_copy(state);

	del_node(fdt, "/timer");
	expect_fail(fdt, -ENOENT, "\"arm,armv8-timer\"");
	test_free(fdt);
}

static void test_timer_clock_frequency(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;

	set_cells(fdt, "/timer", "clock-frequency", 1, 62500000);
	parse_ok(fdt, &b);
	assert_int_equal(b.timer_freq, 62500000);

	set_cells(fdt, "/timer", "clock-frequency", 2, 0, 62500000);
	expect_fail(fdt, -EINVAL, "/timer", "'clock-frequency' is 8 bytes");
	test_free(fdt);
}

/* --- stdout UART ------------------------------------------------------------------------ */

static void test_no_stdout_path(void **state)
{
	void *fdt = qemu_copy(state);

	del_prop(fdt, "/chosen", "stdout-path");
	expect_fail(fdt, -ENOENT,
		    "board DTB: /chosen: property 'stdout-path' missing");
	test_free(fdt);
}

static void test_stdout_path_dangling(void **state)
{
	void *fdt = qemu_copy(state);

	set_str(fdt, "/chosen", "stdout-path", "/pl011@1234:115200n8");
	expect_fail(fdt, -ENOENT, "/chosen", "'stdout-path'",
		    "\"/pl011@1234\"", "names no node");
	test_free(fdt);
}

static void test_stdout_path_options_and_alias(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;

	set_str(fdt, "/chosen", "stdout-path", "/pl011@9000000:115200n8");
	parse_ok(fdt, &b);
	assert_range(&b.uart.reg, 0x09000000, 0x1000);

	assert_true(fdt_add_subnode(fdt, 0, "aliases") >= 0);
	set_str(fdt, "/aliases", "serial0", "/pl011@9000000");
	set_str(fdt, "/chosen", "stdout-path", "serial0:115200n8");
	parse_ok(fdt, &b);
	assert_range(&b.uart.reg, 0x09000000, 0x1000);
	assert_int_equal(b.uart.irq, 33);

	set_str(fdt, "/chosen", "stdout-path", "serial1");
	expect_fail(fdt, -ENOENT, "/chosen", "\"serial1\"");
	test_free(fdt);
}

static void test_legacy_stdout_path(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;

	del_prop(fdt, "/chosen", "stdout-path");
	set_str(fdt, "/chosen", "linux,stdout-path", "/pl011@9000000");
	parse_ok(fdt, &b);
	assert_range(&b.uart.reg, 0x09000000, 0x1000);
	test_free(fdt);
}

static void test_stdout_not_pl011(void **state)
{
	void *fdt = qemu_copy(state);

	set_str(fdt, "/chosen", "stdout-path", "/fw-cfg@9020000");
	expect_fail(fdt, -ENODEV,
		    "no driver for UART /fw-cfg@9020000 'qemu,fw-cfg-mmio': supported: ",
		    "arm,pl011", "cdns,uart-r1p12", "snps,dw-apb-uart", "ns16550a");
	test_free(fdt);
}

static void test_stdout_disabled(void **state)
{
	void *fdt = qemu_copy(state);

	set_str(fdt, "/pl011@9000000", "status", "disabled");
	expect_fail(fdt, -ENODEV, "/pl011@9000000", "'status'");
	test_free(fdt);
}

static void test_uart_no_interrupts(void **state)
{
	void *fdt = qemu_copy(state);

	del_prop(fdt, "/pl011@9000000", "interrupts");
	expect_fail(fdt, -ENOENT, "/pl011@9000000", "'interrupts' missing");
	test_free(fdt);
}

static void test_uart_no_reg(void **state)
{
	void *fdt = qemu_copy(state);

	del_prop(fdt, "/pl011@9000000", "reg");
	expect_fail(fdt, -ENOENT, "/pl011@9000000", "'reg' missing");
	test_free(fdt);
}

static void test_uart_irq_not_on_gic(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;
	int other;

	/* A second interrupt controller the UART is wired to instead. */
	other = fdt_add_subnode(fdt, 0, "mux@9100000");
	assert_true(other >= 0);
	set_cells(fdt, "/mux@9100000", "#interrupt-cells", 1, 3);
	set_cells(fdt, "/mux@9100000", "phandle", 1, 0x99);
	set_cells(fdt, "/pl011@9000000", "interrupt-parent", 1, 0x99);
	expect_fail(fdt, -EINVAL, "/pl011@9000000", "'interrupts'",
		    "mux@9100000");

	/* A parent without #interrupt-cells passes the question up the tree. */
	set_cells(fdt, "/pl011@9000000", "interrupt-parent", 1, 0x8000);
	parse_ok(fdt, &b);
	assert_int_equal(b.uart.irq, 33);

	set_cells(fdt, "/pl011@9000000", "interrupt-parent", 1, 0x1234);
	expect_fail(fdt, -EINVAL, "/pl011@9000000", "'interrupt-parent'",
		    "<0x1234>");
	test_free(fdt);
}

/* Inheritance from the root is what QEMU relies on: take it away. */
static void test_no_interrupt_parent(void **state)
{
	void *fdt = qemu_copy(state);

	del_prop(fdt, "/", "interrupt-parent");
	expect_fail(fdt, -EINVAL, "/timer", "'interrupt-parent'");
	test_free(fdt);
}

/* --- PSCI --------------------------------------------------------------------------------- */

static void test_psci_method_foo(void **state)
{
	void *fdt = qemu_copy(state);

	set_str(fdt, "/psci", "method", "foo");
	expect_fail(fdt, -EINVAL, "/psci", "'method'", "\"foo\"");
	test_free(fdt);
}

static void test_psci_method_missing(void **state)
{
	void *fdt = qemu_copy(state);

	del_prop(fdt, "/psci", "method");
	expect_fail(fdt, -ENOENT, "/psci", "'method' missing");
	test_free(fdt);
}

static void test_psci_hvc(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;

	set_str(fdt, "/psci", "method", "hvc");
	parse_ok(fdt, &b);
	assert_int_equal(b.psci, PSCI_CONDUIT_HVC);
	test_free(fdt);
}

static void test_psci_absent(void **state)
{
	void *fdt = qemu_copy(state);
	struct board b;

	del_node(fdt, "/psci");
	parse_ok(fdt, &b);
	assert_int_equal(b.psci, PSCI_CONDUIT_NONE);
	test_free(fdt);
}

static void test_psci_0_1_refused(void **state)
{
	void *fdt = qemu_copy(state);

	set_str(fdt, "/psci", "compatible", "arm,psci");
	expect_fail(fdt, -EINVAL, "/psci", "'compatible'", "0.1");
	test_free(fdt);
}

/* --- a hand-built board: 1-cell root, 2-cell buses, 'ranges' ------------------------------- */

enum soc_ranges { RANGES_OFFSET, RANGES_EMPTY, RANGES_NONE };

struct tiny_opts {
	enum soc_ranges ranges;
	uint32_t soc_address_cells;	/* 0: the usual 2 */
	uint32_t uart_base_hi;
	uint32_t uart_base_lo;		/* 0: the usual 0x9000000 */
	bool gic_4_cells;
	bool long_model;
};

/*
 * / (#address-cells 1, #size-cells 1)
 *   memory, reserved-memory, cpus (2-cell MPIDRs), intc at the root,
 *   soc (2/2 cells; child 0x1_00000000 -> CPU 0x20000000 and child 0 ->
 *   CPU 0x10000000) holding the PL011,
 *   timer with clock-frequency, psci 0.2 over hvc, stdout via an alias.
 */
static void *build_tiny(const struct tiny_opts *o)
{
	uint32_t soc_ac = o->soc_address_cells ? o->soc_address_cells : 2;
	uint32_t uart_lo = o->uart_base_lo ? o->uart_base_lo : 0x9000000;
	void *fdt = test_malloc(TINY_SIZE);

	assert_int_equal(fdt_create(fdt, TINY_SIZE), 0);
	assert_int_equal(fdt_add_reservemap_entry(fdt, 0x80000000, 0x10000), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);

	sw_begin(fdt, "");
	sw_cells(fdt, "#address-cells", 1, 1);
	sw_cells(fdt, "#size-cells", 1, 1);
	sw_str(fdt, "model", o->long_model ?
	       "tandem,tiny-board-with-a-model-string-much-longer-than-sixty-four-characters" :
	       "tandem,tiny");
	sw_cells(fdt, "interrupt-parent", 1, 1);

	sw_begin(fdt, "memory@80000000");
	sw_str(fdt, "device_type", "memory");
	sw_cells(fdt, "reg", 4, 0x80000000, 0x40000000, 0xc0000000, 0);
	sw_end(fdt);

	sw_begin(fdt, "reserved-memory");
	sw_cells(fdt, "#address-cells", 1, 1);
	sw_cells(fdt, "#size-cells", 1, 1);
	assert_int_equal(fdt_property(fdt, "ranges", NULL, 0), 0);
	sw_begin(fdt, "fw@bf000000");
	sw_cells(fdt, "reg", 2, 0xbf000000, 0x100000);
	sw_end(fdt);
	sw_end(fdt);

	sw_begin(fdt, "cpus");
	sw_cells(fdt, "#address-cells", 1, 2);
	sw_cells(fdt, "#size-cells", 1, 0);
	sw_begin(fdt, "cpu@0");
	sw_str(fdt, "device_type", "cpu");
	sw_cells(fdt, "reg", 2, 0, 0);
	sw_end(fdt);
	sw_begin(fdt, "cpu@100000000");
	sw_str(fdt, "device_type", "cpu");
	sw_cells(fdt, "reg", 2, 1, 0);
	sw_end(fdt);
	sw_begin(fdt, "cpu@10100");
	sw_str(fdt, "device_type", "cpu");
	sw_cells(fdt, "reg", 2, 0, 0x10100);
	sw_end(fdt);
	sw_end(fdt);

	sw_begin(fdt, "intc@2f000000");
	sw_str(fdt, "compatible", "arm,gic-v3");
	sw_cells(fdt, "#interrupt-cells", 1, o->gic_4_cells ? 4 : 3);
	assert_int_equal(fdt_property(fdt, "interrupt-controller", NULL, 0), 0);
	sw_cells(fdt, "phandle", 1, 1);
	sw_cells(fdt, "reg", 4, 0x2f000000, 0x10000, 0x2f100000, 0x200000);
	sw_end(fdt);

	sw_begin(fdt, "soc");
	sw_str(fdt, "compatible", "simple-bus");
	sw_cells(fdt, "#address-cells", 1, soc_ac);
	sw_cells(fdt, "#size-cells", 1, 2);
	if (o->ranges == RANGES_OFFSET)
		sw_cells(fdt, "ranges", 10,
			 1, 0, 0x20000000, 0, 0x1000000,
			 0, 0, 0x10000000, 0, 0x10000000);
	else if (o->ranges == RANGES_EMPTY)
		assert_int_equal(fdt_property(fdt, "ranges", NULL, 0), 0);
	sw_begin(fdt, "uart@9000000");
	assert_int_equal(fdt_property(fdt, "compatible",
				      "arm,pl011\0arm,primecell",
				      sizeof("arm,pl011\0arm,primecell")), 0);
	sw_cells(fdt, "reg", 4, o->uart_base_hi, uart_lo, 0, 0x1000);
	if (o->gic_4_cells)
		sw_cells(fdt, "interrupts", 4, 0, 5, 4, 0);
	else
		sw_cells(fdt, "interrupts", 3, 0, 5, 4);
	sw_end(fdt);
	sw_end(fdt);

	sw_begin(fdt, "timer");
	sw_str(fdt, "compatible", "arm,armv8-timer");
	if (o->gic_4_cells)
		sw_cells(fdt, "interrupts", 16, 1, 13, 8, 0, 1, 14, 8, 0,
			 1, 11, 8, 0, 1, 10, 8, 0);
	else
		sw_cells(fdt, "interrupts", 12, 1, 13, 8, 1, 14, 8,
			 1, 11, 8, 1, 10, 8);
	sw_cells(fdt, "clock-frequency", 1, 62500000);
	sw_end(fdt);

	sw_begin(fdt, "psci");
	sw_str(fdt, "compatible", "arm,psci-0.2");
	sw_str(fdt, "method", "hvc");
	sw_end(fdt);

	sw_begin(fdt, "aliases");
	sw_str(fdt, "serial0", "/soc/uart@9000000");
	sw_end(fdt);

	sw_begin(fdt, "chosen");
	sw_str(fdt, "stdout-path", "serial0:115200n8");
	sw_end(fdt);

	sw_end(fdt);
	assert_int_equal(fdt_finish(fdt), 0);
	return fdt;
}

static void test_tiny_board(void **state)
{
	struct tiny_opts o = { .ranges = RANGES_OFFSET };
	void *fdt = build_tiny(&o);
	struct board b;

	parse_ok(fdt, &b);
	assert_string_equal(b.model, "tandem,tiny");

	/* 1-cell root: the zero-sized second bank is dropped. */
	assert_int_equal(b.n_mem, 1);
	assert_range(&b.mem[0], 0x80000000, 0x40000000);
	assert_int_equal(b.n_reserved, 2);
	assert_range(&b.reserved[0], 0x80000000, 0x10000);
	assert_range(&b.reserved[1], 0xbf000000, 0x100000);

	/* 2-cell /cpus: Aff3 lives in the upper cell. */
	assert_int_equal(b.n_cpus, 3);
	assert_int_equal(b.cpu_mpidr[0], 0);
	assert_int_equal(b.cpu_mpidr[1], 0x100000000ULL);
	assert_int_equal(b.cpu_mpidr[2], 0x10100);

	assert_range(&b.gicd, 0x2f000000, 0x10000);
	assert_int_equal(b.n_gicr, 1);
	assert_range(&b.gicr[0], 0x2f100000, 0x200000);

	/* 2-cell bus address 0x9000000, in the second of soc's ranges. */
	assert_range(&b.uart.reg, 0x19000000, 0x1000);
	assert_int_equal(b.uart.irq, 37);

	assert_int_equal(b.timer_sec_irq, 29);
	assert_int_equal(b.timer_phys_irq, 30);
	assert_int_equal(b.timer_virt_irq, 27);
	assert_int_equal(b.timer_hyp_irq, 26);
	assert_int_equal(b.timer_freq, 62500000);
	assert_int_equal(b.psci, PSCI_CONDUIT_HVC);
	assert_int_equal(b.fdt_size, fdt_totalsize(fdt));
	test_free(fdt);
}

static void test_tiny_first_range(void **state)
{
	struct tiny_opts o = { .ranges = RANGES_OFFSET,
			       .uart_base_hi = 1, .uart_base_lo = 0x1000 };
	void *fdt = build_tiny(&o);
	struct board b;

	parse_ok(fdt, &b);
	assert_range(&b.uart.reg, 0x20001000, 0x1000);
	test_free(fdt);
}

static void test_tiny_identity_ranges(void **state)
{
	struct tiny_opts o = { .ranges = RANGES_EMPTY };
	void *fdt = build_tiny(&o);
	struct board b;

	parse_ok(fdt, &b);
	assert_range(&b.uart.reg, 0x09000000, 0x1000);
	test_free(fdt);
}

static void test_tiny_no_ranges(void **state)
{
	struct tiny_opts o = { .ranges = RANGES_NONE };
	void *fdt = build_tiny(&o);

	expect_fail(fdt, -EINVAL, "board DTB: /soc:", "'ranges' missing",
		    "uart@9000000");
	test_free(fdt);
}

static void test_tiny_outside_ranges(void **state)
{
	struct tiny_opts o = { .ranges = RANGES_OFFSET,
			       .uart_base_lo = 0x10000000 };
	void *fdt = build_tiny(&o);

	expect_fail(fdt, -EINVAL, "board DTB: /soc:", "'ranges'",
		    "does not cover", "uart@9000000");
	test_free(fdt);
}

/* The last byte of the range still fits; one more does not. */
static void test_tiny_ranges_edge(void **state)
{
	struct tiny_opts o = { .ranges = RANGES_OFFSET,
			       .uart_base_lo = 0x0ffff000 };
	void *fdt = build_tiny(&o);
	struct board b;

	parse_ok(fdt, &b);
	assert_range(&b.uart.reg, 0x1ffff000, 0x1000);
	test_free(fdt);

	o.uart_base_lo = 0x0ffff001;
	fdt = build_tiny(&o);
	expect_fail(fdt, -EINVAL, "/soc", "does not cover");
	test_free(fdt);
}

static void test_tiny_three_cell_bus(void **state)
{
	struct tiny_opts o = { .ranges = RANGES_EMPTY,
			       .soc_address_cells = 3 };
	void *fdt = build_tiny(&o);

	expect_fail(fdt, -EINVAL, "board DTB: /soc:", "'#address-cells' is 3");
	test_free(fdt);
}

static void test_tiny_gic_four_cells(void **state)
{
	struct tiny_opts o = { .ranges = RANGES_OFFSET, .gic_4_cells = true };
	void *fdt = build_tiny(&o);
	struct board b;

	parse_ok(fdt, &b);
	assert_int_equal(b.uart.irq, 37);
	assert_int_equal(b.timer_sec_irq, 29);
	assert_int_equal(b.timer_phys_irq, 30);
	assert_int_equal(b.timer_virt_irq, 27);
	assert_int_equal(b.timer_hyp_irq, 26);
	test_free(fdt);
}

static void test_tiny_long_model(void **state)
{
	struct tiny_opts o = { .ranges = RANGES_OFFSET, .long_model = true };
	void *fdt = build_tiny(&o);
	struct board b;

	parse_ok(fdt, &b);
	assert_int_equal(strlen(b.model), sizeof(b.model) - 1);
	assert_memory_equal(b.model, "tandem,tiny-board-with-a-model", 30);
	test_free(fdt);
}

/* --- interrupt specifiers ----------------------------------------------------------------- */

static void test_spec_to_intid(void **state)
{
	assert_int_equal(board_gic_spec_to_intid(0, 0), 32);
	assert_int_equal(board_gic_spec_to_intid(0, 1), 33);
	assert_int_equal(board_gic_spec_to_intid(0, 987), 1019);
	assert_int_equal(board_gic_spec_to_intid(0, 988), 0);	/* 1020: special */
	assert_int_equal(board_gic_spec_to_intid(0, 0xffffffe0), 0);	/* + 32 wraps */
	assert_int_equal(board_gic_spec_to_intid(0, 0xffffffff), 0);

	assert_int_equal(board_gic_spec_to_intid(1, 0), 16);
	assert_int_equal(board_gic_spec_to_intid(1, 15), 31);
	assert_int_equal(board_gic_spec_to_intid(1, 16), 0);
	assert_int_equal(board_gic_spec_to_intid(1, 0xfffffff0), 0);

	/* GICv3.1 extended SPI/PPI ranges are not supported. */
	assert_int_equal(board_gic_spec_to_intid(2, 0), 0);
	assert_int_equal(board_gic_spec_to_intid(3, 0), 0);
	assert_int_equal(board_gic_spec_to_intid(0xffffffff, 1), 0);
}

/* --- fixture ------------------------------------------------------------------------------ */

static int load_qemu_dtb(void **state)
{
	const char *path = getenv("TANDEM_QEMU_DTB");
	struct fixture *f;
	FILE *fp;
	long len;

	if (!path) {
		fprintf(stderr, "TANDEM_QEMU_DTB is not set (make build/qemu-virt.dtb)\n");
		return -1;
	}
	fp = fopen(path, "rb");
	if (!fp) {
		perror(path);
		return -1;
	}
	f = calloc(1, sizeof(*f));
	if (!f || fseek(fp, 0, SEEK_END) || (len = ftell(fp)) <= 0 ||
	    fseek(fp, 0, SEEK_SET)) {
		fclose(fp);
		free(f);
		return -1;
	}
	f->size = (size_t)len;
	f->dtb = malloc(f->size);
	if (!f->dtb || fread(f->dtb, 1, f->size, fp) != f->size ||
	    fdt_check_header(f->dtb) || fdt_totalsize(f->dtb) != f->size) {
		fprintf(stderr, "%s: not a readable DTB\n", path);
		fclose(fp);
		free(f->dtb);
		free(f);
		return -1;
	}
	fclose(fp);
	*state = f;
	return 0;
}

static int free_qemu_dtb(void **state)
{
	struct fixture *f = *state;

	if (f)
		free(f->dtb);
	free(f);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_virt),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_zero_blob),
		cmocka_unit_test(test_garbage_structure),
		cmocka_unit_test(test_err_buffer_limits),
		cmocka_unit_test(test_no_memory),
		cmocka_unit_test(test_memory_only_empty_banks),
		cmocka_unit_test(test_memory_reg_bad_length),
		cmocka_unit_test(test_memory_reg_missing),
		cmocka_unit_test(test_memory_wraps),
		cmocka_unit_test(test_memory_eight_ranges),
		cmocka_unit_test(test_memory_overflow),
		cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_memory_at_zero_and_high),
		cmocka_unit_test(test_reserved_overflow),
		cmocka_unit_test(test_no_cpu_nodes),
		cmocka_unit_test(test_no_cpus_node),
		cmocka_unit_test(test_cpu_disabled_skipped),
		cmocka_unit_test(test_cpu_non_cpu_device_type_skipped),
		cmocka_unit_test(test_cpus_beyond_max),
		cmocka_unit_test(test_cpu_reg_not_mpidr),
		cmocka_unit_test(test_cpu_reg_duplicate),
		cmocka_unit_test(test_cpu_reg_missing),
		cmocka_unit_test(test_cpus_size_cells),
		cmocka_unit_test(test_no_gic),
		cmocka_unit_test(test_gic_without_driver),
		cmocka_unit_test(test_uart_register_layout),
		cmocka_unit_test(test_gic_one_reg_entry),
		cmocka_unit_test(test_gic_two_redist_regions),
		cmocka_unit_test(test_gic_too_many_redist_regions),
		cmocka_unit_test(test_gic_interrupt_cells),
		cmocka_unit_test(test_timer_three_interrupts),
		cmocka_unit_test(test_timer_spi),
		cmocka_unit_test(test_timer_bad_specifier),
		cmocka_unit_test(test_no_timer),
		cmocka_unit_test(test_timer_clock_frequency),
		cmocka_unit_test(test_no_stdout_path),
		cmocka_unit_test(test_stdout_path_dangling),
		cmocka_unit_test(test_stdout_path_options_and_alias),
		cmocka_unit_test(test_legacy_stdout_path),
		cmocka_unit_test(test_stdout_not_pl011),
		cmocka_unit_test(test_stdout_disabled),
		cmocka_unit_test(test_uart_no_interrupts),
		cmocka_unit_test(test_uart_no_reg),
		cmocka_unit_test(test_uart_irq_not_on_gic),
		cmocka_unit_test(test_no_interrupt_parent),
		cmocka_unit_test(test_psci_method_foo),
		cmocka_unit_test(test_psci_method_missing),
		cmocka_unit_test(test_psci_hvc),
		cmocka_unit_test(test_psci_absent),
		cmocka_unit_test(test_psci_0_1_refused),
		cmocka_unit_test(test_tiny_board),
		cmocka_unit_test(test_tiny_first_range),
		cmocka_unit_test(test_tiny_identity_ranges),
		cmocka_unit_test(test_tiny_no_ranges),
		cmocka_unit_test(test_tiny_outside_ranges),
		cmocka_unit_test(test_tiny_ranges_edge),
		cmocka_unit_test(test_tiny_three_cell_bus),
		cmocka_unit_test(test_tiny_gic_four_cells),
		cmocka_unit_test(test_tiny_long_model),
		cmocka_unit_test(test_spec_to_intid),
	};

	return cmocka_run_group_tests(tests, load_qemu_dtb, free_qemu_dtb);
}
