#!/usr/bin/env bash
# The benchmark (docs/performance.md, "The benchmark"): Postern side by side with websockify,
# nginx and HAProxy and the direct path, on loopback, in one run.
#
#   bench/run.sh [--quick] [--workers N] [--build-dir DIR] [--output FILE] [--note TEXT]
#
# Installs what is missing (scripts/deps.sh bench), builds Release into build-release/
# (posternd and the bench tools only; --build-dir uses an existing build instead), makes a
# throwaway test CA with an RSA-2048 and an ECDSA P-256 certificate, starts the back-ends and
# the peers on free loopback ports, measures, prints one markdown table and writes it to
# bench/results/<date>-<host>.md (--quick: to DIR/bench-quick.md, a smoke run of a
# minute or two). Every process it starts is stopped when it ends; every load stops by itself.
# Exits 1 when any scenario produced no figures.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

quick=0
workers=$(nproc)
build=""
output=""
note=""
usage="usage: bench/run.sh [--quick] [--workers N] [--build-dir DIR] [--output FILE] [--note TEXT]"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --workers) workers=${2:?--workers needs a number}; shift ;;
        --build-dir) build=$(realpath "${2:?--build-dir needs a folder}"); shift ;;
        --output) output=${2:?--output needs a file}; shift ;;
        --note) note=${2:?--note needs a text}; shift ;;
        -h|--help) echo "$usage"; exit 0 ;;
        *) echo "bench: unknown option '$1'" >&2; echo "$usage" >&2; exit 2 ;;
    esac
    shift
done
[[ "$workers" =~ ^[1-9][0-9]*$ ]] || { echo "bench: --workers must be a whole number ≥ 1, not '$workers'" >&2; exit 2; }

"$root/scripts/deps.sh" bench

if [ -z "$build" ]; then
    build="$root/build-release"
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
    cmake --build "$build" --target posternd tcp-echo ws-echo wsload
fi
posternd="$build/server/posternd"
for tool in "$posternd" "$build/bench/tcp-echo" "$build/bench/ws-echo" "$build/bench/wsload"; do
    [ -x "$tool" ] || { echo "bench: $tool is missing; build the targets posternd tcp-echo ws-echo wsload in $build" >&2; exit 1; }
done
tcp_echo="$build/bench/tcp-echo"
ws_echo="$build/bench/ws-echo"
wsload="$build/bench/wsload"

if [ "$quick" = 1 ]; then
    seconds=1; rtt_runs=1; handshake_seconds=1; idle_sizes=(100); idle_hold=1; fanout_seconds=2
    [ -n "$output" ] || output="$build/bench-quick.md"
else
    # Round trips: the median of 3 runs of 3 s. Single runs on this 2-core machine differ by
    # 10-20 % from one minute to the next (docs/performance.md); the table shows the spread.
    seconds=3; rtt_runs=3; handshake_seconds=3; idle_sizes=(1000 5000 10000); idle_hold=3; fanout_seconds=10
    [ -n "$output" ] || output="$root/bench/results/$(date -u +%Y-%m-%d)-$(hostname -s).md"
fi
small_connections=32      # closed-loop connections for 100 B messages
large_connections=8       # and for 64 KiB messages
if [ "$quick" = 1 ]; then small_connections=8; large_connections=2; fi
handshake_concurrency=16
idle_rate=1000            # new connections per second while opening the idle ones
fanout_clients=1000
fanout_rate=100           # source messages per second: 100,000 deliveries per second
fanout_size=100

# Every load here comes from 127.0.0.1: the client, the back-ends and the peers each need a
# descriptor per connection (a proxy two). Root may raise the hard limit; others get theirs.
ulimit -Hn 1048576 2>/dev/null || true
ulimit -n "$(ulimit -Hn)"
fd_limit=$(ulimit -n)

work=$(mktemp -d "${TMPDIR:-/tmp}/postern-bench.XXXXXX")
started=()
cleanup() {
    local pid
    for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${started[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
log() { echo "bench [$(printf "%3d" "$SECONDS") s]: $*" >&2; }

# free_port VAR: a random port below the kernel's ephemeral range (so that no client
# connection holds it) on which nothing listens and that this run has not handed out yet.
taken_ports=" "
free_port() {
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 12000))
        case "$taken_ports" in *" $port "*) continue ;; esac
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            taken_ports+="$port "
            printf -v "$1" '%s' "$port"
            return 0
        fi
    done
    log "no free port found in 20000-31999"; exit 1
}
wait_port() {
    local port=$1 name=$2 pid=$3
    for _ in $(seq 1 200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
        kill -0 "$pid" 2>/dev/null || { log "$name exited at start:"; tail -20 "$work/$name.log" >&2; exit 1; }
        sleep 0.05
    done
    log "$name does not listen on 127.0.0.1:$port after 10 s:"; tail -20 "$work/$name.log" >&2; exit 1
}
# start NAME COMMAND...: runs it in the background, its output in $work/NAME.log; sets $pid.
start() {
    local name=$1; shift
    "$@" >"$work/$name.log" 2>&1 &
    pid=$!
    started+=("$pid")
}
stop() {
    local pid=$1
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
# A process and its descendants (nginx's workers, websockify's per-connection children).
tree() {
    local pid=$1 child
    echo "$pid"
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do tree "$child"; done
}
# CPU seconds of a process tree: utime + stime of each, plus cutime + cstime (children that
# ended and were reaped while measuring).
cpu_seconds() {
    local pid total=0 ticks
    ticks=$(getconf CLK_TCK)
    for pid in $(tree "$1"); do
        [ -r /proc/"$pid"/stat ] || continue
        total=$((total + $(sed 's/^.*) //' /proc/"$pid"/stat | awk '{print $12 + $13 + $14 + $15}')))
    done
    awk -v t="$total" -v hz="$ticks" 'BEGIN { printf "%.3f", t / hz }'
}
# PSS of a process tree in KiB, from smaps_rollup.
pss_kib() {
    local pid total=0 kib
    for pid in $(tree "$1"); do
        kib=$(awk '/^Pss:/ {print $2}' /proc/"$pid"/smaps_rollup 2>/dev/null || echo 0)
        total=$((total + ${kib:-0}))
    done
    echo "$total"
}

# --- certificates: a test CA, an ECDSA P-256 and an RSA-2048 leaf for localhost/127.0.0.1 ---
make_certificates() {
    local dir="$work/pki" type
    mkdir -p "$dir"
    (
        umask 077
        cd "$dir"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
            -subj "/CN=Postern bench CA $$" -days 2 \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
        printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' >leaf.ext
        openssl rand -base64 24 >keystore.pw
        for type in ecdsa rsa; do
            if [ "$type" = ecdsa ]; then
                openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $type.key -out $type.csr -subj /CN=localhost 2>/dev/null
            else
                openssl req -newkey rsa:2048 -nodes -keyout $type.key -out $type.csr -subj /CN=localhost 2>/dev/null
            fi
            openssl x509 -req -in $type.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $type.pem -days 2 \
                -extfile leaf.ext 2>/dev/null
            cat $type.pem ca.pem >$type-chain.pem
            cat $type-chain.pem $type.key >$type-bundle.pem          # HAProxy's crt
            openssl pkcs12 -export -in $type.pem -inkey $type.key -certfile ca.pem -name localhost \
                -out $type.p12 -passout file:keystore.pw                # Postern's keystore
        done
    )
}

# --- the peers: each start_* sets peer_pid, ws_port and wss_port ---
postern_workers_element=""
postern_workers_note=""
postern_config() {  # postern_config FILE KEYTYPE [WITH-WORKERS]
    local file=$1 type=$2
    cat >"$file" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  ${3:-}
  <!-- Access logs off, as for nginx and HAProxy: no session-end line per session. -->
  <logging>
    <postern.session>warning</postern.session>
  </logging>
  <service>
    <name>proxy-tcp</name>
    <accept>ws://127.0.0.1:$ws_port/tcp</accept>
    <accept>wss://127.0.0.1:$wss_port/tcp</accept>
    <connect>tcp://127.0.0.1:$tcp_echo_port</connect>
    <type>proxy</type>
  </service>
  <service>
    <name>proxy-ws</name>
    <accept>ws://127.0.0.1:$ws_port/ws</accept>
    <accept>wss://127.0.0.1:$wss_port/ws</accept>
    <connect>ws://127.0.0.1:$ws_echo_port/</connect>
    <type>proxy</type>
  </service>
  <service>
    <name>echo</name>
    <accept>ws://127.0.0.1:$ws_port/echo</accept>
    <accept>wss://127.0.0.1:$wss_port/echo</accept>
    <type>echo</type>
  </service>
  <service>
    <name>fanout</name>
    <accept>ws://127.0.0.1:$ws_port/fanout</accept>
    <type>broadcast</type>
    <properties>
      <accept>tcp://127.0.0.1:$source_port</accept>
      <source.framing>newline</source.framing>
    </properties>
  </service>
  <service-defaults>
    <accept-options>
      <!-- All the load comes from 127.0.0.1: the limits must not be what is measured. -->
      <tcp.maximum.connections>200000</tcp.maximum.connections>
      <tcp.maximum.connections.per.address>200000</tcp.maximum.connections.per.address>
    </accept-options>
  </service-defaults>
  <security>
    <keystore>
      <file>$work/pki/$type.p12</file>
      <password-file>$work/pki/keystore.pw</password-file>
    </keystore>
  </security>
</gateway-config>
XML
}
start_postern() {
    local type=$1
    free_port ws_port; free_port wss_port; free_port source_port
    postern_config "$work/postern-$type.xml" "$type" "$postern_workers_element"
    start postern "$posternd" --config "$work/postern-$type.xml" --drain-timeout 2s
    peer_pid=$pid
    wait_port "$wss_port" postern "$pid"
}
start_websockify() {
    free_port ws_port; wss_port=$ws_port   # one port: websockify tells TLS from plain text
    start websockify websockify --cert "$work/pki/ecdsa-chain.pem" --key "$work/pki/ecdsa.key" \
        "127.0.0.1:$ws_port" "127.0.0.1:$tcp_echo_port"
    peer_pid=$pid
    wait_port "$ws_port" websockify "$pid"
}
start_nginx() {
    local type=$1 prefix="$work/nginx"
    free_port ws_port; free_port wss_port
    mkdir -p "$prefix/logs"
    cat >"$prefix/nginx.conf" <<CONF
daemon off;
master_process on;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes $workers;
worker_rlimit_nofile $fd_limit;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections $((fd_limit - 100)); }
http {
    access_log off;
    client_body_temp_path $prefix/body;
    proxy_temp_path $prefix/proxy;
    fastcgi_temp_path $prefix/fastcgi;
    uwsgi_temp_path $prefix/uwsgi;
    scgi_temp_path $prefix/scgi;
    upstream echo { server 127.0.0.1:$ws_echo_port; }
    map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
    server {
        listen 127.0.0.1:$ws_port;
        listen 127.0.0.1:$wss_port ssl;
        ssl_certificate $work/pki/$type-chain.pem;
        ssl_certificate_key $work/pki/$type.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {
            proxy_pass http://echo;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_read_timeout 3600s;
            proxy_send_timeout 3600s;
        }
    }
}
CONF
    start nginx nginx -p "$prefix" -c "$prefix/nginx.conf"
    peer_pid=$pid
    wait_port "$wss_port" nginx "$pid"
}
start_haproxy() {
    local type=$1
    free_port ws_port; free_port wss_port
    cat >"$work/haproxy.cfg" <<CONF
global
    nbthread $workers
    maxconn $(((fd_limit - 100) / 2))
defaults
    mode http
    timeout connect 5s
    timeout client 3600s
    timeout server 3600s
    timeout tunnel 3600s
frontend ws
    bind 127.0.0.1:$ws_port
    bind 127.0.0.1:$wss_port ssl crt $work/pki/$type-bundle.pem
    default_backend echo
backend echo
    server echo 127.0.0.1:$ws_echo_port
CONF
    start haproxy haproxy -db -f "$work/haproxy.cfg"
    peer_pid=$pid
    wait_port "$wss_port" haproxy "$pid"
}

# --- measurements; each appends lines to $results: KIND PEER KEY=VALUE... ---
results="$work/results.txt"
: >"$results"
result_value() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"; }
# rtt PEER SCHEME SIZE CONNECTIONS URL-PATH PID: $rtt_runs runs of $seconds s; the result line
# is the run with the median msg/s, with the lowest and highest msg/s of all the runs (low=,
# high=) and the messages and CPU seconds of all of them together (all_messages=, all_cpu=).
rtt() {
    local peer=$1 scheme=$2 size=$3 connections=$4 path=$5 cpu_pid=$6 port url_scheme out cpu_before cpu_after
    local runs=() run median low high all_messages=0 all_cpu=0 cpu
    port=$ws_port; url_scheme=ws                      # "single": one connection over ws
    [ "$scheme" = wss ] && { port=$wss_port; url_scheme=wss; }
    for ((run = 0; run < rtt_runs; run++)); do
        cpu_before=$(cpu_seconds "$cpu_pid")
        out=$("$wsload" rtt --url "$url_scheme://127.0.0.1:$port$path" --ca "$work/pki/ca.pem" --connections "$connections" \
            --size "$size" --seconds "$seconds" 2>"$work/wsload.err" | grep '^RESULT') || true
        cpu_after=$(cpu_seconds "$cpu_pid")
        if [ -z "$out" ] || [ "$(result_value "$out" errors)" != 0 ]; then
            log "$peer $scheme $size B: no figures ($(head -c 300 "$work/wsload.err"))"
            return 0
        fi
        cpu=$(awk -v a="$cpu_before" -v b="$cpu_after" 'BEGIN{printf "%.3f", b-a}')
        all_messages=$((all_messages + $(result_value "$out" messages)))
        all_cpu=$(awk -v a="$all_cpu" -v b="$cpu" 'BEGIN{printf "%.3f", a+b}')
        runs+=("$(result_value "$out" msg_per_s) ${out#RESULT } cpu=$cpu")
    done
    mapfile -t runs < <(printf '%s\n' "${runs[@]}" | sort -n)
    median=${runs[(rtt_runs - 1) / 2]}
    low=${runs[0]%% *}
    high=${runs[rtt_runs - 1]%% *}
    log "$peer $scheme $size B x$connections: $(result_value "$median" msg_per_s) msg/s (runs $low-$high), p50 $(result_value "$median" p50_us) us"
    echo "rtt $peer scheme=$scheme size=$size connections=$connections ${median#* } low=$low high=$high all_messages=$all_messages all_cpu=$all_cpu" >>"$results"
}
throughput_set() {  # throughput_set PEER PATH CPU-PID
    local peer=$1 path=$2 cpu_pid=$3 scheme
    for scheme in ws wss; do
        rtt "$peer" "$scheme" 100 "$small_connections" "$path" "$cpu_pid"
        rtt "$peer" "$scheme" 65536 "$large_connections" "$path" "$cpu_pid"
    done
    rtt "$peer" single 100 1 "$path" "$cpu_pid"
}
handshakes() {  # handshakes PEER KEY-TYPE SCHEME PATH
    local peer=$1 type=$2 scheme=$3 path=$4 port out
    port=$ws_port; [ "$scheme" = wss ] && port=$wss_port
    out=$("$wsload" handshakes --url "$scheme://127.0.0.1:$port$path" --ca "$work/pki/ca.pem" \
        --concurrency "$handshake_concurrency" --seconds "$handshake_seconds" 2>"$work/wsload.err" | grep '^RESULT') || true
    if [ -z "$out" ] || [ "$(result_value "$out" handshakes)" = 0 ]; then
        log "$peer $scheme $type handshakes: no figures ($(head -c 300 "$work/wsload.err"))"
        return 0
    fi
    log "$peer $scheme $type handshakes: $(result_value "$out" per_s)/s"
    echo "handshakes $peer scheme=$scheme key=$type ${out#RESULT }" >>"$results"
}
# idle PEER COUNT PATH START-FUNCTION DESCRIPTORS-PER-CONNECTION-PER-PROCESS
idle() {
    local peer=$1 count=$2 path=$3 starter=$4 per_connection=$5 before after out ready="$work/idle.ready" load_pid
    local needed
    needed=$(awk -v c="$count" -v p="$per_connection" 'BEGIN { printf "%d", c * p + 100 }')
    if [ "$needed" -gt "$fd_limit" ]; then
        log "$peer idle $count: not measured, it needs about $needed descriptors in one process and RLIMIT_NOFILE is $fd_limit"
        echo "idle $peer count=$count skipped=descriptors needed=$needed limit=$fd_limit" >>"$results"
        return 0
    fi
    "$starter" ecdsa
    sleep 0.5
    before=$(pss_kib "$peer_pid")
    rm -f "$ready"
    # Opening may take longer than the rate says on a busy machine: up to 30 s + 50 ms each.
    "$wsload" idle --url "wss://127.0.0.1:$wss_port$path" --ca "$work/pki/ca.pem" --count "$count" --rate "$idle_rate" \
        --open-seconds $((30 + count / 20)) --hold "$idle_hold" --ready-file "$ready" >"$work/idle.out" 2>"$work/wsload.err" &
    load_pid=$!
    while [ ! -e "$ready" ] && kill -0 "$load_pid" 2>/dev/null; do sleep 0.1; done
    sleep 0.5
    after=$(pss_kib "$peer_pid")
    wait "$load_pid" || true
    stop "$peer_pid"
    out=$(grep '^RESULT' "$work/idle.out") || true
    if [ -z "$out" ]; then
        log "$peer idle $count: no figures ($(head -c 300 "$work/wsload.err"))"
        return 0
    fi
    log "$peer idle $count: $(result_value "$out" survived) of $count answered; PSS $before -> $after KiB"
    echo "idle $peer count=$count ${out#RESULT } pss_before=$before pss_after=$after" >>"$results"
}

# --- the run ---
log "workers: $workers; $([ "$quick" = 1 ] && echo quick run || echo full run); work folder $work"
make_certificates

start tcp-echo "$tcp_echo" --threads "$workers"
start ws-echo "$ws_echo" --threads "$workers"; ws_echo_pid=$pid
start ws-echo-tls "$ws_echo" --threads "$workers" --cert "$work/pki/ecdsa-chain.pem" --key "$work/pki/ecdsa.key"; ws_echo_tls_pid=$pid
sleep 0.3
tcp_echo_port=$(grep -o '127.0.0.1:[0-9]*' "$work/tcp-echo.log" | cut -d: -f2)
ws_echo_port=$(grep -o '127.0.0.1:[0-9]*' "$work/ws-echo.log" | cut -d: -f2)
ws_echo_tls_port=$(grep -o '127.0.0.1:[0-9]*' "$work/ws-echo-tls.log" | cut -d: -f2)
[ -n "$tcp_echo_port" ] && [ -n "$ws_echo_port" ] && [ -n "$ws_echo_tls_port" ] \
    || { log "the echo back-ends did not start:"; cat "$work"/*echo*.log >&2; exit 1; }

# Postern's worker threads: written only when this build's posternd accepts the setting.
ws_port=1; wss_port=2; source_port=3
postern_config "$work/check.xml" ecdsa "<workers>$workers</workers>"
if "$posternd" --check --config "$work/check.xml" >"$work/check.log" 2>&1; then
    postern_workers_element="<workers>$workers</workers>"
    postern_workers_note="Postern workers: $workers"
else
    postern_workers_note="Postern workers: 1 (no workers setting in this build)"
fi
log "$postern_workers_note"

log "round trips"
# The direct path: the load client straight to ws-echo, the limit for every proxy.
ws_port=$ws_echo_port; wss_port=$ws_echo_tls_port
for scheme in ws wss; do
    cpu_pid=$ws_echo_pid; [ "$scheme" = wss ] && cpu_pid=$ws_echo_tls_pid
    rtt direct "$scheme" 100 "$small_connections" / "$cpu_pid"
    rtt direct "$scheme" 65536 "$large_connections" / "$cpu_pid"
done
rtt direct single 100 1 / "$ws_echo_pid"

start_postern ecdsa
throughput_set postern-tcp /tcp "$peer_pid"
throughput_set postern-ws /ws "$peer_pid"
stop "$peer_pid"
start_websockify
throughput_set websockify / "$peer_pid"
stop "$peer_pid"
start_nginx ecdsa
throughput_set nginx / "$peer_pid"
stop "$peer_pid"
start_haproxy ecdsa
throughput_set haproxy / "$peer_pid"
stop "$peer_pid"

log "handshakes (ws→ws proxies, each upgrade also opens a back-end connection)"
for type in ecdsa rsa; do
    for peer in postern nginx haproxy; do
        path=/; [ "$peer" = postern ] && path=/ws
        "start_$peer" "$type"
        [ "$type" = ecdsa ] && handshakes "$peer" none ws "$path"
        handshakes "$peer" "$type" wss "$path"
        stop "$peer_pid"
    done
done

log "idle wss connections (each peer started afresh for each count)"
# A proxied connection holds two descriptors (client and back-end); Postern's echo service one.
# nginx's workers each hold their share (each has the limit).
for count in "${idle_sizes[@]}"; do
    idle postern-echo "$count" /echo start_postern 1
    idle postern "$count" /ws start_postern 2
    idle nginx "$count" / start_nginx "$(awk -v w="$workers" 'BEGIN { printf "%.2f", 3 / w }')"
    idle haproxy "$count" / start_haproxy 2
done

log "fan-out: $fanout_clients clients, $fanout_rate messages/s from one source"
start_postern ecdsa
out=$("$wsload" fanout --url "ws://127.0.0.1:$ws_port/fanout" --source "127.0.0.1:$source_port" \
    --clients "$fanout_clients" --rate "$fanout_rate" --size "$fanout_size" --seconds "$fanout_seconds" \
    2>"$work/wsload.err" | grep '^RESULT') || true
stop "$peer_pid"
if [ -n "$out" ] && [ "$(result_value "$out" delivered)" != 0 ]; then
    log "fan-out: $(result_value "$out" msg_per_s) msg/s delivered, p99 $(result_value "$out" p99_us) us"
    echo "fanout postern clients=$fanout_clients rate=$fanout_rate size=$fanout_size ${out#RESULT }" >>"$results"
else
    log "fan-out: no figures ($(head -c 300 "$work/wsload.err"))"
fi

# --- the table ---
machine() {
    echo "- CPU: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(nproc) core(s) available"
    echo "- Memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); kernel $(uname -r)"
    echo "- posternd $("$posternd" --version 2>&1 | head -1 | sed 's/^posternd //'), $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(haproxy -v | head -1 | cut -d' ' -f1-3), websockify $(dpkg-query -W -f='${Version}' websockify), $(openssl version | cut -d' ' -f1-2)"
}
mkdir -p "$(dirname "$output")"
{
    echo "# Postern benchmark, $(date -u '+%Y-%m-%d %H:%M UTC') on $(hostname -s)"
    echo
    echo "$([ "$quick" = 1 ] && echo "Quick run (a smoke run: 1 s per figure, not for comparison)" || echo "Full run") of \`bench/run.sh$([ "$quick" = 1 ] && echo " --quick") --workers $workers\`."
    [ -n "$note" ] && { echo; echo "$note"; }
    echo
    machine
    echo "- $postern_workers_note; nginx worker_processes $workers, HAProxy nbthread $workers, back-ends and direct ws-echo $workers thread(s) each; websockify: its own model (a process per connection); load client: 1 thread"
    echo
    python3 "$root/bench/table.py" "$results" "$seconds x $rtt_runs" "$small_connections" "$large_connections" \
        "$handshake_concurrency" "$idle_rate"
} >"$output"
cat "$output"
log "written to $output"

# Every scenario must have produced its figures (the CTest smoke run checks only this).
missing=$(python3 "$root/bench/table.py" --missing "$results" "${idle_sizes[@]}")
if [ -n "$missing" ]; then
    log "no figures for: $missing"
    exit 1
fi
