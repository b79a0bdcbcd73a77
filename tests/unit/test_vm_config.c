/*
 * Tests for virt/vm_config.c.
 *
 * Each test writes a config as device-tree source, compiles it with the
 * system dtc (as the build does for configs/) and parses the blob. Good
 * configs must come out as the expected structs; every broken one must be
 * refused with one line naming the file, the node and the property.
 * configs/linux.dts itself is parsed too, from the repository root.
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
#include <sys/stat.h>

#define FILE_NAME	"configs/x.dts"
#define HOST_CPUS	4
#define MAX_VMS		4

/* The required properties, for tests about the optional ones. */
#define BASIC	"vcpus = <1>; memory-size = <0x0 0x200000>; kernel = \"k\";"

struct dtc {
	char dir[64];		/* mkdtemp: in.dts, out.dtb, dtc.log */
};

static struct dtc *dtc_of(void **state)
{
	if (!*state) {
		print_message("skipped: dtc is not installed (Debian package device-tree-compiler)\n");
		skip();
	}
	return *state;
}

static int dtc_setup(void **state)
{
	struct dtc *d;

	*state = NULL;
	if (system("command -v dtc >/dev/null 2>&1") != 0) {
		print_message("dtc is not installed (Debian package "
			      "device-tree-compiler): every test is skipped\n");
		return 0;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	snprintf(d->dir, sizeof(d->dir), "/tmp/tandem-vmcfg-XXXXXX");
	if (!mkdtemp(d->dir)) {
		free(d);
		return -1;
	}
	*state = d;
	return 0;
}

static int dtc_teardown(void **state)
{
	struct dtc *d = *state;
	char cmd[128];

	if (!d)
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->dir);
	if (system(cmd) != 0)
		print_message("could not remove %s\n", d->dir);
	free(d);
	return 0;
}

/* Compile a .dts file; the blob is the caller's to free. */
static void *compile_file(struct dtc *d, const char *dts_path)
{
	char cmd[512], out[96], log[96], msg[512] = "";
	void *blob;
	FILE *fp;
	long len;

	snprintf(out, sizeof(out), "%s/out.dtb", d->dir);
	snprintf(log, sizeof(log), "%s/dtc.log", d->dir);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o '%s' '%s' 2>'%s'",
		 out, dts_path, log);
	if (system(cmd) != 0) {
		fp = fopen(log, "r");
		if (fp) {
			msg[fread(msg, 1, sizeof(msg) - 1, fp)] = '\0';
			fclose(fp);
		}
		fail_msg("dtc refused %s: %s", dts_path, msg);
	}
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

/* Compile DTS source given as a string. */
static void *compile(void **state, const char *dts)
{
	struct dtc *d = dtc_of(state);
	char path[96];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/in.dts", d->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(dts, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	return compile_file(d, path);
}

/* A config of one VM named "vm" holding exactly props. */
static const char *one_vm(const char *props)
{
	static char dts[4096];

	snprintf(dts, sizeof(dts),
		 "/dts-v1/;\n/ {\n\tcompatible = \"tandem,config\";\n"
		 "\tvm {\n\t\tcompatible = \"tandem,vm\";\n\t\t%s\n\t};\n};\n",
		 props);
	return dts;
}

/* Parse must succeed; returns the number of VMs. */
static unsigned int parse_ok(void **state, const char *dts, unsigned int cpus,
			     struct vm_config *out, unsigned int max)
{
	void *fdt = compile(state, dts);
	char err[256] = "stale";
	unsigned int count = 99;
	int ret;

	ret = vm_config_parse(fdt, FILE_NAME, cpus, out, max, &count, err,
			      sizeof(err));
	free(fdt);
	if (ret)
		fail_msg("vm_config_parse returned %d: %s", ret, err);
	assert_string_equal(err, "");
	return count;
}

static void parse_one(void **state, const char *props, struct vm_config *vm)
{
	assert_int_equal(parse_ok(state, one_vm(props), HOST_CPUS, vm, 1), 1);
}

/*
 * The message must be one line that starts with the file name and holds
 * every needle; errno want (0: any negative).
 */
static void check_msg(const char *err, const char *const *needles)
{
	if (strncmp(err, FILE_NAME ": ", strlen(FILE_NAME) + 2) ||
	    strchr(err, '\n'))
		fail_msg("malformed message \"%s\"", err);
	for (; *needles; needles++)
		if (!strstr(err, *needles))
			fail_msg("message \"%s\" lacks \"%s\"", err, *needles);
}

static void check_fail(void **state, const char *dts, unsigned int cpus,
		       int want, const char *const *needles)
{
	struct vm_config out[MAX_VMS];
	void *fdt = compile(state, dts);
	unsigned int count = 99;
	char err[256] = "";
	int ret;

	ret = vm_config_parse(fdt, FILE_NAME, cpus, out, MAX_VMS, &count, err,
			      sizeof(err));
	free(fdt);
	if (ret >= 0)
		fail_msg("vm_config_parse accepted a broken config (%d)", ret);
	if (want && ret != want)
		fail_msg("vm_config_parse returned %d, want %d: %s", ret, want,
			 err);
	assert_int_equal(count, 0);
	check_msg(err, needles);
}

#define expect_fail(state, dts, want, ...) \
	check_fail(state, dts, HOST_CPUS, want, \
		   (const char *const[]){ __VA_ARGS__, NULL })

/* One VM "vm" with props must fail with a message naming /vm and needles. */
#define expect_vm_fail(state, props, want, ...) \
	expect_fail(state, one_vm(props), want, FILE_NAME ": /vm: ", \
		    __VA_ARGS__)

/* --- good configs --------------------------------------------------------- */

static void test_linux_dts(void **state)
{
	struct vm_config vm;
	char err[256] = "stale";
	unsigned int count = 0;
	void *fdt;
	int ret;

	fdt = compile_file(dtc_of(state), "configs/linux.dts");
	ret = vm_config_parse(fdt, "configs/linux.dts", HOST_CPUS, &vm, 1,
			      &count, err, sizeof(err));
	free(fdt);
	if (ret)
		fail_msg("configs/linux.dts: %d: %s", ret, err);
	assert_int_equal(count, 1);

	assert_string_equal(vm.name, "linux");
	assert_string_equal(vm.file, "configs/linux.dts");
	assert_int_equal(vm.n_vcpus, 2);
	assert_int_equal(vm.ram_base, 0x40000000);
	assert_int_equal(vm.ram_size, MiB(256));
	assert_int_equal(vm.ram_phys, 0);
	assert_string_equal(vm.kernel, "linux/Image");
	assert_int_equal(vm.format, VM_IMAGE_LINUX);
	assert_int_equal(vm.load_addr, 0);
	assert_int_equal(vm.entry, 0);
	assert_string_equal(vm.initrd, "linux/initramfs.cpio.gz");
	assert_string_equal(vm.bootargs,
			    "console=ttyAMA0");
	assert_int_equal(vm.vcpu_cpu[0], 1);
	assert_int_equal(vm.vcpu_cpu[1], 2);
	assert_int_equal(vm.vcpu_prio[0], 10);
	assert_int_equal(vm.vcpu_prio[1], 10);
	assert_true(vm.autostart);
}

static void test_defaults(void **state)
{
	struct vm_config vm;

	memset(&vm, 0xa5, sizeof(vm));
	parse_one(state, "vcpus = <3>; memory-size = <0x0 0x400000>;"
		  "kernel = \"guest.elf\";", &vm);
	assert_string_equal(vm.name, "vm");
	assert_string_equal(vm.file, FILE_NAME);
	assert_int_equal(vm.n_vcpus, 3);
	assert_int_equal(vm.ram_base, VM_DEFAULT_RAM_BASE);
	assert_int_equal(vm.ram_size, MiB(4));
	assert_int_equal(vm.ram_phys, 0);
	assert_string_equal(vm.kernel, "guest.elf");
	assert_int_equal(vm.format, VM_IMAGE_LINUX);
	assert_string_equal(vm.initrd, "");
	assert_string_equal(vm.bootargs, "");
	/* vCPU i on core (i + 1) % n: core 0 stays with the host */
	assert_int_equal(vm.vcpu_cpu[0], 1);
	assert_int_equal(vm.vcpu_cpu[1], 2);
	assert_int_equal(vm.vcpu_cpu[2], 3);
	assert_int_equal(vm.vcpu_prio[0], 10);
	assert_int_equal(vm.vcpu_prio[1], 10);
	assert_int_equal(vm.vcpu_prio[2], 10);
	assert_false(vm.autostart);
}

/* More vCPUs than cores: the default placement wraps around. */
static void test_default_cpus_wrap(void **state)
{
	struct vm_config vm;

	assert_int_equal(parse_ok(state, one_vm("vcpus = <5>;"
			 "memory-size = <0x0 0x200000>; kernel = \"k\";"),
			 2, &vm, 1), 1);
	assert_int_equal(vm.vcpu_cpu[0], 1);
	assert_int_equal(vm.vcpu_cpu[1], 0);
	assert_int_equal(vm.vcpu_cpu[2], 1);
	assert_int_equal(vm.vcpu_cpu[3], 0);
	assert_int_equal(vm.vcpu_cpu[4], 1);

	assert_int_equal(parse_ok(state, one_vm(BASIC), 1, &vm, 1), 1);
	assert_int_equal(vm.vcpu_cpu[0], 0);
}

static void test_all_properties(void **state)
{
	struct vm_config vm;

	parse_one(state,
		  "vcpus = <8>;"
		  "memory-size = <0x0 0x20000000>;"
		  "memory-base = <0x0 0x80000000>;"
		  "memory-phys = <0x0 0x60000000>;"
		  "kernel = \"rtos/zephyr.elf\";"
		  "kernel-format = \"elf\";"
		  "bootargs = \"\";"
		  "vcpu-cpus = <0 1 2 3 3 2 1 0>;"
		  "vcpu-priorities = <0 1 2 3 28 29 30 31>;"
		  "autostart;"
		  "watchdog;"
		  "phandle = <7>;", &vm);
	assert_int_equal(vm.n_vcpus, 8);
	assert_int_equal(vm.ram_base, 0x80000000);
	assert_int_equal(vm.ram_size, MiB(512));
	assert_int_equal(vm.ram_phys, 0x60000000);
	assert_int_equal(vm.format, VM_IMAGE_ELF);
	assert_int_equal(vm.load_addr, 0);
	assert_int_equal(vm.entry, 0);
	assert_string_equal(vm.bootargs, "");
	assert_int_equal(vm.vcpu_cpu[3], 3);
	assert_int_equal(vm.vcpu_cpu[4], 3);
	assert_int_equal(vm.vcpu_cpu[7], 0);
	assert_int_equal(vm.vcpu_prio[0], 0);
	assert_int_equal(vm.vcpu_prio[4], 28);
	assert_int_equal(vm.vcpu_prio[7], 31);
	assert_true(vm.autostart);
	assert_true(vm.watchdog);
}

static void test_multiple_vms(void **state)
{
	static const char dts[] =
		"/dts-v1/;\n"
		"/ {\n"
		"	compatible = \"tandem,config\";\n"
		"	linux {\n"
		"		compatible = \"tandem,vm\";\n"
		"		vcpus = <2>;\n"
		"		memory-size = <0x0 0x10000000>;\n"
		"		kernel = \"linux/Image\";\n"
		"		autostart;\n"
		"	};\n"
		"	rtos-1 {\n"
		"		compatible = \"tandem,vm\";\n"
		"		vcpus = <1>;\n"
		"		memory-size = <0x0 0x200000>;\n"
		"		memory-base = <0x0 0x50000000>;\n"
		"		kernel = \"rtos.bin\";\n"
		"		kernel-format = \"raw\";\n"
		"		vcpu-cpus = <3>;\n"
		"		vcpu-priorities = <2>;\n"
		"	};\n"
		"	test_vm {\n"
		"		compatible = \"tandem,vm\";\n"
		"		vcpus = <1>;\n"
		"		memory-size = <0x0 0x400000>;\n"
		"		kernel = \"test.elf\";\n"
		"		kernel-format = \"elf\";\n"
		"	};\n"
		"};\n";
	struct vm_config vms[MAX_VMS];

	assert_int_equal(parse_ok(state, dts, HOST_CPUS, vms, MAX_VMS), 3);
	assert_string_equal(vms[0].name, "linux");
	assert_int_equal(vms[0].n_vcpus, 2);
	assert_int_equal(vms[0].ram_size, MiB(256));
	assert_true(vms[0].autostart);

	assert_string_equal(vms[1].name, "rtos-1");
	assert_int_equal(vms[1].format, VM_IMAGE_RAW);
	assert_int_equal(vms[1].ram_base, 0x50000000);
	assert_int_equal(vms[1].load_addr, 0x50000000);
	assert_int_equal(vms[1].entry, 0x50000000);
	assert_int_equal(vms[1].vcpu_cpu[0], 3);
	assert_int_equal(vms[1].vcpu_prio[0], 2);
	assert_false(vms[1].autostart);

	assert_string_equal(vms[2].name, "test_vm");
	assert_int_equal(vms[2].format, VM_IMAGE_ELF);
	assert_string_equal(vms[2].file, FILE_NAME);

	/* Exactly as many as there is room for. */
	assert_int_equal(parse_ok(state, dts, HOST_CPUS, vms, 3), 3);
	/* One more than there is room for: the first that does not fit. */
	{
		struct vm_config two[2];
		unsigned int count = 99;
		char err[256];
		void *fdt = compile(state, dts);
		int ret;

		ret = vm_config_parse(fdt, FILE_NAME, HOST_CPUS, two, 2,
				      &count, err, sizeof(err));
		free(fdt);
		assert_int_equal(ret, -ENOSPC);
		assert_int_equal(count, 0);
		check_msg(err, (const char *const[]){ "/test_vm",
			  "the file holds 3 VMs, the caller has room for 2", NULL });
	}
	{
		static const uint64_t junk[16] = { 0x1234 };
		void *fdt = compile(state, dts);

		assert_int_equal(vm_config_count_vms(fdt), 3);
		free(fdt);
		assert_int_equal(vm_config_count_vms(junk), -EINVAL);
	}
}

static void test_raw_format(void **state)
{
	struct vm_config vm;

	parse_one(state, BASIC "kernel-format = \"raw\";"
		  "load-address = <0x0 0x40080000>;"
		  "entry = <0x0 0x40080100>;", &vm);
	assert_int_equal(vm.format, VM_IMAGE_RAW);
	assert_int_equal(vm.load_addr, 0x40080000);
	assert_int_equal(vm.entry, 0x40080100);

	/* entry defaults to load-address, load-address to memory-base */
	parse_one(state, BASIC "kernel-format = \"raw\";"
		  "load-address = <0x0 0x40100000>;", &vm);
	assert_int_equal(vm.load_addr, 0x40100000);
	assert_int_equal(vm.entry, 0x40100000);

	parse_one(state, BASIC "kernel-format = \"raw\";"
		  "memory-base = <0x0 0x48000000>;", &vm);
	assert_int_equal(vm.load_addr, 0x48000000);
	assert_int_equal(vm.entry, 0x48000000);

	/* the last word of RAM is still RAM */
	parse_one(state, BASIC "kernel-format = \"raw\";"
		  "entry = <0x0 0x401ffffc>;", &vm);
	assert_int_equal(vm.load_addr, 0x40000000);
	assert_int_equal(vm.entry, 0x401ffffc);
}

static void test_elf_format(void **state)
{
	struct vm_config vm;

	parse_one(state, BASIC "kernel-format = \"elf\";", &vm);
	assert_int_equal(vm.format, VM_IMAGE_ELF);
	assert_int_equal(vm.load_addr, 0);
	assert_int_equal(vm.entry, 0);

	parse_one(state, BASIC "kernel-format = \"linux\";", &vm);
	assert_int_equal(vm.format, VM_IMAGE_LINUX);
}

/* Both cells count: values above 4 GiB keep their high word. */
static void test_64bit_values(void **state)
{
	struct vm_config vm;

	parse_one(state, "vcpus = <1>; kernel = \"k\";"
		  "memory-size = <0x2 0x00200000>;"
		  "memory-base = <0x1 0x00000000>;"
		  "memory-phys = <0x8 0x00000000>;"
		  "kernel-format = \"raw\";"
		  "load-address = <0x2 0x00000000>;"
		  "entry = <0x3 0x00100000>;", &vm);
	assert_int_equal(vm.ram_size, 0x200200000ULL);
	assert_int_equal(vm.ram_base, 0x100000000ULL);
	assert_int_equal(vm.ram_phys, 0x800000000ULL);
	assert_int_equal(vm.load_addr, 0x200000000ULL);
	assert_int_equal(vm.entry, 0x300100000ULL);

	/* RAM may end exactly at the 1 TiB guest-physical limit. */
	parse_one(state, "vcpus = <1>; kernel = \"k\";"
		  "memory-size = <0x0 0x40000000>;"
		  "memory-base = <0xff 0xc0000000>;", &vm);
	assert_int_equal(vm.ram_base, 0xffc0000000ULL);
}

static void test_string_limits(void **state)
{
	char props[1024], kernel[64], bootargs[256];
	struct vm_config vm;

	memset(kernel, 'k', 63);
	kernel[63] = '\0';
	memset(bootargs, 'b', 255);
	bootargs[255] = '\0';
	snprintf(props, sizeof(props),
		 "vcpus = <1>; memory-size = <0x0 0x200000>;"
		 "kernel = \"%s\"; initrd = \"%s\"; bootargs = \"%s\";",
		 kernel, kernel, bootargs);
	parse_one(state, props, &vm);
	assert_string_equal(vm.kernel, kernel);
	assert_string_equal(vm.initrd, kernel);
	assert_string_equal(vm.bootargs, bootargs);

	/* 31 characters of every kind a name may hold */
	assert_int_equal(parse_ok(state,
		"/dts-v1/; / { compatible = \"tandem,config\";"
		"abcdefghijklmnopqrstuvwxyz0_-9a { compatible = \"tandem,vm\";"
		BASIC " }; };", HOST_CPUS, &vm, 1), 1);
	assert_string_equal(vm.name, "abcdefghijklmnopqrstuvwxyz0_-9a");
}

/* --- errors, one class at a time -------------------------------------------- */

static void test_vcpus_errors(void **state)
{
	struct vm_config vm;
	unsigned int count;
	char err[256];
	void *fdt;

	fdt = compile(state, one_vm("vcpus = <9>; memory-size = <0x0 0x200000>;"
				    "kernel = \"k\";"));
	assert_int_equal(vm_config_parse(fdt, FILE_NAME, HOST_CPUS, &vm, 1,
					 &count, err, sizeof(err)), -EINVAL);
	free(fdt);
	assert_string_equal(err, FILE_NAME ": /vm: property 'vcpus': 9 exceeds the maximum of 8");

	expect_vm_fail(state, "vcpus = <0>; memory-size = <0x0 0x200000>;"
		       "kernel = \"k\";", -EINVAL, "property 'vcpus'",
		       "minimum of 1");
	expect_vm_fail(state, "vcpus = <1 2>; memory-size = <0x0 0x200000>;"
		       "kernel = \"k\";", -EINVAL, "property 'vcpus'",
		       "8 bytes, need 4");
	expect_vm_fail(state, "vcpus = /bits/ 8 <1>; memory-size = <0x0 0x200000>;"
		       "kernel = \"k\";", -EINVAL, "property 'vcpus'",
		       "1 bytes, need 4");
	expect_vm_fail(state, "vcpus = \"2\"; memory-size = <0x0 0x200000>;"
		       "kernel = \"k\";", -EINVAL, "property 'vcpus'");
}

static void test_missing_required(void **state)
{
	expect_vm_fail(state, "memory-size = <0x0 0x200000>; kernel = \"k\";",
		       -ENOENT, "property 'vcpus' missing");
	expect_vm_fail(state, "vcpus = <1>; kernel = \"k\";",
		       -ENOENT, "property 'memory-size' missing");
	expect_vm_fail(state, "vcpus = <1>; memory-size = <0x0 0x200000>;",
		       -ENOENT, "property 'kernel' missing");
}

static void test_unknown_property(void **state)
{
	expect_vm_fail(state, BASIC "vcpu = <1>;", -EINVAL,
		       "unknown property 'vcpu'");
	expect_vm_fail(state, BASIC "status = \"okay\";", -EINVAL,
		       "unknown property 'status'");
	/* even one that would be harmless on its own */
	expect_vm_fail(state, BASIC "#address-cells = <2>;", -EINVAL,
		       "unknown property '#address-cells'");
	/* the root is held to its binding too */
	expect_fail(state, "/dts-v1/; / { compatible = \"tandem,config\";"
		    "model = \"x\"; vm { compatible = \"tandem,vm\";" BASIC
		    "}; };", -EINVAL, FILE_NAME ": /: ",
		    "unknown property 'model'");
}

static void test_memory_size_errors(void **state)
{
	expect_vm_fail(state, "vcpus = <1>; kernel = \"k\";"
		       "memory-size = <0x0 0x300000>;", -EINVAL,
		       "property 'memory-size'", "0x300000",
		       "not a multiple of 2 MiB");
	expect_vm_fail(state, "vcpus = <1>; kernel = \"k\";"
		       "memory-size = <0x1 0x00100000>;", -EINVAL,
		       "property 'memory-size'", "0x100100000",
		       "not a multiple of 2 MiB");
	expect_vm_fail(state, "vcpus = <1>; kernel = \"k\";"
		       "memory-size = <0x0 0x100000>;", -EINVAL,
		       "property 'memory-size'", "minimum of 2 MiB");
	expect_vm_fail(state, "vcpus = <1>; kernel = \"k\";"
		       "memory-size = <0x0 0x0>;", -EINVAL,
		       "property 'memory-size'", "minimum of 2 MiB");
	/* one cell is not a 64-bit value */
	expect_vm_fail(state, "vcpus = <1>; kernel = \"k\";"
		       "memory-size = <0x10000000>;", -EINVAL,
		       "property 'memory-size'", "4 bytes, need 8");
	/* RAM at the default base that runs past 1 TiB: blame the size */
	expect_vm_fail(state, "vcpus = <1>; kernel = \"k\";"
		       "memory-size = <0x100 0x0>;", -EINVAL,
		       "property 'memory-size'", "1 TiB");
}

static void test_memory_base_errors(void **state)
{
	expect_vm_fail(state, BASIC "memory-base = <0x0 0x40100000>;", -EINVAL,
		       "property 'memory-base'", "0x40100000",
		       "not 2 MiB aligned");
	/* on top of the guest GIC and UART */
	expect_vm_fail(state, BASIC "memory-base = <0x0 0x08000000>;", -EINVAL,
		       "property 'memory-base'", "0x8000000",
		       "device window");
	expect_vm_fail(state, BASIC "memory-base = <0x0 0x3fe00000>;", -EINVAL,
		       "property 'memory-base'", "device window");
	/* 2 MiB past 1 TiB */
	expect_vm_fail(state, "vcpus = <1>; kernel = \"k\";"
		       "memory-size = <0x0 0x400000>;"
		       "memory-base = <0xff 0xffe00000>;", -EINVAL,
		       "property 'memory-base'", "1 TiB");
	/* base + size would wrap 64 bits */
	expect_vm_fail(state, "vcpus = <1>; kernel = \"k\";"
		       "memory-size = <0x0 0x400000>;"
		       "memory-base = <0xffffffff 0xffe00000>;", -EINVAL,
		       "property 'memory-base'", "1 TiB");
	expect_vm_fail(state, BASIC "memory-base = <0x40000000>;", -EINVAL,
		       "property 'memory-base'", "4 bytes, need 8");
}

static void test_memory_phys_errors(void **state)
{
	struct vm_config vm;

	/* the last 2 MiB below 2^48 is still addressable */
	parse_one(state, BASIC "memory-phys = <0xffff 0xffe00000>;", &vm);
	assert_int_equal(vm.ram_phys, 0xffffffe00000ULL);

	expect_vm_fail(state, BASIC "memory-phys = <0x0 0x60100000>;", -EINVAL,
		       "property 'memory-phys'", "not 2 MiB aligned");
	expect_vm_fail(state, BASIC "memory-phys = <0x0 0x0>;", -EINVAL,
		       "property 'memory-phys'", "leave the property out");
	expect_vm_fail(state, BASIC "memory-phys = <0x10000 0x0>;",
		       -EINVAL, "property 'memory-phys'", "48-bit");
	expect_vm_fail(state, BASIC "memory-phys = <0xffffffff 0xffe00000>;",
		       -EINVAL, "property 'memory-phys'", "48-bit");
	expect_vm_fail(state, BASIC "memory-phys = <0x0 0x0 0x0>;", -EINVAL,
		       "property 'memory-phys'", "12 bytes, need 8");
}

static void test_load_address_outside_ram(void **state)
{
	/* RAM is 0x40000000..0x401fffff */
	expect_vm_fail(state, BASIC "kernel-format = \"raw\";"
		       "load-address = <0x0 0x3ffff000>;", -EINVAL,
		       "property 'load-address'", "0x3ffff000",
		       "outside RAM 0x40000000-0x401fffff");
	expect_vm_fail(state, BASIC "kernel-format = \"raw\";"
		       "load-address = <0x0 0x40200000>;", -EINVAL,
		       "property 'load-address'", "outside RAM");
	/* same low word, high word set */
	expect_vm_fail(state, BASIC "kernel-format = \"raw\";"
		       "load-address = <0x1 0x40000000>;", -EINVAL,
		       "property 'load-address'", "0x140000000");
	expect_vm_fail(state, BASIC "kernel-format = \"raw\";"
		       "entry = <0x0 0x40200000>;", -EINVAL,
		       "property 'entry'", "outside RAM");
	/* entry defaults to a load-address that is fine; an explicit bad
	 * entry next to a good load-address is still caught */
	expect_vm_fail(state, BASIC "kernel-format = \"raw\";"
		       "load-address = <0x0 0x40100000>;"
		       "entry = <0x0 0x10000000>;", -EINVAL,
		       "property 'entry'", "0x10000000");
	expect_vm_fail(state, BASIC "kernel-format = \"raw\";"
		       "entry = <0x0 0x40000002>;", -EINVAL,
		       "property 'entry'", "4-byte aligned");
}

static void test_raw_only_properties(void **state)
{
	expect_vm_fail(state, BASIC "load-address = <0x0 0x40000000>;",
		       -EINVAL, "property 'load-address'", "\"raw\"");
	expect_vm_fail(state, BASIC "kernel-format = \"elf\";"
		       "entry = <0x0 0x40000000>;",
		       -EINVAL, "property 'entry'", "\"raw\"");
	expect_vm_fail(state, BASIC "kernel-format = \"raw\";"
		       "load-address = <0x40000000>;", -EINVAL,
		       "property 'load-address'", "4 bytes, need 8");
}

static void test_kernel_format_errors(void **state)
{
	expect_vm_fail(state, BASIC "kernel-format = \"bzImage\";", -EINVAL,
		       "property 'kernel-format'", "\"bzImage\"");
	expect_vm_fail(state, BASIC "kernel-format = \"Linux\";", -EINVAL,
		       "property 'kernel-format'");
	expect_vm_fail(state, BASIC "kernel-format = \"\";", -EINVAL,
		       "property 'kernel-format'");
	expect_vm_fail(state, BASIC "kernel-format = \"elf\", \"raw\";",
		       -EINVAL, "property 'kernel-format'", "more than one");
	expect_vm_fail(state, BASIC "kernel-format = [65 6c 66];", -EINVAL,
		       "property 'kernel-format'", "NUL-terminated");
	/* a quoted value cannot break the message into two lines */
	expect_vm_fail(state, BASIC "kernel-format = \"el\\nf\";", -EINVAL,
		       "property 'kernel-format'", "\"el?f\"");
}

static void test_string_errors(void **state)
{
	char props[1024], s[300];

	expect_vm_fail(state, "vcpus = <1>; memory-size = <0x0 0x200000>;"
		       "kernel = [6b 65 72];", -EINVAL, "property 'kernel'",
		       "NUL-terminated");
	expect_vm_fail(state, "vcpus = <1>; memory-size = <0x0 0x200000>;"
		       "kernel = <1>;", -EINVAL, "property 'kernel'",
		       "NUL-terminated");
	expect_vm_fail(state, "vcpus = <1>; memory-size = <0x0 0x200000>;"
		       "kernel = \"a\", \"b\";", -EINVAL, "property 'kernel'",
		       "more than one string");
	expect_vm_fail(state, "vcpus = <1>; memory-size = <0x0 0x200000>;"
		       "kernel = \"\";", -EINVAL, "property 'kernel'",
		       "empty");
	expect_vm_fail(state, BASIC "initrd = \"\";", -EINVAL,
		       "property 'initrd'", "empty");
	expect_vm_fail(state, BASIC "bootargs = [61 62];", -EINVAL,
		       "property 'bootargs'", "NUL-terminated");

	memset(s, 'x', 64);
	s[64] = '\0';
	snprintf(props, sizeof(props), "vcpus = <1>; memory-size = <0x0 0x200000>;"
		 "kernel = \"%s\";", s);
	expect_vm_fail(state, props, -EINVAL, "property 'kernel'",
		       "64 characters exceed the maximum of 63");
	snprintf(props, sizeof(props), BASIC "initrd = \"%s\";", s);
	expect_vm_fail(state, props, -EINVAL, "property 'initrd'",
		       "maximum of 63");

	memset(s, 'b', 256);
	s[256] = '\0';
	snprintf(props, sizeof(props), BASIC "bootargs = \"%s\";", s);
	expect_vm_fail(state, props, -EINVAL, "property 'bootargs'",
		       "256 characters exceed the maximum of 255");
}

static void test_vcpu_cpus_errors(void **state)
{
	expect_vm_fail(state, "vcpus = <2>; memory-size = <0x0 0x200000>;"
		       "kernel = \"k\"; vcpu-cpus = <1>;", -EINVAL,
		       "property 'vcpu-cpus' has 1 cells, need 2 (one per vCPU)");
	expect_vm_fail(state, "vcpus = <1>; memory-size = <0x0 0x200000>;"
		       "kernel = \"k\"; vcpu-cpus = <1 2>;", -EINVAL,
		       "property 'vcpu-cpus' has 2 cells, need 1");
	expect_vm_fail(state, "vcpus = <2>; memory-size = <0x0 0x200000>;"
		       "kernel = \"k\"; vcpu-cpus = <1 7>;", -EINVAL,
		       "property 'vcpu-cpus': core 7 does not exist (board has 4)");
	/* the first core that does not exist is core n_host_cpus */
	expect_vm_fail(state, BASIC "vcpu-cpus = <4>;", -EINVAL,
		       "property 'vcpu-cpus': core 4 does not exist");
	expect_vm_fail(state, BASIC "vcpu-cpus = [00 00 01];", -EINVAL,
		       "property 'vcpu-cpus'", "3 bytes");
	expect_vm_fail(state, BASIC "vcpu-cpus;", -EINVAL,
		       "property 'vcpu-cpus' has 0 cells, need 1");
	/* a smaller board */
	check_fail(state, one_vm(BASIC "vcpu-cpus = <2>;"), 2, -EINVAL,
		   (const char *const[]){ "/vm: ",
			   "core 2 does not exist (board has 2)", NULL });
}

static void test_vcpu_priorities_errors(void **state)
{
	expect_vm_fail(state, "vcpus = <2>; memory-size = <0x0 0x200000>;"
		       "kernel = \"k\"; vcpu-priorities = <10 32>;", -EINVAL,
		       "property 'vcpu-priorities'", "32 (vCPU 1)",
		       "maximum of 31");
	expect_vm_fail(state, "vcpus = <2>; memory-size = <0x0 0x200000>;"
		       "kernel = \"k\"; vcpu-priorities = <10>;", -EINVAL,
		       "property 'vcpu-priorities' has 1 cells, need 2");
	expect_vm_fail(state, BASIC "vcpu-priorities = <0xffffffff>;", -EINVAL,
		       "property 'vcpu-priorities'", "maximum of 31");
}

static void test_autostart_errors(void **state)
{
	expect_vm_fail(state, BASIC "autostart = <1>;", -EINVAL,
		       "property 'autostart'", "no value");
	expect_vm_fail(state, BASIC "autostart = \"yes\";", -EINVAL,
		       "property 'autostart'");
	expect_vm_fail(state, BASIC "watchdog = <1>;", -EINVAL,
		       "property 'watchdog'", "no value");
}

static void test_restart_policy(void **state)
{
	struct vm_config vm;

	parse_one(state, BASIC, &vm);
	assert_false(vm.policy.restart[VM_END_CRASH]);
	assert_true(vm.policy.restart[VM_END_WATCHDOG]);
	assert_false(vm.policy.restart[VM_END_POWEROFF]);
	assert_int_equal(vm.policy.limit, 5);
	assert_int_equal(vm.policy.window_ns, 60000000000ULL);
	parse_one(state, BASIC "on-crash = \"restart\"; on-watchdog = \"stop\"; "
		  "on-poweroff = \"restart\"; restart-limit = <3 10>;", &vm);
	assert_true(vm.policy.restart[VM_END_CRASH]);
	assert_false(vm.policy.restart[VM_END_WATCHDOG]);
	assert_true(vm.policy.restart[VM_END_POWEROFF]);
	assert_int_equal(vm.policy.limit, 3);
	assert_int_equal(vm.policy.window_ns, 10000000000ULL);
	expect_vm_fail(state, BASIC "on-crash = \"reboot\";", -EINVAL,
		       "property 'on-crash'", "neither \"restart\" nor \"stop\"");
	expect_vm_fail(state, BASIC "on-poweroff = <1>;", -EINVAL, "property 'on-poweroff'");
	expect_vm_fail(state, BASIC "restart-limit = <3>;", -EINVAL,
		       "property 'restart-limit'", "need 8");
	expect_vm_fail(state, BASIC "restart-limit = <3 0>;", -EINVAL,
		       "property 'restart-limit'", "1..86400 s");
}

static void test_node_errors(void **state)
{
	/* a child of the root that is not a VM */
	expect_fail(state, "/dts-v1/; / { compatible = \"tandem,config\";"
		    "vm { compatible = \"tandem,vm\";" BASIC "};"
		    "chosen { bootargs = \"x\"; }; };", -EINVAL,
		    FILE_NAME ": /chosen: ", "property 'compatible' missing",
		    "tandem,vm");
	expect_fail(state, "/dts-v1/; / { compatible = \"tandem,config\";"
		    "other { compatible = \"tandem,vmm\";" BASIC "}; };",
		    -EINVAL, FILE_NAME ": /other: ", "property 'compatible'",
		    "tandem,vm");
	/* the root's own compatible */
	expect_fail(state, "/dts-v1/; / { compatible = \"tandem,board\";"
		    "vm { compatible = \"tandem,vm\";" BASIC "}; };",
		    -EINVAL, FILE_NAME ": /: ", "property 'compatible'",
		    "tandem,config");
	expect_fail(state, "/dts-v1/; / {"
		    "vm { compatible = \"tandem,vm\";" BASIC "}; };",
		    -EINVAL, FILE_NAME ": /: ", "property 'compatible' missing");
	/* names `vm create` could not take */
	expect_fail(state, "/dts-v1/; / { compatible = \"tandem,config\";"
		    "Linux { compatible = \"tandem,vm\";" BASIC "}; };",
		    -EINVAL, FILE_NAME ": /Linux: ", "node name");
	expect_fail(state, "/dts-v1/; / { compatible = \"tandem,config\";"
		    "vm@1 { compatible = \"tandem,vm\";" BASIC "}; };",
		    -EINVAL, FILE_NAME ": /vm@1: ", "node name");
	expect_fail(state, "/dts-v1/; / { compatible = \"tandem,config\";"
		    "abcdefghijklmnopqrstuvwxyz012345 { compatible = \"tandem,vm\";"
		    BASIC "}; };", -EINVAL,
		    FILE_NAME ": /abcdefghijklmnopqrstuvwxyz012345: ",
		    "32 characters");
	/* a VM node has no children */
	expect_fail(state, "/dts-v1/; / { compatible = \"tandem,config\";"
		    "vm { compatible = \"tandem,vm\";" BASIC "cpu { }; }; };",
		    -EINVAL, FILE_NAME ": /vm/cpu: ", "unexpected node");
	/* a config without VMs is a mistake */
	expect_fail(state, "/dts-v1/; / { compatible = \"tandem,config\"; };",
		    -ENOENT, FILE_NAME ": /: ", "no VM nodes");
}

static void test_bad_blob(void **state)
{
	static const unsigned char junk[64] = { 0xd0, 0x0d, 0xfe, 0xef };
	struct vm_config vm;
	unsigned int count = 99;
	char err[256];
	void *fdt;

	assert_int_equal(vm_config_parse(junk, FILE_NAME, HOST_CPUS, &vm, 1,
					 &count, err, sizeof(err)), -EINVAL);
	assert_int_equal(count, 0);
	check_msg(err, (const char *const[]){ "not a compiled device tree",
					      NULL });

	/* no host CPUs: nothing can be placed */
	fdt = compile(state, one_vm(BASIC));
	assert_int_equal(vm_config_parse(fdt, FILE_NAME, 0, &vm, 1, &count,
					 err, sizeof(err)), -EINVAL);
	free(fdt);
	check_msg(err, (const char *const[]){ "host CPUs", NULL });
}

/*
 * Found by tests/fuzz/fuzz_vm_config.c: Debian's libfdt 1.6.1 reads through
 * a NULL pointer in fdt_check_full() on some blobs of a pre-17 format
 * version (the fuzzer's input is kept in its corpus). dtc writes version
 * 17, so older ones are refused before libfdt walks them.
 */
static void test_old_format_version(void **state)
{
	static const char crash[] = "tests/fuzz/corpus/vm_config/libfdt-old-version-crash.dtb";
	struct vm_config vm;
	unsigned int count = 99;
	char err[256];
	void *fdt, *blob;
	FILE *fp;
	long n;

	fp = fopen(crash, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	blob = malloc((size_t)n);
	assert_int_equal(fread(blob, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	assert_int_equal(vm_config_parse(blob, FILE_NAME, HOST_CPUS, &vm, 1,
					 &count, err, sizeof(err)), -EINVAL);
	assert_int_equal(count, 0);
	check_msg(err, (const char *const[]){ "format version 8", NULL });
	free(blob);

	/* A good config marked version 16 is refused as well. */
	fdt = compile(state, one_vm(BASIC));
	((uint8_t *)fdt)[0x17] = 16;		/* fdt_header.version, big-endian */
	assert_int_equal(vm_config_parse(fdt, FILE_NAME, HOST_CPUS, &vm, 1,
					 &count, err, sizeof(err)), -EINVAL);
	check_msg(err, (const char *const[]){ "format version 16", NULL });
	free(fdt);
}

/* A short or absent buffer cuts the message, never the stack. */
static void test_err_buffer_limits(void **state)
{
	struct vm_config vm;
	unsigned int count;
	char err[16];
	void *fdt;

	fdt = compile(state, one_vm(BASIC "vcpu = <1>;"));
	memset(err, 'z', sizeof(err));
	assert_int_equal(vm_config_parse(fdt, FILE_NAME, HOST_CPUS, &vm, 1,
					 &count, err, 8), -EINVAL);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(err[8], 'z');
	assert_int_equal(vm_config_parse(fdt, FILE_NAME, HOST_CPUS, &vm, 1,
					 &count, NULL, 0), -EINVAL);
	assert_int_equal(vm_config_parse(fdt, FILE_NAME, HOST_CPUS, &vm, 1,
					 &count, err, 1), -EINVAL);
	assert_string_equal(err, "");
	free(fdt);
}

/* --- vm_config_check_set ------------------------------------------------------ */

static void make_vm(struct vm_config *vm, const char *name, const char *file,
		    uint64_t phys, uint64_t size)
{
	memset(vm, 0, sizeof(*vm));
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	snprintf(vm->file, sizeof(vm->file), "%s", file);
	vm->n_vcpus = 1;
	vm->ram_base = VM_DEFAULT_RAM_BASE;
	vm->ram_size = size;
	vm->ram_phys = phys;
}

static void test_check_set_ok(void **state)
{
	struct vm_config vms[4];
	char err[256] = "stale";

	make_vm(&vms[0], "linux", "configs/linux.dts", 0x60000000, MiB(256));
	/* touching, not overlapping */
	make_vm(&vms[1], "rtos", "configs/rtos.dts", 0x70000000, MiB(2));
	/* anywhere: nothing to clash with */
	make_vm(&vms[2], "any1", "configs/rtos.dts", 0, MiB(2));
	make_vm(&vms[3], "any2", "configs/rtos.dts", 0, MiB(2));
	assert_int_equal(vm_config_check_set(vms, 4, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(vm_config_check_set(vms, 0, err, sizeof(err)), 0);
}

static void test_check_set_duplicate(void **state)
{
	struct vm_config vms[3];
	char err[256];

	make_vm(&vms[0], "linux", "configs/linux.dts", 0, MiB(2));
	make_vm(&vms[1], "rtos", "configs/rtos.dts", 0, MiB(2));
	make_vm(&vms[2], "linux", "configs/other.dts", 0, MiB(2));
	assert_int_equal(vm_config_check_set(vms, 3, err, sizeof(err)),
			 -EEXIST);
	assert_null(strchr(err, '\n'));
	assert_non_null(strstr(err, "configs/other.dts: /linux: "));
	assert_non_null(strstr(err, "configs/linux.dts"));
	assert_non_null(strstr(err, "'linux'"));
}

static void test_check_set_overlap(void **state)
{
	struct vm_config vms[3];
	char err[256];

	make_vm(&vms[0], "linux", "configs/linux.dts", 0x60000000, MiB(256));
	make_vm(&vms[1], "free", "configs/free.dts", 0, MiB(2));
	/* its last 2 MiB block is linux's first */
	make_vm(&vms[2], "rtos", "configs/rtos.dts", 0x5fe00000, MiB(4));
	assert_int_equal(vm_config_check_set(vms, 3, err, sizeof(err)),
			 -EINVAL);
	assert_null(strchr(err, '\n'));
	assert_non_null(strstr(err, "configs/rtos.dts: /rtos: "));
	assert_non_null(strstr(err, "property 'memory-phys'"));
	assert_non_null(strstr(err, "/linux"));
	assert_non_null(strstr(err, "configs/linux.dts"));
	assert_non_null(strstr(err, "0x5fe00000-0x601fffff"));
	assert_non_null(strstr(err, "0x60000000-0x6fffffff"));

	/* one range inside the other */
	make_vm(&vms[2], "rtos", "configs/rtos.dts", 0x64000000, MiB(2));
	assert_int_equal(vm_config_check_set(vms, 3, err, sizeof(err)),
			 -EINVAL);
	/* one range around the other */
	make_vm(&vms[2], "rtos", "configs/rtos.dts", 0x40000000, GiB(1));
	assert_int_equal(vm_config_check_set(vms, 3, err, sizeof(err)),
			 -EINVAL);
	/* one byte shared, at either end */
	make_vm(&vms[2], "rtos", "configs/rtos.dts", 0x50000000, 0x10000001);
	assert_int_equal(vm_config_check_set(vms, 3, err, sizeof(err)),
			 -EINVAL);
	make_vm(&vms[2], "rtos", "configs/rtos.dts", 0x6fffffff, 1);
	assert_int_equal(vm_config_check_set(vms, 3, err, sizeof(err)),
			 -EINVAL);
	/* right before and right after */
	make_vm(&vms[2], "rtos", "configs/rtos.dts", 0x50000000, 0x10000000);
	assert_int_equal(vm_config_check_set(vms, 3, err, sizeof(err)), 0);
	make_vm(&vms[2], "rtos", "configs/rtos.dts", 0x70000000, MiB(2));
	assert_int_equal(vm_config_check_set(vms, 3, err, sizeof(err)), 0);
}

/* Two files parsed separately, then checked as a set, as boot will do. */
static void test_check_set_parsed(void **state)
{
	struct vm_config vms[2];
	unsigned int count;
	char err[256];
	void *fdt;

	fdt = compile(state, one_vm(BASIC "memory-phys = <0x1 0x0>;"));
	assert_int_equal(vm_config_parse(fdt, "configs/a.dts", HOST_CPUS,
					 &vms[0], 1, &count, err, sizeof(err)),
			 0);
	assert_int_equal(vm_config_parse(fdt, "configs/b.dts", HOST_CPUS,
					 &vms[1], 1, &count, err, sizeof(err)),
			 0);
	free(fdt);
	assert_int_equal(vm_config_check_set(vms, 2, err, sizeof(err)),
			 -EEXIST);
	assert_non_null(strstr(err, "configs/a.dts"));
	assert_non_null(strstr(err, "configs/b.dts"));

	snprintf(vms[1].name, sizeof(vms[1].name), "vm2");
	assert_int_equal(vm_config_check_set(vms, 2, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "configs/b.dts: /vm2: "));
	assert_non_null(strstr(err, "/vm "));
	assert_non_null(strstr(err, "configs/a.dts"));
}

/* --- passthrough ------------------------------------------------------------ */

#define PT(devs)	BASIC " passthrough { " devs " };"

static void test_passthrough_ok(void **state)
{
	struct vm_config vm;

	parse_one(state, PT("rtc { device = \"/pl031@9010000\"; };"
			    " blk { reg = <0x0 0x0a003000 0x0 0x1000>; interrupts = <0x4f>;"
			    " guest-reg = <0x0 0x0c000000>; guest-interrupts = <0x30>; };"), &vm);
	assert_int_equal(vm.n_passthru, 2);
	assert_string_equal(vm.passthru[0].name, "rtc");
	assert_string_equal(vm.passthru[0].device, "/pl031@9010000");
	assert_int_equal(vm.passthru[0].n_regs, 0);	/* from the board, later */
	assert_int_equal(vm.passthru[0].n_irqs, 0);
	assert_string_equal(vm.passthru[1].name, "blk");
	assert_int_equal(vm.passthru[1].n_regs, 1);
	assert_int_equal(vm.passthru[1].pa[0], 0x0a003000);
	assert_int_equal(vm.passthru[1].size[0], 0x1000);
	assert_int_equal(vm.passthru[1].n_guest_regs, 1);
	assert_int_equal(vm.passthru[1].ipa[0], 0x0c000000);
	assert_int_equal(vm.passthru[1].n_irqs, 1);
	assert_int_equal(vm.passthru[1].intid[0], 79);
	assert_int_equal(vm.passthru[1].guest_intid[0], 48);
	assert_false(vm.passthru[0].dma_no_iommu);

	parse_one(state, PT("blk { device = \"/virtio_mmio@a003e00\"; dma-no-iommu; };"), &vm);
	assert_true(vm.passthru[0].dma_no_iommu);

	/* no passthrough node: no devices */
	parse_one(state, BASIC, &vm);
	assert_int_equal(vm.n_passthru, 0);
}

static void test_passthrough_errors(void **state)
{
	expect_fail(state, one_vm(PT("rtc { };")), -EINVAL,
		    "/vm/passthrough/rtc: ", "'device' or 'reg' missing");
	expect_fail(state, one_vm(PT("rtc { device = \"pl031\"; };")), -EINVAL,
		    "/vm/passthrough/rtc: ", "property 'device'");
	expect_fail(state, one_vm(PT("rtc { device = \"/pl031@9010000\"; reg = <0 0x9010000 0 0x1000>; };")),
		    -EINVAL, "/vm/passthrough/rtc: ", "property 'reg'", "not both");
	expect_fail(state, one_vm(PT("rtc { device = \"/pl031@9010000\"; interrupts = <34>; };")),
		    -EINVAL, "/vm/passthrough/rtc: ", "property 'interrupts'");
	expect_fail(state, one_vm(PT("rtc { reg = <0 0x9010000 0 0x800>; };")), -EINVAL,
		    "/vm/passthrough/rtc: ", "property 'reg'", "4 KiB pages");
	expect_fail(state, one_vm(PT("rtc { reg = <0 0x9010000 0 0x1000>; interrupts = <27>; };")),
		    -EINVAL, "/vm/passthrough/rtc: ", "property 'interrupts'", "INTID 27 is not an SPI");
	expect_fail(state, one_vm(PT("rtc { reg = <0 0x9010000 0 0x1000>; interrupts = <1020>; };")),
		    -EINVAL, "property 'interrupts'", "not an SPI");
	expect_fail(state, one_vm(PT("rtc { reg = <0 0x9010000 0 0x1000>; interrupts = <34 34>; };")),
		    -EINVAL, "property 'interrupts'", "twice");
	expect_fail(state, one_vm(PT("rtc { reg = <0 0x9010000 0 0x1000>; oops; };")), -EINVAL,
		    "/vm/passthrough/rtc: ", "unknown property 'oops'");
	expect_fail(state, one_vm(PT("rtc { reg = <0 0x9010000 0 0x1000>; guest-reg = <0 0x40000000>; };")),
		    -EINVAL, "property 'guest-reg'", "guest's RAM");
	expect_fail(state, one_vm(PT("rtc { reg = <0 0x9010000 0 0x1000>; guest-reg = <0 0x09000000>; };")),
		    -EINVAL, "property 'guest-reg'", "vPL011");
	expect_fail(state, one_vm(PT("rtc { reg = <0 0x08010000 0 0x1000>; };")), -EINVAL,
		    "property 'guest-reg'", "vGIC");
	expect_fail(state, one_vm(PT("rtc { reg = <0 0x9010000 0 0x1000>; guest-reg = <0 1 0 2>; };")),
		    -EINVAL, "property 'guest-reg'", "need 1");
	expect_fail(state, one_vm(PT("rtc { reg = <0 0x9010000 0 0x1000>; interrupts = <34>; guest-interrupts = <33>; };")),
		    -EINVAL, "property 'guest-interrupts'", "vPL011");
	expect_fail(state, one_vm(PT("rtc { reg = <0 0x9010000 0 0x1000>; interrupts = <34>; guest-interrupts = <45>; };")),
		    -EINVAL, "property 'guest-interrupts'", "the guest's watchdog");
	expect_fail(state, one_vm(PT("rtc { reg = <0 0x9010000 0 0x1000>; guest-reg = <0 0x090c0000>; };")),
		    -EINVAL, "property 'guest-reg'", "the watchdog");
	expect_fail(state, one_vm(PT("rtc { reg = <0 0x9010000 0 0x1000>; interrupts = <200>; };")),
		    -EINVAL, "property 'guest-interrupts'", "INTID 200");
	expect_fail(state, one_vm(PT("a { reg = <0 0x9010000 0 0x1000>; interrupts = <34>; };"
				     " b { reg = <0 0x9030000 0 0x1000>; interrupts = <35>; guest-interrupts = <34>; };")),
		    -EINVAL, "/vm/passthrough/b: ", "property 'guest-interrupts'", "device 'a'");
	expect_fail(state, one_vm(PT("a { reg = <0 0x9010000 0 0x1000>; };"
				     " b { reg = <0 0x9030000 0 0x1000>; guest-reg = <0 0x9010000>; };")),
		    -EINVAL, "/vm/passthrough/b: ", "property 'guest-reg'", "device 'a'");
	expect_fail(state, one_vm(PT("rtc { device = \"/pl031@9010000\"; dma-no-iommu = <1>; };")),
		    -EINVAL, "/vm/passthrough/rtc: ", "property 'dma-no-iommu' takes no value");
	expect_fail(state, one_vm(BASIC " passthrough { x = <1>; };"), -EINVAL,
		    "/vm/passthrough: ", "unknown property 'x'");
	expect_fail(state, one_vm(PT("a { device = \"/a\"; }; b { device = \"/b\"; }; c { device = \"/c\"; };"
				     " d { device = \"/d\"; }; e { device = \"/e\"; };")),
		    -EINVAL, "/vm/passthrough/e: ", "more than 4");
}

/* The same device in two VMs: by path, by overlapping range, by interrupt. */
static void test_passthrough_two_vms(void **state)
{
	static const char *const pairs[][3] = {
		{ "r { device = \"/pl031@9010000\"; };", "r { device = \"/pl031@9010000\"; };", "'/pl031@9010000'" },
		{ "r { reg = <0 0x9010000 0 0x2000>; };", "s { reg = <0 0x9011000 0 0x1000>; };", "0x9011000+0x1000" },
		{ "r { reg = <0 0x9010000 0 0x1000>; interrupts = <34>; };",
		  "s { reg = <0 0x9030000 0 0x1000>; interrupts = <34>; };", "INTID 34" },
	};
	struct vm_config vms[2];

	for (unsigned i = 0; i < ARRAY_SIZE(pairs); i++) {
		char err[256] = "";

		{
			char props[256];

			snprintf(props, sizeof(props), PT("%s"), pairs[i][0]);
			parse_one(state, props, &vms[0]);
			snprintf(props, sizeof(props), PT("%s"), pairs[i][1]);
			parse_one(state, props, &vms[1]);
		}
		snprintf(vms[0].name, sizeof(vms[0].name), "linux");
		snprintf(vms[0].file, sizeof(vms[0].file), "configs/a.dts");
		snprintf(vms[1].name, sizeof(vms[1].name), "rtos");
		snprintf(vms[1].file, sizeof(vms[1].file), "configs/b.dts");
		assert_int_equal(vm_config_check_set(vms, 2, err, sizeof(err)), -EBUSY);
		assert_null(strchr(err, '\n'));
		assert_non_null(strstr(err, "configs/b.dts: /rtos/passthrough/"));
		assert_non_null(strstr(err, pairs[i][2]));
		assert_non_null(strstr(err, "/linux/passthrough/r"));
		assert_non_null(strstr(err, "configs/a.dts"));
	}
	/* different devices: fine */
	parse_one(state, PT("r { device = \"/pl031@9010000\"; };"), &vms[0]);
	parse_one(state, PT("r { device = \"/pl061@9030000\"; };"), &vms[1]);
	snprintf(vms[1].name, sizeof(vms[1].name), "other");
	assert_int_equal(vm_config_check_set(vms, 2, NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_dts),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_default_cpus_wrap),
		cmocka_unit_test(test_all_properties),
		cmocka_unit_test(test_multiple_vms),
		cmocka_unit_test(test_raw_format),
		cmocka_unit_test(test_elf_format),
		cmocka_unit_test(test_64bit_values),
		cmocka_unit_test(test_string_limits),
		cmocka_unit_test(test_vcpus_errors),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_unknown_property),
		cmocka_unit_test(test_memory_size_errors),
		cmocka_unit_test(test_memory_base_errors),
		cmocka_unit_test(test_memory_phys_errors),
		cmocka_unit_test(test_load_address_outside_ram),
		cmocka_unit_test(test_raw_only_properties),
		cmocka_unit_test(test_kernel_format_errors),
		cmocka_unit_test(test_string_errors),
		cmocka_unit_test(test_vcpu_cpus_errors),
		cmocka_unit_test(test_vcpu_priorities_errors),
		cmocka_unit_test(test_autostart_errors),
		cmocka_unit_test(test_restart_policy),
		cmocka_unit_test(test_node_errors),
		cmocka_unit_test(test_bad_blob),
		cmocka_unit_test(test_old_format_version),
		cmocka_unit_test(test_err_buffer_limits),
		cmocka_unit_test(test_check_set_ok),
		cmocka_unit_test(test_check_set_duplicate),
		cmocka_unit_test(test_check_set_overlap),
		cmocka_unit_test(test_check_set_parsed),
		cmocka_unit_test(test_passthrough_ok),
		cmocka_unit_test(test_passthrough_errors),
		cmocka_unit_test(test_passthrough_two_vms),
	};

	return cmocka_run_group_tests(tests, dtc_setup, dtc_teardown);
}
