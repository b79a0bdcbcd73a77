/*
 * Tests for virt/vm_config_vnet.c: a VM's `virtio-net` node
 * (docs/vm-config.md, "Network"). A good node comes out as struct vm_vnet
 * with the defaults applied (the MAC derived from the VM name); every
 * broken one is refused with one line naming the file, the node and the
 * property; two VMs with one MAC on one network are refused by
 * vm_config_check_set().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <virt/vm_config.h>
#include <virt/vm_config_vnet.h>
#include <virt/guest_layout.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_NAME	"configs/s.dts"
#define HOST_CPUS	4
#define MAX_VMS		4
#define BASIC		"vcpus = <1>; memory-size = <0x0 0x200000>; kernel = \"k\";"

static char dir[64];

static int setup(void **state)
{
	if (system("command -v dtc >/dev/null 2>&1") != 0) {
		print_message("dtc is not installed (Debian package device-tree-compiler): every test is skipped\n");
		return 0;
	}
	snprintf(dir, sizeof(dir), "/tmp/tandem-vnetcfg-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

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

/* One VM "vm" with BASIC, extra VM properties and a virtio-net node holding net. */
static const char *vm_with(const char *extra, const char *net)
{
	static char dts[4096];

	snprintf(dts, sizeof(dts),
		 "/dts-v1/;\n/ {\n\tcompatible = \"tandem,config\";\n"
		 "\tvm {\n\t\tcompatible = \"tandem,vm\";\n\t\t" BASIC " %s\n"
		 "\t\tvirtio-net { %s };\n\t};\n};\n", extra, net);
	return dts;
}

static int parse(const char *dts, struct vm_config *out, unsigned *count, char *err, size_t len)
{
	void *fdt = compile(dts);
	int ret = vm_config_parse(fdt, FILE_NAME, HOST_CPUS, out, MAX_VMS, count, err, len);

	free(fdt);
	return ret;
}

static void parse_net(const char *extra, const char *net, struct vm_config *vm)
{
	struct vm_config out[MAX_VMS];
	unsigned count = 0;
	char err[256] = "";

	if (parse(vm_with(extra, net), out, &count, err, sizeof(err)))
		fail_msg("refused: %s", err);
	assert_int_equal(count, 1);
	*vm = out[0];
}

/* Must fail with one line naming file, /vm/virtio-net and every needle. */
static void check_fail(const char *extra, const char *net, const char *const *needles)
{
	struct vm_config out[MAX_VMS];
	unsigned count = 99;
	char err[256] = "";

	if (parse(vm_with(extra, net), out, &count, err, sizeof(err)) >= 0)
		fail_msg("accepted virtio-net { %s }", net);
	assert_int_equal(count, 0);
	if (strncmp(err, FILE_NAME ": /vm/virtio-net: ", strlen(FILE_NAME ": /vm/virtio-net: ")) ||
	    strchr(err, '\n'))
		fail_msg("malformed message \"%s\"", err);
	for (; *needles; needles++)
		if (!strstr(err, *needles))
			fail_msg("message \"%s\" lacks \"%s\"", err, *needles);
}

#define expect_fail(extra, net, ...) \
	check_fail(extra, net, (const char *const[]){ __VA_ARGS__, NULL })

static void test_defaults(void **state)
{
	struct vm_config vm;
	uint8_t want[6];

	parse_net("", "network = \"lan\";", &vm);
	assert_true(vm.has_vnet);
	assert_string_equal(vm.vnet.network, "lan");
	assert_int_equal(vm.vnet.ipa, GUEST_VNET_BASE);
	assert_int_equal(vm.vnet.intid, GUEST_VNET_INTID);
	vm_config_vnet_default_mac("vm", want);
	assert_memory_equal(vm.vnet.mac, want, 6);
	/* locally administered unicast, and another name gives another MAC */
	assert_int_equal(want[0], 0x02);
	vm_config_vnet_default_mac("vn", want);
	assert_memory_not_equal(vm.vnet.mac, want, 6);
}

static void test_no_vnet(void **state)
{
	struct vm_config out[MAX_VMS];
	unsigned count = 0;
	char err[256] = "";
	void *fdt = compile("/dts-v1/;\n/ { compatible = \"tandem,config\"; vm { compatible = \"tandem,vm\"; "
			    BASIC " }; };\n");

	assert_int_equal(vm_config_parse(fdt, FILE_NAME, HOST_CPUS, out, MAX_VMS, &count, err,
					 sizeof(err)), 0);
	free(fdt);
	assert_false(out[0].has_vnet);
}

static void test_given_values(void **state)
{
	struct vm_config vm;
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	parse_net("", "network = \"a-b_9\"; mac = [52 54 00 12 34 56]; guest-reg = <0x0 0x0a000200>; "
		  "interrupt = <127>;", &vm);
	assert_string_equal(vm.vnet.network, "a-b_9");
	assert_memory_equal(vm.vnet.mac, mac, 6);
	assert_int_equal(vm.vnet.ipa, 0x0a000200);
	assert_int_equal(vm.vnet.intid, 127);
	/* beside a shared region and its doorbell, clear of both */
	parse_net("shm { region = \"c\"; size = <0x0 0x1000>; guest-reg = <0x0 0x10000000>; "
		  "doorbell-interrupt = <40>; };", "network = \"n\"; guest-reg = <0x0 0x10002000>;", &vm);
	assert_true(vm.has_shm);
	assert_int_equal(vm.vnet.ipa, 0x10002000);
}

static void test_bad_values(void **state)
{
	expect_fail("", "mac = [02 00 00 00 00 01];", "'network' missing");
	expect_fail("", "network = \"lan\"; colour = <1>;", "unknown property 'colour'");
	expect_fail("", "network = \"Lan\";", "property 'network'", "\"Lan\"");
	expect_fail("", "network = \"\";", "property 'network'");
	expect_fail("", "network = \"a\", \"b\";", "property 'network'");
	expect_fail("", "network = \"abcdefghijabcdefghijabcdefghijab\";", "property 'network'", "longer");
	expect_fail("", "network = \"lan\"; mac = [02 00 00 00 01];", "property 'mac'", "5 bytes");
	expect_fail("", "network = \"lan\"; mac = [02 00 00 00 00 01 02];", "property 'mac'", "7 bytes");
	expect_fail("", "network = \"lan\"; mac = [01 00 5e 00 00 01];", "property 'mac'", "group address");
	expect_fail("", "network = \"lan\"; mac = [ff ff ff ff ff ff];", "property 'mac'", "group address");
	expect_fail("", "network = \"lan\"; mac = [00 00 00 00 00 00];", "property 'mac'", "no address");
	expect_fail("", "network = \"lan\"; guest-reg = <0x0a000000>;", "property 'guest-reg'", "4 bytes");
	expect_fail("", "network = \"lan\"; guest-reg = <0x0 0x0a000100>;", "property 'guest-reg'", "aligned");
	expect_fail("", "network = \"lan\"; guest-reg = <0x100 0x0>;", "property 'guest-reg'", "1 TiB");
	/* the last window below 1 TiB is fine */
	parse_net("", "network = \"lan\"; guest-reg = <0xff 0xfffffe00>;", &(struct vm_config){ 0 });
	expect_fail("", "network = \"lan\"; interrupt = <40 41>;", "property 'interrupt'", "one cell");
	expect_fail("", "network = \"lan\"; x { };", "unexpected child node");
}

static void test_overlaps(void **state)
{
	expect_fail("", "network = \"lan\"; guest-reg = <0x0 0x40000000>;", "property 'guest-reg'", "guest's RAM");
	expect_fail("", "network = \"lan\"; guest-reg = <0x0 0x401ffe00>;", "property 'guest-reg'", "guest's RAM");
	expect_fail("", "network = \"lan\"; guest-reg = <0x0 0x08010000>;", "property 'guest-reg'", "the vGIC");
	expect_fail("", "network = \"lan\"; guest-reg = <0x0 0x09000e00>;", "property 'guest-reg'", "the vPL011");
	/* touching RAM is not overlapping it */
	parse_net("", "network = \"lan\"; guest-reg = <0x0 0x3ffffe00>;", &(struct vm_config){ 0 });
	/* a passed-through range owns its whole page */
	expect_fail("passthrough { rtc { reg = <0x0 0x9010000 0x0 0x1000>; interrupts = <40>; guest-reg = <0x0 0x0a800000>; }; };",
		    "network = \"lan\"; guest-reg = <0x0 0x0a800e00>;", "property 'guest-reg'", "passed-through device 'rtc'");
	expect_fail("shm { region = \"c\"; size = <0x0 0x1000>; guest-reg = <0x0 0x10000000>; doorbell-interrupt = <40>; };",
		    "network = \"lan\"; guest-reg = <0x0 0x10000400>;", "property 'guest-reg'", "shared region 'c'");
	expect_fail("shm { region = \"c\"; size = <0x0 0x1000>; guest-reg = <0x0 0x10000000>; doorbell-interrupt = <40>; };",
		    "network = \"lan\"; guest-reg = <0x0 0x10001000>;", "property 'guest-reg'", "shared region 'c'");
}

static void test_interrupt(void **state)
{
	static const char *const bad[] = { "<31>", "<0>", "<128>", "<1020>", "<0xffffffff>" };
	char net[128];

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(net, sizeof(net), "network = \"lan\"; interrupt = %s;", bad[i]);
		expect_fail("", net, "property 'interrupt'", "32..127");
	}
	expect_fail("", "network = \"lan\"; interrupt = <33>;", "property 'interrupt'", "vPL011");
	expect_fail("passthrough { rtc { reg = <0x0 0x9010000 0x0 0x1000>; interrupts = <40>; }; };",
		    "network = \"lan\"; interrupt = <40>;", "property 'interrupt'", "INTID 40", "'rtc'");
	expect_fail("shm { region = \"c\"; size = <0x0 0x1000>; guest-reg = <0x0 0x10000000>; doorbell-interrupt = <41>; };",
		    "network = \"lan\"; interrupt = <41>;", "property 'interrupt'", "doorbell", "'c'");
}

/* Two VMs, in two files; b's virtio-net node is given. */
static void two_vms(const char *a_name, const char *net_b, int want, const char *needle)
{
	struct vm_config cfgs[2];
	unsigned count = 0;
	char err[256] = "", dts[1024];

	snprintf(dts, sizeof(dts), "/dts-v1/;\n/ { compatible = \"tandem,config\"; %s { compatible = \"tandem,vm\"; "
		 BASIC " virtio-net { network = \"lan\"; }; }; };\n", a_name);
	assert_int_equal(parse(dts, &cfgs[0], &count, err, sizeof(err)), 0);
	snprintf(dts, sizeof(dts), "/dts-v1/;\n/ { compatible = \"tandem,config\"; b { compatible = \"tandem,vm\"; "
		 BASIC " virtio-net { %s }; }; };\n", net_b);
	assert_int_equal(parse(dts, &cfgs[1], &count, err, sizeof(err)), 0);
	strcpy(cfgs[1].file, "configs/t.dts");
	assert_int_equal(vm_config_check_set(cfgs, 2, err, sizeof(err)), want);
	if (needle && !strstr(err, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err, needle);
}

static void test_check_set(void **state)
{
	uint8_t m[6];
	char net[128];

	if (!dir[0])
		skip();
	/* default MACs differ by name */
	two_vms("a", "network = \"lan\";", 0, NULL);
	/* a's default MAC given to b: refused on the same network only */
	vm_config_vnet_default_mac("a", m);
	snprintf(net, sizeof(net), "network = \"lan\"; mac = [%02x %02x %02x %02x %02x %02x];",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	two_vms("a", net, -EINVAL, "configs/t.dts: /b/virtio-net: property 'mac'");
	two_vms("a", net, -EINVAL, "is VM /a's (configs/s.dts) on network 'lan' too");
	snprintf(net, sizeof(net), "network = \"wan\"; mac = [%02x %02x %02x %02x %02x %02x];",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	two_vms("a", net, 0, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_no_vnet),
		cmocka_unit_test(test_given_values),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_interrupt),
		cmocka_unit_test(test_check_set),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
