/*
 * An emulated SP805 watchdog per VM (include/virt/sp805.h). The registers
 * are modelled in sp805_regs.c against watchdog ticks; this file keeps the
 * clock (the host counter less the time the VM spent paused, so a paused
 * VM's watchdog does not run), a host timer at the model's next expiry,
 * the interrupt line and the reset.
 */
#include <stdlib.h>
#include <tandem/log.h>
#include <virt/sp805.h>
#include <virt/sp805_regs.h>
#include <virt/vm.h>
#include <virt/guest_layout.h>

/* While the VM is paused the timer looks again this often. */
#define PAUSED_RECHECK_NS	10000000ULL

struct sp805 {
	struct vm *vm;
	struct k_spinlock lock;
	struct sp805_regs regs;
	struct k_timer timer;
	bool line, live;
	bool was_paused;
	ticks_t paused_since, paused_ticks;	/* the VM's pauses, for wdog_now() */
	uint64_t resets;		/* since create, for `vm info` */
	uint64_t expiries_before;	/* of earlier runs */
};

/* Watchdog ticks of the VM's own time: the host counter less the time the
 * VM spent paused, noticed at each access and expiry (every 10 ms while
 * paused). Under w->lock. */
static uint64_t wdog_now(struct sp805 *w)
{
	ticks_t now = k_cycle_get();
	bool paused = w->vm->paused;

	if (paused && !w->was_paused)
		w->paused_since = now;
	else if (!paused && w->was_paused)
		w->paused_ticks += now - w->paused_since;
	w->was_paused = paused;
	if (paused)
		now = w->paused_since;
	return (uint64_t)((unsigned __int128)k_cycles_to_ns(now - w->paused_ticks) *
			  SP805_CLOCK_HZ / 1000000000ULL);
}

static uint64_t wdog_ticks_to_ns(uint64_t ticks)
{
	return (uint64_t)((unsigned __int128)ticks * 1000000000ULL / SP805_CLOCK_HZ) + 1;
}

static void set_line(struct sp805 *w, bool level)
{
	struct vm *vm = w->vm;
	k_spinlock_key_t key;

	key = k_spin_lock(&vm->vgic_lock);
	vgic_inject(&vm->vgic, 0, GUEST_WDOG_INTID, level);
	k_spin_unlock(&vm->vgic_lock, key);
}

/* Under w->lock: the timer follows the model's next expiry. */
static void rearm(struct sp805 *w, uint64_t now)
{
	uint64_t next = sp805_regs_next_event(&w->regs);

	if (!w->live || next == UINT64_MAX) {
		k_timer_stop(&w->timer);
		return;
	}
	k_timer_start(&w->timer, K_NSEC(next > now ? wdog_ticks_to_ns(next - now) : 0),
		      K_NO_WAIT);
}

/* After the model ran: line, reset, timer. Called with w->lock held; the
 * line and the reset request take their own locks after it is dropped. */
static void effect_done(struct sp805 *w, const struct sp805_effect *e, k_spinlock_key_t key)
{
	bool line_changed = e->level != w->line, reset = e->reset && w->live;

	w->line = e->level;
	if (reset)
		w->resets++;
	k_spin_unlock(&w->lock, key);
	if (line_changed)
		set_line(w, e->level);
	if (reset) {
		LOG_WRN("vm %s: watchdog expired twice unfed", w->vm->name);
		vm_guest_request(w->vm, VM_OP_GUEST_WATCHDOG);
	}
}

static void expired(struct k_timer *t)
{
	struct sp805 *w = container_of(t, struct sp805, timer);
	k_spinlock_key_t key = k_spin_lock(&w->lock);
	struct sp805_effect e;
	uint64_t now;

	if (w->vm->paused) {
		wdog_now(w);	/* notes the pause */
		if (w->live)
			k_timer_start(&w->timer, K_NSEC(PAUSED_RECHECK_NS), K_NO_WAIT);
		k_spin_unlock(&w->lock, key);
		return;
	}
	now = wdog_now(w);
	sp805_regs_advance(&w->regs, now, &e);
	rearm(w, now);
	effect_done(w, &e, key);
}

static int sp805_access(struct vcpu *v, struct mmio_device *d, uint64_t off, unsigned size,
			bool write, uint64_t *val)
{
	struct sp805 *w = d->priv;
	k_spinlock_key_t key = k_spin_lock(&w->lock);
	uint64_t now = wdog_now(w);
	struct sp805_effect e;
	int ret;

	ret = sp805_regs_access(&w->regs, now, off, size, write, val, &e);
	if (ret) {
		k_spin_unlock(&w->lock, key);
		return ret;
	}
	rearm(w, now);
	effect_done(w, &e, key);
	return 0;
}

struct sp805 *sp805_create(struct vm *vm)
{
	struct sp805 *w = calloc(1, sizeof(*w));
	struct mmio_device d = { "sp805", GUEST_WDOG_BASE, SP805_SIZE, sp805_access, w };

	if (!w)
		return NULL;
	w->vm = vm;
	sp805_regs_reset(&w->regs);
	k_timer_init(&w->timer, expired, NULL);
	if (vm_add_mmio(vm, &d)) {
		free(w);
		return NULL;
	}
	return w;
}

void sp805_start(struct sp805 *w)
{
	k_spinlock_key_t key;

	if (!w)
		return;
	key = k_spin_lock(&w->lock);
	w->expiries_before += w->regs.expiries;
	sp805_regs_reset(&w->regs);
	w->line = false;
	w->was_paused = false;
	w->paused_ticks = 0;
	w->live = true;
	k_spin_unlock(&w->lock, key);
}

void sp805_stop(struct sp805 *w)
{
	k_spinlock_key_t key;

	if (!w)
		return;
	key = k_spin_lock(&w->lock);
	w->live = false;		/* an expiry running now re-arms nothing */
	k_spin_unlock(&w->lock, key);
	k_timer_stop_sync(&w->timer);
}

void sp805_counts(struct sp805 *w, uint64_t *expiries, uint64_t *resets)
{
	k_spinlock_key_t key = k_spin_lock(&w->lock);

	*expiries = w->expiries_before + w->regs.expiries;
	*resets = w->resets;
	k_spin_unlock(&w->lock, key);
}

void sp805_destroy(struct sp805 *w)
{
	if (!w)
		return;
	sp805_stop(w);
	free(w);
}
