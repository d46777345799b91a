#!/usr/bin/env python3
"""The hostile requests of issue 9 against the release build, each on a fresh server with its
defaults (anonymous read on): every query sent twice at once while /health is polled, then the
header flood. Prints, per attack, what the server answered, how long it took, the slowest
/health answer meanwhile and the server's peak resident memory (VmHWM), as Markdown for
BENCHMARKS.md.

    cargo build --release
    python3 bench/hostile.py target/release/samenhang
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
import urllib.error
import urllib.request


def goal_chain(levels):
    inner = "id"
    for level in reversed(range(levels)):
        if level % 2 == 0:
            inner = f"subGoals(first: 500) {{ nodes {{ {inner} }} }}"
        else:
            inner = f"ancestors {{ {inner} }}"
    return f'{{ goal(slug: "ambitie") {{ {inner} }} }}'


def collaborator_chain(levels, n):
    inner = "id"
    for _ in range(1, levels):
        inner = f"collaborators(first: {n}) {{ nodes {{ {inner} }} }}"
    return f"{{ partners(first: {n}) {{ nodes {{ {inner} }} }} }}"


def fragment_bomb():
    doc = ["{ ...F21 }", "fragment F0 on Query { __typename areas { totalCount } }"]
    doc += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 22)]
    return "\n".join(doc)


def introspection_flood():
    copies = " ".join(f"s{i}: __schema {{ types {{ ...T }} }}" for i in range(20))
    return (
        f"{{ {copies} }}\n"
        "fragment T on __Type { name fields { name args { name type { ...R } } type { ...R } } }\n"
        "fragment R on __Type { name kind ofType { name kind ofType { name kind ofType { name } } } }"
    )


QUERIES = [
    ("9 levels of subGoals/ancestors", goal_chain(9)),
    ("8 nested collaborators(first: 500)", collaborator_chain(8, 500)),
    ("10 nested collaborators(first: 100)", collaborator_chain(10, 100)),
    ("22 doubling fragments", fragment_bomb()),
    ("20 aliased __schema with fields/args/ofType", introspection_flood()),
    ("a front-end page: 100 partners x 100 interventions",
     "{ partners(first: 100) { nodes { id name interventions(first: 100) "
     "{ edges { role node { id name } } } } } }"),
]

# Let through the cost check on purpose, to show the bounds that hold while a query runs.
HEAVY = ("{ partners(first: 500) { nodes { collaborators(first: 500) { nodes { collaborators(first: 500) "
         "{ nodes { name interventions(first: 500) { edges { node { name } } } } } } } } } }")
RUNTIME = [
    ("the same nested collaborators, cost check off (--max-complexity 10^19)", HEAVY,
     ["--max-complexity", "10000000000000000000"]),
    ("... and the value ceiling off too, with --request-timeout-secs 2", HEAVY,
     ["--max-complexity", "10000000000000000000", "--max-values", "10000000000000000000",
      "--request-timeout-secs", "2"]),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, flags=()):
        self.dir = tempfile.TemporaryDirectory()
        self.port = free_port()
        db = f"sqlite://{os.path.join(self.dir.name, 'samenhang.sqlite')}"
        self.process = subprocess.Popen(
            [binary, "serve", "--addr", f"127.0.0.1:{self.port}", "--database-url", db, *flags],
            cwd=self.dir.name, stderr=subprocess.DEVNULL, env={**os.environ, "RUST_LOG": "error"})
        for _ in range(600):
            try:
                urllib.request.urlopen(self.url("/health"), timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the server did not start")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def status(self, key):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return 0

    def open_files(self):
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.dir.cleanup()


def ask(url, query, out):
    started = time.monotonic()
    request = urllib.request.Request(url, data=json.dumps({"query": query}).encode(),
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read()
    answer = json.loads(body)
    error = (answer.get("errors") or [{}])[0].get("extensions", {})
    cost = answer.get("extensions", {}).get("cost", {})
    what = error.get("code") or f"answered, {cost.get('actual')} values"
    if "cost" in error:
        what += f" (cost {error['cost']:.3g})"
    out.append((status, what, time.monotonic() - started, len(body)))


def poll_health(server, stop, out):
    slowest = 0.0
    while not stop.is_set():
        started = time.monotonic()
        urllib.request.urlopen(server.url("/health"), timeout=30).read()
        slowest = max(slowest, time.monotonic() - started)
        time.sleep(0.02)
    out.append(slowest)


def attack(binary, name, query, flags=()):
    server = Server(binary, flags)
    try:
        answers, health, stop = [], [], threading.Event()
        poller = threading.Thread(target=poll_health, args=(server, stop, health))
        poller.start()
        clients = [threading.Thread(target=ask, args=(server.url("/graphql"), query, answers))
                   for _ in range(2)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        stop.set()
        poller.join()
        status, what, took, size = max(answers, key=lambda a: a[2])
        peak = server.status("VmHWM") / 1024
        return (f"| {name} | {len(query)} B | {status} {what} | {took * 1000:.0f} ms | "
                f"{health[0] * 1000:.0f} ms | {peak:.0f} MiB |")
    finally:
        server.stop()


def header_flood(binary, connections):
    server = Server(binary)
    try:
        before = server.open_files()
        socks = []
        refused = 0
        for _ in range(connections):
            try:
                s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
                s.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Ty")
                socks.append(s)
            except OSError:
                refused += 1
        time.sleep(0.5)
        during = server.open_files()
        started = time.monotonic()
        try:
            urllib.request.urlopen(server.url("/health"), timeout=5).read()
            health = "200"
        except urllib.error.HTTPError as e:
            health = f"{e.code} {e.headers.get('retry-after') and 'Retry-After'}"
        took = time.monotonic() - started
        time.sleep(11)
        urllib.request.urlopen(server.url("/health"), timeout=5).read()
        after = server.open_files()
        for s in socks:
            s.close()
        peak = server.status("VmHWM") / 1024
        return (f"| {connections} connections sending half a header | open files {before} → "
                f"{during} → {after} after the header timeout | /health during: {health} in "
                f"{took * 1000:.0f} ms | {peak:.0f} MiB |")
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", help="the samenhang binary (release build)")
    parser.add_argument("--connections", type=int, default=5000)
    args = parser.parse_args()
    print("| attack (two at once) | size | answer | slowest answer | slowest /health | peak RSS |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    for name, query in QUERIES:
        print(attack(args.binary, name, query), flush=True)
    for name, query, flags in RUNTIME:
        print(attack(args.binary, name, query, flags), flush=True)
    print()
    print("| flood | files | /health | peak RSS |")
    print("| --- | --- | --- | ---: |")
    print(header_flood(args.binary, args.connections), flush=True)


if __name__ == "__main__":
    sys.exit(main())
