/*
 * SErrors at guest exit: whose fault they are and what happens to them.
 * guest_entry.S synchronises at every exit (dsb sy, and esb where the CPU
 * has RAS) and flags the exit when one is pending; it refuses to enter a
 * guest while one is pending. The collection (serror_hw.c) and the policy
 * (serror.c, unit-tested on the host) are here.
 */
#ifndef ARCH_SERROR_H
#define ARCH_SERROR_H

#include <stdbool.h>
#include <stdint.h>

/* A collected SError: this bit, and ESR/DISR's ISS (IDS, AET, EA, DFSC). */
#define SERROR_PRESENT	(1ULL << 63)

enum serror_action {
	SERROR_NONE,		/* nothing was pending */
	SERROR_LOG,		/* report it, charge nobody */
	SERROR_CRASH_VM,	/* the exiting vCPU's VM caused it */
};

/* syndrome: from serror_collect(), or SERROR_PRESENT | ESR_EL2 of an
 * SError taken from the guest. at_entry: found before entering a guest,
 * so not caused by it (the host's, or one that came too late to be
 * charged at its guest's exit). */
enum serror_action serror_action(uint64_t syndrome, bool at_entry);
/* A few words for the log and the crash reason. */
const char *serror_kind(uint64_t syndrome);

/* With SError masked: take a pending SError (the DISR_EL1 an esb filled,
 * or one taken in a brief unmask); 0 if none. */
uint64_t serror_collect(void);
/* Per core: whether RAS's esb/DISR_EL1 can be used (guest_entry.S). */
void serror_cpu_init(void);
extern uint8_t serror_ras;

#endif
