/*
 * A small formatter: %s %c %d %i %u %x %X %p %%, with 'l', 'll' and 'z'
 * length modifiers, a field width and the '0' and '-' flags.
 */
#ifndef GUEST_LIB_PRINTF_H
#define GUEST_LIB_PRINTF_H

#include <lib/types.h>

int vprintf(const char *fmt, va_list ap);
int printf(const char *fmt, ...) __printf(1, 2);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
