#!/bin/sh
# Runs one fuzz target for a while on a scratch copy of its seed corpus; new inputs stay out of the repo.
#   tests/fuzz/run.sh TARGET SECONDS [BUILD_DIR]      e.g. tests/fuzz/run.sh soap 600
# With HEARTH_FUZZ_RUNS=N the run is N inputs from a fixed seed instead: the same commit fuzzes the same inputs
# every time (what CI does, so that a green commit stays green); a finding there is real and reproducible.
# TARGET is a name from tests/fuzz/corpus/ (ssdp, range, soap…). The fuzzers are (re)built with clang in
# BUILD_DIR (default build-fuzz/). A crash leaves its input in the scratch folder and stops with exit 1: copy it
# to tests/fuzz/corpus/TARGET/ as a regression seed once the bug is fixed.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 TARGET SECONDS [BUILD_DIR]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
target=$1
seconds=$2
build=${3:-"$root/build-fuzz"}
corpus="$root/tests/fuzz/corpus/$target"
[ -d "$corpus" ] || { echo "$0: no corpus folder $corpus" >&2; exit 2; }

if [ ! -x "$build/tests/fuzz/fuzz_$target" ] || [ "${HEARTH_FUZZ_REBUILD:-1}" = 1 ]; then
    CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DHEARTH_FUZZ=ON -DHEARTH_INTEGRATION_TESTS=OFF \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build" --target "fuzz_$target" -j"${HEARTH_FUZZ_JOBS:-2}" >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hearth-fuzz-$target.XXXXXX")
mkdir "$work/corpus" "$work/artifacts"
cp "$corpus"/* "$work/corpus/"
echo "fuzz_$target: ${seconds}s, scratch folder $work"
status=0
(cd "$work" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/tests/fuzz/fuzz_$target" ${HEARTH_FUZZ_RUNS:+-runs=$HEARTH_FUZZ_RUNS -seed=1} \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    ${HEARTH_FUZZ_MAX_LEN:+-max_len=$HEARTH_FUZZ_MAX_LEN} -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    "$work/corpus" >"$work/log" 2>&1) || status=$?
grep -E '^stat::number_of_executed_units|^#[0-9]+ +DONE' "$work/log" | tail -2 || true
if [ $status -ne 0 ]; then
    tail -60 "$work/log"
    echo "fuzz_$target FAILED: crashing input(s) in $work/artifacts/" >&2
    ls -l "$work/artifacts/" >&2
    exit 1
fi
rm -rf "$work"
