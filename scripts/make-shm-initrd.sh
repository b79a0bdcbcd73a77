#!/bin/sh
# Builds build/guests/linux/initramfs-shm.cpio.gz: the guest initramfs with
# a second cpio appended (Linux unpacks both), holding what the Linux side of
# the shared-memory demo needs on Debian's stock kernel (docs/shm-linux.md):
#   /lib/modules/evdev.ko, /lib/modules/gpio_keys.ko  from the same kernel
#                                                     package as the Image
#   /bin/shmping                                      guests/build/shmping
# Silent when up to date. Needs the cached kernel .deb (scripts/get-guest-images.sh).
set -eu

cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=$BUILD/guests/linux
BASE=$OUT/initramfs.cpio.gz
SHMPING=guests/build/shmping
TARGET=$OUT/initramfs-shm.cpio.gz
MODULES="input/evdev.ko input/keyboard/gpio_keys.ko"

die() { echo "make-shm-initrd: error: $*" >&2; exit 1; }

[ -f "$OUT/Image.pkg" ] || die "no $OUT/Image.pkg: run scripts/get-guest-images.sh"
[ -f "$SHMPING" ] || die "no $SHMPING: run make -C guests"
pkg=$(cut -d' ' -f1 "$OUT/Image.pkg")
ver=$(cut -d' ' -f2 "$OUT/Image.pkg")
deb=$BUILD/guests/cache/${pkg}_${ver}_arm64.deb
[ -f "$deb" ] || die "no $deb (the kernel's package) in the cache: run scripts/get-guest-images.sh"

# Rebuild when any input is newer than the result.
if [ -f "$TARGET" ] && [ "$TARGET" -nt "$BASE" ] && [ "$TARGET" -nt "$SHMPING" ] &&
	[ "$TARGET" -nt "$deb" ] && [ "$TARGET" -nt "$0" ]; then
	exit 0
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/x" "$TMP/root/lib/modules" "$TMP/root/bin"
pats=""
for m in $MODULES; do pats="$pats ./lib/modules/*/kernel/drivers/$m"; done
# shellcheck disable=SC2086 # the patterns are meant to be split
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$TMP/x" --wildcards $pats
for m in $MODULES; do
	ko=$(find "$TMP/x/lib/modules" -path "*/kernel/drivers/$m")
	[ -n "$ko" ] || die "$deb has no $m"
	cp "$ko" "$TMP/root/lib/modules/"
done
aarch64-linux-gnu-strip -o "$TMP/root/bin/shmping" "$SHMPING"
(cd "$TMP/root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -n -9 >"$TMP/extra.cpio.gz"
cat "$BASE" "$TMP/extra.cpio.gz" >"$TMP/initramfs-shm.cpio.gz"
mv "$TMP/initramfs-shm.cpio.gz" "$TARGET"
echo "make-shm-initrd: $TARGET ($(wc -c <"$TARGET") bytes): $pkg's evdev.ko, gpio_keys.ko and shmping"
