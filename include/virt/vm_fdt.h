/*
 * Writing a guest's device tree: memory, cpus (PSCI enable-method), GICv3,
 * generic timer, PL011, PSCI, chosen (bootargs, stdout-path, initrd).
 */
#ifndef VIRT_VM_FDT_H
#define VIRT_VM_FDT_H

#include <tandem/types.h>

struct vm_fdt_params {
	const char *name;		/* VM name, put in /model as "tandem,<name>" */
	unsigned n_vcpus;		/* cpu@i with reg = MPIDR affinity (Aff0 = i % 16, Aff1 = i / 16) */
	uint64_t ram_base, ram_size;
	uint64_t gicd_base;		/* 64 KiB */
	uint64_t gicr_base;		/* 128 KiB per vCPU */
	unsigned gic_nr_spis;
	uint64_t uart_base;		/* PL011, 4 KiB */
	irqid_t uart_intid;		/* INTID (SPI n -> n + 32) */
	const char *bootargs;		/* may be NULL */
	uint64_t initrd_start, initrd_end;	/* IPA; 0/0 = none */
};

/* Build the DTB into buf. Returns 0 or -errno (-ENOSPC if it does not fit). */
int vm_fdt_build(const struct vm_fdt_params *p, void *buf, size_t size);

#endif
