#!/usr/bin/env bash
# The TLS audit: runs Debian's testssl.sh against a posternd wss listener with the DEFAULT TLS
# settings (no ssl.* option set) and a certificate from a throwaway test CA, and fails when any
# finding is rated HIGH or CRITICAL, says NOT ok or VULNERABLE, or testssl could not finish.
# The CA is given to testssl (--add-ca), so the chain of trust is really evaluated.
#
#   scripts/tls-audit.sh [--build DIR] [--key-type TYPE] [--out DIR]
#     --build DIR      the build folder holding server/posternd and tools/keytool/postern-keytool (default: build)
#     --key-type TYPE  the certificate's key, as postern-keytool names it (default: ec-p256, the keytool's default)
#     --out DIR        keep testssl's JSON and text output there (default: a temporary folder, removed)
# Exit codes: 0 clean, 1 a finding fails the audit (listed), 2 usage or setup error.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build"
key_type=ec-p256
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --build) build=$(cd "$2" && pwd); shift 2 ;;
        --key-type) key_type=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "tls-audit: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
posternd="$build/server/posternd"
keytool="$build/tools/keytool/postern-keytool"
for tool in "$posternd" "$keytool"; do
    [ -x "$tool" ] || { echo "tls-audit: $tool is not built (cmake --build $build)" >&2; exit 2; }
done
command -v testssl >/dev/null || { echo "tls-audit: testssl is missing (scripts/deps.sh installs testssl.sh)" >&2; exit 2; }

work=$(mktemp -d /tmp/postern-tls-audit.XXXXXX)
gateway=""
cleanup() {
    if [ -n "$gateway" ] && kill -0 "$gateway" 2>/dev/null; then
        kill "$gateway"
        wait "$gateway" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
[ -n "$out" ] || out="$work/out"
mkdir -p "$out"
rm -f "$out/testssl.json" "$out/testssl.txt"

"$root/tests/support/make-test-pki.sh" "$keytool" "$work" "$key_type" || exit 2
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/gateway-config.xml" <<XML
<?xml version="1.0"?>
<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <!-- No ssl.* accept option: the audit is of the defaults. -->
  <service>
    <name>echo</name>
    <accept>wss://localhost:$port/echo</accept>
    <type>echo</type>
  </service>
  <security>
    <keystore><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore>
  </security>
</gateway-config>
XML
"$posternd" --config "$work/gateway-config.xml" >"$out/posternd.log" 2>&1 &
gateway=$!
for _ in $(seq 150); do
    grep -q "listening on localhost:$port (TLS)" "$out/posternd.log" && break
    kill -0 "$gateway" 2>/dev/null || break
    sleep 0.1
done
grep -q "listening on localhost:$port (TLS)" "$out/posternd.log" \
    || { echo "tls-audit: posternd did not start:" >&2; cat "$out/posternd.log" >&2; exit 2; }

version=$(testssl --version 2>/dev/null | grep -o 'testssl *[0-9][0-9.a-z-]*' | head -1 || true)
echo "tls-audit: ${version:-testssl} against wss://localhost:$port/echo (default TLS settings, $key_type certificate from a test CA)"
started=$(date +%s)
# --ip: the listener is on loopback; --add-ca: trust is judged against the test CA too.
# testssl's exit code counts findings, so the JSON decides, below.
testssl --quiet --color 0 --warnings off --ip 127.0.0.1 --add-ca "$work/ca.pem" \
    --jsonfile "$out/testssl.json" "localhost:$port" >"$out/testssl.txt" 2>&1 || true
echo "tls-audit: testssl took $(( $(date +%s) - started )) s; full output in $out/testssl.txt" \
     "$( [ "$out" = "$work/out" ] && echo '(removed; keep it with --out DIR)')"

/usr/bin/python3 - "$out/testssl.json" <<'PY'
import json, re, sys
try:
    findings = json.load(open(sys.argv[1]))
except (OSError, ValueError) as error:
    print(f"tls-audit: testssl left no readable JSON ({error})", file=sys.stderr)
    sys.exit(2)
if not findings:
    print("tls-audit: testssl reported nothing", file=sys.stderr)
    sys.exit(2)
by = {f["id"]: f for f in findings}
print("summary:")
for id_ in ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3", "cipherlist_NULL", "cipherlist_aNULL",
            "cipherlist_EXPORT", "cipherlist_LOW", "cipherlist_3DES_IDEA", "cipherlist_AVERAGE", "cipherlist_STRONG",
            "PFS", "PFS_ciphers", "PFS_ECDHE_curves", "cipher_order", "cert_keySize", "cert_signatureAlgorithm",
            "cert_chain_of_trust", "cert_revocation", "cert_crlDistributionPoints", "OCSP_stapling", "HSTS",
            "LUCKY13"):
    if id_ in by:
        print(f"  {id_:<24} {by[id_]['severity']:<6} {by[id_]['finding']}")
counts = {}
for f in findings:
    counts[f["severity"]] = counts.get(f["severity"], 0) + 1
print("  severities:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
noted = [f for f in findings if f["severity"] in ("LOW", "MEDIUM", "WARN")]
if noted:
    print("noted (LOW, MEDIUM, WARN; not failing):")
    for f in noted:
        print(f"  {f['severity']:<7} {f['id']}: {f['finding']}")
# A finding fails when rated HIGH or CRITICAL, or when its text says NOT ok or vulnerable in
# any case (testssl writes "not vulnerable" for a pass; "potentially vulnerable" is a failure).
failing = [f for f in findings
           if f["severity"] in ("HIGH", "CRITICAL")
           or "NOT ok" in f["finding"]
           or re.search(r"(?<!not )vulnerable", f["finding"], re.IGNORECASE)]
# testssl could not run a check: the audit is incomplete, so it fails too.
failing += [f for f in findings if f["id"] in ("scanProblem", "scanTime") and f["severity"] == "FATAL"]
if failing:
    print("FAILING findings:")
    for f in failing:
        print(f"  {f['severity']:<8} {f['id']}: {f['finding']}")
    sys.exit(1)
print("tls-audit: no finding rated HIGH or CRITICAL, NOT ok or VULNERABLE")
PY
