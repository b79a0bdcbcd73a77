/*
 * Tests for tools/bundle_files.c: the images a config names are found
 * beside the config (or at their absolute path), copied into the bundle as
 * files/<name> and the compiled config rewritten to that name; the build's
 * own image names stay; a missing file is named with file, node and
 * property. Each test works in its own mkdtemp folder with dtc-compiled
 * configs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../tools/bundle_files.h"

struct dirs {
	char top[64];		/* the test's folder */
	char cfg[96];		/* where the configs and their images live */
	char bundle[96];	/* the bundle's staging folder */
};

static int setup(void **state)
{
	struct dirs *d = calloc(1, sizeof(*d));

	if (!d || system("command -v dtc >/dev/null 2>&1") != 0) {
		free(d);
		*state = NULL;
		return 0;
	}
	snprintf(d->top, sizeof(d->top), "/tmp/tandem-bundle-XXXXXX");
	if (!mkdtemp(d->top))
		return -1;
	snprintf(d->cfg, sizeof(d->cfg), "%s/my", d->top);
	snprintf(d->bundle, sizeof(d->bundle), "%s/bundle", d->top);
	mkdir(d->cfg, 0755);
	mkdir(d->bundle, 0755);
	bundle_files_reset();
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	struct dirs *d = *state;
	char cmd[128];

	if (d) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->top);
		if (system(cmd) != 0)
			print_message("could not remove %s\n", d->top);
	}
	free(d);
	return 0;
}

static struct dirs *dirs_of(void **state)
{
	if (!*state) {
		print_message("skipped: dtc is not installed\n");
		skip();
	}
	return *state;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static char *read_text(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Write <cfg>/<name>.dts holding `vms` (VM nodes), compile it, return the
 * blob (malloc'd) and its size; *dts gets the source path. */
static void *compile(struct dirs *d, const char *name, const char *vms, size_t *size,
		     char *dts, size_t dtslen)
{
	char src[4096], dtb[160], cmd[512];
	void *blob;
	FILE *f;
	long n;

	snprintf(dts, dtslen, "%s/%s.dts", d->cfg, name);
	snprintf(src, sizeof(src), "/dts-v1/;\n/ { compatible = \"tandem,config\";\n%s};\n", vms);
	write_text(dts, src);
	snprintf(dtb, sizeof(dtb), "%s/%s.dtb", d->top, name);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o '%s' '%s'", dtb, dts);
	assert_int_equal(system(cmd), 0);
	f = fopen(dtb, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	blob = malloc((size_t)n);
	assert_non_null(blob);
	assert_int_equal(fread(blob, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return blob;
}

static const char *prop(const void *fdt, const char *node, const char *name)
{
	int off = fdt_path_offset(fdt, node);

	assert_true(off >= 0);
	return fdt_getprop(fdt, off, name, NULL);
}

#define VM(name, props) "\t" name " { compatible = \"tandem,vm\"; " props " };\n"

static void test_beside_the_config_and_absolute(void **state)
{
	struct dirs *d = dirs_of(state);
	char path[160], abs_vm[512], dts[160], err[512] = "";
	size_t size;
	void *fdt;

	snprintf(path, sizeof(path), "%s/zephyr.elf", d->cfg);
	write_text(path, "kernel bytes");
	snprintf(path, sizeof(path), "%s/ramdisk.img", d->top);
	write_text(path, "initrd bytes");
	snprintf(abs_vm, sizeof(abs_vm),
		 VM("a", "kernel = \"zephyr.elf\"; initrd = \"%s\";")
		 VM("b", "kernel = \"./zephyr.elf\";"), path);
	fdt = compile(d, "mine", abs_vm, &size, dts, sizeof(dts));
	assert_int_equal(bundle_files_resolve(&fdt, &size, dts, d->bundle, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(fdt_check_full(fdt, size), 0);
	assert_string_equal(prop(fdt, "/a", "kernel"), "files/zephyr.elf");
	assert_string_equal(prop(fdt, "/a", "initrd"), "files/ramdisk.img");
	/* The same file by another path: one copy. */
	assert_string_equal(prop(fdt, "/b", "kernel"), "files/zephyr.elf");
	snprintf(path, sizeof(path), "%s/files/zephyr.elf", d->bundle);
	assert_string_equal(read_text(path), "kernel bytes");
	snprintf(path, sizeof(path), "%s/files/ramdisk.img", d->bundle);
	assert_string_equal(read_text(path), "initrd bytes");
	free(fdt);
}

static void test_build_images_stay(void **state)
{
	struct dirs *d = dirs_of(state);
	char path[160], dts[160], err[512] = "";
	size_t size;
	void *fdt;

	snprintf(path, sizeof(path), "%s/linux", d->bundle);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/linux/Image", d->bundle);
	write_text(path, "linux");
	fdt = compile(d, "lin", VM("linux", "kernel = \"linux/Image\"; initrd = <1>;"), &size,
		      dts, sizeof(dts));
	assert_int_equal(bundle_files_resolve(&fdt, &size, dts, d->bundle, err, sizeof(err)), 0);
	assert_string_equal(prop(fdt, "/linux", "kernel"), "linux/Image");
	/* Not a string: left for the config parser to refuse. */
	assert_int_equal(fdt_getprop(fdt, fdt_path_offset(fdt, "/linux"), "initrd", NULL) != NULL, 1);
	free(fdt);
}

static void test_missing_files_are_named(void **state)
{
	struct dirs *d = dirs_of(state);
	char dts[160], want[512], err[512] = "";
	size_t size;
	void *fdt;

	fdt = compile(d, "x", VM("x", "kernel = \"/nope/zephyr.elf\";"), &size, dts, sizeof(dts));
	assert_int_equal(bundle_files_resolve(&fdt, &size, dts, d->bundle, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: /x: property 'kernel': '/nope/zephyr.elf' does not exist",
		 dts);
	assert_string_equal(err, want);
	free(fdt);

	fdt = compile(d, "y", VM("y", "kernel = \"k\"; initrd = \"gone.img\";"), &size, dts,
		      sizeof(dts));
	snprintf(want, sizeof(want), "%s/k", d->cfg);
	write_text(want, "k");
	assert_int_equal(bundle_files_resolve(&fdt, &size, dts, d->bundle, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "%s: /y: property 'initrd': 'gone.img' does not exist (no %s/gone.img, and not in the boot bundle)",
		 dts, d->cfg);
	assert_string_equal(err, want);
	free(fdt);
}

static void test_names_collide_and_fit(void **state)
{
	struct dirs *d = dirs_of(state);
	char path[256], vms[1024], dts[160], err[512] = "";
	const char *longname = "a-very-long-image-name-that-goes-on-and-on-and-on-and-on-and-on.elf";
	size_t size;
	void *fdt;

	snprintf(path, sizeof(path), "%s/sub", d->cfg);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/img.elf", d->cfg);
	write_text(path, "one");
	snprintf(path, sizeof(path), "%s/sub/img.elf", d->cfg);
	write_text(path, "two");
	snprintf(path, sizeof(path), "%s/%s", d->cfg, longname);
	write_text(path, "long");
	snprintf(vms, sizeof(vms),
		 VM("one", "kernel = \"img.elf\";") VM("two", "kernel = \"sub/img.elf\";")
		 VM("three", "kernel = \"%s\";"), longname);
	fdt = compile(d, "many", vms, &size, dts, sizeof(dts));
	assert_int_equal(bundle_files_resolve(&fdt, &size, dts, d->bundle, err, sizeof(err)), 0);
	assert_string_equal(prop(fdt, "/one", "kernel"), "files/img.elf");
	assert_string_equal(prop(fdt, "/two", "kernel"), "files/1-img.elf");
	snprintf(path, sizeof(path), "%s/%s", d->bundle, prop(fdt, "/one", "kernel"));
	assert_string_equal(read_text(path), "one");
	snprintf(path, sizeof(path), "%s/%s", d->bundle, prop(fdt, "/two", "kernel"));
	assert_string_equal(read_text(path), "two");
	assert_true(strlen(prop(fdt, "/three", "kernel")) <= 63);
	assert_true(strncmp(prop(fdt, "/three", "kernel"), "files/a-very-long", 17) == 0);
	snprintf(path, sizeof(path), "%s/%s", d->bundle, prop(fdt, "/three", "kernel"));
	assert_string_equal(read_text(path), "long");
	free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_beside_the_config_and_absolute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_images_stay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_files_are_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_collide_and_fit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
