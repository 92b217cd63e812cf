#!/usr/bin/env bash
# The "test" command: installs what is missing, builds (with tests), and runs every test
# through CTest. CI runs exactly this (.ci/run).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build"

"$root/scripts/deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON >/dev/null
cmake --build "$build"
# The node tests' packages, from npm at the locked versions: playwright-core (it drives
# Debian's Chromium; it downloads no browser) and ws (the interop client and back-end).
# Installed again only when the lock file changes.
browser="$build/browser"
if ! cmp -s "$browser/package-lock.json" "$browser/node_modules/.postern-installed-lock" 2>/dev/null; then
    (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$browser/package-lock.json" "$browser/node_modules/.postern-installed-lock"
fi
cd "$build"
exec ctest --output-on-failure --no-tests=error -j2
