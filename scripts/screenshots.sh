#!/usr/bin/env bash
# Saves a screenshot of each page of postern-admin into docs/images/ (or the folder given):
# builds Release, starts a demo posternd in a temporary folder (its own self-signed
# certificate, an administrator with a random password, an echo service, a proxy, a users
# realm, a certificate about to expire) as node gw-1 of a cluster with a second node gw-2
# (a redis-server of its own on a free port), puts some live sessions on both, and runs the
# console under Xvfb with a profile that pins the demo certificate (the Sessions page is shot
# showing the whole cluster). Everything made is removed after.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# POSTERN_BUILD: an existing build folder to use (its configuration is left as it is).
build="${POSTERN_BUILD:-$root/build-release}"
out=$(realpath -m "${1:-$root/docs/images}")

"$root/scripts/deps.sh"
if ! command -v xvfb-run >/dev/null; then
    echo "postern: installing xvfb for the screenshots"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb xauth >/dev/null
fi
if [ -z "${POSTERN_BUILD:-}" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
fi
cmake --build "$build" --target posternd postern-admin postern-keytool
keytool="$build/tools/keytool/postern-keytool"

work=$(mktemp -d)
gateway_pid=""
second_pid=""
redis_pid=""
traffic_pid=""
cleanup() {
    [ -n "$traffic_pid" ] && kill "$traffic_pid" 2>/dev/null || true
    [ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null || true
    [ -n "$second_pid" ] && kill "$second_pid" 2>/dev/null && wait "$second_pid" 2>/dev/null || true
    [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http=$(port); manage=$(port); backend=$(port); redis=$(port); http2=$(port)

"$keytool" generate --keystore "$work/keystore.p12" --password-file "$work/keystore.pw" \
    --alias localhost --dns localhost --ip 127.0.0.1 --days 365 >/dev/null
"$keytool" generate --keystore "$work/keystore.p12" --password-file "$work/keystore.pw" \
    --alias legacy-api --dns legacy.example.com --days 12 --key-type rsa2048 >/dev/null
fingerprint=$("$keytool" list --keystore "$work/keystore.p12" --password-file "$work/keystore.pw" --json \
    | /usr/bin/python3 -c 'import json,sys; print([e for e in json.load(sys.stdin)["entries"] if e["alias"]=="localhost"][0]["certificate"]["sha256"])')

admin_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=' | head -c 20)
user_entry() { printf '  <user><name>%s</name><password>%s</password>%s</user>\n' "$1" "$(printf '%s\n' "$2" | "$keytool" hash-password)" "$3"; }
{
    echo '<jaas-config>'
    user_entry admin "$admin_password" '<role-name>ADMINISTRATOR</role-name>'
    echo '</jaas-config>'
} > "$work/admins.xml"
{
    echo '<jaas-config>'
    for name in alice bob carol; do
        user_entry "$name" "$(head -c 12 /dev/urandom | base64)" '<role-name>AUTHORIZED</role-name>'
    done
    echo '</jaas-config>'
} > "$work/users.xml"

cat > "$work/gateway-config.xml" <<XML
<?xml version="1.0"?>
<!-- The screenshot script's demo gateway. -->
<gateway-config>
  <service>
    <name>echo</name>
    <description>Echoes every message</description>
    <accept>ws://localhost:$http/echo</accept>
    <type>echo</type>
  </service>
  <service>
    <name>chat</name>
    <description>Chat back-end, through the proxy</description>
    <accept>ws://localhost:$http/chat</accept>
    <connect>ws://localhost:$http/echo</connect>
    <type>proxy</type>
    <cross-site-constraint><allow-origin>https://app.example.com</allow-origin></cross-site-constraint>
  </service>
  <service>
    <name>reports</name>
    <accept>ws://localhost:$http/reports</accept>
    <connect>tcp://localhost:$backend</connect>
    <type>proxy</type>
    <properties><connect.strategy>deferred</connect.strategy></properties>
    <realm-name>demo</realm-name>
  </service>
  <service>
    <name>web</name>
    <accept>http://localhost:$http/</accept>
    <type>directory</type>
    <properties><directory>$root/resources/web</directory><welcome-file>index.html</welcome-file></properties>
  </service>
  <service>
    <name>management</name>
    <accept>wss://localhost:$manage/manage</accept>
    <type>management</type>
    <realm-name>administrators</realm-name>
  </service>
  <security>
    <keystore><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore>
    <realm><name>administrators</name><authentication>
      <http-challenge-scheme>Application Basic</http-challenge-scheme>
      <login-modules><login-module><type>file</type><options><file>admins.xml</file></options></login-module></login-modules>
    </authentication></realm>
    <realm><name>demo</name><authentication>
      <login-modules><login-module><type>file</type><options><file>users.xml</file></options></login-module></login-modules>
    </authentication></realm>
  </security>
  <cluster><name>gw-1</name><connect>redis://127.0.0.1:$redis</connect><password-file>redis.pw</password-file></cluster>
</gateway-config>
XML
cat > "$work/gw-2.xml" <<XML
<?xml version="1.0"?>
<!-- The screenshot script's second cluster node. -->
<gateway-config>
  <service><name>echo</name><accept>ws://localhost:$http2/echo</accept><type>echo</type></service>
  <cluster><name>gw-2</name><connect>redis://127.0.0.1:$redis</connect><password-file>redis.pw</password-file></cluster>
</gateway-config>
XML
(umask 077; head -c 18 /dev/urandom | base64 > "$work/redis.pw")
redis-server --port "$redis" --bind 127.0.0.1 --save '' --appendonly no --requirepass "$(cat "$work/redis.pw")" \
    > "$work/redis.log" 2>&1 &
redis_pid=$!

"$build/server/posternd" --config "$work/gateway-config.xml" > "$work/posternd.log" 2>&1 &
gateway_pid=$!
"$build/server/posternd" --config "$work/gw-2.xml" > "$work/gw-2.log" 2>&1 &
second_pid=$!
for _ in $(seq 50); do
    /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $manage), 0.2)" 2>/dev/null && break
    sleep 0.2
done

# Live sessions with some traffic while the pictures are taken; they stop by themselves.
/usr/bin/python3 - "$http" "$http2" > "$work/traffic.log" 2>&1 <<'PY' &
import asyncio, sys, websockets
port, port2 = sys.argv[1], sys.argv[2]
async def client(path, origin, n, on=None):
    async with websockets.connect(f"ws://localhost:{on or port}{path}", origin=origin) as ws:
        for i in range(600):
            await ws.send("x" * (200 * n + i % 50))
            await ws.recv()
            await asyncio.sleep(0.05 * n)
async def main():
    await asyncio.wait_for(asyncio.gather(
        *(client("/echo", None, n) for n in range(1, 4)),
        *(client("/chat", "https://app.example.com", n) for n in range(1, 3)),
        *(client("/echo", None, n, port2) for n in range(1, 3))), 60)
asyncio.run(main())
PY
traffic_pid=$!

# The console's settings live in the temporary folder: a profile that pins the demo certificate.
export XDG_CONFIG_HOME="$work/config"
mkdir -p "$XDG_CONFIG_HOME/Postern"
name_hex=$(printf 'demo' | od -An -tx1 | tr -d ' \n')
cat > "$XDG_CONFIG_HOME/Postern/postern-admin.conf" <<INI
[General]
lastProfile=demo

[profiles]
$name_hex\\url=wss://localhost:$manage/manage
$name_hex\\user=admin
$name_hex\\pinnedCertificates=$fingerprint
$name_hex\\rememberPassword=false
INI

mkdir -p "$out"
sleep 3 # let the sessions exchange a little first
printf '%s\n' "$admin_password" | QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" \
    "$build/admin-gui/postern-admin" --profile demo --password-stdin --screenshots "$out"
echo "postern: screenshots in $out"
