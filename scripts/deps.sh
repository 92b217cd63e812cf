#!/usr/bin/env bash
# Installs the Debian packages Postern needs to build, run and test, when any is missing.
# Used by scripts/run.sh, scripts/test.sh and bench/run.sh (with the argument "bench": the
# benchmark's peers; with "fuzz": scripts/fuzz.sh's compiler);
# safe to run again (it installs nothing then).
set -euo pipefail

packages=(
    cmake ninja-build g++ pkgconf        # build
    qt6-base-dev qt6-websockets-dev      # Qt 6.4: Core, Network, Widgets, Test, WebSockets
    qt6-base-private-dev                 # QSslSocketPrivate: wss connections share one OpenSSL context per certificate
    qt6-charts-dev qtkeychain-qt6-dev    # the console: dashboard graphs; passwords in the OS keyring
    libssl-dev openssl                   # OpenSSL 3: keystores and certificates; the CLI for interop tests
    libargon2-dev argon2                 # Argon2id password hashes; the CLI cross-checks them in tests
    libhiredis-dev redis-server          # the cluster's Redis protocol; a Redis server for the cluster tests
    haproxy                              # the cluster test runs conf/haproxy-cluster.cfg in front of two nodes
    libsystemd-dev                       # sd_notify: posternd tells systemd READY/RELOADING/STOPPING and pings its watchdog
    systemd                              # systemd-analyze verifies conf/posternd.service in the tests (nothing is started)
    python3 python3-websockets           # the interop test's independent WebSocket client
    chromium                             # the browser test's browser (driven by npm playwright-core)
    libnss3-tools                        # certutil: the browser TLS test trusts its test CA in an NSS database
    testssl.sh                           # the TLS audit (scripts/tls-audit.sh, CTest tls_audit) of the wss listener
)
# scripts/fuzz.sh (opt-in) builds the libFuzzer targets with clang: clang 16 is the oldest
# Debian clang that compiles libstdc++ 12's std::expected (clang 14 lacks P0848), and
# libclang-rt-16-dev holds libFuzzer and the sanitizer runtimes.
if [ "${1:-}" = fuzz ]; then
    packages+=(clang-16 libclang-rt-16-dev)
fi
# bench/run.sh (and its smoke run, the CTest test bench_quick that scripts/test.sh runs)
# measures Postern side by side with these, each from Debian as an operator would install it
# (HAProxy, its third peer, is in the list above for the cluster test).
if [ "${1:-}" = bench ]; then
    packages+=(websockify nginx-light)
fi
# The sanitizer build of scripts/test.sh needs nothing more: g++ brings libasan and libubsan.
# Node.js and npm run the browser test; a machine may have them from elsewhere (NodeSource),
# and then Debian's would conflict: installed only when there is no npm at all.
if ! command -v npm >/dev/null 2>&1; then
    packages+=(nodejs npm)
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "postern: installing missing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "postern: run as root or install sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
echo "postern: packages installed"
