/*
 * gfuzz: the in-guest fuzzer (issue 12). One step = one random operation,
 * run with the exception recorder armed, so whatever it raises (an abort,
 * an UNDEF, an SError) is counted by EC and skipped, and the stream goes on.
 */
#ifndef GFUZZ_H
#define GFUZZ_H

#include <lib/types.h>

/* Where the guest itself lives: random stores, DC ZVA and DC IVAC stay out. */
#define OWN_RAM_BASE	0x40000000UL
#define OWN_RAM_END	0x48000000UL	/* 128 MiB: covers any RAM size gfuzz is given */
#define UART_PAGE	0x09000000UL	/* stores would silence the console */
#define DEV_BASE	0x08000000UL
#define DEV_END		0x0a000000UL

uint64_t rnd(void);
static inline uint64_t rnd_below(uint64_t n) { return n ? rnd() % n : 0; }

/* Counted per step: an anomaly is an architectural promise broken. */
void note_anomaly(const char *what, uint64_t detail);
extern uint64_t ipa_bits;

void op_call(void);		/* ops_call.c: HVC, SMC, PSCI */
void op_mem(void);		/* ops_mem.c: MMIO window and whole IPA space */
void op_sysreg(void);		/* ops_sys.c: system registers, maintenance */
void op_hidden(void);		/* ops_sys.c: SVE/SME/MTE/PAC instructions */
void op_irq(void);		/* ops_irq.c: timer storms, self-SGIs */
void irq_setup(void);
uint64_t irq_timer_count(void);
uint64_t irq_sgi_count(void);
/* Whether this step's one faulting instruction trapped (counted once). */
bool gfuzz_took(void);

#endif
