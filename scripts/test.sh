#!/usr/bin/env bash
# The "test" command: installs what is missing, builds (with tests), and runs every test
# through CTest. CI runs exactly this (.ci/run).
#
# Then it builds again with AddressSanitizer and UndefinedBehaviorSanitizer (GCC, build-asan/,
# -DPOSTERN_SANITIZE=ON) and runs the unit and integration tests there, the process-level
# ones against the sanitized posternd; the gui tests, limits_attacks, tls_audit and the
# benchmark's smoke run bench_quick (label bench) run only in the first build. Set
# POSTERN_SKIP_SANITIZE=1 to leave the second run out (docs/security.md, "Sanitizers").
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build"
asan="$root/build-asan"

# "bench": the benchmark's peers, for the smoke run bench_quick (label bench, first build only).
"$root/scripts/deps.sh" bench

# The node tests' packages, from npm at the locked versions: playwright-core (it drives
# Debian's Chromium; it downloads no browser) and ws (the interop client and back-end).
# Installed again only when the lock file changes.
install_browser_test() {
    local browser="$1/browser"
    if ! cmp -s "$browser/package-lock.json" "$browser/node_modules/.postern-installed-lock" 2>/dev/null; then
        (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error)
        cp "$browser/package-lock.json" "$browser/node_modules/.postern-installed-lock"
    fi
}

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON >/dev/null
cmake --build "$build"
install_browser_test "$build"
status=0
(cd "$build" && ctest --output-on-failure --no-tests=error -j2) 2>&1 | tee "$build/ctest.log" || status=1

if [ "${POSTERN_SKIP_SANITIZE:-0}" != 1 ]; then
    echo "== the same tests with AddressSanitizer and UndefinedBehaviorSanitizer (build-asan)"
    # -O1 -g1: what the sanitizers recommend (fast enough, line numbers in their reports),
    # and a quicker build than -O2 -g.
    cmake -S "$root" -B "$asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
        -DBUILD_TESTING=ON -DPOSTERN_SANITIZE=ON >/dev/null
    # The gui tests are not run there; their executables are not built either.
    cmake --build "$asan" --target postern_sanitized_tests
    install_browser_test "$asan"
    # The sanitizer options (and the leak suppressions for Qt's and OpenSSL's own allocations)
    # are set on each test by CMake, so `ctest` in build-asan alone runs them the same way.
    # Left out there, run in the first build only: limits_attacks measures the gateway's memory
    # and CPU time, which ASan's shadow memory and quarantine distort, and tls_audit checks the
    # TLS settings (three minutes of handshakes, no code of ours that the others do not run).
    (cd "$asan" && ctest --output-on-failure --no-tests=error -j2 -L 'unit|integration' -E '^(limits_attacks|tls_audit)$') 2>&1 \
        | tee "$asan/ctest.log" || status=1
fi

echo
echo "== test summary"
echo "build:      $(grep -E 'tests passed|tests failed' "$build/ctest.log" | tail -1)"
if [ "${POSTERN_SKIP_SANITIZE:-0}" != 1 ]; then
    echo "build-asan: $(grep -E 'tests passed|tests failed' "$asan/ctest.log" | tail -1)"
fi
exit $status
