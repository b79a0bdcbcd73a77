/*
 * The one logger: levels, a timestamp, the CPU and thread in the prefix, and
 * a ring of recent lines for the `log` command.
 */
#ifndef TANDEM_LOG_H
#define TANDEM_LOG_H

#include <tandem/types.h>

enum log_level { LOG_LEVEL_ERR, LOG_LEVEL_WRN, LOG_LEVEL_INF, LOG_LEVEL_DBG };

void log_printf(enum log_level level, const char *fmt, ...) __printf_like(2, 3);
/* Call fn for each remembered line, oldest first. */
void log_foreach(void (*fn)(const char *line, void *arg), void *arg);
void log_set_level(enum log_level level);

#define LOG_ERR(...) log_printf(LOG_LEVEL_ERR, __VA_ARGS__)
#define LOG_WRN(...) log_printf(LOG_LEVEL_WRN, __VA_ARGS__)
#define LOG_INF(...) log_printf(LOG_LEVEL_INF, __VA_ARGS__)
#define LOG_DBG(...) log_printf(LOG_LEVEL_DBG, __VA_ARGS__)

/* Report and stop: this core halts, the others are told to stop too. */
__noreturn void k_panic(const char *fmt, ...) __printf_like(1, 2);

#endif
