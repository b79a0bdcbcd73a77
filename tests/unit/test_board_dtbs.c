/*
 * Real boards' device trees through Tandem's board code (kernel/board*.c,
 * kernel/driver.c, the drivers' registrations): what a porter would check
 * by hand. Every RAM bank, the reserved ranges, CPU count and MPIDRs, the
 * GIC's version and frames, the console UART and the driver chosen for it,
 * the timer's PPIs, the PSCI conduit; where Tandem has no driver for the
 * GIC or the UART yet, the exact refusal line.
 *
 * The DTBs come from $TANDEM_BOARD_DTBS (scripts/get-board-dtbs.sh:
 * Debian's linux-image-arm64 and QEMU's dumpdtb). A missing file fails the
 * test: a fixture that silently goes away would make it pass for nothing.
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

#define MAX_DTB (2u << 20)
#define GIB(x) ((uint64_t)(x) << 30)

struct expect {
	const char *file;
	/* The firmware fills /memory in: add what a bootloader would. */
	uint64_t boot_mem_size;
	const char *model;
	int ret;			/* board_parse()'s */
	const char *refusal;		/* its message when ret != 0 */

	unsigned int n_mem;
	struct board_range mem[2];
	unsigned int n_reserved;
	struct board_range reserved[1];
	unsigned int n_cpus;
	uint64_t mpidr[4];
	enum psci_conduit psci;

	unsigned int gic_version;
	const char *gic_compat;
	const char *irqchip;		/* driver name, NULL: none */
	struct board_range gicd, gicr0, gicc, gich, gicv;

	irqid_t timer[4];		/* secure, phys, virt, hyp */

	const char *uart_path, *uart_compat, *uart_options;
	struct board_range uart;
	uint32_t reg_shift, reg_io_width;
	irqid_t uart_irq;
	const char *uart_driver;	/* NULL: none */
};

static const struct expect boards[] = {
	{
		.file = "qemu-virt-gicv3.dtb",
		.model = "linux,dummy-virt",
		.n_mem = 1, .mem = { { 0x40000000, GIB(1) } },
		.n_cpus = 4, .mpidr = { 0, 1, 2, 3 },
		.psci = PSCI_CONDUIT_SMC,
		.gic_version = 3, .gic_compat = "arm,gic-v3", .irqchip = "gicv3",
		.gicd = { 0x08000000, 0x10000 }, .gicr0 = { 0x080a0000, 0xf60000 },
		.timer = { 29, 30, 27, 26 },
		.uart_path = "/pl011@9000000", .uart_compat = "arm,pl011",
		.uart_options = "", .uart = { 0x09000000, 0x1000 },
		.reg_io_width = 1, .uart_irq = 33, .uart_driver = "pl011",
	},
	{
		.file = "qemu-virt-gicv2.dtb",
		.model = "linux,dummy-virt",
		.ret = -ENODEV,
		.refusal = "no driver for interrupt controller /intc@8000000 "
			   "'arm,cortex-a15-gic': supported: arm,gic-v3",
		.n_mem = 1, .mem = { { 0x40000000, GIB(1) } },
		.n_cpus = 4, .mpidr = { 0, 1, 2, 3 },
		.psci = PSCI_CONDUIT_SMC,
		.gic_version = 2, .gic_compat = "arm,cortex-a15-gic",
		.gicd = { 0x08000000, 0x10000 }, .gicc = { 0x08010000, 0x10000 },
		.gich = { 0x08030000, 0x10000 }, .gicv = { 0x08040000, 0x10000 },
		.timer = { 29, 30, 27, 26 },
		.uart_path = "/pl011@9000000", .uart_compat = "arm,pl011",
		.uart_options = "", .uart = { 0x09000000, 0x1000 },
		.reg_io_width = 1, .uart_irq = 33, .uart_driver = "pl011",
	},
	{
		.file = "qemu-versal.dtb",
		.model = "Xilinx Versal Virtual development board",
		.n_mem = 1, .mem = { { 0, GIB(2) } },
		.n_cpus = 2, .mpidr = { 0, 1 },
		.psci = PSCI_CONDUIT_NONE,
		.gic_version = 3, .gic_compat = "arm,gic-v3", .irqchip = "gicv3",
		.gicd = { 0xf9000000, 0x10000 }, .gicr0 = { 0xf9080000, 0x80000 },
		.timer = { 29, 30, 27, 26 },
		.uart_path = "/uart@ff000000", .uart_compat = "arm,pl011",
		.uart_options = "", .uart = { 0xff000000, 0x1000 },
		.reg_io_width = 1, .uart_irq = 50, .uart_driver = "pl011",
	},
	{
		.file = "zynqmp-zcu102-rev1.0.dtb",
		.model = "ZynqMP ZCU102 Rev1.0",
		.ret = -ENODEV,
		.refusal = "no driver for interrupt controller "
			   "/axi/interrupt-controller@f9010000 'arm,gic-400': "
			   "supported: arm,gic-v3",
		.n_mem = 2, .mem = { { 0, GIB(2) }, { 0x800000000ULL, GIB(2) } },
		.n_cpus = 4, .mpidr = { 0, 1, 2, 3 },
		.psci = PSCI_CONDUIT_SMC,
		.gic_version = 2, .gic_compat = "arm,gic-400",
		.gicd = { 0xf9010000, 0x10000 }, .gicc = { 0xf9020000, 0x20000 },
		.gich = { 0xf9040000, 0x20000 }, .gicv = { 0xf9060000, 0x20000 },
		.timer = { 29, 30, 27, 26 },
		.uart_path = "/axi/serial@ff000000", .uart_compat = "xlnx,zynqmp-uart",
		.uart_options = "115200n8", .uart = { 0xff000000, 0x1000 },
		.reg_io_width = 1, .uart_irq = 53, .uart_driver = "cadence",
	},
	{
		.file = "rk3568-evb1-v10.dtb",
		.boot_mem_size = GIB(1),
		.model = "Rockchip RK3568 EVB1 DDR4 V10 Board",
		.n_mem = 1, .mem = { { 0, GIB(1) } },
		.n_cpus = 4, .mpidr = { 0, 0x100, 0x200, 0x300 },
		.psci = PSCI_CONDUIT_SMC,
		.gic_version = 3, .gic_compat = "arm,gic-v3", .irqchip = "gicv3",
		.gicd = { 0xfd400000, 0x10000 }, .gicr0 = { 0xfd460000, 0x80000 },
		.timer = { 29, 30, 27, 26 },
		.uart_path = "/serial@fe660000", .uart_compat = "rockchip,rk3568-uart",
		.uart_options = "1500000n8", .uart = { 0xfe660000, 0x100 },
		.reg_shift = 2, .reg_io_width = 4, .uart_irq = 150,
		.uart_driver = "ns16550",
	},
	{
		.file = "imx8mp-evk.dtb",
		.model = "NXP i.MX8MPlus EVK board",
		.ret = -ENODEV,
		.refusal = "no driver for UART /soc@0/bus@30800000/serial@30890000 "
			   "'fsl,imx8mp-uart': supported: arm,pl011, cdns,uart-r1p12, "
			   "xlnx,xuartps, cdns,uart-r1p8, snps,dw-apb-uart, ns16550a, "
			   "ns16550",
		.n_mem = 2, .mem = { { 0x40000000, GIB(3) }, { 0x100000000ULL, GIB(3) } },
		.n_reserved = 1, .reserved = { { 0x92400000, 0x2000000 } },
		.n_cpus = 4, .mpidr = { 0, 1, 2, 3 },
		.psci = PSCI_CONDUIT_SMC,
		.gic_version = 3, .gic_compat = "arm,gic-v3", .irqchip = "gicv3",
		.gicd = { 0x38800000, 0x10000 }, .gicr0 = { 0x38880000, 0xc0000 },
		.timer = { 29, 30, 27, 26 },
		.uart_path = "/soc@0/bus@30800000/serial@30890000",
		.uart_compat = "fsl,imx8mp-uart", .uart_options = "",
		.uart = { 0x30890000, 0x10000 }, .reg_io_width = 1, .uart_irq = 59,
	},
	{
		.file = "bcm2711-rpi-4-b.dtb",
		.boot_mem_size = GIB(1),
		.model = "Raspberry Pi 4 Model B",
		.ret = -ENODEV,
		.refusal = "no driver for interrupt controller "
			   "/soc/interrupt-controller@40041000 'arm,gic-400': "
			   "supported: arm,gic-v3",
		.n_mem = 1, .mem = { { 0, GIB(1) } },
		.n_reserved = 1, .reserved = { { 0, 0x1000 } },
		.n_cpus = 4, .mpidr = { 0, 1, 2, 3 },
		.psci = PSCI_CONDUIT_NONE,	/* spin-table */
		.gic_version = 2, .gic_compat = "arm,gic-400",
		/* Behind /soc's 'ranges': 0x40041000 on the bus. */
		.gicd = { 0xff841000, 0x1000 }, .gicc = { 0xff842000, 0x2000 },
		.gich = { 0xff844000, 0x2000 }, .gicv = { 0xff846000, 0x2000 },
		.timer = { 29, 30, 27, 26 },
		.uart_path = "/soc/serial@7e215040",
		.uart_compat = "brcm,bcm2835-aux-uart", .uart_options = "115200n8",
		.uart = { 0xfe215040, 0x40 }, .reg_io_width = 1, .uart_irq = 125,
	},
};

static void *load(const char *name)
{
	const char *dir = getenv("TANDEM_BOARD_DTBS");
	char path[512];
	void *buf;
	FILE *f;
	size_t n;

	if (!dir)
		fail_msg("TANDEM_BOARD_DTBS is not set (make unit sets it)");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("%s missing: run scripts/get-board-dtbs.sh", path);
	buf = test_calloc(1, MAX_DTB);
	n = fread(buf, 1, MAX_DTB, f);
	fclose(f);
	assert_true(n > 0);
	assert_int_equal(fdt_check_header(buf), 0);
	assert_int_equal(fdt_open_into(buf, buf, MAX_DTB), 0);
	return buf;
}

/* What the board's boot firmware adds: one bank at 0, in the root's cells. */
static void add_boot_memory(void *fdt, uint64_t size)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	fdt32_t reg[4];
	int node, n = 0;

	node = fdt_path_offset(fdt, "/memory");
	if (node < 0)
		node = fdt_add_subnode(fdt, 0, "memory@0");
	assert_true(node >= 0);
	while (n < ac)
		reg[n++] = 0;
	if (sc == 2)
		reg[n++] = cpu_to_fdt32((uint32_t)(size >> 32));
	reg[n++] = cpu_to_fdt32((uint32_t)size);
	assert_int_equal(fdt_setprop_string(fdt, node, "device_type", "memory"), 0);
	assert_int_equal(fdt_setprop(fdt, node, "reg", reg, n * 4), 0);
}

static void assert_range(const char *board, const char *what,
			 const struct board_range *got,
			 const struct board_range *want)
{
	if (got->base != want->base || got->size != want->size)
		fail_msg("%s: %s is %#llx+%#llx, want %#llx+%#llx", board, what,
			 (unsigned long long)got->base,
			 (unsigned long long)got->size,
			 (unsigned long long)want->base,
			 (unsigned long long)want->size);
}

static void check_board(const struct expect *e)
{
	void *fdt = load(e->file);
	struct board b;
	char err[512];
	unsigned int i;
	int ret;

	if (e->boot_mem_size)
		add_boot_memory(fdt, e->boot_mem_size);
	ret = board_parse(fdt, &b, err, sizeof(err));
	if (ret != e->ret)
		fail_msg("%s: board_parse returned %d (%s), want %d", e->file,
			 ret, err, e->ret);
	assert_string_equal(err, e->ret ? e->refusal : "");
	assert_string_equal(b.model, e->model);

	assert_int_equal(b.n_mem, e->n_mem);
	for (i = 0; i < e->n_mem; i++)
		assert_range(e->file, "RAM bank", &b.mem[i], &e->mem[i]);
	assert_int_equal(b.n_reserved, e->n_reserved);
	for (i = 0; i < e->n_reserved; i++)
		assert_range(e->file, "reserved range", &b.reserved[i],
			     &e->reserved[i]);
	assert_int_equal(b.n_cpus, e->n_cpus);
	for (i = 0; i < e->n_cpus; i++)
		assert_int_equal(b.cpu_mpidr[i], e->mpidr[i]);
	assert_int_equal(b.psci, e->psci);

	assert_int_equal(b.gic_version, e->gic_version);
	assert_string_equal(b.gic_compat, e->gic_compat);
	if (e->irqchip)
		assert_string_equal(b.irqchip_driver->name, e->irqchip);
	else
		assert_null(b.irqchip_driver);
	assert_range(e->file, "GICD", &b.gicd, &e->gicd);
	if (e->gic_version == 3) {
		assert_int_equal(b.n_gicr, 1);
		assert_range(e->file, "GICR", &b.gicr[0], &e->gicr0);
	} else {
		assert_range(e->file, "GICC", &b.gicc, &e->gicc);
		assert_range(e->file, "GICH", &b.gich, &e->gich);
		assert_range(e->file, "GICV", &b.gicv, &e->gicv);
	}

	assert_int_equal(b.timer_sec_irq, e->timer[0]);
	assert_int_equal(b.timer_phys_irq, e->timer[1]);
	assert_int_equal(b.timer_virt_irq, e->timer[2]);
	assert_int_equal(b.timer_hyp_irq, e->timer[3]);
	/* A refused interrupt controller stops binding before the timer. */
	if (e->irqchip)
		assert_string_equal(b.timer_driver->name, "arch_timer");

	assert_string_equal(b.uart.path, e->uart_path);
	assert_string_equal(b.uart.compat, e->uart_compat);
	assert_string_equal(b.uart.options, e->uart_options);
	assert_range(e->file, "UART", &b.uart.reg, &e->uart);
	assert_int_equal(b.uart.reg_shift, e->reg_shift);
	assert_int_equal(b.uart.reg_io_width, e->reg_io_width);
	assert_int_equal(b.uart.irq, e->uart_irq);
	if (e->uart_driver)
		assert_string_equal(b.uart.driver->name, e->uart_driver);
	else
		assert_null(b.uart.driver);
	test_free(fdt);
}

/* The early console reads the same node, before anything else runs. */
static void check_console(const struct expect *e)
{
	void *fdt = load(e->file);
	struct board_uart u;
	char err[512];
	int ret;

	ret = board_find_console(fdt, &u, err, sizeof(err));
	assert_string_equal(u.path, e->uart_path);
	assert_range(e->file, "console", &u.reg, &e->uart);
	if (e->uart_driver) {
		assert_int_equal(ret, 0);
		assert_string_equal(u.driver->name, e->uart_driver);
	} else {
		/* The UART refusal, and a fallback with a driver if there is one. */
		assert_int_equal(ret, -ENODEV);
		assert_non_null(strstr(err, "no driver for UART "));
		assert_non_null(strstr(err, e->uart_path));
	}
	test_free(fdt);
}

static void test_boards(void **state)
{
	for (size_t i = 0; i < sizeof(boards) / sizeof(boards[0]); i++) {
		check_board(&boards[i]);
		check_console(&boards[i]);
	}
}

/* i.MX8MP's console has no driver; its fallback is none either (no other
 * UART there is one Tandem drives): the early console stays silent and
 * boot ends at the BRK of boot_fail. */
static void test_imx8mp_has_no_fallback_uart(void **state)
{
	void *fdt = load("imx8mp-evk.dtb");
	struct board_uart u;

	assert_int_equal(board_find_any_uart(fdt, &u), -ENOENT);
	test_free(fdt);
}

/* RPi 4's console is its mini UART; its PL011 (UART0) is one Tandem drives. */
static void test_rpi4_falls_back_to_pl011(void **state)
{
	void *fdt = load("bcm2711-rpi-4-b.dtb");
	struct board_uart u;

	assert_int_equal(board_find_any_uart(fdt, &u), 0);
	assert_string_equal(u.driver->name, "pl011");
	assert_string_equal(u.path, "/soc/serial@7e201000");
	assert_int_equal(u.reg.base, 0xfe201000);
	test_free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boards),
		cmocka_unit_test(test_imx8mp_has_no_fallback_uart),
		cmocka_unit_test(test_rpi4_falls_back_to_pl011),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
