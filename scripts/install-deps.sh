#!/bin/sh
# Installs, from Debian's archive only, whatever Tandem's build and tests need
# and is not there yet. Idempotent: a machine that has everything runs no apt.
set -eu

need_arm64="libfdt-dev:arm64"
# libfdt-dev is not multi-arch: host tests use its headers with libfdt1 (amd64).
# libc6-dev: the host gcc needs it, and it is only a Recommends of gcc.
# libc6-dev-arm64-cross: arm64 glibc for static Linux programs (guests/linux-shm).
# u-boot-qemu: the firmware of the boot-through-U-Boot system test.
# clang-14, libclang-rt-14-dev: libFuzzer and its sanitizer runtimes (tests/fuzz/).
need_host="gcc-aarch64-linux-gnu picolibc-aarch64-linux-gnu device-tree-compiler \
qemu-system-arm libcmocka-dev libfdt1 python3-pytest python3-pexpect gcc libc6-dev make cpio \
libc6-dev-arm64-cross \
clang-14 libclang-rt-14-dev \
u-boot-qemu"
# BENCH=1 (`make bench-deps`): also what only bench/ needs, gnuplot for its charts.
[ "${BENCH:-}" = 1 ] && need_host="$need_host gnuplot-nox"

missing=""
for p in $need_host $need_arm64; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	$SUDO dpkg --add-architecture arm64
fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
