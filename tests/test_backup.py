"""manage.py backup, then manage.py restore into an empty installation, as README "Backups" describes:
every row and every evidence file comes back, and the file downloads byte for byte."""
import datetime
import hashlib
import json
import os
import random
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from conservation_units.models import Country
from reporting import services
from reporting.models import Assignment, Evidence

PROJECT = Path(__file__).resolve().parent.parent
# Random bytes behind a PDF header: any byte the copy could change would show.
PDF = b"%PDF-1.4\n" + random.Random(2026).randbytes(256 * 1024)

# Run in the restored installation: the row count of every model, and the evidence file as the app
# serves it to a signed-in Secretariat user.
PROBE = """
import json, sys
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
counts = {m._meta.label: m._base_manager.count() for m in apps.get_models(include_auto_created=True)}
client = Client()
client.force_login(get_user_model().objects.get(username=sys.argv[1]))
response = client.get(f"/evidence/{sys.argv[2]}/download/")
with open(sys.argv[3], "wb") as out:
    out.write(b"".join(response.streaming_content))
print(json.dumps({"counts": counts, "status": response.status_code}))
"""


@pytest.fixture(scope="module")
def _plans_back_after_module(django_db_blocker):
    """A transactional test empties the tables when it ends: load the real plans again for later tests."""
    yield
    with django_db_blocker.unblock():
        call_command("load_plans", verbosity=0)


def _report_with_evidence_file(plans) -> Evidence:
    User = get_user_model()
    secretariat = User.objects.create_user("secretariat-backup", password="pw", is_staff=True)
    focal = User.objects.create_user("focal-kz-backup", password="pw")
    kz = Country.objects.get(code="KZ")
    Assignment.objects.create(user=focal, country=kz, role=Assignment.Role.FOCAL_POINT)
    plan = plans["argali"]
    round = services.round_open(plan=plan, title="Backup round", opens_on=datetime.date(2026, 1, 1),
                                due_on=datetime.date(2026, 12, 31), opened_by=secretariat)
    activity = plan.activities.filter(countries=kz).first()
    report = services.progress_report_record(
        round=round, activity=activity, country=kz, user=focal,
        values=services.ProgressInput(status="in_progress", narrative="Рейнджеры обучены (rangers trained)"))
    return services.evidence_add(report=report, user=focal, title="Survey report", visibility="restricted",
                                 file=SimpleUploadedFile("survey.pdf", PDF, content_type="application/pdf"))


def _row_counts() -> dict:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models(include_auto_created=True)}


def _empty_database(tmp_path) -> tuple[str, callable]:
    """A new database without tables on the same server (or a new SQLite file): DATABASE_URL, cleanup."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", lambda: None
    name = f"{settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    credentials = quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    url = f"postgres://{credentials}@{settings_dict['HOST']}:{settings_dict['PORT'] or 5432}/{name}"

    def drop():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return url, drop


def _in_installation(database_url: str, media_root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root), "DEBUG": "1",
           "CONN_MAX_AGE": "0"}
    return subprocess.run([sys.executable, *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_installation_brings_back_every_row_and_file(
        real_plans, settings, tmp_path, _plans_back_after_module):
    settings.MEDIA_ROOT = tmp_path / "media"
    evidence = _report_with_evidence_file(real_plans)
    before = _row_counts()
    archive = tmp_path / "cami.tar.gz"

    call_command("backup", str(archive), verbosity=0)

    assert archive.stat().st_mode & 0o777 == 0o600  # password hashes and restricted evidence inside
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert tar.extractfile(f"media/{evidence.file.name}").read() == PDF
    assert manifest["database"]["engine"] == connection.vendor
    assert manifest["files"][0]["name"] == evidence.file.name and manifest["missing_files"] == []
    database_url, drop = _empty_database(tmp_path)
    restored_media = tmp_path / "restored-media"
    try:
        restore = _in_installation(database_url, restored_media, "manage.py", "restore", str(archive))
        assert restore.returncode == 0, restore.stderr
        assert "row counts and file checksums match the manifest" in restore.stdout

        probe = _in_installation(database_url, restored_media, "-c",
                                 "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'cami.settings');"
                                 f"django.setup(); exec({PROBE!r})",
                                 "secretariat-backup", str(evidence.pk), str(tmp_path / "downloaded"))
        assert probe.returncode == 0, probe.stderr
        result = json.loads(probe.stdout.strip().splitlines()[-1])
        assert result["status"] == 200
        assert (tmp_path / "downloaded").read_bytes() == PDF
        assert result["counts"] == before
        assert before["reporting.Evidence"] == 1 and before["actionplans.Activity"] > 200

        again = _in_installation(database_url, tmp_path / "other-media", "manage.py", "restore", str(archive))
        assert again.returncode != 0 and "is not empty" in again.stderr
    finally:
        drop()


def _archive_of_this_engine(tmp_path, *, database: bytes = b"a dump", sha256: str = "") -> Path:
    """A small archive that restore reads as far as its checks (the database file is not a real dump)."""
    manifest = {"format": 1, "database": {"engine": connection.vendor, "file": "database.dump",
                                          "sha256": sha256 or hashlib.sha256(database).hexdigest()},
                "files": [], "rows": {}, "missing_files": []}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "database.dump").write_bytes(database)
    archive = tmp_path / "cami.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "manifest.json", arcname="manifest.json")
        tar.add(tmp_path / "database.dump", arcname="database.dump")
    return archive


def test_restore_refuses_a_database_that_has_tables(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    with pytest.raises(CommandError, match="is not empty .* restore only into a new, empty database"):
        call_command("restore", str(_archive_of_this_engine(tmp_path)))


def test_restore_checks_the_archive_before_touching_the_installation(db, tmp_path):
    archive = _archive_of_this_engine(tmp_path, sha256="0" * 64)
    with pytest.raises(CommandError, match="database.dump in the archive is different from its manifest"):
        call_command("restore", str(archive))


def test_restore_refuses_an_archive_that_is_not_a_backup(db, tmp_path):
    archive = tmp_path / "photo.tar.gz"
    archive.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="is not a readable backup archive"):
        call_command("restore", str(archive))


def test_backup_does_not_overwrite_an_archive(db, tmp_path):
    archive = tmp_path / "cami.tar.gz"
    archive.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(archive))
    assert archive.read_bytes() == b"an older backup"


def test_backup_leaves_alone_the_partial_file_of_another_run(db, tmp_path):
    partial = tmp_path / ".cami.tar.gz.partial"
    partial.write_bytes(b"being written")
    with pytest.raises(CommandError, match="another backup is writing cami.tar.gz"):
        call_command("backup", str(tmp_path / "cami.tar.gz"))
    assert partial.read_bytes() == b"being written" and not (tmp_path / "cami.tar.gz").exists()
