/*
 * Tests for shell/line_editor.c: key handling, history, escape-sequence
 * parsing, and (through a small VT100 model of the terminal) that the echo
 * stream always leaves the screen showing exactly the edit buffer.
 */
#include <tandem/line_editor.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define CSI "\x1b["
#define KEY_UP CSI "A"
#define KEY_DOWN CSI "B"
#define KEY_RIGHT CSI "C"
#define KEY_LEFT CSI "D"
#define KEY_DELETE CSI "3~"
#define CTRL(c) ((char)((c) - '@'))

/* ---- a tiny VT100: one screen row, strict about what it accepts ---- */

#define VT_COLS 512

struct vt {
	char row[VT_COLS];
	size_t col;
	int esc;		/* 0 none, 1 after ESC, 2 in CSI */
	unsigned int param;
	bool has_param;
	unsigned int bells;
	unsigned int lines;	/* LFs seen */
};

static void vt_reset(struct vt *vt)
{
	memset(vt, 0, sizeof(*vt));
	memset(vt->row, ' ', sizeof(vt->row));
}

static void vt_csi(struct vt *vt, char final)
{
	unsigned int n = vt->has_param ? vt->param : 1;

	switch (final) {
	case 'D':
		/* Moving left of column 0 would walk into the prompt. */
		assert_true(n >= 1 && n <= vt->col);
		vt->col -= n;
		break;
	case 'C':
		assert_true(n >= 1 && vt->col + n < VT_COLS);
		vt->col += n;
		break;
	case 'K':
		/* Only "erase to end of line" is expected. */
		assert_true(!vt->has_param || vt->param == 0);
		memset(vt->row + vt->col, ' ', VT_COLS - vt->col);
		break;
	default:
		fail_msg("unexpected CSI final byte 0x%02x", final);
	}
}

static void vt_byte(struct vt *vt, char c)
{
	if (vt->esc == 1) {
		assert_int_equal(c, '[');
		vt->esc = 2;
		vt->param = 0;
		vt->has_param = false;
		return;
	}
	if (vt->esc == 2) {
		if (c >= '0' && c <= '9') {
			vt->param = vt->param * 10 + (unsigned int)(c - '0');
			vt->has_param = true;
			return;
		}
		vt->esc = 0;
		vt_csi(vt, c);
		return;
	}
	switch (c) {
	case '\x1b':
		vt->esc = 1;
		break;
	case '\b':
		assert_true(vt->col > 0);
		vt->col--;
		break;
	case '\r':
		vt->col = 0;
		break;
	case '\n':
		/* A new row: model it as a blank one. */
		memset(vt->row, ' ', sizeof(vt->row));
		vt->lines++;
		break;
	case '\a':
		vt->bells++;
		break;
	default:
		assert_true(c >= 0x20 && c < 0x7f);
		assert_true(vt->col < VT_COLS - 1);
		vt->row[vt->col++] = c;
		break;
	}
}

static void vt_echo(void *ctx, const char *buf, size_t len)
{
	struct vt *vt = ctx;

	assert_true(len > 0);
	for (size_t i = 0; i < len; i++)
		vt_byte(vt, buf[i]);
}

/* The screen must show the buffer and nothing else, cursor included. */
static void assert_screen_matches(const struct vt *vt,
				  const struct line_editor *le)
{
	assert_int_equal(vt->esc, 0);
	assert_int_equal(strlen(le->buf), le->len);
	assert_memory_equal(vt->row, le->buf, le->len);
	for (size_t i = le->len; i < VT_COLS; i++)
		assert_int_equal(vt->row[i], ' ');
	assert_int_equal(vt->col, le->cursor);
}

/* ---- raw echo capture for exact-output tests ---- */

struct capture {
	char out[4096];
	size_t len;
};

static void cap_echo(void *ctx, const char *buf, size_t len)
{
	struct capture *cap = ctx;

	assert_true(cap->len + len < sizeof(cap->out));
	memcpy(cap->out + cap->len, buf, len);
	cap->len += len;
	cap->out[cap->len] = '\0';
}

static void cap_clear(struct capture *cap)
{
	cap->len = 0;
	cap->out[0] = '\0';
}

struct fixture {
	struct line_editor le;
	struct capture cap;
	struct vt vt;
	bool use_vt;
};

static void fx_echo(void *ctx, const char *buf, size_t len)
{
	struct fixture *fx = ctx;

	cap_echo(&fx->cap, buf, len);
	vt_echo(&fx->vt, buf, len);
}

static int setup(void **state)
{
	static struct fixture fx;

	memset(&fx, 0, sizeof(fx));
	vt_reset(&fx.vt);
	le_init(&fx.le, fx_echo, &fx);
	*state = &fx;
	return 0;
}

/* Feed a string; returns the result of the last byte. */
static enum le_result feed(struct fixture *fx, const char *s)
{
	enum le_result r = LE_NONE;

	for (; *s; s++)
		r = le_feed(&fx->le, *s);
	return r;
}

static void feed_byte(struct fixture *fx, char c)
{
	assert_int_equal(le_feed(&fx->le, c), LE_NONE);
}

static void assert_state(struct fixture *fx, const char *buf, size_t cursor)
{
	assert_string_equal(fx->le.buf, buf);
	assert_int_equal(fx->le.len, strlen(buf));
	assert_int_equal(fx->le.cursor, cursor);
	assert_screen_matches(&fx->vt, &fx->le);
}

/* Type a line and press Enter, checking the editor hands it back. */
static void enter_line(struct fixture *fx, const char *s)
{
	feed(fx, s);
	assert_int_equal(le_feed(&fx->le, '\r'), LE_LINE);
	assert_string_equal(le_line(&fx->le), s);
}

/* ---- deterministic tests ---- */

static void test_typing(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(feed(fx, "ab c"), LE_NONE);
	assert_state(fx, "ab c", 4);
	/* Appending at the end echoes just the character. */
	assert_string_equal(fx->cap.out, "ab c");
}

static void test_enter_cr_lf(void **state)
{
	struct fixture *fx = *state;

	feed(fx, "abc");
	cap_clear(&fx->cap);
	assert_int_equal(le_feed(&fx->le, '\r'), LE_LINE);
	assert_string_equal(le_line(&fx->le), "abc");
	assert_string_equal(fx->cap.out, "\r\n");
	/* The LF of CR LF is swallowed, not a second (empty) line. */
	assert_int_equal(le_feed(&fx->le, '\n'), LE_NONE);
	assert_state(fx, "", 0);

	/* A bare LF is Enter too; so is a second LF. */
	feed(fx, "de");
	assert_int_equal(le_feed(&fx->le, '\n'), LE_LINE);
	assert_string_equal(le_line(&fx->le), "de");
	assert_int_equal(le_feed(&fx->le, '\n'), LE_LINE);
	assert_string_equal(le_line(&fx->le), "");

	/* CR CR is two lines; only an LF right after CR is dropped. */
	assert_int_equal(le_feed(&fx->le, '\r'), LE_LINE);
	assert_int_equal(le_feed(&fx->le, '\r'), LE_LINE);
	feed(fx, "x");
	assert_int_equal(le_feed(&fx->le, '\n'), LE_LINE);
	assert_string_equal(le_line(&fx->le), "x");

	/* The next keystroke starts a fresh line. */
	feed(fx, "y");
	assert_state(fx, "y", 1);
}

static void test_backspace(void **state)
{
	struct fixture *fx = *state;

	/* At the start of an empty line: nothing happens, nothing echoed. */
	feed_byte(fx, 0x7f);
	feed_byte(fx, '\b');
	assert_state(fx, "", 0);
	assert_int_equal(fx->cap.len, 0);

	feed(fx, "abc");
	feed_byte(fx, 0x7f);
	assert_state(fx, "ab", 2);
	feed_byte(fx, '\b');
	assert_state(fx, "a", 1);

	/* At the start of a non-empty line: still a no-op. */
	feed(fx, CSI "H");
	cap_clear(&fx->cap);
	feed_byte(fx, 0x7f);
	assert_state(fx, "a", 0);
	assert_int_equal(fx->cap.len, 0);
}

static void test_mid_line_insert_delete(void **state)
{
	struct fixture *fx = *state;

	feed(fx, "acd");
	feed(fx, KEY_LEFT KEY_LEFT);
	assert_state(fx, "acd", 1);
	feed(fx, "b");
	assert_state(fx, "abcd", 2);

	/* Backspace mid-line closes the gap. */
	feed_byte(fx, 0x7f);
	assert_state(fx, "acd", 1);

	/* Delete removes the character under the cursor. */
	feed(fx, KEY_DELETE);
	assert_state(fx, "ad", 1);
	feed(fx, KEY_RIGHT KEY_DELETE);
	assert_state(fx, "ad", 2);	/* at the end: no-op */
	feed(fx, CSI "H" KEY_DELETE KEY_DELETE);
	assert_state(fx, "", 0);
}

static void test_arrows(void **state)
{
	struct fixture *fx = *state;

	feed(fx, "xy");
	feed(fx, KEY_RIGHT);
	assert_state(fx, "xy", 2);	/* cannot pass the end */
	feed(fx, KEY_LEFT KEY_LEFT KEY_LEFT);
	assert_state(fx, "xy", 0);	/* nor the start */
	feed(fx, KEY_RIGHT);
	assert_state(fx, "xy", 1);
	/* Application cursor mode and modifier forms move the same way. */
	feed(fx, "\x1bOD");
	assert_state(fx, "xy", 0);
	feed(fx, CSI "1;5C");
	assert_state(fx, "xy", 1);
}

static void test_home_end(void **state)
{
	static const char *const home[] = {
		CSI "H", CSI "1~", CSI "7~", "\x1bOH", "\x01",
	};
	static const char *const end[] = {
		CSI "F", CSI "4~", CSI "8~", "\x1bOF", "\x05",
	};
	struct fixture *fx = *state;

	feed(fx, "hello world");
	for (size_t i = 0; i < sizeof(home) / sizeof(home[0]); i++) {
		feed(fx, end[i]);
		assert_state(fx, "hello world", 11);
		feed(fx, home[i]);
		assert_state(fx, "hello world", 0);
	}
	/* Long moves use CSI n D / CSI n C. */
	cap_clear(&fx->cap);
	feed(fx, "\x05");
	assert_string_equal(fx->cap.out, CSI "11C");
	cap_clear(&fx->cap);
	feed(fx, "\x01");
	assert_string_equal(fx->cap.out, CSI "11D");
	/* Typing at home inserts in front. */
	feed(fx, ">");
	assert_state(fx, ">hello world", 1);
}

static void test_kill(void **state)
{
	struct fixture *fx = *state;

	feed(fx, "one two three");
	feed(fx, CSI "H" KEY_RIGHT KEY_RIGHT KEY_RIGHT KEY_RIGHT);
	feed_byte(fx, CTRL('U'));
	assert_state(fx, "two three", 0);
	feed_byte(fx, CTRL('U'));	/* nothing before the cursor */
	assert_state(fx, "two three", 0);
	feed(fx, KEY_RIGHT KEY_RIGHT KEY_RIGHT);
	feed_byte(fx, CTRL('K'));
	assert_state(fx, "two", 3);
	feed_byte(fx, CTRL('K'));	/* nothing after the cursor */
	assert_state(fx, "two", 3);
	feed_byte(fx, CTRL('U'));
	assert_state(fx, "", 0);
}

static void test_ctrl_c(void **state)
{
	struct fixture *fx = *state;

	enter_line(fx, "kept");
	feed(fx, "discard me" KEY_LEFT);
	cap_clear(&fx->cap);
	assert_int_equal(le_feed(&fx->le, CTRL('C')), LE_CANCEL);
	assert_string_equal(fx->cap.out, "^C\r\n");
	/* The new row starts empty, as the buffer does. */
	assert_state(fx, "", 0);

	/* Cancelled text is not in the history; the previous line is. */
	assert_int_equal(fx->le.hist_count, 1);
	feed(fx, KEY_UP);
	assert_state(fx, "kept", 4);
	feed(fx, KEY_DOWN);
	assert_state(fx, "", 0);
}

static void test_history_browse(void **state)
{
	struct fixture *fx = *state;

	enter_line(fx, "one");
	enter_line(fx, "two");
	enter_line(fx, "three");
	feed(fx, "wip" KEY_LEFT);

	feed(fx, KEY_UP);
	assert_state(fx, "three", 5);
	feed(fx, KEY_UP);
	assert_state(fx, "two", 3);
	feed(fx, KEY_UP);
	assert_state(fx, "one", 3);
	cap_clear(&fx->cap);
	feed(fx, KEY_UP);		/* past the oldest: stays */
	assert_state(fx, "one", 3);
	assert_int_equal(fx->cap.len, 0);

	feed(fx, KEY_DOWN);
	assert_state(fx, "two", 3);
	feed(fx, KEY_DOWN);
	assert_state(fx, "three", 5);
	/* Past the newest: the line being edited comes back. */
	feed(fx, KEY_DOWN);
	assert_state(fx, "wip", 3);
	feed(fx, KEY_DOWN);
	assert_state(fx, "wip", 3);
}

static void test_history_edit(void **state)
{
	struct fixture *fx = *state;

	enter_line(fx, "alpha");
	enter_line(fx, "beta");
	feed(fx, "draft");

	/* Editing a recalled line does not change the history entry. */
	feed(fx, KEY_UP KEY_UP);
	assert_state(fx, "alpha", 5);
	feed(fx, "\x7f\x7f" "!");
	assert_state(fx, "alp!", 4);
	feed(fx, KEY_DOWN);
	assert_state(fx, "beta", 4);
	feed(fx, KEY_UP);
	assert_state(fx, "alpha", 5);
	feed(fx, KEY_DOWN KEY_DOWN);
	assert_state(fx, "draft", 5);

	/* An edited recall is entered as a new line. */
	feed(fx, KEY_UP "2");
	assert_int_equal(le_feed(&fx->le, '\r'), LE_LINE);
	assert_string_equal(le_line(&fx->le), "beta2");
	feed(fx, KEY_UP);
	assert_state(fx, "beta2", 5);
	feed(fx, KEY_UP);
	assert_state(fx, "beta", 4);
}

static void test_history_dedup_and_empty(void **state)
{
	struct fixture *fx = *state;

	enter_line(fx, "same");
	enter_line(fx, "same");
	enter_line(fx, "");
	assert_int_equal(fx->le.hist_count, 1);
	enter_line(fx, "other");
	/* Equal to an older entry, but not the newest: added. */
	enter_line(fx, "same");
	assert_int_equal(fx->le.hist_count, 3);

	/* With no history at all, Up and Down do nothing. */
	le_init(&fx->le, fx_echo, fx);
	vt_reset(&fx->vt);
	feed(fx, "x" KEY_UP KEY_DOWN);
	assert_state(fx, "x", 1);
}

static void test_history_ring(void **state)
{
	struct fixture *fx = *state;
	char line[16];

	for (int i = 0; i < LE_HISTORY + 4; i++) {
		snprintf(line, sizeof(line), "cmd%d", i);
		enter_line(fx, line);
	}
	assert_int_equal(fx->le.hist_count, LE_HISTORY);
	for (int i = LE_HISTORY + 3; i >= 4; i--) {
		feed(fx, KEY_UP);
		snprintf(line, sizeof(line), "cmd%d", i);
		assert_state(fx, line, strlen(line));
	}
	/* The four oldest lines were overwritten. */
	feed(fx, KEY_UP);
	assert_state(fx, "cmd4", 4);
}

static void test_overflow(void **state)
{
	struct fixture *fx = *state;
	char full[LE_MAX_LEN + 1];

	memset(full, 'a', LE_MAX_LEN);
	full[LE_MAX_LEN] = '\0';
	feed(fx, full);
	assert_state(fx, full, LE_MAX_LEN);
	assert_int_equal(fx->vt.bells, 0);

	cap_clear(&fx->cap);
	feed(fx, "b");
	assert_string_equal(fx->cap.out, "\a");
	assert_state(fx, full, LE_MAX_LEN);

	/* Mid-line inserts are refused too. */
	feed(fx, CSI "H" "c");
	assert_int_equal(fx->vt.bells, 2);
	assert_state(fx, full, 0);

	/* After making room, typing works again. */
	feed(fx, KEY_DELETE "d");
	full[0] = 'd';
	assert_state(fx, full, 1);
	assert_int_equal(le_feed(&fx->le, '\r'), LE_LINE);
	assert_string_equal(le_line(&fx->le), full);
}

static void test_unknown_sequences(void **state)
{
	static const char *const junk[] = {
		CSI "5~",		/* Page Up */
		CSI "2~",		/* Insert */
		CSI "15~",		/* F5 */
		CSI "200~",		/* bracketed paste start */
		CSI "?25h",		/* private mode */
		CSI "1;5Z",		/* unknown final */
		CSI " q",		/* intermediate byte */
		CSI "123456789012~",	/* absurd parameter */
		CSI "3;5~x",		/* only the x survives */
		"\x1bOP",		/* F1 */
		"\x1bx",		/* Meta-x */
		"\x1b\x1b[C",		/* ESC ESC [ C: a Right arrow */
		CSI "\x80",		/* malformed: ends the sequence */
	};
	struct fixture *fx = *state;

	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		feed(fx, junk[i]);
	assert_state(fx, "x", 1);
	assert_int_equal(fx->vt.bells, 0);

	/* Private or intermediate forms of known keys are not those keys. */
	feed(fx, CSI "H");
	feed(fx, CSI "?3~" CSI "?C" CSI ">1;2C" CSI " C" CSI "3 ~");
	assert_state(fx, "x", 0);
	feed(fx, CSI "F");

	/* A control byte ends a sequence and still does its job. */
	feed(fx, CSI "1");
	assert_int_equal(le_feed(&fx->le, '\r'), LE_LINE);
	assert_string_equal(le_line(&fx->le), "x");
	feed(fx, "\x1b" "a");
	assert_state(fx, "", 0);		/* Meta-a swallowed */
	feed(fx, "\x1b" "\x7f" "b");
	assert_state(fx, "b", 1);
}

static void test_non_printable_ignored(void **state)
{
	struct fixture *fx = *state;

	feed(fx, "a");
	for (int c = 1; c < 0x20; c++) {
		switch (c) {
		case 0x01: case 0x03: case 0x05: case 0x08: case 0x0a:
		case 0x0b: case 0x0d: case 0x15: case 0x1b:
			continue;
		}
		feed_byte(fx, (char)c);
	}
	feed_byte(fx, '\0');
	for (int c = 0x80; c <= 0xff; c++)
		feed_byte(fx, (char)c);
	assert_state(fx, "a", 1);
	assert_string_equal(fx->cap.out, "a");
}

/* ---- the terminal model under random editing ---- */

static uint32_t rng_state;

static uint32_t rng(void)
{
	/* xorshift32: fixed seed, same sequence on every run. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/*
 * A second, naive model of the edit buffer, used to check the editor's
 * semantics as well as its rendering. History recall resyncs it from the
 * editor, whose history logic the deterministic tests cover.
 */
struct shadow {
	char buf[LE_MAX_LEN + 1];
	size_t len, cursor;
};

static void sh_insert(struct shadow *s, char c)
{
	if (s->len == LE_MAX_LEN)
		return;
	for (size_t i = s->len; i > s->cursor; i--)
		s->buf[i] = s->buf[i - 1];
	s->buf[s->cursor++] = c;
	s->buf[++s->len] = '\0';
}

static void sh_delete(struct shadow *s, size_t pos)
{
	for (size_t i = pos; i < s->len; i++)
		s->buf[i] = s->buf[i + 1];
	s->len--;
}

enum op { OP_LEFT, OP_RIGHT, OP_HOME, OP_END, OP_DELETE, OP_BACKSPACE,
	  OP_KILL_START, OP_KILL_END, OP_HISTORY, OP_NOTHING };

/* Apply a key's expected effect to the shadow model. */
static void sh_apply(struct shadow *s, enum op op, const struct line_editor *le)
{
	switch (op) {
	case OP_LEFT:
		if (s->cursor)
			s->cursor--;
		break;
	case OP_RIGHT:
		if (s->cursor < s->len)
			s->cursor++;
		break;
	case OP_HOME:
		s->cursor = 0;
		break;
	case OP_END:
		s->cursor = s->len;
		break;
	case OP_DELETE:
		if (s->cursor < s->len)
			sh_delete(s, s->cursor);
		break;
	case OP_BACKSPACE:
		if (s->cursor)
			sh_delete(s, --s->cursor);
		break;
	case OP_KILL_START:
		while (s->cursor)
			sh_delete(s, --s->cursor);
		break;
	case OP_KILL_END:
		s->len = s->cursor;
		s->buf[s->len] = '\0';
		break;
	case OP_HISTORY:
		memcpy(s->buf, le->buf, sizeof(s->buf));
		s->len = le->len;
		s->cursor = le->cursor;
		break;
	case OP_NOTHING:
		break;
	}
}

static void test_terminal_model_random(void **state)
{
	static const struct {
		const char *seq;
		enum op op;
	} keys[] = {
		{ KEY_LEFT, OP_LEFT }, { "\x1bOD", OP_LEFT },
		{ KEY_RIGHT, OP_RIGHT }, { CSI "1;5C", OP_RIGHT },
		{ CSI "H", OP_HOME }, { CSI "1~", OP_HOME },
		{ "\x1bOH", OP_HOME }, { "\x01", OP_HOME },
		{ CSI "F", OP_END }, { CSI "4~", OP_END },
		{ "\x1bOF", OP_END }, { "\x05", OP_END },
		{ KEY_DELETE, OP_DELETE },
		{ "\x7f", OP_BACKSPACE }, { "\b", OP_BACKSPACE },
		{ "\x15", OP_KILL_START }, { "\x0b", OP_KILL_END },
		{ KEY_UP, OP_HISTORY }, { KEY_DOWN, OP_HISTORY },
		{ CSI "5~", OP_NOTHING }, { CSI "?1h", OP_NOTHING },
		{ "\x1bx", OP_NOTHING }, { "\t", OP_NOTHING },
		{ "\x80", OP_NOTHING },
	};
	struct fixture *fx = *state;
	struct shadow sh = { .buf = "" };
	unsigned int lines = 0, recalls = 0;
	enum le_result res;
	int burst = 0;

	rng_state = 0x2545f491;
	for (int step = 0; step < 20000; step++) {
		uint32_t r = rng() % 100;
		size_t k;
		char c;

		cap_clear(&fx->cap);
		if (burst > 0 || r < 40) {
			/* Printable ASCII; long bursts reach the limit. */
			c = (char)(0x20 + rng() % 95);
			if (burst > 0)
				burst--;
			else if (rng() % 50 == 0)
				burst = 100 + (int)(rng() % 200);
			feed_byte(fx, c);
			sh_insert(&sh, c);
		} else if (r < 42) {
			res = le_feed(&fx->le, rng() % 2 ? '\r' : '\n');
			assert_int_equal(res, LE_LINE);
			assert_string_equal(le_line(&fx->le), sh.buf);
			lines++;
			sh = (struct shadow){ .buf = "" };
			/* The next keystroke clears the finished line. */
			feed_byte(fx, '\x7f');
		} else if (r < 43) {
			res = le_feed(&fx->le, CTRL('C'));
			assert_int_equal(res, LE_CANCEL);
			sh = (struct shadow){ .buf = "" };
		} else {
			k = rng() % (sizeof(keys) / sizeof(keys[0]));
			feed(fx, keys[k].seq);
			sh_apply(&sh, keys[k].op, &fx->le);
			if (keys[k].op == OP_HISTORY)
				recalls++;
		}
		assert_string_equal(fx->le.buf, sh.buf);
		assert_int_equal(fx->le.cursor, sh.cursor);
		assert_screen_matches(&fx->vt, &fx->le);
	}
	/* The run must actually have exercised the interesting paths. */
	assert_true(lines > 50);
	assert_true(recalls > 50);
	assert_true(fx->vt.bells > 0);
	assert_int_equal(fx->le.hist_count, LE_HISTORY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_typing, setup),
		cmocka_unit_test_setup(test_enter_cr_lf, setup),
		cmocka_unit_test_setup(test_backspace, setup),
		cmocka_unit_test_setup(test_mid_line_insert_delete, setup),
		cmocka_unit_test_setup(test_arrows, setup),
		cmocka_unit_test_setup(test_home_end, setup),
		cmocka_unit_test_setup(test_kill, setup),
		cmocka_unit_test_setup(test_ctrl_c, setup),
		cmocka_unit_test_setup(test_history_browse, setup),
		cmocka_unit_test_setup(test_history_edit, setup),
		cmocka_unit_test_setup(test_history_dedup_and_empty, setup),
		cmocka_unit_test_setup(test_history_ring, setup),
		cmocka_unit_test_setup(test_overflow, setup),
		cmocka_unit_test_setup(test_unknown_sequences, setup),
		cmocka_unit_test_setup(test_non_printable_ignored, setup),
		cmocka_unit_test_setup(test_terminal_model_random, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
