/* The images VM configs name, copied into the boot bundle (bundle_files.c). */
#ifndef TOOLS_BUNDLE_FILES_H
#define TOOLS_BUNDLE_FILES_H

#include <stddef.h>

/*
 * For each VM node of the compiled config *fdtp (*size bytes, malloc'd;
 * it may be reallocated) from source file dts: bundle the files `kernel`
 * and `initrd` name into bundle_dir and rewrite them to their bundle names.
 * Returns 0, or -1 with err = one line naming file, node and property.
 */
int bundle_files_resolve(void **fdtp, size_t *size, const char *dts, const char *bundle_dir,
			 char *err, size_t errlen);
/* Forget the files bundled so far (they are shared across calls, one
 * bundle per run): for starting another bundle in the same process. */
void bundle_files_reset(void);

#endif
