/*
 * Tests for virt/vm_config_virtio.c: a VM's `virtio` node (docs/vm-config.md,
 * "Virtio devices"). Good devices come out as struct vm_virtio; every
 * broken one (unknown type or property, a window misaligned or on top of
 * RAM, the vGIC, the vPL011, the shared region or another device, an
 * interrupt that is not a free guest SPI, a block device with no image) is
 * refused with one line naming the file, the device's node and the property.
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

#define FILE_NAME	"configs/v.dts"
#define HOST_CPUS	4
#define MAX_VMS		4
#define BASIC		"vcpus = <1>; memory-size = <0x0 0x200000>; kernel = \"k\";"
#define DISK_OK		"type = \"block\"; image = \"d.img\"; guest-reg = <0x0 0x0a000000>; " \
			"interrupt = <48>;"

#define DTS_FIXTURE_NAME "viocfg"
#include "dts_fixture.h"

/* One VM "vm" with BASIC, extra (VM properties and nodes) and a virtio
 * node holding devs. */
static const char *vm_with(const char *extra, const char *devs)
{
	static char dts[4096];

	snprintf(dts, sizeof(dts),
		 "/dts-v1/;\n/ {\n\tcompatible = \"tandem,config\";\n"
		 "\tvm {\n\t\tcompatible = \"tandem,vm\";\n\t\t" BASIC " %s\n"
		 "\t\tvirtio { %s };\n\t};\n};\n", extra, devs);
	return dts;
}

static int parse(const char *dts, struct vm_config *out, unsigned *count, char *err, size_t len)
{
	void *fdt = compile(dts);
	int ret = vm_config_parse(fdt, FILE_NAME, HOST_CPUS, out, MAX_VMS, count, err, len);

	free(fdt);
	return ret;
}

static void parse_ok(const char *extra, const char *devs, struct vm_config *vm)
{
	struct vm_config out[MAX_VMS];
	unsigned count = 0;
	char err[256] = "";

	if (parse(vm_with(extra, devs), out, &count, err, sizeof(err)))
		fail_msg("refused: %s", err);
	assert_int_equal(count, 1);
	*vm = out[0];
}

/* Must fail with one line starting "<file>: <where>: " holding every needle. */
static void check_fail(const char *extra, const char *devs, const char *where,
		       const char *const *needles)
{
	struct vm_config out[MAX_VMS];
	unsigned count = 99;
	char err[256] = "", head[64];

	if (parse(vm_with(extra, devs), out, &count, err, sizeof(err)) >= 0)
		fail_msg("accepted virtio { %s }", devs);
	assert_int_equal(count, 0);
	snprintf(head, sizeof(head), "%s: %s: ", FILE_NAME, where);
	if (strncmp(err, head, strlen(head)) || strchr(err, '\n'))
		fail_msg("malformed message \"%s\" (want \"%s...\")", err, head);
	for (; *needles; needles++)
		if (!strstr(err, *needles))
			fail_msg("message \"%s\" lacks \"%s\"", err, *needles);
}

#define expect_fail(extra, devs, where, ...) \
	check_fail(extra, devs, where, (const char *const[]){ __VA_ARGS__, NULL })
#define expect_disk_fail(props, ...) \
	expect_fail("", "disk { " props " };", "/vm/virtio/disk", __VA_ARGS__)

static void test_block_device(void **state)
{
	struct vm_config vm;

	parse_ok("", "disk { " DISK_OK " }; ro { type = \"block\"; image = \"/abs/r.img\"; "
		 "guest-reg = <0x1 0x200>; interrupt = <127>; read-only; };", &vm);
	assert_int_equal(vm.n_virtio, 2);
	assert_string_equal(vm.virtio[0].name, "disk");
	assert_int_equal(vm.virtio[0].type, VM_VIRTIO_BLOCK);
	assert_int_equal(vm.virtio[0].ipa, 0x0a000000);
	assert_int_equal(vm.virtio[0].intid, 48);
	assert_string_equal(vm.virtio[0].image, "d.img");
	assert_false(vm.virtio[0].read_only);
	assert_string_equal(vm.virtio[1].name, "ro");
	assert_int_equal(vm.virtio[1].ipa, 0x100000200ULL);
	assert_true(vm.virtio[1].read_only);
}

static void test_block_write_quota(void **state)
{
	struct vm_config vm;

	parse_ok("", "disk { " DISK_OK " };", &vm);
	assert_int_equal(vm.blk_write_quota, VM_BLK_WRITE_QUOTA_DEFAULT);
	parse_ok("", "block-write-quota = <0x0 0x100000>; disk { " DISK_OK " };", &vm);
	assert_int_equal(vm.blk_write_quota, 0x100000);
	parse_ok("", "block-write-quota = <0x0 0x0>;", &vm);
	assert_int_equal(vm.blk_write_quota, 0);
	expect_fail("", "block-write-quota = <0x1000>;", "/vm/virtio",
		    "'block-write-quota' is 4 bytes, need 8");
	expect_fail("", "block-write-quota = <0x0 0x1001>;", "/vm/virtio",
		    "'block-write-quota': 0x1001 is not a multiple of 4 KiB");
}

static void test_console_device(void **state)
{
	struct vm_config vm;

	parse_ok("", "hvc { type = \"console\"; guest-reg = <0x0 0x0a000200>; interrupt = <49>; };", &vm);
	assert_int_equal(vm.n_virtio, 1);
	assert_int_equal(vm.virtio[0].type, VM_VIRTIO_CONSOLE);
	assert_int_equal(vm.virtio[0].ipa, 0x0a000200);
	expect_fail("", "hvc { type = \"console\"; guest-reg = <0x0 0x0a000200>; interrupt = <49>; "
		    "image = \"d\"; };", "/vm/virtio/hvc", "unknown property 'image' for a console");
}

#define CTL(props)	"ctl { type = \"control\"; guest-reg = <0x0 0x0a000400>; " \
			"interrupt = <50>; " props " };"

/* A control channel names the VMs it manages: real names, each once, not
 * its own VM's, at most VM_MAX_MANAGED; one channel per VM. */
static void test_control_device(void **state)
{
	struct vm_config vm;

	parse_ok("", CTL("manages = \"rtos\", \"linux-2\";"), &vm);
	assert_int_equal(vm.virtio[0].type, VM_VIRTIO_CONTROL);
	assert_int_equal(vm.virtio[0].n_manages, 2);
	assert_string_equal(vm.virtio[0].manages[0], "rtos");
	assert_string_equal(vm.virtio[0].manages[1], "linux-2");
	expect_fail("", CTL(""), "/vm/virtio/ctl", "property 'manages' missing");
	expect_fail("", CTL("manages = <1>;"), "/vm/virtio/ctl", "property 'manages'");
	expect_fail("", CTL("manages = \"Rtos\";"), "/vm/virtio/ctl", "'Rtos' is not a VM name");
	expect_fail("", CTL("manages = \"vm\";"), "/vm/virtio/ctl", "does not manage itself");
	expect_fail("", CTL("manages = \"a\", \"a\";"), "/vm/virtio/ctl", "'a' named twice");
	expect_fail("", CTL("manages = \"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\";"),
		    "/vm/virtio/ctl", "more than 8 VMs");
	expect_fail("", CTL("manages = \"a\";") " ctl2 { type = \"control\"; guest-reg = <0x0 0x0a000600>; "
		    "interrupt = <51>; manages = \"b\"; };", "/vm/virtio/ctl2", "a second control device");
	expect_fail("", CTL("manages = \"a\"; image = \"x\";"), "/vm/virtio/ctl",
		    "unknown property 'image' for a control device");
}

static void test_none(void **state)
{
	struct vm_config vm;

	parse_ok("", "", &vm);
	assert_int_equal(vm.n_virtio, 0);
}

static void test_missing_and_unknown(void **state)
{
	expect_disk_fail("image = \"d\"; guest-reg = <0x0 0x0a000000>; interrupt = <48>;",
			 "'type' missing");
	expect_disk_fail("type = \"floppy\"; image = \"d\"; guest-reg = <0x0 0x0a000000>; interrupt = <48>;",
			 "property 'type'", "\"floppy\"");
	expect_disk_fail("type = \"block\"; guest-reg = <0x0 0x0a000000>; interrupt = <48>;",
			 "'image' missing");
	expect_disk_fail("type = \"block\"; image = \"d\"; interrupt = <48>;", "'guest-reg' missing");
	expect_disk_fail("type = \"block\"; image = \"d\"; guest-reg = <0x0 0x0a000000>;",
			 "'interrupt' missing");
	expect_disk_fail(DISK_OK " colour = <1>;", "unknown property 'colour'");
	expect_disk_fail(DISK_OK " read-only = <1>;", "'read-only' takes no value");
	expect_disk_fail("type = \"block\"; image = \"\"; guest-reg = <0x0 0x0a000000>; interrupt = <48>;",
			 "property 'image'");
	expect_fail("", "disk { " DISK_OK " sub { }; };", "/vm/virtio/disk", "unexpected child");
	expect_fail("", "colour = <1>;", "/vm/virtio", "unknown property 'colour'");
#define DEV(n, at, irq) #n " { type = \"block\"; image = \"d\"; guest-reg = <0x0 " #at ">; " \
			      "interrupt = <" #irq ">; }; "
	expect_fail("", DEV(a, 0xa000000, 40) DEV(b, 0xa000200, 41) DEV(c, 0xa000400, 42)
		    DEV(d, 0xa000600, 43) DEV(e, 0xa000800, 44), "/vm/virtio/e", "more than 4");
}

static void test_bad_windows(void **state)
{
	expect_disk_fail("type = \"block\"; image = \"d\"; guest-reg = <0x0 0x0a000100>; interrupt = <48>;",
			 "'guest-reg'", "0xa000100", "aligned");
	expect_disk_fail("type = \"block\"; image = \"d\"; guest-reg = <0x100 0x0>; interrupt = <48>;",
			 "'guest-reg'", "1 TiB");
	expect_disk_fail("type = \"block\"; image = \"d\"; guest-reg = <0x0 0x40000000>; interrupt = <48>;",
			 "'guest-reg'", "RAM");
	expect_disk_fail("type = \"block\"; image = \"d\"; guest-reg = <0x0 0x08010000>; interrupt = <48>;",
			 "'guest-reg'", "vGIC");
	expect_disk_fail("type = \"block\"; image = \"d\"; guest-reg = <0x0 0x09000000>; interrupt = <48>;",
			 "'guest-reg'", "vPL011");
	expect_disk_fail("type = \"block\"; image = \"d\"; guest-reg = <0x0 0x0a000000 0x0>; interrupt = <48>;",
			 "'guest-reg' is 12 bytes");
	expect_fail("", "a { " DISK_OK " }; b { type = \"block\"; image = \"d\"; guest-reg = <0x0 0x0a000000>; "
		    "interrupt = <49>; };", "/vm/virtio/b", "'guest-reg'", "virtio device 'a'");
	expect_fail("shm { region = \"r\"; size = <0x0 0x1000>; guest-reg = <0x0 0x0a000000>; "
		    "doorbell-interrupt = <40>; };", "disk { " DISK_OK " };", "/vm/virtio/disk",
		    "'guest-reg'", "region 'r'");
}

static void test_bad_interrupts(void **state)
{
	expect_disk_fail("type = \"block\"; image = \"d\"; guest-reg = <0x0 0x0a000000>; interrupt = <31>;",
			 "'interrupt'", "INTID 31", "SPIs");
	expect_disk_fail("type = \"block\"; image = \"d\"; guest-reg = <0x0 0x0a000000>; interrupt = <128>;",
			 "'interrupt'", "INTID 128");
	expect_disk_fail("type = \"block\"; image = \"d\"; guest-reg = <0x0 0x0a000000>; interrupt = <33>;",
			 "'interrupt'", "vPL011");
	expect_fail("", "a { " DISK_OK " }; b { type = \"block\"; image = \"d\"; guest-reg = <0x0 0x0a000200>; "
		    "interrupt = <48>; };", "/vm/virtio/b", "'interrupt'", "virtio device 'a'");
	expect_fail("shm { region = \"r\"; size = <0x0 0x1000>; guest-reg = <0x0 0x10000000>; "
		    "doorbell-interrupt = <48>; };", "disk { " DISK_OK " };", "/vm/virtio/disk",
		    "'interrupt'", "doorbell");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_device),
		cmocka_unit_test(test_block_write_quota),
		cmocka_unit_test(test_console_device),
		cmocka_unit_test(test_control_device),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_missing_and_unknown),
		cmocka_unit_test(test_bad_windows),
		cmocka_unit_test(test_bad_interrupts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
