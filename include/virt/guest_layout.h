/*
 * What every VM sees besides its RAM (virt/vm.c builds it): the vGIC and
 * vPL011 windows and the interrupt numbers they use, and the guest-physical
 * space stage 2 is built for. The config checks (vm_config*.c) keep the
 * ranges and interrupts a config names clear of these.
 */
#ifndef VIRT_GUEST_LAYOUT_H
#define VIRT_GUEST_LAYOUT_H

#include <tandem/types.h>

#define GUEST_GICD_BASE		0x08000000UL
#define GUEST_GICR_BASE		0x080a0000UL
#define GUEST_UART_BASE		0x09000000UL
#define GUEST_UART_INTID	33
/* The SP805 watchdog of a VM whose config asks for one (QEMU virt leaves
 * this page and SPI 13 free); kept clear for every VM, so adding a watchdog
 * to a config never moves another device. */
#define GUEST_WDOG_BASE		0x090c0000UL
#define GUEST_WDOG_INTID	45
#define GUEST_NR_SPIS		96
#define GUEST_SPI_MIN		32
#define GUEST_INTID_MAX		(GUEST_SPI_MIN + GUEST_NR_SPIS - 1)
/* Stage 2 is built for 40-bit guest-physical addresses. */
#define GUEST_IPA_LIMIT		(1ULL << 40)

/* The generated DTB lives in the top 2 MiB of RAM; the initrd, if any,
 * page-aligned just below it. */
#define GUEST_DTB_SPACE		MiB(2)
#define GUEST_INITRD_ALIGN	0x1000ULL

/* Where an initrd of `size` bytes goes in RAM [ram_base, +ram_size): true
 * with *at, or false when it does not fit between the base and the DTB. */
static inline bool guest_initrd_at(uint64_t ram_base, uint64_t ram_size, uint64_t size,
				   uint64_t *at)
{
	uint64_t room, where;

	if (ram_size < GUEST_DTB_SPACE)
		return false;
	room = ram_size - GUEST_DTB_SPACE;
	if (size > room)
		return false;
	where = ALIGN_DOWN(ram_base + room - size, GUEST_INITRD_ALIGN);
	if (where < ram_base)
		return false;
	*at = where;
	return true;
}

struct guest_window {
	uint64_t base, size;
	const char *what;
};

/* The fixed device window that [base, base + size) overlaps, or NULL. */
static inline const struct guest_window *guest_window_overlap(uint64_t base, uint64_t size)
{
	static const struct guest_window windows[] = {
		{ GUEST_GICD_BASE, 0x200000, "the vGIC" },
		{ GUEST_UART_BASE, 0x1000, "the vPL011" },
		{ GUEST_WDOG_BASE, 0x1000, "the watchdog" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(windows); i++)
		if (ranges_overlap(base, size, windows[i].base, windows[i].size))
			return &windows[i];
	return NULL;
}

/* Which of Tandem's own devices raises guest INTID g, or NULL. */
static inline const char *guest_intid_owner(unsigned g)
{
	if (g == GUEST_UART_INTID)
		return "the guest's vPL011";
	if (g == GUEST_WDOG_INTID)
		return "the guest's watchdog";
	return NULL;
}

#endif
