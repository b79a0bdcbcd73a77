# Tandem: embedded real-time hypervisor for AArch64.
# `make run` builds and boots the demo; `make test` runs every test.
# Both install what is missing (scripts/install-deps.sh, Debian packages only).

CROSS    ?= aarch64-linux-gnu-
CC       := $(CROSS)gcc
OBJCOPY  := $(CROSS)objcopy
SIZE     := $(CROSS)size
PYTHON   := /usr/bin/python3
BUILD    := build
PICOLIBC := /usr/lib/picolibc/aarch64-linux-gnu
LIBFDT_A := /usr/lib/aarch64-linux-gnu/libfdt.a
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

QEMU      := qemu-system-aarch64
QEMU_SMP  ?= 4
QEMU_MEM  ?= 1G
QEMU_ARGS := -M virt,gic-version=3,virtualization=on -cpu max,pauth-impdef=on \
             -smp $(QEMU_SMP) -m $(QEMU_MEM) -nographic $(QEMU_EXTRA)

# --- the hypervisor image -------------------------------------------------
SRCS := $(wildcard arch/arm64/*.S arch/arm64/*.c drivers/*.c kernel/*.c \
                   lib/*.c shell/*.c virt/*.c virt/devices/*.c)
OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(basename $(SRCS)))

CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-common -fno-builtin-printf \
          -fpie -mgeneral-regs-only -mno-outline-atomics -mstrict-align -fno-stack-protector \
          -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
          -specs=$(PICOLIBC)/picolibc.specs \
          -Iinclude -Iarch/arm64/include -DTANDEM_VERSION=\"$(VERSION)\"
ASFLAGS := $(CFLAGS) -D__ASSEMBLY__
LDFLAGS := -nostartfiles -static-pie -Wl,--no-dynamic-linker -Wl,-z,norelro \
           -Wl,--gc-sections -Wl,-z,noexecstack -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
           -T arch/arm64/tandem.ld -specs=$(PICOLIBC)/picolibc.specs

.PHONY: all deps run debug test unit systest clean size
all: $(BUILD)/tandem.bin

deps:
	@sh scripts/install-deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/tandem.elf: $(OBJS) arch/arm64/tandem.ld
	$(CC) $(LDFLAGS) $(OBJS) $(LIBFDT_A) -lc -lgcc -o $@

$(BUILD)/tandem.bin: $(BUILD)/tandem.elf
	$(OBJCOPY) -O binary $< $@
	@$(SIZE) $<

size: $(BUILD)/tandem.elf
	@$(SIZE) -A $< | grep -E '^\.(text|rodata|data|bss|rela)' ; $(SIZE) $<

run: deps
	@$(MAKE) --no-print-directory all
	$(QEMU) $(QEMU_ARGS) -kernel $(BUILD)/tandem.bin

# QEMU waits for gdb on :1234; attach with `gdb-multiarch build/tandem.elf -ex 'target remote :1234'`.
debug: deps
	@$(MAKE) --no-print-directory all
	$(QEMU) $(QEMU_ARGS) -kernel $(BUILD)/tandem.bin -s -S

# QEMU's own board DTB, as the unit tests' real-world fixture.
$(BUILD)/qemu-virt.dtb:
	@mkdir -p $(BUILD)
	$(QEMU) $(QEMU_ARGS) -machine dumpdtb=$@ >/dev/null 2>&1

# --- host unit tests (cmocka + ASan/UBSan) --------------------------------
# tests/unit/test_X.c is linked with the sources listed in tests/unit/test_X.deps.
HOST_CC     := gcc
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
               -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=all -DTANDEM_HOST_TEST \
               -Iinclude -Itests/unit/include -DTANDEM_VERSION=\"$(VERSION)\"
HOST_LIBS   := -lcmocka /usr/lib/x86_64-linux-gnu/libfdt.so.1
UNIT_SRCS   := $(wildcard tests/unit/test_*.c)
UNIT_BINS   := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))

.SECONDEXPANSION:
$(BUILD)/unit/%: tests/unit/%.c tests/unit/%.deps $$(shell cat tests/unit/$$*.deps) \
		$(wildcard include/tandem/*.h tests/unit/include/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $< $(shell cat tests/unit/$*.deps) $(HOST_LIBS) -o $@

unit: deps $(UNIT_BINS) $(BUILD)/qemu-virt.dtb
	@fail=0; for t in $(UNIT_BINS); do \
	  TANDEM_QEMU_DTB=$(BUILD)/qemu-virt.dtb $$t || fail=1; done; \
	  [ $$fail -eq 0 ] || { echo "unit tests FAILED"; exit 1; }

# --- system tests (pytest + pexpect driving QEMU) ---------------------------
systest: deps all
	$(PYTHON) -m pytest -q tests/system

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory systest

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d)
