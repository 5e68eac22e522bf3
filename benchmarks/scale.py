"""Speed at scale, side by side in one run (issue 11, README "Measured, not assumed"). Not a test.

    .venv/bin/python benchmarks/scale.py            # small (both real plans) and large (~1M reports)
    .venv/bin/python benchmarks/scale.py --quick    # the same rows on a small synthetic set, in minutes

One command: it starts a throw-away PostgreSQL 15 (stopped on exit whatever happens), builds two databases
-- `small`: both real plans (load_plans) with every range state reporting every activity in one round;
`large`: the same plus synthetic plans bulk-inserted by benchmarks/synthetic.py -- serves each with
gunicorn (2 workers, DEBUG off) on its own port, and measures over HTTP with a plain keep-alive client,
small and large interleaved (A B A B). Then the limits in-process (the activity API against one raw SQL
query, the Excel export against bare openpyxl, load_plans against loaddata), EXPLAIN of the queries
users' filters and orderings run, and one table: what, small, large, ratio, goal, met.
It asserts nothing: speed is never a test. The machine may be shared: read the ratios.

Internally the script calls itself with --stage for the parts that need Django (one database each).
"""
from __future__ import annotations

import argparse
import atexit
import gzip
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.scale_stages import BIG_SCAN, STAGES, django_setup, log, notable_scans  # noqa: E402
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PASSWORD = "demo"  # the demo accounts of load_demo (secretariat, focal-kz)
RESULT = "RESULT "  # a stage's last line: RESULT {json}

FULL = {"plans": 20, "activities": 200, "countries": 50, "rounds": 5}
QUICK = {"plans": 3, "activities": 50, "countries": 10, "rounds": 2}

# Goals of issue 11.
PAGE_RATIO = 1.3
API_RAW_RATIO = 2.0
TTFB_RATIO = 5.0
GZIP_BYTES = 25 * 1024
EXPORT_TIME_RATIO, EXPORT_MEMORY_RATIO = 1.3, 1.5
LOAD_RATIO = 2.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- PostgreSQL, as scripts/test starts it ---------------------------------------------------------------

class Postgres:
    def __init__(self, work: Path):
        self.dir = work / "pg"
        self.dir.mkdir()
        self.port = free_port()
        self.as_user = []
        if os.getuid() == 0:  # initdb refuses root: the server runs as the postgres user, as Debian's does
            shutil.chown(self.dir, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.started = False

    def start(self):
        if not (PG_BIN / "initdb").exists():
            sys.exit(f"PostgreSQL 15 is not at {PG_BIN} (Debian package postgresql-15; scripts/test installs it).")
        run([*self.as_user, str(PG_BIN / "initdb"), "-D", str(self.dir / "data"), "-A", "trust", "-U", "postgres",
             "-E", "UTF8"], quiet=True)
        options = (f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c full_page_writes=off "
                   "-c synchronous_commit=off -c shared_buffers=512MB -c max_wal_size=4GB")
        run([*self.as_user, str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"),
             "-w", "-o", options, "start"], quiet=True)
        self.started = True

    def stop(self):
        if self.started:
            self.started = False
            subprocess.run([*self.as_user, str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate",
                            "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def sql(self, statement: str, database: str = "postgres"):
        run([str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
             "-v", "ON_ERROR_STOP=1", "-q", "-c", statement], quiet=True)

    def copy(self, source: str, target: str):
        self.sql(f'DROP DATABASE IF EXISTS "{target}"')
        self.sql(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def run(command: list[str], *, env: dict | None = None, quiet: bool = False, live: bool = False) -> str:
    """Run a command and return what it printed; its errors (live: as they come) go to stderr."""
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=None if live else subprocess.PIPE, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout[-5000:] + (done.stderr or "")[-5000:])
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command[:6])}")
    if not quiet and not live and done.stderr.strip():
        sys.stderr.write(done.stderr[-2000:])
    return done.stdout


def app_env(database_url: str, work: Path) -> dict:
    """The environment of a production server (README "Production") over plain http on loopback."""
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "cami.settings", "DATABASE_URL": database_url, "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "SECURE_HSTS_SECONDS": "0", "PROXY_COUNT": "0",
        "STATIC_ROOT": str(work / "static"), "MEDIA_ROOT": str(work / "media"), "LOG_LEVEL": "WARNING",
        # The benchmark's own requests are not the abuse the throttles are for.
        "THROTTLE_ANON": "100000/minute", "THROTTLE_LOGIN": "1000/minute", "THROTTLE_EXPORTS": "100000/hour",
        "PYTHONPATH": str(ROOT),
    })
    return env


SECRET_KEY = secrets.token_urlsafe(50)


def manage(database_url: str, work: Path, *arguments: str) -> str:
    return run([PYTHON, "manage.py", *arguments], env=app_env(database_url, work))


def stage(name: str, database_url: str, work: Path, *arguments: str) -> dict:
    output = run([PYTHON, str(Path(__file__)), "--stage", name, *arguments], env=app_env(database_url, work),
                 live=True)
    for line in reversed(output.splitlines()):
        if line.startswith(RESULT):
            return json.loads(line[len(RESULT):])
    raise SystemExit(f"stage {name} printed no result:\n{output[-3000:]}")


# --- building the databases -------------------------------------------------------------------------------

def build(pg: Postgres, work: Path, scale: dict) -> dict:
    started = time.perf_counter()
    pg.sql("CREATE DATABASE fresh")
    manage(pg.url("fresh"), work, "migrate", "--no-input", "-v0")
    manage(pg.url("fresh"), work, "createcachetable")
    log(f"migrated an empty database in {time.perf_counter() - started:.0f} s")
    info = {"load": load_comparison(pg, work)}
    pg.copy("fresh", "small")
    manage(pg.url("small"), work, "load_plans", "-v0")
    info["small"] = stage("small", pg.url("small"), work)
    log(f"small: {info['small']['reports']:,} progress reports")
    pg.copy("small", "large")
    started = time.perf_counter()
    info["large"] = stage("large", pg.url("large"), work, *[f"--{key}={value}" for key, value in scale.items()])
    log(f"large: {info['large']['reports']:,} progress reports, built in {time.perf_counter() - started:.0f} s")
    return info


def load_comparison(pg: Postgres, work: Path, pairs: int = 3) -> dict:
    """load_plans against loaddata of the same objects (what load_plans wrote, dumped), each on an empty
    database, A B A B. The fixtures themselves carry no edition for their activities (load_plans adds it),
    so loaddata cannot read them as they are: it reads the dump, which has the same rows."""
    dump = work / "plans-dump.json"
    first = stage("load_plans", (pg.copy("fresh", "load_a"), pg.url("load_a"))[1], work, f"--dump={dump}")
    rows = {"load_plans": [first], "loaddata": []}
    for n in range(pairs):
        pg.copy("fresh", "load_b")
        rows["loaddata"].append(stage("loaddata", pg.url("load_b"), work, f"--dump={dump}"))
        if n < pairs - 1:
            pg.copy("fresh", "load_a")
            rows["load_plans"].append(stage("load_plans", pg.url("load_a"), work))
    for name in ("load_a", "load_b"):
        pg.sql(f'DROP DATABASE "{name}"')
    return {key: {"seconds": statistics.median(r["seconds"] for r in runs), "queries": runs[0]["queries"],
                  "objects": first["objects"]} for key, runs in rows.items()}


# --- HTTP ------------------------------------------------------------------------------------------------

class Server:
    """gunicorn cami.wsgi, 2 workers, as in production (README "Production"), on its own port."""

    def __init__(self, name: str, database_url: str, work: Path):
        self.name, self.port = name, free_port()
        self.log = open(work / f"gunicorn-{name}.log", "w")
        self.process = subprocess.Popen(
            [GUNICORN, "cami.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--timeout", "600"],
            cwd=ROOT, env=app_env(database_url, work), stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.client = Client(self.port)

    def wait(self):
        for _ in range(300):
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn ({self.name}) exited: see {self.log.name}")
            try:
                self.client.get("/favicon.ico")
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn ({self.name}) did not answer")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class Client:
    """One connection, kept alive while the server keeps it (gunicorn's sync workers close each one:
    the connection is then made again before the clock starts)."""

    def __init__(self, port: int):
        self.port, self.connection = port, None
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None):
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)
                self.connection.connect()
            all_headers = {"Host": f"127.0.0.1:{self.port}", **self.headers, **(headers or {})}
            if self.cookies:
                all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            try:
                started = time.perf_counter()
                self.connection.request(method, path, body=body, headers=all_headers)
                response = self.connection.getresponse()
                first_byte = time.perf_counter() - started
                content = response.read()
                total = time.perf_counter() - started
            except (http.client.RemoteDisconnected, ConnectionError, http.client.CannotSendRequest):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.will_close:
                self.connection.close()
                self.connection = None
            return response, content, first_byte, total
        raise AssertionError("unreachable")

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)


def sign_in(server: Server, username: str) -> Client:
    client = Client(server.port)
    _, page, _, _ = client.get("/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
    response, _, _, _ = client.request("POST", "/accounts/login/", body=body.encode(), headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    if response.status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"signing in as {username} failed ({response.status})")
    return client


def token_client(server: Server, username: str) -> Client:
    client = Client(server.port)
    body = json.dumps({"username": username, "password": PASSWORD}).encode()
    response, content, _, _ = client.request("POST", "/api/v1/auth/token/", body=body,
                                             headers={"Content-Type": "application/json"})
    if response.status != 200:
        raise SystemExit(f"no API token for {username} ({response.status}: {content[:200]!r})")
    client.headers["Authorization"] = f"Token {json.loads(content)['token']}"
    return client


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def measure_http(servers: dict, rounds: dict, samples: int, warmup: int) -> dict:
    """Each URL on both servers, small and large in turn, after a warm-up: p50 and p95 of the whole
    response (TTFB too), and the bytes received."""
    clients = {}
    for name, server in servers.items():
        clients[name] = {"session": sign_in(server, "secretariat"), "focal": sign_in(server, "focal-kz"),
                         "token": token_client(server, "secretariat"), "anonymous": Client(server.port)}
    round_id = rounds["argali"]
    trivial = trivial_url(servers["small"].client)
    urls = [
        ("plan dashboard", "session", "/dashboards/plans/argali/", {}),
        ("validation queue", "session", "/validation/", {}),
        ("progress API first page (token)", "token", "/api/v1/progress/", {}),
        ("progress API first page (anonymous)", "anonymous", "/api/v1/progress/", {}),
        ("progress API ?country=KZ&round=", "token", f"/api/v1/progress/?country=KZ&round={round_id}", {}),
        ("country report (focal point of KZ)", "focal", f"/rounds/{round_id}/KZ/", {}),
        ("country report (Secretariat)", "session", f"/rounds/{round_id}/KZ/", {}),
        ("activity list", "session", "/activities/?plan=argali", {}),
        ("activity API page of 100", "token", "/api/v1/activities/?plan=argali&page_size=100", {}),
        ("country dashboard", "session", "/dashboards/countries/KZ/", {}),
        ("one-plan Excel export", "session", "/exports/progress.xlsx?plan=argali&version=working", {}),
        ("country report, gzip accepted", "session", f"/rounds/{round_id}/KZ/", {"Accept-Encoding": "gzip"}),
        (f"trivial view {trivial}", "session", trivial, {}),
    ]
    results = {}
    for what, who, path, headers in urls:
        runs = {name: {"total": [], "ttfb": [], "bytes": 0, "encoding": ""} for name in servers}
        for n in range(warmup + samples):
            for name in servers:  # A B A B
                response, content, ttfb, total = clients[name][who].get(path, headers=headers)
                if response.status not in (200, 302):
                    raise SystemExit(f"{what} ({name}): {path} answered {response.status}")
                if n >= warmup:
                    runs[name]["total"].append(total)
                    runs[name]["ttfb"].append(ttfb)
                runs[name]["bytes"] = len(content)
                runs[name]["encoding"] = response.getheader("Content-Encoding", "")
        results[what] = {name: {"p50": statistics.median(r["total"]), "p95": percentile(r["total"], 0.95),
                                "ttfb": statistics.median(r["ttfb"]), "bytes": r["bytes"], "encoding": r["encoding"]}
                         for name, r in runs.items()}
        log(f"{what}: " + ", ".join(f"{name} {r['p50'] * 1000:.1f} ms" for name, r in results[what].items()))
    return results


def trivial_url(client: Client) -> str:
    """The lightest URL the app serves: a health check if it has one, else the favicon's redirect."""
    for path in ("/healthz", "/healthz/", "/health/"):
        response, _, _, _ = client.get(path)
        if response.status == 200:
            return path
    return "/favicon.ico"



# --- the table --------------------------------------------------------------------------------------------

def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def report(info: dict, http: dict, limits: dict, explain: dict, args, scale: dict) -> str:
    small, large = info["small"]["reports"], info["large"]["reports"]
    lines = [f"small: {small:,} progress reports; large: {large:,} (both real plans plus {scale['plans']} plans x "
             f"{scale['activities']} activities x {scale['countries']} countries x {scale['rounds']} rounds); "
             f"PostgreSQL 15, gunicorn 2 workers; median of {args.samples} after {args.warmup} warm-up, interleaved.",
             ""]
    rows = []

    def row(what, a, b, ratio, goal, met, fmt=ms):
        verdict = ("met" if met else "NOT met") if goal else ""
        rows.append((what, fmt(a) if isinstance(a, (int, float)) else a, fmt(b) if isinstance(b, (int, float)) else b,
                     f"{ratio:.2f}", goal, verdict))

    pages = [what for what in http if not what.startswith(("trivial", "country report, gzip"))]
    for what in pages:
        for q in ("p50", "p95"):
            a, b = http[what]["small"][q], http[what]["large"][q]
            row(f"{what} {q}", a, b, b / a, f"≤ {PAGE_RATIO}× small", b / a <= PAGE_RATIO)
    header = ("what", "small", "large", "large/small", "goal", "")
    table = format_table(header, rows)
    rows = []
    trivial = next(what for what in http if what.startswith("trivial"))
    for scale_name in ("small", "large"):
        a = http["country report (Secretariat)"][scale_name]["ttfb"]
        b = http[trivial][scale_name]["ttfb"]
        row(f"country report TTFB vs {trivial[len('trivial view '):]} ({scale_name})", a, b, a / b,
            f"≤ {TTFB_RATIO}×", a / b <= TTFB_RATIO)
    gz = http["country report, gzip accepted"]
    plain = http["country report (Secretariat)"]
    for scale_name in ("small", "large"):
        sent, whole = gz[scale_name]["bytes"], plain[scale_name]["bytes"]
        rows.append((f"country report bytes sent, gzip accepted ({scale_name}; Content-Encoding: "
                     f"{gz[scale_name]['encoding'] or 'none'})", f"{sent / 1024:.1f} KB", f"{whole / 1024:.1f} KB",
                     f"{sent / whole:.2f}", f"< {GZIP_BYTES // 1024} KB sent", "met" if sent < GZIP_BYTES else "NOT met"))
    for size in (100, 500):
        r = limits[f"activity API page of {size}"]
        row(f"activity API page of {size} (in-process, large) vs raw SQL + json.dumps", r["api"], r["raw"],
            r["api"] / r["raw"], f"≤ {API_RAW_RATIO}×" if size == 100 else "", r["api"] / r["raw"] <= API_RAW_RATIO)
    for what, r in limits["exports"].items():
        row(f"Excel export, {what} ({r['cells']:,} cells), time vs bare openpyxl write-only", r["seconds"],
            r["bare_seconds"], r["seconds"] / r["bare_seconds"], f"≤ {EXPORT_TIME_RATIO}×",
            r["seconds"] / r["bare_seconds"] <= EXPORT_TIME_RATIO)
        row(f"Excel export, {what}, peak Python memory vs bare openpyxl", r["peak"], r["bare_peak"],
            r["peak"] / r["bare_peak"], f"≤ {EXPORT_MEMORY_RATIO}×", r["peak"] / r["bare_peak"] <= EXPORT_MEMORY_RATIO,
            fmt=lambda v: f"{v / 2**20:,.1f} MiB")
    load = info["load"]
    a, b = load["load_plans"], load["loaddata"]
    row(f"load_plans vs loaddata of the same {a['objects']:,} objects, empty database", a["seconds"], b["seconds"],
        a["seconds"] / b["seconds"], f"≤ {LOAD_RATIO}×", a["seconds"] / b["seconds"] <= LOAD_RATIO)
    rows.append(("  their queries", f"{a['queries']:,}", f"{b['queries']:,}", f"{a['queries'] / b['queries']:.2f}",
                 "bounded", ""))
    table2 = format_table(("limit", "tracker", "limit", "ratio", "goal", ""), rows)
    lines += [table, "", table2, "", "EXPLAIN ANALYZE on large: each page's slowest queries, their scans of the "
              f"report tables and any sequential scan reading more than {BIG_SCAN:,} rows (an index missing):"]
    for what, r in explain.items():
        lines.append(f"- {what}: {r['queries']} queries, {r['total_ms']:.1f} ms in the database")
        for plan in r["slowest"][:2]:
            lines.append(f"    {plan['ms']:.1f} ms: " + ("; ".join(notable_scans(plan["scans"])) or "small tables only"))
    return "\n".join(lines)


def format_table(header, rows) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    out = ["| " + " | ".join(str(h).ljust(w) for h, w in zip(header, widths)) + " |",
           "| " + " | ".join("-" * w for w in widths) + " |"]
    out += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join(out)


# --- main -------------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"a small large scale: {QUICK}")
    for key, value in FULL.items():
        parser.add_argument(f"--{key}", type=int, help=f"synthetic {key} of the large scale (default {value})")
    parser.add_argument("--samples", type=int, default=9, help="timed requests per URL and scale (default 9)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--output", help="also write the table to this file")
    parser.add_argument("--json", help="also write every measurement to this file (JSON)")
    parser.add_argument("--table-from", help="print the table of a run saved with --json, measuring nothing")
    parser.add_argument("--stage", choices=sorted(STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--dump", help=argparse.SUPPRESS)
    parser.add_argument("--round", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--one-plan", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        django_setup()
        print(RESULT + json.dumps(STAGES[args.stage](args), default=str))
        return
    if args.table_from:
        saved = json.loads(Path(args.table_from).read_text())
        args.samples, args.warmup = saved["samples"], saved["warmup"]
        print(report(saved["info"], saved["http"], saved["limits"], saved["explain"], args, saved["scale"]))
        return
    scale = {key: getattr(args, key) or (QUICK if args.quick else FULL)[key] for key in FULL}
    work = Path(tempfile.mkdtemp(prefix="cami-scale-"))
    os.chmod(work, 0o755)
    pg = Postgres(work)
    servers: dict[str, Server] = {}

    def clean_up():
        for server in servers.values():
            server.stop()
        servers.clear()
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)

    atexit.register(clean_up)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        pg.start()
        log(f"PostgreSQL 15 on port {pg.port}, scale {scale}")
        info = build(pg, work, scale)
        manage(pg.url("small"), work, "collectstatic", "--no-input", "-v0")
        for name in ("small", "large"):
            servers[name] = Server(name, pg.url(name), work)
        for server in servers.values():
            server.wait()
        http = measure_http(servers, info["small"]["rounds"], args.samples, args.warmup)
        for server in servers.values():
            server.stop()
        servers.clear()
        round_id = str(info["small"]["rounds"]["argali"])
        limits = stage("limits", pg.url("large"), work, f"--samples={args.samples}", f"--warmup={args.warmup}",
                       f"--one-plan={info['large']['one_plan']}")
        explain = stage("explain", pg.url("large"), work, f"--round={round_id}")
        if args.json:
            Path(args.json).write_text(json.dumps({
                "info": info, "http": http, "limits": limits, "explain": explain, "scale": scale,
                "samples": args.samples, "warmup": args.warmup, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            }, indent=1, default=str))
        text = report(info, http, limits, explain, args, scale)
        print(text)
        if args.output:
            Path(args.output).write_text(text + "\n")
    finally:
        clean_up()


if __name__ == "__main__":
    main()
