/*
 * Tests for virt/passthru_board.c, and the guest DTB node virt/vm_fdt.c
 * writes from it, against QEMU's own virt DTB (TANDEM_QEMU_DTB, made by
 * `make build/qemu-virt.dtb`): a device named by path gets the board's reg
 * and interrupts, one given by reg is found; the host's own devices, RAM,
 * a range or a path the board lacks and a non-SPI interrupt are refused
 * with one line naming file, node and property.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <tandem/board.h>
#include <virt/passthru.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

struct fixture {
	void *dtb;
	struct board b;
};

static int load(void **state)
{
	const char *path = getenv("TANDEM_QEMU_DTB");
	struct fixture *f = calloc(1, sizeof(*f));
	FILE *fp = path ? fopen(path, "rb") : NULL;
	long len;

	if (!fp || !f) {
		fprintf(stderr, "TANDEM_QEMU_DTB is not set or unreadable (make build/qemu-virt.dtb)\n");
		return -1;
	}
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	f->dtb = malloc((size_t)len);
	if (fread(f->dtb, 1, (size_t)len, fp) != (size_t)len)
		return -1;
	fclose(fp);
	if (board_parse(f->dtb, &f->b, NULL, 0))
		return -1;
	*state = f;
	return 0;
}

static int unload(void **state)
{
	struct fixture *f = *state;

	free(f->dtb);
	free(f);
	return 0;
}

static struct vm_config config(void)
{
	struct vm_config c;

	memset(&c, 0, sizeof(c));
	strcpy(c.name, "vm");
	strcpy(c.file, "configs/x.dts");
	c.ram_base = 0x40000000;
	c.ram_size = 0x2000000;
	c.n_passthru = 1;
	strcpy(c.passthru[0].name, "d");
	c.passthru[0].no_dma = true;	/* the PL031 and PL061 are no bus masters */
	return c;
}

static int resolve(struct fixture *f, struct vm_config *c, struct vm_fdt_dev *out, char *err)
{
	err[0] = '\0';
	return passthru_resolve(f->dtb, &f->b, c, 0, &c->passthru[0], out, err, 256);
}

static void expect_refused(struct fixture *f, struct vm_config *c, const char *why)
{
	struct vm_fdt_dev out;
	char err[256];

	assert_int_equal(resolve(f, c, &out, err), -EINVAL);
	if (strncmp(err, "configs/x.dts: /vm/passthrough/d: ", 34) || !strstr(err, why) ||
	    strchr(err, '\n'))
		fail_msg("message \"%s\", want \"%s\"", err, why);
}

static void test_by_path(void **state)
{
	struct fixture *f = *state;
	struct vm_config c = config();
	struct vm_fdt_dev out;
	char err[256];

	strcpy(c.passthru[0].device, "/pl031@9010000");
	assert_int_equal(resolve(f, &c, &out, err), 0);
	assert_int_equal(c.passthru[0].n_regs, 1);
	assert_int_equal(c.passthru[0].pa[0], 0x9010000);
	assert_int_equal(c.passthru[0].size[0], 0x1000);
	assert_int_equal(c.passthru[0].n_irqs, 1);
	assert_int_equal(c.passthru[0].intid[0], 34);
	assert_int_equal(out.node, fdt_path_offset(f->dtb, "/pl031@9010000"));
	assert_int_equal(out.ipa[0], 0x9010000);
	assert_int_equal(out.intid[0], 34);
	assert_int_equal(out.irq_flags[0], 4);
	assert_false(passthru_irq_edge(out.irq_flags[0]));

	/* moved in the guest */
	c = config();
	strcpy(c.passthru[0].device, "/pl031@9010000");
	c.passthru[0].n_guest_regs = 1;
	c.passthru[0].ipa[0] = 0x0c000000;
	c.passthru[0].n_guest_irqs = 1;
	c.passthru[0].guest_intid[0] = 64;
	assert_int_equal(resolve(f, &c, &out, err), 0);
	assert_int_equal(out.ipa[0], 0x0c000000);
	assert_int_equal(out.intid[0], 64);

	/* a virtio-mmio transport: a sub-page range, an edge interrupt, DMA,
	 * so only direct-mapped and with the no-IOMMU hole accepted */
	c = config();
	strcpy(c.passthru[0].device, "/virtio_mmio@a000200");
	c.passthru[0].no_dma = false;
	c.passthru[0].dma_no_iommu = true;
	c.ram_base = c.ram_phys = 0x60000000;
	assert_int_equal(resolve(f, &c, &out, err), 0);
	assert_int_equal(c.passthru[0].pa[0], 0xa000200);
	assert_int_equal(c.passthru[0].size[0], 0x200);
	assert_int_equal(c.passthru[0].intid[0], 32 + 17);
	assert_true(passthru_irq_edge(out.irq_flags[0]));
}

static void test_by_reg(void **state)
{
	struct fixture *f = *state;
	struct vm_config c = config();
	struct vm_fdt_dev out;
	char err[256];

	c.passthru[0].n_regs = 1;
	c.passthru[0].pa[0] = 0x9030000;
	c.passthru[0].size[0] = 0x1000;
	c.passthru[0].n_irqs = 1;
	c.passthru[0].intid[0] = 39;
	assert_int_equal(resolve(f, &c, &out, err), 0);
	assert_int_equal(out.node, fdt_path_offset(f->dtb, "/pl061@9030000"));
	assert_int_equal(out.irq_flags[0], 4);	/* the board's, for SPI 7 */

	/* many nodes' pages in one range: every page is some device's */
	c = config();
	c.passthru[0].no_dma = false;
	c.passthru[0].dma_no_iommu = true;
	c.ram_base = c.ram_phys = 0x60000000;
	c.passthru[0].n_regs = 1;
	c.passthru[0].pa[0] = 0xa000000;
	c.passthru[0].size[0] = 0x4000;		/* QEMU's 32 virtio-mmio transports */
	assert_int_equal(resolve(f, &c, &out, err), 0);
}

static void test_refused(void **state)
{
	struct fixture *f = *state;
	struct vm_config c;

	c = config();
	strcpy(c.passthru[0].device, "/nope");
	expect_refused(f, &c, "property 'device': '/nope' is not in the board DTB");
	c = config();
	strcpy(c.passthru[0].device, "/pl011@9000000");
	expect_refused(f, &c, "0x9000000+0x1000 is the host's console UART");
	c = config();
	c.passthru[0].n_regs = 1;
	c.passthru[0].n_guest_regs = 1;
	c.passthru[0].ipa[0] = 0x20000000;
	c.passthru[0].pa[0] = 0x50000000;
	c.passthru[0].size[0] = 0x1000;
	expect_refused(f, &c, "0x50000000+0x1000 is RAM, not a device");
	c.passthru[0].pa[0] = 0xb000000;
	expect_refused(f, &c, "property 'reg': 0xb000000+0x1000 is not a device in the board DTB");
	/* the PL061's page and the empty one after it: only devices are mapped */
	c.passthru[0].pa[0] = 0x9030000;
	c.passthru[0].size[0] = 0x2000;
	expect_refused(f, &c, "property 'reg': 0x9030000+0x2000 is not all devices of the board DTB (nothing at 0x9031000)");
	c.passthru[0].size[0] = 0x1000;
	c = config();
	c.passthru[0].n_regs = 1;
	c.passthru[0].pa[0] = 0x9030000;
	c.passthru[0].size[0] = 0x1000;
	c.passthru[0].n_irqs = 1;
	c.passthru[0].intid[0] = 33;
	c.passthru[0].n_guest_irqs = 1;
	c.passthru[0].guest_intid[0] = 40;
	expect_refused(f, &c, "interrupt 33 is the host's console UART's");
	/* DMA: the hole must be accepted, and the VM direct-mapped */
	c = config();
	strcpy(c.passthru[0].device, "/virtio_mmio@a000000");
	expect_refused(f, &c, "property 'no-dma': the board DTB says the device does DMA (dma-coherent)");
	c.passthru[0].no_dma = false;
	expect_refused(f, &c, "the device may do DMA and there is no IOMMU");
	c.passthru[0].dma_no_iommu = true;
	expect_refused(f, &c, "property 'dma-no-iommu': a DMA device needs the VM direct-mapped");
	c.ram_phys = 0x60000000;
	expect_refused(f, &c, "memory-phys = memory-base, now 0x60000000 and 0x40000000");
	/* guest view counts must match the board's */
	c = config();
	strcpy(c.passthru[0].device, "/pl031@9010000");
	c.passthru[0].n_guest_irqs = 2;
	expect_refused(f, &c, "property 'guest-interrupts' has 2 entries, the device has 1");
	/* 1:1 on top of the guest's RAM */
	c = config();
	c.ram_base = 0x09000000 + 0x1000;
	strcpy(c.passthru[0].device, "/pl031@9010000");
	expect_refused(f, &c, "property 'guest-reg'");
}

/* A device that does not say it is no bus master is taken for one, even
 * if the board says nothing about DMA (a non-coherent SD or Ethernet). */
static void test_dma_unless_said_otherwise(void **state)
{
	struct fixture *f = *state;
	struct vm_config c = config();
	struct vm_fdt_dev out;
	char err[256];

	strcpy(c.passthru[0].device, "/pl031@9010000");
	c.passthru[0].no_dma = false;
	expect_refused(f, &c, "the device may do DMA and there is no IOMMU: it could reach all memory (say 'no-dma;' if it is no bus master, 'dma-no-iommu;' to accept that)");
	c.passthru[0].dma_no_iommu = true;
	expect_refused(f, &c, "property 'dma-no-iommu': a DMA device needs the VM direct-mapped");
	c.ram_phys = c.ram_base;
	assert_int_equal(resolve(f, &c, &out, err), 0);
	/* given by reg: the same rule */
	c = config();
	c.passthru[0].no_dma = false;
	c.passthru[0].n_regs = 1;
	c.passthru[0].pa[0] = 0x9030000;
	c.passthru[0].size[0] = 0x1000;
	expect_refused(f, &c, "the device may do DMA and there is no IOMMU");
}

static void set_reg(struct vm_config *c, uint64_t pa, uint64_t size)
{
	c->passthru[0].n_regs = 1;
	c->passthru[0].pa[0] = pa;
	c->passthru[0].size[0] = size;
	c->passthru[0].n_guest_regs = 1;
	c->passthru[0].ipa[0] = 0x20000000;
}

/* No frame of the interrupt controller, by path or by range: the GIC node
 * and its children (QEMU's ITS), and any msi-controller. */
static void test_irq_controller_refused(void **state)
{
	struct fixture *f = *state;
	struct vm_config c;

	c = config();
	strcpy(c.passthru[0].device, "/intc@8000000/its@8080000");
	c.passthru[0].n_guest_regs = 1;		/* clear of the vGIC in the guest */
	c.passthru[0].ipa[0] = 0x20000000;
	expect_refused(f, &c, "property 'device': '/intc@8000000/its@8080000' is part of the interrupt controller (an msi-controller), never a guest's");
	c = config();
	strcpy(c.passthru[0].device, "/intc@8000000");
	expect_refused(f, &c, "property 'device': '/intc@8000000' is part of the interrupt controller, never a guest's");
	c = config();
	set_reg(&c, 0x8080000, 0x20000);
	expect_refused(f, &c, "property 'reg': 0x8080000+0x20000 is the interrupt controller's (/intc@8000000/its@8080000, an msi-controller), never a guest's");
	set_reg(&c, 0x8090000, 0x1000);	/* the ITS's translation frame alone */
	expect_refused(f, &c, "(/intc@8000000/its@8080000, an msi-controller)");
	set_reg(&c, 0x8000000, 0x10000);
	expect_refused(f, &c, "property 'reg': 0x8000000+0x10000 is the interrupt controller's (/intc@8000000), never a guest's");
	set_reg(&c, 0x80a0000, 0x1000);
	expect_refused(f, &c, "property 'reg': 0x80a0000+0x1000 is the interrupt controller's (/intc@8000000)");
}

/* The node the guest's DTB gets for the PL031. */
static void test_guest_node(void **state)
{
	struct fixture *f = *state;
	struct vm_config c = config();
	struct vm_fdt_params p = {
		.name = "vm", .n_vcpus = 1, .ram_base = 0x40000000, .ram_size = 0x2000000,
		.gicd_base = 0x08000000, .gicr_base = 0x080a0000, .gic_nr_spis = 96,
		.uart_base = 0x09000000, .uart_intid = 33,
	};
	static uint8_t buf[16384];
	struct vm_fdt_dev dev;
	const fdt32_t *cells;
	const char *s;
	char err[256];
	int node, len;

	strcpy(c.passthru[0].device, "/pl031@9010000");
	c.passthru[0].n_guest_regs = 1;
	c.passthru[0].ipa[0] = 0x0c000000;
	c.passthru[0].n_guest_irqs = 1;
	c.passthru[0].guest_intid[0] = 64;
	assert_int_equal(resolve(f, &c, &dev, err), 0);
	p.board_fdt = f->dtb;
	p.n_devs = 1;
	p.devs = &dev;
	assert_int_equal(vm_fdt_build(&p, buf, sizeof(buf)), 0);
	node = fdt_path_offset(buf, "/pl031@c000000");
	assert_true(node >= 0);
	s = fdt_getprop(buf, node, "compatible", &len);
	assert_int_equal(len, sizeof("arm,pl031\0arm,primecell"));
	assert_memory_equal(s, "arm,pl031\0arm,primecell", len);
	cells = fdt_getprop(buf, node, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt32_ld(&cells[1]), 0x0c000000);
	assert_int_equal(fdt32_ld(&cells[3]), 0x1000);
	cells = fdt_getprop(buf, node, "interrupts", &len);
	assert_int_equal(len, 12);
	assert_int_equal(fdt32_ld(&cells[0]), 0);
	assert_int_equal(fdt32_ld(&cells[1]), 64 - 32);
	assert_int_equal(fdt32_ld(&cells[2]), 4);
	/* clocks point at the guest's own apb-pclk */
	cells = fdt_getprop(buf, node, "clocks", &len);
	assert_int_equal(len, 4);
	assert_int_equal(fdt_node_offset_by_phandle(buf, fdt32_ld(&cells[0])),
			 fdt_path_offset(buf, "/apb-pclk"));
	s = fdt_getprop(buf, node, "clock-names", &len);
	assert_string_equal(s, "apb_pclk");
	assert_null(fdt_getprop(buf, node, "phandle", &len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_path),
		cmocka_unit_test(test_by_reg),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_dma_unless_said_otherwise),
		cmocka_unit_test(test_irq_controller_refused),
		cmocka_unit_test(test_guest_node),
	};

	return cmocka_run_group_tests(tests, load, unload);
}
