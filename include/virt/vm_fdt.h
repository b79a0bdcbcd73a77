/*
 * Writing a guest's device tree: memory, cpus (PSCI enable-method), GICv3,
 * generic timer, PL011, PSCI, chosen (bootargs, stdout-path, initrd).
 */
#ifndef VIRT_VM_FDT_H
#define VIRT_VM_FDT_H

#include <tandem/types.h>
#include <virt/vm_config.h>

/*
 * A passed-through device: its node in the board DTB, copied into the
 * guest's tree with reg, interrupts and clocks rewritten to the guest's
 * view (virt/passthru.c).
 */
struct vm_fdt_dev {
	int node;			/* offset in board_fdt */
	unsigned n_regs;
	uint64_t ipa[PT_MAX_REGS], size[PT_MAX_REGS];
	unsigned n_irqs;
	irqid_t intid[PT_MAX_IRQS];	/* the guest's INTIDs */
	uint32_t irq_flags[PT_MAX_IRQS];	/* the board's trigger flags */
};

struct vm_fdt_params {
	const char *name;		/* VM name, put in /model as "tandem,<name>" */
	unsigned n_vcpus;		/* cpu@i with reg = MPIDR affinity (Aff0 = i % 16, Aff1 = i / 16) */
	uint64_t ram_base, ram_size;
	uint64_t gicd_base;		/* 64 KiB */
	uint64_t gicr_base;		/* 128 KiB per vCPU */
	unsigned gic_nr_spis;
	uint64_t uart_base;		/* PL011, 4 KiB */
	irqid_t uart_intid;		/* INTID (SPI n -> n + 32) */
	bool watchdog;			/* an SP805 at wdog_base (4 KiB), wdog_intid */
	uint64_t wdog_base;
	irqid_t wdog_intid;
	const char *bootargs;		/* may be NULL */
	uint64_t initrd_start, initrd_end;	/* IPA; 0/0 = none */
	const void *board_fdt;		/* where devs' nodes are */
	unsigned n_devs;
	const struct vm_fdt_dev *devs;
	const struct vm_shm *shm;	/* shared region and doorbell, NULL = none */
	unsigned n_virtio;		/* virtio-mmio devices Tandem serves */
	const struct vm_virtio *virtio;
};

/* Build the DTB into buf. Returns 0 or -errno (-ENOSPC if it does not fit). */
int vm_fdt_build(const struct vm_fdt_params *p, void *buf, size_t size);

#endif
