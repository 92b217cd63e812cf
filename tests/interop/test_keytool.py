#!/usr/bin/python3
"""postern-keytool as an administrator uses it, checked against the openssl command line:
the three walk-throughs of docs/certificates.md (self-signed; CSR -> CA -> reply; certbot
files), export, truststore, check, delete and the exit codes. Prints 'N passed, N failed'."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))

from posternprocess import check, main  # noqa: E402


def run(*command, cwd):
    return subprocess.run(list(command), capture_output=True, text=True, cwd=cwd, stdin=subprocess.DEVNULL)


def main_flow(keytool, work):
    kt = lambda *a: run(keytool, *a, cwd=work)
    ssl = lambda *a: run("openssl", *a, cwd=work)
    store = ["--keystore", "keystore.p12", "--password-file", "keystore.pw"]

    # Usage errors are 2, failures 1.
    check("no command is a usage error (2)", kt().returncode == 2)
    check("unknown command is a usage error (2)", kt("frobnicate").returncode == 2)
    check("missing store options are a usage error (2)", kt("list").returncode == 2)
    check("a missing store is a failure (1)", kt("list", "--keystore", "absent.p12", "--password-file", "x").returncode == 1)
    helped = kt("import", "--help")
    check("each command has --help", helped.returncode == 0 and "--pkcs12" in helped.stdout)

    # 1. Self-signed for a test machine.
    gen = kt("generate", *store, "--alias", "test-machine", "--dns", "gw.test", "--ip", "127.0.0.1", "--key-type", "rsa2048")
    check("generate self-signed", gen.returncode == 0 and "SHA-256 fingerprint" in gen.stdout, gen.stderr)
    again = kt("generate", *store, "--alias", "test-machine", "--dns", "gw.test")
    check("generate refuses an existing alias", again.returncode == 1 and "already exists" in again.stderr)
    listing = json.loads(kt("list", *store, "--json").stdout)
    entry = listing["entries"][0]
    check("list --json describes the entry",
          entry["alias"] == "test-machine" and entry["hasPrivateKey"]
          and entry["certificate"]["keyType"] == "RSA" and entry["certificate"]["keyBits"] == 2048
          and "DNS:gw.test" in entry["certificate"]["subjectAlternativeNames"]
          and entry["certificate"]["selfSigned"], json.dumps(entry)[:300])

    # 2. CSR -> CA -> install the reply.
    ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
        "-out", "ca.crt", "-subj", "/CN=Walkthrough CA", "-days", "60", "-addext", "basicConstraints=critical,CA:TRUE")
    csr = kt("csr", *store, "--alias", "production", "--dns", "www.example.test", "--dns", "example.test", "--out", "production.csr")
    check("csr for a new key", csr.returncode == 0, csr.stderr)
    verified = ssl("req", "-in", "production.csr", "-verify", "-noout", "-text")
    check("openssl req -verify accepts the CSR with its SANs",
          verified.returncode == 0 and "verify OK" in verified.stdout + verified.stderr
          and "DNS:www.example.test, DNS:example.test" in verified.stdout, verified.stderr)
    signed = ssl("x509", "-req", "-in", "production.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                 "-out", "production.crt", "-days", "45", "-copy_extensions", "copy")
    check("openssl signs it", signed.returncode == 0, signed.stderr)
    mismatch = kt("install-reply", *store, "--alias", "test-machine", "--reply", "production.crt")
    check("a reply for another key is refused", mismatch.returncode == 1 and "does not match the key" in mismatch.stderr)
    installed = kt("install-reply", *store, "--alias", "production", "--reply", "production.crt", "--issuers", "ca.crt")
    check("install-reply with the CA completing the chain", installed.returncode == 0 and "chain of 2" in installed.stdout,
          installed.stdout + installed.stderr)
    shown = json.loads(kt("show", *store, "--alias", "production", "--json").stdout)
    check("show --json has the whole chain",
          len(shown["chain"]) == 2 and shown["chain"][1]["subjectCommonName"] == "Walkthrough CA"
          and shown["certificate"]["issuerCommonName"] == "Walkthrough CA")

    # 3. certbot's fullchain.pem + privkey.pem (here with an encrypted key).
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "le.key", "-subj", "/CN=le.example.test",
        "-addext", "subjectAltName=DNS:le.example.test", "-out", "le.csr")
    ssl("x509", "-req", "-in", "le.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "le.crt",
        "-days", "45", "-copy_extensions", "copy")
    with open(os.path.join(work, "fullchain.pem"), "w") as f:
        f.write(open(os.path.join(work, "le.crt")).read() + open(os.path.join(work, "ca.crt")).read())
    with open(os.path.join(work, "key.pw"), "w") as f:
        f.write("key secret\n")
    ssl("pkey", "-in", "le.key", "-aes256", "-passout", "file:key.pw", "-out", "privkey.pem")
    no_password = kt("import", *store, "--alias", "letsencrypt", "--cert", "fullchain.pem", "--key", "privkey.pem")
    check("an encrypted key without a password is refused (no terminal)",
          no_password.returncode == 1 and "no password was given" in no_password.stderr, no_password.stderr)
    imported = kt("import", *store, "--alias", "letsencrypt", "--cert", "fullchain.pem", "--key", "privkey.pem",
                  "--key-password-file", "key.pw")
    check("certbot files import", imported.returncode == 0 and "2 certificate(s)" in imported.stdout, imported.stderr)
    wrong_key = kt("import", *store, "--alias", "wrong", "--cert", "ca.crt", "--key", "le.key")
    check("a key that matches no certificate is refused",
          wrong_key.returncode == 1 and "does not match" in wrong_key.stderr)

    # An openssl-made PKCS#12 imports; ours opens in openssl.
    ssl("pkcs12", "-export", "-in", "le.crt", "-inkey", "le.key", "-name", "from-openssl", "-out", "le.p12",
        "-passout", "pass:p12secret")
    with open(os.path.join(work, "p12.pw"), "w") as f:
        f.write("p12secret\n")
    from_p12 = kt("import", *store, "--alias", "from-p12", "--pkcs12", "le.p12", "--pkcs12-password-file", "p12.pw")
    check("an openssl PKCS#12 imports", from_p12.returncode == 0, from_p12.stderr)
    exported = kt("export", *store, "--alias", "production", "--format", "pkcs12", "--out", "out.p12",
                  "--export-password-file", "p12.pw")
    opened = ssl("pkcs12", "-in", "out.p12", "-passin", "file:p12.pw", "-nokeys")
    check("our PKCS#12 export opens with openssl pkcs12",
          exported.returncode == 0 and opened.returncode == 0 and "CN = www.example.test" in opened.stdout, opened.stderr)
    check("the PKCS#12 export is owner-only", (os.stat(os.path.join(work, "out.p12")).st_mode & 0o077) == 0)
    kt("export", *store, "--alias", "production", "--format", "pem", "--chain", "--out", "chain.pem")
    chain_verify = ssl("verify", "-CAfile", "ca.crt", "chain.pem")
    check("the exported PEM chain verifies against the CA", chain_verify.returncode == 0, chain_verify.stdout)
    kt("export", *store, "--alias", "production", "--format", "der", "--out", "leaf.der")
    der = ssl("x509", "-inform", "der", "-in", "leaf.der", "-noout", "-subject")
    check("the DER export reads", der.returncode == 0 and "www.example.test" in der.stdout)

    # Truststore.
    trust = ["--truststore", "truststore.p12", "--password-file", "truststore.pw"]
    trusted = kt("trust", *trust, "--alias", "walkthrough-ca", "--cert", "ca.crt")
    listed = json.loads(kt("list", *trust, "--json").stdout)["entries"]
    check("trust adds a certificate-only entry",
          trusted.returncode == 0 and len(listed) == 1 and not listed[0]["hasPrivateKey"])

    # Check and delete.
    clean = kt("check", *store, "--days", "5")
    check("check with nothing to report exits 0", clean.returncode == 0, clean.stdout)
    findings = kt("check", *store, "--days", "50", "--json")
    found = json.loads(findings.stdout)["findings"]
    check("check --json reports expiring certificates and exits 3",
          findings.returncode == 3 and any(f["kind"] == "expiring" and f["alias"] == "production" for f in found))
    with open(os.path.join(work, "gateway-config.xml"), "w") as f:
        f.write("""<gateway-config><service><name>site</name><accept>wss://www.example.test:9443/</accept>
<type>echo</type></service><security><keystore><file>keystore.p12</file><password-file>keystore.pw</password-file>
</keystore></security></gateway-config>""")
    in_use = kt("delete", *store, "--alias", "production", "--config", "gateway-config.xml")
    check("delete refuses an entry a service uses", in_use.returncode == 1 and "in use by service(s) site" in in_use.stderr,
          in_use.stderr)
    forced = kt("delete", *store, "--alias", "production", "--config", "gateway-config.xml", "--force")
    check("delete --force deletes it and keeps a backup",
          forced.returncode == 0 and os.path.exists(os.path.join(work, "keystore.p12.bak")))
    renamed = kt("rename", *store, "--alias", "letsencrypt", "--to", "le")
    aliases = [e["alias"] for e in json.loads(kt("list", *store, "--json").stdout)["entries"]]
    check("rename", renamed.returncode == 0 and "le" in aliases and "letsencrypt" not in aliases, str(aliases))

    # hash-password: from standard input (a script) and from a file; never an argument.
    hashed = subprocess.run([keytool, "hash-password"], input="user secret\n", capture_output=True, text=True, cwd=work)
    check("hash-password reads standard input and prints an Argon2id hash",
          hashed.returncode == 0 and hashed.stdout.startswith("$argon2id$v=19$") and "user secret" not in hashed.stdout,
          hashed.stderr)
    from_file = kt("hash-password", "--password-file", "key.pw")
    check("hash-password --password-file", from_file.returncode == 0 and from_file.stdout.startswith("$argon2id$"))
    empty = subprocess.run([keytool, "hash-password"], input="\n", capture_output=True, text=True, cwd=work)
    check("an empty password is refused", empty.returncode == 1)

    # A wrong store password changes nothing.
    before = open(os.path.join(work, "keystore.p12"), "rb").read()
    with open(os.path.join(work, "wrong.pw"), "w") as f:
        f.write("not the password\n")
    wrong = kt("generate", "--keystore", "keystore.p12", "--password-file", "wrong.pw", "--alias", "x", "--dns", "x.test")
    check("a wrong store password is a clear error and changes nothing",
          wrong.returncode == 1 and "wrong password" in wrong.stderr
          and open(os.path.join(work, "keystore.p12"), "rb").read() == before, wrong.stderr)


def run_all(args):
    work = tempfile.mkdtemp(prefix="postern-keytool-")
    try:
        main_flow(os.path.abspath(args.keytool), work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(run_all, "keytool")
