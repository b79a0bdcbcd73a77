/*
 * Tests for virt/vm_fdt.c.
 *
 * The generated guest DTB is read back three ways: by Tandem's own board
 * parser (kernel/board.c), which must recover exactly the layout that went
 * in; node by node with libfdt, for what board_parse() does not look at
 * (chosen, clocks, phandles, exact property bytes); and by dtc, which must
 * decompile it without a warning. When TANDEM_QEMU_DTB is set, the guest
 * tree built with QEMU's layout must also describe the same devices as
 * QEMU's own virt DTB.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <tandem/board.h>
#include <virt/vm_fdt.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libfdt.h>

#define BUF_SIZE 8192

/* QEMU virt's layout (hw/arm/virt.c), with a bootargs and an initrd. */
static struct vm_fdt_params qemu_layout(void)
{
	return (struct vm_fdt_params){
		.name = "linux",
		.n_vcpus = 4,
		.ram_base = 0x40000000,
		.ram_size = GiB(1),
		.gicd_base = 0x08000000,
		.gicr_base = 0x080a0000,
		.gic_nr_spis = 256,
		.uart_base = 0x09000000,
		.uart_intid = 33,
		.bootargs = "console=ttyAMA0 root=/dev/vda rw",
		.initrd_start = 0x48000000,
		.initrd_end = 0x48345679,
	};
}

/* Nothing in common with QEMU's addresses, so hard-coding one shows up. */
static struct vm_fdt_params other_layout(void)
{
	return (struct vm_fdt_params){
		.name = "rtos",
		.n_vcpus = 2,
		.ram_base = 0x800000000ULL,
		.ram_size = MiB(256),
		.gicd_base = 0x2f000000,
		.gicr_base = 0x2f100000,
		.gic_nr_spis = 96,
		.uart_base = 0x1c090000,
		.uart_intid = 32 + 37,
	};
}

/* --- helpers ------------------------------------------------------------ */

/* Build into a fresh buffer that must come back a complete, valid DTB. */
static void *build(const struct vm_fdt_params *p)
{
	void *fdt = test_malloc(BUF_SIZE);
	int ret;

	memset(fdt, 0xa5, BUF_SIZE);
	ret = vm_fdt_build(p, fdt, BUF_SIZE);
	if (ret)
		fail_msg("vm_fdt_build returned %d", ret);
	assert_int_equal(fdt_check_header(fdt), 0);
	assert_true(fdt_totalsize(fdt) <= BUF_SIZE);
	assert_int_equal(fdt_check_full(fdt, fdt_totalsize(fdt)), 0);
	return fdt;
}

static void parse_ok(const void *fdt, struct board *b)
{
	char err[256];
	int ret;

	ret = board_parse(fdt, b, err, sizeof(err));
	if (ret)
		fail_msg("board_parse returned %d: %s", ret, err);
}

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	if (off < 0)
		fail_msg("node %s missing: %s", path, fdt_strerror(off));
	return off;
}

static const void *prop(const void *fdt, const char *path, const char *name,
			int *len)
{
	const void *p = fdt_getprop(fdt, node(fdt, path), name, len);

	if (!p)
		fail_msg("%s: property '%s' missing", path, name);
	return p;
}

/* The property's bytes are exactly want (string lists: sizeof a literal). */
static void check_bytes(const void *fdt, const char *path, const char *name,
			const void *want, size_t want_len)
{
	int len;
	const void *p = prop(fdt, path, name, &len);

	if ((size_t)len != want_len || memcmp(p, want, want_len))
		fail_msg("%s: property '%s' is not what was expected (%d bytes, want %zu)",
			 path, name, len, want_len);
}

#define check_strlist(fdt, path, name, lit) \
	check_bytes(fdt, path, name, lit, sizeof(lit))

static void check_str(const void *fdt, const char *path, const char *name,
		      const char *want)
{
	check_bytes(fdt, path, name, want, strlen(want) + 1);
}

static void check_empty(const void *fdt, const char *path, const char *name)
{
	check_bytes(fdt, path, name, "", 0);
}

static void check_cells(const void *fdt, const char *path, const char *name,
			const uint32_t *cells, size_t n)
{
	fdt32_t be[16];
	size_t i;

	assert_true(n <= 16);
	for (i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	check_bytes(fdt, path, name, be, n * 4);
}

#define check_u32s(fdt, path, name, ...) \
	check_cells(fdt, path, name, (const uint32_t[]){ __VA_ARGS__ }, \
		    sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4)

static uint64_t prop_u64(const void *fdt, const char *path, const char *name)
{
	int len;
	const void *p = prop(fdt, path, name, &len);

	assert_int_equal(len, 8);
	return fdt64_ld(p);
}

static void check_absent(const void *fdt, const char *path, const char *name)
{
	if (fdt_getprop(fdt, node(fdt, path), name, NULL))
		fail_msg("%s: property '%s' should be absent", path, name);
}

/* The node a one-cell phandle property points at. */
static int follow(const void *fdt, const fdt32_t *ph)
{
	int off;

	assert_int_not_equal(fdt32_ld(ph), 0);
	off = fdt_node_offset_by_phandle(fdt, fdt32_ld(ph));
	if (off < 0)
		fail_msg("phandle <0x%x> names no node", fdt32_ld(ph));
	return off;
}

static void check_board(const struct vm_fdt_params *p, const struct board *b,
			const void *fdt)
{
	char model[64];
	unsigned int i;

	snprintf(model, sizeof(model), "tandem,%s", p->name);
	assert_string_equal(b->model, model);

	assert_int_equal(b->n_mem, 1);
	assert_int_equal(b->mem[0].base, p->ram_base);
	assert_int_equal(b->mem[0].size, p->ram_size);
	assert_int_equal(b->n_reserved, 0);

	assert_int_equal(b->n_cpus, p->n_vcpus);
	for (i = 0; i < p->n_vcpus; i++)
		assert_int_equal(b->cpu_mpidr[i], ((i / 16) << 8) | (i % 16));

	assert_int_equal(b->gicd.base, p->gicd_base);
	assert_int_equal(b->gicd.size, KiB(64));
	assert_int_equal(b->n_gicr, 1);
	assert_int_equal(b->gicr[0].base, p->gicr_base);
	assert_int_equal(b->gicr[0].size, p->n_vcpus * KiB(128));

	assert_int_equal(b->uart.reg.base, p->uart_base);
	assert_int_equal(b->uart.reg.size, KiB(4));
	assert_int_equal(b->uart.irq, p->uart_intid);

	assert_int_equal(b->timer_sec_irq, 29);
	assert_int_equal(b->timer_phys_irq, 30);
	assert_int_equal(b->timer_virt_irq, 27);
	assert_int_equal(b->timer_hyp_irq, 26);
	assert_int_equal(b->timer_freq, 0);

	assert_int_equal(b->psci, PSCI_CONDUIT_HVC);
	assert_int_equal(b->fdt_size, fdt_totalsize(fdt));
}

/* --- what the hypervisor's own parser sees ------------------------------- */

static void test_board_parse_qemu_layout(void **state)
{
	struct vm_fdt_params p = qemu_layout();
	struct board b;
	void *fdt = build(&p);

	parse_ok(fdt, &b);
	check_board(&p, &b, fdt);
	test_free(fdt);
}

static void test_board_parse_other_layout(void **state)
{
	struct vm_fdt_params p = other_layout();
	struct board b;
	void *fdt = build(&p);

	parse_ok(fdt, &b);
	check_board(&p, &b, fdt);

	/* Unit names in hex without 0x, 64-bit ones too. */
	node(fdt, "/memory@800000000");
	node(fdt, "/intc@2f000000");
	node(fdt, "/pl011@1c090000");
	check_str(fdt, "/chosen", "stdout-path", "/pl011@1c090000");
	check_u32s(fdt, "/pl011@1c090000", "interrupts", 0, 37, 4);
	test_free(fdt);
}

/* The unit-address formatter's edges: zero and all 16 hex digits. */
static void test_unit_names(void **state)
{
	struct vm_fdt_params p = other_layout();
	struct board b;
	void *fdt;

	p.ram_base = 0;
	p.uart_base = 0xfffffffffffff000ULL;
	fdt = build(&p);
	parse_ok(fdt, &b);
	check_board(&p, &b, fdt);
	node(fdt, "/memory@0");
	node(fdt, "/pl011@fffffffffffff000");
	check_str(fdt, "/chosen", "stdout-path", "/pl011@fffffffffffff000");
	test_free(fdt);
}

static void test_vcpus_one_and_eight(void **state)
{
	static const unsigned int counts[] = { 1, 8 };
	unsigned int c, i;

	for (c = 0; c < ARRAY_SIZE(counts); c++) {
		struct vm_fdt_params p = qemu_layout();
		fdt64_t gic_reg[4];
		struct board b;
		char path[32];
		int cpus, cpu, n = 0;
		void *fdt;

		p.n_vcpus = counts[c];
		fdt = build(&p);
		parse_ok(fdt, &b);
		check_board(&p, &b, fdt);

		check_u32s(fdt, "/cpus", "#address-cells", 1);
		check_u32s(fdt, "/cpus", "#size-cells", 0);
		for (i = 0; i < p.n_vcpus; i++) {
			snprintf(path, sizeof(path), "/cpus/cpu@%x", i);
			check_str(fdt, path, "device_type", "cpu");
			check_str(fdt, path, "compatible", "arm,armv8");
			check_str(fdt, path, "enable-method", "psci");
			check_u32s(fdt, path, "reg", i);
		}
		cpus = node(fdt, "/cpus");
		fdt_for_each_subnode(cpu, fdt, cpus)
			n++;
		assert_int_equal(n, p.n_vcpus);

		/* The redistributor region is sized for exactly these vCPUs. */
		gic_reg[0] = cpu_to_fdt64(p.gicd_base);
		gic_reg[1] = cpu_to_fdt64(KiB(64));
		gic_reg[2] = cpu_to_fdt64(p.gicr_base);
		gic_reg[3] = cpu_to_fdt64(p.n_vcpus * KiB(128));
		check_bytes(fdt, "/intc@8000000", "reg", gic_reg,
			    sizeof(gic_reg));
		test_free(fdt);
	}
}

/* --- node by node ------------------------------------------------------- */

static void test_root(void **state)
{
	struct vm_fdt_params p = qemu_layout();
	void *fdt = build(&p);
	const fdt32_t *ph;
	int len, gic;

	check_u32s(fdt, "/", "#address-cells", 2);
	check_u32s(fdt, "/", "#size-cells", 2);
	check_str(fdt, "/", "compatible", "linux,dummy-virt");
	check_str(fdt, "/", "model", "tandem,linux");

	ph = prop(fdt, "/", "interrupt-parent", &len);
	assert_int_equal(len, 4);
	gic = follow(fdt, ph);
	assert_int_equal(gic, node(fdt, "/intc@8000000"));
	test_free(fdt);
}

static void test_long_name(void **state)
{
	struct vm_fdt_params p = qemu_layout();
	char name[301], model[320];
	void *fdt;

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	p.name = name;
	fdt = build(&p);
	snprintf(model, sizeof(model), "tandem,%s", name);
	check_str(fdt, "/", "model", model);
	test_free(fdt);
}

static void test_psci(void **state)
{
	struct vm_fdt_params p = qemu_layout();
	void *fdt = build(&p);

	check_strlist(fdt, "/psci", "compatible", "arm,psci-1.0\0arm,psci-0.2");
	check_str(fdt, "/psci", "method", "hvc");
	test_free(fdt);
}

static void test_memory(void **state)
{
	struct vm_fdt_params p = qemu_layout();
	void *fdt = build(&p);
	fdt64_t reg[2] = { cpu_to_fdt64(0x40000000), cpu_to_fdt64(GiB(1)) };

	check_str(fdt, "/memory@40000000", "device_type", "memory");
	check_bytes(fdt, "/memory@40000000", "reg", reg, sizeof(reg));
	test_free(fdt);
}

static void test_gic(void **state)
{
	const char *gic = "/intc@8000000";
	struct vm_fdt_params p = qemu_layout();
	void *fdt = build(&p);

	check_str(fdt, gic, "compatible", "arm,gic-v3");
	check_u32s(fdt, gic, "#interrupt-cells", 3);
	check_u32s(fdt, gic, "#address-cells", 2);
	check_u32s(fdt, gic, "#size-cells", 2);
	check_empty(fdt, gic, "ranges");
	check_empty(fdt, gic, "interrupt-controller");
	check_u32s(fdt, gic, "#redistributor-regions", 1);
	check_u32s(fdt, gic, "interrupts", 1, 9, 4);
	/* The standard name, which libfdt's lookup would not insist on. */
	check_bytes(fdt, gic, "phandle",
		    prop(fdt, "/", "interrupt-parent", NULL), 4);
	test_free(fdt);
}

static void test_timer(void **state)
{
	struct vm_fdt_params p = qemu_layout();
	void *fdt = build(&p);

	check_str(fdt, "/timer", "compatible", "arm,armv8-timer");
	check_empty(fdt, "/timer", "always-on");
	check_u32s(fdt, "/timer", "interrupts",
		   1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4);
	test_free(fdt);
}

static void test_uart_and_clock(void **state)
{
	const char *uart = "/pl011@9000000";
	struct vm_fdt_params p = qemu_layout();
	void *fdt = build(&p);
	fdt64_t reg[2] = { cpu_to_fdt64(0x09000000), cpu_to_fdt64(0x1000) };
	const fdt32_t *clocks;
	int len, clk;

	check_strlist(fdt, uart, "compatible", "arm,pl011\0arm,primecell");
	check_bytes(fdt, uart, "reg", reg, sizeof(reg));
	check_u32s(fdt, uart, "interrupts", 0, 1, 4);
	check_strlist(fdt, uart, "clock-names", "uartclk\0apb_pclk");

	clocks = prop(fdt, uart, "clocks", &len);
	assert_int_equal(len, 8);
	clk = follow(fdt, &clocks[0]);
	assert_int_equal(clk, node(fdt, "/apb-pclk"));
	assert_int_equal(follow(fdt, &clocks[1]), clk);
	check_bytes(fdt, "/apb-pclk", "phandle", &clocks[0], 4);

	check_str(fdt, "/apb-pclk", "compatible", "fixed-clock");
	check_u32s(fdt, "/apb-pclk", "#clock-cells", 0);
	check_u32s(fdt, "/apb-pclk", "clock-frequency", 24000000);
	check_str(fdt, "/apb-pclk", "clock-output-names", "clk24mhz");
	test_free(fdt);
}

static void test_chosen_full(void **state)
{
	struct vm_fdt_params p = qemu_layout();
	void *fdt = build(&p);
	const char *path;
	int len;

	check_str(fdt, "/chosen", "bootargs", "console=ttyAMA0 root=/dev/vda rw");
	check_str(fdt, "/chosen", "stdout-path", "/pl011@9000000");
	path = prop(fdt, "/chosen", "stdout-path", &len);
	assert_int_equal(fdt_path_offset(fdt, path), node(fdt, "/pl011@9000000"));
	assert_int_equal(prop_u64(fdt, "/chosen", "linux,initrd-start"),
			 0x48000000);
	assert_int_equal(prop_u64(fdt, "/chosen", "linux,initrd-end"),
			 0x48345679);
	test_free(fdt);
}

static void test_chosen_minimal(void **state)
{
	struct vm_fdt_params p = qemu_layout();
	unsigned int i;

	for (i = 0; i < 3; i++) {
		void *fdt;

		p = qemu_layout();
		switch (i) {
		case 0:		/* nothing at all */
			p.bootargs = NULL;
			p.initrd_start = p.initrd_end = 0;
			break;
		case 1:		/* empty bootargs, empty initrd */
			p.bootargs = "";
			p.initrd_end = p.initrd_start;
			break;
		case 2:		/* bootargs but no initrd */
			p.initrd_start = p.initrd_end = 0;
			break;
		}
		fdt = build(&p);
		if (i == 2)
			check_str(fdt, "/chosen", "bootargs", p.bootargs);
		else
			check_absent(fdt, "/chosen", "bootargs");
		check_str(fdt, "/chosen", "stdout-path", "/pl011@9000000");
		check_absent(fdt, "/chosen", "linux,initrd-start");
		check_absent(fdt, "/chosen", "linux,initrd-end");
		test_free(fdt);
	}
}

/* --- errors --------------------------------------------------------------- */

/*
 * Every size below what the tree needs is refused, in a buffer of exactly
 * that size so ASan catches a write past it, and leaves no valid DTB.
 */
static void test_enospc(void **state)
{
	struct vm_fdt_params p = qemu_layout();
	size_t need, size;
	void *buf;
	int ret;

	p.n_vcpus = 8;
	buf = build(&p);
	need = fdt_totalsize(buf);
	test_free(buf);

	for (size = 0; size < need; size++) {
		buf = malloc(size ? size : 1);
		assert_non_null(buf);
		ret = vm_fdt_build(&p, buf, size);
		if (ret != -ENOSPC)
			fail_msg("size %zu of %zu: returned %d, want -ENOSPC",
				 size, need, ret);
		if (size >= sizeof(struct fdt_header))
			assert_int_not_equal(fdt_check_header(buf), 0);
		free(buf);
	}

	buf = malloc(need);
	assert_non_null(buf);
	assert_int_equal(vm_fdt_build(&p, buf, need), 0);
	assert_int_equal(fdt_totalsize(buf), need);
	assert_int_equal(fdt_check_full(buf, need), 0);
	free(buf);
}

/*
 * Apply bad edit i to p (QEMU's layout without an initrd, so that each edit
 * is wrong in one way only); NULL when there are no more.
 */
static const char *break_params(struct vm_fdt_params *p, unsigned int i)
{
	switch (i) {
	case 0: p->n_vcpus = 0; return "0 vCPUs";
	case 1: p->n_vcpus = 9; return "9 vCPUs";
	case 2: p->ram_size = 0; return "no RAM";
	case 3: p->ram_size = GiB(1) + 0x800; return "RAM size not 4K";
	case 4: p->ram_base = 0x40000800; return "RAM base not 4K";
	case 5: p->ram_base = 0xffffffffe0000000ULL; return "RAM wraps";
	case 6: p->name = NULL; return "no name";
	case 7: p->name = ""; return "empty name";
	case 8: p->gicd_base = 0x08001000; return "GICD not 64K aligned";
	case 9: p->gicr_base = 0x080a1000; return "GICR not 64K aligned";
	case 10: p->uart_base = 0x09000800; return "UART not 4K aligned";
	case 11: p->uart_intid = 31; return "UART on a PPI";
	case 12: p->uart_intid = 32 + 256; return "UART past the SPIs";
	case 13: p->gic_nr_spis = 0; return "no SPIs";
	case 14:
		p->gic_nr_spis = 989;
		p->uart_intid = 1020;
		return "SPIs into the special INTIDs";
	case 15: p->uart_base = 0x40001000; return "UART inside RAM";
	case 16: p->gicr_base = p->gicd_base; return "GICR on GICD";
	case 17: p->gicd_base = 0x09000000; return "GICD on the UART";
	case 18:
		/* Fits for 4 vCPUs, reaches the UART with 8. */
		p->gicr_base = 0x08f10000;
		p->n_vcpus = 8;
		return "GICR of 8 vCPUs over the UART";
	case 19: p->ram_base = 0x08000000; p->ram_size = MiB(16);
		return "RAM over the GIC";
	case 20:
		p->initrd_start = 0x48000000;
		p->initrd_end = 0x47ffffff;
		return "initrd end < start";
	case 21:
		p->initrd_start = 0x7ffff000;
		p->initrd_end = 0x80000001;
		return "initrd past RAM";
	case 22:
		p->initrd_start = 0x3ffff000;
		p->initrd_end = 0x40001000;
		return "initrd before RAM";
	default: return NULL;
	}
}

/* Limits that are still fine (same base as above): no check is off by one. */
static const char *edge_params(struct vm_fdt_params *p, unsigned int i)
{
	switch (i) {
	case 0: p->n_vcpus = 8; return "8 vCPUs";
	case 1: p->uart_intid = 32 + 256 - 1; return "last SPI";
	case 2:
		p->gic_nr_spis = 988;
		p->uart_intid = 1019;
		return "INTID 1019";
	case 3:
		p->gicr_base = 0x08f00000;
		p->n_vcpus = 8;
		return "GICR of 8 vCPUs ends where the UART starts";
	case 4:
		p->initrd_start = 0x40000000;
		p->initrd_end = 0x80000000;
		return "initrd is all of RAM";
	case 5: p->initrd_start = p->initrd_end = 0x90000000;
		return "empty initrd outside RAM";
	case 6:
		p->ram_base = 0xffffffffc0000000ULL;
		return "RAM ends at the top of the address space";
	case 7: p->gicr_base = 0x08010000; return "GICR right after GICD";
	default: return NULL;
	}
}

static struct vm_fdt_params no_initrd(void)
{
	struct vm_fdt_params p = qemu_layout();

	p.initrd_start = p.initrd_end = 0;
	return p;
}

static void test_einval(void **state)
{
	struct vm_fdt_params p = no_initrd();
	uint64_t raw[BUF_SIZE / 8];
	const char *what;
	unsigned int i;
	int ret;

	assert_int_equal(vm_fdt_build(NULL, raw, sizeof(raw)), -EINVAL);
	assert_int_equal(vm_fdt_build(&p, NULL, BUF_SIZE), -EINVAL);
	/* The arm64 boot protocol puts the DTB on an 8-byte boundary. */
	assert_int_equal(vm_fdt_build(&p, (char *)raw + 4, sizeof(raw) - 8),
			 -EINVAL);

	for (i = 0; (what = break_params(&p, i)); i++) {
		ret = vm_fdt_build(&p, raw, sizeof(raw));
		if (ret != -EINVAL)
			fail_msg("%s: returned %d, want -EINVAL", what, ret);
		p = no_initrd();
	}
	assert_true(i > 20);

	for (i = 0; (what = edge_params(&p, i)); i++) {
		struct board b;

		ret = vm_fdt_build(&p, raw, sizeof(raw));
		if (ret)
			fail_msg("%s: returned %d, want 0", what, ret);
		parse_ok(raw, &b);
		check_board(&p, &b, raw);
		p = no_initrd();
	}
	assert_true(i > 6);
}

/* --- dtc ------------------------------------------------------------------ */

static bool have_dtc(void)
{
	return system("command -v dtc >/dev/null 2>&1") == 0;
}

/* Decompile with dtc: must succeed and print nothing on stderr. */
static void check_dtc(const void *fdt)
{
	char dtb[] = "/tmp/test_vm_fdt_XXXXXX";
	char log[] = "/tmp/test_vm_fdt_err_XXXXXX";
	char cmd[256], msg[512] = "";
	struct stat st;
	FILE *fp;
	int fd, logfd, status;

	fd = mkstemp(dtb);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, fdt, fdt_totalsize(fdt)),
			 (ssize_t)fdt_totalsize(fdt));
	close(fd);
	logfd = mkstemp(log);
	assert_true(logfd >= 0);
	close(logfd);

	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o /dev/null %s 2>%s",
		 dtb, log);
	status = system(cmd);
	assert_int_equal(stat(log, &st), 0);
	fp = fopen(log, "r");
	if (fp) {
		size_t n = fread(msg, 1, sizeof(msg) - 1, fp);

		msg[n] = '\0';
		fclose(fp);
	}
	unlink(dtb);
	unlink(log);

	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("dtc failed (status 0x%x): %s", status, msg);
	if (st.st_size)
		fail_msg("dtc warned: %s", msg);
}

static void test_dtc_clean(void **state)
{
	struct vm_fdt_params full = qemu_layout(), minimal = other_layout();
	void *fdt;

	if (!have_dtc())
		skip();

	full.n_vcpus = 8;
	fdt = build(&full);
	check_dtc(fdt);
	test_free(fdt);

	minimal.n_vcpus = 1;
	fdt = build(&minimal);
	check_dtc(fdt);
	test_free(fdt);
}

/* --- against QEMU's own virt DTB ---------------------------------------- */

static void *load_file(const char *path, size_t *size)
{
	FILE *fp = fopen(path, "rb");
	void *data = NULL;
	long len;

	if (!fp)
		return NULL;
	if (!fseek(fp, 0, SEEK_END) && (len = ftell(fp)) > 0 &&
	    !fseek(fp, 0, SEEK_SET)) {
		data = malloc((size_t)len);
		if (data && fread(data, 1, (size_t)len, fp) != (size_t)len) {
			free(data);
			data = NULL;
		}
		*size = (size_t)len;
	}
	fclose(fp);
	return data;
}

/* Same property bytes in our node and QEMU's. */
static void check_same(const void *ours, const void *qemu, const char *path,
		       const char *name)
{
	int len;
	const void *want = prop(qemu, path, name, &len);

	check_bytes(ours, path, name, want, (size_t)len);
}

/*
 * Give the guest QEMU's layout (read from QEMU's DTB by board_parse) and
 * it must describe the same memory, CPUs, GIC, timer, UART and clock.
 */
static void test_matches_qemu(void **state)
{
	const char *path = getenv("TANDEM_QEMU_DTB");
	struct vm_fdt_params p = qemu_layout();
	struct board q, b;
	size_t size;
	void *qemu, *fdt;
	unsigned int i;

	if (!path)
		skip();
	qemu = load_file(path, &size);
	if (!qemu)
		fail_msg("%s: cannot read", path);
	assert_int_equal(fdt_check_full(qemu, size), 0);
	parse_ok(qemu, &q);

	p.n_vcpus = q.n_cpus;
	p.ram_base = q.mem[0].base;
	p.ram_size = q.mem[0].size;
	p.initrd_start = p.initrd_end = 0;
	fdt = build(&p);
	parse_ok(fdt, &b);

	assert_memory_equal(b.mem, q.mem, sizeof(q.mem));
	assert_int_equal(b.n_cpus, q.n_cpus);
	for (i = 0; i < q.n_cpus; i++)
		assert_int_equal(b.cpu_mpidr[i], q.cpu_mpidr[i]);
	assert_memory_equal(&b.gicd, &q.gicd, sizeof(q.gicd));
	assert_int_equal(b.gicr[0].base, q.gicr[0].base);
	assert_memory_equal(&b.uart.reg, &q.uart.reg, sizeof(q.uart.reg));
	assert_int_equal(b.uart.irq, q.uart.irq);
	assert_int_equal(b.timer_sec_irq, q.timer_sec_irq);
	assert_int_equal(b.timer_phys_irq, q.timer_phys_irq);
	assert_int_equal(b.timer_virt_irq, q.timer_virt_irq);
	assert_int_equal(b.timer_hyp_irq, q.timer_hyp_irq);

	check_same(fdt, qemu, "/", "#address-cells");
	check_same(fdt, qemu, "/", "#size-cells");
	check_same(fdt, qemu, "/", "compatible");
	check_same(fdt, qemu, "/timer", "interrupts");
	check_same(fdt, qemu, "/intc@8000000", "interrupts");
	check_same(fdt, qemu, "/intc@8000000", "#interrupt-cells");
	check_same(fdt, qemu, "/pl011@9000000", "compatible");
	check_same(fdt, qemu, "/pl011@9000000", "reg");
	check_same(fdt, qemu, "/pl011@9000000", "interrupts");
	check_same(fdt, qemu, "/pl011@9000000", "clock-names");
	check_same(fdt, qemu, "/apb-pclk", "clock-frequency");
	check_same(fdt, qemu, "/apb-pclk", "clock-output-names");
	check_same(fdt, qemu, "/chosen", "stdout-path");
	test_free(fdt);
	free(qemu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_board_parse_qemu_layout),
		cmocka_unit_test(test_board_parse_other_layout),
		cmocka_unit_test(test_unit_names),
		cmocka_unit_test(test_vcpus_one_and_eight),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_long_name),
		cmocka_unit_test(test_psci),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_gic),
		cmocka_unit_test(test_timer),
		cmocka_unit_test(test_uart_and_clock),
		cmocka_unit_test(test_chosen_full),
		cmocka_unit_test(test_chosen_minimal),
		cmocka_unit_test(test_enospc),
		cmocka_unit_test(test_einval),
		cmocka_unit_test(test_dtc_clean),
		cmocka_unit_test(test_matches_qemu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
