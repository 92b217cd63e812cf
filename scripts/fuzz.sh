#!/usr/bin/env bash
# Fuzzes Postern's parsers with libFuzzer (opt-in; not part of scripts/test.sh, which replays
# the seed corpus and the kept crash inputs instead).
#
#   scripts/fuzz.sh [target|all] [seconds]      # default: all, 300 seconds each
#
# Targets: httprequestparser configloader frameparser managementrequest certificateimporter
# (tests/fuzz/fuzz_<target>.cpp). Builds them with clang 16, libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer in build-fuzz/, then runs each in turn (one at a time: one
# core fuzzes, the other stays free) on a copy of its seed corpus and kept crash inputs in
# build-fuzz/fuzz-work/<target>/; the committed corpus is never changed. A crash, leak,
# timeout or undefined behaviour leaves its input in build-fuzz/fuzz-work/<target>/artifacts/;
# keep it by copying it to tests/fuzz/regressions/<target>/ once the bug is fixed. Prints a
# summary: runs, executions per second, coverage, findings. Exit status 1 if anything was found.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build-fuzz"
all=(httprequestparser configloader frameparser managementrequest certificateimporter)

which=${1:-all}
seconds=${2:-300}
if [ "$which" = all ]; then
    targets=("${all[@]}")
elif [[ " ${all[*]} " == *" $which "* ]]; then
    targets=("$which")
else
    echo "fuzz.sh: unknown target '$which' (one of: ${all[*]} or all)" >&2
    exit 2
fi
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || { echo "fuzz.sh: seconds must be a positive number" >&2; exit 2; }

"$root/scripts/deps.sh" fuzz
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CC=clang-16 CXX=clang++-16 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBUILD_TESTING=ON -DPOSTERN_FUZZ=ON "${launcher[@]}" >/dev/null
cmake --build "$build" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export QT_QPA_PLATFORM=offscreen POSTERN_SOURCE_DIR="$root"
summary=()
found=0
for target in "${targets[@]}"; do
    work="$build/fuzz-work/$target"
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    cp -r "$root/tests/fuzz/corpus/$target/." "$work/corpus/"
    find "$root/tests/fuzz/regressions/$target" -type f ! -name '.*' -exec cp {} "$work/corpus/" \;
    if [ "$target" = certificateimporter ]; then
        /usr/bin/python3 "$root/tests/fuzz/make-corpus.py" --key-seeds "$work/corpus"
    fi
    echo "== fuzzing $target for ${seconds}s (log: $work/fuzz.log)"
    status=0
    "$build/tests/fuzz/fuzz_$target" "$work/corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/artifacts/" >"$work/fuzz.log" 2>&1 || status=$?
    done_line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|INITED|pulse|NEW|REDUCE)' "$work/fuzz.log" | tail -1 || true)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/fuzz.log")
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
    corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$done_line")
    artifacts=$(find "$work/artifacts" -type f | wc -l)
    verdict=clean
    if [ "$status" -ne 0 ] || [ "$artifacts" -gt 0 ]; then
        verdict="FOUND $artifacts input(s) in $work/artifacts (exit $status); see $work/fuzz.log"
        found=1
        grep -E 'ERROR: |runtime error|check failed' "$work/fuzz.log" | head -3 || true
    fi
    summary+=("$(printf '%-20s %6ss %10s runs %8s exec/s  cov %-6s ft %-6s corpus %-10s %s' \
        "$target" "$seconds" "${runs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$verdict")")
done
echo
echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
exit $found
