/*
 * The SP805 watchdog's registers as a guest sees them
 * (include/virt/sp805_regs.h). The counter is not stepped: a running one is
 * kept as the tick at which it reaches zero, so reading WdogValue, waiting
 * a long time and the next expiry cost the same few operations.
 */
#include <virt/sp805_regs.h>

#include <errno.h>
#include <string.h>

/* PrimeCell identification: SP805 (AMBA id 0x00141805, as Linux matches). */
static const uint8_t sp805_id[8] = { 0x05, 0x18, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

void sp805_regs_reset(struct sp805_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->load = 0xffffffffU;
	r->held = 0xffffffffU;
}

/* A zero WdogLoad interrupts at once in hardware; one tick keeps the
 * arithmetic finite and is below what any guest can observe. */
static uint64_t period(const struct sp805_regs *r)
{
	return r->load ? r->load : 1;
}

static void reload(struct sp805_regs *r, uint64_t now)
{
	if (r->running)
		r->next_zero = now + period(r);
	else
		r->held = r->load;
}

static uint32_t counter(const struct sp805_regs *r, uint64_t now)
{
	if (!r->running)
		return r->held;
	return now >= r->next_zero ? 0 : (uint32_t)(r->next_zero - now);
}

void sp805_regs_advance(struct sp805_regs *r, uint64_t now, struct sp805_effect *e)
{
	uint64_t p = period(r), missed;

	e->reset = false;
	while (r->running && now >= r->next_zero) {
		r->expiries++;
		if (r->ris && (r->control & SP805_CTRL_RESEN)) {
			r->reset_asserted = true;
			r->running = false;
			r->held = 0;
			e->reset = true;
			break;
		}
		r->ris = true;
		r->next_zero += p;
		if (!(r->control & SP805_CTRL_RESEN) && now >= r->next_zero) {
			/* Without RESEN further expiries change nothing but the count. */
			missed = (now - r->next_zero) / p + 1;
			r->expiries += missed;
			r->next_zero += missed * p;
		}
	}
	e->level = r->ris && (r->control & SP805_CTRL_INTEN);
}

uint64_t sp805_regs_next_event(const struct sp805_regs *r)
{
	return r->running ? r->next_zero : UINT64_MAX;
}

static void write_control(struct sp805_regs *r, uint64_t now, uint32_t val)
{
	bool was = (r->control & SP805_CTRL_INTEN) != 0, on = (val & SP805_CTRL_INTEN) != 0;

	r->control = val & (SP805_CTRL_INTEN | SP805_CTRL_RESEN);
	if (on && !was && !r->reset_asserted) {
		/* Enabling the counter reloads it from WdogLoad. */
		r->running = true;
		r->next_zero = now + period(r);
	} else if (!on && was && r->running) {
		r->held = counter(r, now);
		r->running = false;
	}
}

static void reg_write(struct sp805_regs *r, uint64_t now, uint64_t off, uint32_t val)
{
	if (off == SP805_LOCK) {
		r->locked = val != SP805_UNLOCK_KEY;
		return;
	}
	if (r->locked)
		return;
	switch (off) {
	case SP805_LOAD:
		r->load = val;
		reload(r, now);
		break;
	case SP805_CONTROL:
		write_control(r, now, val);
		break;
	case SP805_INTCLR:
		r->ris = false;
		reload(r, now);
		break;
	default:
		break;	/* read-only, integration test or reserved: ignored */
	}
}

static uint32_t reg_read(const struct sp805_regs *r, uint64_t now, uint64_t off)
{
	switch (off) {
	case SP805_LOAD: return r->load;
	case SP805_VALUE: return counter(r, now);
	case SP805_CONTROL: return r->control;
	case SP805_RIS: return r->ris;
	case SP805_MIS: return r->ris && (r->control & SP805_CTRL_INTEN);
	case SP805_LOCK: return r->locked;
	default:
		return off >= SP805_ID_BASE && off < SP805_SIZE ? sp805_id[(off - SP805_ID_BASE) / 4]
								: 0;
	}
}

int sp805_regs_access(struct sp805_regs *r, uint64_t now, uint64_t off, unsigned size,
		      bool write, uint64_t *val, struct sp805_effect *e)
{
	e->reset = false;
	if (size != 4 || off >= SP805_SIZE || (off & 3))
		return -EINVAL;
	sp805_regs_advance(r, now, e);
	if (write)
		reg_write(r, now, off, (uint32_t)*val);
	else
		*val = reg_read(r, now, off);
	e->level = r->ris && (r->control & SP805_CTRL_INTEN);
	return 0;
}
