#!/bin/sh
# Real boards' device trees for the unit tests (tests/unit/test_board_dtbs.c),
# into $BUILD/board-dtbs/:
#   rk3568-evb1-v10.dtb, imx8mp-evk.dtb, bcm2711-rpi-4-b.dtb,
#   zynqmp-zcu102-rev1.0.dtb   from Debian's linux-image-*-arm64 .deb, the one
#                              scripts/get-guest-images.sh caches in
#                              $BUILD/guests/cache/ (fetched by it if missing)
#   qemu-virt-gicv2.dtb, qemu-virt-gicv3.dtb, qemu-versal.dtb
#                              QEMU's own, with -machine dumpdtb=
# Idempotent: files already there are kept.
set -eu

cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=$BUILD/board-dtbs
QEMU=${QEMU:-qemu-system-aarch64}
mkdir -p "$OUT"

die() { echo "get-board-dtbs: error: $*" >&2; exit 1; }

BOARDS="rockchip/rk3568-evb1-v10 freescale/imx8mp-evk broadcom/bcm2711-rpi-4-b
xilinx/zynqmp-zcu102-rev1.0"

need=0
for b in $BOARDS; do
	[ -f "$OUT/$(basename "$b").dtb" ] || need=1
done
if [ "$need" -eq 1 ]; then
	deb=$(ls "$BUILD"/guests/cache/linux-image-*_arm64.deb 2>/dev/null | head -n 1 || true)
	if [ -z "$deb" ]; then
		sh scripts/get-guest-images.sh
		deb=$(ls "$BUILD"/guests/cache/linux-image-*_arm64.deb 2>/dev/null | head -n 1 || true)
	fi
	[ -n "$deb" ] || die "no linux-image-*_arm64.deb in $BUILD/guests/cache"
	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT
	pats=""
	for b in $BOARDS; do pats="$pats ./usr/lib/linux-image-*/$b.dtb"; done
	# shellcheck disable=SC2086 # one pattern per board
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$TMP" --wildcards $pats ||
		die "cannot unpack the board DTBs from $deb"
	for b in $BOARDS; do
		f=$(ls "$TMP"/usr/lib/linux-image-*/"$b.dtb" 2>/dev/null | head -n 1 || true)
		[ -n "$f" ] || die "$deb has no $b.dtb"
		cp "$f" "$OUT/$(basename "$b").dtb"
	done
fi

[ -f "$OUT/qemu-virt-gicv2.dtb" ] || "$QEMU" -M virt,gic-version=2,virtualization=on \
	-cpu cortex-a72 -smp 4 -m 1G -nographic -nic none \
	-machine dumpdtb="$OUT/qemu-virt-gicv2.dtb" >/dev/null 2>&1
[ -f "$OUT/qemu-virt-gicv3.dtb" ] || "$QEMU" -M virt,gic-version=3,virtualization=on \
	-cpu max -smp 4 -m 1G -nographic -nic none \
	-machine dumpdtb="$OUT/qemu-virt-gicv3.dtb" >/dev/null 2>&1
[ -f "$OUT/qemu-versal.dtb" ] || "$QEMU" -M xlnx-versal-virt -m 2G -nographic \
	-machine dumpdtb="$OUT/qemu-versal.dtb" >/dev/null 2>&1
for f in qemu-virt-gicv2 qemu-virt-gicv3 qemu-versal; do
	[ -f "$OUT/$f.dtb" ] || die "QEMU did not write $OUT/$f.dtb"
done
