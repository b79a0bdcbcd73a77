/*
 * Shared-memory regions between VMs (virt/shm.c): a VM's `shm` config
 * maps a named region's host pages into its stage 2 and gives it a
 * doorbell page (virt/devices/shm_doorbell.c) to ring the other VMs on it.
 */
#ifndef VIRT_SHM_H
#define VIRT_SHM_H

#include <tandem/types.h>

struct vm;
struct vcpu;

/* From vm_create(): join (or allocate) cfg.shm's region, map it, add the
 * doorbell. 0 when the VM has no shm; -errno and err on failure. */
int shm_create(struct vm *vm, char *err, size_t errlen);
/* From vm_teardown(): leave the region; the last one out frees its pages. */
void shm_destroy(struct vm *vm);
/* Is ipa in the VM's read-only view of a region (a write there faulted)? */
bool shm_is_read_only(const struct vm *vm, uint64_t ipa);

struct shm_doorbell_regs;
/* For the doorbell page (virt/devices/shm_doorbell.c): this VM's index and
 * its peers now; ring the peers in mask (running or paused ones). */
void shm_doorbell_state(struct vm *vm, struct shm_doorbell_regs *r);
void shm_ring(struct vm *vm, uint32_t mask);
/* Put the VM's doorbell page at ipa: 0, or -ENOSPC. */
int shm_doorbell_create(struct vm *vm, uint64_t ipa);

#endif
