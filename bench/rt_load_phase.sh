#!/bin/sh
# The native control (f) of bench/rt_latency.py at several phases of the
# load CPUs' 250 Hz tick against the RTOS's 1 kHz tick: rebuilds
# guests/rtos's rtos-oneshot-load with RTOS_LOAD_PHASE_US=<us> and runs it
# on QEMU, -smp 3, under -icount. Prints one line per phase: the LATENCY
# line, or that none came within the time limit. Shows how much of a
# loaded run's latency is the phase alone, with no hypervisor at all.
# Rebuilds the default image (phase 0) at the end. Not part of `make test`.
#
# usage: bench/rt_load_phase.sh [phase_us ...]   (default: 0 250 500 1000 1500 2000 3000)
set -u
cd "$(dirname "$0")/.."
phases=${*:-0 250 500 1000 1500 2000 3000}
limit=120		# wall-clock seconds; a finishing run takes about 2
icount="shift=0,align=off"
img=guests/build/rtos-oneshot-load.elf

build() {
	rm -rf guests/build/obj-rtos-oneshot-load "$img"
	make --no-print-directory -C guests build/rtos-oneshot-load.elf "$@" >/dev/null || exit 1
}

echo "qemu-system-aarch64 -M virt,gic-version=3 -cpu max,pauth-impdef=on -smp 3 -m 256M -nographic -nic none -icount $icount -kernel $img"
for ph in $phases; do
	build RTOS_LOAD_PHASE_US="$ph"
	out=$(timeout "$limit" qemu-system-aarch64 -M virt,gic-version=3 \
		-cpu max,pauth-impdef=on -smp 3 -m 256M -nographic -nic none \
		-icount "$icount" -kernel "$img" </dev/null 2>&1 | tr -d '\r' |
		grep '^LATENCY')
	printf 'phase %5s us: %s\n' "$ph" "${out:-no LATENCY line within $limit s}"
done
build
