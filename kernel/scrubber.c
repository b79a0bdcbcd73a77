/*
 * The scrubber: a host thread at the lowest priority that zeroes freed
 * pages (a deleted VM's RAM, virtio-blk chunks, thread stacks, shared
 * regions) and cleans them to the point of coherency, so that a VM start
 * finds its memory already zero. RAM the board gives at boot counts as
 * freed: it is scrubbed once, the same way. A start that comes first
 * zeroes what it takes itself (page_zero_dirty).
 *
 * It yields to everything: priority 31, one 2 MiB block per step, then a
 * sleep, so it also takes a bounded share of memory bandwidth (about
 * 128 MiB/s) from the cores that do real work. It never runs on a core an
 * RTOS vCPU owns (the virtualization layer says which: scrubber_avoid());
 * when its own core becomes one, it hands over to a successor pinned to
 * another core, or waits if there is none.
 */
#include <tandem/kernel.h>
#include <tandem/log.h>
#include <tandem/page_alloc.h>
#include <tandem/percpu.h>
#include <tandem/scrubber.h>

#define SCRUB_PRIO	31
#define SCRUB_ORDER	9		/* 2 MiB per step */
#define SCRUB_PACE_MS	16		/* between steps */
#define SCRUB_IDLE_MS	100		/* poll when nothing is dirty */
#define SCRUB_STACK	8192

static volatile uint32_t avoid_mask;

static int pick_core(void)
{
	for (unsigned c = 0; c < cpu_count && c < 32; c++)
		if (cpu_get((cpuid_t)c)->state == CPU_ONLINE && !(avoid_mask & (1U << c)))
			return (int)c;
	return -1;
}

static void scrub_thread(void *prev, void *p2, void *p3);

static bool spawn_on(int core, k_tid_t prev)
{
	return k_thread_spawn("scrubber", scrub_thread, prev, NULL, SCRUB_PRIO, 1U << core,
			      SCRUB_STACK) != NULL;
}

static void scrub_thread(void *prev, void *p2, void *p3)
{
	cpuid_t me = k_cpu_id();

	if (prev)
		k_thread_join(prev, K_FOREVER);	/* the one it took over from */
	for (;;) {
		if (avoid_mask & (1U << me)) {
			int c = pick_core();

			if (c >= 0 && spawn_on(c, k_current_get()))
				return;
			k_msleep(SCRUB_IDLE_MS);	/* nowhere to go: stay idle */
			continue;
		}
		k_msleep(page_scrub_one(SCRUB_ORDER) ? SCRUB_PACE_MS : SCRUB_IDLE_MS);
	}
}

void scrubber_avoid(uint32_t cores)
{
	avoid_mask = cores;
}

void scrubber_start(void)
{
	int c = pick_core();

	if (c < 0 || !spawn_on(c, NULL))
		LOG_WRN("scrubber: not started (no core without an RTOS vCPU); VM starts zero their RAM");
}
