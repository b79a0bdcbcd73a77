/* Decoding a stage-2 data abort's syndrome into an MMIO access. */
#ifndef VIRT_MMIO_DECODE_H
#define VIRT_MMIO_DECODE_H

#include <tandem/types.h>

struct mmio_access {
	bool write;
	unsigned size;		/* bytes: 1, 2, 4, 8 */
	unsigned reg;		/* 0..30, 31 = xzr/wzr */
	bool sign_extend;	/* SSE: loads narrower than the register */
	bool sixty_four;	/* SF: destination is an X register */
};

/* From ESR_EL2 (EC 0x24): 0, or -EINVAL when ISV = 0 (no syndrome: the
 * instruction cannot be emulated from the syndrome alone), or for an
 * acquire/release-exclusive form we do not emulate. */
int mmio_decode(uint64_t esr, struct mmio_access *a);
/* The value a load puts in the register, after size and sign rules. */
uint64_t mmio_load_value(const struct mmio_access *a, uint64_t raw);

#endif
