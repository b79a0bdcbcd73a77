/*
 * rtos: what an RTOS-class guest does on the QEMU virt board, in the
 * smallest form that still behaves like one: its own EL1 vectors, a
 * GICv3 set-up done the way RTOS interrupt drivers do it, a 1 kHz tick
 * from the EL1 virtual timer, a priority scheduler with two threads, an
 * SGI ping between two CPUs, and a latency probe on the tick. Built with
 * RTOS_LOAD_CPUS, other CPUs run a Linux-like load instead of the ping.
 *
 * Build-time settings (guests/Makefile passes them with -D):
 *   RTOS_TICK_HZ   tick rate, default 1000
 *   RTOS_SAMPLES   tick periods measured before the LATENCY line, default 2000
 *   RTOS_ONESHOT   power off with PSCI SYSTEM_OFF after the LATENCY line
 *   RTOS_LOAD_CPUS n >= 1: CPUs 1..n run a CPU, memory and 250 Hz tick
 *                  load (load.c) instead of the SGI ping; unset: no load
 */
#ifndef GUEST_RTOS_H
#define GUEST_RTOS_H

#include <lib/exception.h>
#include <lib/types.h>

#ifndef RTOS_TICK_HZ
#define RTOS_TICK_HZ	1000
#endif
#ifndef RTOS_SAMPLES
#define RTOS_SAMPLES	2000
#endif

/* Interrupts the guest uses, and their GIC priorities (lower is more urgent). */
#define INTID_VTIMER	27
#define INTID_PING	1	/* SGI CPU 0 -> CPU 1 */
#define INTID_PONG	2	/* SGI CPU 1 -> CPU 0 */
#define PRIO_TICK	0x40
#define PRIO_SGI	0x80

/* ---- intc.c: GICv3 distributor, redistributor and CPU interface ------------ */

bool intc_dist_init(void);
bool intc_cpu_init(void);
void intc_irq_config(unsigned int intid, uint8_t prio, bool edge);
void intc_irq_enable(unsigned int intid);

/* ---- irq.c: interrupt entry, from vectors.S -------------------------------- */

typedef void (*isr_t)(unsigned int intid, uint64_t stamp);

void irq_connect(unsigned int intid, isr_t isr);
struct exc_frame *rtos_irq(uint64_t stamp, struct exc_frame *frame);
struct exc_frame *rtos_sync(unsigned int vector, struct exc_frame *frame);
extern char rtos_vectors[];

/* ---- sched.c: threads, sleeping, preemption on CPU 0 ----------------------- */

struct thread {
	struct exc_frame *frame;	/* saved context while switched out */
	const char *name;
	unsigned int prio;		/* 0 is the most urgent */
	volatile bool sleeping;
	volatile uint64_t wake_tick;
};

void thread_create(struct thread *t, const char *name, unsigned int prio,
		   void (*entry)(void *), void *arg, void *stack, size_t size);
void thread_wake(struct thread *t);
void k_sleep_until(uint64_t tick);
void k_yield(void);
void k_sched_lock(void);
void k_sched_unlock(void);
void sched_tick(uint64_t tick);
struct exc_frame *sched_switch(struct exc_frame *frame);
struct exc_frame *sched_irq_exit(struct exc_frame *frame);
void sched_start(void) __noreturn;

/* ---- tick.c: the periodic virtual timer and the latency probe --------------- */

struct latency {
	unsigned int samples;
	uint64_t min_ns, avg_ns, max_ns;
};

void tick_start(struct thread *reporter);
void vtimer_start(uint64_t first);
uint64_t tick_count(void);
bool tick_latency(struct latency *out);
void tick_latency_hist(void);	/* prints the LATHIST line */

/* ---- ping.c: SGI round trips between CPU 0 and CPU 1 ------------------------ */

bool ping_start(void);
bool cpu_free(uint64_t mpidr);
bool ping_enabled(void);
void ping_tick(void);
uint64_t ping_count(void);

/* ---- load.c: a Linux-like load on CPUs 1..RTOS_LOAD_CPUS -------------------- */

#ifdef RTOS_LOAD_CPUS
bool load_start(void);
void load_tick_isr(unsigned int intid, uint64_t stamp);
void load_here(void) __noreturn;	/* RTOS_LOAD_ONLY */
#endif

#endif
