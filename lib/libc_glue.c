/*
 * What picolibc and libfdt need from the environment: the heap's sbrk, the
 * locks malloc takes, per-CPU TLS for errno, and the stack-protector symbols
 * libfdt.a was built against.
 */
#include <errno.h>
#include <malloc.h>
#include <string.h>
#include <tandem/log.h>
#include <tandem/page_alloc.h>
#include <tandem/percpu.h>

/* ---- heap ------------------------------------------------------------------ */

static char *heap_base, *heap_brk, *heap_end;

int heap_init(void)
{
	heap_base = page_alloc(page_order_for(HEAP_SIZE));
	if (!heap_base)
		return -ENOMEM;
	heap_brk = heap_base;
	heap_end = heap_base + HEAP_SIZE;
	return 0;
}

void *sbrk(ptrdiff_t incr)
{
	char *old = heap_brk;

	if (!heap_base || incr > heap_end - heap_brk || incr < heap_base - heap_brk) {
		errno = ENOMEM;
		return (void *)-1;
	}
	heap_brk += incr;
	return old;
}

void heap_stats(struct heap_stats *st)
{
	struct mallinfo mi = mallinfo();

	st->size = (size_t)(heap_end - heap_base);
	st->grown = (size_t)(heap_brk - heap_base);
	st->used = mi.uordblks;
	st->free = st->grown - st->used;
}

/* ---- locks: one recursive lock serves every libc lock ------------------------ */

struct __lock {
	int unused;
};
struct __lock __lock___libc_recursive_mutex;

static struct k_spinlock libc_spin;
static volatile int libc_owner = -1;
static unsigned libc_depth;
static uint64_t libc_irq_key;

static void libc_lock(void)
{
	struct cpu *c = this_cpu();
	int me = c ? (int)c->id : 0;
	uint64_t key = arch_irq_lock();

	if (libc_owner == me) {
		libc_depth++;
		return;
	}
	arch_spin_acquire(&libc_spin);
	libc_owner = me;
	libc_depth = 1;
	libc_irq_key = key;
}

static void libc_unlock(void)
{
	if (--libc_depth > 0)
		return;
	libc_owner = -1;
	arch_spin_release(&libc_spin);
	arch_irq_unlock(libc_irq_key);
}

typedef struct __lock *_LOCK_T;
void __retarget_lock_init(_LOCK_T *l) { (void)l; }
void __retarget_lock_init_recursive(_LOCK_T *l) { (void)l; }
void __retarget_lock_close(_LOCK_T l) { (void)l; }
void __retarget_lock_close_recursive(_LOCK_T l) { (void)l; }
void __retarget_lock_acquire(_LOCK_T l) { (void)l; libc_lock(); }
void __retarget_lock_acquire_recursive(_LOCK_T l) { (void)l; libc_lock(); }
int __retarget_lock_try_acquire(_LOCK_T l) { (void)l; libc_lock(); return 1; }
int __retarget_lock_try_acquire_recursive(_LOCK_T l) { (void)l; libc_lock(); return 1; }
void __retarget_lock_release(_LOCK_T l) { (void)l; libc_unlock(); }
void __retarget_lock_release_recursive(_LOCK_T l) { (void)l; libc_unlock(); }

/* ---- TLS --------------------------------------------------------------------- */

/* AArch64 local-exec TLS: TPIDR_EL0 points at a 16-byte control block that
 * the thread's .tdata/.tbss copy follows. */
extern char __tdata_start[], __tdata_end[], __tbss_start[], __tbss_end[];

void libc_cpu_init(struct cpu *c)
{
	size_t data = (size_t)(__tdata_end - __tdata_start);
	size_t bss = (size_t)(__tbss_end - __tbss_start);

	memcpy(c->tls + 16, __tdata_start, data);
	memset(c->tls + 16 + data, 0, bss);
	write_sysreg(tpidr_el0, c->tls);
}

/* ---- stack protector (libfdt.a is built with it) --------------------------------- */

uintptr_t __stack_chk_guard = 0x595e9fbd94fda766UL;

__noreturn void __stack_chk_fail(void)
{
	k_panic("stack protector: stack smashed");
}

__noreturn void abort(void)
{
	k_panic("abort() called");
}
