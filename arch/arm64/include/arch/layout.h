/* Memory-layout constants shared by assembly and C. */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#ifndef CONFIG_MAX_CPUS
#define CONFIG_MAX_CPUS 8
/* Per-CPU stacks the vectors switch to when a thread's stack overflowed. */
#define OVERFLOW_STACK_SIZE (8 * 1024)

/* struct cpu fields the vectors read (percpu.h asserts them). */
#define CPU_STACK_LIMIT	0
#define CPU_OVERFLOW_SP	8
#define CPU_FP_OWNER	16
#define CPU_CURRENT	24
#define CPU_FP_TRAPS	32

#endif

/* Each CPU's boot stack later serves its idle thread and early exceptions. */
#define BOOT_STACK_SIZE (16 * 1024)
/* Below each boot stack, one page left unmapped (mmu.c). */
#define BOOT_STACK_GUARD 4096
#define BOOT_STACK_STRIDE (BOOT_STACK_GUARD + BOOT_STACK_SIZE)

/* Per-CPU stacks the vectors switch to when a thread's stack overflowed. */
#define OVERFLOW_STACK_SIZE (8 * 1024)

/* struct cpu fields the vectors read (percpu.h asserts them). */
#define CPU_STACK_LIMIT	0
#define CPU_OVERFLOW_SP	8
#define CPU_FP_OWNER	16
#define CPU_CURRENT	24
#define CPU_FP_TRAPS	32

#endif
