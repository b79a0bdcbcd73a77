#!/usr/bin/python3
"""The hot paths against a committed baseline: run bench/hotpaths.py's two
measurements (guests/gbench natively and under Tandem, -icount
shift=0,align=off,sleep=off, so 1 ns = 1 instruction and the figures are
exact), take what Tandem adds to each path (Tandem avg - native avg) and
compare it with bench/results/hotpaths-baseline.json. A path that grew
by more than --slack instructions is reported loudly and the exit status
is 1. Not a timed test: a bench to run before and after a change to the
exit path (issue 23).

Usage: make && bench/hotpath_guard.py            compare
       bench/hotpath_guard.py --update           make the figures the baseline
"""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hotpaths  # noqa: E402

BASELINE = os.path.join(hotpaths.REPO, "bench", "results", "hotpaths-baseline.json")
ICOUNT = "shift=0,align=off,sleep=off"


def measure():
    with tempfile.TemporaryDirectory(prefix="hotpath-guard-") as tmp:
        bundle = os.path.join(tmp, "gbench-bundle.cpio")
        hotpaths.gbench_bundle(bundle)
        native = hotpaths.parse(hotpaths.run_native(ICOUNT))
        tandem = hotpaths.parse(hotpaths.run_tandem(ICOUNT, bundle))
    return {name: tandem[name][2] - native[name][2]
            for name in hotpaths.NAMES if name in native and name in tandem}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--update", action="store_true", help="write the figures as the baseline")
    ap.add_argument("--slack", type=int, default=5,
                    help="instructions a path may grow before it counts (default %(default)s)")
    args = ap.parse_args()
    now = measure()
    if args.update:
        with open(BASELINE, "w") as f:
            json.dump({"icount": ICOUNT, "added_instructions": now}, f, indent=1, sort_keys=True)
            f.write("\n")
        print(f"baseline written: {BASELINE}")
    base = json.load(open(BASELINE))["added_instructions"] if os.path.isfile(BASELINE) else {}
    grew = []
    print(f"\n{'path':<10} {'baseline':>9} {'now':>9} {'change':>9}   (instructions Tandem adds)")
    for name in hotpaths.NAMES:
        b, n = base.get(name), now.get(name)
        if n is None:
            print(f"{name:<10} {b if b is not None else '-':>9} {'missing':>9}")
            grew.append(name)
            continue
        change = "-" if b is None else f"{n - b:+d}"
        print(f"{name:<10} {b if b is not None else '-':>9} {n:>9} {change:>9}")
        if b is not None and n - b > args.slack:
            grew.append(name)
    for name in grew:
        print(f"!!! HOT PATH GREW: {name}: {base.get(name)} -> {now.get(name)} instructions !!!")
    return 1 if grew else 0


if __name__ == "__main__":
    sys.exit(main())
