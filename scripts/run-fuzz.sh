#!/bin/sh
# Runs libFuzzer targets one after the other (the machine has 2 cores and
# other work): run-fuzz.sh RUNS OUTDIR BINARY...
# Each target starts from its seeds in tests/fuzz/corpus/<unit>/ (never
# written) and a fresh OUTDIR/work/<unit>/ for what it finds; a crash input
# lands in OUTDIR/artifacts/. Prints one line per target with libFuzzer's
# final figures; exits 1 if any target crashed or failed a check.
# FUZZ_SEED (default 1) and FUZZ_FLAGS (extra libFuzzer options) are honoured.
set -u
runs=$1
out=$2
shift 2
fail=0
mkdir -p "$out/artifacts"
for bin in "$@"; do
	name=$(basename "$bin")
	unit=${name#fuzz_}
	work=$out/work/$unit
	log=$out/$name.log
	rm -rf "$work"
	mkdir -p "$work"
	# shellcheck disable=SC2086
	if "$bin" -runs="$runs" -seed="${FUZZ_SEED:-1}" -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$name-" ${FUZZ_FLAGS:-} \
		"$work" "tests/fuzz/corpus/$unit" >"$log" 2>&1; then
		done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
		secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
		cov=$(echo "$done_line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
		ft=$(echo "$done_line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
		corp=$(echo "$done_line" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
		echo "fuzz $name: ${execs:-?} executions in ${secs:-?} s, cov ${cov:-?} ft ${ft:-?}, corpus ${corp:-?}, no crash"
	else
		fail=1
		echo "fuzz $name: FAILED (log $log):"
		grep -E 'check failed|ERROR: (Address|Undefined|libFuzzer)|runtime error|SUMMARY|Test unit written' "$log" | head -8
	fi
done
[ $fail -eq 0 ] || { echo "fuzzing FAILED"; exit 1; }
