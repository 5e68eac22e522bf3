"""Background exports (reporting/services/export_jobs.py, reporting/tasks.py): started from the API or the
export links, built by the task worker (in this process, and once by a real `manage.py db_worker`), their
file or error shown to the requester and the Secretariat only, dead workers' jobs retried then failed,
"My exports" reloading itself while a job is under way, and old jobs removed by `exports_cleanup`.

Files go through Django's storage: the local disk here, an S3 bucket in scripts/test's object-storage run.
"""
import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from reporting import services
from reporting.models import ExportJob
from reporting.services import ProgressInput
from reporting.services import export_jobs as export_jobs_service
from tests.object_storage import on_object_storage, stored_bytes

PROJECT = Path(__file__).resolve().parents[2]
JOBS = "/api/v1/exports/"


@pytest.fixture
def reported(world, settings, tmp_path):
    if not on_object_storage():
        settings.MEDIA_ROOT = tmp_path
    services.progress_report_record(round=world["round"], activity=world["in_unit"], country=world["kz"],
                                    user=world["focal_kz"], values=ProgressInput(status="in_progress",
                                                                                 narrative="Patrols started"))
    services.progress_report_record(round=world["round"], activity=world["everywhere"], country=world["ir"],
                                    user=world["focal_ir"], values=ProgressInput(status="completed"))
    return world


def api(user=None) -> APIClient:
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


def run_worker(monkeypatch):
    """The worker's own loop, once over what is queued (its --batch mode), in this test's transaction:
    its connection checks would close the test's connection, so they are left out here."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    db_worker.Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                     max_tasks=None, worker_id="test-worker", excluded_queue_names=[]).run()


def start(user, **body):
    response = api(user).post(JOBS, body, format="json")
    assert response.status_code == 202, response.content
    return response


# --- Start, run, download -----------------------------------------------------------------------

def test_a_posted_export_is_queued_then_built_by_the_worker(reported, monkeypatch):
    focal = reported["focal_kz"]
    started = start(focal, format="xlsx", version="working")
    job = ExportJob.objects.get()
    assert started.json() == {"id": job.pk, "url": f"http://testserver/api/v1/exports/{job.pk}/", "status": "queued"}
    assert started["Location"] == started.json()["url"]
    assert api(focal).get(started.json()["url"]).json()["file"] is None

    run_worker(monkeypatch)

    answer = api(focal).get(started.json()["url"]).json()
    assert answer["status"] == "done" and answer["error"] is None and answer["format"] == "xlsx"
    assert answer["file"] == f"http://testserver/api/v1/exports/{job.pk}/file/"
    download = api(focal).get(answer["file"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="cami-progress-all-plans-working-')
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.sheetnames[0] == "Summary" and "Details" in book.sheetnames
    details = [row for row in book["Details"].iter_rows(values_only=True)]
    assert any("Patrols started" in (cell or "") for row in details for cell in row if isinstance(cell, str))


@pytest.mark.parametrize("format, direct", [("csv", "/api/v1/exports/progress.csv"),
                                            ("json", "/api/v1/exports/progress.json")])
def test_a_background_file_holds_what_the_direct_download_gives(reported, monkeypatch, format, direct):
    observer = reported["observer"]
    filters = {"plan": ["test-plan"], "status": ["in_progress", "completed"], "version": ["working"]}
    start(observer, format=format, **filters)
    run_worker(monkeypatch)
    job = ExportJob.objects.get()
    assert job.status == "done" and job.filters == filters
    file = b"".join(api(observer).get(f"{JOBS}{job.pk}/file/").streaming_content)
    expected = api(observer).get(direct, filters)
    if format == "json":
        assert json.loads(file) == expected.json() and len(expected.json()) == 2
    else:
        assert file == expected.content and file.count(b"\r\n") == 3  # header and both reports


def test_the_file_is_in_the_language_of_the_request(reported, monkeypatch):
    response = api(reported["observer"]).post(JOBS, {"format": "json", "version": "working"}, format="json",
                                              HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 202
    run_worker(monkeypatch)
    job = ExportJob.objects.get()
    rows = json.loads(b"".join(api(reported["observer"]).get(f"{JOBS}{job.pk}/file/").streaming_content))
    assert job.language == "ru" and {row["status"] for row in rows} == {"Выполняется", "Завершено"}


def test_the_file_is_kept_where_the_storage_settings_say(reported, monkeypatch):
    """The local disk by default, the S3 bucket when CAMI_S3_BUCKET is set (scripts/test's second run)."""
    start(reported["observer"], format="csv", plan="test-plan", version="working")
    run_worker(monkeypatch)
    job = ExportJob.objects.get()
    downloaded = b"".join(api(reported["observer"]).get(f"{JOBS}{job.pk}/file/").streaming_content)
    assert job.file.name.startswith("exports/") and stored_bytes(job.file.name) == downloaded
    assert "Patrols started".encode() in downloaded


# --- Refused before anything is recorded -----------------------------------------------------------

@pytest.mark.parametrize("body, field", [
    ({"format": "xlsx", "plan": "no-such-plan"}, "plan"),
    ({"format": "xlsx", "status": ["finished-maybe"]}, "status"),
    ({"format": "xlsx", "version": "draft"}, "version"),
    ({"format": "pdf"}, "format"),
    ({}, "format"),
])
def test_bad_filters_answer_400_naming_the_field_and_queue_nothing(reported, body, field):
    response = api(reported["observer"]).post(JOBS, body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not ExportJob.objects.exists() and not DBTaskResult.objects.exists()


def test_a_body_that_is_not_an_object_answers_400(reported):
    response = api(reported["observer"]).post(JOBS, [None, None], format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert not ExportJob.objects.exists()


def test_anonymous_clients_must_sign_in_to_start_a_job(reported):
    response = api().post(JOBS, {"format": "csv", "plan": "test-plan"}, format="json")
    assert response.status_code == 401 and not ExportJob.objects.exists()


# --- Who sees a job ---------------------------------------------------------------------------------

def test_only_the_requester_and_the_secretariat_see_a_job(reported, monkeypatch):
    url = start(reported["focal_kz"], format="csv", plan="test-plan").json()["url"]
    run_worker(monkeypatch)
    for user in (reported["focal_kz"], reported["secretariat"]):
        assert api(user).get(url).status_code == 200
        assert api(user).get(url + "file/").status_code == 200
    for user in (reported["focal_ir"], reported["observer"], None):
        assert api(user).get(url).status_code == 404
        assert api(user).get(url + "file/").status_code == 404


def test_a_file_not_ready_answers_409_with_its_status(reported):
    url = start(reported["observer"], format="csv").json()["url"]
    response = api(reported["observer"]).get(url + "file/")
    assert response.status_code == 409 and response.json()["status"] == "queued"


# --- Failures and dead workers ------------------------------------------------------------------

def test_a_failed_build_keeps_its_error_for_the_user(reported, monkeypatch, client):
    def broken(tables):
        raise RuntimeError("disk full")

    monkeypatch.setitem(export_jobs_service.BUILDERS, "xlsx", broken)
    url = start(reported["observer"], format="xlsx").json()["url"]
    run_worker(monkeypatch)
    answer = api(reported["observer"]).get(url).json()
    assert answer["status"] == "failed" and answer["file"] is None
    assert answer["error"] == "The export could not be built: RuntimeError: disk full"
    client.force_login(reported["observer"])
    assert "RuntimeError: disk full" in client.get("/exports/mine/").content.decode()


def _running_since(job, minutes, attempts=1):
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", attempts=attempts, started_at=timezone.now() - datetime.timedelta(minutes=minutes))
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING")  # as a killed worker leaves it


def test_a_job_whose_worker_died_is_retried_once_then_failed(reported, monkeypatch, settings):
    settings.EXPORT_JOB_TIMEOUT_MINUTES = 30
    url = start(reported["observer"], format="csv").json()["url"]
    job = ExportJob.objects.get()
    _running_since(job, minutes=5)
    assert api(reported["observer"]).get(url).json()["status"] == "running"  # not yet past the limit

    _running_since(job, minutes=31)
    assert api(reported["observer"]).get(url).json()["status"] == "queued"
    retried = ExportJob.objects.get()
    assert retried.task_id != job.task_id and DBTaskResult.objects.filter(id=retried.task_id, status="READY").exists()

    _running_since(retried, minutes=31, attempts=2)
    answer = api(reported["observer"]).get(url).json()
    assert answer["status"] == "failed"
    assert answer["error"].startswith("The export ran for more than 30 minutes without finishing")


def test_a_queued_job_whose_task_is_gone_is_queued_again_and_then_built(reported, monkeypatch):
    start(reported["observer"], format="csv", plan="test-plan")
    DBTaskResult.objects.all().delete()
    call_command("exports_cleanup", stdout=io.StringIO())
    run_worker(monkeypatch)
    assert ExportJob.objects.get().status == "done"


def test_a_job_whose_worker_died_as_it_took_the_task_is_queued_again(reported, settings):
    url = start(reported["observer"], format="csv").json()["url"]
    job = ExportJob.objects.get()
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING")  # claimed, then the worker was killed
    assert api(reported["observer"]).get(url).json()["status"] == "queued"
    assert ExportJob.objects.get().task_id == job.task_id  # a moment ago: the worker may be about to start it
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=31))
    assert api(reported["observer"]).get(url).json()["status"] == "queued"
    assert ExportJob.objects.get().task_id != job.task_id


def test_a_job_taken_over_by_a_retry_keeps_the_retry_s_result(reported, monkeypatch):
    start(reported["observer"], format="csv", plan="test-plan")
    job = ExportJob.objects.get()
    claimed = export_jobs_service._claim(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(status="queued", attempts=1)  # recovered meanwhile
    assert export_jobs_service._finish(claimed, status="done") is False
    assert ExportJob.objects.get().status == "queued"


# --- The browser ------------------------------------------------------------------------------------

def test_the_export_form_starts_a_job_and_my_exports_refreshes_until_it_is_done(reported, client, monkeypatch):
    client.force_login(reported["observer"])
    response = client.post("/exports/jobs/?status=in_progress&version=working", {"format": "xlsx"})
    assert response.status_code == 302 and response["Location"] == "/exports/mine/"
    job = ExportJob.objects.get()
    assert job.requester == reported["observer"]
    assert job.filters == {"status": ["in_progress"], "version": ["working"]}
    page = client.get("/exports/mine/").content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page and "Queued" in page
    assert "Your export is being prepared" in page

    run_worker(monkeypatch)
    page = client.get("/exports/mine/").content.decode()
    assert 'http-equiv="refresh"' not in page
    assert f'href="/api/v1/exports/{job.pk}/file/"' in page and "Done" in page
    assert client.get(f"/api/v1/exports/{job.pk}/file/").status_code == 200  # the browser's session suffices


def test_a_bad_filter_in_the_form_goes_back_with_the_reason(reported, client):
    client.force_login(reported["observer"])
    response = client.post("/exports/jobs/?plan=nope", {"format": "xlsx"}, HTTP_REFERER="/progress/", follow=True)
    assert response.redirect_chain[-1][0] == "/progress/"
    assert "Nothing was exported: plan: There is no plan “nope”." in response.content.decode()
    assert not ExportJob.objects.exists()


def test_my_exports_needs_a_sign_in_and_shows_only_ones_own(reported, client):
    assert client.get("/exports/mine/").status_code == 302
    assert client.post("/exports/jobs/", {"format": "csv"}).status_code == 302 and not ExportJob.objects.exists()
    start(reported["focal_ir"], format="csv")
    client.force_login(reported["secretariat"])
    assert "You have no exports" in client.get("/exports/mine/").content.decode()


def test_my_exports_queries_do_not_grow_with_the_jobs(reported, client, django_assert_num_queries):
    observer = reported["observer"]
    client.force_login(observer)
    for _ in range(2):
        start(observer, format="csv")
    # session, user, in-flight jobs, their tasks, the count, the page of jobs
    with django_assert_num_queries(6):
        assert client.get("/exports/mine/").status_code == 200
    for _ in range(20):
        start(observer, format="csv")
    with django_assert_num_queries(6):
        assert client.get("/exports/mine/").status_code == 200


def test_reading_a_job_takes_constant_queries(reported, monkeypatch, django_assert_num_queries):
    client = api(reported["observer"])
    url = start(reported["observer"], format="csv").json()["url"]
    with django_assert_num_queries(3):  # the job; while under way, the in-flight check and its task
        assert client.get(url).json()["status"] == "queued"
    run_worker(monkeypatch)
    with django_assert_num_queries(1):  # the job
        assert client.get(url).json()["status"] == "done"


# --- Retention --------------------------------------------------------------------------------------

def test_cleanup_removes_old_jobs_and_their_files(reported, monkeypatch, settings):
    settings.EXPORT_RETENTION_DAYS = 7
    start(reported["observer"], format="csv", plan="test-plan")
    start(reported["observer"], format="csv", plan="test-plan")
    run_worker(monkeypatch)
    old, recent = ExportJob.objects.order_by("pk")
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    storage = old.file.storage
    assert storage.exists(old.file.name)
    out = io.StringIO()
    call_command("exports_cleanup", stdout=out)
    assert list(ExportJob.objects.all()) == [recent]
    assert not storage.exists(old.file.name) and storage.exists(recent.file.name)
    assert "1 export" in out.getvalue()


# --- The real worker ----------------------------------------------------------------------------------

@pytest.mark.skipif(on_object_storage(), reason="the in-process runs cover the object store")
def test_the_worker_process_builds_a_queued_export(tmp_path):
    """`manage.py db_worker` in a process of its own, on a database of its own (the test database of
    SQLite lives in this process's memory): a job queued by the service is done once the worker has run."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}", "MEDIA_ROOT": str(tmp_path),
           "DEBUG": "1"}
    env.pop("CAMI_S3_BUCKET", None)

    def manage(*args, check=True):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True,
                              text=True, timeout=300, check=check)

    manage("migrate", "--no-input")
    manage("shell", "-c", (
        "from django.contrib.auth import get_user_model; from reporting import services; "
        "u = get_user_model().objects.create_user('worker-test', is_staff=True); "
        "services.export_job_start(user=u, params={}, format='json')"))
    worker = manage("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert "Task id=" in worker.stdout or "succeeded" in worker.stdout or worker.returncode == 0, worker.stderr
    shown = manage("shell", "-c", (
        "from reporting.models import ExportJob; j = ExportJob.objects.get(); "
        "print(j.status, j.attempts, j.file.name.endswith('.json'), j.file.read())"))
    assert shown.stdout.strip().splitlines()[-1] == "done 1 True b'[]'", shown.stdout + shown.stderr
