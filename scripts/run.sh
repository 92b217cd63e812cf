#!/usr/bin/env bash
# The "run" command: installs what is missing, builds Release, makes sure the keystore has a
# certificate for localhost (creating a self-signed one on first start), and runs posternd
# in the foreground with conf/gateway-config.xml. Stop it with Ctrl-C (SIGINT drains like SIGTERM).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build-release"

"$root/scripts/deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build"

keytool="$build/tools/keytool/postern-keytool"
config="$root/conf/gateway-config.xml"
keystore="$root/conf/keystore.p12"
password="$root/conf/keystore.pw"

# The demo certificate is made here, by the run command, never silently by the daemon.
covered=0
if [ -f "$keystore" ]; then
    "$keytool" check-host --keystore "$keystore" --password-file "$password" localhost >/dev/null || covered=$?
else
    covered=3
fi
if [ "$covered" -eq 3 ]; then
    alias=localhost
    if [ -f "$keystore" ] && "$keytool" list --keystore "$keystore" --password-file "$password" --json \
            | grep -q '"alias": "localhost"'; then
        alias="localhost-$(date +%Y%m%d%H%M%S)"
    fi
    echo "postern: no certificate for localhost in conf/keystore.p12; creating a self-signed demo certificate"
    "$keytool" generate --keystore "$keystore" --password-file "$password" \
        --alias "$alias" --dns localhost --ip 127.0.0.1 --days 365
    echo "postern: a browser will warn about this certificate; accept it only if it shows the fingerprint above"
elif [ "$covered" -ne 0 ]; then
    echo "postern: cannot read conf/keystore.p12 (see above); fix or remove it and its password file" >&2
    exit 1
fi

# The demo realm's user, made here with a random password that is printed once and stored
# only as an Argon2id hash. Forgot it? Delete conf/users.xml and run again.
users="$root/conf/users.xml"
if [ ! -f "$users" ]; then
    demo_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=' | head -c 16)
    hash=$(printf '%s\n' "$demo_password" | "$keytool" hash-password)
    (
        umask 077
        printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
            '<!-- Users of the demo realm (conf/gateway-config.xml). Passwords are Argon2id hashes' \
            '     made by postern-keytool hash-password. -->' \
            '<jaas-config>' \
            '  <user>' \
            '    <name>demo</name>' \
            "    <password>$hash</password>" \
            '    <role-name>AUTHORIZED</role-name>' \
            '  </user>' \
            '  <role><name>AUTHORIZED</name><description>May use secure-echo</description></role>' \
            '</jaas-config>' > "$users.tmp"
        mv -f "$users.tmp" "$users"   # whole or not at all: a half-written file would stop the next start
    )
    echo "postern: created the demo realm's user: name 'demo', password '$demo_password' (shown only now)"
fi

# The management realm's administrator, the same way: a random password, printed once.
admins="$root/conf/admins.xml"
if [ ! -f "$admins" ]; then
    admin_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=' | head -c 20)
    hash=$(printf '%s\n' "$admin_password" | "$keytool" hash-password)
    (
        umask 077
        printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
            '<!-- Administrators of the gateway (the management API). Passwords are Argon2id hashes' \
            '     made by postern-keytool hash-password; the API adds users here too. -->' \
            '<jaas-config>' \
            '  <user>' \
            '    <name>admin</name>' \
            "    <password>$hash</password>" \
            '    <role-name>ADMINISTRATOR</role-name>' \
            '  </user>' \
            '  <role><name>ADMINISTRATOR</name><description>May change the running gateway</description></role>' \
            '  <role><name>OBSERVER</name><description>May look at it</description></role>' \
            '</jaas-config>' > "$admins.tmp"
        mv -f "$admins.tmp" "$admins"   # whole or not at all: a half-written file would stop the next start
    )
    echo "postern: created the management user: name 'admin', password '$admin_password' (shown only now)"
fi

echo "postern: open http://localhost:8000/ (or https://localhost:9000/); management API at wss://localhost:9443/manage"
echo "postern: Ctrl-C stops the gateway"
exec "$build/server/posternd" --config "$config"
