/*
 * Build-time check of VM configs: the same parser the hypervisor runs at
 * boot, on the host, so a bad config fails `make` with the source file,
 * node and property named.
 *
 * Usage: vmconfig_check <host-cpus> <bundle-dir> <file.dts> <file.dtb>...
 * Images a config names must exist under bundle-dir.
 */
#include <virt/vm_config.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_CONFIGS 16

static int check_image(const char *dir, const struct vm_config *c, const char *prop,
		       const char *name)
{
	char path[512];

	if (!name[0])
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (access(path, R_OK) == 0)
		return 0;
	fprintf(stderr, "%s: /%s: property '%s': '%s' is not in the boot bundle (%s)\n",
		c->file, c->name, prop, name, path);
	return 1;
}

static void *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	void *buf;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	static struct vm_config cfgs[MAX_CONFIGS];
	unsigned n = 0, cpus;
	char err[256];

	if (argc < 5 || argc % 2 == 0) {
		fprintf(stderr, "usage: %s <host-cpus> <bundle-dir> <file.dts> <file.dtb>...\n",
			argv[0]);
		return 2;
	}
	cpus = (unsigned)atoi(argv[1]);
	for (int i = 3; i < argc; i += 2) {
		void *dtb = read_file(argv[i + 1]);
		unsigned got = 0;

		if (!dtb) {
			fprintf(stderr, "%s: cannot read %s\n", argv[i], argv[i + 1]);
			return 1;
		}
		if (vm_config_parse(dtb, argv[i], cpus, cfgs + n, MAX_CONFIGS - n, &got,
				    err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			free(dtb);
			return 1;
		}
		free(dtb);
		n += got;
	}
	if (vm_config_check_set(cfgs, n, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (unsigned i = 0; i < n; i++)
		if (check_image(argv[2], &cfgs[i], "kernel", cfgs[i].kernel) ||
		    check_image(argv[2], &cfgs[i], "initrd", cfgs[i].initrd))
			return 1;
	return 0;
}
