"""Time, queries and model instances of the paths issue #11 makes lighter, on the two real plans. Not a test.

    .venv/bin/python benchmarks/light_paths.py              # 7 runs of each, medians
    .venv/bin/python benchmarks/light_paths.py --runs 3
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/light_paths.py   # an empty database

Prints, side by side in one run (interleaved A B A B), CPU times (medians):
- the Argali country report of Kazakhstan for its focal point (English and Russian), bytes plain and gzipped;
- `/api/v1/activities/?page_size=100`: time, queries and model instances built;
- `load_plans` on an empty database against `loaddata` of the same fixtures: time and queries.
"""
from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "/tmp/cami-light-paths.sqlite3"
DUMP = "/tmp/cami-light-paths-plans.json"
LOADED_MODELS = ("conservation_units.country", "actionplans.actionplan", "actionplans.planedition",
                 "actionplans.priorityscalevalue", "actionplans.footnote", "conservation_units.conservationunit",
                 "actionplans.planelement", "actionplans.activity")


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cami.settings")
    if "DATABASE_URL" not in os.environ:
        Path(DATABASE).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def median_ms(operation, runs: int) -> float:
    """Median CPU time of ``runs`` runs, in ms: SQLite runs in this process, so it is all the work, and a
    machine shared with other jobs slows the wall clock far more than it does this."""
    times = []
    for _ in range(runs):
        started = time.process_time()
        operation()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def queries_of(operation) -> int:
    """Queries run by ``operation``, counted however many (Django's own log stops at 9,000)."""
    from django.db import connection

    count = 0

    def counted(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        operation()
    return count


def instances_of(operation) -> Counter:
    """Model instances built while ``operation`` runs, by model (counted through the post_init signal)."""
    from django.db.models.signals import post_init

    built = Counter()

    def count(sender, **kwargs):
        built[sender.__name__] += 1

    post_init.connect(count, weak=False)
    try:
        operation()
    finally:
        post_init.disconnect(count)
    return built


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")
    setup_django()
    from django.test import override_settings

    plain = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
             "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    with override_settings(STORAGES=plain, ALLOWED_HOSTS=["127.0.0.1"], SECURE_SSL_REDIRECT=False):
        _load_plans_against_loaddata(args.runs)
        _pages(args.runs)


def _load_plans_against_loaddata(runs: int):
    from django.core.management import call_command

    def empty():
        call_command("flush", interactive=False, verbosity=0)

    def load_plans():
        call_command("load_plans", verbosity=0)

    # fixtures/ leaves the editions out (load_plans makes edition 1), which loaddata refuses: it loads the
    # same rows dumped by natural key after a first load_plans, editions included.
    empty()
    load_plans()
    call_command("dumpdata", *LOADED_MODELS, natural_foreign=True, natural_primary=True, output=DUMP, verbosity=0)

    def loaddata():
        call_command("loaddata", DUMP, verbosity=0)

    timings = {"load_plans": [], "loaddata": []}
    for _ in range(max(3, runs // 2)):
        for name, operation in (("load_plans", load_plans), ("loaddata", loaddata)):
            empty()
            timings[name].append(median_ms(operation, 1))
    empty()
    plans_queries = queries_of(load_plans)
    empty()
    loaddata_queries = queries_of(loaddata)
    empty()
    load_plans()
    a, b = statistics.median(timings["load_plans"]), statistics.median(timings["loaddata"])
    print(f"load_plans on an empty database: {a:7.0f} ms, {plans_queries:5} queries")
    print(f"loaddata of the same fixtures:   {b:7.0f} ms, {loaddata_queries:5} queries   ratio {a / b:.2f}")


def _pages(runs: int):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from reporting.demo import demo_data_load
    from reporting.models import ReportingRound

    demo_data_load()
    round = ReportingRound.objects.get(plan__slug="argali")
    report = reverse("reporting:country_report", args=[round.pk, "KZ"])
    focal = Client()
    focal.force_login(get_user_model().objects.get(username="focal-kz"))
    focal_ru = Client()
    focal_ru.force_login(get_user_model().objects.get(username="focal-kz"))
    focal_ru.cookies["django_language"] = "ru"
    anonymous = Client()
    api = "/api/v1/activities/?page_size=100"

    def get(client, url, **headers):
        response = client.get(url, HTTP_HOST="127.0.0.1", **headers)
        assert response.status_code == 200, (url, response.status_code)
        return response

    operations = {
        "country report KZ Argali (en)": lambda: get(focal, report, HTTP_ACCEPT_LANGUAGE="en"),
        "country report KZ Argali (ru)": lambda: get(focal_ru, report, HTTP_ACCEPT_LANGUAGE="ru"),
        "activities API, 100 a page": lambda: get(anonymous, api),
    }
    for operation in operations.values():
        operation()  # warm caches and translations
    timings = {name: [] for name in operations}
    for _ in range(runs):  # interleaved, so that a busy moment of the machine hits every path alike
        for name, operation in operations.items():
            timings[name].append(median_ms(operation, 1))
    for name, operation in operations.items():
        built = instances_of(operation)
        print(f"{name:<32} {statistics.median(timings[name]):7.1f} ms, {queries_of(operation):3} queries, "
              f"{sum(built.values()):5} instances ({', '.join(f'{n} {m}' for m, n in built.most_common(3))})")
    plain = get(focal, report).content
    asked = get(focal, report, HTTP_ACCEPT_ENCODING="gzip")
    if asked.get("Content-Encoding") != "gzip":
        print(f"country report sent: {len(plain) / 1024:.1f} KB, not compressed")
        return
    same = len(gzip.decompress(asked.content)) == len(plain)
    print(f"country report sent: {len(plain) / 1024:.1f} KB plain, {len(asked.content) / 1024:.1f} KB gzipped"
          f" ({'same page' if same else 'DIFFERENT'})")

if __name__ == "__main__":
    main()
