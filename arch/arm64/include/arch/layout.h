/* Memory-layout constants shared by assembly and C. */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#ifndef CONFIG_MAX_CPUS
#define CONFIG_MAX_CPUS 8
#endif

/* Each CPU's boot stack later serves its idle thread and early exceptions. */
#define BOOT_STACK_SIZE (16 * 1024)

#endif
