#!/bin/sh
# Native baseline (no hypervisor) of the Linux guest's boot: Debian's stock
# arm64 kernel boots at EL1 straight on QEMU's virt board with the busybox
# initramfs, under -icount shift=0,align=off (1 ns of guest time per
# instruction, so the figures are the same on every machine and run), and we
# read the guest's own /proc/uptime at /init.
#
# Usage: bench/linux_boot_native.sh [extra kernel arguments...]
#   e.g. bench/linux_boot_native.sh cryptomgr.notests
# Prints:
#   native: init reached at X s            (first field of /proc/uptime at /init)
#   native: kernel ran /init at X s        (the kernel's own printk timestamp)
#   native: wall-clock N s
# Environment: SMP (default 2), MEM (default 512M), TIMEOUT (seconds, default 300).
set -eu

cd "$(dirname "$0")/.."
SMP=${SMP:-2}
MEM=${MEM:-512M}
TIMEOUT=${TIMEOUT:-300}
IMAGE=build/guests/linux/Image
INITRD=build/guests/linux/initramfs.cpio.gz
APPEND="console=ttyAMA0${1:+ $*}"

sh scripts/install-deps.sh
sh scripts/get-guest-images.sh

TMP=$(mktemp -d)
QPID=""
cleanup() {
	if [ -n "$QPID" ]; then kill "$QPID" 2>/dev/null || true; fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

now() { date +%s.%N; }
# wait_for PATTERN: until the console log has a line matching PATTERN (grep -E)
wait_for() {
	while ! grep -qE "$1" "$TMP/out" 2>/dev/null; do
		kill -0 "$QPID" 2>/dev/null || { echo "native: QEMU exited early" >&2; fail; }
		[ "$(awk -v a="$(now)" -v b="$T0" -v t="$TIMEOUT" 'BEGIN { print (a - b > t) }')" -eq 0 ] ||
			{ echo "native: timed out after ${TIMEOUT}s waiting for /$1/" >&2; fail; }
		sleep 0.1
	done
}
fail() {
	echo "--- last console lines:" >&2
	tail -n 20 "$TMP/out" >&2
	exit 1
}

mkfifo "$TMP/in"
T0=$(now)
# shellcheck disable=SC2086 # QEMU_EXTRA is a list of arguments
qemu-system-aarch64 -M virt,gic-version=3 -cpu max,pauth-impdef=on \
	-smp "$SMP" -m "$MEM" -nographic -nic none -no-reboot \
	-icount shift=0,align=off ${QEMU_EXTRA:-} \
	-kernel "$IMAGE" -initrd "$INITRD" -append "$APPEND" \
	<"$TMP/in" >"$TMP/out" 2>&1 &
QPID=$!
exec 3>"$TMP/in" # the console's input; opening it lets QEMU start

wait_for 'tandem-guest: init reached at [0-9.]+ s'
T1=$(now)
wait_for 'guest# '
printf 'poweroff -f\n' >&3
while kill -0 "$QPID" 2>/dev/null; do
	[ "$(awk -v a="$(now)" -v b="$T1" 'BEGIN { print (a - b > 30) }')" -eq 0 ] ||
		{ echo "native: poweroff -f did not stop QEMU" >&2; fail; }
	sleep 0.1
done
wait "$QPID" || true
QPID=""
T2=$(now)

tr -d '\r' <"$TMP/out" | sed -n 's/^.*\(tandem-guest: init reached at [0-9.]* s\).*$/\1/p' |
	head -n 1 | sed 's/^tandem-guest: /native: /'
tr -d '\r' <"$TMP/out" | sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*$/native: kernel ran \/init at \1 s/p' |
	head -n 1
awk -v a="$T1" -v b="$T0" -v c="$T2" \
	'BEGIN { printf "native: wall-clock %.1f s to /init, %.1f s in all (append \"%s\")\n", a - b, c - b, ARGV[1] }' \
	"$APPEND"
