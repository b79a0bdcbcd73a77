/*
 * A VM as one line of key=value pairs, for `vm list` and `vm info` in a
 * shell that answers programs (shell/cmd_vm_kv.c).
 */
#ifndef VIRT_VM_KV_H
#define VIRT_VM_KV_H

#include <tandem/types.h>

struct shell;
struct vm;

/* detail: also the health keys of `vm info`. */
void vm_kv_print(struct shell *sh, struct vm *vm, bool detail);

#endif
