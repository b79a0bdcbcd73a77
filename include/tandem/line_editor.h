/*
 * The shell's line editor: turns the bytes a VT100/ANSI terminal sends into
 * complete command lines, with cursor movement, in-line editing and a small
 * history. It is pure logic: no globals, no console calls. Everything it
 * wants the terminal to show goes through the echo callback, so the same
 * code runs on the serial console and in host unit tests.
 *
 * The echo stream uses only printable bytes, "\b", "\r\n", BEL, CSI n C,
 * CSI n D and CSI K, and assumes the line fits on one terminal row (the
 * editor cannot know the terminal's width over a plain serial line).
 */
#ifndef TANDEM_LINE_EDITOR_H
#define TANDEM_LINE_EDITOR_H

#include <tandem/types.h>

#define LE_MAX_LEN	255	/* characters per line, without the NUL */
#define LE_HISTORY	16	/* remembered lines */

typedef void (*le_echo_fn)(void *ctx, const char *buf, size_t len);

enum le_result {
	LE_NONE,	/* keep feeding */
	LE_LINE,	/* a line is complete: read it with le_line() */
	LE_CANCEL,	/* Ctrl-C: the line was discarded */
};

/* Where the escape-sequence parser is inside a multi-byte key sequence. */
enum le_esc_state {
	LE_ESC_NONE,
	LE_ESC_START,	/* saw ESC */
	LE_ESC_CSI,	/* saw ESC [ */
	LE_ESC_SS3,	/* saw ESC O */
};

struct line_editor {
	char buf[LE_MAX_LEN + 1];
	size_t len;
	size_t cursor;			/* 0..len */
	bool line_done;			/* buf holds a finished line */
	bool after_cr;			/* drop the LF of a CR LF pair */

	enum le_esc_state esc;
	unsigned int csi_param;		/* first numeric parameter */
	bool csi_past_first;		/* a ';' ended the first param */
	bool csi_odd;			/* private or intermediate bytes */

	/* Ring of past lines; hist_next is the slot the next line goes to. */
	char hist[LE_HISTORY][LE_MAX_LEN + 1];
	unsigned int hist_next;
	unsigned int hist_count;
	/* -1 when not browsing, else how many lines back from the newest. */
	int hist_pos;
	/* The line being edited when browsing began, restored by Down. */
	char saved[LE_MAX_LEN + 1];
	size_t saved_len;

	le_echo_fn echo;
	void *ctx;
};

void le_init(struct line_editor *le, le_echo_fn echo, void *ctx);

/* Feed one received byte. */
enum le_result le_feed(struct line_editor *le, char c);

/*
 * The completed line after le_feed() returned LE_LINE, NUL-terminated and
 * without the line ending. Valid until the next le_feed().
 */
const char *le_line(const struct line_editor *le);

#endif
