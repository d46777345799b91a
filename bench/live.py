#!/usr/bin/env python3
"""Writes and pages against the release build, at Lelystad Oost and at national size, on
SQLite and PostgreSQL: the median latency of a partner rename (one connection, one after the
other), writes per second with 4 connections (wrk, each request renames another partner), and
requests per second for a page of 20 partners (wrk, 4 connections). With --postgraphile, the
same page from PostGraphile over the same PostgreSQL data. Prints Markdown for BENCHMARKS.md.

    cargo build --release
    python3 bench/live.py target/release/samenhang [--postgraphile PATH/TO/postgraphile]

PostgreSQL at 127.0.0.1:5432 with trust auth (databases are made and dropped here). For
PostGraphile: `npm install --prefix /tmp/pg postgraphile@4`, then
`--postgraphile /tmp/pg/node_modules/.bin/postgraphile`.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

PAGE = "{ partners(first: 20) { nodes { id name } } }"
PG = "postgres://postgres@127.0.0.1:5432"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(port, path="/health"):
    for _ in range(1200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answers on port {port}")


def psql(sql, db="postgres"):
    subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-c", sql],
                   check=True, capture_output=True)


def wrk(port, request_lua, seconds, connections=4):
    """Requests per second, and how many answers were not a success without errors.
    `request_lua` defines `request()` (it may use `headers`)."""
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write(f"""
local n = 0
bad = 0
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
{request_lua}
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    bad = bad + 1
    if bad == 1 then io.stderr:write(status .. " " .. string.sub(body, 1, 300) .. "\\n") end
  end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  io.write(string.format("RESULT %d %d %d\\n", summary.requests, summary.duration, b))
end
""")
    script.close()
    out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s",
                          "-s", script.name, f"http://127.0.0.1:{port}"],
                         capture_output=True, text=True, check=True)
    os.unlink(script.name)
    if out.stderr:
        print(f"(first bad answer: {out.stderr.strip()[:300]})", file=sys.stderr)
    line = next(l for l in out.stdout.splitlines() if l.startswith("RESULT"))
    count, micros, bad = map(int, line.split()[1:])
    return count / (micros / 1e6), bad


def fixed(body, headers):
    """A `request()` that sends the same POST every time."""
    head = "{" + ", ".join(f'["{k}"] = "{v}"' for k, v in headers.items()) + "}"
    return f"""
function request() return wrk.format("POST", "/graphql", {head}, {json.dumps(body)}) end
"""


class Samenhang:
    def __init__(self, binary, url, data=None):
        self.binary, self.url = binary, url
        self.env = dict(os.environ, DATABASE_URL=url, RUST_LOG="error")
        if data:
            subprocess.run([binary, "import", data, "--no-seed"], env=self.env, check=True,
                           capture_output=True)
        self.token = subprocess.run([binary, "token", "create", "bench", "--role", "editor"],
                                    env=self.env, check=True, capture_output=True,
                                    text=True).stdout.strip()
        self.port = free_port()
        # Without a data file, the first start loads the bundled Lelystad Oost dataset.
        seed = [] if data is None else ["--no-seed"]
        self.process = subprocess.Popen(
            [binary, "serve", "--addr", f"127.0.0.1:{self.port}", "--request-timeout-secs", "120",
             *seed], env=self.env)
        wait(self.port)

    def post(self, query):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/graphql", data=json.dumps({"query": query}).encode(),
            headers={"content-type": "application/json", "authorization": f"Bearer {self.token}"})
        body = json.load(urllib.request.urlopen(request))
        if "errors" in body:
            raise SystemExit(f"{query}: {body['errors']}")
        return body["data"]

    def partners(self, n):
        return [p["id"] for p in self.post(f"{{ partners(first: {n}) {{ nodes {{ id }} }} }}")
                ["partners"]["nodes"]]

    def rename_latency(self, ids, count=300):
        conn = http.client.HTTPConnection("127.0.0.1", self.port)
        headers = {"content-type": "application/json", "authorization": f"Bearer {self.token}"}
        times = []
        for i in range(count):
            query = (f'mutation {{ updatePartner(id: "{ids[i % len(ids)]}", '
                     f'input: {{ name: "Partner {i}" }}) {{ version }} }}')
            started = time.perf_counter()
            conn.request("POST", "/graphql", json.dumps({"query": query}), headers)
            body = conn.getresponse().read()
            times.append(time.perf_counter() - started)
            if b'"errors"' in body:
                raise SystemExit(body)
        conn.close()
        return statistics.median(times) * 1000

    def writes_per_second(self, ids, seconds):
        """Each request changes another partner's description to a text not used before."""
        ids_lua = ", ".join(json.dumps(i) for i in ids)
        request = f"""
local ids = {{ {ids_lua} }}
local headers = {{ ["content-type"] = "application/json", ["authorization"] = "Bearer {self.token}" }}
local tag = 0
function init(args) tag = math.random(1000000000) end
function request()
  n = n + 1
  local id = ids[n % #ids + 1]
  local body = '{{"query":"mutation {{ updatePartner(id: \\\\"' .. id .. '\\\\", input: {{ description: \\\\"bench ' .. tag .. ' ' .. n .. '\\\\" }}) {{ version }} }}"}}'
  return wrk.format("POST", "/graphql", headers, body)
end
"""
        return wrk(self.port, request, seconds)

    def page_rps(self, seconds):
        return wrk(self.port, fixed(json.dumps({"query": PAGE}),
                                    {"content-type": "application/json"}), seconds)

    def rss(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024

    def stop(self):
        self.process.terminate()
        self.process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--postgraphile")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="samenhang-live-")
    national = os.path.join(work, "national.yaml")
    subprocess.run([args.binary, "generate", national, "--size", "national"], check=True,
                   capture_output=True)
    rows = []
    pg_national = None
    for backend in ["sqlite", "postgres"]:
        for name, data in [("Lelystad Oost", None), ("national", national)]:
            if backend == "sqlite":
                url = f"sqlite://{work}/{name.split()[0].lower()}.sqlite"
            else:
                db = f"bench_live_{name.split()[0].lower()}"
                psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
                psql(f"CREATE DATABASE {db}")
                url = f"{PG}/{db}"
                if data:
                    pg_national = (url, db)
            server = Samenhang(args.binary, url, data)
            try:
                ids = server.partners(200)
                latency = server.rename_latency(ids)
                writes, bad_writes = server.writes_per_second(ids, args.seconds)
                page, bad_pages = server.page_rps(args.seconds)
                rows.append((backend, name, latency, writes, bad_writes, page, bad_pages,
                             server.rss()))
            finally:
                server.stop()
    print("| database | data | rename, median | writes/s (4 connections) | page of 20 partners, req/s (4 connections) | resident memory |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for backend, name, latency, writes, bw, page, bp, rss in rows:
        flag = lambda bad: f" ({bad} bad)" if bad else ""
        print(f"| {backend} | {name} | {latency:.2f} ms | {writes:.0f}{flag(bw)} | "
              f"{page:.0f}{flag(bp)} | {rss:.0f} MiB |")
    if args.postgraphile and pg_national:
        url, db = pg_national
        port = free_port()
        process = subprocess.Popen([args.postgraphile, "-c", url, "--port", str(port),
                                    "--host", "127.0.0.1", "--disable-graphiql"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait(port, "/graphql")
            time.sleep(2)
            query = json.dumps({"query": "{ allPartners(first: 20) { nodes { id name } } }"})
            rps, bad = wrk(port, fixed(query, {"content-type": "application/json"}), args.seconds)
            print()
            print(f"PostGraphile, the same page over the national PostgreSQL data "
                  f"(`allPartners(first: 20)`): {rps:.0f} req/s" + (f" ({bad} bad)" if bad else ""))
        finally:
            process.terminate()
            process.wait()
    for db in ["bench_live_lelystad", "bench_live_national"]:
        psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
