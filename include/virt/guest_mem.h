/*
 * A VM's RAM as a device back end sees it: one contiguous IPA window and
 * where the host holds it. Every guest-supplied address goes through
 * guest_mem_ptr(), which refuses any range not wholly inside the window
 * (wrap-around included), so a device never touches memory outside the VM.
 */
#ifndef VIRT_GUEST_MEM_H
#define VIRT_GUEST_MEM_H

#include <tandem/types.h>

struct guest_mem {
	uint64_t base, size;	/* IPA window of the VM's RAM */
	uint8_t *host;		/* host address of base */
};

/* Host pointer to [ipa, ipa + len) if all of it is RAM, else NULL. A
 * zero-length range must still start inside (or at the end of) RAM. */
static inline void *guest_mem_ptr(const struct guest_mem *m, uint64_t ipa, uint64_t len)
{
	if (ipa < m->base || len > m->size || ipa - m->base > m->size - len)
		return NULL;
	return m->host + (ipa - m->base);
}

#endif
