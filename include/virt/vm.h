/*
 * Virtual machines and their vCPUs. Every vCPU is a host thread pinned to
 * the core and priority its config names; it runs the guest until an exit,
 * handles the exit, and goes back in.
 */
#ifndef VIRT_VM_H
#define VIRT_VM_H

#include <tandem/kernel.h>
#include <tandem/ratelimit.h>
#include <virt/stage2.h>
#include <virt/vgic.h>
#include <virt/vm_config.h>
#include <virt/passthru.h>
#include <virt/vm_state.h>
#include <arch/vcpu_arch.h>

enum vm_exit_reason {
	EXIT_HVC, EXIT_SMC, EXIT_PSCI, EXIT_WFI, EXIT_WFE, EXIT_MMIO, EXIT_SYSREG,
	EXIT_IRQ, EXIT_ABORT_INJECTED, EXIT_UNDEF_INJECTED, EXIT_MAINT,
	EXIT_REASON_COUNT
};

extern const char *const vm_exit_names[EXIT_REASON_COUNT];

/* Guest-caused warnings, each rate-limited per VM (virt/vcpu.c). */
enum vm_warn { WARN_DATA_ABORT, WARN_PREFETCH_ABORT, WARN_UNDEF, WARN_COUNT };
extern const char *const vm_warn_names[WARN_COUNT];
#define VM_CRASH_REASON_LEN 128

struct vcpu;
struct vm;
struct shm_region;
struct virtio_mmio;

struct mmio_device {
	const char *name;
	uint64_t base, size;
	/* 0, or -EINVAL for an access the device rejects (abort injected). */
	int (*access)(struct vcpu *v, struct mmio_device *d, uint64_t offset,
		      unsigned size, bool write, uint64_t *val);
	void *priv;
};

#define VM_MAX_MMIO 16

struct vcpu {
	struct vcpu_arch arch;
	struct vm *vm;
	unsigned id;
	struct k_thread *thread;
	cpuid_t pcpu;
	int prio;
	volatile bool powered;		/* PSCI: ON or OFF */
	volatile bool reset_pending;	/* CPU_ON: reset to reset_entry on wake */
	uint64_t reset_entry, reset_x0;
	volatile bool in_guest;		/* between entry and exit */
	volatile bool in_wfi;		/* in a trapped WFI's wait */
	volatile bool parked;		/* waiting while its VM is paused */
	struct k_sem wake;		/* WFI, CPU_ON and stop wake-ups */
	uint64_t exits[EXIT_REASON_COUNT];
	uint64_t vtimer_ticks;		/* its timer's interrupts taken at EL2 */
	uint64_t ended_ticks;		/* its thread's run time when it ended */
	/* The last injected exception: where it sent the guest, its ESR,
	 * and how many in a row faulted at the vector they were sent to. */
	uint64_t inject_target, inject_esr;
	unsigned inject_loops;
};

struct vm {
	unsigned id;
	char name[VM_NAME_LEN];
	struct vm_config cfg;
	volatile enum vm_state state;	/* written under life_lock */
	struct stage2 s2;
	uint16_t vmid;
	uint64_t ram_pa;		/* host-physical, contiguous */
	unsigned ram_order;
	struct vgic vgic;
	struct k_spinlock vgic_lock;
	struct mmio_device mmio[VM_MAX_MMIO];
	unsigned n_mmio;
	void *uart;			/* struct vpl011 */
	struct passthru_dev pt[VM_MAX_PASSTHRU];	/* cfg.passthru's, completed */
	struct shm_region *shm_region;	/* cfg.shm's, joined (virt/shm.c) */
	unsigned shm_index;		/* this VM's slot on it */
	struct virtio_mmio *virtio[VM_MAX_VIRTIO];	/* cfg.virtio's (virt/virtio_vm.c) */
	struct vcpu vcpus[VM_MAX_VCPUS];
	unsigned n_vcpus;
	/* The lifecycle (virt/vm_lifecycle.c): state, the one pending guest
	 * request, the crash mark and the restart back-off, under life_lock. */
	struct k_spinlock life_lock;
	volatile enum vm_op pending_op;	/* VM_OP_NONE, or a guest's request */
	bool crashed;			/* this run crashed (crash_reason says why) */
	ticks_t restart_at;		/* VM_BACKOFF: when the guest reset is due */
	struct vm_backoff backoff;
	volatile bool stopping;
	volatile bool paused;		/* vCPUs park until resumed */
	ticks_t paused_at;
	ticks_t paused_total;		/* guest time stands still while paused */
	ticks_t cntvoff_base;		/* guest counter = physical - base - paused_total */
	ticks_t started_at;
	ticks_t prep_ticks;		/* vm_start: zero, load, clean, DTB */
	volatile ticks_t first_output_at;	/* first console byte, 0 = none yet */
	uint64_t console_bytes;
	struct vm_console *con;		/* output ring, kept while detached */
	struct k_spinlock warn_lock;
	struct ratelimit warn[WARN_COUNT];
	char crash_reason[VM_CRASH_REASON_LEN];	/* why it is VM_CRASHED */
	struct list_node node;
};

/* Lifecycle (from the shell or the VM manager thread, never a vCPU). */
struct vm *vm_create(const struct vm_config *cfg, char *err, size_t errlen);
/*
 * Every operator request goes through here (shell, autostart, later the
 * control channel): the VM is looked up by id under the list lock, op is
 * checked against its state and the transition claimed under its lock,
 * then the caller does the work. 0, or -ENOENT (no such VM), -EBUSY
 * (another request is working on it), -EINVAL (op not valid in its
 * state), or the work's own error; err then says why. Sleeps: not from a
 * vCPU or interrupt (those use vm_guest_request). VM_OP_DELETE frees the VM.
 */
int vm_request(unsigned vm_id, enum vm_op op, char *err, size_t errlen);
struct vm *vm_find(const char *id_or_name);
void vm_foreach(void (*fn)(struct vm *vm, void *arg), void *arg);
/* CPU time of each vCPU's thread since the VM last started, in ns
 * (virt/vm_cpu_time.c). */
void vm_cpu_time(const struct vm *vm, uint64_t ns[VM_MAX_VCPUS]);
struct vm *vm_first_running(void);
/* Guest console output: ring per VM, live when attached (or multiplexed). */
struct vm_console *vm_console_create(void);
void vm_console_destroy(struct vm_console *c);
void vm_console_put(struct vm *vm, char c);
void vm_console_write(struct vm *vm, const char *s, size_t n);
void vm_console_dump(struct vm *vm, void (*out)(void *ctx, const char *s, size_t n), void *ctx);
void vm_console_set_mux(bool on);
bool vm_console_mux(void);
/* Console input focus: a VM, or NULL for the shell. */
void console_attach(struct vm *vm);
struct vm *console_focus(void);
/* From a vCPU: VM_OP_GUEST_OFF or VM_OP_GUEST_RESET for its VM, carried
 * out by the VM manager; one pending per VM (vm_guest_op_merge). */
void vm_guest_request(struct vm *vm, enum vm_op op);
/* From a vCPU: mark the VM crashed with a reason, log it, stop it. */
void vm_crash(struct vm *vm, const char *fmt, ...) __printf_like(2, 3);
void vmm_init(void);
int vmm_autostart(void);

/* Guest memory, for loaders and devices. */
void *vm_ipa_to_host(struct vm *vm, uint64_t ipa, uint64_t len);

/* vCPU side. */
void vcpu_kick(struct vcpu *v);
void vcpu_inject_abort(struct vcpu *v, uint64_t ipa, const char *why);
int vm_add_mmio(struct vm *vm, const struct mmio_device *d);

/* Exits handled by other files. */
void vpsci_handle(struct vcpu *v, bool smc);
void vtimer_cpu_init(void);
#define VTIMER_INTID 27
/* The virtual timer's output as the GIC sees it: CNTV_CTL_EL0's ENABLE &&
 * !IMASK && ISTATUS, of the vCPU loaded here. */
bool vtimer_output(void);

#endif
