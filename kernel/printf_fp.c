/*
 * The only way into picolibc's printf family. The link wraps snprintf and
 * vsnprintf (-Wl,--wrap), so every call in the image, from any file, lands
 * here: picolibc's formatting uses q0-q7 (it copies the va_list through q0
 * and q1 and zeroes v0), and on a vCPU thread those registers hold the
 * guest's V0-V7 (an exit handler's warning once gave the guest host stack
 * addresses in V0/V1), in interrupt context the interrupted thread's.
 * irq_fp_begin() saves them there and costs nothing elsewhere.
 * scripts/check-fpsimd.sh fails the build if anything but these wrappers
 * calls the library's printf family.
 */
#include <stdarg.h>
#include <stddef.h>
#include <tandem/percpu.h>

int __real_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap);
int __wrap_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap);
int __wrap_snprintf(char *buf, size_t len, const char *fmt, ...);

int __wrap_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
	struct fp_state save;
	bool saved = irq_fp_begin(&save);
	int n = __real_vsnprintf(buf, len, fmt, ap);

	irq_fp_end(&save, saved);
	return n;
}

int __wrap_snprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __wrap_vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}
