#!/usr/bin/env python3
"""Turns bench/run.sh's result lines into its markdown table, or lists what has no figures.

  table.py RESULTS "SECONDS x RUNS" SMALL-CONNECTIONS LARGE-CONNECTIONS HANDSHAKE-CONCURRENCY IDLE-RATE
  table.py --missing RESULTS IDLE-COUNT...

A result line is "KIND PEER key=value ...", KIND one of rtt, handshakes, idle, fanout.
"""
import sys

PROXY_PEERS = {"postern-tcp": ["websockify"], "postern-ws": ["nginx", "haproxy"]}
RTT_PEERS = ["direct", "postern-tcp", "websockify", "postern-ws", "nginx", "haproxy"]
HANDSHAKE_PEERS = ["postern", "nginx", "haproxy"]
LABEL = {
    "direct": "direct (no proxy): the limit",
    "postern-tcp": "**Postern** ws→tcp",
    "websockify": "websockify ws→tcp",
    "postern-ws": "**Postern** ws→ws",
    "nginx": "nginx ws→ws",
    "haproxy": "HAProxy ws→ws",
    "postern": "**Postern**",
    "postern-echo": "**Postern** echo (no back-end)",
}
IDLE_PEERS = ["postern-echo", "postern", "nginx", "haproxy"]


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            row = {"kind": parts[0], "peer": parts[1]}
            for item in parts[2:]:
                key, _, value = item.partition("=")
                row[key] = value
            rows.append(row)
    return rows


def find(rows, kind, peer, **match):
    for row in rows:
        if row["kind"] == kind and row["peer"] == peer and all(row.get(k) == str(v) for k, v in match.items()):
            return row
    return None


def num(row, key):
    return float(row[key]) if row and key in row else None


def ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "–"


def fmt(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def missing(rows, idle_counts):
    gaps = []
    for peer in RTT_PEERS:
        for scheme, size in [("ws", 100), ("ws", 65536), ("wss", 100), ("wss", 65536), ("single", 100)]:
            if not find(rows, "rtt", peer, scheme=scheme, size=size):
                gaps.append(f"round trips {peer} {scheme} {size} B")
    for peer in HANDSHAKE_PEERS:
        for scheme, key in [("ws", "none"), ("wss", "ecdsa"), ("wss", "rsa")]:
            if not find(rows, "handshakes", peer, scheme=scheme, key=key):
                gaps.append(f"handshakes {peer} {scheme} {key}")
    # A count this machine's descriptor limit does not allow is reported as skipped, not missing.
    for peer in IDLE_PEERS:
        for count in idle_counts:
            if not find(rows, "idle", peer, count=count):
                gaps.append(f"idle {peer} {count}")
    if not find(rows, "fanout", "postern"):
        gaps.append("fan-out")
    return gaps


def table(rows, seconds, small, large, concurrency, idle_rate):
    out = []
    w = out.append
    length, _, runs = seconds.partition(" x ")
    runs = int(runs or 1)
    each = f"{length} s each" if runs == 1 else f"the median of {runs} runs of {length} s each"
    w(f"## Round trips (closed loop, {each}: {small} connections for 100 B, {large} for 64 KiB)")
    w("")
    w("Each connection sends one binary message and waits for as many bytes back before the next. "
      "MB/s counts the payload one way. Ratio: Postern's msg/s over the peer's (for the direct path: "
      "Postern's share of the limit)."
      + (" msg/s is the median run's; the runs' lowest and highest are in brackets, and the figures"
         " beside it (MB/s, latencies) are the median run's." if runs > 1 else ""))
    w("")
    w("| messages | peer | msg/s | MB/s | p50 µs | p99 µs | Postern's ratio |")
    w("|---|---|---:|---:|---:|---:|---|")
    for scheme in ["ws", "wss"]:
        for size in [100, 65536]:
            what = f"{scheme}, {'100 B' if size == 100 else '64 KiB'}"
            get = {p: find(rows, "rtt", p, scheme=scheme, size=size) for p in RTT_PEERS}
            for peer in RTT_PEERS:
                row = get[peer]
                if peer == "direct":
                    d = num(row, "msg_per_s")
                    note = ", ".join(f"{LABEL[p].replace('**', '')} {ratio(num(get[p], 'msg_per_s'), d)}"
                                     for p in PROXY_PEERS)
                else:
                    mine = next((p for p, others in PROXY_PEERS.items() if peer in others), None)
                    note = ratio(num(get[mine], "msg_per_s"), num(row, "msg_per_s")) if mine else ""
                spread = f" ({fmt(num(row, 'low'))}–{fmt(num(row, 'high'))})" if row and runs > 1 and "low" in row else ""
                w(f"| {what} | {LABEL[peer]} | {fmt(num(row, 'msg_per_s'))}{spread} | {fmt(num(row, 'mb_per_s'), 2)} | "
                  f"{fmt(num(row, 'p50_us'), 1)} | {fmt(num(row, 'p99_us'), 1)} | {note} |")
    w("")
    w("## Latency one connection adds (1 connection, 100 B, ws"
      + (f"; the run with the median msg/s of {runs})" if runs > 1 else ")"))
    w("")
    w("| peer | p50 µs | p99 µs | added over direct (p50) µs |")
    w("|---|---:|---:|---:|")
    direct = num(find(rows, "rtt", "direct", scheme="single"), "p50_us")
    for peer in RTT_PEERS:
        row = find(rows, "rtt", peer, scheme="single")
        p50 = num(row, "p50_us")
        added = fmt(p50 - direct, 1) if p50 is not None and direct is not None and peer != "direct" else "–"
        w(f"| {LABEL[peer]} | {fmt(p50, 1)} | {fmt(num(row, 'p99_us'), 1)} | {added} |")
    w("")
    w("## CPU seconds per million messages")
    w("")
    w("utime + stime of all the peer's processes (/proc/PID/stat) over all its round-trip runs above, "
      "ws and wss together, per million round trips. Lower is better; the ratio is the peer's "
      "figure over Postern's (above 1: Postern uses less).")
    w("")
    w("| peer | 100 B: CPU s / 1M | 64 KiB: CPU s / 1M | ratio 100 B | ratio 64 KiB |")
    w("|---|---:|---:|---:|---:|")
    per_million = {}
    for peer in RTT_PEERS:
        for size in [100, 65536]:
            sel = [r for r in rows if r["kind"] == "rtt" and r["peer"] == peer and r.get("size") == str(size)]
            messages = sum(float(r.get("all_messages", r["messages"])) for r in sel)
            cpu = sum(float(r.get("all_cpu", r["cpu"])) for r in sel)
            per_million[peer, size] = cpu / messages * 1e6 if messages else None
    for peer in RTT_PEERS:
        mine = next((p for p, others in PROXY_PEERS.items() if peer in others), None)
        ratios = [ratio(per_million[peer, s], per_million[mine, s]) if mine else "" for s in [100, 65536]]
        w(f"| {LABEL[peer]} | {fmt(per_million[peer, 100], 2)} | {fmt(per_million[peer, 65536], 2)} | "
          f"{ratios[0]} | {ratios[1]} |")
    w("")
    w(f"## Handshakes per second ({concurrency} at once)")
    w("")
    w("New TCP connection, full TLS handshake (no resumption, TLS 1.3), upgrade through the proxy "
      "to ws-echo, close. Ratio: Postern's figure over the peer's.")
    w("")
    w("| peer | ws | wss ECDSA P-256 | wss RSA-2048 | ratio ws | ratio ECDSA | ratio RSA |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    kinds = [("ws", "none"), ("wss", "ecdsa"), ("wss", "rsa")]
    mine = [num(find(rows, "handshakes", "postern", scheme=s, key=k), "per_s") for s, k in kinds]
    for peer in HANDSHAKE_PEERS:
        theirs = [num(find(rows, "handshakes", peer, scheme=s, key=k), "per_s") for s, k in kinds]
        ratios = ["" if peer == "postern" else ratio(a, b) for a, b in zip(mine, theirs)]
        w(f"| {LABEL[peer]} | " + " | ".join(fmt(v) for v in theirs) + " | " + " | ".join(ratios) + " |")
    w("")
    w(f"## Idle wss connections (opened at {idle_rate}/s, held, then each pinged)")
    w("")
    w("PSS of all the peer's processes (/proc/PID/smaps_rollup) before the connections and once all "
      "are open; per connection = (after − before) / opened. Each count on a freshly started peer; at "
      "most 128 handshakes under way at once, and what did not open within 30 s + 50 ms each is not. "
      "A proxy's connection includes its back-end connection to ws-echo.")
    w("")
    w("| peer | connections | opened | answered the ping | PSS before MiB | PSS after MiB | KiB per connection |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        if row["kind"] != "idle":
            continue
        if "skipped" in row:
            w(f"| {LABEL[row['peer']]} | {fmt(float(row['count']))} | not measured: needs about "
              f"{fmt(float(row['needed']))} descriptors in one process, RLIMIT_NOFILE is {row['limit']} | | | | |")
            continue
        count = float(row["count"])
        opened = float(row["opened"])
        before, after = float(row["pss_before"]), float(row["pss_after"])
        w(f"| {LABEL[row['peer']]} | {fmt(count)} | {fmt(opened)} | {fmt(num(row, 'survived'))} | "
          f"{fmt(before / 1024, 1)} | {fmt(after / 1024, 1)} | {fmt((after - before) / opened, 1) if opened else '–'} |")
    w("")
    w("## Fan-out (Postern broadcast, one TCP source, newline-framed)")
    w("")
    w("The source sends timestamped lines (CLOCK_MONOTONIC) at a fixed rate to the service's source "
      "address; every client measures each message's delivery latency. Delivered msg/s: all clients' "
      "messages over the time from the first sent to the last delivered (the source's rate times the "
      "clients when the gateway keeps up).")
    w("")
    w("| clients | source msg/s | message | delivered msg/s | delivered of expected | p50 µs | p99 µs |")
    w("|---:|---:|---:|---:|---:|---:|---:|")
    row = find(rows, "fanout", "postern")
    if row:
        w(f"| {row['clients']} | {row['rate']} | {row['size']} B | {fmt(num(row, 'msg_per_s'))} | "
          f"{fmt(num(row, 'delivered'))} of {fmt(num(row, 'expected'))} | {fmt(num(row, 'p50_us'), 1)} | "
          f"{fmt(num(row, 'p99_us'), 1)} |")
    w("")
    w("## The targets of issue #8, in this run")
    w("")
    w("| target | measured | met |")
    w("|---|---|---|")

    def target(text, value, goal, shown):
        met = "–" if value is None else ("yes" if value >= goal else f"no ({value / goal:.0%} of the target)")
        w(f"| {text} | {shown} | {met} |")

    def msgs(peer, scheme, size):
        return num(find(rows, "rtt", peer, scheme=scheme, size=size), "msg_per_s")

    def share(a, b):
        return a / b if a and b else None

    r = share(msgs("postern-tcp", "ws", 100), msgs("websockify", "ws", 100))
    target("ws→tcp 100 B: ≥ 2.5× websockify msg/s", r, 2.5, ratio(r, 1) if r else "–")
    r = share(msgs("postern-tcp", "ws", 100), msgs("direct", "ws", 100))
    target("ws→tcp 100 B: ≥ 60 % of the direct path", r, 0.6, f"{r:.0%}" if r else "–")
    for size in [100, 65536]:
        label = "100 B" if size == 100 else "64 KiB"
        r = share(msgs("postern-ws", "ws", size), msgs("nginx", "ws", size))
        target(f"ws→ws {label}: ≥ 1.3× nginx", r, 1.3, ratio(r, 1) if r else "–")
        r = share(msgs("postern-ws", "ws", size), msgs("haproxy", "ws", size))
        target(f"ws→ws {label}: ≥ 1.0× HAProxy", r, 1.0, ratio(r, 1) if r else "–")
    for key, label in [("ecdsa", "ECDSA P-256"), ("rsa", "RSA-2048")]:
        r = share(num(find(rows, "handshakes", "postern", scheme="wss", key=key), "per_s"),
                  num(find(rows, "handshakes", "nginx", scheme="wss", key=key), "per_s"))
        target(f"wss handshakes/s ({label}) ≥ nginx", r, 1.0, ratio(r, 1) if r else "–")
    for peer in ["postern-echo", "postern"]:
        idle = [r for r in rows if r["kind"] == "idle" and r["peer"] == peer and "skipped" not in r]
        if not idle:
            continue
        big = max(idle, key=lambda r: float(r["count"]))
        count = float(big["count"])
        survived = float(big["survived"])
        opened = max(float(big["opened"]), 1)
        what = "echo sessions" if peer == "postern-echo" else "proxied ws→ws sessions"
        note = "" if count >= 10000 else " (the target is 10,000)"
        target(f"idle wss {what}: all of {count:,.0f} held open{note}", survived / count, 1.0,
               f"{survived:,.0f} answered")
        kib = (float(big["pss_after"]) - float(big["pss_before"])) / opened
        met = "yes" if kib <= 16 else f"no ({kib / 16:.0%} of the budget)"
        w(f"| idle wss {what}: PSS ≤ 16 KiB per connection ({count:,.0f}) | {kib:.1f} KiB | {met} |")
    return "\n".join(out)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "--missing":
        gaps = missing(load(sys.argv[2]), sys.argv[3:])
        print(", ".join(gaps))
        return
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    print(table(load(sys.argv[1]), *sys.argv[2:]))


main()
