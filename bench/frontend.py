#!/usr/bin/env python3
"""Front-end shapes against PostGraphile 5, and samenhang's per-request overhead against a bare
async-graphql handler (issue 11).

    cargo build --release --examples
    python3 bench/frontend.py target/release/samenhang \\
        [--postgraphile-dir ~/.cache/samenhang/pg5] [--bare target/release/examples/bare_graphql]

On Lelystad Oost (the bundled dataset) and on the national dataset (`samenhang generate --size
national`), each imported into a PostgreSQL database of its own by samenhang itself, three
shapes a front-end asks for:

- list: `partners(first: 20) { nodes { id name } }`;
- partner page: one partner by slug with its first 20 interventions, each with its
  clusters' names and its funding streams' names; for a typical partner (the median by
  number of interventions) and for the busiest (most interventions: 3 721 of 12 000 at
  national size);
- dashboard: clusters → lines → goals → sub-goals → interventions → partners, with `first:`
  limits (interventions hang on sub-goals in both datasets; goals, sub-goals and partners paged
  at the most the data has, so that the answers are whole).

Each shape is sent to samenhang (with a viewer token, so auth is part of every request), to
PostGraphile 5 over the same PostgreSQL tables (its generated names: `allPartners`,
`partnerByAreaIdAndSlug`, `interventionPartnersByPartnerId`, ...; the table `line` is named
`programme_line` by a smart comment, as PostGraphile's type for the geometric `line` is `Line`), and with --bare to
`examples/bare_graphql.rs`, which answers the same fields from memory with no extensions. The
answers are checked to carry the same number of values. wrk measures requests per second with
4 connections (a warm-up first), and with 1 connection for the overhead comparison, where
µs/request = 1 000 000 / (req/s): one request at a time, HTTP and wrk included on both sides.

PostGraphile 5 and Node 22 are installed with npm from `bench/postgraphile5/package-lock.json`
(pinned) into --postgraphile-dir unless they are there already. An intervention's programmes
are derived through its goals (a goal's line, or its top ancestor's); PostGraphile gets them
from a computed column, the SQL function `intervention_programmes(intervention)`, which this
script creates in the benchmark databases. The databases are ANALYZEd before PostGraphile
starts (freshly imported tables have no planner statistics).

The machine has 2 cores: measurements taken while a compiler runs are noise. The script prints
the load average, and marks with † every figure measured while a `rustc` (or `cc1`, `ld`) process
was running. Prints Markdown for BENCHMARKS.md.

PostgreSQL at 127.0.0.1:5432 with trust auth (databases `bench_frontend_*` are made and dropped
here; --reuse keeps and reuses them, to skip the imports on a re-run).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

PG = "postgres://postgres@127.0.0.1:5432"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PG5 = os.path.expanduser("~/.cache/samenhang/pg5")
COMPILERS = {"rustc", "cc1", "cc1plus", "ld", "ld.lld", "lld", "clang", "rust-lld"}

# samenhang's cost limit in the benchmark (see Samenhang).
MAX_COMPLEXITY = 5_000_000

# Programmes (first), interventions per goal (first) in the dashboard; the same on both servers.
DASHBOARD_LIMITS = {"lelystad": (3, 20), "national": (1, 2)}

SAMENHANG_SHAPES = {
    "list": "{ partners(first: 20) { nodes { id name } } }",
    "partner": """{ partner(slug: "%(slug)s") { id name kind interventions(first: 20) {
  edges { role node { id name clusters { name } funding { fundingStream { name } } } } } } }""",
    "dashboard": """{ clusters(first: %(programmes)d) { nodes { id name lines { id name
  goals(first: %(goals)d) { nodes { id name subGoals(first: %(subgoals)d) { nodes { id name
    interventions(first: %(interventions)d) { nodes {
      id name partners(first: %(partners)d) { edges { role node { id name } } } } } } } } } } } } }""",
}

POSTGRAPHILE_SHAPES = {
    "list": "{ allPartners(first: 20, orderBy: PRIMARY_KEY_ASC) { nodes { id name } } }",
    "partner": """{ partnerByAreaIdAndSlug(areaId: "%(area)s", slug: "%(slug)s") { id name kind
  interventionPartnersByPartnerId(first: 20, orderBy: INTERVENTION_ID_ASC) { nodes { role
    interventionByInterventionId { id name programmes { nodes { name } }
      interventionFundingsByInterventionId { nodes { fundingStreamByFundingStreamId { name } } }
  } } } } }""",
    "dashboard": """{ allProgrammes(first: %(programmes)d, orderBy: PRIMARY_KEY_ASC) { nodes { id name
  programmeLinesByProgrammeId { nodes { id name goalsByLineId(first: %(goals)d, orderBy: PRIMARY_KEY_ASC) { nodes { id name
    goalsByParentId(first: %(subgoals)d, orderBy: PRIMARY_KEY_ASC) { nodes { id name
      interventionGoalsByGoalId(first: %(interventions)d, orderBy: INTERVENTION_ID_ASC) { nodes {
        interventionByInterventionId { id name
          interventionPartnersByInterventionId(first: %(partners)d, orderBy: PRIMARY_KEY_ASC) {
            nodes { role partnerByPartnerId { id name } } }
  } } } } } } } } } } } }""",
}

SHAPE_NAMES = {"list": "simple list", "typical": "partner page, typical partner",
               "hub": "partner page, busiest partner", "dashboard": "dashboard"}

# PostGraphile's own type for PostgreSQL's geometric `line` takes the name `Line`; the table
# `line` becomes `ProgrammeLine` (`programmeLinesByProgrammeId`) so that both can exist.
RENAME_LINE = "COMMENT ON TABLE line IS E'@name programme_line'"

# An intervention's programmes, as samenhang derives them: through its goals, each goal's
# line being its own or its top ancestor's. PostGraphile exposes it as `Intervention.programmes`.
PROGRAMMES_FUNCTION = """
CREATE OR REPLACE FUNCTION intervention_programmes(i intervention) RETURNS SETOF programme
LANGUAGE sql STABLE AS $$
  WITH RECURSIVE up(goal_id, line_id, parent_id, depth) AS (
    SELECT g.id, g.line_id, g.parent_id, 0
      FROM intervention_goal ig JOIN goal g ON g.id = ig.goal_id
     WHERE ig.intervention_id = i.id
    UNION ALL
    SELECT up.goal_id, p.line_id, p.parent_id, up.depth + 1
      FROM up JOIN goal p ON p.id = up.parent_id
     WHERE up.line_id IS NULL AND up.depth < 64
  )
  SELECT p.* FROM programme p
   WHERE p.id IN (SELECT l.programme_id FROM up JOIN line l ON l.id = up.line_id)
   ORDER BY p.id
$$;
"""

SERVER_MJS = """
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import preset from "./graphile.config.mjs";

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.once("listening", () => server.on("error", (e) => console.error(e)));
serv.addTo(server).catch((e) => { console.error(e); process.exit(1); });
server.listen(preset.grafserv.port, preset.grafserv.host);
"""

CONFIG_MJS = """
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

export default {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: %(url)s, schemas: ["public"] })],
  grafserv: { port: %(port)d, host: "127.0.0.1", graphiql: false, watch: false },
  grafast: { explain: false },
};
"""


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(port, path, process, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server on port {port} exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answers on port {port}")


def psql(sql, db="postgres"):
    out = subprocess.run(["psql", "-X", "-q", "-t", "-A", "-h", "127.0.0.1", "-U", "postgres",
                          "-d", db, "-c", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def compilers_running():
    """Names of compiler processes running now."""
    found = set()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/comm") as f:
                    name = f.read().strip()
            except OSError:
                continue
            if name in COMPILERS:
                found.add(name)
    return found


def cpu_seconds(pid):
    """User and system CPU time of a process so far (all its threads)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def count_values(value):
    """Leaf values (scalars and nulls) in an answer."""
    if isinstance(value, dict):
        return sum(count_values(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_values(v) for v in value)
    return 1


class Server:
    """A GraphQL server on a port, and how to ask it."""

    name = "server"
    process = None
    port = 0
    headers = {"content-type": "application/json"}

    def post(self, query):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/graphql", data=json.dumps({"query": query}).encode(),
            headers=self.headers)
        try:
            body = json.load(urllib.request.urlopen(request, timeout=60))
        except urllib.error.HTTPError as e:
            raise SystemExit(f"{self.name}: HTTP {e.code}: {e.read()[:500]!r}\n{query}")
        if body.get("errors"):
            raise SystemExit(f"{self.name}: {json.dumps(body['errors'])[:1000]}\n{query}")
        return body["data"]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Samenhang(Server):
    name = "samenhang"

    def __init__(self, binary, url, data, imported):
        env = dict(os.environ, DATABASE_URL=url, RUST_LOG="error")
        if data and not imported:
            log(f"importing {data} into {url}")
            started = time.monotonic()
            subprocess.run([binary, "import", data], env=env, check=True,
                           capture_output=True)
            log(f"  imported in {time.monotonic() - started:.1f} s")
        token = subprocess.run([binary, "token", "create", f"bench-{os.getpid()}", "--role",
                                "viewer"], env=env, check=True, capture_output=True,
                               text=True).stdout.strip()
        self.headers = {"content-type": "application/json", "authorization": f"Bearer {token}"}
        self.port = free_port()
        # Without a data file, the first start loads the bundled Lelystad Oost dataset.
        seed = ["--no-seed"] if data else []
        # The dashboard's price before it runs (the product of the longest lists of each
        # level: clusters, lines, goals, sub-goals, interventions, partners) is above the
        # default cost limit of 200 000, though its answer holds a few thousand values;
        # PostGraphile checks no cost. The limit is raised so that the dashboard runs.
        self.process = subprocess.Popen(
            [binary, "serve", "--addr", f"127.0.0.1:{self.port}", "--max-complexity",
             str(MAX_COMPLEXITY), *seed], env=env)
        wait(self.port, "/health", self.process)


class Bare(Server):
    name = "bare async-graphql"

    def __init__(self, binary, url):
        self.port = free_port()
        self.process = subprocess.Popen([binary, url, f"127.0.0.1:{self.port}"])
        wait(self.port, "/health", self.process)


class PostGraphile(Server):
    name = "PostGraphile 5"

    def __init__(self, directory, url, work):
        self.port = free_port()
        with open(os.path.join(directory, "graphile.config.mjs"), "w") as f:
            f.write(CONFIG_MJS % {"url": json.dumps(url), "port": self.port})
        with open(os.path.join(directory, "server.mjs"), "w") as f:
            f.write(SERVER_MJS)
        self.log = open(os.path.join(work, f"postgraphile-{self.port}.log"), "w")
        env = dict(os.environ, NODE_ENV="production", GRAPHILE_ENV="production")
        self.process = subprocess.Popen(
            [os.path.join(directory, "node_modules", ".bin", "node"), "server.mjs"],
            cwd=directory, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            wait(self.port, "/graphql", self.process)
        except SystemExit:
            self.log.flush()
            with open(self.log.name) as f:
                log(f.read()[-3000:])
            raise

    def fields(self, type_name):
        data = self.post('{ __type(name: "%s") { fields { name } } }' % type_name)
        return {f["name"] for f in (data["__type"] or {}).get("fields") or []}


def install_postgraphile(directory):
    """PostGraphile 5 and Node 22 from the pinned lockfile, unless already there."""
    node = os.path.join(directory, "node_modules", ".bin", "node")
    wanted = os.path.join(HERE, "postgraphile5", "package-lock.json")
    have = os.path.join(directory, "package-lock.json")
    if os.path.exists(node) and os.path.exists(have):
        with open(wanted) as a, open(have) as b:
            if json.load(a).get("packages", {}).get("") == json.load(b).get("packages", {}).get(""):
                return
    os.makedirs(directory, exist_ok=True)
    for name in ["package.json", "package-lock.json"]:
        shutil.copy(os.path.join(HERE, "postgraphile5", name), os.path.join(directory, name))
    log(f"installing PostGraphile 5 and Node 22 into {directory}")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=directory, check=True)


WRK_LUA = """
bad = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
local body = %(body)s
local headers = %(headers)s
function request() return wrk.format("POST", "/graphql", headers, body) end
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    bad = bad + 1
    if bad == 1 then io.stderr:write(status .. " " .. string.sub(body, 1, 300) .. "\\n") end
  end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  io.write(string.format("RESULT %%d %%d %%d %%d\\n", summary.requests, summary.duration, b,
                         summary.errors.connect + summary.errors.read + summary.errors.write
                         + summary.errors.timeout + summary.errors.status))
end
"""


def lua_string(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


class Measure:
    def __init__(self, seconds, warmup):
        self.seconds, self.warmup = seconds, warmup
        self.noisy = False

    def wrk(self, server, query, connections, seconds):
        """Requests per second, and whether a compiler ran meanwhile."""
        head = "{" + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}"
                               for k, v in server.headers.items()) + "}"
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write(WRK_LUA % {"body": lua_string(json.dumps({"query": query})),
                                "headers": head})
        script.close()
        before = compilers_running()
        cpu_before = cpu_seconds(server.process.pid)
        try:
            out = subprocess.run(
                ["wrk", "-t", str(min(connections, 2)), "-c", str(connections), "-d",
                 f"{seconds}s", "--timeout", "10s", "-s", script.name,
                 f"http://127.0.0.1:{server.port}"],
                capture_output=True, text=True, check=True)
        finally:
            os.unlink(script.name)
        cpu = cpu_seconds(server.process.pid) - cpu_before
        noisy = bool(before | compilers_running())
        line = next(l for l in out.stdout.splitlines() if l.startswith("RESULT"))
        count, micros, bad, errors = map(int, line.split()[1:])
        self.cpu_per_request = cpu / max(count, 1)
        if bad or errors:
            raise SystemExit(f"{server.name}: {bad} bad answers, {errors} socket errors under "
                             f"wrk; the first: {out.stderr.strip()[:300]}")
        return count / (micros / 1e6), noisy

    def rps(self, server, query, connections):
        if self.warmup:
            self.wrk(server, query, connections, self.warmup)
        rps, noisy = self.wrk(server, query, connections, self.seconds)
        self.noisy |= noisy
        log(f"  {server.name}, {connections} connection(s): {rps:.0f} req/s, "
            f"{self.cpu_per_request * 1e6:.0f} µs of the server's CPU per request"
            + (" (a compiler was running)" if noisy else ""))
        return rps, noisy, self.cpu_per_request


def dataset_parameters(db, name):
    """The partners for the partner page (the one with most interventions, and a typical one:
    the median by number of interventions; ties by lowest id), their area, and the dashboard
    limits."""
    rows = psql("""SELECT p.slug, p.area_id, count(ip.id) FROM partner p
                   LEFT JOIN intervention_partner ip ON ip.partner_id = p.id
                   GROUP BY p.id ORDER BY count(ip.id) DESC, p.id""", db).splitlines()
    hub, typical = rows[0].split("|"), rows[len(rows) // 2].split("|")
    programmes, interventions = DASHBOARD_LIMITS[name]
    # Goals per line, sub-goals per goal and partners per intervention paged at the most the
    # data has: the answers are whole, and a connection's cost is priced at `first:`.
    def most(sql):
        return int(psql(f"SELECT coalesce(max(n), 1) FROM ({sql}) per_item", db))
    goals = most("SELECT count(*) AS n FROM goal WHERE line_id IS NOT NULL GROUP BY line_id")
    subgoals = most("SELECT count(*) AS n FROM goal WHERE parent_id IS NOT NULL GROUP BY parent_id")
    partners = most("SELECT count(*) AS n FROM intervention_partner GROUP BY intervention_id")
    return {"goals": goals, "subgoals": subgoals, "partners": partners, "hub": hub[0], "hub_count": int(hub[2]), "area": hub[1], "typical": typical[0],
            "typical_count": int(typical[2]), "programmes": programmes,
            "interventions": interventions}


def database(name, reuse):
    """The database for a dataset, and whether it already holds the data."""
    db = f"bench_frontend_{name}"
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"
    if exists and reuse:
        try:
            if int(psql("SELECT count(*) FROM partner", db)) > 0:
                return db, True
        except subprocess.CalledProcessError:
            pass
    psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    psql(f"CREATE DATABASE {db}")
    return db, False


def fmt(x):
    return f"{x:,.0f}".replace(",", " ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", help="the release build of samenhang")
    parser.add_argument("--postgraphile-dir", default=DEFAULT_PG5,
                        help=f"where PostGraphile 5 is (or is installed); default {DEFAULT_PG5}")
    parser.add_argument("--no-postgraphile", action="store_true")
    parser.add_argument("--bare", help="the release build of examples/bare_graphql.rs")
    parser.add_argument("--seconds", type=int, default=10, help="each measurement (default 10)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up before each (default 3)")
    parser.add_argument("--datasets", default="lelystad,national",
                        help="comma-separated: lelystad, national")
    parser.add_argument("--shapes", default="list,typical,hub,dashboard")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse (and keep) the benchmark databases of an earlier run")
    args = parser.parse_args()
    # A SIGTERM stops the servers and drops the databases like the end of a run does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    binary = os.path.abspath(args.binary)
    bare = os.path.abspath(args.bare) if args.bare else None
    for tool in ["wrk", "psql"]:
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing (apt-get install -y {tool})")
    if not args.no_postgraphile:
        install_postgraphile(args.postgraphile_dir)
    shapes = args.shapes.split(",")
    measure = Measure(args.seconds, args.warmup)
    load_before = os.getloadavg()
    log(f"load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}; "
        f"compilers running: {', '.join(sorted(compilers_running())) or 'none'}")
    work = tempfile.mkdtemp(prefix="samenhang-frontend-")
    results = []  # (dataset, shape, values, samenhang, postgraphile, bare, s1, b1)
    databases = []
    try:
        for name in args.datasets.split(","):
            label = {"lelystad": "Lelystad Oost", "national": "national"}[name]
            db, imported = database(name, args.reuse)
            databases.append(db)
            url = f"{PG}/{db}"
            data = None
            if name == "national":
                data = os.path.join(work, "national.yaml")
                if not imported:
                    subprocess.run([binary, "generate", data, "--size", "national"], check=True,
                                   capture_output=True)
            servers = []
            try:
                samenhang = Samenhang(binary, url, data, imported)
                servers.append(samenhang)
                params = dataset_parameters(db, name)
                log(f"{label}: partner pages of {params['typical']!r} "
                    f"({params['typical_count']} interventions) and {params['hub']!r} "
                    f"({params['hub_count']}), dashboard of {params['programmes']} programmes × "
                    f"{params['interventions']} interventions per goal")
                postgraphile = None
                if not args.no_postgraphile:
                    psql(PROGRAMMES_FUNCTION, db)
                    psql(RENAME_LINE, db)
                    # Fresh tables have no planner statistics until autovacuum gets to them;
                    # without them PostgreSQL plans PostGraphile's queries up to 5× slower.
                    psql("ANALYZE", db)
                    postgraphile = PostGraphile(args.postgraphile_dir, url, work)
                    servers.append(postgraphile)
                    missing = {"allPartners", "partnerByAreaIdAndSlug", "allProgrammes"} - \
                        postgraphile.fields("Query")
                    if missing:
                        raise SystemExit(f"PostGraphile's schema lacks {missing}")
                bare_server = Bare(bare, url) if bare else None
                if bare_server:
                    servers.append(bare_server)
                for shape in shapes:
                    kind = "partner" if shape in ("typical", "hub") else shape
                    params["slug"] = params.get(shape, "")
                    ours = SAMENHANG_SHAPES[kind] % params
                    values = count_values(samenhang.post(ours))
                    row = {"dataset": label, "shape": SHAPE_NAMES[shape], "values": values}
                    if kind == "partner":
                        row["shape"] += f" ({params[shape + '_count']} interventions)"
                    elif kind == "dashboard":
                        row["shape"] += (f" ({params['programmes']} programmes, "
                                         f"{params['interventions']} interventions per goal)")
                    log(f"{label}, {row['shape']}: {values} values")
                    if postgraphile:
                        theirs = POSTGRAPHILE_SHAPES[kind] % params
                        row["pg_values"] = count_values(postgraphile.post(theirs))
                        if row["pg_values"] != values:
                            log(f"  PostGraphile's answer has {row['pg_values']} values")
                    if bare_server:
                        row["bare_values"] = count_values(bare_server.post(ours))
                        if row["bare_values"] != values:
                            log(f"  the bare handler's answer has {row['bare_values']} values")
                    row["samenhang"] = measure.rps(samenhang, ours, 4)
                    if postgraphile:
                        row["postgraphile"] = measure.rps(postgraphile, theirs, 4)
                    if bare_server:
                        row["bare"] = measure.rps(bare_server, ours, 4)
                        row["samenhang1"] = measure.rps(samenhang, ours, 1)
                        row["bare1"] = measure.rps(bare_server, ours, 1)
                    results.append(row)
            finally:
                for server in servers:
                    server.stop()
    finally:
        if not args.reuse:
            for db in databases:
                psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()
    report(results, load_before, load_after, measure.noisy)


def report(results, load_before, load_after, noisy):
    mark = lambda measured: fmt(measured[0]) + (" †" if measured[1] else "")
    print(f"Load average {load_before[0]:.2f} at the start, {load_after[0]:.2f} at the end "
          f"(1-minute).")
    if noisy:
        print("† measured while a compiler (rustc, cc1 or ld) was running: noise.")
    print()
    if any("postgraphile" in r for r in results):
        # The bare handler's rate, where measured: the most async-graphql itself does here.
        with_bare = any("bare" in r for r in results)
        head = "| data | shape | values per answer | samenhang req/s | PostGraphile 5 req/s | ratio |"
        rule = "| --- | --- | ---: | ---: | ---: | ---: |"
        if with_bare:
            head += " bare async-graphql req/s | bare / PostGraphile |"
            rule += " ---: | ---: |"
        print(head)
        print(rule)
        for r in results:
            if "postgraphile" not in r:
                continue
            values = str(r["values"])
            if r["pg_values"] != r["values"]:
                values += f" (PostGraphile: {r['pg_values']})"
            ratio = r["samenhang"][0] / r["postgraphile"][0]
            line = (f"| {r['dataset']} | {r['shape']} | {values} | "
                    f"{mark(r['samenhang'])} | {mark(r['postgraphile'])} | {ratio:.1f}× |")
            if "bare" in r:
                line += f" {mark(r['bare'])} | {r['bare'][0] / r['postgraphile'][0]:.1f}× |"
            elif with_bare:
                line += " – | – |"
            print(line)
        print()
    if any("bare" in r for r in results):
        print("Per-request cost with 1 connection (one request at a time): wall time is "
              "1 000 000 / (req/s), HTTP and wrk included; CPU is the server process's user + "
              "system time over the run divided by its requests.")
        print()
        print("| data | shape | values | samenhang µs/request | bare µs/request | ratio | "
              "samenhang CPU µs/request | bare CPU µs/request | ratio |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in results:
            if "bare" not in r:
                continue
            ours, theirs = 1e6 / r["samenhang1"][0], 1e6 / r["bare1"][0]
            cpu_ours, cpu_theirs = r["samenhang1"][2] * 1e6, r["bare1"][2] * 1e6
            flag = " †" if r["samenhang1"][1] or r["bare1"][1] else ""
            values = str(r["values"])
            if r["bare_values"] != r["values"]:
                values += f" (bare: {r['bare_values']})"
            print(f"| {r['dataset']} | {r['shape']} | {values} | {ours:.0f}{flag} | "
                  f"{theirs:.0f}{flag} | {ours / theirs:.2f}× | {cpu_ours:.0f}{flag} | "
                  f"{cpu_theirs:.0f}{flag} | {cpu_ours / cpu_theirs:.2f}× |")


if __name__ == "__main__":
    sys.exit(main())
