/*
 * The host console: one physical UART shared by the log, the shell and
 * (later) guests. Output is serialized so lines from different cores never
 * interleave mid-line.
 */
#ifndef TANDEM_CONSOLE_H
#define TANDEM_CONSOLE_H

#include <tandem/types.h>

struct serial_ops;
struct serial_port;

/* The early console from the DTB's /chosen stdout-path (console_dt.c). */
void console_early_init(const void *dtb);
/* Drive the console with this UART from now on (polled until
 * console_irq_init); what was written before comes out first. */
void console_bind(const struct serial_ops *ops, const struct serial_port *p);
bool console_ready(void);

/* Write bytes to the console (buffered, interrupt-driven transmit). */
void console_write(const char *buf, size_t len);
void console_puts(const char *s);
/* Bytes as they are, no CR added before LF (replaying guest output). */
void console_write_raw(const char *buf, size_t len);
/* printf to the console; the whole formatted text is written atomically. */
int console_printf(const char *fmt, ...) __printf_like(1, 2);
/* Block the calling thread until a received byte is available. */
int console_getc(void);
/* Received bytes go to hook first (in interrupt context); a true return
 * means it took the byte (e.g. for a VM), false leaves it to the shell. */
void console_set_input_hook(bool (*hook)(char c));
/* Polled, lock-free output for the panic path. */
void console_panic_write(const char *buf, size_t len);
/* Around a report written with console_panic_write: holds the console (if
 * it can be had in bounded time) so other cores' output waits. */
bool console_panic_begin(void);
void console_panic_end(bool locked);

#endif
