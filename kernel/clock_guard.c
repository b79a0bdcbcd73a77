/*
 * A 1 s host tick on the boot core, so the machine always has a timer
 * deadline of Tandem's own. A core a guest owns runs its WFI untrapped,
 * and the guest may leave its virtual timer enabled with the condition met
 * and masked (Zephyr's tickless idle does): a timer that never changes
 * again. An emulator that jumps its clock to the soonest timer when every
 * CPU idles (QEMU -icount sleep=off) then has only that one, jumps to the
 * end of time, and stops. With this tick the soonest deadline is at most
 * 1 s away whatever the guests do. Its cost is one interrupt a second on
 * core 0, which runs only the Tandem shell.
 */
#include <tandem/kernel.h>

void clock_guard_start(void);

static struct k_timer guard;

static void guard_expired(struct k_timer *t)
{
	(void)t;	/* the interrupt itself is the point */
}

void clock_guard_start(void)
{
	k_timer_init(&guard, guard_expired, NULL);
	k_timer_start(&guard, K_SECONDS(1), K_SECONDS(1));
}
