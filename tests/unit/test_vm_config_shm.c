/*
 * Tests for virt/vm_config_shm.c: a VM's `shm` node (docs/vm-config.md,
 * "Shared memory"). Good nodes come out as struct vm_shm with the defaults
 * applied; every broken one is refused with one line naming the file, the
 * node and the property; two VMs giving one region two sizes are refused
 * by vm_config_check_set().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <virt/vm_config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_NAME	"configs/s.dts"
#define HOST_CPUS	4
#define MAX_VMS		4
#define BASIC		"vcpus = <1>; memory-size = <0x0 0x200000>; kernel = \"k\";"
/* A good shm node's properties, for tests that change one. */
#define SHM_OK		"region = \"ctrl\"; size = <0x0 0x10000>; guest-reg = <0x0 0x10000000>; " \
			"doorbell-interrupt = <40>;"

#define DTS_FIXTURE_NAME "shmcfg"
#include "dts_fixture.h"

/* One VM "vm" with BASIC, extra VM properties and a shm node holding shm. */
static const char *vm_with(const char *extra, const char *shm)
{
	static char dts[4096];

	snprintf(dts, sizeof(dts),
		 "/dts-v1/;\n/ {\n\tcompatible = \"tandem,config\";\n"
		 "\tvm {\n\t\tcompatible = \"tandem,vm\";\n\t\t" BASIC " %s\n"
		 "\t\tshm { %s };\n\t};\n};\n", extra, shm);
	return dts;
}

static int parse(const char *dts, struct vm_config *out, unsigned *count, char *err, size_t len)
{
	void *fdt = compile(dts);
	int ret = vm_config_parse(fdt, FILE_NAME, HOST_CPUS, out, MAX_VMS, count, err, len);

	free(fdt);
	return ret;
}

static void parse_shm(const char *extra, const char *shm, struct vm_config *vm)
{
	struct vm_config out[MAX_VMS];
	unsigned count = 0;
	char err[256] = "";

	if (parse(vm_with(extra, shm), out, &count, err, sizeof(err)))
		fail_msg("refused: %s", err);
	assert_int_equal(count, 1);
	*vm = out[0];
}

/* Must fail with one line naming file, /vm/shm and every needle. */
static void check_fail(const char *extra, const char *shm, const char *const *needles)
{
	struct vm_config out[MAX_VMS];
	unsigned count = 99;
	char err[256] = "";

	if (parse(vm_with(extra, shm), out, &count, err, sizeof(err)) >= 0)
		fail_msg("accepted shm { %s }", shm);
	assert_int_equal(count, 0);
	if (strncmp(err, FILE_NAME ": /vm/shm: ", strlen(FILE_NAME ": /vm/shm: ")) ||
	    strchr(err, '\n'))
		fail_msg("malformed message \"%s\"", err);
	for (; *needles; needles++)
		if (!strstr(err, *needles))
			fail_msg("message \"%s\" lacks \"%s\"", err, *needles);
}

#define expect_fail(extra, shm, ...) \
	check_fail(extra, shm, (const char *const[]){ __VA_ARGS__, NULL })

static void test_defaults(void **state)
{
	struct vm_config vm;

	parse_shm("", SHM_OK, &vm);
	assert_true(vm.has_shm);
	assert_string_equal(vm.shm.region, "ctrl");
	assert_int_equal(vm.shm.size, 0x10000);
	assert_int_equal(vm.shm.ipa, 0x10000000);
	assert_int_equal(vm.shm.doorbell_ipa, 0x10010000);	/* right after the region */
	assert_int_equal(vm.shm.doorbell_intid, 40);
	assert_false(vm.shm.read_only);
}

static void test_no_shm(void **state)
{
	struct vm_config out[MAX_VMS];
	unsigned count = 0;
	char err[256] = "";
	void *fdt = compile("/dts-v1/;\n/ { compatible = \"tandem,config\"; vm { compatible = \"tandem,vm\"; "
			    BASIC " }; };\n");

	assert_int_equal(vm_config_parse(fdt, FILE_NAME, HOST_CPUS, out, MAX_VMS, &count, err,
					 sizeof(err)), 0);
	free(fdt);
	assert_false(out[0].has_shm);
}

static void test_read_only_and_doorbell_reg(void **state)
{
	struct vm_config vm;

	parse_shm("", "region = \"r\"; size = <0x0 0x200000>; guest-reg = <0x80 0x0>; "
		  "doorbell-reg = <0x0 0x0a000000>; doorbell-interrupt = <127>; read-only;", &vm);
	assert_string_equal(vm.shm.region, "r");
	assert_int_equal(vm.shm.size, 0x200000);
	assert_int_equal(vm.shm.ipa, 0x8000000000ULL);
	assert_int_equal(vm.shm.doorbell_ipa, 0x0a000000);
	assert_int_equal(vm.shm.doorbell_intid, 127);
	assert_true(vm.shm.read_only);
}

static void test_missing(void **state)
{
	expect_fail("", "size = <0x0 0x1000>; guest-reg = <0x0 0x10000000>; doorbell-interrupt = <40>;",
		    "'region' missing");
	expect_fail("", "region = \"c\"; guest-reg = <0x0 0x10000000>; doorbell-interrupt = <40>;",
		    "'size' missing");
	expect_fail("", "region = \"c\"; size = <0x0 0x1000>; doorbell-interrupt = <40>;",
		    "'guest-reg' missing");
	expect_fail("", "region = \"c\"; size = <0x0 0x1000>; guest-reg = <0x0 0x10000000>;",
		    "'doorbell-interrupt' missing");
}

static void test_bad_values(void **state)
{
	expect_fail("", SHM_OK " colour = <1>;", "unknown property 'colour'");
	expect_fail("", "region = \"Ctrl\"; size = <0x0 0x1000>; guest-reg = <0x0 0x10000000>; doorbell-interrupt = <40>;",
		    "property 'region'", "\"Ctrl\"");
	expect_fail("", "region = \"\"; size = <0x0 0x1000>; guest-reg = <0x0 0x10000000>; doorbell-interrupt = <40>;",
		    "property 'region'");
	expect_fail("", "region = \"a\", \"b\"; size = <0x0 0x1000>; guest-reg = <0x0 0x10000000>; doorbell-interrupt = <40>;",
		    "property 'region'");
	expect_fail("", "region = \"abcdefghijabcdefghijabcdefghijab\"; size = <0x0 0x1000>; guest-reg = <0x0 0x10000000>; doorbell-interrupt = <40>;",
		    "property 'region'", "longer");
	expect_fail("", "region = \"c\"; size = <0x1000>; guest-reg = <0x0 0x10000000>; doorbell-interrupt = <40>;",
		    "property 'size'", "2 cells");
	expect_fail("", "region = \"c\"; size = <0x0 0x1800>; guest-reg = <0x0 0x10000000>; doorbell-interrupt = <40>;",
		    "property 'size'", "0x1800");
	expect_fail("", "region = \"c\"; size = <0x0 0x0>; guest-reg = <0x0 0x10000000>; doorbell-interrupt = <40>;",
		    "property 'size'");
	expect_fail("", "region = \"c\"; size = <0x1 0x0>; guest-reg = <0x0 0x10000000>; doorbell-interrupt = <40>;",
		    "property 'size'", "256 MiB");
	expect_fail("", "region = \"c\"; size = <0x0 0x1000>; guest-reg = <0x0 0x10000800>; doorbell-interrupt = <40>;",
		    "property 'guest-reg'", "aligned");
	expect_fail("", "region = \"c\"; size = <0x0 0x2000>; guest-reg = <0xff 0xfffff000>; doorbell-interrupt = <40>;",
		    "property 'guest-reg'", "1 TiB");
	expect_fail("", SHM_OK " read-only = <1>;", "property 'read-only' takes no value");
	expect_fail("", "region = \"c\"; size = <0x0 0x1000>; guest-reg = <0x0 0x10000000>; doorbell-interrupt = <40 41>;",
		    "property 'doorbell-interrupt'", "1 cells");
	expect_fail("", SHM_OK " ignored { };", "unexpected child node");
}

static void test_overlaps(void **state)
{
	expect_fail("", "region = \"c\"; size = <0x0 0x1000>; guest-reg = <0x0 0x40100000>; doorbell-interrupt = <40>;",
		    "property 'guest-reg'", "guest's RAM");
	expect_fail("", "region = \"c\"; size = <0x0 0x1000>; guest-reg = <0x0 0x08010000>; doorbell-interrupt = <40>;",
		    "property 'guest-reg'", "the vGIC");
	expect_fail("", "region = \"c\"; size = <0x0 0x1000>; guest-reg = <0x0 0x08fff000>; doorbell-interrupt = <40>;",
		    "property 'doorbell-reg'", "the vPL011");
	expect_fail("", SHM_OK " doorbell-reg = <0x0 0x1000f000>;", "property 'doorbell-reg'", "overlaps the region");
	expect_fail("", SHM_OK " doorbell-reg = <0x0 0x401ff000>;", "property 'doorbell-reg'", "guest's RAM");
	/* Touching RAM is not overlapping it. */
	parse_shm("", SHM_OK " doorbell-reg = <0x0 0x3ffff000>;", &(struct vm_config){ 0 });
	expect_fail("passthrough { rtc { reg = <0x0 0x9010000 0x0 0x1000>; interrupts = <40>; guest-reg = <0x0 0x10004000>; }; };",
		    SHM_OK, "property 'guest-reg'", "passed-through device 'rtc'");
}

static void test_doorbell_interrupt(void **state)
{
	static const char *const bad[] = { "<31>", "<0>", "<128>", "<1020>" };
	char shm[256];

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(shm, sizeof(shm), "region = \"c\"; size = <0x0 0x1000>; guest-reg = <0x0 0x10000000>; "
			 "doorbell-interrupt = %s;", bad[i]);
		expect_fail("", shm, "property 'doorbell-interrupt'", "32..127");
	}
	expect_fail("", "region = \"c\"; size = <0x0 0x1000>; guest-reg = <0x0 0x10000000>; doorbell-interrupt = <33>;",
		    "property 'doorbell-interrupt'", "vPL011");
	expect_fail("passthrough { rtc { reg = <0x0 0x9010000 0x0 0x1000>; interrupts = <40>; }; };",
		    SHM_OK, "property 'doorbell-interrupt'", "INTID 40", "'rtc'");
}

/* Two VMs, in two files, naming one region. */
static void two_vms(const char *size_b, int want, const char *needle)
{
	struct vm_config cfgs[2];
	unsigned count = 0;
	char err[256] = "", dts[1024];

	snprintf(dts, sizeof(dts), "/dts-v1/;\n/ { compatible = \"tandem,config\"; a { compatible = \"tandem,vm\"; "
		 BASIC " shm { " SHM_OK " }; }; };\n");
	assert_int_equal(parse(dts, &cfgs[0], &count, err, sizeof(err)), 0);
	snprintf(dts, sizeof(dts), "/dts-v1/;\n/ { compatible = \"tandem,config\"; b { compatible = \"tandem,vm\"; "
		 BASIC " memory-base = <0x0 0x60000000>; shm { region = \"ctrl\"; size = %s; "
		 "guest-reg = <0x0 0x20000000>; doorbell-interrupt = <41>; read-only; }; }; };\n", size_b);
	assert_int_equal(parse(dts, &cfgs[1], &count, err, sizeof(err)), 0);
	strcpy(cfgs[1].file, "configs/t.dts");
	assert_int_equal(vm_config_check_set(cfgs, 2, err, sizeof(err)), want);
	if (needle && !strstr(err, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err, needle);
}

static void test_check_set(void **state)
{
	if (!dir[0])
		skip();
	two_vms("<0x0 0x10000>", 0, NULL);
	two_vms("<0x0 0x20000>", -EINVAL,
		"configs/t.dts: /b/shm: property 'size': 0x20000 for region 'ctrl', but VM /a (configs/s.dts) gives it 0x10000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_no_shm),
		cmocka_unit_test(test_read_only_and_doorbell_reg),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_doorbell_interrupt),
		cmocka_unit_test(test_check_set),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
