/*
 * The guests' formatter, writing either to the UART or to a buffer. It
 * knows only what the tests print: strings, characters, signed and
 * unsigned decimals, hexadecimal and pointers.
 */
#include <lib/printf.h>
#include <lib/string.h>
#include <lib/uart.h>

struct sink {
	void (*put)(struct sink *sink, char c);
	char *buf;
	size_t size;
	size_t len;
};

static void put_uart(struct sink *sink, char c)
{
	uart_putc(c);
	sink->len++;
}

static void put_buf(struct sink *sink, char c)
{
	if (sink->len + 1 < sink->size)
		sink->buf[sink->len] = c;
	sink->len++;
}

static void put_repeat(struct sink *sink, char c, size_t n)
{
	while (n--)
		sink->put(sink, c);
}

/* Digits of @val in @base, written backwards from the end of @tmp. */
static size_t utoa(unsigned long long val, unsigned int base, bool upper,
		   char *tmp, size_t size)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t len = 0;

	do {
		tmp[size - ++len] = digits[val % base];
		val /= base;
	} while (val);
	return len;
}

struct spec {
	bool left;
	char pad;
	size_t width;
	int longs;
};

static void emit(struct sink *sink, const struct spec *spec, const char *str,
		 size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);
	size_t fill = spec->width > len + plen ? spec->width - len - plen : 0;

	if (!spec->left && spec->pad == ' ')
		put_repeat(sink, ' ', fill);
	while (*prefix)
		sink->put(sink, *prefix++);
	if (!spec->left && spec->pad == '0')
		put_repeat(sink, '0', fill);
	while (len--)
		sink->put(sink, *str++);
	if (spec->left)
		put_repeat(sink, ' ', fill);
}

static const char *parse_spec(const char *fmt, struct spec *spec)
{
	spec->left = false;
	spec->pad = ' ';
	spec->width = 0;
	spec->longs = 0;
	for (;; fmt++) {
		if (*fmt == '-')
			spec->left = true;
		else if (*fmt == '0')
			spec->pad = '0';
		else
			break;
	}
	while (*fmt >= '0' && *fmt <= '9')
		spec->width = spec->width * 10 + (size_t)(*fmt++ - '0');
	while (*fmt == 'l') {
		spec->longs++;
		fmt++;
	}
	if (*fmt == 'z') {
		spec->longs = 1;
		fmt++;
	}
	return fmt;
}

static void format(struct sink *sink, const char *fmt, va_list ap)
{
	char tmp[24];
	struct spec spec;

	for (; *fmt; fmt++) {
		unsigned long long val;
		const char *prefix = "";
		const char *str;
		size_t len;

		if (*fmt != '%') {
			sink->put(sink, *fmt);
			continue;
		}
		fmt = parse_spec(fmt + 1, &spec);
		switch (*fmt) {
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			emit(sink, &spec, tmp, 1, "");
			continue;
		case 's':
			str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			spec.pad = ' ';
			emit(sink, &spec, str, strlen(str), "");
			continue;
		case 'd':
		case 'i': {
			long long sval = spec.longs ? va_arg(ap, long long) :
						      va_arg(ap, int);

			val = sval < 0 ? -(unsigned long long)sval :
					 (unsigned long long)sval;
			if (sval < 0)
				prefix = "-";
			len = utoa(val, 10, false, tmp, sizeof(tmp));
			emit(sink, &spec, tmp + sizeof(tmp) - len, len, prefix);
			continue;
		}
		case 'u':
		case 'x':
		case 'X':
			val = spec.longs ? va_arg(ap, unsigned long long) :
					   va_arg(ap, unsigned int);
			len = utoa(val, *fmt == 'u' ? 10 : 16, *fmt == 'X', tmp,
				   sizeof(tmp));
			emit(sink, &spec, tmp + sizeof(tmp) - len, len, "");
			continue;
		case 'p':
			val = (uintptr_t)va_arg(ap, void *);
			len = utoa(val, 16, false, tmp, sizeof(tmp));
			emit(sink, &spec, tmp + sizeof(tmp) - len, len, "0x");
			continue;
		case '%':
			sink->put(sink, '%');
			continue;
		case '\0':
			return;
		default:
			sink->put(sink, '%');
			sink->put(sink, *fmt);
			continue;
		}
	}
}

int vprintf(const char *fmt, va_list ap)
{
	struct sink sink = { .put = put_uart };

	format(&sink, fmt, ap);
	return (int)sink.len;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink sink = { .put = put_buf, .buf = buf, .size = size };

	format(&sink, fmt, ap);
	if (size)
		buf[sink.len < size ? sink.len : size - 1] = '\0';
	return (int)sink.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
