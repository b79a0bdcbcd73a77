/* Fast zeroing and copying of large ranges of RAM (guest images, guest RAM). */
#ifndef ARCH_MEM_BULK_H
#define ARCH_MEM_BULK_H

#include <tandem/types.h>

/* Both write through the cache: clean to PoC afterwards for a reader with
 * its caches off. Normal memory only (the EL2 map's RAM). */
void mem_zero_bulk(void *p, size_t len);
void mem_copy_bulk(void *dst, const void *src, size_t len);

#endif
