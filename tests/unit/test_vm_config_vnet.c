/*
 * Tests for virt/vm_config_vnet.c: a virtio device of type "net"
 * (docs/vm-config.md, "Network"). A good node comes out with its network
 * and MAC (derived from the VM's and the device's names when not given);
 * every broken one is refused with one line naming the file, the node and
 * the property; two cards with one MAC on one network, in one VM or in two
 * (vm_config_check_set()), are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <virt/vm_config.h>
#include <virt/vm_config_vnet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_NAME	"configs/s.dts"
#define HOST_CPUS	4
#define MAX_VMS		4
#define BASIC		"vcpus = <1>; memory-size = <0x0 0x200000>; kernel = \"k\";"
#define CARD		"type = \"net\"; guest-reg = <0x0 0x0a000000>; interrupt = <48>; "
#define CARD2		"type = \"net\"; guest-reg = <0x0 0x0a000200>; interrupt = <49>; "

#define DTS_FIXTURE_NAME "vnetcfg"
#include "dts_fixture.h"

/* One VM "vm" with BASIC and a virtio node holding devs. */
static const char *vm_with(const char *devs)
{
	static char dts[4096];

	snprintf(dts, sizeof(dts),
		 "/dts-v1/;\n/ {\n\tcompatible = \"tandem,config\";\n"
		 "\tvm {\n\t\tcompatible = \"tandem,vm\";\n\t\t" BASIC "\n"
		 "\t\tvirtio { %s };\n\t};\n};\n", devs);
	return dts;
}

static int parse(const char *dts, struct vm_config *out, unsigned *count, char *err, size_t len)
{
	void *fdt = compile(dts);
	int ret = vm_config_parse(fdt, FILE_NAME, HOST_CPUS, out, MAX_VMS, count, err, len);

	free(fdt);
	return ret;
}

static void parse_ok(const char *devs, struct vm_config *vm)
{
	struct vm_config out[MAX_VMS];
	unsigned count = 0;
	char err[256] = "";

	if (parse(vm_with(devs), out, &count, err, sizeof(err)))
		fail_msg("refused: %s", err);
	assert_int_equal(count, 1);
	*vm = out[0];
}

/* eth0 { CARD props } must fail with one line naming file, node and every needle. */
static void check_fail(const char *node, const char *devs, const char *const *needles)
{
	struct vm_config out[MAX_VMS];
	unsigned count = 99;
	char err[256] = "", prefix[64];

	if (parse(vm_with(devs), out, &count, err, sizeof(err)) >= 0)
		fail_msg("accepted virtio { %s }", devs);
	assert_int_equal(count, 0);
	snprintf(prefix, sizeof(prefix), FILE_NAME ": /vm/virtio/%s: ", node);
	if (strncmp(err, prefix, strlen(prefix)) || strchr(err, '\n'))
		fail_msg("malformed message \"%s\"", err);
	for (; *needles; needles++)
		if (!strstr(err, *needles))
			fail_msg("message \"%s\" lacks \"%s\"", err, *needles);
}

#define expect_fail(props, ...) \
	check_fail("eth0", "eth0 { " CARD props " };", (const char *const[]){ __VA_ARGS__, NULL })

static void test_defaults(void **state)
{
	struct vm_config vm;
	uint8_t want[6];

	if (!dir[0])
		skip();
	parse_ok("eth0 { " CARD "network = \"lan\"; };", &vm);
	assert_int_equal(vm.n_virtio, 1);
	assert_int_equal(vm.virtio[0].type, VM_VIRTIO_NET);
	assert_string_equal(vm.virtio[0].network, "lan");
	assert_int_equal(vm.virtio[0].ipa, 0x0a000000);
	assert_int_equal(vm.virtio[0].intid, 48);
	vm_config_vnet_default_mac("vm", "eth0", want);
	assert_memory_equal(vm.virtio[0].mac, want, 6);
	/* locally administered unicast; another VM or device name, another MAC */
	assert_int_equal(want[0], 0x02);
	vm_config_vnet_default_mac("vn", "eth0", want);
	assert_memory_not_equal(vm.virtio[0].mac, want, 6);
	vm_config_vnet_default_mac("vm", "eth1", want);
	assert_memory_not_equal(vm.virtio[0].mac, want, 6);
}

static void test_given_mac_and_two_cards(void **state)
{
	struct vm_config vm;
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	if (!dir[0])
		skip();
	parse_ok("eth0 { " CARD "network = \"a-b_9\"; mac = [52 54 00 12 34 56]; }; "
		 "eth1 { " CARD2 "network = \"a-b_9\"; allow-mac-spoofing; };", &vm);
	assert_int_equal(vm.n_virtio, 2);
	assert_false(vm.virtio[0].allow_mac_spoofing);
	assert_true(vm.virtio[1].allow_mac_spoofing);
	assert_string_equal(vm.virtio[0].network, "a-b_9");
	assert_memory_equal(vm.virtio[0].mac, mac, 6);
	assert_memory_not_equal(vm.virtio[1].mac, mac, 6);
	/* one MAC twice is fine on two networks, not on one */
	parse_ok("eth0 { " CARD "network = \"a\"; mac = [52 54 00 12 34 56]; }; "
		 "eth1 { " CARD2 "network = \"b\"; mac = [52 54 00 12 34 56]; };", &vm);
	check_fail("eth1", "eth0 { " CARD "network = \"a\"; mac = [52 54 00 12 34 56]; }; "
		   "eth1 { " CARD2 "network = \"a\"; mac = [52 54 00 12 34 56]; };",
		   (const char *const[]){ "property 'mac'", "device 'eth0'", "network 'a'", NULL });
}

static void test_bad_values(void **state)
{
	expect_fail("mac = [02 00 00 00 00 01];", "'network' missing");
	expect_fail("network = \"lan\"; colour = <1>;", "unknown property 'colour' for a net device");
	expect_fail("network = \"lan\"; image = \"disk.img\";", "unknown property 'image' for a net device");
	expect_fail("network = \"Lan\";", "property 'network'", "\"Lan\"");
	expect_fail("network = \"\";", "property 'network'");
	expect_fail("network = \"a\", \"b\";", "property 'network'");
	expect_fail("network = \"abcdefghijabcdefghijabcdefghijab\";", "property 'network'", "longer");
	expect_fail("network = \"lan\"; mac = [02 00 00 00 01];", "property 'mac'", "5 bytes");
	expect_fail("network = \"lan\"; mac = [02 00 00 00 00 01 02];", "property 'mac'", "7 bytes");
	expect_fail("network = \"lan\"; mac = [01 00 5e 00 00 01];", "property 'mac'", "group address");
	expect_fail("network = \"lan\"; mac = [ff ff ff ff ff ff];", "property 'mac'", "group address");
	expect_fail("network = \"lan\"; mac = [00 00 00 00 00 00];", "property 'mac'", "no address");
	expect_fail("network = \"lan\"; allow-mac-spoofing = <1>;",
		    "property 'allow-mac-spoofing' takes no value");
	/* and the block type does not take a network */
	check_fail("d", "d { type = \"block\"; guest-reg = <0x0 0x0a000000>; interrupt = <48>; "
		   "image = \"x\"; network = \"lan\"; };",
		   (const char *const[]){ "unknown property 'network' for a block device", NULL });
}

/* Two VMs, in two files; b's card is given. */
static void two_vms(const char *a_name, const char *card_b, int want, const char *needle)
{
	struct vm_config cfgs[2];
	unsigned count = 0;
	char err[320] = "", dts[1024];

	snprintf(dts, sizeof(dts), "/dts-v1/;\n/ { compatible = \"tandem,config\"; %s { compatible = \"tandem,vm\"; "
		 BASIC " virtio { eth0 { " CARD "network = \"lan\"; }; }; }; };\n", a_name);
	assert_int_equal(parse(dts, &cfgs[0], &count, err, sizeof(err)), 0);
	snprintf(dts, sizeof(dts), "/dts-v1/;\n/ { compatible = \"tandem,config\"; b { compatible = \"tandem,vm\"; "
		 BASIC " memory-base = <0x0 0x60000000>; virtio { n { " CARD "%s }; }; }; };\n", card_b);
	assert_int_equal(parse(dts, &cfgs[1], &count, err, sizeof(err)), 0);
	strcpy(cfgs[1].file, "configs/t.dts");
	assert_int_equal(vm_config_check_set(cfgs, 2, err, sizeof(err)), want);
	if (needle && !strstr(err, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err, needle);
}

static void test_check_set(void **state)
{
	uint8_t m[6];
	char card[128];

	if (!dir[0])
		skip();
	two_vms("a", "network = \"lan\";", 0, NULL);	/* default MACs differ by name */
	vm_config_vnet_default_mac("a", "eth0", m);
	snprintf(card, sizeof(card), "network = \"lan\"; mac = [%02x %02x %02x %02x %02x %02x];",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	two_vms("a", card, -EINVAL, "configs/t.dts: /b/virtio/n: property 'mac'");
	two_vms("a", card, -EINVAL, "is also VM /a's (configs/s.dts) on network 'lan'");
	snprintf(card, sizeof(card), "network = \"wan\"; mac = [%02x %02x %02x %02x %02x %02x];",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	two_vms("a", card, 0, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_given_mac_and_two_cards),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_check_set),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
