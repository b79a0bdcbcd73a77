/*
 * The images a VM config names, brought into the boot bundle. `kernel`,
 * `initrd` and a virtio block device's `image` may name any file: a relative path is taken from the config
 * file's folder, an absolute one as it is. The file is copied to
 * files/<name> in the bundle and the property in the compiled config is
 * rewritten to that name, which is what the hypervisor looks up at boot.
 * A name that is no such file but is already in the bundle (linux/Image,
 * guests/gtest.elf: the images the build puts there) stays as it is.
 */
#include "bundle_files.h"

#include <errno.h>
#include <libfdt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUNDLE_NAME_MAX	63	/* VM_FILE_LEN - 1: what a config may hold */
#define MAX_BUNDLED	256

/* Files already copied in, so two VMs naming one image share one copy. */
static struct {
	char real[PATH_MAX];
	char name[BUNDLE_NAME_MAX + 1];
} bundled[MAX_BUNDLED];
static unsigned n_bundled;

void bundle_files_reset(void)
{
	n_bundled = 0;
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = NULL;
	char buf[65536];
	size_t n;
	int ret = -1;

	if (!in)
		return -1;
	out = fopen(to, "wb");
	if (!out)
		goto done;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			goto done;
	ret = ferror(in) ? -1 : 0;
done:
	if (out && fclose(out))
		ret = -1;
	fclose(in);
	return ret;
}

static bool name_taken(const char *name)
{
	for (unsigned i = 0; i < n_bundled; i++)
		if (!strcmp(bundled[i].name, name))
			return true;
	return false;
}

/* files/<base>, or files/<k>-<base> if another file took that name; the
 * base is cut to fit the 63 characters a config's string may hold. */
static void pick_name(const char *real, char *name, size_t len)
{
	const char *base = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;

	for (unsigned k = 0;; k++) {
		if (k == 0)
			snprintf(name, len, "files/%.56s", base);
		else
			snprintf(name, len, "files/%u-%.40s", k, base);
		if (!name_taken(name))
			return;
	}
}

/* Copy path into the bundle once; its bundle name into name. */
static int bundle_one(const char *dir, const char *path, char *name, char *why,
		      size_t whylen)
{
	char real[PATH_MAX], dest[PATH_MAX + 80];

	if (!realpath(path, real)) {
		snprintf(why, whylen, "cannot resolve %s: %s", path, strerror(errno));
		return -1;
	}
	for (unsigned i = 0; i < n_bundled; i++) {
		if (!strcmp(bundled[i].real, real)) {
			strcpy(name, bundled[i].name);
			return 0;
		}
	}
	if (n_bundled == MAX_BUNDLED) {
		snprintf(why, whylen, "more than %d distinct image files", MAX_BUNDLED);
		return -1;
	}
	pick_name(real, name, BUNDLE_NAME_MAX + 1);
	snprintf(dest, sizeof(dest), "%s/files", dir);
	mkdir(dest, 0755);
	snprintf(dest, sizeof(dest), "%s/%s", dir, name);
	if (copy_file(real, dest)) {
		int e = errno;

		if (snprintf(why, whylen, "cannot copy %s into the bundle: %s", real,
			     strerror(e)) >= (int)whylen)
			why[whylen - 1] = '\0';	/* cut: still one line */
		return -1;
	}
	strcpy(bundled[n_bundled].real, real);
	strcpy(bundled[n_bundled].name, name);
	n_bundled++;
	return 0;
}

/* The property's string, or NULL if it is absent or not one string (the
 * config parser then says what is wrong with it). */
static const char *prop_string(const void *fdt, int node, const char *prop)
{
	int len;
	const char *p = fdt_getprop(fdt, node, prop, &len);

	if (!p || len < 2 || p[len - 1] || strlen(p) != (size_t)len - 1)
		return NULL;
	return p;
}

/* Resolve one property of one VM node; rewrite it if a file was bundled. */
static int resolve_prop(void **fdtp, size_t *size, const char *dts, const char *bundle_dir,
			int node, const char *prop, char *err, size_t errlen)
{
	const char *val = prop_string(*fdtp, node, prop);
	char path[PATH_MAX], name[BUNDLE_NAME_MAX + 1], why[PATH_MAX + 200];
	char value[PATH_MAX], vm[256];
	const char *slash = strrchr(dts, '/');
	int ret;

	if (!val)
		return 0;
	/* The node's path without its leading '/', for messages. */
	if (fdt_get_path(*fdtp, node, vm, sizeof(vm)))
		snprintf(vm, sizeof(vm), "?");
	memmove(vm, vm + (vm[0] == '/'), strlen(vm) + (vm[0] == '/' ? 0 : 1));
	snprintf(value, sizeof(value), "%s", val);	/* fdt_setprop moves it */
	if (snprintf(path, sizeof(path), "%.*s%s",
		     value[0] == '/' || !slash ? 0 : (int)(slash - dts + 1), dts,
		     value) >= (int)sizeof(path)) {
		snprintf(err, errlen, "%s: /%s: property '%s': path too long", dts, vm, prop);
		return -1;
	}
	if (!is_file(path)) {
		char in_bundle[PATH_MAX + 80];

		snprintf(in_bundle, sizeof(in_bundle), "%s/%s", bundle_dir, value);
		if (value[0] != '/' && is_file(in_bundle))
			return 0;	/* one of the build's own images */
		if (value[0] == '/' || !strcmp(path, value))
			snprintf(err, errlen, "%s: /%s: property '%s': '%s' does not exist",
				 dts, vm, prop, value);
		else
			snprintf(err, errlen,
				 "%s: /%s: property '%s': '%s' does not exist (no %s, and not in the boot bundle)",
				 dts, vm, prop, value, path);
		return -1;
	}
	if (bundle_one(bundle_dir, path, name, why, sizeof(why))) {
		snprintf(err, errlen, "%s: /%s: property '%s': %s", dts, vm, prop, why);
		return -1;
	}
	ret = fdt_setprop_string(*fdtp, node, prop, name);
	if (ret == -FDT_ERR_NOSPACE) {
		void *grown = realloc(*fdtp, *size + 4096);

		if (grown) {
			*fdtp = grown;
			*size += 4096;
			ret = fdt_open_into(grown, grown, (int)*size);
		}
		if (!ret)
			ret = fdt_setprop_string(*fdtp, node, prop, name);
	}
	if (ret) {
		snprintf(err, errlen, "%s: /%s: property '%s': cannot rewrite it: %s", dts, vm,
			 prop, fdt_strerror(ret));
		return -1;
	}
	return 0;
}

/* Each virtio device's `image` under the VM node at vm_path; offsets move
 * with every rewrite, so each device is found again from its path. */
static int resolve_virtio(void **fdtp, size_t *size, const char *dts, const char *bundle_dir,
			  const char *vm_path, char *err, size_t errlen)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/virtio", vm_path);
	for (int i = 0;; i++) {
		int parent = fdt_path_offset(*fdtp, path), dev = -1, k = 0;

		if (parent < 0)
			return 0;
		fdt_for_each_subnode(dev, *fdtp, parent)
			if (k++ == i)
				break;
		if (dev < 0)
			return 0;
		if (resolve_prop(fdtp, size, dts, bundle_dir, dev, "image", err, errlen))
			return -1;
	}
}

int bundle_files_resolve(void **fdtp, size_t *size, const char *dts, const char *bundle_dir,
			 char *err, size_t errlen)
{
	char vm_path[256];
	static const char *const props[] = { "kernel", "initrd" };
	int root, node;

	if (fdt_check_header(*fdtp) || fdt_open_into(*fdtp, *fdtp, (int)*size))
		return 0;	/* the config parser reports a broken blob */
	root = fdt_path_offset(*fdtp, "/");
	if (root < 0)
		return 0;
	/* Rewriting moves offsets after the node, not the nodes' order: walk
	 * again from the root for each node. */
	for (int i = 0;; i++) {
		int k = 0;

		node = -1;
		fdt_for_each_subnode(node, *fdtp, root)
			if (k++ == i)
				break;
		if (node < 0)
			break;
		if (fdt_get_path(*fdtp, node, vm_path, sizeof(vm_path)))
			vm_path[0] = '\0';
		for (unsigned p = 0; p < sizeof(props) / sizeof(props[0]); p++)
			if (resolve_prop(fdtp, size, dts, bundle_dir, node, props[p], err, errlen))
				return -1;
		if (vm_path[0] &&
		    resolve_virtio(fdtp, size, dts, bundle_dir, vm_path, err, errlen))
			return -1;
		root = fdt_path_offset(*fdtp, "/");
	}
	fdt_pack(*fdtp);
	*size = fdt_totalsize(*fdtp);
	return 0;
}
