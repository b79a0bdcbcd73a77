/*
 * The shell's line editor: key decoding (including VT100/ANSI escape
 * sequences), the edit buffer, the history ring, and the minimal echo that
 * keeps the terminal's copy of the line equal to the buffer.
 *
 * Redraw strategy: the terminal cursor always sits where le->cursor says.
 * After an edit at position p the editor reprints buf[p..len], erases any
 * leftover characters with CSI K, and walks back to the cursor. That needs
 * no knowledge of what the terminal showed before, only that the line is
 * on one row, so it stays correct after arbitrary edit sequences.
 */
#include <tandem/line_editor.h>
#include <string.h>

#define KEY_CTRL(c)	((c) - '@')
#define KEY_ESC		0x1b
#define KEY_DEL		0x7f

/* Beyond this many columns an escape sequence is shorter than repeating. */
#define SHORT_MOVE	4

static void out(struct line_editor *le, const char *s, size_t n)
{
	if (n)
		le->echo(le->ctx, s, n);
}

static void out_str(struct line_editor *le, const char *s)
{
	out(le, s, strlen(s));
}

/* CSI n <final>, formatted by hand so the editor needs no printf. */
static void out_csi(struct line_editor *le, size_t n, char final)
{
	char seq[2 + 20 + 1];
	char digits[20];
	size_t len = 0, nd = 0;

	do {
		digits[nd++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	seq[len++] = KEY_ESC;
	seq[len++] = '[';
	while (nd)
		seq[len++] = digits[--nd];
	seq[len++] = final;
	out(le, seq, len);
}

static void erase_to_eol(struct line_editor *le)
{
	out_str(le, "\x1b[K");
}

/* Move the terminal cursor left; does not touch le->cursor. */
static void term_left(struct line_editor *le, size_t n)
{
	static const char bs[SHORT_MOVE] = { '\b', '\b', '\b', '\b' };

	if (n <= SHORT_MOVE)
		out(le, bs, n);
	else
		out_csi(le, n, 'D');
}

/*
 * Move the terminal cursor right from le->cursor. Short moves reprint the
 * characters being passed over, which the terminal already shows.
 */
static void term_right(struct line_editor *le, size_t n)
{
	if (n <= SHORT_MOVE)
		out(le, le->buf + le->cursor, n);
	else
		out_csi(le, n, 'C');
}

/*
 * The terminal cursor is at column pos and everything before it is right:
 * reprint the rest, optionally erase what the old line left behind, and
 * return the terminal cursor to le->cursor (which must be >= pos).
 */
static void redraw_from(struct line_editor *le, size_t pos, bool erase)
{
	out(le, le->buf + pos, le->len - pos);
	if (erase)
		erase_to_eol(le);
	term_left(le, le->len - le->cursor);
}

static void bell(struct line_editor *le)
{
	out_str(le, "\a");
}

static void clear_line(struct line_editor *le)
{
	le->len = 0;
	le->cursor = 0;
	le->buf[0] = '\0';
	le->line_done = false;
}

/* Replace the whole line, leaving the cursor at its end (history recall). */
static void replace_line(struct line_editor *le, const char *s, size_t n)
{
	term_left(le, le->cursor);
	memcpy(le->buf, s, n);
	le->buf[n] = '\0';
	le->len = n;
	le->cursor = n;
	redraw_from(le, 0, true);
}

static void insert_char(struct line_editor *le, char c)
{
	size_t pos = le->cursor;

	if (le->len >= LE_MAX_LEN) {
		bell(le);
		return;
	}
	/* Shift the tail including its NUL. */
	memmove(le->buf + pos + 1, le->buf + pos, le->len - pos + 1);
	le->buf[pos] = c;
	le->len++;
	le->cursor++;
	redraw_from(le, pos, false);
}

/* Remove the n characters starting at pos; the terminal cursor is at pos. */
static void delete_span(struct line_editor *le, size_t pos, size_t n)
{
	memmove(le->buf + pos, le->buf + pos + n, le->len - pos - n + 1);
	le->len -= n;
	le->cursor = pos;
	redraw_from(le, pos, true);
}

static void backspace(struct line_editor *le)
{
	if (!le->cursor)
		return;
	term_left(le, 1);
	delete_span(le, le->cursor - 1, 1);
}

static void delete_at_cursor(struct line_editor *le)
{
	if (le->cursor == le->len)
		return;
	delete_span(le, le->cursor, 1);
}

static void kill_to_start(struct line_editor *le)
{
	size_t n = le->cursor;

	if (!n)
		return;
	term_left(le, n);
	delete_span(le, 0, n);
}

static void kill_to_end(struct line_editor *le)
{
	if (le->cursor == le->len)
		return;
	erase_to_eol(le);
	le->len = le->cursor;
	le->buf[le->len] = '\0';
}

static void move_left(struct line_editor *le)
{
	if (!le->cursor)
		return;
	term_left(le, 1);
	le->cursor--;
}

static void move_right(struct line_editor *le)
{
	if (le->cursor == le->len)
		return;
	term_right(le, 1);
	le->cursor++;
}

static void move_home(struct line_editor *le)
{
	term_left(le, le->cursor);
	le->cursor = 0;
}

static void move_end(struct line_editor *le)
{
	term_right(le, le->len - le->cursor);
	le->cursor = le->len;
}

/* k lines back from the newest; k < hist_count. */
static const char *hist_entry(const struct line_editor *le, unsigned int k)
{
	return le->hist[(le->hist_next + LE_HISTORY - 1 - k) % LE_HISTORY];
}

static void hist_add(struct line_editor *le)
{
	if (!le->len)
		return;
	if (le->hist_count && !strcmp(hist_entry(le, 0), le->buf))
		return;
	memcpy(le->hist[le->hist_next], le->buf, le->len + 1);
	le->hist_next = (le->hist_next + 1) % LE_HISTORY;
	if (le->hist_count < LE_HISTORY)
		le->hist_count++;
}

static void hist_up(struct line_editor *le)
{
	const char *s;

	/* Past the oldest entry the line simply stays. */
	if (le->hist_pos + 1 >= (int)le->hist_count)
		return;
	if (le->hist_pos < 0) {
		memcpy(le->saved, le->buf, le->len + 1);
		le->saved_len = le->len;
	}
	le->hist_pos++;
	s = hist_entry(le, (unsigned int)le->hist_pos);
	replace_line(le, s, strlen(s));
}

static void hist_down(struct line_editor *le)
{
	const char *s;

	if (le->hist_pos < 0)
		return;
	le->hist_pos--;
	if (le->hist_pos < 0) {
		replace_line(le, le->saved, le->saved_len);
		return;
	}
	s = hist_entry(le, (unsigned int)le->hist_pos);
	replace_line(le, s, strlen(s));
}

static enum le_result finish_line(struct line_editor *le)
{
	out_str(le, "\r\n");
	hist_add(le);
	le->hist_pos = -1;
	le->line_done = true;
	return LE_LINE;
}

static enum le_result cancel_line(struct line_editor *le)
{
	out_str(le, "^C\r\n");
	clear_line(le);
	le->hist_pos = -1;
	return LE_CANCEL;
}

/* Keys that arrive as ESC [ <final> or ESC O <final>. */
static void cursor_key(struct line_editor *le, char final)
{
	switch (final) {
	case 'A':
		hist_up(le);
		break;
	case 'B':
		hist_down(le);
		break;
	case 'C':
		move_right(le);
		break;
	case 'D':
		move_left(le);
		break;
	case 'H':
		move_home(le);
		break;
	case 'F':
		move_end(le);
		break;
	}
}

/* ESC [ n ~: the editing keypad, numbered as VT220 and xterm send it. */
static void keypad_key(struct line_editor *le, unsigned int n)
{
	switch (n) {
	case 1:
	case 7:
		move_home(le);
		break;
	case 3:
		delete_at_cursor(le);
		break;
	case 4:
	case 8:
		move_end(le);
		break;
	}
}

static void csi_final(struct line_editor *le, unsigned char c)
{
	/* Private (ESC [ ?...) and intermediate forms are nothing we know. */
	if (le->csi_odd)
		return;
	if (c == '~')
		keypad_key(le, le->csi_param);
	else
		cursor_key(le, (char)c);
}

/*
 * One byte inside an escape sequence (c is not a C0 control). Modifier
 * parameters (ESC [ 1 ; 5 D) are ignored, so Ctrl-Left acts as Left.
 */
static void feed_esc(struct line_editor *le, unsigned char c)
{
	switch (le->esc) {
	case LE_ESC_START:
		/* ESC <other> is a Meta-key chord: swallow it. */
		if (c == '[') {
			le->esc = LE_ESC_CSI;
			le->csi_param = 0;
			le->csi_past_first = false;
			le->csi_odd = false;
			return;
		}
		if (c == 'O') {
			le->esc = LE_ESC_SS3;
			return;
		}
		break;
	case LE_ESC_CSI:
		if (c >= '0' && c <= '9') {
			/* Saturate: no key code is this large. */
			if (!le->csi_past_first && le->csi_param < 10000)
				le->csi_param = le->csi_param * 10 + (c - '0');
			return;
		}
		if (c == ';') {
			le->csi_past_first = true;
			return;
		}
		if (c >= 0x20 && c <= 0x3f) {
			le->csi_odd = true;
			return;
		}
		if (c >= 0x40 && c <= 0x7e)
			csi_final(le, c);
		/* Anything else is malformed: drop it with the sequence. */
		break;
	case LE_ESC_SS3:
		if (c >= 0x40 && c <= 0x7e)
			cursor_key(le, (char)c);
		break;
	case LE_ESC_NONE:
		break;
	}
	le->esc = LE_ESC_NONE;
}

void le_init(struct line_editor *le, le_echo_fn echo, void *ctx)
{
	memset(le, 0, sizeof(*le));
	le->hist_pos = -1;
	le->esc = LE_ESC_NONE;
	le->echo = echo;
	le->ctx = ctx;
}

enum le_result le_feed(struct line_editor *le, char ch)
{
	unsigned char c = (unsigned char)ch;
	bool after_cr = le->after_cr;

	if (le->line_done)
		clear_line(le);
	le->after_cr = false;

	if (le->esc != LE_ESC_NONE) {
		/*
		 * A control byte cannot be part of a key sequence; end the
		 * sequence and act on the byte, so Enter and Ctrl-C work even
		 * after a stray ESC.
		 */
		if (c >= 0x20) {
			feed_esc(le, c);
			return LE_NONE;
		}
		le->esc = LE_ESC_NONE;
	}

	switch (c) {
	case '\r':
		le->after_cr = true;
		return finish_line(le);
	case '\n':
		/* Terminals send CR, LF or CR LF for Enter: one line each. */
		if (after_cr)
			return LE_NONE;
		return finish_line(le);
	case KEY_CTRL('C'):
		return cancel_line(le);
	case KEY_ESC:
		le->esc = LE_ESC_START;
		break;
	case KEY_DEL:
	case '\b':
		backspace(le);
		break;
	case KEY_CTRL('A'):
		move_home(le);
		break;
	case KEY_CTRL('E'):
		move_end(le);
		break;
	case KEY_CTRL('U'):
		kill_to_start(le);
		break;
	case KEY_CTRL('K'):
		kill_to_end(le);
		break;
	default:
		/* Other controls and non-ASCII bytes are ignored. */
		if (c >= 0x20 && c < 0x7f)
			insert_char(le, (char)c);
		break;
	}
	return LE_NONE;
}

const char *le_line(const struct line_editor *le)
{
	return le->buf;
}
