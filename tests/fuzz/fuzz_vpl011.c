/*
 * Fuzz target for the vPL011 register model (virt/devices/vpl011_regs.c):
 * a sequence of guest accesses of any width and offset in the 4 KiB window
 * and bytes arriving from the console. Checked after each step against the
 * PL011 TRM's register map restated here and a FIFO kept beside the model:
 * widths the device refuses change nothing, reserved offsets read as zero,
 * the PrimeCell IDs read their fixed values, stored registers keep only
 * their defined bits, received bytes come out of UARTDR in order (at most
 * 64 held), UARTFR.RXFE and RIS's receive bits follow the FIFO, UARTMIS is
 * RIS & IMSC and the interrupt line is UARTMIS != 0.
 */
#include <errno.h>
#include <string.h>

#include <virt/vpl011_regs.h>
#include "fuzz_input.h"

#define MAX_STEPS	256

static struct vpl011_regs u;
static uint8_t fifo[VPL011_RX_FIFO];
static unsigned fifo_n;

/* Bits each read-write register keeps (PL011 TRM, "Register descriptions"). */
static uint32_t rw_mask(uint64_t off)
{
	switch (off) {
	case 0x20: return 0xff;		/* ILPR */
	case 0x24: return 0xffff;	/* IBRD */
	case 0x28: return 0x3f;		/* FBRD */
	case 0x2c: return 0xff;		/* LCR_H */
	case 0x30: return 0xffff;	/* CR */
	case 0x34: return 0x3f;		/* IFLS */
	case 0x38: return 0x7ff;	/* IMSC */
	case 0x48: return 0x7;		/* DMACR */
	default: return 0;
	}
}

static bool width_ok(uint64_t off, unsigned size)
{
	return size == 4 || (size == 1 && off == 0) || (size == 2 && off < 0x50);
}

static uint64_t reg(uint64_t off)
{
	uint64_t v = 0xdeadbeef;
	struct vpl011_effect e;

	FUZZ_CHECK(vpl011_regs_access(&u, off, 4, false, &v, &e) == 0, "read 0x%llx",
		   (unsigned long long)off);
	return v;
}

static void check_state(bool level)
{
	uint32_t ris = (uint32_t)reg(0x3c), imsc = (uint32_t)reg(0x38), mis = (uint32_t)reg(0x40);
	uint32_t fr = (uint32_t)reg(0x18);

	FUZZ_CHECK(u.rx_head - u.rx_tail == fifo_n, "model holds %u bytes, want %u",
		   u.rx_head - u.rx_tail, fifo_n);
	FUZZ_CHECK(!(ris & ~0x7ffu) && !(imsc & ~0x7ffu), "RIS 0x%x IMSC 0x%x", ris, imsc);
	FUZZ_CHECK(mis == (ris & imsc), "MIS 0x%x != RIS 0x%x & IMSC 0x%x", mis, ris, imsc);
	FUZZ_CHECK(level == (mis != 0), "line %d with MIS 0x%x", level, mis);
	FUZZ_CHECK(fr == (0x80u | (fifo_n ? 0 : 0x10u)), "FR 0x%x with %u bytes waiting", fr,
		   fifo_n);
	FUZZ_CHECK(!!(ris & 0x50) == (fifo_n != 0) && ((ris >> 4) & 1) == ((ris >> 6) & 1),
		   "RIS RX/RT bits 0x%x with %u bytes waiting", ris & 0x50, fifo_n);
}

/* Registers decode on their exact offset; the ID block answers for all of
 * its bytes; anything else reads as zero. */
static void check_read(uint64_t off, uint64_t v, int popped)
{
	static const uint8_t id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

	if (off == 0)
		FUZZ_CHECK(v == (popped >= 0 ? (uint64_t)popped : 0), "DR read 0x%llx, want %d",
			   (unsigned long long)v, popped);
	else if (rw_mask(off))
		FUZZ_CHECK(!(v & ~(uint64_t)rw_mask(off)), "0x%llx = 0x%llx: reserved bits",
			   (unsigned long long)off, (unsigned long long)v);
	else if (off >= 0xfe0 && off < 0x1000)
		FUZZ_CHECK(v == id[(off - 0xfe0) / 4], "ID 0x%llx = 0x%llx",
			   (unsigned long long)off, (unsigned long long)v);
	else if (off != 0x18 && off != 0x3c && off != 0x40)	/* FR, RIS, MIS: check_state() */
		FUZZ_CHECK(v == 0, "reserved 0x%llx reads 0x%llx", (unsigned long long)off,
			   (unsigned long long)v);
}

static void step_access(struct fuzz_in *in)
{
	static const unsigned sizes[4] = { 1, 2, 4, 8 };
	uint8_t how = fuzz_u8(in);
	unsigned size = sizes[how & 3];
	bool write = how & 4;
	uint64_t off = (how & 8) ? fuzz_u16(in) % VPL011_SIZE : (uint64_t)(fuzz_u8(in) & 0x7c);
	uint64_t val = fuzz_u64(in), v = val;
	struct vpl011_regs was = u;
	struct vpl011_effect e;
	int popped = -1, ret;

	if (!write && off == 0 && width_ok(off, size) && fifo_n) {
		popped = fifo[0];
		memmove(fifo, fifo + 1, --fifo_n);
	}
	ret = vpl011_regs_access(&u, off, size, write, &v, &e);
	if (!width_ok(off, size)) {
		FUZZ_CHECK(ret == -EINVAL, "%u-byte access at 0x%llx accepted", size,
			   (unsigned long long)off);
		FUZZ_CHECK(!memcmp(&was, &u, sizeof(u)), "a refused access changed state");
		return;
	}
	FUZZ_CHECK(ret == 0, "%u-byte access at 0x%llx refused", size, (unsigned long long)off);
	FUZZ_CHECK(e.tx == ((write && off == 0) ? (int)(val & 0xff) : -1), "tx %d", e.tx);
	if (write) {
		if (rw_mask(off) && off != 0x38)
			FUZZ_CHECK(reg(off) == (val & rw_mask(off)), "0x%llx reads 0x%llx after 0x%llx",
				   (unsigned long long)off, (unsigned long long)reg(off),
				   (unsigned long long)val);
		if (off == 0x38)
			FUZZ_CHECK(u.imsc == (val & 0x7ff), "IMSC");
		if (off == 0x44)	/* ICR: cleared bits stay clear unless RX holds them up */
			FUZZ_CHECK(!(u.ris & val & 0x7ff & ~0x50u), "ICR left RIS 0x%x", u.ris);
		if (off == 0)
			FUZZ_CHECK(u.ris & 0x20, "TX interrupt not raised by a write to DR");
	} else {
		check_read(off, v, popped);
	}
	check_state(e.level);
}

static void step_receive(struct fuzz_in *in)
{
	uint8_t c = fuzz_u8(in);
	bool level = vpl011_regs_receive(&u, c);

	if (fifo_n < VPL011_RX_FIFO)
		fifo[fifo_n++] = c;
	check_state(level);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	vpl011_regs_reset(&u);
	fifo_n = 0;
	FUZZ_CHECK(reg(0x30) == 0x300 && reg(0x34) == 0x12 && reg(0x38) == 0,
		   "reset values CR 0x%llx IFLS 0x%llx", (unsigned long long)reg(0x30),
		   (unsigned long long)reg(0x34));
	for (unsigned s = 0; s < MAX_STEPS && in.left; s++) {
		if (fuzz_u8(&in) & 1)
			step_access(&in);
		else
			step_receive(&in);
	}
	return 0;
}
