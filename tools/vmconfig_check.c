/*
 * Build-time check of VM configs: the same parser the hypervisor runs at
 * boot, on the host, so a bad config fails `make` with the source file,
 * node and property named. First the images each config names are brought
 * into the bundle and the compiled config rewritten to name them there
 * (bundle_files.c), so the hypervisor finds them at boot.
 *
 * Usage: vmconfig_check <host-cpus> <bundle-dir> <file.dts> <file.dtb>...
 * Each file.dtb is rewritten in place.
 */
#include <virt/vm_config.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "bundle_files.h"

static int check_image(const char *dir, const char *dts, const struct vm_config *c,
		       const char *prop, const char *name)
{
	char path[512];

	if (!name[0])
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (access(path, R_OK) == 0)
		return 0;
	fprintf(stderr, "%s: /%s: property '%s': '%s' is not in the boot bundle (%s)\n",
		dts, c->name, prop, name, path);
	return 1;
}

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	long n;
	void *buf;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = n > 0 ? malloc((size_t)n) : NULL;
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = buf ? (size_t)n : 0;
	return buf;
}

static int write_file(const char *path, const void *buf, size_t size)
{
	FILE *f = fopen(path, "wb");
	int ret;

	if (!f)
		return -1;
	ret = fwrite(buf, 1, size, f) == size ? 0 : -1;
	if (fclose(f))
		ret = -1;
	return ret;
}

int main(int argc, char **argv)
{
	struct vm_config *cfgs = NULL, none;	/* none: room for nothing */
	const char **src = NULL;		/* each config's file, in full */
	unsigned n = 0, cpus;
	char err[4400];

	if (argc < 5 || argc % 2 == 0) {
		fprintf(stderr, "usage: %s <host-cpus> <bundle-dir> <file.dts> <file.dtb>...\n",
			argv[0]);
		return 2;
	}
	cpus = (unsigned)atoi(argv[1]);
	for (int i = 3; i < argc; i += 2) {
		size_t size;
		void *dtb = read_file(argv[i + 1], &size);
		unsigned got = 0;
		int vms;

		if (!dtb) {
			fprintf(stderr, "%s: cannot read %s\n", argv[i], argv[i + 1]);
			return 1;
		}
		if (bundle_files_resolve(&dtb, &size, argv[i], argv[2], err, sizeof(err)) ||
		    write_file(argv[i + 1], dtb, size)) {
			fprintf(stderr, "%s\n", err[0] ? err : "cannot write the compiled config");
			return 1;
		}
		/* As many VMs as the files hold: there is no fixed limit. */
		vms = vm_config_count_vms(dtb);
		if (vms > 0) {
			cfgs = realloc(cfgs, (n + (unsigned)vms) * sizeof(*cfgs));
			src = realloc(src, (n + (unsigned)vms) * sizeof(*src));
			if (!cfgs || !src) {
				fprintf(stderr, "%s: out of memory\n", argv[i]);
				return 1;
			}
		}
		if (vm_config_parse(dtb, argv[i], cpus, vms > 0 ? cfgs + n : &none,
				    vms > 0 ? (unsigned)vms : 0, &got, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			free(dtb);
			return 1;
		}
		free(dtb);
		for (unsigned k = 0; k < got; k++)
			src[n + k] = argv[i];
		n += got;
	}
	if (vm_config_check_set(cfgs, n, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (unsigned i = 0; i < n; i++) {
		if (check_image(argv[2], src[i], &cfgs[i], "kernel", cfgs[i].kernel) ||
		    check_image(argv[2], src[i], &cfgs[i], "initrd", cfgs[i].initrd))
			return 1;
		for (unsigned k = 0; k < cfgs[i].n_virtio; k++)
			if (check_image(argv[2], src[i], &cfgs[i], "image", cfgs[i].virtio[k].image))
				return 1;
	}
	free(cfgs);
	free(src);
	return 0;
}
