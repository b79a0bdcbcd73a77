/*
 * The vCPU thread: enter the guest, take the exit, handle it, go back in.
 * Exits are dispatched on ESR_EL2.EC to one handler each. Anything the guest
 * does that Tandem does not emulate ends in a defined guest-visible result
 * (an undefined-instruction or abort exception injected into the guest) and
 * one log line, never a host fault.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <tandem/irq.h>
#include <tandem/log.h>
#include <tandem/percpu.h>
#include <virt/mmio_decode.h>
#include <virt/shm.h>
#include <virt/vm.h>
#include <arch/vcpu_ctx.h>
#include <arch/vgic_hw.h>
#include <arch/serror.h>

void vgic_lr_flush(struct vcpu *v);
void vgic_lr_sync(struct vcpu *v);
void irq_handle(void *tf);

const char *const vm_exit_names[EXIT_REASON_COUNT] = {
	[EXIT_HVC] = "hvc", [EXIT_SMC] = "smc", [EXIT_PSCI] = "psci",
	[EXIT_WFI] = "wfi", [EXIT_WFE] = "wfe", [EXIT_MMIO] = "mmio",
	[EXIT_SYSREG] = "sysreg", [EXIT_IRQ] = "irq",
	[EXIT_ABORT_INJECTED] = "abort-injected",
	[EXIT_UNDEF_INJECTED] = "undef-injected", [EXIT_MAINT] = "maintenance",
};

#define EC_WFX		0x01
#define EC_HVC64	0x16
#define EC_SMC64	0x17
#define EC_SYSREG	0x18
#define EC_IABT_LOW	0x20
#define EC_DABT_LOW	0x24

#define VLOG(v, lvl, fmt, ...) \
	log_printf(lvl, "vm %s vcpu%u: " fmt, (v)->vm->name, (v)->id, ##__VA_ARGS__)

const char *const vm_warn_names[WARN_COUNT] = {
	[WARN_DATA_ABORT] = "data-abort", [WARN_PREFETCH_ABORT] = "prefetch-abort",
	[WARN_UNDEF] = "undef",
};

/* A looping guest must not flood the host console: per VM and reason, the
 * first WARN_BURST lines, then one a second, saying how many were held. */
#define WARN_BURST 10
/* A guest that faults this many times in a row at the vector it was just
 * sent to, with the same syndrome, can never get out: it is stopped. */
#define INJECT_LOOP_LIMIT 16

static void vwarn(struct vcpu *v, enum vm_warn why, const char *fmt, ...) __printf_like(3, 4);
static void vwarn(struct vcpu *v, enum vm_warn why, const char *fmt, ...)
{
	struct vm *vm = v->vm;
	k_spinlock_key_t key = k_spin_lock(&vm->warn_lock);
	uint64_t held = 0;
	bool ok = ratelimit_allow(&vm->warn[why], k_cycle_get(), k_ns_to_cycles(1000000000ULL),
				  WARN_BURST, &held);
	char line[160], note[40] = "";
	va_list ap;

	k_spin_unlock(&vm->warn_lock, key);
	if (!ok)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (held)
		snprintf(note, sizeof(note), " (%llu suppressed)", (unsigned long long)held);
	VLOG(v, LOG_LEVEL_WRN, "%s%s", line, note);
}

/*
 * Called with the guest PC still at the faulting instruction, before the
 * exception is injected. A fault at the very vector the last injection sent
 * the guest to, with the same syndrome, repeats for ever (the guest never
 * runs a handler in between): after INJECT_LOOP_LIMIT of them the VM is
 * crashed instead. Returns true if it was.
 */
static bool inject_loops(struct vcpu *v, uint64_t esr)
{
	if (v->arch.pc == v->inject_target && esr == v->inject_esr)
		v->inject_loops++;
	else
		v->inject_loops = 0;
	v->inject_esr = esr;
	if (v->inject_loops < INJECT_LOOP_LIMIT)
		return false;
	vm_crash(v->vm, "vcpu%u took the same exception (ESR %#llx) at its vector %#llx %u times in a row",
		 v->id, (unsigned long long)esr, (unsigned long long)v->arch.pc,
		 v->inject_loops + 1);
	return true;
}

/* ---- switching hooks: the vCPU's EL1 world follows its thread -------------- */

static void vcpu_switch_in(struct k_thread *t)
{
	struct vcpu *v = t->user;

	vcpu_arch_load(&v->arch);
	vgic_hw_load(&v->arch.gic);
	if (v->arch.gic.vtimer_phys_active)
		irq_set_active(27, true);
	v->arch.gic.vtimer_resync = true;
	this_cpu()->vcpu = v;
}

static void vcpu_switch_out(struct k_thread *t)
{
	struct vcpu *v = t->user;

	/* A forwarded timer interrupt the guest has not finished with stays
	 * with this vCPU, not with whoever uses the core next. */
	v->arch.gic.vtimer_phys_active = irq_is_active(27);
	if (v->arch.gic.vtimer_phys_active)
		irq_set_active(27, false);
	vgic_hw_put(&v->arch.gic);
	vcpu_arch_put(&v->arch);
	this_cpu()->vcpu = NULL;
}

/* ---- injections ------------------------------------------------------------ */

void vcpu_inject_abort(struct vcpu *v, uint64_t ipa, const char *why)
{
	v->exits[EXIT_ABORT_INJECTED]++;
	if (inject_loops(v, v->arch.esr))
		return;
	vwarn(v, WARN_DATA_ABORT, "access to IPA %#llx at pc %#llx: %s; abort injected",
	      (unsigned long long)ipa, (unsigned long long)v->arch.pc, why);
	vcpu_arch_inject_dabt(&v->arch, v->arch.far);
	v->inject_target = v->arch.pc;
}

static void inject_undef(struct vcpu *v, const char *why)
{
	v->exits[EXIT_UNDEF_INJECTED]++;
	if (inject_loops(v, v->arch.esr))
		return;
	vwarn(v, WARN_UNDEF, "%s at pc %#llx (ESR %#llx); undefined instruction injected",
	      why, (unsigned long long)v->arch.pc, (unsigned long long)v->arch.esr);
	vcpu_arch_inject_undef(&v->arch);
	v->inject_target = v->arch.pc;
}

/* ---- kicks and WFI ------------------------------------------------------------ */

/* Others than the VM's lifecycle caller kick with the VM's vgic_lock held,
 * which a stop holds while it takes v->thread away (before freeing it): so
 * the thread read here once is alive until the lock is let go. */
void vcpu_kick(struct vcpu *v)
{
	struct k_thread *t = __atomic_load_n(&v->thread, __ATOMIC_ACQUIRE);

	/* From the vCPU's own thread (an interrupt taken on its exit path): it
	 * is neither blocked nor in the guest, and flushes before re-entry. */
	if (t && this_cpu()->current == t && !v->in_wfi)
		return;
	k_sem_give(&v->wake);
	/* In the guest on another core: an IPI makes it exit and re-flush. */
	if (v->in_guest && t && t->cpu != k_cpu_id())
		irq_send_ipi(t->cpu, IPI_RESCHED);
}

static bool vcpu_has_pending(struct vcpu *v)
{
	struct vgic_irq *irq;
	k_spinlock_key_t key = k_spin_lock(&v->vm->vgic_lock);
	bool any = vgic_collect_pending(&v->vm->vgic, v->id, &irq, 1) > 0;

	k_spin_unlock(&v->vm->vgic_lock, key);
	return any || v->arch.gic.used_lrs;
}

/* How long until the guest's virtual timer fires, or K_FOREVER. */
static k_timeout_t vtimer_wait(struct vcpu *v, bool *due)
{
	uint64_t ctl = read_sysreg(cntv_ctl_el0);
	uint64_t cval, now;

	*due = false;
	if ((ctl & 3) != 1)	/* not enabled, or masked */
		return K_FOREVER;
	cval = read_sysreg(cntv_cval_el0);
	now = k_cycle_get() - v->arch.cntvoff;
	if (cval <= now) {
		*due = true;
		return K_NO_WAIT;
	}
	return K_NSEC(k_cycles_to_ns(cval - now));
}

static void handle_wfi(struct vcpu *v)
{
	bool due;
	k_timeout_t t;

	v->arch.pc += 4;
	if (v->arch.esr & 1) {		/* WFE: let others run */
		v->exits[EXIT_WFE]++;
		k_yield();
		return;
	}
	v->exits[EXIT_WFI]++;
	/* A wake-up left over from an earlier kick (an interrupt injected while
	 * the vCPU ran) must not end this wait: the pending check below covers
	 * anything that arrived, and a kick after it gives the token afresh. */
	v->in_wfi = true;	/* from here on, kicks must give the token */
	k_sem_take(&v->wake, K_NO_WAIT);
	t = vtimer_wait(v, &due);
	if (!due && !vcpu_has_pending(v) && !v->vm->stopping)
		k_sem_take(&v->wake, t);
	v->in_wfi = false;
}

/* ---- system registers ------------------------------------------------------ */

#define SYSREG(op0, op1, crn, crm, op2) \
	(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

static void handle_sysreg(struct vcpu *v)
{
	uint64_t iss = v->arch.esr & 0x1ffffff;
	unsigned op0 = (iss >> 20) & 3, op2 = (iss >> 17) & 7, op1 = (iss >> 14) & 7;
	unsigned crn = (iss >> 10) & 15, rt = (iss >> 5) & 31, crm = (iss >> 1) & 15;
	bool read = iss & 1;
	uint64_t val = rt == 31 ? 0 : v->arch.x[rt];
	unsigned enc = SYSREG(op0, op1, crn, crm, op2);
	k_spinlock_key_t key;

	v->exits[EXIT_SYSREG]++;
	if (enc == SYSREG(3, 0, 12, 11, 5) || enc == SYSREG(3, 0, 12, 11, 6)) {
		/* ICC_SGI1R_EL1 / ICC_ASGI1R_EL1: software-generated interrupts. */
		if (!read) {
			key = k_spin_lock(&v->vm->vgic_lock);
			vgic_send_sgi(&v->vm->vgic, v->id, val);
			k_spin_unlock(&v->vm->vgic_lock, key);
		}
		val = 0;
	} else if (enc == SYSREG(3, 0, 12, 11, 7)) {
		/* ICC_SGI0R_EL1 (HCR_EL2.FMO): Group 0 SGIs, taken as vFIQs. */
		if (!read) {
			key = k_spin_lock(&v->vm->vgic_lock);
			vgic_send_sgi0(&v->vm->vgic, v->id, val);
			k_spin_unlock(&v->vm->vgic_lock, key);
		}
		val = 0;
	} else if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7) {
		val = vcpu_id_reg_value(&v->arch, crm, op2);	/* ID registers (HCR_EL2.TID3) */
	} else if (enc == SYSREG(3, 0, 1, 0, 1)) {
		val = 0;	/* ACTLR_EL1: nothing implementation-defined to offer */
	} else if (op0 == 3 && op1 == 3 && crn == 14 && crm == 2) {
		/* CNTP_*: guests get the virtual timer; the physical one is idle. */
		val = 0;
	} else if (op0 == 2) {
		/* Debug registers (MDCR_EL2.TDA/TDOSA/TDRA), per vCPU. */
		uint64_t irq = arch_irq_lock();
		int bad = vdebug_access(&v->arch.dbg, op1, crn, crm, op2, read, &val);

		arch_irq_unlock(irq);
		if (bad) {
			inject_undef(v, "debug register access");
			return;
		}
	} else if (op0 == 1 && crn == 7) {
		/* DC ISW/CSW/CISW (HCR_EL2.TSW): set/way maintenance cannot be
		 * virtualized per VM; coherency comes from stage-2 attributes. */
		val = 0;
	} else {
		inject_undef(v, "trapped system register access");
		return;
	}
	if (read && rt != 31)
		v->arch.x[rt] = val;
	v->arch.pc += 4;
}

/* ---- MMIO -------------------------------------------------------------------- */

static struct mmio_device *find_mmio(struct vm *vm, uint64_t ipa)
{
	for (unsigned i = 0; i < vm->n_mmio; i++) {
		struct mmio_device *d = &vm->mmio[i];

		if (ipa >= d->base && ipa - d->base < d->size)
			return d;
	}
	return NULL;
}

static void handle_dabt(struct vcpu *v)
{
	uint64_t ipa = ((v->arch.hpfar & 0xffffffffff0UL) << 8) | (v->arch.far & 0xfff);
	struct mmio_device *d;
	struct mmio_access a;
	uint64_t val = 0;

	if (v->arch.esr & (1UL << 7)) {		/* S1PTW */
		vcpu_inject_abort(v, ipa, "guest page-table walk outside its RAM");
		return;
	}
	if (shm_is_read_only(v->vm, ipa)) {
		vcpu_inject_abort(v, ipa, "write to read-only shared memory");
		return;
	}
	d = find_mmio(v->vm, ipa);
	if (!d) {
		vcpu_inject_abort(v, ipa, "no memory or device there");
		return;
	}
	if (mmio_decode(v->arch.esr, &a)) {
		vcpu_inject_abort(v, ipa, "MMIO instruction without syndrome (ISV=0)");
		return;
	}
	if (a.write) {
		val = a.reg == 31 ? 0 : v->arch.x[a.reg];
		if (a.size < 8)
			val &= (1UL << (a.size * 8)) - 1;
	}
	v->exits[EXIT_MMIO]++;
	if (d->access(v, d, ipa - d->base, a.size, a.write, &val)) {
		vcpu_inject_abort(v, ipa, d->name);
		return;
	}
	if (!a.write && a.reg != 31)
		v->arch.x[a.reg] = mmio_load_value(&a, val);
	v->arch.pc += 4;
}

static void handle_sync(struct vcpu *v)
{
	unsigned ec = (unsigned)(v->arch.esr >> 26) & 0x3f;

	switch (ec) {
	case EC_WFX:
		handle_wfi(v);
		break;
	case EC_HVC64:
		v->exits[EXIT_HVC]++;
		vpsci_handle(v, false);
		break;
	case EC_SMC64:
		/* A trapped SMC returns to the SMC itself: step over it. Firmware is
		 * never reached: a guest's SYSTEM_OFF only stops its own VM. */
		v->exits[EXIT_SMC]++;
		v->arch.pc += 4;
		vpsci_handle(v, true);
		break;
	case EC_SYSREG:
		handle_sysreg(v);
		break;
	case EC_DABT_LOW:
		handle_dabt(v);
		break;
	case EC_IABT_LOW: {
		uint64_t ipa = (v->arch.hpfar & 0xffffffffff0UL) << 8;

		v->exits[EXIT_ABORT_INJECTED]++;
		if (inject_loops(v, v->arch.esr))
			break;
		vwarn(v, WARN_PREFETCH_ABORT,
		      "instruction fetch from IPA %#llx at pc %#llx: prefetch abort injected",
		      (unsigned long long)ipa, (unsigned long long)v->arch.pc);
		vcpu_arch_inject_pabt(&v->arch, v->arch.far);
		v->inject_target = v->arch.pc;
		break;
	}
	default:
		inject_undef(v, "unhandled exception class");
		break;
	}
}

/* ---- SErrors (arch/arm64/serror.c) ------------------------------------------------ */

/* s: what was collected around this exit. Returns true if the exit is not
 * to be handled further: the VM crashed, or the guest never ran. */
static bool serror_report(struct vcpu *v, uint64_t s, bool at_entry)
{
	switch (serror_action(s, at_entry)) {
	case SERROR_CRASH_VM:
		vm_crash(v->vm, "SError at the exit of vcpu%u: %s (syndrome %#llx)", v->id,
			 serror_kind(s), (unsigned long long)(s & ~SERROR_PRESENT));
		return true;
	case SERROR_LOG:
		VLOG(v, LOG_LEVEL_ERR, "%s SError (syndrome %#llx) %s, charged to nobody",
		     serror_kind(s), (unsigned long long)(s & ~SERROR_PRESENT),
		     at_entry ? "pending before entry" : "at exit");
		break;
	case SERROR_NONE:
		break;
	}
	return at_entry;
}

/* ---- the loop ------------------------------------------------------------------ */

static void vcpu_run_once(struct vcpu *v)
{
	uint64_t key = arch_irq_lock();
	uint64_t host_tp = read_sysreg(tpidr_el0);
	uint64_t serror = 0;
	bool serror_at_entry = false;
	int exit;

	/* Published before the flush: a kicker that makes an interrupt pending
	 * after our flush took the vGIC lock sees in_guest and sends an IPI,
	 * which stays pending (IRQs are masked) and exits the guest at once. */
	/* A vCPU that is the only thread pinned to its core owns it: its WFI
	 * need not trap (the core has nothing else to run), so an idle RTOS
	 * wakes straight from its own timer. Shared cores trap WFI so the
	 * others get the core. Any host interrupt still exits the guest. */
	vcpu_arch_set_wfi_trap(&v->arch, this_cpu()->n_pinned > 1);
	v->in_guest = true;
	dmb(ish);
	vgic_lr_flush(v);
	write_sysreg(tpidr_el0, v->arch.el1.tpidr_el0);
	exit = __guest_enter(&v->arch);
	v->in_guest = false;
	v->arch.el1.tpidr_el0 = read_sysreg(tpidr_el0);
	write_sysreg(tpidr_el0, host_tp);
	v->arch.esr = read_sysreg(esr_el2);
	v->arch.far = read_sysreg(far_el2);
	v->arch.hpfar = read_sysreg(hpfar_el2);
	vgic_lr_sync(v);
	/* Flagged by guest_entry.S (both codes are >= AT_ENTRY); collected
	 * before anything else can run. */
	if (unlikely(exit >= GUEST_EXIT_SERROR_AT_ENTRY)) {
		serror_at_entry = exit == GUEST_EXIT_SERROR_AT_ENTRY;
		serror = serror_collect();
		exit &= ~GUEST_EXIT_SERROR_PENDING;
	}

	if (exit == GUEST_EXIT_IRQ || exit == GUEST_EXIT_FIQ) {
		v->exits[EXIT_IRQ]++;
		irq_handle(NULL);	/* may switch threads: that is preemption */
		arch_irq_unlock(key);
		if (unlikely(serror))
			serror_report(v, serror, false);
		return;
	}
	arch_irq_unlock(key);
	if (unlikely(serror || serror_at_entry) && serror_report(v, serror, serror_at_entry))
		return;
	if (exit == GUEST_EXIT_SYNC)
		handle_sync(v);
	else if (exit == GUEST_EXIT_SERROR)	/* taken while the guest ran */
		serror_report(v, SERROR_PRESENT | (v->arch.esr & 0x1ffffff), false);
}

/* PSCI CPU_ON: the vCPU resets itself, since its registers are live on
 * its own core. Interrupts it held in list registers are given back. */
static void vcpu_reset_self(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;
	uint64_t key = arch_irq_lock();
	k_spinlock_key_t gkey;

	a->cntvoff = v->vm->cntvoff_base + v->vm->paused_total;
	vdebug_put(&a->dbg);	/* its comparators leave the core with it */
	vcpu_arch_reset(a, a->vmpidr & 0xff00ffffffUL, a->vttbr, a->vtcr, v->reset_entry,
			v->reset_x0);
	vcpu_arch_load(a);
	vgic_hw_load(&a->gic);
	a->gic.vtimer_resync = true;
	gkey = k_spin_lock(&v->vm->vgic_lock);
	for (irqid_t i = 0; i < VGIC_NR_PRIVATE + v->vm->vgic.nr_spis; i++) {
		struct vgic_irq *irq = vgic_get_irq(&v->vm->vgic, v->id, i);

		if (irq && irq->lr_vcpu == (int)v->id) {
			irq->lr_vcpu = -1;
			irq->lr_pending = false;
			irq->lr_req = 0;
		}
	}
	vgic_touch(&v->vm->vgic);
	k_spin_unlock(&v->vm->vgic_lock, gkey);
	v->reset_pending = false;
	arch_irq_unlock(key);
}

/* Wait out a pause; then move guest time on by no more than it ran. */
static void vcpu_park(struct vcpu *v)
{
	struct vm *vm = v->vm;
	uint64_t key;

	v->parked = true;
	while (vm->paused && !vm->stopping)
		k_sem_take(&v->wake, K_FOREVER);
	v->parked = false;
	key = arch_irq_lock();		/* loaded here: update the live register */
	v->arch.cntvoff = vm->cntvoff_base + vm->paused_total;
	write_sysreg(cntvoff_el2, v->arch.cntvoff);
	isb();
	arch_irq_unlock(key);
}

void vcpu_thread(void *p1, void *p2, void *p3)
{
	struct vcpu *v = p1;

	while (!v->vm->stopping) {
		if (v->vm->paused) {
			vcpu_park(v);
			continue;
		}
		if (!v->powered) {
			k_sem_take(&v->wake, K_FOREVER);
			continue;
		}
		if (v->reset_pending)
			vcpu_reset_self(v);
		vcpu_run_once(v);
	}
	/* Kept for `vm list` once the thread is gone (its last few
	 * instructions from here are not counted). */
	v->ended_ticks = k_thread_runtime(k_current_get());
}

void vcpu_setup_thread(struct vcpu *v)
{
	v->thread->switch_in = vcpu_switch_in;
	v->thread->switch_out = vcpu_switch_out;
	v->thread->user = v;
	v->thread->guest_fp = true;
}
