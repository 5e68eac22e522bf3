"""Time and peak memory of the heavy paths at a scale the Secretariat could reach. Not a test.

    .venv/bin/python benchmarks/run.py                       # 20 plans x 200 activities x 30 countries x 5 rounds
    .venv/bin/python benchmarks/run.py --plans 2 --rounds 2  # a quick look
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/run.py   # on PostgreSQL (an empty database)

It builds the synthetic data set in a fresh SQLite file under /tmp unless DATABASE_URL names a database,
then prints, for each operation, the peak of Python memory allocated while it ran (tracemalloc, in a
first run that also warms caches) and the wall time of a second, untraced run.
"""
from __future__ import annotations

import argparse
import os
import warnings
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database_url: str | None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cami.settings")
    os.environ["DATABASE_URL"] = database_url or "sqlite:////tmp/cami-benchmark.sqlite3"
    if not database_url:
        Path("/tmp/cami-benchmark.sqlite3").unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def traced_then_timed(operation):
    """Run twice: traced for peak memory (which also warms caches), then timed without tracing.
    Returns the seconds of the second run, the peak bytes of the first and the second's value."""
    tracemalloc.start()
    operation()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    started = time.perf_counter()
    value = operation()
    return time.perf_counter() - started, peak, value


def measure(name: str, operation, results: list):
    seconds, peak, value = traced_then_timed(operation)
    results.append((name, seconds, peak / 2**20, _size(value)))
    return value


def _size(value) -> str:
    if isinstance(value, (bytes, bytearray)):
        return f"{len(value) / 2**20:.1f} MiB"
    return ""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=20)
    parser.add_argument("--activities", type=int, default=200)
    parser.add_argument("--countries", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic run is needed here
    setup_django(os.environ.get("DATABASE_URL"))

    from django.contrib.auth import get_user_model

    from benchmarks.synthetic import Scale, build
    from reporting.models import ProgressReport

    scale = Scale(plans=args.plans, activities=args.activities, countries=args.countries, rounds=args.rounds)
    started = time.perf_counter()
    data = build(scale)
    print(f"data set: {scale.plans} plans x {scale.activities} activities x {scale.countries} countries x "
          f"{scale.rounds} rounds = {ProgressReport.objects.count():,} progress reports "
          f"(built in {time.perf_counter() - started:.0f} s)")
    secretariat, _ = get_user_model().objects.get_or_create(username="bench-secretariat", defaults={"is_staff": True})
    results: list = []
    _measure_exports(secretariat, data, results)
    _measure_dashboards(secretariat, data, results)
    _measure_workbook(data, results)
    print(f"{'operation':<52} {'time':>9} {'peak Python memory':>20} {'output':>10}")
    for name, seconds, peak, size in results:
        print(f"{name:<52} {seconds:>8.2f}s {peak:>17.1f} MiB {size:>10}")
    print(f"process peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def _measure_exports(user, data, results):
    from reporting.exports import progress_csv, progress_workbook

    one_plan = {"plan": data["plans"][0].slug}
    measure("Excel export, every plan, latest rounds", lambda: progress_workbook(user=user, params={}), results)
    measure("Excel export, one plan", lambda: progress_workbook(user=user, params=one_plan), results)
    measure("CSV export, every plan", lambda: progress_csv(user=user, params={}), results)


def _measure_dashboards(user, data, results):
    from reporting.dashboards import country_dashboard, plan_dashboard

    plan, country = data["plans"][0], data["countries"][0]
    measure("plan dashboard (figures)", lambda: plan_dashboard(plan=plan, user=user), results)
    measure("country dashboard (figures)", lambda: country_dashboard(country=country, user=user), results)
    _measure_pages(user, plan, country, results)


def _measure_pages(user, plan, country, results):
    """The same pages as a browser gets them: view, template and all."""
    from django.test import Client
    from django.urls import reverse

    from django.test import override_settings

    client = Client()
    client.force_login(user)
    # Pages link their CSS through the static storage; no collectstatic manifest exists here.
    plain_static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
                    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    # Plain http, as in development: production settings would redirect to https.
    with override_settings(STORAGES=plain_static, ALLOWED_HOSTS=["127.0.0.1"], SECURE_SSL_REDIRECT=False):
        _measure_urls(client, plan, country, results)


def _measure_urls(client, plan, country, results):
    from django.urls import reverse

    for name, url in [
        ("plan dashboard page", reverse("reporting:plan_dashboard", args=[plan.slug])),
        ("country dashboard page", reverse("reporting:country_dashboard", args=[country.code])),
    ]:
        measure(name, lambda url=url: _get(client, url), results)


def _get(client, url):
    response = client.get(url, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, (url, response.status_code)
    return response.content


def _measure_workbook(data, results):
    import openpyxl
    from io import BytesIO

    from django.db import transaction

    from reporting import services
    from reporting.models import ReportingRound
    from reporting.workbook import workbook_build, workbook_preview

    user, country = data["focal_point"], data["countries"][0]
    round = ReportingRound.objects.open().get(plan=data["plans"][0])
    content = measure("country workbook download (build)",
                      lambda: workbook_build(round=round, country=country, user=user), results)
    filled = _fill_every_status(openpyxl, BytesIO, content)
    preview = measure("workbook upload: read and preview",
                      lambda: workbook_preview(round=round, country=country, user=user, upload=filled), results)

    def apply_and_roll_back():
        with transaction.atomic():
            saved = services.workbook_changes_apply(round=round, country=country, user=user,
                                                    changes=preview.as_data())
            transaction.set_rollback(True)  # measured twice: leave the data as it was
        return saved

    measure(f"workbook upload: save {len(preview.changes)} rows", apply_and_roll_back, results)


def _fill_every_status(openpyxl, BytesIO, content: bytes) -> bytes:
    """Change every row's status, as a focal point filling the whole sheet offline would."""
    from reporting.workbook import COL

    book = openpyxl.load_workbook(BytesIO(content))
    sheet = book.worksheets[1]  # Instructions first, then the reports
    for row in sheet.iter_rows(min_row=2):
        if row[COL["activity_id"]].value is None:
            continue
        cell = row[COL["status"]]
        cell.value = "Completed" if cell.value != "Completed" else "Ongoing (recurring)"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


if __name__ == "__main__":
    main()
