/*
 * The per-VM SP805 watchdog (virt/devices/sp805.c) of a VM whose config says
 * `watchdog;`: at GUEST_WDOG_BASE, raising GUEST_WDOG_INTID; its second
 * expiry without a feed resets the VM through the lifecycle's guest-request
 * path, like a board's reset line.
 */
#ifndef VIRT_SP805_H
#define VIRT_SP805_H

#include <tandem/types.h>

struct vm;
struct sp805;

struct sp805 *sp805_create(struct vm *vm);
void sp805_destroy(struct sp805 *w);
/* A fresh device at each start: nothing of the last run's counter is kept. */
void sp805_start(struct sp805 *w);
/* The counter stops with the VM: no expiry once its vCPUs are gone. */
void sp805_stop(struct sp805 *w);
/* For `vm info`: expiries and the resets they caused (since create). */
void sp805_counts(struct sp805 *w, uint64_t *expiries, uint64_t *resets);

#endif
