#!/bin/sh
# `make test-fresh`: the README's two commands on a fresh Debian 12.
#
# Builds a throwaway Debian 12 (bookworm) chroot with debootstrap from the
# archive this machine's apt uses, puts a clean clone of HEAD in it (with
# ../shared beside it, as CI has it), and runs, as root inside it, exactly
#   make run    (driven by scripts/fresh-drive.py: Tandem's shell and the
#                Linux guest's shell must appear, then QEMU is quit)
#   make test   (must pass)
# Prints how long each phase took. Runs as root (debootstrap, chroot, mount).
#
# The debootstrap result is cached as a tarball (FRESH_DIR/base-*.tar); each
# run unpacks it into a new tree, so every package the project installs comes
# from a clean base. Uncommitted changes are not tested: commit first.
#
# Environment:
#   FRESH_DIR     work directory (default: build/fresh of this tree)
#   FRESH_SHARED  the ../shared to copy beside the clone (default: the one
#                 beside this repository's main worktree)
#   FRESH_KEEP=1  keep the chroot tree after a successful run
#   FRESH_REBASE=1  redo debootstrap even if the base tarball is cached
set -eu

cd "$(dirname "$0")/.."
REPO=$(pwd -P)
FRESH_DIR=${FRESH_DIR:-$REPO/build/fresh}
# absolute and without symlinks: it is compared with /proc/self/mounts and
# with /proc/<pid>/root
mkdir -p "$FRESH_DIR"
FRESH_DIR=$(cd "$FRESH_DIR" && pwd -P)
SUITE=bookworm
VARIANT=minbase
# what a newcomer has before the first command: the clone needs git, the
# commands need make
BASE_INCLUDE=git,make
BASE_TAR=$FRESH_DIR/base-$SUITE-$VARIANT.tar
ROOT=$FRESH_DIR/root
case "$ROOT" in *[!A-Za-z0-9/._-]*) echo "test-fresh: FRESH_DIR must be a plain path" >&2; exit 1 ;; esac
INNER=/work/tandem

die() { echo "test-fresh: error: $*" >&2; exit 1; }
say() { echo "test-fresh: $*"; }
now() { date +%s; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mount): sudo make test-fresh"
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	say "warning: uncommitted changes are not tested (the chroot gets a clone of HEAD)"

# --- the archive: read from this machine's apt sources, never named here -----
SOURCES=""
for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
	[ -s "$f" ] && { SOURCES=$f; break; }
done
[ -n "$SOURCES" ] || die "no /etc/apt/sources.list.d/debian.sources nor /etc/apt/sources.list"
case "$SOURCES" in
*.sources)
	# deb822: the URIs of the stanza whose Suites name the release itself
	MIRROR=$(awk -v suite="$SUITE" '
		/^[ \t]*$/ { if (ok && uri != "") { print uri; exit } ok = 0; uri = "" }
		/^URIs:/ { uri = $2 }
		/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
		END { if (ok && uri != "") print uri }' "$SOURCES" | head -n 1) ;;
*)
	MIRROR=$(awk -v suite="$SUITE" '$1 == "deb" && $3 == suite { print $2; exit }' "$SOURCES") ;;
esac
[ -n "$MIRROR" ] || die "no '$SUITE' entry in $SOURCES"

# --- clean-up on every exit path ---------------------------------------------
MOUNTS="" # innermost last
CHILD=""  # the step running in the background
ok=0
# umount_under DIR: whatever is still mounted below DIR, deepest first
umount_under() {
	awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r |
		while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
}
cleanup() {
	set +e
	[ -z "$CHILD" ] || kill "$CHILD" 2>/dev/null
	# processes still running inside the chroot were started by this script
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && kill -9 "${p#/proc/}" 2>/dev/null
	done
	for m in $(echo "$MOUNTS" | tr ' ' '\n' | sed '/^$/d' | tac); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	# a failed debootstrap can leave its own /proc and /sys mounts behind
	umount_under "$FRESH_DIR/base.tmp"
	if grep -q " $ROOT/" /proc/self/mounts; then
		echo "test-fresh: error: still mounted under $ROOT, not removing it" >&2
	elif [ "$ok" -eq 1 ] && [ "${FRESH_KEEP:-0}" != 1 ]; then
		rm -rf --one-file-system "$ROOT"
	elif [ -d "$ROOT" ]; then
		echo "test-fresh: the chroot is kept for a look: $ROOT (logs in $FRESH_DIR)" >&2
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

grep -q " $ROOT/" /proc/self/mounts && die "something is still mounted under $ROOT"
[ ! -e "$ROOT" ] || rm -rf --one-file-system "$ROOT"

T_START=$(now)
phase() { # NAME START
	printf '%s %s\n' "$1" "$(($(now) - $2))" >>"$FRESH_DIR/times"
	say "phase '$1' took $(($(now) - $2)) s"
}
: >"$FRESH_DIR/times"

# --- 1. the base system ------------------------------------------------------
t=$(now)
if [ ! -s "$BASE_TAR" ] || [ "${FRESH_REBASE:-0}" = 1 ]; then
	if ! command -v debootstrap >/dev/null 2>&1; then
		say "installing debootstrap"
		apt-get update -q >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null
	fi
	say "debootstrap $SUITE ($VARIANT + $BASE_INCLUDE) from $MIRROR"
	tmp=$FRESH_DIR/base.tmp
	rm -rf --one-file-system "$tmp"
	debootstrap --variant="$VARIANT" --include="$BASE_INCLUDE" "$SUITE" "$tmp" "$MIRROR" \
		>"$FRESH_DIR/debootstrap.log" 2>&1 || die "debootstrap failed, see $FRESH_DIR/debootstrap.log"
	tar -C "$tmp" -cf "$BASE_TAR.tmp" . && mv "$BASE_TAR.tmp" "$BASE_TAR"
	rm -rf --one-file-system "$tmp"
	phase debootstrap "$t"
	t=$(now)
fi
mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$BASE_TAR"
# the machine's way to the archive: its Debian sources, its apt access settings
# (e.g. a proxy, or accepting a snapshot's expired Release files), its resolver
rm -f "$ROOT/etc/apt/sources.list"
cp "$SOURCES" "$ROOT$SOURCES"
for f in /etc/apt/apt.conf.d/*; do
	grep -q '^[^/#]*Acquire' "$f" 2>/dev/null && cp "$f" "$ROOT/etc/apt/apt.conf.d/"
done
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
phase unpack-base "$t"

# --- 2. the clone ------------------------------------------------------------
t=$(now)
SHARED=${FRESH_SHARED:-}
if [ -z "$SHARED" ]; then
	common=$(cd "$(git rev-parse --git-common-dir)" && pwd)
	for d in "$REPO/../shared" "$(dirname "$(dirname "$common")")/shared"; do
		[ -d "$d" ] && { SHARED=$d; break; }
	done
fi
mkdir -p "$ROOT/work"
HEAD_SHA=$(git rev-parse HEAD)
git clone -q --no-hardlinks "$REPO" "$ROOT$INNER"
git -C "$ROOT$INNER" checkout -q --detach "$HEAD_SHA"
say "clone of $(git rev-parse --short HEAD) in $INNER"
if [ -n "$SHARED" ] && [ -d "$SHARED" ]; then
	cp -r "$SHARED" "$ROOT/work/shared"
	say "copied $SHARED to /work/shared"
else
	say "warning: no ../shared found (set FRESH_SHARED)"
fi
phase clone "$t"

# --- 3. the mounts -----------------------------------------------------------
mnt() { # FSTYPE-or-bind SOURCE TARGET
	mkdir -p "$ROOT$3"
	if [ "$1" = bind ]; then mount --bind "$2" "$ROOT$3"; else mount -t "$1" "$2" "$ROOT$3"; fi
	MOUNTS="$MOUNTS $ROOT$3"
}
mnt proc proc /proc
mnt sysfs sysfs /sys
mnt bind /dev /dev
mnt bind /dev/pts /dev/pts
mnt tmpfs tmpfs /dev/shm

# The long steps run in the background and are waited for: a signal then
# ends the wait at once and the clean-up stops them (a foreground command
# would delay the trap until it finished).
in_background() {
	"$@" &
	CHILD=$!
	wait "$CHILD"
}

# a root login's environment, nothing of this one's (ROOT has no spaces: checked)
CHROOT="env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	HOME=/root TERM=dumb LANG=C.UTF-8 chroot $ROOT /bin/sh -c"

# --- 4. make run ---------------------------------------------------------------
t=$(now)
say "make run (log: $FRESH_DIR/make-run.log)"
# shellcheck disable=SC2086 # CHROOT is a command line
in_background /usr/bin/python3 "$REPO/scripts/fresh-drive.py" run "$FRESH_DIR/make-run.log" \
	"$FRESH_DIR/times" $CHROOT "cd $INNER && make run" ||
	die "make run did not reach the Tandem and Linux shells, see $FRESH_DIR/make-run.log"
phase make-run "$t"

# --- 5. make test --------------------------------------------------------------
t=$(now)
say "make test (log: $FRESH_DIR/make-test.log)"
# shellcheck disable=SC2086
if ! in_background $CHROOT "cd $INNER && make test" </dev/null >"$FRESH_DIR/make-test.log" 2>&1; then
	tail -n 40 "$FRESH_DIR/make-test.log" >&2
	die "make test failed, see $FRESH_DIR/make-test.log"
fi
grep -E '^[0-9]+ passed' "$FRESH_DIR/make-test.log" | tail -n 1 | sed 's/^/test-fresh: system tests: /'
phase make-test "$t"

ok=1
say "PASS in $(($(now) - T_START)) s:"
sed 's/^/  /' "$FRESH_DIR/times"
