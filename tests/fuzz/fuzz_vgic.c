/*
 * Fuzz target for the vGIC register models (virt/vgic.c, vgic_dist.c,
 * vgic_redist.c): an input is a VM shape (vCPUs, SPIs) and a sequence of
 * steps, each a distributor or redistributor access of any width and offset,
 * a line injection, an SGI, a bounded collect or a reset. After every step
 * the state is checked against what the GICv3 architecture and the model's
 * contract (include/virt/vgic.h) promise, from rules written here:
 *
 * - nothing outside the VM's shape changes (SPIs past nr_spis, vCPUs past
 *   n_vcpus), stored fields keep only their defined bits;
 * - reads of every width agree with 32-bit reads; reserved offsets and bits
 *   read as zero, fixed registers read their fixed values; misaligned and
 *   odd-sized accesses fail; writes to read-only or reserved offsets change
 *   nothing; storage registers read back what was written;
 * - the deliverable set each vCPU collects is exactly the one computed here
 *   from the irq state, in priority then INTID order, and every vCPU that
 *   gains a deliverable interrupt was kicked;
 * - every raised interrupt is on the pending list of the vCPU it goes to,
 *   each list in priority then INTID order, its members all saying so;
 * - a reset leaves exactly a fresh vGIC, whose registers read the
 *   architecture's reset values.
 */
#include <errno.h>
#include <string.h>

#include <virt/vgic.h>
#include "fuzz_input.h"

#define MAX_STEPS	64
#define MAX_RESETS	2
#define ALL_IRQS	(VGIC_NR_PRIVATE + VGIC_MAX_SPIS)

#define GICD_CTLR_FIXED	0x50u		/* ARE | DS */
#define IROUTER_LO	0x80ffffffu	/* IRM, Aff2..0 */
#define IROUTER_HI	0xffu		/* Aff3 */

static struct vgic g, fresh;
static unsigned kicked;
static unsigned n_vcpus, nr_spis;

static void kick(void *ctx, unsigned vcpu)
{
	FUZZ_CHECK(ctx == &g, "kick with a foreign context");
	FUZZ_CHECK(vcpu < g.n_vcpus, "kick of vcpu %u (n_vcpus %u)", vcpu, g.n_vcpus);
	kicked |= 1u << vcpu;
}

static uint64_t vcpu_mpidr(unsigned v)
{
	return ((uint64_t)(v / 16) << 8) | (v % 16);
}

static bool spi_in_range(unsigned intid)
{
	return intid >= VGIC_NR_PRIVATE && intid - VGIC_NR_PRIVATE < nr_spis;
}

/* ---- what a 32-bit read may return (GICv3 register layout) ------------------ */

/* Bits of a one-bit-per-INTID distributor word that exist. */
static uint32_t dist_bitmap_mask(uint32_t word)
{
	uint32_t m = 0;

	for (unsigned i = 0; i < 32; i++)
		if (spi_in_range(word * 32 + i))
			m |= 1u << i;
	return m;
}

static uint32_t dist_bytes_mask(uint32_t first)
{
	uint32_t m = 0;

	for (unsigned i = 0; i < 4; i++)
		if (spi_in_range(first + i))
			m |= 0xffu << (8 * i);
	return m;
}

static uint32_t cfg_mask(uint32_t first, bool banked)
{
	uint32_t m = 0;

	for (unsigned i = 0; i < 16; i++)
		if (banked ? first + i < VGIC_NR_PRIVATE : spi_in_range(first + i))
			m |= 2u << (2 * i);	/* bit 2n is RES0 */
	return m;
}

/* CoreSight IDs: PIDR2.ArchRev = 3 (GICv3), the CIDRs' fixed preamble. */
static void check_id(uint32_t o, uint32_t v)
{
	static const uint8_t cidr[4] = { 0x0d, 0xf0, 0x05, 0xb1 };

	FUZZ_CHECK(!(v & ~0xffu), "ID register 0x%x = 0x%x has bits above 7", o, v);
	if (o == 0xffe8)
		FUZZ_CHECK((v >> 4) == 3, "PIDR2 = 0x%x: ArchRev is not 3", v);
	if (o >= 0xfff0)
		FUZZ_CHECK(v == cidr[(o - 0xfff0) / 4], "CIDR at 0x%x = 0x%x", o, v);
}

static void check_dist_word(uint32_t o, uint32_t v)
{
	uint32_t allowed = 0;

	if (o == 0x0000) {
		FUZZ_CHECK((v & ~0x7u) == GICD_CTLR_FIXED, "GICD_CTLR = 0x%x", v);
		return;
	}
	if (o == 0x0004) {
		uint32_t want = (1u << 24) | (15u << 19) | ((nr_spis + 32) / 32 - 1);

		FUZZ_CHECK(v == want, "GICD_TYPER = 0x%x, want 0x%x", v, want);
		return;
	}
	if (o == 0x0008) {
		FUZZ_CHECK(v == 0x5400043Bu, "GICD_IIDR = 0x%x", v);
		return;
	}
	if (o >= 0xffd0) {
		check_id(o, v);
		return;
	}
	if ((o >= 0x0080 && o < 0x0400) || (o >= 0x0d00 && o < 0x0d80))
		allowed = dist_bitmap_mask((o & 0x7f) / 4);
	else if (o >= 0x0400 && o < 0x07fc)
		allowed = dist_bytes_mask(o - 0x0400);
	else if (o >= 0x0c00 && o < 0x0d00)
		allowed = cfg_mask((o - 0x0c00) * 4, false);
	else if (o >= 0x6100 && o < 0x7fe0) {
		unsigned intid = VGIC_NR_PRIVATE + (o - 0x6100) / 8;

		if (spi_in_range(intid))
			allowed = (o & 4) ? IROUTER_HI : IROUTER_LO;
	}
	FUZZ_CHECK(!(v & ~allowed), "GICD 0x%04x = 0x%08x: bits 0x%08x are reserved", o, v,
		   v & ~allowed);
}

static void check_redist_word(unsigned vcpu, uint32_t o, uint32_t v)
{
	uint32_t allowed = 0;

	if (o == 0x0004) {
		FUZZ_CHECK(v == 0x5400043Bu, "GICR_IIDR = 0x%x", v);
		return;
	}
	if (o == 0x0008) {
		uint32_t want = (vcpu << 8) | (vcpu == n_vcpus - 1 ? 1u << 4 : 0);

		FUZZ_CHECK(v == want, "GICR%u_TYPER[31:0] = 0x%x, want 0x%x", vcpu, v, want);
		return;
	}
	if (o == 0x000c) {
		FUZZ_CHECK(v == (uint32_t)vcpu_mpidr(vcpu), "GICR%u_TYPER[63:32] = 0x%x", vcpu, v);
		return;
	}
	if (o == 0x0014) {
		FUZZ_CHECK(v == 0 || v == 6, "GICR_WAKER = 0x%x", v);
		return;
	}
	if (o >= 0xffd0 && o < 0x10000) {
		check_id(o, v);
		return;
	}
	if (o >= 0x10080 && o < 0x10400 && (o & 0x7f) == 0)
		allowed = ~0u;			/* IGROUPR0, IS/IC{ENABLE,PEND,ACTIVE}R0 */
	else if (o >= 0x10400 && o < 0x10420)
		allowed = ~0u;			/* IPRIORITYR0..7 */
	else if (o == 0x10c00) {
		FUZZ_CHECK(v == 0xaaaaaaaau, "GICR_ICFGR0 = 0x%x: SGIs are edge", v);
		return;
	} else if (o == 0x10c04)
		allowed = cfg_mask(16, true);
	else if (o == 0x10d00)
		allowed = ~0u;			/* IGRPMODR0 */
	FUZZ_CHECK(!(v & ~allowed), "GICR%u 0x%05x = 0x%08x: bits 0x%08x are reserved", vcpu,
		   o, v, v & ~allowed);
}

/* ---- accesses ---------------------------------------------------------------- */

static int frame_access(bool redist, unsigned vcpu, uint64_t off, unsigned size, bool write,
			uint64_t *val)
{
	return redist ? vgic_redist_access(&g, vcpu, off, size, write, val)
		      : vgic_dist_access(&g, vcpu, off, size, write, val);
}

static uint32_t read_word(bool redist, unsigned vcpu, uint32_t o)
{
	uint64_t v = 0xdeadbeefdeadbeefULL;
	int ret = frame_access(redist, vcpu, o, 4, false, &v);

	FUZZ_CHECK(ret == 0, "aligned 32-bit read of %s 0x%x failed (%d)",
		   redist ? "GICR" : "GICD", o, ret);
	FUZZ_CHECK(v <= 0xffffffffULL, "32-bit read returned 0x%llx", (unsigned long long)v);
	if (redist)
		check_redist_word(vcpu, o, (uint32_t)v);
	else
		check_dist_word(o, (uint32_t)v);
	return (uint32_t)v;
}

/* Registers whose writes are meant to change state; every other offset of
 * the frame is read-only, reserved or RAZ/WI under ARE = 1, DS = 1. */
static bool stateful(bool redist, uint64_t o)
{
	if (redist)
		return o == 0x14 || (o >= 0x10080 && o < 0x10400 && (o & 0x7f) < 4) ||
		       (o >= 0x10400 && o < 0x10420) || (o >= 0x10c04 && o < 0x10c08) ||
		       (o >= 0x10d00 && o < 0x10d04);
	return o < 4 || (o >= 0x80 && o < 0x7fc) || (o >= 0xc00 && o < 0xd80) ||
	       (o >= 0x6100 && o < 0x7fe0);
}

struct snap {
	uint32_t ctlr;
	struct vgic_irq spis[VGIC_MAX_SPIS];
	struct vgic_cpu cpu[VGIC_MAX_VCPUS];
};

static void take(struct snap *s)
{
	s->ctlr = g.ctlr;
	memcpy(s->spis, g.spis, sizeof(g.spis));
	memcpy(s->cpu, g.cpu, sizeof(g.cpu));
}

static bool same(const struct snap *s)
{
	return s->ctlr == g.ctlr && !memcmp(s->spis, g.spis, sizeof(g.spis)) &&
	       !memcmp(s->cpu, g.cpu, sizeof(g.cpu));
}

/* Storage registers read back the written bits that exist; a set-enable
 * write leaves its bits set, a clear-enable write leaves them clear. */
static void check_read_back(bool redist, unsigned vcpu, uint32_t o, uint32_t val)
{
	uint32_t now = read_word(redist, vcpu, o);
	uint32_t mask = 0;
	enum { STORE, SET, CLEAR, OTHER } kind = OTHER;

	if (!redist) {
		if ((o >= 0x80 && o < 0x100) || (o >= 0xd00 && o < 0xd80))
			kind = STORE, mask = dist_bitmap_mask((o & 0x7f) / 4);
		else if (o >= 0x100 && o < 0x180)
			kind = SET, mask = dist_bitmap_mask((o & 0x7f) / 4);
		else if (o >= 0x180 && o < 0x200)
			kind = CLEAR, mask = dist_bitmap_mask((o & 0x7f) / 4);
		else if (o >= 0x400 && o < 0x7fc)
			kind = STORE, mask = dist_bytes_mask(o - 0x400);
		else if (o >= 0x6100 && o < 0x7fe0) {
			kind = STORE;
			if (spi_in_range(VGIC_NR_PRIVATE + (o - 0x6100) / 8))
				mask = (o & 4) ? IROUTER_HI : IROUTER_LO;
		}
	} else {
		if (o == 0x10080 || o == 0x10d00 || (o >= 0x10400 && o < 0x10420))
			kind = STORE, mask = ~0u;
		else if (o == 0x10100)
			kind = SET, mask = ~0u;
		else if (o == 0x10180)
			kind = CLEAR, mask = ~0u;
	}
	val &= mask;
	FUZZ_CHECK(kind != STORE || now == val, "%s 0x%x reads 0x%x after writing 0x%x",
		   redist ? "GICR" : "GICD", o, now, val);
	FUZZ_CHECK(kind != SET || (now & val) == val, "%s 0x%x: set bits 0x%x read 0x%x",
		   redist ? "GICR" : "GICD", o, val, now);
	FUZZ_CHECK(kind != CLEAR || !(now & val), "%s 0x%x: cleared bits 0x%x read 0x%x",
		   redist ? "GICR" : "GICD", o, val, now);
}

static void step_access(struct fuzz_in *in, bool redist)
{
	static const unsigned sizes[8] = { 1, 2, 4, 8, 4, 4, 3, 8 };
	unsigned vcpu = fuzz_u8(in) % (VGIC_MAX_VCPUS + 1);
	uint8_t how = fuzz_u8(in);
	unsigned size = sizes[how & 7];
	bool write = how & 8;
	uint64_t frame = redist ? VGIC_REDIST_STRIDE : VGIC_DIST_SIZE;
	uint64_t off = redist ? fuzz_u32(in) % VGIC_REDIST_STRIDE : fuzz_u16(in);
	uint64_t val = fuzz_u64(in), v = val;
	bool valid_vcpu = vcpu < n_vcpus;
	struct snap before;
	int ret;

	if (how & 0x80)
		off += frame;			/* past the frame */
	take(&before);
	ret = frame_access(redist, vcpu, off, size, write, &v);

	if (!valid_vcpu || off >= frame || (off & (size - 1)) ||
	    (size != 1 && size != 2 && size != 4 && size != 8)) {
		FUZZ_CHECK(ret == -EINVAL, "bad access (vcpu %u, off 0x%llx, size %u) gave %d",
			   vcpu, (unsigned long long)off, size, ret);
		FUZZ_CHECK(same(&before), "a refused access changed state");
		return;
	}
	if (size == 4)
		FUZZ_CHECK(ret == 0, "aligned 32-bit access at 0x%llx refused",
			   (unsigned long long)off);
	if (ret) {
		FUZZ_CHECK(ret == -EINVAL, "access returned %d", ret);
		FUZZ_CHECK(same(&before), "a refused access changed state");
		return;
	}
	if (write) {
		if (!stateful(redist, off))
			FUZZ_CHECK(same(&before), "write to read-only/reserved %s 0x%llx changed state",
				   redist ? "GICR" : "GICD", (unsigned long long)off);
		if (size == 4)
			check_read_back(redist, vcpu, (uint32_t)off, (uint32_t)val);
		return;
	}
	/* Every width agrees with the 32-bit view. */
	{
		uint32_t base = (uint32_t)off & ~3u;
		uint64_t want = read_word(redist, vcpu, base);

		if (size == 8)
			want |= (uint64_t)read_word(redist, vcpu, base + 4) << 32;
		else if (size < 4)
			want = (want >> (8 * (off & 3))) & ((1ULL << (8 * size)) - 1);
		FUZZ_CHECK(v == want, "%u-byte read at 0x%llx = 0x%llx, 32-bit view 0x%llx", size,
			   (unsigned long long)off, (unsigned long long)v, (unsigned long long)want);
		FUZZ_CHECK(same(&before), "a read changed state");
	}
}

static void step_inject(struct fuzz_in *in)
{
	unsigned vcpu = fuzz_u8(in) % (VGIC_MAX_VCPUS + 1);
	uint16_t w = fuzz_u16(in);
	irqid_t intid = (w & 0x7fff) % (ALL_IRQS + 40);
	bool level = w & 0x8000;
	bool exists = intid < VGIC_NR_PRIVATE ? vcpu < n_vcpus : spi_in_range(intid);
	int ret = vgic_inject(&g, vcpu, intid, level);
	struct vgic_irq *irq;

	FUZZ_CHECK(ret == (exists ? 0 : -EINVAL), "inject %u on vcpu %u: %d", intid, vcpu, ret);
	if (!exists)
		return;
	irq = intid < VGIC_NR_PRIVATE ? &g.cpu[vcpu].priv[intid] : &g.spis[intid - 32];
	if (!level)
		FUZZ_CHECK(!irq->line_level, "line %u still up", intid);
	else if (irq->edge)
		FUZZ_CHECK(irq->pending_latch, "edge %u not latched", intid);
	else
		FUZZ_CHECK(irq->line_level, "line %u not up", intid);
}

/* ICC_SGI1R_EL1 targets, from the register's layout. */
static bool sgi_hits(unsigned src, unsigned dst, uint64_t r)
{
	uint64_t m = vcpu_mpidr(dst);

	if (r & (1ULL << 40))
		return dst != src;
	return ((r >> 16) & 0xff) == ((m >> 8) & 0xff) && ((r >> 32) & 0xff) == 0 &&
	       ((r >> 48) & 0xff) == 0 && ((r >> 44) & 0xf) == (m & 0xff) / 16 &&
	       ((r >> (m & 0xf)) & 1);
}

static void step_sgi(struct fuzz_in *in)
{
	unsigned src = fuzz_u8(in) % (VGIC_MAX_VCPUS + 1);
	uint64_t r = fuzz_u64(in);
	bool group1 = !(r & (1ULL << 63));	/* bit 63 is RES0: picks SGI0R here */
	unsigned intid = (r >> 24) & 0xf;
	struct vgic_irq was[VGIC_MAX_VCPUS];

	for (unsigned v = 0; v < n_vcpus; v++)
		was[v] = g.cpu[v].priv[intid];
	if (group1)
		vgic_send_sgi(&g, src, r);
	else
		vgic_send_sgi0(&g, src, r);
	for (unsigned v = 0; v < n_vcpus; v++) {
		const struct vgic_irq *irq = &g.cpu[v].priv[intid];
		bool as_g1 = was[v].group1 || was[v].grpmod;

		if (src < n_vcpus && sgi_hits(src, v, r) && as_g1 == group1) {
			FUZZ_CHECK(irq->pending_latch && (irq->sgi_src & (1u << src)),
				   "SGI %u from %u did not reach vcpu %u", intid, src, v);
		} else {
			FUZZ_CHECK(!memcmp(irq, &was[v], sizeof(*irq)),
				   "SGI %u from %u changed vcpu %u, not a target", intid, src, v);
		}
	}
}

/* ---- deliverability ---------------------------------------------------------- */

/* The contract of vgic_irq_deliverable(), restated. */
static bool ref_deliverable(unsigned v, const struct vgic_irq *irq)
{
	bool pending = irq->pending_latch || (!irq->edge && irq->line_level);
	uint32_t bit;

	if (!pending)
		return false;
	bit = irq->group1 ? 2 : irq->grpmod ? 4 : 1;
	if (!irq->enabled || !pending || !(g.ctlr & bit) || (irq->active && irq->lr_vcpu >= 0))
		return false;
	if (irq->intid < VGIC_NR_PRIVATE)
		return true;			/* asked of its owner only */
	if (irq->route & (1ULL << 31))
		return v == 0;
	return (irq->route & 0xff00ffffffULL) == vcpu_mpidr(v);
}

/* The vCPU an SPI is routed to; n_vcpus if none. */
static unsigned ref_spi_target(const struct vgic_irq *irq)
{
	if (irq->route & (1ULL << 31))
		return 0;
	for (unsigned v = 0; v < n_vcpus; v++)
		if ((irq->route & 0xff00ffffffULL) == vcpu_mpidr(v))
			return v;
	return n_vcpus;
}

struct ready {
	unsigned n;
	struct vgic_irq *irq[ALL_IRQS];
};

/* Sorted by priority, then INTID (stable insertion over ascending INTIDs). */
static void ref_add(struct ready *r, struct vgic_irq *irq)
{
	unsigned pos = r->n++;

	while (pos > 0 && r->irq[pos - 1]->priority > irq->priority) {
		r->irq[pos] = r->irq[pos - 1];
		pos--;
	}
	r->irq[pos] = irq;
}

static void ref_ready(unsigned v, struct ready *r)
{
	r->n = 0;
	for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
		if (ref_deliverable(v, &g.cpu[v].priv[i]))
			ref_add(r, &g.cpu[v].priv[i]);
	for (unsigned i = 0; i < nr_spis; i++)
		if (ref_deliverable(v, &g.spis[i]))
			ref_add(r, &g.spis[i]);
}

static bool in_ready(const struct ready *r, const struct vgic_irq *irq)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->irq[i] == irq)
			return true;
	return false;
}

static struct ready ready_before[VGIC_MAX_VCPUS];

static void check_collect(unsigned v, unsigned max, const struct ready *want)
{
	struct vgic_irq *out[ALL_IRQS];
	unsigned n = vgic_collect_pending(&g, v, out, max);
	unsigned expect = MIN(max, want->n);

	FUZZ_CHECK(n == expect, "vcpu %u collects %u irqs (max %u), want %u", v, n, max, expect);
	for (unsigned i = 0; i < n; i++)
		FUZZ_CHECK(out[i] == want->irq[i], "vcpu %u: collected #%u is INTID %u, want %u",
			   v, i, out[i]->intid, want->irq[i]->intid);
}

/* ---- whole-state invariants -------------------------------------------------- */

static bool raised(const struct vgic_irq *irq)
{
	return irq->pending_latch || irq->line_level;
}

static void check_irq(const struct vgic_irq *irq, irqid_t intid, unsigned owner)
{
	FUZZ_CHECK(irq->intid == intid, "irq slot %u says INTID %u", intid, irq->intid);
	FUZZ_CHECK(irq->lr_vcpu == -1 && !irq->lr_pending && !irq->lr_latched && !irq->lr_req &&
		   !irq->hw_intid, "INTID %u has list-register state without the LR code", intid);
	FUZZ_CHECK(!(irq->route & ~0xff80ffffffULL), "INTID %u route 0x%llx", intid,
		   (unsigned long long)irq->route);
	if (intid < VGIC_NR_SGIS) {
		FUZZ_CHECK(irq->edge, "SGI %u is not edge", intid);
		FUZZ_CHECK(!(irq->sgi_src >> n_vcpus), "SGI %u sources 0x%x", intid, irq->sgi_src);
	} else
		FUZZ_CHECK(!irq->sgi_src, "INTID %u has SGI sources", intid);
	/* Raised: on the pending list of the vCPU it goes to (an SPI routed
	 * to none on no list); a stale entry, not raised, only there too. */
	if (intid >= VGIC_NR_PRIVATE)
		owner = ref_spi_target(irq);
	if (raised(irq))
		FUZZ_CHECK(irq->pend_vcpu == (owner < n_vcpus ? (int)owner : -1),
			   "INTID %u is raised, on pending list %d, want %d", intid,
			   irq->pend_vcpu, owner < n_vcpus ? (int)owner : -1);
	else if (irq->pend_vcpu >= 0)
		FUZZ_CHECK(irq->pend_vcpu == (int)owner, "INTID %u on pending list %d, goes to %u",
			   intid, irq->pend_vcpu, owner);
}

/* Each pending list: its members say so, in priority then INTID order, and
 * it holds every irq that says it is on it. */
static void check_pending_list(unsigned v)
{
	unsigned on = 0, walked = 0;
	const struct vgic_irq *prev = NULL;

	for (unsigned i = 0; i < nr_spis; i++)
		on += g.spis[i].pend_vcpu == (int)v;
	for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
		on += g.cpu[v].priv[i].pend_vcpu == (int)v;
	for (const struct vgic_irq *irq = g.cpu[v].pending; irq; irq = irq->pend_next) {
		FUZZ_CHECK(++walked <= on, "vcpu %u: pending list longer than its %u members", v, on);
		FUZZ_CHECK(irq->pend_vcpu == (int)v, "INTID %u on vcpu %u's list says %d", irq->intid,
			   v, irq->pend_vcpu);
		FUZZ_CHECK(irq->intid < VGIC_NR_PRIVATE ? irq == &g.cpu[v].priv[irq->intid]
							  : irq->intid - 32 < nr_spis,
			   "INTID %u on vcpu %u's list is not its own", irq->intid, v);
		if (prev)
			FUZZ_CHECK(prev->priority < irq->priority ||
				   (prev->priority == irq->priority && prev->intid < irq->intid),
				   "vcpu %u's list: INTID %u (prio %u) before %u (prio %u)", v,
				   prev->intid, prev->priority, irq->intid, irq->priority);
		prev = irq;
	}
	FUZZ_CHECK(walked == on, "vcpu %u: %u irqs on its pending list, %u say they are", v,
		   walked, on);
}

static void check_state(void)
{
	FUZZ_CHECK(g.n_vcpus == n_vcpus && g.nr_spis == nr_spis, "shape changed");
	FUZZ_CHECK(!(g.ctlr & ~7u), "GICD_CTLR stored as 0x%x", g.ctlr);
	for (unsigned i = 0; i < VGIC_MAX_SPIS; i++) {
		if (i < nr_spis)
			check_irq(&g.spis[i], 32 + i, 0);
		else
			FUZZ_CHECK(!memcmp(&g.spis[i], &fresh.spis[i], sizeof(g.spis[i])),
				   "unimplemented SPI %u changed", 32 + i);
	}
	for (unsigned v = 0; v < VGIC_MAX_VCPUS; v++) {
		if (v >= n_vcpus) {
			FUZZ_CHECK(!memcmp(&g.cpu[v], &fresh.cpu[v], sizeof(g.cpu[v])),
				   "absent vcpu %u changed", v);
			continue;
		}
		for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
			check_irq(&g.cpu[v].priv[i], i, v);
		check_pending_list(v);
	}
}

/* Compute each vCPU's deliverable set, check it is what the model collects
 * and that every vCPU that gained one was kicked. */
static void check_delivery(bool check_kicks)
{
	static struct ready now;

	for (unsigned v = 0; v < n_vcpus; v++) {
		ref_ready(v, &now);
		check_collect(v, ALL_IRQS, &now);
		if (check_kicks && !(kicked & (1u << v)))
			for (unsigned i = 0; i < now.n; i++)
				FUZZ_CHECK(in_ready(&ready_before[v], now.irq[i]),
					   "INTID %u became deliverable to vcpu %u without a kick",
					   now.irq[i]->intid, v);
		ready_before[v] = now;
	}
}

/* ---- reset ------------------------------------------------------------------- */

#define DUMP_MAX	4096

/* The words of every register that holds state or a fixed value, up to the
 * implemented INTIDs (the rest are checked as reserved by read_word()). */
static bool dumped(bool redist, uint32_t o)
{
	unsigned words = (VGIC_NR_PRIVATE + nr_spis) / 32;

	if (redist)
		return o < 0x18 || (o >= 0xffd0 && o < 0x10000) ||
		       (o >= 0x10080 && o < 0x10400 && (o & 0x7f) == 0) ||
		       (o >= 0x10400 && o < 0x10420) || o == 0x10c00 || o == 0x10c04 ||
		       o == 0x10d00;
	return o < 0x10 || ((o >= 0x80 && o < 0x400) && (o & 0x7f) / 4 < words) ||
	       (o >= 0xd00 && o < 0xd00 + 4 * words) ||
	       (o >= 0x400 && o < 0x400 + 32 * words) ||
	       (o >= 0xc00 && o < 0xc00 + 8 * words) ||
	       (o >= 0x6100 && o < 0x6100 + 8 * nr_spis) || o >= 0xffd0;
}

static uint32_t dump_offsets[2][DUMP_MAX];
static unsigned n_dump[2];

static void plan_dump(void)
{
	for (int redist = 0; redist < 2; redist++) {
		uint64_t size = redist ? VGIC_REDIST_STRIDE : VGIC_DIST_SIZE;

		n_dump[redist] = 0;
		for (uint32_t o = 0; o < size; o += 4)
			if (dumped(redist, o))
				dump_offsets[redist][n_dump[redist]++] = o;
	}
}

/* Shapes whose fresh register state has been read and checked. */
static bool shape_checked[VGIC_MAX_VCPUS + 1][VGIC_MAX_SPIS / 32 + 1];

/* What a fresh vGIC reads is the architecture's reset state: enables,
 * pending, active, groups, priorities, configs and routes all zero, the
 * redistributors asleep. Done once per shape: it does not change. */
static void check_fresh_registers(void)
{
	for (unsigned i = 0; i < n_dump[0]; i++) {
		uint32_t o = dump_offsets[0][i], v = read_word(false, 0, o);

		if ((o >= 0x80 && o < 0xd80) || (o >= 0x6100 && o < 0x7fe0))
			FUZZ_CHECK(v == 0, "GICD 0x%x = 0x%x out of reset", o, v);
	}
	FUZZ_CHECK(read_word(false, 0, 0) == GICD_CTLR_FIXED, "GICD_CTLR out of reset");
	for (unsigned v = 0; v < n_vcpus; v++)
		for (unsigned i = 0; i < n_dump[1]; i++) {
			uint32_t o = dump_offsets[1][i], r = read_word(true, v, o);

			if (o == 0x14)
				FUZZ_CHECK(r == 6, "GICR_WAKER = 0x%x out of reset", r);
			else if (o >= 0x10080 && o != 0x10c00)
				FUZZ_CHECK(r == 0, "GICR 0x%x = 0x%x out of reset", o, r);
		}
}

/* A reset must leave exactly a fresh vGIC: no state survives it. */
static void step_reset(void)
{
	vgic_init(&g, n_vcpus, nr_spis, kick, &g);
	FUZZ_CHECK(!memcmp(&g, &fresh, sizeof(g)), "state after a reset differs from a fresh vGIC's");
	if (!shape_checked[n_vcpus][nr_spis / 32]) {
		plan_dump();
		check_fresh_registers();
		shape_checked[n_vcpus][nr_spis / 32] = true;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned resets = 0;
	uint16_t shape = fuzz_u16(&in);

	n_vcpus = 1 + (shape & 7);
	nr_spis = (shape >> 3) % 300;
	vgic_init(&g, n_vcpus, nr_spis, kick, &g);
	/* What vgic_init promises about the shape, restated. */
	nr_spis = MIN(nr_spis, (unsigned)VGIC_MAX_SPIS);
	nr_spis = (nr_spis + 31) / 32 * 32;
	fresh = g;
	check_state();
	kicked = 0;
	check_delivery(false);

	for (unsigned s = 0; s < MAX_STEPS && in.left; s++) {
		uint8_t op = fuzz_u8(&in) % 8;
		bool reset = false;

		kicked = 0;
		switch (op) {
		case 0: case 1: step_access(&in, false); break;
		case 2: case 3: step_access(&in, true); break;
		case 4: step_inject(&in); break;
		case 5: step_sgi(&in); break;
		case 6: {
			unsigned v = fuzz_u8(&in) % n_vcpus, max = 1 + fuzz_u8(&in) % 4;
			static struct ready want;

			ref_ready(v, &want);
			check_collect(v, max, &want);
			break;
		}
		case 7:
			if (resets++ < MAX_RESETS) {
				step_reset();
				reset = true;
			}
			break;
		}
		check_state();
		check_delivery(!reset);
	}
	return 0;
}
