/*
 * The host real-time kernel's API, in Zephyr's vocabulary: threads with
 * fixed priorities (0 highest .. 31) and CPU affinity, k_sleep, semaphores,
 * mutexes with priority inheritance, timers. Every guest vCPU will be one of
 * these threads.
 */
#ifndef TANDEM_KERNEL_H
#define TANDEM_KERNEL_H

#include <tandem/types.h>
#include <tandem/list.h>
#include <tandem/runq.h>
#include <tandem/timeout.h>
#include <tandem/spinlock.h>
#include <arch/context.h>

/* ---- time ---------------------------------------------------------------- */

typedef struct {
	int64_t ns;	/* < 0: forever; 0: don't wait */
} k_timeout_t;

#define K_NSEC(n)	((k_timeout_t){ .ns = (int64_t)(n) })
#define K_USEC(n)	K_NSEC((int64_t)(n) * 1000)
#define K_MSEC(n)	K_NSEC((int64_t)(n) * 1000000)
#define K_SECONDS(n)	K_NSEC((int64_t)(n) * 1000000000)
#define K_NO_WAIT	K_NSEC(0)
#define K_FOREVER	K_NSEC(-1)
#define K_TIMEOUT_IS_FOREVER(t) ((t).ns < 0)
#define K_TIMEOUT_IS_NO_WAIT(t) ((t).ns == 0)

ticks_t k_cycle_get(void);		/* generic-timer count now */
uint64_t k_cycles_to_ns(ticks_t c);
ticks_t k_ns_to_cycles(uint64_t ns);	/* rounded up */
uint64_t k_uptime_ns(void);
int64_t k_uptime_get(void);		/* ms */
void k_busy_wait(uint32_t usec);

/* ---- threads ------------------------------------------------------------ */

enum thread_state {
	THREAD_NEW,		/* created, not started */
	THREAD_READY,		/* on a run queue */
	THREAD_RUNNING,		/* current on its CPU */
	THREAD_PENDING,		/* waiting on an object, maybe with a timeout */
	THREAD_SLEEPING,	/* k_sleep */
	THREAD_SUSPENDED,
	THREAD_DEAD,
};

typedef void (*k_thread_entry_t)(void *p1, void *p2, void *p3);

#define K_THREAD_NAME_LEN 16
#define K_CPU_ALL	0xffffffffU

struct _wait_q {
	struct k_spinlock lock;		/* taken before any core lock */
	struct list_node waiters;	/* FIFO; woken best priority first */
};

struct k_thread {
	struct arch_context ctx;	/* must stay first (switch.S) */
	char name[K_THREAD_NAME_LEN];
	int prio;			/* current (possibly inherited) priority */
	int base_prio;			/* as set by its owner */
	enum thread_state state;
	cpuid_t cpu;			/* where it runs / last ran / is queued */
	uint32_t cpu_mask;		/* allowed CPUs */
	struct list_node qnode;		/* run queue */
	struct list_node wait_node;	/* wait queue (guarded by its lock) */
	struct _wait_q *pended_on;
	struct timeout timeout;
	int swap_retval;		/* what the waker says: 0, -EAGAIN... */
	void *swap_data;
	k_thread_entry_t entry;
	void *p1, *p2, *p3;
	uint8_t *stack;
	size_t stack_size;
	bool stack_owned;		/* allocated by k_thread_spawn */
	bool counted_pinned;		/* counted in its core's n_pinned */
	struct _wait_q joiners;
	bool join_claimed;		/* a joiner waits (under joiners.lock) */
	struct list_node all_node;	/* every thread, for `threads` */
	/* Called around context switches, e.g. to switch a vCPU's EL1 state. */
	void (*switch_in)(struct k_thread *t);
	void (*switch_out)(struct k_thread *t);
	void *user;
	bool guest_fp;			/* FP/SIMD registers hold guest state */
	/* accounting */
	uint64_t runtime_ticks;
	uint64_t switches_in;
	ticks_t slice_start;
};

typedef struct k_thread *k_tid_t;

/* Zephyr-style creation with caller-provided memory. delay K_FOREVER leaves
 * the thread THREAD_NEW until k_thread_start(). */
k_tid_t k_thread_create(struct k_thread *t, void *stack, size_t stack_size,
			k_thread_entry_t entry, void *p1, void *p2, void *p3,
			int prio, uint32_t options, k_timeout_t delay);
/* Allocate stack + thread object and start it on the CPUs in cpu_mask.
 * Reclaimed by k_thread_join(). Returns NULL when out of memory. */
k_tid_t k_thread_spawn(const char *name, k_thread_entry_t entry, void *p1,
		       void *p2, int prio, uint32_t cpu_mask, size_t stack_size);
/* The same, but left THREAD_NEW for the caller to adjust and start. */
k_tid_t k_thread_alloc(const char *name, k_thread_entry_t entry, void *p1,
		       void *p2, int prio, uint32_t cpu_mask, size_t stack_size);
void k_thread_start(k_tid_t t);
int k_thread_name_set(k_tid_t t, const char *name);
/* Affinity can be changed only while the thread is not started. */
int k_thread_cpu_mask_set(k_tid_t t, uint32_t mask);
int k_thread_cpu_pin(k_tid_t t, cpuid_t cpu);
void k_thread_priority_set(k_tid_t t, int prio);
int k_thread_priority_get(k_tid_t t);
/* Wait for t to finish; frees it if k_thread_spawn allocated it. One
 * joiner at a time: another gets -EINVAL at once (not a second free); after
 * a join returned 0, t is gone and must not be named again. */
int k_thread_join(k_tid_t t, k_timeout_t timeout);
/* Ends the calling thread, or a thread not started yet; any other is
 * refused with a log line (no core stops a thread another core runs). */
void k_thread_abort(k_tid_t t);
k_tid_t k_current_get(void);
void k_yield(void);
int32_t k_sleep(k_timeout_t t);
static inline int32_t k_msleep(int32_t ms) { return k_sleep(K_MSEC(ms)); }
void k_wakeup(k_tid_t t);

/* Iterate over all threads (under the scheduler lock, via a callback). */
void k_thread_foreach(void (*fn)(const struct k_thread *t, void *arg), void *arg);
/* Run time of t so far, the current stretch included if it runs now, in
 * counter ticks. For k_thread_foreach callbacks (t cannot be freed then). */
uint64_t k_thread_runtime_locked(const struct k_thread *t);
/* The same, for a thread the caller knows is alive. */
uint64_t k_thread_runtime(const struct k_thread *t);
size_t k_thread_stack_used(const struct k_thread *t);

/* ---- semaphores ---------------------------------------------------------- */

struct k_sem {
	unsigned count;
	unsigned limit;
	struct _wait_q wq;
};

int k_sem_init(struct k_sem *s, unsigned initial, unsigned limit);
int k_sem_take(struct k_sem *s, k_timeout_t timeout);	/* 0, -EBUSY, -EAGAIN */
void k_sem_give(struct k_sem *s);
unsigned k_sem_count_get(const struct k_sem *s);

/* ---- mutexes (priority inheritance) --------------------------------------- */

struct k_mutex {
	struct k_thread *owner;
	unsigned lock_count;
	int owner_orig_prio;
	struct _wait_q wq;
};

int k_mutex_init(struct k_mutex *m);
int k_mutex_lock(struct k_mutex *m, k_timeout_t timeout);	/* 0, -EBUSY, -EAGAIN */
int k_mutex_unlock(struct k_mutex *m);				/* 0, -EPERM, -EINVAL */

/* ---- timers --------------------------------------------------------------- */

struct k_timer;
typedef void (*k_timer_expiry_t)(struct k_timer *timer);

struct k_timer {
	struct timeout timeout;
	cpuid_t cpu;
	ticks_t period;
	k_timer_expiry_t expiry;	/* runs in interrupt context */
	uint32_t status;		/* expirations since last status read */
	struct _wait_q wq;
	struct list_node cb_node;	/* on the CPU's list of due callbacks */
	void *user_data;
};

void k_timer_init(struct k_timer *t, k_timer_expiry_t expiry, void *stop_fn_unused);
void k_timer_start(struct k_timer *t, k_timeout_t duration, k_timeout_t period);
void k_timer_stop(struct k_timer *t);
uint32_t k_timer_status_sync(struct k_timer *t);	/* wait for an expiry */

/* ---- CPUs, IPIs ------------------------------------------------------------ */

unsigned k_cpu_count(void);		/* CPUs online */
cpuid_t k_cpu_id(void);
/* Run fn(arg) on CPU `cpu` in interrupt context; with wait, return when done. */
int smp_call(cpuid_t cpu, void (*fn)(void *arg), void *arg, bool wait);

#endif
