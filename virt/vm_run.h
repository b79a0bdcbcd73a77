/*
 * Inside the VM code only: the list of VMs and the work of each lifecycle
 * phase (virt/vm.c). Only virt/vm_lifecycle.c calls the phases, after it
 * has claimed the transition, so no two run on one VM at once.
 */
#ifndef VIRT_VM_RUN_H
#define VIRT_VM_RUN_H

#include <virt/vm.h>

extern struct list_node vm_list;
extern struct k_spinlock vm_list_lock;	/* the list, VMIDs, ids; before life_lock */

/* STARTING: fresh RAM, images, DTB, vCPU threads started. */
int vm_run_start(struct vm *vm, char *err, size_t errlen);
/* STOPPING: every vCPU thread leaves and is joined (exactly once). */
void vm_run_stop(struct vm *vm);
/* PAUSING / RESUMING. */
int vm_run_pause(struct vm *vm);
void vm_run_resume(struct vm *vm);
/* DELETING: off the list, everything returned, freed. No threads left. */
void vm_teardown(struct vm *vm);

#endif
