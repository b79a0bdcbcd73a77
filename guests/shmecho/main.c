/*
 * shmecho: two VMs on one shared region (docs/vm-config.md, "Shared
 * memory"), the same image in both. The doorbell's SELF says the role:
 * index 0 sends SHMECHO_MESSAGES messages (sequence number, payload,
 * checksum) and rings index 1; index 1 checks each, answers with the
 * payload inverted and its own checksum, and rings back. Each side waits
 * for the ring in WFI on the doorbell SPI (edge). Index 0 reports the round
 * trip in CNTVCT ticks (bench/shm_doorbell.py). A third VM (index 2),
 * mapping the region read-only, reads what the echo VM wrote, then checks
 * that a write there and a doorbell access the page has no register for
 * are aborts. Under Tandem only. guests/linux-shm's shmping speaks the
 * same protocol from Linux (docs/shm-linux.md).
 */
#include <lib/exception.h>
#include <lib/gic.h>
#include <lib/mmio.h>
#include <lib/printf.h>
#include <lib/psci.h>
#include <lib/sysreg.h>
#include <lib/timer.h>
#include <lib/wfi.h>

#define SHM_BASE	0x10000000UL	/* configs: guest-reg */
#define DB_BASE		0x10010000UL	/* doorbell-reg */
#define DB_INTID	40		/* doorbell-interrupt */
#define DB_MAGIC	0x000
#define DB_SELF		0x004
#define DB_PEERS	0x008
#define DB_RING		0x00c
#define DB_MAGIC_VALUE	0x544d4453U
#define WORDS		14
#define READY_VALUE	0x52454459U
#define WAIT_US		5000000
#define dmb(opt)	asm volatile("dmb " #opt ::: "memory")

#ifndef SHMECHO_MESSAGES
#define SHMECHO_MESSAGES 10000
#endif

struct msg {
	uint32_t seq, sum, payload[WORDS];
};

struct layout {
	struct msg req;			/* 0 -> 1 */
	struct msg rep;			/* 1 -> 0 */
	uint32_t ready;			/* 1 set up, rings may come */
};

static volatile unsigned rings;
static struct layout *const shm = (struct layout *)SHM_BASE;

void guest_main(void);

static void on_ring(unsigned int intid)
{
	(void)intid;
	rings++;
}

static uint32_t checksum(const volatile struct msg *m, uint32_t seq)
{
	uint32_t s = seq * 0x9e3779b9U;

	for (unsigned i = 0; i < WORDS; i++)
		s = (s ^ m->payload[i]) * 0x01000193U + i;
	return s;
}

static uint32_t word(uint32_t seq, unsigned i)
{
	return seq * 2654435761U + i * 40503U;
}

static void db_setup(void)
{
	uint32_t cfg;

	gic_init();
	writeq(this_mpidr() & 0xff00ffffffUL, GICD_BASE + GICD_IROUTER + 8 * DB_INTID);
	cfg = readl(GICD_BASE + GICD_ICFGR + 4 * (DB_INTID / 16));
	writel(cfg | (uint32_t)BIT(2 * (DB_INTID % 16) + 1), GICD_BASE + GICD_ICFGR + 4 * (DB_INTID / 16));
	gic_set_handler(DB_INTID, on_ring);
	writel((uint32_t)BIT(DB_INTID % 32), GICD_BASE + GICD_ISENABLER + 4 * (DB_INTID / 32));
}

static bool wait_ring(unsigned seen)
{
	return WFI_UNTIL(rings != seen, WAIT_US);
}

static void send(volatile struct msg *m, uint32_t seq, uint32_t flip, uint32_t peer)
{
	for (unsigned i = 0; i < WORDS; i++)
		m->payload[i] = word(seq, i) ^ flip;
	m->sum = checksum(m, seq);
	dmb(ish);
	m->seq = seq;
	dsb(ish);
	writel(peer, DB_BASE + DB_RING);
}

static bool good(const volatile struct msg *m, uint32_t seq, uint32_t flip)
{
	if (m->seq != seq || m->sum != checksum(m, m->seq))
		return false;
	for (unsigned i = 0; i < WORDS; i++)
		if (m->payload[i] != (word(seq, i) ^ flip))
			return false;
	return true;
}

static unsigned initiator(uint64_t *ticks)
{
	unsigned bad = 0, seen = 0;
	uint64_t t0;

	while (!WFI_UNTIL(shm->ready == READY_VALUE, 1000))
		;
	t0 = read_sysreg(cntvct_el0);
	for (uint32_t seq = 1; seq <= SHMECHO_MESSAGES; seq++) {
		send(&shm->req, seq, 0, 1);
		if (!wait_ring(seen)) {
			printf("shmecho: no answer to message %u\n", seq);
			return bad + 1 + SHMECHO_MESSAGES - seq;
		}
		seen = rings;
		dmb(ish);
		bad += !good(&shm->rep, seq, ~0U);
	}
	*ticks = read_sysreg(cntvct_el0) - t0;
	return bad;
}

static unsigned echo(void)
{
	unsigned bad = 0, seen = 0;

	shm->ready = READY_VALUE;
	dsb(ish);
	for (uint32_t seq = 1; seq <= SHMECHO_MESSAGES; seq++) {
		if (!wait_ring(seen)) {
			printf("shmecho: message %u never came\n", seq);
			return bad + 1 + SHMECHO_MESSAGES - seq;
		}
		seen = rings;
		dmb(ish);
		bad += !good(&shm->req, seq, 0);
		send(&shm->rep, seq, ~0U, 0);
	}
	return bad;
}

/* Index 2: a read-only view. Waits for the echo VM's ready mark. */
static void reader(void)
{
	struct exc_record rec;
	bool ro, width, hole;

	while (!WFI_UNTIL(shm->ready == READY_VALUE, 1000))
		;
	exc_expect();
	shm->ready = 0;
	dsb(ish);
	ro = exc_taken(&rec) && shm->ready == READY_VALUE;
	exc_expect();
	(void)readb(DB_BASE + DB_SELF);
	width = exc_taken(&rec);
	exc_expect();
	(void)readl(DB_BASE + 0x800);
	hole = exc_taken(&rec);
	printf("shmecho: read-only saw ready, write aborted %s, byte read aborted %s, hole aborted %s\n",
	       ro ? "yes" : "no", width ? "yes" : "no", hole ? "yes" : "no");
}

void guest_main(void)
{
	uint32_t self, peers;
	uint64_t ticks = 0;
	unsigned bad;

	if (readl(DB_BASE + DB_MAGIC) != DB_MAGIC_VALUE) {
		printf("shmecho: no doorbell at %#lx\n", DB_BASE);
		psci_system_off();
	}
	self = readl(DB_BASE + DB_SELF);
	peers = readl(DB_BASE + DB_PEERS);
	printf("shmecho: index %u, peers 0x%x\n", self, peers);
	db_setup();
	if (self == 2) {
		reader();
	} else if (self == 0) {
		bad = initiator(&ticks);
		printf("shmecho: %u round trips, %u bad, %llu ticks at %llu Hz\n",
		       SHMECHO_MESSAGES, bad, (unsigned long long)ticks,
		       (unsigned long long)read_sysreg(cntfrq_el0));
	} else {
		bad = echo();
		printf("shmecho: echoed %u messages, %u bad\n", SHMECHO_MESSAGES, bad);
	}
	for (;;)
		wfi();
}
