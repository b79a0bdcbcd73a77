/* Bringing up the virtualization layer at boot, and on every core. */
#include <errno.h>
#include <arch/serror.h>
#include <arch/vdebug.h>
#include <tandem/board.h>
#include <tandem/log.h>
#include <tandem/scrubber.h>
#include <virt/bundle.h>
#include <virt/vm.h>

void vgic_lr_cpu_init(void);
void console_focus_init(void);

/* Boot CPU, before the page allocator: keep the bundle out of it. */
int virt_reserve(const void *dtb, struct board *b)
{
	paddr_t s, e;

	if (bundle_init(dtb, &s, &e) || s == e)
		return 0;
	if (b->n_reserved == BOARD_MAX_RESERVED) {
		LOG_ERR("boot bundle %#llx-%#llx: no room to reserve it (the DTB has %d reserved ranges)",
			(unsigned long long)s, (unsigned long long)e, BOARD_MAX_RESERVED);
		return -E2BIG;
	}
	b->reserved[b->n_reserved++] = (struct board_range){ s, e - s };
	return 0;
}

void virt_cpu_init(void)
{
	vtimer_cpu_init();
	vgic_lr_cpu_init();
	vdebug_hw_cpu_init();
	serror_cpu_init();
}

void virt_init(void)
{
	int n;

	vmm_init();
	console_focus_init();
	n = bundle_load_configs();
	if (n > 0)
		LOG_INF("%d VM config(s) in the boot bundle", n);
}

/* The scrubber after the autostart VMs: it must know their RTOS cores. */
void virt_autostart(void)
{
	if (bundle_config_count())
		vmm_autostart();
	scrubber_start();
}
