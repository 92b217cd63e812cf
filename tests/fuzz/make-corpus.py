#!/usr/bin/python3
"""Makes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/).

    tests/fuzz/make-corpus.py                     # (re)writes tests/fuzz/corpus
    tests/fuzz/make-corpus.py --key-seeds DIR     # throwaway-key seeds, for scripts/fuzz.sh

The committed corpus holds no private key: certificates are made with keys that live in a
temporary folder and are deleted. Seeds that need a key (a certbot pair, an encrypted PEM
key, a PKCS#12 file with a key entry) are made with a fresh throwaway key each time
scripts/fuzz.sh runs, into its working copy of the corpus only. Passwords: "postern-fuzz"
(the one fuzz_certificateimporter.cpp tries).
"""
import argparse
import base64
import json
import os
import pathlib
import shutil
import struct
import subprocess
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PASSWORD = "postern-fuzz"


def write(folder, name, data):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data.encode() if isinstance(data, str) else data)


# --- HTTP request heads: valid, near-valid and refused ---
def http_seeds(out):
    ws = ("GET /echo?x=1 HTTP/1.1\r\nHost: localhost:8000\r\nUpgrade: websocket\r\n"
          "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          "Sec-WebSocket-Version: 13\r\nOrigin: https://app.test\r\n"
          "Sec-WebSocket-Protocol: chat, superchat\r\n\r\n")
    seeds = {
        "websocket-upgrade": ws,
        "plain-get": "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "http10": "GET /index.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "absolute-form": "GET http://Example.TEST:8080/a/b?q=1 HTTP/1.1\r\nHost: other\r\n\r\n",
        "ipv6-host": "GET / HTTP/1.1\r\nHost: [::1]:9000\r\n\r\n",
        "percent-path": "GET /a%20b/%C3%A9/%2e%2e?x=%41&y=+ HTTP/1.1\r\nHost: h\r\n\r\n",
        "bad-percent": "GET /%zz%4 HTTP/1.1\r\nHost: h\r\n\r\n",
        "credentials": ("GET /secure?access_token=abc.def.ghi HTTP/1.1\r\nHost: h\r\n"
                        "Authorization: Basic ZGVtbzpkZW1v\r\n"
                        "Cookie: a=1; postern-session=\"x.y\"; b\r\n\r\n"),
        "post-body": "POST /login HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\nuser=a&pw=b",
        "smuggling": "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "two-hosts": "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "folding": "GET / HTTP/1.1\r\nHost: a\r\n x: y\r\n\r\n",
        "space-before-colon": "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
        "http2": "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
        "bare-lf": "GET / HTTP/1.1\nHost: a\n\n",
        "control-in-value": "GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n",
        "incomplete": "GET / HTTP/1.1\r\nHost: a\r\n",
        "options-cors": ("OPTIONS /echo HTTP/1.1\r\nHost: h\r\nOrigin: https://app.test\r\n"
                         "Access-Control-Request-Method: GET\r\n\r\n"),
        "metrics": "GET /metrics HTTP/1.1\r\nHost: localhost:9443\r\nAuthorization: Basic YWRtaW46eA==\r\n\r\n",
        "many-headers": "GET / HTTP/1.1\r\nHost: h\r\n" + "".join(f"X-{i}: {i}\r\n" for i in range(101)) + "\r\n",
    }
    for name, text in seeds.items():
        write(out, name, text)


# --- configuration files ---
def config_seeds(out):
    shutil.copy(ROOT / "conf" / "gateway-config.xml", out / "default.xml")
    shutil.copy(ROOT / "tests" / "data" / "tst_gateway-config.xml", out / "tst_gateway.xml")
    header = '<?xml version="1.0"?>\n<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">\n'
    seeds = {
        "minimal": header + "</gateway-config>\n",
        "echo": header + ("  <service>\n    <name>echo</name>\n    <accept>ws://localhost:8000/echo</accept>\n"
                          "    <type>echo</type>\n  </service>\n</gateway-config>\n"),
        "proxy": header + (
            "  <properties><property><name>h</name><value>localhost</value></property></properties>\n"
            "  <service>\n    <name>p</name>\n    <accept>ws://${h}:8000/p</accept>\n"
            "    <connect>wss://backend.test:443/x</connect>\n    <type>proxy</type>\n"
            "    <properties><connect.strategy>prepared</connect.strategy><prepared.connection.count>2</prepared.connection.count>"
            "<maximum.pending.bytes>64k</maximum.pending.bytes></properties>\n"
            "    <accept-options><ws.maximum.message.size>128k</ws.maximum.message.size>"
            "<ws.inactivity.timeout>30s</ws.inactivity.timeout><ssl.protocols>TLSv1.3</ssl.protocols></accept-options>\n"
            "    <connect-options><ssl.verify-client>none</ssl.verify-client></connect-options>\n"
            "    <cross-site-constraint><allow-origin>*</allow-origin></cross-site-constraint>\n"
            "  </service>\n</gateway-config>\n"),
        "errors": header + ("  <service>\n    <nmae>x</nmae>\n    <accept>ftp://h/</accept>\n    <type>nope</type>\n"
                            "    <accept-options><ws.maximum.message.size>12q</ws.maximum.message.size></accept-options>\n"
                            "  </service>\n  <unknown/>\n</gateway-config>\n"),
        "not-well-formed": header + "  <service><name>a</service>\n",
        "entities": ('<?xml version="1.0"?>\n<!DOCTYPE gateway-config [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
                     '<gateway-config><service><name>&b;</name><accept>ws://h:1/</accept><type>echo</type></service>'
                     '</gateway-config>\n'),
        "crlf-bom": "\ufeff" + (header + "  <service>\n    <name>e</name>\n    <accept>ws://h:1/</accept>\n"
                                "    <type>echo</type>\n  </service>\n</gateway-config>\n").replace("\n", "\r\n"),
    }
    for name, text in seeds.items():
        write(out, name, text)


# --- WebSocket frames: byte 0 chooses role/streaming/limit, byte 1 the read sizes ---
def frame(opcode, payload=b"", fin=True, mask=None, rsv=0, length_bytes=None):
    first = (0x80 if fin else 0) | (rsv << 4) | opcode
    length = len(payload)
    if length_bytes is None:
        length_bytes = 0 if length < 126 else 2 if length < 65536 else 8
    masked = 0x80 if mask is not None else 0
    if length_bytes == 0:
        head = bytes([first, masked | length])
    elif length_bytes == 2:
        head = bytes([first, masked | 126]) + struct.pack(">H", length)
    else:
        head = bytes([first, masked | 127]) + struct.pack(">Q", length)
    if mask is None:
        return head + payload
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def frame_seeds(out):
    m = b"\x37\xfa\x21\x3d"
    server = {  # a client's frames, masked, read by the server
        "text": frame(1, "Hello, wörld €𝄞".encode(), mask=m),
        "binary": frame(2, bytes(range(256)), mask=m),
        "fragmented-text": frame(1, "Hé".encode()[:2], fin=False, mask=m) + frame(9, b"ping", mask=m)
                           + frame(0, "Hé".encode()[2:] + b"!", mask=m),
        "close": frame(8, struct.pack(">H", 1000) + b"bye", mask=m),
        "close-bad-code": frame(8, struct.pack(">H", 1005), mask=m),
        "invalid-utf8": frame(1, b"\xce\xba\xe1\xbd\xb9\xcf\x83\xed\xa0\x80", mask=m),
        "unmasked": frame(1, b"x"),
        "reserved": frame(1, b"x", mask=m, rsv=4) + frame(3, b"", mask=m),
        "long-control": frame(9, b"p" * 126, mask=m),
        "length-16": frame(2, b"z" * 300, mask=m),
        "length-64": frame(2, b"y" * 70, mask=m, length_bytes=8),
        "huge-length": bytes([0x82, 0xFF]) + struct.pack(">Q", (1 << 62)) + m + b"abc",
        "msb-length": bytes([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1]) + m,
        "continuation-first": frame(0, b"x", mask=m),
        "many-fragments": frame(2, b"a", fin=False, mask=m) + b"".join(frame(0, b"b", fin=False, mask=m) for _ in range(40))
                          + frame(0, b"c", mask=m),
    }
    client = {  # a server's frames, unmasked, read by a client (the proxy's back-end side)
        "text": frame(1, "κόσμε".encode()),
        "masked-from-server": frame(1, b"x", mask=m),
        "pong-close": frame(10, b"") + frame(8, b""),
        "close-one-byte": frame(8, b"\x03"),
    }
    for name, data in server.items():
        for settings, label in ((0x00, "server"), (0x02, "server-streaming"), (0x04, "server-16")):
            write(out, f"{label}-{name}", bytes([settings, 3]) + data)
    for name, data in client.items():
        write(out, f"client-{name}", bytes([0x01, 7]) + data)
        write(out, f"client-streaming-{name}", bytes([0x03, 1]) + data)


# --- management requests (and server messages, which the same target decodes) ---
def management_seeds(out):
    service = {"name": "chat", "description": "d", "type": "proxy", "enabled": True,
               "accept": ["wss://localhost:9000/chat"], "connect": "ws://chat.internal:8080/",
               "properties": {"connect.strategy": "immediate"},
               "acceptOptions": {"ws.maximum.message.size": "128k"}, "connectOptions": {},
               "realm": "demo", "authorization": {"requireRoles": ["AUTHORIZED"], "requireValidUser": False},
               "crossSite": [{"allowOrigin": "https://app.example.com", "allowMethods": "GET",
                              "allowHeaders": "", "maximumAge": ""}],
               "mimeMappings": [{"extension": "md", "mimeType": "text/markdown"}]}
    seeds = {
        "gateway-info": {"id": 1, "op": "gateway.info"},
        "services-create": {"id": "a", "op": "services.create", "params": {"revision": "abc", "service": service}},
        "services-update": {"id": 2, "op": "services.update",
                            "params": {"revision": "abc", "name": "echo",
                                       "service": {"name": "echo", "type": "echo", "accept": ["ws://h:1/e"]}}},
        "sessions-close": {"id": 3, "op": "sessions.close", "params": {"ids": [1, 2, 9007199254740992], "code": 4000,
                                                                      "reason": "bye"}},
        "logs-tail": {"id": 4.5, "op": "logs.tail", "params": {"lines": 1e300}},
        "import": {"id": 5, "op": "certificates.import",
                   "params": {"alias": "x", "data": base64.b64encode(b"not a certificate").decode(),
                              "password": "p", "days": -1}},
        "subscribe": {"id": 6, "op": "subscribe", "params": {"topics": ["sessions", "logs"], "level": "debug"}},
        "extreme-number": {"id": 7, "op": "sessions.get", "params": {"id": 9223372036854775807}},
        "unknown-member": {"id": 8, "op": "x", "extra": True},
        "no-id": {"op": "x"},
        "event": {"event": "session.opened", "data": {"id": 1}},
        "error-answer": {"id": 1, "error": {"code": "InvalidParams", "message": "m", "field": "params.x"}},
        "result-answer": {"id": 1, "result": [1, "two", None]},
    }
    for name, value in seeds.items():
        write(out, name, json.dumps(value))
    write(out, "not-json", '{"id": 1, "op": ')
    write(out, "array", "[1, 2, 3]")


# --- certificates (no keys in the committed corpus) ---
def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_certificates(work):
    """A CA, an intermediate and a leaf (RSA and EC), in `work`. Keys stay in `work`."""
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "30", "-subj", "/CN=Postern fuzz seed CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=keyCertSign,cRLSign", cwd=work)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
            "-subj", "/CN=localhost/O=Postern fuzz seed", cwd=work)
    (work / "leaf.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1,email:a@b.test\n"
                                   "extendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature\n")
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "leaf.pem", "-days", "30", "-extfile", "leaf.ext", cwd=work)
    openssl("req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", "ed.key", "-out", "ed.pem", "-days", "1",
            "-subj", "/CN=ed25519 fuzz seed", cwd=work)


def certificate_seeds(out):
    with tempfile.TemporaryDirectory() as temp:
        work = pathlib.Path(temp)
        make_certificates(work)
        leaf, ca, ed = ((work / n).read_bytes() for n in ("leaf.pem", "ca.pem", "ed.pem"))
        write(out, "leaf.pem", leaf)
        write(out, "fullchain.pem", leaf + ca)
        write(out, "ed25519.pem", ed)
        openssl("x509", "-in", "leaf.pem", "-outform", "DER", "-out", "leaf.der", cwd=work)
        write(out, "leaf.der", (work / "leaf.der").read_bytes())
        # A PKCS#12 file with certificates only (a truststore import), under the fuzz password.
        openssl("pkcs12", "-export", "-nokeys", "-in", "leaf.pem", "-certfile", "ca.pem",
                "-passout", f"pass:{PASSWORD}", "-out", "certs.p12", cwd=work)
        write(out, "certs-only.p12", (work / "certs.p12").read_bytes())
        write(out, "damaged.pem", leaf[:200] + b"!!!" + leaf[203:])
        write(out, "empty-block.pem", b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")


def key_seeds(out):
    """Seeds with a throwaway key, made afresh for each fuzz run, never committed."""
    with tempfile.TemporaryDirectory() as temp:
        work = pathlib.Path(temp)
        make_certificates(work)
        leaf, ca, key = ((work / n).read_bytes() for n in ("leaf.pem", "ca.pem", "leaf.key"))
        write(out, "throwaway-certbot-pair.pem", leaf + ca + key)
        openssl("pkey", "-in", "leaf.key", "-aes256", "-passout", f"pass:{PASSWORD}", "-out", "enc.key", cwd=work)
        write(out, "throwaway-encrypted-key.pem", (work / "enc.key").read_bytes())
        openssl("pkey", "-in", "ed.key", "-outform", "DER", "-out", "ed.der", cwd=work)
        write(out, "throwaway-key.der", (work / "ed.der").read_bytes())
        openssl("pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.pem", "-certfile", "ca.pem",
                "-passout", f"pass:{PASSWORD}", "-out", "key.p12", cwd=work)
        write(out, "throwaway-key.p12", (work / "key.p12").read_bytes())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--key-seeds", metavar="DIR", help="write the throwaway-key seeds into DIR and stop")
    args = parser.parse_args()
    if args.key_seeds:
        key_seeds(pathlib.Path(args.key_seeds))
        return
    corpus = HERE / "corpus"
    for target, make in (("httprequestparser", http_seeds), ("configloader", config_seeds),
                         ("frameparser", frame_seeds), ("managementrequest", management_seeds),
                         ("certificateimporter", certificate_seeds)):
        folder = corpus / target
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        make(folder)
        print(f"{target}: {len(list(folder.iterdir()))} seeds")


if __name__ == "__main__":
    main()
