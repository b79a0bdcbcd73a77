/*
 * Fuzz target for MMIO syndrome decode (virt/mmio_decode.c) plus access
 * emulation: each step is a data abort (any ESR_EL2, any fault address) and
 * a register file, handled the way the vCPU's data-abort path does it
 * (decode, take the store value from Rt with xzr and size masking, call the
 * device, put the load value back through mmio_load_value()) on a small
 * bus of the VM's real devices: the vGIC distributor and redistributors and
 * the vPL011 register model. Checked against the Arm ARM's data-abort ISS
 * layout and LDR/LDRB/LDRH/LDRSB/LDRSH/LDRSW semantics restated here.
 */
#include <errno.h>
#include <string.h>

#include <virt/mmio_decode.h>
#include <virt/vgic.h>
#include <virt/vpl011_regs.h>
#include "fuzz_input.h"

#define MAX_STEPS	64
#define GICD_BASE	0x08000000ULL
#define GICR_BASE	0x080a0000ULL
#define UART_BASE	0x09000000ULL

static struct vgic gic;
static struct vpl011_regs uart;
static unsigned n_vcpus;
static uint64_t x[32];		/* x0..x30, [31] stays 0 (xzr) */

static void kick(void *ctx, unsigned vcpu)
{
	FUZZ_CHECK(vcpu < n_vcpus, "kick of vcpu %u", vcpu);
}

/* The bus: which device answers an IPA, as find_mmio() does. */
static int bus_access(unsigned vcpu, uint64_t ipa, unsigned size, bool write, uint64_t *val)
{
	struct vpl011_effect e;

	if (ipa >= GICD_BASE && ipa - GICD_BASE < VGIC_DIST_SIZE)
		return vgic_dist_access(&gic, vcpu, ipa - GICD_BASE, size, write, val);
	if (ipa >= GICR_BASE && ipa - GICR_BASE < VGIC_REDIST_STRIDE * n_vcpus) {
		uint64_t off = ipa - GICR_BASE;
		unsigned target = (unsigned)(off / VGIC_REDIST_STRIDE);

		return vgic_redist_access(&gic, target, off % VGIC_REDIST_STRIDE, size, write, val);
	}
	if (ipa >= UART_BASE && ipa - UART_BASE < VPL011_SIZE) {
		int ret = vpl011_regs_access(&uart, ipa - UART_BASE, size, write, val, &e);

		if (!ret && e.level)
			vgic_inject(&gic, 0, 33, true);
		FUZZ_CHECK(e.tx >= -1 && e.tx <= 0xff, "tx byte %d", e.tx);
		return ret;
	}
	return -ENODEV;
}

/* What an A64 load of size bytes leaves in its destination register. */
static uint64_t ref_load(uint64_t raw, unsigned size, bool sse, bool sf)
{
	uint64_t v;

	switch (size) {
	case 1: v = sse ? (uint64_t)(int64_t)(int8_t)raw : (uint8_t)raw; break;
	case 2: v = sse ? (uint64_t)(int64_t)(int16_t)raw : (uint16_t)raw; break;
	case 4: v = sse ? (uint64_t)(int64_t)(int32_t)raw : (uint32_t)raw; break;
	default: v = raw; break;
	}
	return sf ? v : (uint32_t)v;	/* a W destination clears [63:32] */
}

static void step(struct fuzz_in *in)
{
	uint64_t esr = fuzz_u64(in) & 0xffffffffULL;	/* ESR_EL2[63:32] is RES0 here */
	uint8_t pick = fuzz_u8(in);
	uint64_t ipa, raw = fuzz_u64(in);
	unsigned vcpu = fuzz_u8(in) % n_vcpus;
	struct mmio_access a;
	uint64_t val = 0, before[32];
	bool ok_expect;
	int ret;

	/* Mostly well-formed syndromes into the device window; the rest raw. */
	if (pick & 1)
		esr = (esr & ~(0x3fULL << 26)) | (0x24ULL << 26) | (1ULL << 24);
	switch ((pick >> 1) & 3) {
	case 0: ipa = GICD_BASE + fuzz_u16(in); break;
	case 1: ipa = GICR_BASE + fuzz_u32(in) % (VGIC_REDIST_STRIDE * (n_vcpus + 1)); break;
	case 2: ipa = UART_BASE + fuzz_u16(in) % (2 * VPL011_SIZE); break;
	default: ipa = fuzz_u64(in) & ((1ULL << 40) - 1); break;
	}

	memset(&a, 0xa5, sizeof(a));
	ret = mmio_decode(esr, &a);
	ok_expect = ((esr >> 26) & 0x3f) == 0x24 && (esr & (1ULL << 24)) && !(esr & (1ULL << 7));
	FUZZ_CHECK((ret == 0) == ok_expect, "ESR 0x%llx decoded %d", (unsigned long long)esr, ret);
	if (ret) {
		FUZZ_CHECK(ret == -EINVAL, "decode returned %d", ret);
		return;
	}
	FUZZ_CHECK(a.size == 1u << ((esr >> 22) & 3), "size %u from SAS", a.size);
	FUZZ_CHECK(a.reg == ((esr >> 16) & 0x1f), "reg %u from SRT", a.reg);
	FUZZ_CHECK(a.write == !!(esr & (1ULL << 6)), "WnR");
	FUZZ_CHECK(a.sign_extend == !!(esr & (1ULL << 21)), "SSE");
	FUZZ_CHECK(a.sixty_four == !!(esr & (1ULL << 15)), "SF");

	FUZZ_CHECK(mmio_load_value(&a, raw) == ref_load(raw, a.size, a.sign_extend, a.sixty_four),
		   "load of 0x%llx (size %u, sse %d, sf %d) gave 0x%llx", (unsigned long long)raw,
		   a.size, a.sign_extend, a.sixty_four,
		   (unsigned long long)mmio_load_value(&a, raw));

	/* The emulation, as the vCPU's data-abort handler does it. */
	memcpy(before, x, sizeof(x));
	if (a.write) {
		val = a.reg == 31 ? 0 : x[a.reg];
		if (a.size < 8)
			val &= (1ULL << (a.size * 8)) - 1;
	}
	ret = bus_access(vcpu, ipa, a.size, a.write, &val);
	if (ret)
		return;				/* abort injected: registers untouched */
	FUZZ_CHECK(a.size == 8 || val < (1ULL << (a.size * 8)),
		   "%u-byte access at 0x%llx left 0x%llx", a.size, (unsigned long long)ipa,
		   (unsigned long long)val);
	if (!a.write && a.reg != 31)
		x[a.reg] = mmio_load_value(&a, val);
	for (unsigned r = 0; r < 32; r++)
		if (r != a.reg || a.write || a.reg == 31)
			FUZZ_CHECK(x[r] == before[r], "x%u changed by an access to x%u", r, a.reg);
	FUZZ_CHECK(x[31] == 0, "xzr written");
	if (!a.write && a.reg != 31 && !a.sixty_four)
		FUZZ_CHECK(!(x[a.reg] >> 32), "W load left bits [63:32]");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	n_vcpus = 1 + fuzz_u8(&in) % VGIC_MAX_VCPUS;
	vgic_init(&gic, n_vcpus, 96, kick, NULL);
	vpl011_regs_reset(&uart);
	for (unsigned r = 0; r < 31; r++)
		x[r] = fuzz_u64(&in);
	x[31] = 0;
	for (unsigned s = 0; s < MAX_STEPS && in.left; s++)
		step(&in);
	return 0;
}
