/* The background scrubber of freed pages (kernel/scrubber.c). */
#ifndef TANDEM_SCRUBBER_H
#define TANDEM_SCRUBBER_H

#include <tandem/types.h>

void scrubber_start(void);
/* Cores the scrubber must never run on (bit n: core n); it moves off at its next step. */
void scrubber_avoid(uint32_t cores);

#endif
