/*
 * The memory helpers the compiler may call on its own even in a
 * freestanding build (structure copies and clears).
 */
#ifndef GUEST_LIB_STRING_H
#define GUEST_LIB_STRING_H

#include <lib/types.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
size_t strlen(const char *s);

#endif
