#!/usr/bin/env bash
# Makes the PKI a process-level test needs, fresh each run and never committed (90 days, so
# that an audit does not count a short life against the gateway):
#   DIR/ca.pem              a throwaway test CA (its key DIR/ca.key lives only as long as DIR)
#   DIR/keystore.p12        posternd's keystore: entry 'localhost', a certificate for localhost
#   DIR/keystore.pw         and 127.0.0.1 signed by that CA (chain of 2), password owner-only
# The leaf goes the way an administrator's would: postern-keytool csr -> openssl as the CA ->
# postern-keytool install-reply. Used by the interop, browser and TLS audit tests alike.
#
#   tests/support/make-test-pki.sh POSTERN-KEYTOOL DIR [KEY-TYPE]   (KEY-TYPE: the keytool's, default ec-p256)
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 POSTERN-KEYTOOL DIR [KEY-TYPE]" >&2; exit 2; }
keytool=$(realpath "$1")
dir=$2
key_type=${3:-ec-p256}
mkdir -p "$dir"
cd "$dir"
umask 077
fail() { echo "make-test-pki: $*" >&2; exit 1; }
store=(--keystore keystore.p12 --password-file keystore.pw)

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
    -subj "/CN=Postern Test CA $$" -days 91 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null \
    || fail "openssl could not make the test CA"
"$keytool" csr "${store[@]}" --alias localhost --cn localhost --dns localhost --ip 127.0.0.1 \
    --key-type "$key_type" --out localhost.csr >/dev/null || fail "postern-keytool csr failed"
# The leaf's profile is a public CA's: for a TLS server, and saying where revocation is
# published (testssl rates a certificate without it HIGH; a CRL that is never fetched here).
cat >leaf.ext <<'EXT'
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
crlDistributionPoints = URI:http://localhost/postern-test-ca.crl
EXT
openssl x509 -req -in localhost.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out localhost.pem -days 90 \
    -copy_extensions copy -extfile leaf.ext 2>/dev/null || fail "openssl could not sign the request"
"$keytool" install-reply "${store[@]}" --alias localhost --reply localhost.pem --issuers ca.pem >/dev/null \
    || fail "postern-keytool install-reply failed"
rm -f localhost.csr leaf.ext ca.srl keystore.p12.bak
