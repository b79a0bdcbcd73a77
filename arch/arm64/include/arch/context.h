/* A thread's saved CPU state while it is switched out (see switch.S). */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#define CTX_X19   0
#define CTX_SP    96
#define CTX_FP    112
#define FP_STATE_SIZE 528
#define CTX_SIZE  (CTX_FP + FP_STATE_SIZE)

#ifndef __ASSEMBLY__
#include <stdint.h>

struct fp_state {
	__uint128_t q[32];
	uint64_t fpsr, fpcr;
} __attribute__((aligned(16)));

struct arch_context {
	uint64_t x19_x30[12];	/* x19..x28, x29 (fp), x30 (lr) */
	uint64_t sp;
	uint64_t pad;
	struct fp_state fp;
};

_Static_assert(__builtin_offsetof(struct arch_context, sp) == CTX_SP, "ctx");
_Static_assert(__builtin_offsetof(struct arch_context, fp) == CTX_FP, "ctx");
_Static_assert(sizeof(struct fp_state) == FP_STATE_SIZE + 0 ||
	       sizeof(struct fp_state) == FP_STATE_SIZE + 16 - (FP_STATE_SIZE % 16), "fp");

void arch_switch(struct arch_context *prev, struct arch_context *next);
void arch_thread_trampoline(void);
void arch_fp_save(struct fp_state *st);
void arch_fp_restore(const struct fp_state *st);

/* Lazy FP/SIMD switching (fp_lazy.c, fpsimd.S; the switch: fp_lazy.h). */
struct cpu;
struct k_thread;
void arch_fp_take(void);
void arch_fp_forget(struct k_thread *t);
void arch_fp_release_for_panic(void);

#endif
#endif
