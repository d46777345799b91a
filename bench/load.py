#!/usr/bin/env python3
"""Load test: the release build on loopback under a mix of front-end reads, analytics, map
pictures and writes, driven by wrk (Debian package `wrk`). Reports throughput, latency
percentiles, errors and the server's memory over time, as Markdown for BENCHMARKS.md.

    cargo build --release
    python3 bench/load.py target/release/samenhang --duration 180

The server runs on a fresh SQLite file with the bundled datasets (the analytics ask about
Lelystad Oost); writes use an editor token made with `samenhang token create`.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

# (weight, name, kind, request): kind is "read", "analytics", "map" or "write".
READS = [
    (3, "partner list with interventions", "read",
     "{ partners(first: 20, orderBy: {field: NAME}) { totalCount nodes { id name kind "
     "interventions(first: 10) { edges { role node { name } } } } } }"),
    (2, "intervention detail", "read",
     '{ intervention(slug: "pmg-kapot-sterk") { name period targets partners { edges { role node { name } } } '
     "goals { name } funding { amountEur fundingStream { name endYear } } wijken { name } } }"),
    (2, "programme tree", "read",
     "{ clusters { nodes { name lines { name goals { nodes { name subGoals { nodes { name } } } } } } } }"),
    (1, "node by id", "read", None),  # filled in with a real partner ID
]
ANALYTICS = [
    (1, "cross-cluster partners", "analytics",
     '{ crossClusterPartners(area: "lelystad-oost", minClusters: 2) { partner { name } clusters { cluster { name } } } }'),
    (1, "centrality", "analytics",
     '{ centrality(area: "lelystad-oost", top: 10) { nodes { node { ... on Partner { name } } betweenness pagerank } } }'),
    (1, "funding at risk", "analytics",
     '{ fundingAtRisk(area: "lelystad-oost", endingBy: 2026) { intervention { name } streams { name } } }'),
    (1, "cluster overlap", "analytics",
     '{ clusterOverlap(area: "lelystad-oost") { pairs { sharedPartners { name } } } }'),
]
MAPS = [(1, "collaboration map (SVG)", "map", "/maps/collaboration.svg?area=lelystad-oost")]
WRITES = [(2, "update a wijk", "write", None)]  # filled in with the wijk IDs


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port, query, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers=headers,
    )
    with urllib.request.urlopen(request) as response:
        body = json.load(response)
    if "errors" in body:
        raise SystemExit(f"{query}: {body['errors']}")
    return body["data"]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def lua(port, token, mix):
    """A wrk script that walks through the mix in a fixed order and counts bad answers."""
    entries = []
    for weight, name, kind, target in mix:
        for _ in range(weight):
            if kind == "map":
                entries.append(f'wrk.format("GET", {json.dumps(target)}, {{}})')
            else:
                headers = '{["content-type"] = "application/json"'
                if kind == "write":
                    headers += f', ["authorization"] = "Bearer {token}"'
                headers += "}"
                body = json.dumps(json.dumps({"query": target}))
                entries.append(f'wrk.format("POST", "/graphql", {headers}, {body})')
    return f"""
local requests = {{ {", ".join(entries)} }}
local n = 0
bad = 0  -- a global: done() reads it from each thread
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) n = math.random(#requests) end
function request()
  n = n % #requests + 1
  return requests[n]
end
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do total_bad = total_bad + t:get("bad") end
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, total_bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--duration", type=int, default=180)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="samenhang-load-")
    url = f"sqlite://{work}/load.sqlite"
    env = dict(os.environ, DATABASE_URL=url, RUST_LOG="warn")
    token = subprocess.run(
        [args.binary, "token", "create", "load-writer", "--role", "editor"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout.strip()
    port = free_port()
    server = subprocess.Popen([args.binary, "serve", "--addr", f"127.0.0.1:{port}"], env=env)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health")
                break
            except OSError:
                time.sleep(0.1)
        data = post(port, '{ partner(slug: "halt") { id } wijken { nodes { id } } }')
        partner = data["partner"]["id"]
        wijken = [w["id"] for w in data["wijken"]["nodes"]]
        reads = [
            (w, n, k, q if q else f'{{ node(id: "{partner}") {{ id ... on Partner {{ name }} }} }}')
            for (w, n, k, q) in READS
        ]
        writes = [
            (1, f"update wijk {i}", "write",
             f'mutation {{ updateWijk(id: "{wijk}", input: {{ description: "load test" }}) {{ version }} }}')
            for i, wijk in enumerate(wijken[:2])
        ]
        mix = reads + ANALYTICS + MAPS + writes
        for _, name, kind, target in mix:  # every request works before the run
            if kind == "map":
                urllib.request.urlopen(f"http://127.0.0.1:{port}{target}").read()
            else:
                post(port, target, token if kind == "write" else None)
        script = os.path.join(work, "mix.lua")
        with open(script, "w") as f:
            f.write(lua(port, token, mix))

        samples = []
        stop = threading.Event()

        def sample():
            start = time.time()
            while not stop.wait(10):
                samples.append((time.time() - start, rss_kib(server.pid)))

        samples.append((0, rss_kib(server.pid)))
        sampler = threading.Thread(target=sample)
        sampler.start()
        run = subprocess.run(
            ["wrk", "-t", str(args.threads), "-c", str(args.connections),
             "-d", f"{args.duration}s", "--timeout", "30s", "-s", script,
             f"http://127.0.0.1:{port}"],
            capture_output=True, text=True,
        )
        stop.set()
        sampler.join()
        if samples[-1][0] < args.duration - 1:
            samples.append((args.duration, rss_kib(server.pid)))
    finally:
        server.terminate()
        server.wait()
    if run.returncode != 0:
        raise SystemExit(f"wrk failed: {run.stderr}{run.stdout}")
    out = run.stdout

    result = next(line for line in out.splitlines() if line.startswith("RESULT"))
    requests, micros, bad, socket_errors, status_errors, p50, p90, p99, pmax = map(int, result.split()[1:])
    kinds = {}
    for weight, _, kind, _ in mix:
        kinds[kind] = kinds.get(kind, 0) + weight
    share = ", ".join(f"{kind} {100 * w // sum(kinds.values())}%" for kind, w in kinds.items())
    print(f"duration {micros / 1e6:.0f} s, {args.connections} connections, mix: {share}")
    print()
    print("| requests | per second | bad answers | socket errors | p50 | p90 | p99 | max |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {requests} | {requests / (micros / 1e6):.0f} | {bad} | {socket_errors} | "
          f"{p50 / 1000:.1f} ms | {p90 / 1000:.1f} ms | {p99 / 1000:.1f} ms | {pmax / 1000:.1f} ms |")
    print()
    print("| time | resident memory |")
    print("| ---: | ---: |")
    for t, kib in samples:
        print(f"| {t:.0f} s | {kib / 1024:.1f} MiB |")
    return 0 if bad == 0 and socket_errors == 0 and status_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
