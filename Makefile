# Tandem: embedded real-time hypervisor for AArch64.
# `make run` builds and boots the demo; `make test` runs every test.
# Both install what is missing (scripts/install-deps.sh, Debian packages only).

CROSS    ?= aarch64-linux-gnu-
CC       := $(CROSS)gcc
OBJCOPY  := $(CROSS)objcopy
SIZE     := $(CROSS)size
OBJDUMP  := $(CROSS)objdump
PYTHON   := /usr/bin/python3
BUILD    := build
PICOLIBC := /usr/lib/picolibc/aarch64-linux-gnu
LIBFDT_A := /usr/lib/aarch64-linux-gnu/libfdt.a
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# BOARD picks the QEMU machine `make run` boots (docs/boards.md):
#   virt    QEMU virt, GICv3, 4 cores, RAM at 0x40000000 (the default)
#   versal  QEMU's Xilinx Versal model: 2 Cortex-A72, GICv3 at 0xf9000000,
#           PL011 at 0xff000000, RAM at physical 0; the same guests, placed
#           on its two cores by configs/versal/.
BOARD     ?= virt
QEMU      := qemu-system-aarch64
QEMU_VIRT := -M virt,gic-version=3,virtualization=on -cpu max,pauth-impdef=on
ifeq ($(BOARD),virt)
QEMU_SMP  ?= 4
QEMU_MEM  ?= 1G
QEMU_BOARD := $(QEMU_VIRT) -smp $(QEMU_SMP)
else ifeq ($(BOARD),versal)
# The model has two Cortex-A72, always: it ignores -cpu and -smp (checked
# with dumpdtb on QEMU 7.2).
QEMU_SMP  := 2
QEMU_MEM  ?= 2G
QEMU_BOARD := -M xlnx-versal-virt
else
$(error BOARD=$(BOARD): known boards are virt and versal)
endif
QEMU_ARGS := $(QEMU_BOARD) -m $(QEMU_MEM) -nographic -nic none $(QEMU_EXTRA)

# --- the hypervisor image -------------------------------------------------
SRCS := $(wildcard arch/arm64/*.S arch/arm64/*.c drivers/*/*.c kernel/*.c \
                   lib/*.c shell/*.c virt/*.c virt/devices/*.c)
OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(basename $(SRCS)))

CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-common -fno-builtin-printf \
          -fpie -mgeneral-regs-only -mno-outline-atomics -mstrict-align -fno-stack-protector \
          -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
          -specs=$(PICOLIBC)/picolibc.specs \
          -Iinclude -Iarch/arm64/include
ASFLAGS := $(CFLAGS) -D__ASSEMBLY__
LDFLAGS := -nostartfiles -static-pie -Wl,--no-dynamic-linker -Wl,-z,norelro \
           -Wl,--gc-sections -Wl,-z,noexecstack -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
           -T arch/arm64/tandem.ld -specs=$(PICOLIBC)/picolibc.specs \
           -Wl,--wrap=snprintf -Wl,--wrap=vsnprintf

.PHONY: all bench-deps deps run debug test test-fresh unit fuzz fuzz-short systest clean size FORCE
all: $(BUILD)/tandem.bin

bench-deps:
	@BENCH=1 sh scripts/install-deps.sh

deps:
	@sh scripts/install-deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) -MMD -MP -c $< -o $@

# The version string lives in one object rebuilt on every link, so it never
# goes stale after a commit or a change of dirty state.
$(BUILD)/version.o: FORCE
	@mkdir -p $(BUILD)
	@printf 'const char tandem_version[] = "%s";\nconst char tandem_build_date[] = "%s";\n' \
	  "$(VERSION)" "$$(date -u '+%Y-%m-%d %H:%M UTC')" > $(BUILD)/version.c
	@$(CC) $(CFLAGS) -c $(BUILD)/version.c -o $@

FORCE:

$(BUILD)/tandem.elf: $(OBJS) $(BUILD)/version.o arch/arm64/tandem.ld
	$(CC) $(LDFLAGS) $(OBJS) $(BUILD)/version.o $(LIBFDT_A) -lc -lgcc -o $@.tmp
	@sh scripts/check-fpsimd.sh $(OBJDUMP) $@.tmp
	@mv $@.tmp $@

$(BUILD)/tandem.bin: $(BUILD)/tandem.elf
	$(OBJCOPY) -O binary $< $@
	@$(SIZE) $<

size: $(BUILD)/tandem.elf
	@$(SIZE) -A $< | grep -E '^\.(text|rodata|data|bss|rela)' ; $(SIZE) $<

# --- the boot bundle: VM configs + guest images, loaded as QEMU's -initrd ----
# CONFIG names one or more VM config sources (device tree, see docs/vm-config.md),
# anywhere: the images a config's kernel/initrd name are taken relative to
# its own folder (or absolute) and copied in (tools/bundle_files.c).
# BUNDLE and BUNDLE_DIR say where the archive and its staging folder go.
# Stock Zephyr images (configs/zephyr.dts), from ../shared beside the clone.
ZEPHYR_DIR ?= ../shared/guests/zephyr
ifeq ($(BOARD),versal)
CONFIG ?= configs/versal/linux.dts configs/versal/rtos.dts \
          $(if $(wildcard $(ZEPHYR_DIR)/synchronization-ns.elf),configs/versal/zephyr.dts)
BUNDLE ?= $(BUILD)/bundle-versal.cpio
BUNDLE_DIR ?= $(BUILD)/bundle-versal
else
CONFIG ?= configs/linux.dts configs/rtos.dts configs/gtest.dts
BUNDLE ?= $(BUILD)/bundle.cpio
BUNDLE_DIR ?= $(BUILD)/bundle
endif
GUEST_LINUX := $(BUILD)/guests/linux/Image $(BUILD)/guests/linux/initramfs.cpio.gz

$(GUEST_LINUX):
	sh scripts/get-guest-images.sh

# The script itself decides (in milliseconds) whether anything changed,
# e.g. guests/linux-ctl/tandemctl, which the initramfs carries.
guest-images: $(GUEST_LINUX)
	@sh scripts/get-guest-images.sh
	@if [ -f guests/Makefile ]; then $(MAKE) --no-print-directory -C guests; fi
	@if [ -f guests/build/shmping ]; then sh scripts/make-shm-initrd.sh; fi

.PHONY: bundle guest-images
VMCHECK := $(BUILD)/tools/vmconfig_check
$(VMCHECK): tools/vmconfig_check.c tools/bundle_files.c tools/bundle_files.h virt/vm_config.c \
		virt/vm_config_passthru.c include/virt/vm_config_passthru.h \
		virt/vm_config_shm.c include/virt/vm_config_shm.h \
		virt/vm_config_virtio.c include/virt/vm_config_virtio.h \
		virt/vm_config_vnet.c include/virt/vm_config_vnet.h \
		include/virt/vm_config.h
	@mkdir -p $(dir $@)
	$(HOST_CC) -std=gnu11 -O1 -Wall -Wextra -Werror -Iinclude $(filter %.c,$^) \
	  /usr/lib/x86_64-linux-gnu/libfdt.so.1 -o $@

bundle: guest-images $(VMCHECK)
	@rm -rf $(BUNDLE_DIR) && mkdir -p $(BUNDLE_DIR)/configs
	@for c in $(CONFIG); do out=$(BUNDLE_DIR)/configs/$$(basename $$c .dts).dtb; \
	  if [ -e $$out ]; then echo "$$c: another config is named $$(basename $$c) too;" \
	    "rename one (the bundle keeps configs by file name)" >&2; exit 1; fi; \
	  dtc -q -I dts -O dtb -o $$out $$c || exit 1; done
	@cp -r $(BUILD)/guests/linux $(BUNDLE_DIR)/linux
	@if [ -d guests/build ]; then mkdir -p $(BUNDLE_DIR)/guests && \
	  cp guests/build/*.elf guests/build/*.bin $(BUNDLE_DIR)/guests/ 2>/dev/null; true; fi
	@if [ -d $(ZEPHYR_DIR) ]; then mkdir -p $(BUNDLE_DIR)/zephyr && \
	  cp $(ZEPHYR_DIR)/*.elf $(BUNDLE_DIR)/zephyr/ && chmod u+w $(BUNDLE_DIR)/zephyr/*; fi
	@$(VMCHECK) $(QEMU_SMP) $(BUNDLE_DIR) \
	  $(foreach c,$(CONFIG),$(c) $(BUNDLE_DIR)/configs/$(basename $(notdir $(c))).dtb)
	@(cd $(BUNDLE_DIR) && find . -type f | LC_ALL=C sort | cpio -o -H newc --quiet) > $(BUNDLE)
	@echo "bundle: $(BUNDLE) ($$(du -h $(BUNDLE) | cut -f1)) with $(CONFIG)"

run: deps
	@$(MAKE) --no-print-directory all bundle
	$(QEMU) $(QEMU_ARGS) -kernel $(BUILD)/tandem.bin -initrd $(BUNDLE)

# QEMU waits for gdb on :1234 (see README: Debugging).
debug: deps
	@$(MAKE) --no-print-directory all bundle
	$(QEMU) $(QEMU_ARGS) -kernel $(BUILD)/tandem.bin -initrd $(BUNDLE) -s -S

# QEMU's own board DTB, as the unit tests' real-world fixture.
$(BUILD)/qemu-virt.dtb:
	@mkdir -p $(BUILD)
	$(QEMU) $(QEMU_VIRT) -smp 4 -m 1G -nographic -nic none -machine dumpdtb=$@ >/dev/null 2>&1

# --- host unit tests (cmocka + ASan/UBSan) --------------------------------
# tests/unit/test_X.c is linked with the sources listed in tests/unit/test_X.deps.
HOST_CC     := gcc
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
               -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=all -DTANDEM_HOST_TEST \
               -Iinclude -Iarch/arm64/include -Itests/unit/include -DTANDEM_VERSION=\"$(VERSION)\"
HOST_LIBS   := -lcmocka /usr/lib/x86_64-linux-gnu/libfdt.so.1
UNIT_SRCS   := $(wildcard tests/unit/test_*.c)
UNIT_BINS   := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))

.SECONDEXPANSION:
$(BUILD)/unit/%: tests/unit/%.c tests/unit/%.deps $$(shell cat tests/unit/$$*.deps) \
		$(wildcard include/tandem/*.h include/virt/*.h tests/unit/include/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $< $(shell cat tests/unit/$*.deps) $(HOST_LIBS) -o $@

# Real boards' DTBs (Debian's kernel package, QEMU's dumps) for test_board_dtbs.
$(BUILD)/board-dtbs/.done: scripts/get-board-dtbs.sh
	BUILD=$(BUILD) sh scripts/get-board-dtbs.sh
	@touch $@

unit: deps $(UNIT_BINS) $(BUILD)/qemu-virt.dtb $(BUILD)/board-dtbs/.done
	@fail=0; for t in $(UNIT_BINS); do \
	  TANDEM_QEMU_DTB=$(BUILD)/qemu-virt.dtb TANDEM_BOARD_DTBS=$(BUILD)/board-dtbs \
	  $$t || fail=1; done; \
	  [ $$fail -eq 0 ] || { echo "unit tests FAILED"; exit 1; }

# --- host fuzzing (clang libFuzzer + ASan/UBSan) ---------------------------
# tests/fuzz/fuzz_X.c is linked with the sources in tests/fuzz/fuzz_X.deps.
# Only those sources carry libFuzzer's coverage instrumentation, so its cov/ft
# figures count the unit's code, not the harness's checks. Seeds live in
# tests/fuzz/corpus/X/ (read only); new inputs go to $(BUILD)/fuzz/{long,short}/work/X/.
FUZZ_CC     := clang-14
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
               -fsanitize=address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer -DTANDEM_HOST_TEST -Iinclude -Itests/unit/include
FUZZ_SRCS   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS   := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_RUNS   ?= 10000000
FUZZ_SHORT_RUNS ?= 10000
FUZZ_HDRS   := $(wildcard include/tandem/*.h include/virt/*.h tests/fuzz/*.h)

.PRECIOUS: $(BUILD)/fuzz/obj/%.o
$(BUILD)/fuzz/obj/%.o: %.c $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/%.deps $(FUZZ_HDRS) \
		$$(addprefix $(BUILD)/fuzz/obj/,$$(subst .c,.o,$$(shell cat tests/fuzz/$$*.deps)))
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@.o
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $@.o \
	  $(addprefix $(BUILD)/fuzz/obj/,$(subst .c,.o,$(shell cat tests/fuzz/$*.deps))) \
	  /usr/lib/x86_64-linux-gnu/libfdt.so.1 -o $@

# `make fuzz`: FUZZ_RUNS executions per target, one target at a time.
# `fuzz-short` (in `make test`): a short pass; any crash fails it.
fuzz: deps $(FUZZ_BINS)
	@sh scripts/run-fuzz.sh $(FUZZ_RUNS) $(BUILD)/fuzz/long $(FUZZ_BINS)

fuzz-short: deps $(FUZZ_BINS)
	@sh scripts/run-fuzz.sh $(FUZZ_SHORT_RUNS) $(BUILD)/fuzz/short $(FUZZ_BINS)

# --- system tests (pytest + pexpect driving QEMU) ---------------------------
systest: deps all
	$(PYTHON) -m pytest -q tests/system

test: deps
	@$(MAKE) --no-print-directory all bundle
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory fuzz-short
	@$(MAKE) --no-print-directory -C guests check
	@$(MAKE) --no-print-directory systest

# The README's two commands in a throwaway Debian 12 chroot, from a clean
# clone of HEAD (scripts/test-fresh.sh; needs root and the archive).
test-fresh:
	@sh scripts/test-fresh.sh

clean:
	rm -rf --one-file-system $(BUILD)

-include $(OBJS:.o=.d)
