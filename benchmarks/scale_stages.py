"""The parts of benchmarks/scale.py that run inside Django, one database each: building the small and large
data sets, load_plans against loaddata, the in-process limits (activity API against raw SQL, the Excel export
against bare openpyxl) and EXPLAIN ANALYZE of the filtered pages.

scale.py runs each as ``scale.py --stage <name>`` in a process of its own, with that database's settings in
the environment; a stage prints its result as its last line (``RESULT {json}``). Kept apart from the
orchestration (PostgreSQL, gunicorn, the HTTP client, the table) so that each file does one job.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path


def log(message: str):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def django_setup():
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


def stage_small(args) -> dict:
    from django.contrib.auth import get_user_model

    from benchmarks.synthetic import report_every_pair
    from reporting.demo import demo_data_load
    from reporting.models import ProgressReport

    # load_demo's accounts (secretariat, focal-kz; password "demo") and a round per plan. The command runs only
    # with DEBUG on; this database is thrown away at the end of the run.
    demo_data_load()
    rounds = report_every_pair(user=get_user_model().objects.get(username="secretariat"))
    analyze()
    return {"rounds": rounds, "reports": ProgressReport.objects.count()}


def stage_large(args) -> dict:
    from benchmarks.synthetic import Scale, build
    from reporting.models import ProgressReport

    data = build(Scale(plans=args.plans, activities=args.activities, countries=args.countries, rounds=args.rounds,
                       reported_share=1.0))
    analyze()
    return {"reports": ProgressReport.objects.count(), "one_plan": data["plans"][0].slug}


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def stage_load(args, command: str) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from actionplans.models import Activity

    queries = []

    def count(execute, sql, params, many, context):  # every query, without DEBUG's logging cost or cap
        queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        if command == "load_plans":
            call_command("load_plans", verbosity=0)
        else:
            call_command("loaddata", args.dump, verbosity=0)
        seconds = time.perf_counter() - started
    objects = 0
    if command == "load_plans" and args.dump and not Path(args.dump).exists():
        with open(args.dump, "w") as out:
            call_command("dumpdata", "actionplans", "conservation_units", stdout=out)
    if Path(args.dump or "/nonexistent").exists():
        objects = len(json.loads(Path(args.dump).read_text()))
    return {"seconds": seconds, "queries": len(queries), "objects": objects, "activities": Activity.objects.count()}


def stage_limits(args) -> dict:
    """In-process: the activity API page against one raw query + json.dumps through the same middleware,
    and the Excel export against bare openpyxl write-only writing the same cells."""
    from django.contrib.auth import get_user_model
    from django.test import Client as TestClient, override_settings

    from reporting.services.account import api_token_get_or_issue

    user = get_user_model().objects.get(username="secretariat")
    token = api_token_get_or_issue(user=user).key
    client = TestClient(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    results = {}
    with override_settings(ROOT_URLCONF="benchmarks.scale_urls"):
        for size in (100, 500):
            api = f"/api/v1/activities/?plan=argali&page_size={size}"
            raw = f"/benchmark/raw-activities/?plan=argali&page_size={size}"
            times = {"api": [], "raw": []}
            for n in range(args.warmup + args.samples):
                for key, url in (("api", api), ("raw", raw)):
                    started = time.perf_counter()
                    response = client.get(url)
                    elapsed = time.perf_counter() - started
                    assert response.status_code == 200, (url, response.status_code)
                    if n >= args.warmup:
                        times[key].append(elapsed)
            results[f"activity API page of {size}"] = {k: statistics.median(v) for k, v in times.items()}
    results["exports"] = export_limits(user, args.one_plan)
    return results


def export_limits(user, one_plan: str) -> dict:
    from benchmarks.run import traced_then_timed
    from reporting import exports

    out = {}
    for what, params in (("one plan", {"plan": one_plan, "version": "working"}), ("all plans", {"version": "working"})):
        def tracker():
            return exports.workbook_bytes(exports.progress_tables(user=user, params=params))

        seconds, peak, content = traced_then_timed(tracker)
        sheets = workbook_values(content)
        cells = sum(len(row) for rows in sheets.values() for row in rows)
        bare_seconds, bare_peak, _ = traced_then_timed(lambda: bare_workbook(sheets))
        out[what] = {"seconds": seconds, "peak": peak, "bare_seconds": bare_seconds, "bare_peak": bare_peak,
                     "cells": cells, "bytes": len(content)}
        log(f"export {what}: {seconds:.2f} s {peak / 2**20:.0f} MiB; bare {bare_seconds:.2f} s "
            f"{bare_peak / 2**20:.0f} MiB; {cells:,} cells")
    return out


def workbook_values(content: bytes) -> dict:
    from io import BytesIO

    import openpyxl

    book = openpyxl.load_workbook(BytesIO(content), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def bare_workbook(sheets: dict) -> bytes:
    from io import BytesIO

    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


EXPLAINED = [  # signed in as the Secretariat, but for the rows whose name says anonymous
    ("progress API first page (ordering updated_at, id)", "/api/v1/progress/"),
    ("progress API first page, anonymous (validated only)", "/api/v1/progress/"),
    ("progress API ?country=KZ&round=", "/api/v1/progress/?country=KZ&round={round}"),
    ("plan dashboard (the cube)", "/dashboards/plans/argali/"),
    ("validation queue", "/validation/"),
    ("country report", "/rounds/{round}/KZ/"),
    ("activity API page of 100", "/api/v1/activities/?plan=argali&page_size=100"),
]


def stage_explain(args) -> dict:
    """Each query the page runs, EXPLAIN ANALYZE'd: the slowest ones, with the scans they use."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    signed_in, anonymous = TestClient(HTTP_HOST="127.0.0.1"), TestClient(HTTP_HOST="127.0.0.1")
    signed_in.force_login(get_user_model().objects.get(username="secretariat"))
    out = {}
    for what, url in EXPLAINED:
        url = url.format(round=args.round)
        client = anonymous if "anonymous" in what else signed_in
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            assert response.status_code == 200, url
            if response.streaming:  # the country report's rows are read as the page streams (cami/streaming.py)
                b"".join(response.streaming_content)
        plans = []
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
                plans.append({"ms": plan["Execution Time"], "scans": list(scans(plan["Plan"])),
                              "sql": sql[:160]})
        plans.sort(key=lambda p: -p["ms"])
        out[what] = {"queries": len(captured), "total_ms": sum(p["ms"] for p in plans), "slowest": plans[:3]}
    return out


def scans(node: dict):
    kind = node.get("Node Type", "")
    if "Scan" in kind and "Relation Name" in node:
        rows = node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
        yield [kind, node.get("Index Name", ""), node["Relation Name"], rows]
    for child in node.get("Plans", []):
        yield from scans(child)


BIG_SCAN = 10_000
REPORT_TABLES = ("reporting_progressreport", "reporting_publishedprogress", "reporting_countryreport")


def notable_scans(found: list) -> list[str]:
    out = []
    for kind, index, table, rows in sorted(found, key=lambda scan: -scan[3]):
        if table in REPORT_TABLES or (kind == "Seq Scan" and rows > BIG_SCAN):
            flag = "  <-- SEQUENTIAL SCAN" if kind == "Seq Scan" and rows > BIG_SCAN else ""
            out.append(f"{kind}{' using ' + index if index else ''} on {table} ({rows:,.0f} rows){flag}")
    return out


STAGES = {"small": stage_small, "large": stage_large, "limits": stage_limits, "explain": stage_explain,
          "load_plans": lambda args: stage_load(args, "load_plans"),
          "loaddata": lambda args: stage_load(args, "loaddata")}
