/*
 * A guest's device tree, written with libfdt's sequential-write API into a
 * caller-owned buffer: the subset of QEMU's `virt` board (GICv3) that
 * Tandem emulates, so unmodified Linux and RTOSes built for that board
 * boot as they are. Node names, unit addresses, compatibles and interrupt
 * specifiers follow QEMU's own DTB; what is left out (PCIe, QEMU's virtio-mmio,
 * fw-cfg, flash, RTC, GPIO, PMU, ITS) is not emulated.
 *
 * This file also owns the checks that keep a nonsense layout out of the
 * guest: a DT describing overlapping or misaligned regions, or a UART
 * interrupt the vGIC does not have, would boot into a confusing failure
 * much later.
 *
 * No global state and no allocation. Everything reachable from
 * vm_fdt_build() is free of FP/SIMD instructions, which EL2 code built with
 * -mgeneral-regs-only must not pull in: libfdt's fdt_sw.o and the fdt.o
 * helpers it calls (unlike Debian's fdt_rw.o and fdt_addresses.o), and
 * picolibc's mem*() and strlen(). Hence no snprintf() here either.
 */
/* tandem/types.h (via vm_fdt.h) first: picolibc's sys/cdefs.h clashes. */
#include <virt/vm_fdt.h>
#include <virt/sp805_regs.h>
#include <virt/vm_config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#define GICD_SIZE		KiB(64)
#define GICR_SIZE_PER_VCPU	KiB(128)	/* RD_base + SGI_base frames */
#define UART_SIZE		KiB(4)
#define WDOG_SIZE		KiB(4)
#define PAGE_SIZE_4K		KiB(4)

/* SPIs are INTIDs 32..1019; 1020..1023 are special. */
#define INTID_SPI_BASE		32
#define INTID_SPI_MAX		1019

/* GIC 3-cell interrupt specifier: type, number, flags. */
#define GIC_SPI			0
#define GIC_PPI			1
#define IRQ_LEVEL_HIGH		4	/* GICv3: no CPU mask in the flags */

#define PPI_GIC_MAINTENANCE	9
#define PPI_TIMER_SEC		13
#define PPI_TIMER_PHYS		14
#define PPI_TIMER_VIRT		11
#define PPI_TIMER_HYP		10

#define APB_PCLK_HZ		24000000
/* The watchdog model counts in the clock its node names. */
_Static_assert(SP805_CLOCK_HZ == APB_PCLK_HZ, "SP805 clock is the APB clock");

#define MODEL_PREFIX		"tandem,"

/* Fixed values: nothing else needs a phandle, and they read well in dumps. */
#define PHANDLE_GIC		1
#define PHANDLE_APB_PCLK	2
#define PHANDLE_SHM		3
#define IRQ_EDGE_RISING		1
#define SHM_DB_PAGE		0x1000	/* include/virt/shm_doorbell_regs.h */

/* A short prefix, "@", up to 16 hex digits and the NUL. */
#define NODE_NAME_LEN		32
#define UNIT_ADDR_LEN		(1 + 16 + 1)

#define UART_NODE		"pl011"

/* A string-list property from a literal with embedded NULs, e.g. "a\0b". */
#define prop_strlist(fdt, name, lit) fdt_property(fdt, name, lit, sizeof(lit))

struct region {
	uint64_t base;
	uint64_t size;
};

/* vCPU i's MPIDR affinity, as the vGIC and the vCPU's MPIDR_EL1 give it. */
static uint32_t vcpu_mpidr(unsigned int i)
{
	return ((i / 16) << 8) | (i % 16);
}

static bool region_ok(const struct region *r, uint64_t align)
{
	return r->size && IS_ALIGNED(r->base, align) &&
	       IS_ALIGNED(r->size, align) && r->base + r->size - 1 >= r->base;
}

static bool regions_overlap(const struct region *a, const struct region *b)
{
	return a->base <= b->base + b->size - 1 &&
	       b->base <= a->base + a->size - 1;
}

static bool initrd_ok(const struct vm_fdt_params *p, const struct region *ram)
{
	if (p->initrd_end < p->initrd_start)
		return false;
	if (p->initrd_end == p->initrd_start)
		return true;		/* none */
	return p->initrd_start >= ram->base &&
	       p->initrd_end - 1 <= ram->base + ram->size - 1;
}

static int check_params(const struct vm_fdt_params *p, const void *buf)
{
	struct region r[4];		/* RAM first: the initrd must be in it */
	unsigned int i, j;

	/* The arm64 boot protocol wants the DTB on an 8-byte boundary. */
	if (!p || !buf || !IS_ALIGNED((uintptr_t)buf, 8))
		return -EINVAL;
	if (!p->name || !p->name[0])
		return -EINVAL;
	if (p->n_vcpus == 0 || p->n_vcpus > VM_MAX_VCPUS)
		return -EINVAL;
	if (p->gic_nr_spis > INTID_SPI_MAX + 1 - INTID_SPI_BASE ||
	    p->uart_intid < INTID_SPI_BASE ||
	    p->uart_intid - INTID_SPI_BASE >= p->gic_nr_spis)
		return -EINVAL;

	r[0] = (struct region){ p->ram_base, p->ram_size };
	r[1] = (struct region){ p->gicd_base, GICD_SIZE };
	r[2] = (struct region){ p->gicr_base, p->n_vcpus * GICR_SIZE_PER_VCPU };
	r[3] = (struct region){ p->uart_base, UART_SIZE };
	if (!region_ok(&r[0], PAGE_SIZE_4K) || !region_ok(&r[1], KiB(64)) ||
	    !region_ok(&r[2], KiB(64)) || !region_ok(&r[3], PAGE_SIZE_4K))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(r); i++)
		for (j = i + 1; j < ARRAY_SIZE(r); j++)
			if (regions_overlap(&r[i], &r[j]))
				return -EINVAL;

	if (!initrd_ok(p, &r[0]))
		return -EINVAL;
	if (p->watchdog && (!IS_ALIGNED(p->wdog_base, PAGE_SIZE_4K) ||
			    p->wdog_intid < INTID_SPI_BASE ||
			    p->wdog_intid - INTID_SPI_BASE >= p->gic_nr_spis))
		return -EINVAL;
	if (p->n_virtio && !p->virtio)
		return -EINVAL;
	for (i = 0; i < p->n_virtio; i++)
		if (p->virtio[i].intid < INTID_SPI_BASE ||
		    p->virtio[i].intid - INTID_SPI_BASE >= p->gic_nr_spis)
			return -EINVAL;
	return 0;
}

/* reg = <base size> with the root's 2 address and 2 size cells. */
static int prop_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

static int prop_irq(void *fdt, uint32_t type, uint32_t number)
{
	fdt32_t irq[3] = {
		cpu_to_fdt32(type), cpu_to_fdt32(number),
		cpu_to_fdt32(IRQ_LEVEL_HIGH),
	};

	return fdt_property(fdt, "interrupts", irq, sizeof(irq));
}

/*
 * "<prefix>@<addr in hex>" into out[NODE_NAME_LEN], as QEMU spells unit
 * addresses: lower case, no 0x, no leading zeros. Not snprintf(): picolibc's
 * is variadic code built with FP/SIMD: it spills q0..q7 and clobbers v0.
 */
static void unit_name(char *out, const char *prefix, uint64_t addr)
{
	size_t n = MIN(strlen(prefix), (size_t)(NODE_NAME_LEN - UNIT_ADDR_LEN));
	int shift = 60;

	memcpy(out, prefix, n);
	out[n++] = '@';
	while (shift > 0 && !(addr >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		out[n++] = "0123456789abcdef"[(addr >> shift) & 0xf];
	out[n] = '\0';
}

static int begin_node_at(void *fdt, const char *prefix, uint64_t addr)
{
	char name[NODE_NAME_LEN];

	unit_name(name, prefix, addr);
	return fdt_begin_node(fdt, name);
}

/* model = "tandem,<name>", written in place so no name is too long. */
static int prop_model(void *fdt, const char *name)
{
	size_t plen = sizeof(MODEL_PREFIX) - 1, len = strlen(name);
	char *val;
	int ret;

	if (len > INT_MAX - plen - 1)
		return -FDT_ERR_BADVALUE;
	ret = fdt_property_placeholder(fdt, "model", (int)(plen + len + 1),
				       (void **)&val);
	if (ret)
		return ret;
	memcpy(val, MODEL_PREFIX, plen);
	memcpy(val + plen, name, len + 1);
	return 0;
}

static int write_root_props(void *fdt, const struct vm_fdt_params *p)
{
	int ret;

	ret = fdt_property_u32(fdt, "#address-cells", 2);
	if (!ret)
		ret = fdt_property_u32(fdt, "#size-cells", 2);
	if (!ret)
		ret = fdt_property_string(fdt, "compatible", "linux,dummy-virt");
	if (!ret)
		ret = prop_model(fdt, p->name);
	if (!ret)
		ret = fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC);
	return ret;
}

/* The guest's PSCI calls trap to Tandem; SMC is trapped and answered alike. */
static int write_psci(void *fdt)
{
	int ret;

	ret = fdt_begin_node(fdt, "psci");
	if (!ret)
		ret = prop_strlist(fdt, "compatible",
				   "arm,psci-1.0\0arm,psci-0.2");
	if (!ret)
		ret = fdt_property_string(fdt, "method", "hvc");
	if (!ret)
		ret = fdt_end_node(fdt);
	return ret;
}

static int write_memory(void *fdt, const struct vm_fdt_params *p)
{
	int ret;

	ret = begin_node_at(fdt, "memory", p->ram_base);
	if (!ret)
		ret = fdt_property_string(fdt, "device_type", "memory");
	if (!ret)
		ret = prop_reg(fdt, p->ram_base, p->ram_size);
	if (!ret)
		ret = fdt_end_node(fdt);
	return ret;
}

static int write_cpu(void *fdt, unsigned int i)
{
	int ret;

	ret = begin_node_at(fdt, "cpu", vcpu_mpidr(i));
	if (!ret)
		ret = fdt_property_string(fdt, "device_type", "cpu");
	if (!ret)
		ret = fdt_property_string(fdt, "compatible", "arm,armv8");
	if (!ret)
		ret = fdt_property_u32(fdt, "reg", vcpu_mpidr(i));
	if (!ret)
		ret = fdt_property_string(fdt, "enable-method", "psci");
	if (!ret)
		ret = fdt_end_node(fdt);
	return ret;
}

static int write_cpus(void *fdt, const struct vm_fdt_params *p)
{
	unsigned int i;
	int ret;

	ret = fdt_begin_node(fdt, "cpus");
	if (!ret)
		ret = fdt_property_u32(fdt, "#address-cells", 1);
	if (!ret)
		ret = fdt_property_u32(fdt, "#size-cells", 0);
	for (i = 0; !ret && i < p->n_vcpus; i++)
		ret = write_cpu(fdt, i);
	if (!ret)
		ret = fdt_end_node(fdt);
	return ret;
}

/*
 * #address-cells, #size-cells and the empty ranges are what QEMU gives the
 * GIC for its ITS child; we have no ITS, but dtc warns about an interrupt
 * provider without #address-cells, and guests written against QEMU's tree
 * may look for them.
 */
static int write_gic(void *fdt, const struct vm_fdt_params *p)
{
	fdt64_t reg[4] = {
		cpu_to_fdt64(p->gicd_base), cpu_to_fdt64(GICD_SIZE),
		cpu_to_fdt64(p->gicr_base),
		cpu_to_fdt64(p->n_vcpus * GICR_SIZE_PER_VCPU),
	};
	int ret;

	ret = begin_node_at(fdt, "intc", p->gicd_base);
	if (!ret)
		ret = fdt_property_string(fdt, "compatible", "arm,gic-v3");
	if (!ret)
		ret = fdt_property_u32(fdt, "#interrupt-cells", 3);
	if (!ret)
		ret = fdt_property_u32(fdt, "#address-cells", 2);
	if (!ret)
		ret = fdt_property_u32(fdt, "#size-cells", 2);
	if (!ret)
		ret = fdt_property(fdt, "ranges", NULL, 0);
	if (!ret)
		ret = fdt_property(fdt, "interrupt-controller", NULL, 0);
	if (!ret)
		ret = fdt_property_u32(fdt, "#redistributor-regions", 1);
	if (!ret)
		ret = fdt_property(fdt, "reg", reg, sizeof(reg));
	if (!ret)
		ret = prop_irq(fdt, GIC_PPI, PPI_GIC_MAINTENANCE);
	if (!ret)
		ret = fdt_property_u32(fdt, "phandle", PHANDLE_GIC);
	if (!ret)
		ret = fdt_end_node(fdt);
	return ret;
}

/* The binding's order: secure phys, non-secure phys, virtual, hypervisor. */
static int write_timer(void *fdt)
{
	fdt32_t irqs[12] = {
		cpu_to_fdt32(GIC_PPI), cpu_to_fdt32(PPI_TIMER_SEC),
		cpu_to_fdt32(IRQ_LEVEL_HIGH),
		cpu_to_fdt32(GIC_PPI), cpu_to_fdt32(PPI_TIMER_PHYS),
		cpu_to_fdt32(IRQ_LEVEL_HIGH),
		cpu_to_fdt32(GIC_PPI), cpu_to_fdt32(PPI_TIMER_VIRT),
		cpu_to_fdt32(IRQ_LEVEL_HIGH),
		cpu_to_fdt32(GIC_PPI), cpu_to_fdt32(PPI_TIMER_HYP),
		cpu_to_fdt32(IRQ_LEVEL_HIGH),
	};
	int ret;

	ret = fdt_begin_node(fdt, "timer");
	if (!ret)
		ret = fdt_property_string(fdt, "compatible", "arm,armv8-timer");
	if (!ret)
		ret = fdt_property(fdt, "always-on", NULL, 0);
	if (!ret)
		ret = fdt_property(fdt, "interrupts", irqs, sizeof(irqs));
	if (!ret)
		ret = fdt_end_node(fdt);
	return ret;
}

static int write_apb_pclk(void *fdt)
{
	int ret;

	ret = fdt_begin_node(fdt, "apb-pclk");
	if (!ret)
		ret = fdt_property_string(fdt, "compatible", "fixed-clock");
	if (!ret)
		ret = fdt_property_u32(fdt, "#clock-cells", 0);
	if (!ret)
		ret = fdt_property_u32(fdt, "clock-frequency", APB_PCLK_HZ);
	if (!ret)
		ret = fdt_property_string(fdt, "clock-output-names", "clk24mhz");
	if (!ret)
		ret = fdt_property_u32(fdt, "phandle", PHANDLE_APB_PCLK);
	if (!ret)
		ret = fdt_end_node(fdt);
	return ret;
}

/*
 * An emulated AMBA PrimeCell (its IDs are read from the device) on one level
 * SPI, both of whose clocks are the APB clock: the vPL011 and the SP805.
 * The strings are NUL-separated lists (prop_strlist).
 */
static int write_primecell(void *fdt, const char *node, const char *compat, size_t compat_len,
			   uint64_t base, uint64_t size, irqid_t intid, const char *clock_names,
			   size_t clock_names_len)
{
	fdt32_t clocks[2] = {
		cpu_to_fdt32(PHANDLE_APB_PCLK), cpu_to_fdt32(PHANDLE_APB_PCLK),
	};
	int ret;

	ret = begin_node_at(fdt, node, base);
	if (!ret)
		ret = fdt_property(fdt, "compatible", compat, (int)compat_len);
	if (!ret)
		ret = prop_reg(fdt, base, size);
	if (!ret)
		ret = prop_irq(fdt, GIC_SPI, intid - INTID_SPI_BASE);
	if (!ret)
		ret = fdt_property(fdt, "clock-names", clock_names, (int)clock_names_len);
	if (!ret)
		ret = fdt_property(fdt, "clocks", clocks, sizeof(clocks));
	if (!ret)
		ret = fdt_end_node(fdt);
	return ret;
}

static int write_uart(void *fdt, const struct vm_fdt_params *p)
{
	static const char compat[] = "arm,pl011\0arm,primecell", clk[] = "uartclk\0apb_pclk";

	return write_primecell(fdt, UART_NODE, compat, sizeof(compat), p->uart_base, UART_SIZE,
			       p->uart_intid, clk, sizeof(clk));
}

/* An SP805 as Linux's sp805_wdt binds it; its counter runs on the APB
 * clock (SP805_CLOCK_HZ). */
static int write_watchdog(void *fdt, const struct vm_fdt_params *p)
{
	static const char compat[] = "arm,sp805\0arm,primecell", clk[] = "wdog_clk\0apb_pclk";

	return write_primecell(fdt, "watchdog", compat, sizeof(compat), p->wdog_base, WDOG_SIZE,
			       p->wdog_intid, clk, sizeof(clk));
}

static int write_chosen(void *fdt, const struct vm_fdt_params *p)
{
	char stdout_path[NODE_NAME_LEN];
	int ret;

	unit_name(stdout_path, "/" UART_NODE, p->uart_base);

	ret = fdt_begin_node(fdt, "chosen");
	/* Like QEMU, no bootargs at all rather than an empty one. */
	if (!ret && p->bootargs && p->bootargs[0])
		ret = fdt_property_string(fdt, "bootargs", p->bootargs);
	if (!ret)
		ret = fdt_property_string(fdt, "stdout-path", stdout_path);
	if (!ret && p->initrd_end > p->initrd_start) {
		ret = fdt_property_u64(fdt, "linux,initrd-start",
				       p->initrd_start);
		if (!ret)
			ret = fdt_property_u64(fdt, "linux,initrd-end",
					       p->initrd_end);
	}
	if (!ret)
		ret = fdt_end_node(fdt);
	return ret;
}

/* Board properties a passed-through node gets rewritten, or not at all. */
static bool pt_prop_rewritten(const char *name)
{
	static const char *const names[] = {
		"reg", "interrupts", "interrupt-parent", "interrupts-extended",
		"clocks", "phandle", "linux,phandle", "status",
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/*
 * A passed-through device's board node, in the guest's view: its own
 * properties (compatible, clock-names, dma-coherent, ...) as they are; reg
 * at the guest's IPAs; interrupts at the guest's INTIDs with the board's
 * trigger; clocks pointed at the guest's apb-pclk, the same 24 MHz fixed
 * clock QEMU's board gives its APB devices (#clock-cells = 0).
 */
static int write_passthru(void *fdt, const void *board, const struct vm_fdt_dev *d)
{
	char prefix[NODE_NAME_LEN];
	const char *bname = fdt_get_name(board, d->node, NULL);
	const fdt32_t *clk;
	size_t n = 0;
	int prop, len, ret;

	while (bname && bname[n] && bname[n] != '@' && n < NODE_NAME_LEN - UNIT_ADDR_LEN)
		n++;
	memcpy(prefix, bname ? bname : "device", bname ? n : 7);
	prefix[bname ? n : 7] = '\0';
	ret = begin_node_at(fdt, prefix, d->ipa[0]);
	fdt_for_each_property_offset(prop, board, d->node) {
		const char *name;
		const void *val = fdt_getprop_by_offset(board, prop, &name, &len);

		if (ret)
			return ret;
		if (!val)
			return -FDT_ERR_BADSTRUCTURE;
		if (!pt_prop_rewritten(name))
			ret = fdt_property(fdt, name, val, len);
	}
	if (!ret) {
		fdt64_t reg[2 * PT_MAX_REGS];

		for (unsigned int i = 0; i < d->n_regs; i++) {
			reg[2 * i] = cpu_to_fdt64(d->ipa[i]);
			reg[2 * i + 1] = cpu_to_fdt64(d->size[i]);
		}
		ret = fdt_property(fdt, "reg", reg, (int)(d->n_regs * 2 * sizeof(fdt64_t)));
	}
	if (!ret && d->n_irqs) {
		fdt32_t irqs[3 * PT_MAX_IRQS];

		for (unsigned int i = 0; i < d->n_irqs; i++) {
			irqs[3 * i] = cpu_to_fdt32(GIC_SPI);
			irqs[3 * i + 1] = cpu_to_fdt32(d->intid[i] - INTID_SPI_BASE);
			irqs[3 * i + 2] = cpu_to_fdt32(d->irq_flags[i]);
		}
		ret = fdt_property(fdt, "interrupts", irqs, (int)(d->n_irqs * 3 * sizeof(fdt32_t)));
	}
	clk = fdt_getprop(board, d->node, "clocks", &len);
	if (!ret && clk && len > 0 && len % 4 == 0 && len <= 32) {
		fdt32_t cells[8];

		for (int i = 0; i < len / 4; i++)
			cells[i] = cpu_to_fdt32(PHANDLE_APB_PCLK);
		ret = fdt_property(fdt, "clocks", cells, len);
	}
	if (!ret)
		ret = fdt_end_node(fdt);
	return ret;
}

/*
 * The shared region as reserved memory (no-map: no allocator may take it)
 * and a device node for it: reg = the doorbell page, then the region; the
 * doorbell SPI edge-triggered, since a ring is an event, not a state.
 * Debian's arm64 kernel has no uio_pdrv_genirq, so the node is also a
 * "gpio-keys" with one interrupt-only key that its stock gpio_keys module
 * turns into an input event per ring (docs/shm-linux.md); a kernel with
 * uio_pdrv_genirq binds "tandem,shm-uio" instead (of_id=tandem,shm-uio).
 * The key code is above BTN_MISC, so no console keyboard handler takes it.
 */
#define SHM_COMPATIBLE		"tandem,shm-uio\0gpio-keys"
#define SHM_KEY_CODE		0x2c0	/* BTN_TRIGGER_HAPPY1 */

/* gpio-keys' view: the input device's name ("label") names the region;
 * debounce-interval 0 makes each ring a press and a release at once. */
static int write_shm_key(void *fdt, const struct vm_shm *s, const fdt32_t *irq, int irq_len)
{
	char label[8 + VM_NAME_LEN];
	int ret;

	snprintf(label, sizeof(label), "shm-%s", s->region);
	ret = fdt_property_string(fdt, "label", label);
	if (!ret)
		ret = fdt_begin_node(fdt, "doorbell");
	if (!ret)
		ret = fdt_property_string(fdt, "label", label);
	if (!ret)
		ret = fdt_property(fdt, "interrupts", irq, irq_len);
	if (!ret)
		ret = fdt_property_u32(fdt, "linux,code", SHM_KEY_CODE);
	if (!ret)
		ret = fdt_property_u32(fdt, "debounce-interval", 0);
	if (!ret)
		ret = fdt_end_node(fdt);
	return ret;
}

static int write_shm(void *fdt, const struct vm_shm *s)
{
	fdt64_t reg[4] = {
		cpu_to_fdt64(s->doorbell_ipa), cpu_to_fdt64(SHM_DB_PAGE),
		cpu_to_fdt64(s->ipa), cpu_to_fdt64(s->size),
	};
	fdt32_t irq[3] = {
		cpu_to_fdt32(GIC_SPI), cpu_to_fdt32(s->doorbell_intid - INTID_SPI_BASE),
		cpu_to_fdt32(IRQ_EDGE_RISING),
	};
	int ret;

	ret = fdt_begin_node(fdt, "reserved-memory");
	if (!ret)
		ret = fdt_property_u32(fdt, "#address-cells", 2);
	if (!ret)
		ret = fdt_property_u32(fdt, "#size-cells", 2);
	if (!ret)
		ret = fdt_property(fdt, "ranges", NULL, 0);
	if (!ret)
		ret = begin_node_at(fdt, "shm", s->ipa);
	if (!ret)
		ret = prop_reg(fdt, s->ipa, s->size);
	if (!ret)
		ret = fdt_property(fdt, "no-map", NULL, 0);
	if (!ret)
		ret = fdt_property_u32(fdt, "phandle", PHANDLE_SHM);
	if (!ret)
		ret = fdt_end_node(fdt);
	if (!ret)
		ret = fdt_end_node(fdt);
	if (!ret)
		ret = begin_node_at(fdt, "shm-doorbell", s->doorbell_ipa);
	if (!ret)
		ret = fdt_property(fdt, "compatible", SHM_COMPATIBLE, sizeof(SHM_COMPATIBLE));
	if (!ret)
		ret = fdt_property(fdt, "reg", reg, sizeof(reg));
	if (!ret)
		ret = fdt_property(fdt, "interrupts", irq, sizeof(irq));
	if (!ret)
		ret = fdt_property_u32(fdt, "memory-region", PHANDLE_SHM);
	if (!ret)
		ret = fdt_property_string(fdt, "tandem,region", s->region);
	if (!ret && s->read_only)
		ret = fdt_property(fdt, "read-only", NULL, 0);
	if (!ret)
		ret = write_shm_key(fdt, s, irq, sizeof(irq));
	if (!ret)
		ret = fdt_end_node(fdt);
	return ret;
}

/*
 * A virtio-mmio device Tandem serves, as QEMU's virt board writes its own:
 * the 0x200-byte window, a level SPI (InterruptStatus != 0), and
 * dma-coherent, since the device reads the rings through the same
 * cacheable view of RAM the guest writes them through.
 */
#define VIRTIO_MMIO_WINDOW	0x200	/* include/virt/virtio.h */

static int write_virtio(void *fdt, const struct vm_virtio *d)
{
	fdt32_t irq[3] = {
		cpu_to_fdt32(GIC_SPI), cpu_to_fdt32(d->intid - INTID_SPI_BASE),
		cpu_to_fdt32(IRQ_LEVEL_HIGH),
	};
	int ret = begin_node_at(fdt, "virtio_mmio", d->ipa);

	if (!ret)
		ret = fdt_property_string(fdt, "compatible", "virtio,mmio");
	if (!ret)
		ret = prop_reg(fdt, d->ipa, VIRTIO_MMIO_WINDOW);
	if (!ret)
		ret = fdt_property(fdt, "interrupts", irq, sizeof(irq));
	if (!ret)
		ret = fdt_property(fdt, "dma-coherent", NULL, 0);
	if (!ret)
		ret = fdt_end_node(fdt);
	return ret;
}

static int write_tree(void *fdt, const struct vm_fdt_params *p)
{
	int ret;

	ret = fdt_finish_reservemap(fdt);
	if (!ret)
		ret = fdt_begin_node(fdt, "");
	if (!ret)
		ret = write_root_props(fdt, p);
	if (!ret)
		ret = write_psci(fdt);
	if (!ret)
		ret = write_memory(fdt, p);
	if (!ret)
		ret = write_cpus(fdt, p);
	if (!ret)
		ret = write_gic(fdt, p);
	if (!ret)
		ret = write_timer(fdt);
	if (!ret)
		ret = write_apb_pclk(fdt);
	if (!ret)
		ret = write_uart(fdt, p);
	if (!ret && p->watchdog)
		ret = write_watchdog(fdt, p);
	for (unsigned int i = 0; !ret && i < p->n_devs; i++)
		ret = write_passthru(fdt, p->board_fdt, &p->devs[i]);
	if (!ret && p->shm)
		ret = write_shm(fdt, p->shm);
	for (unsigned int i = 0; !ret && i < p->n_virtio; i++)
		ret = write_virtio(fdt, &p->virtio[i]);
	if (!ret)
		ret = write_chosen(fdt, p);
	if (!ret)
		ret = fdt_end_node(fdt);
	return ret;
}

/*
 * Until fdt_finish() succeeds the buffer carries libfdt's sequential-write
 * magic, not FDT_MAGIC, so a failed build never looks like a valid DTB.
 */
int vm_fdt_build(const struct vm_fdt_params *p, void *buf, size_t size)
{
	int ret;

	ret = check_params(p, buf);
	if (ret)
		return ret;

	ret = fdt_create(buf, (int)MIN(size, (size_t)INT_MAX));
	if (!ret)
		ret = write_tree(buf, p);
	if (!ret)
		ret = fdt_finish(buf);

	if (ret == -FDT_ERR_NOSPACE)
		return -ENOSPC;
	return ret ? -EINVAL : 0;
}
