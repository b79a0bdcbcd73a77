/*
 * A VM's RAM as a device back end sees it: one contiguous IPA window and
 * where the host holds it. Every guest-supplied address goes through
 * guest_mem_ptr(), which refuses any range not wholly inside the window
 * (wrap-around included), so a device never touches memory outside the VM.
 */
#ifndef VIRT_GUEST_MEM_H
#define VIRT_GUEST_MEM_H

#include <tandem/types.h>
#if defined(TANDEM_HOST_TEST) || !defined(__aarch64__)
#include <string.h>
#else
#include <arch/mem_bulk.h>
#endif

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

/* Copy between guest RAM and the host: picolibc's memcpy moves a byte per
 * loop turn, the bulk copy 64 bytes (Normal memory, no overlap). */
static inline void guest_copy(void *dst, const void *src, size_t len)
{
#if defined(TANDEM_HOST_TEST) || !defined(__aarch64__)
	memcpy(dst, src, len);
#else
	mem_copy_bulk(dst, src, len);
#endif
}

#endif
