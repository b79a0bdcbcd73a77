/*
 * `vm image <vm> begin <bytes> <sha256> | data <offset> <hex> | commit |
 * abort | drop`: a new kernel image for a VM's next start, handed in over
 * the control channel (guests/linux-ctl/tandemctl's `image` does the
 * chunking) or typed at the console. The checks are virt/vm_image.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/shell.h>
#include <virt/vm.h>
#include <virt/vm_image.h>
#include "cmd_vm.h"

int vm_image_cmd(struct shell *sh, struct vm *vm, int argc, char **argv)
{
	char err[160];
	uint64_t n = 0, off = 0;
	int ret;

	if (argc == 6 && !strcmp(argv[3], "begin")) {
		if (shell_parse_u64(sh, argv[4], "image size", 1, ~0ULL >> 1, &n))
			return -EINVAL;
		ret = vm_image_begin(vm, (size_t)n, argv[5], err, sizeof(err));
	} else if (argc == 6 && !strcmp(argv[3], "data")) {
		if (shell_parse_u64(sh, argv[4], "offset", 0, ~0ULL >> 1, &off))
			return -EINVAL;
		ret = vm_image_data(vm, (size_t)off, argv[5], err, sizeof(err));
	} else if (argc == 4 && !strcmp(argv[3], "commit")) {
		ret = vm_image_commit(vm, err, sizeof(err));
		if (!ret)
			shell_printf(sh, "vm %s: the new image is used from its next start\n",
				     vm->name);
	} else if (argc == 4 && !strcmp(argv[3], "abort")) {
		vm_image_abort(vm);
		ret = 0;
	} else if (argc == 4 && !strcmp(argv[3], "drop")) {
		ret = vm_image_drop(vm, err, sizeof(err));
	} else {
		shell_printf(sh, "usage: vm image <vm> begin <bytes> <sha256> | data <offset> <hex> "
			     "| commit | abort | drop\n");
		return -EINVAL;
	}
	if (ret)
		shell_printf(sh, "error: %s\n", err);
	return ret;
}
