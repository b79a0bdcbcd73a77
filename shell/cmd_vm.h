/*
 * Inside the `vm` command only: the parts that live in files of their own
 * (shell/cmd_vm_kv.c, shell/cmd_vm_image.c) and what they share.
 */
#ifndef SHELL_CMD_VM_H
#define SHELL_CMD_VM_H

#include <tandem/kernel.h>
#include <tandem/types.h>

struct shell;
struct vm;

/* A VM as one line of key=value pairs (`vm list`/`vm info` for programs);
 * detail: also the health keys of `vm info`. */
void vm_kv_print(struct shell *sh, struct vm *vm, bool detail);
/* `vm image <vm> begin|data|commit|abort|drop ...`. */
int vm_image_cmd(struct shell *sh, struct vm *vm, int argc, char **argv);

/* Milliseconds from host counter value t to now. */
static inline uint64_t ms_since(ticks_t t)
{
	return k_cycles_to_ns(k_cycle_get() - t) / 1000000ULL;
}

#endif
