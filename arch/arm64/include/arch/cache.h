/* Cache and TLB maintenance the virtualization layer needs. */
#ifndef ARCH_CACHE_H
#define ARCH_CACHE_H

#include <tandem/types.h>

/* Clean [p, p+len) to the point of coherency: a guest running with its MMU
 * off reads memory non-cacheably and must see what the host wrote. */
void cache_clean_range(const void *p, size_t len);
/* The same, and drop the lines: nothing written before can be evicted over
 * what the guest then writes non-cacheably (a VM's RAM before it starts). */
void cache_clean_inval_range(const void *p, size_t len);
/* Zero [p, p+len) and leave it zero at PoC with no line cached (Normal memory). */
void mem_scrub(void *p, size_t len);
void icache_invalidate_all(void);
/* Drop every stage-1+2 TLB entry of one VMID on all cores. */
void tlb_flush_vmid(uint64_t vttbr);

#endif
