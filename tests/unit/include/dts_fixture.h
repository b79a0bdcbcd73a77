/*
 * A scratch folder and dtc for unit tests that parse configs written as
 * DTS text: setup()/teardown() for cmocka's group fixtures, compile() to
 * a malloc'd blob. Without dtc (Debian package device-tree-compiler) every
 * test that compiles is skipped. Define DTS_FIXTURE_NAME (a word) before
 * including it to name the folder.
 */
#ifndef TEST_DTS_FIXTURE_H
#define TEST_DTS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

static char dir[64];

static int setup(void **state)
{
	(void)state;
	if (system("command -v dtc >/dev/null 2>&1") != 0) {
		print_message("dtc is not installed (Debian package device-tree-compiler): every test is skipped\n");
		return 0;
	}
	snprintf(dir, sizeof(dir), "/tmp/tandem-" DTS_FIXTURE_NAME "-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			print_message("could not remove %s\n", dir);
	}
	return 0;
}

static void *compile(const char *dts)
{
	char cmd[512], in[96], out[96];
	void *blob;
	FILE *fp;
	long len;

	if (!dir[0])
		skip();
	snprintf(in, sizeof(in), "%s/in.dts", dir);
	snprintf(out, sizeof(out), "%s/out.dtb", dir);
	fp = fopen(in, "w");
	assert_non_null(fp);
	assert_true(fputs(dts, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o '%s' '%s'", out, in);
	if (system(cmd) != 0)
		fail_msg("dtc refused: %s", dts);
	fp = fopen(out, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	assert_true(len > 0);
	rewind(fp);
	blob = malloc((size_t)len);
	assert_non_null(blob);
	assert_int_equal(fread(blob, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	return blob;
}

#endif
