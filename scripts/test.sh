#!/usr/bin/env bash
# The "test" command: installs what is missing, builds (with tests), and runs every test
# through CTest. CI runs exactly this (.ci/run).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build"

"$root/scripts/deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON >/dev/null
cmake --build "$build"
cd "$build"
exec ctest --output-on-failure --no-tests=error -j2
