/*
 * The logger: "[  uptime ] cpuN thread: L: message", written to the console
 * and kept in a ring of recent lines for the `log` command.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <tandem/console.h>
#include <tandem/log.h>
#include <tandem/irq.h>
#include "sched.h"

#define LOG_LINES 128
#define LOG_LINE_LEN 160

static char ring[LOG_LINES][LOG_LINE_LEN];
static unsigned ring_next;	/* total lines ever logged */
static struct k_spinlock ring_lock;
static enum log_level threshold = LOG_LEVEL_INF;

void log_set_level(enum log_level level)
{
	threshold = level;
}

static const char level_char[] = { 'E', 'W', 'I', 'D' };

static int format_prefix(char *buf, size_t len, enum log_level level)
{
	struct cpu *c = this_cpu();
	uint64_t us = hw_timer_ready() ? k_uptime_ns() / 1000 : 0;
	const char *who = (c && c->current) ? c->current->name : "boot";

	return snprintf(buf, len, "[%5llu.%06llu] cpu%u %s: %c: ",
			(unsigned long long)(us / 1000000),
			(unsigned long long)(us % 1000000),
			c ? c->id : 0, who, level_char[level]);
}

static void vlog(enum log_level level, const char *fmt, va_list ap)
{
	char line[LOG_LINE_LEN + 2];
	k_spinlock_key_t key;
	int n;

	n = format_prefix(line, sizeof(line), level);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	n = (int)strlen(line);
	line[n++] = '\n';
	line[n] = '\0';
	console_write(line, (size_t)n);

	line[n - 1] = '\0';
	key = k_spin_lock(&ring_lock);
	memcpy(ring[ring_next % LOG_LINES], line, (size_t)n);
	ring_next++;
	k_spin_unlock(&ring_lock, key);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > threshold)
		return;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void log_foreach(void (*fn)(const char *line, void *arg), void *arg)
{
	unsigned end = READ_ONCE(ring_next);
	unsigned start = end > LOG_LINES ? end - LOG_LINES : 0;
	char line[LOG_LINE_LEN + 2];

	for (unsigned i = start; i < end; i++) {
		k_spinlock_key_t key = k_spin_lock(&ring_lock);

		if (ring_next - i > LOG_LINES) {	/* overwritten meanwhile */
			k_spin_unlock(&ring_lock, key);
			continue;
		}
		memcpy(line, ring[i % LOG_LINES], sizeof(line) - 2);
		k_spin_unlock(&ring_lock, key);
		line[LOG_LINE_LEN - 1] = '\0';
		fn(line, arg);
	}
}
