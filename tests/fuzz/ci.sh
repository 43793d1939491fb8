#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The short fuzz step of .ci/bootstrap test: seed each target's corpus from
# the sample captures (the merge's from the build's rdpneg: shards of them),
# add tests/fuzz/regress/<target>/, and fuzz each
# target for SECONDS (default 15).  Any crash, leak, timeout or
# out-of-memory fails the step; the input is left in BUILD/fuzz-ci/art/.
#
#   tests/fuzz/ci.sh BUILD_DIR [SECONDS]     (from the repository root)
set -eu

build=$1
secs=${2:-15}
work=$build/fuzz-ci
rm -rf "$work"
mkdir -p "$work"
python3 tests/fuzz/seed.py --rdpneg "$build/analyzer/rdpneg" "$work/corpus"

status=0
passed=0
failed=0
for t in decode tracker pipeline report tls mcs merge; do
	mkdir -p "$work/corpus/$t" "$work/art/$t"
	regress=
	[ -d "tests/fuzz/regress/$t" ] && regress="tests/fuzz/regress/$t"
	# The first directory gains new inputs; the regressions are only read.
	if "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -dict=tests/fuzz/rdp.dict \
	    -artifact_prefix="$work/art/$t/" -print_final_stats=1 \
	    "$work/corpus/$t" $regress >"$work/$t.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$work/$t.log")
		cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$work/$t.log" | tail -n 1)
		echo "fuzz: $t: ${runs:-?} runs, $cov"
		passed=$((passed + 1))
	else
		echo "fuzz: $t FAILED; input in $work/art/$t/:" >&2
		ls "$work/art/$t" >&2
		grep -E -A 30 'ERROR|INVARIANT|runtime error' "$work/$t.log" |
		    head -n 60 >&2
		status=1
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
exit $status
