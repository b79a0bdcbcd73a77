/*
 * gfuzz main loop: seed GFUZZ_SEED (build time), GFUZZ_STEPS steps per
 * seed, then the next seed, for ever (or GFUZZ_SEEDS seeds, then parks).
 * Every GFUZZ_REPORT steps one summary line:
 *   gfuzz: seed S step N ok, exceptions by EC: 00=a 25=b ...
 * A step's operation depends only on (seed, step), so a step that hurt the
 * host can be replayed from the last summary line.
 */
#include <lib/exception.h>
#include <lib/printf.h>
#include <lib/sysreg.h>
#include "gfuzz.h"

#ifndef GFUZZ_SEED
#define GFUZZ_SEED	1
#endif
#ifndef GFUZZ_STEPS
#define GFUZZ_STEPS	4000
#endif
#ifndef GFUZZ_SEEDS
#define GFUZZ_SEEDS	0		/* 0: for ever */
#endif
#ifndef GFUZZ_REPORT
#define GFUZZ_REPORT	1000
#endif

void guest_main(void);

uint64_t ipa_bits;
static uint64_t rng_state;
static uint64_t by_ec[64];
static uint64_t serrors, anomalies;

/* xorshift64*: small, and the same stream on every build. */
uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static uint64_t cur_seed, cur_step;

void note_anomaly(const char *what, uint64_t detail)
{
	anomalies++;
	printf("gfuzz: ANOMALY seed %lu step %lu: %s 0x%lx\n", cur_seed, cur_step, what, detail);
}

static void summary(void)
{
	printf("gfuzz: seed %lu step %lu ok, anomalies %lu, serrors %lu, irqs timer %lu sgi %lu, exceptions by EC:",
	       cur_seed, cur_step, anomalies, serrors, irq_timer_count(), irq_sgi_count());
	for (unsigned ec = 0; ec < 64; ec++)
		if (by_ec[ec])
			printf(" %02x=%lu", ec, by_ec[ec]);
	printf("\n");
}

static void count(const struct exc_record *rec)
{
	if (rec->kind == EXC_SERROR)
		serrors++;
	else
		by_ec[ESR_EC(rec->esr)]++;
}

bool gfuzz_took(void)
{
	struct exc_record rec;

	if (!exc_taken(&rec))
		return false;
	count(&rec);
	return true;
}

static void step(void)
{
	struct exc_record rec;
	unsigned kind = rnd_below(100);

	if (cur_step % 100 == 0)
		irq_setup();		/* undo what random writes did to our GIC setup */

	exc_expect();
	if (kind < 15)
		op_call();
	else if (kind < 50)
		op_mem();
	else if (kind < 80)
		op_sysreg();
	else if (kind < 90)
		op_hidden();
	else
		op_irq();
	if (exc_taken(&rec))
		count(&rec);
}

void guest_main(void)
{
	static const unsigned pa_bits[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };

	ipa_bits = pa_bits[read_sysreg(id_aa64mmfr0_el1) & 7];
	/*
	 * PAC enabled for every key: with EnIA = 0 PACIA is a NOP before any
	 * EL2 trap is checked, so only with the keys enabled does a hidden
	 * PAC have to UNDEF (HCR_EL2.API = 0 traps it, Tandem injects).
	 */
	write_sysreg(read_sysreg(sctlr_el1) | BIT(31) | BIT(30) | BIT(27) | BIT(13), sctlr_el1);
	isb();
	irq_setup();
	printf("gfuzz: start seed %u, %u steps a seed, IPA %lu bits\n",
	       GFUZZ_SEED, GFUZZ_STEPS, ipa_bits);
	volatile uint64_t nseeds = GFUZZ_SEEDS;

	for (uint64_t s = 0; nseeds == 0 || s < nseeds; s++) {
		cur_seed = GFUZZ_SEED + s;
		/* Never 0 (xorshift's fixed point). */
		rng_state = cur_seed * 0x9e3779b97f4a7c15ULL | 1;
		for (cur_step = 0; cur_step < GFUZZ_STEPS; ) {
			step();
			cur_step++;
			if (cur_step % GFUZZ_REPORT == 0)
				summary();
		}
	}
	printf("gfuzz: done, anomalies %lu\n", anomalies);
}
