"""Backup and restore of a whole installation: the database and the uploaded (evidence) files.

An archive (``.tar.gz``) holds
  ``database.dump``     PostgreSQL: ``pg_dump --format=custom``; or ``database.sqlite3``: a copy made
                        with SQLite's backup API;
  ``media/<name>``      every file of the default storage (MEDIA_ROOT with the file-system storage);
  ``manifest.json``     when, the engine, the applied migrations, the rows of every table and each
                        file's name, size and SHA-256; restore checks the result against it.

Consistency without stopping the site: the database is dumped FIRST, from one snapshot, and the files
are copied AFTER. An evidence file is written to storage before the row that names it commits
(reporting.services.evidence_add) and is never deleted (removing evidence only hides it), so every file
the dump refers to already exists when the files are copied. Files uploaded meanwhile may be in the
archive without a row; they are harmless. On PostgreSQL the row counts of the manifest are read in the
very snapshot pg_dump dumps (``pg_export_snapshot`` / ``pg_dump --snapshot``); on SQLite from the copy.

Files go through Django's storage API (``default_storage``), so another storage backend works unchanged.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import django
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


@dataclass
class BackupResult:
    archive: Path
    manifest: dict
    seconds: float

    def summary(self) -> str:
        files = self.manifest["files"]
        text = (f"Backup written to {self.archive}: {self.manifest['database']['engine']} database "
                f"({sum(self.manifest['rows'].values())} rows in {len(self.manifest['rows'])} tables), "
                f"{_files(files)} ({_mib(sum(f['size'] for f in files))}); "
                f"archive {_mib(self.archive.stat().st_size)} in {self.seconds:.1f} s.")
        if self.manifest["missing_files"]:
            text += (f" WARNING: {len(self.manifest['missing_files'])} files named in the database were not in "
                     f"storage and are not in the archive (listed in its manifest).")
        return text


@dataclass
class RestoreResult:
    archive: Path
    manifest: dict
    seconds: float
    unapplied_migrations: int

    def summary(self) -> str:
        files = self.manifest["files"]
        text = (f"Restored {self.archive} (taken {self.manifest['created_at']}): "
                f"{sum(self.manifest['rows'].values())} rows in {len(self.manifest['rows'])} tables and "
                f"{_files(files)} ({_mib(sum(f['size'] for f in files))}) in {self.seconds:.1f} s; "
                f"row counts and file checksums match the manifest.")
        if self.unapplied_migrations:
            text += (f" The code has {self.unapplied_migrations} migrations the backup had not applied: "
                     f"run manage.py migrate.")
        return text


# --- Backup ----------------------------------------------------------------------------------------

def backup_create(*, archive: Path, using: str = "default") -> BackupResult:
    """Write the database and every stored file to ``archive`` (refused if it exists)."""
    started = time.monotonic()
    archive = Path(archive).absolute()
    if archive.exists():
        raise ValidationError(f"{archive} already exists: give the name of a new file.")
    if not archive.parent.is_dir():
        raise ValidationError(f"The folder {archive.parent} does not exist.")
    location = getattr(default_storage, "location", None)
    if location and archive.resolve().is_relative_to(Path(location).resolve()):
        raise ValidationError(f"{archive} is inside the file storage ({location}), which the backup copies: "
                              f"write it elsewhere.")
    connection = connections[using]
    engine = _engine(connection)
    partial = archive.with_name(f".{archive.name}.partial")  # renamed to archive once complete
    try:
        # The archive holds password hashes and restricted evidence: readable by its owner only.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ValidationError(f"{partial} exists: another backup is writing {archive.name}, or one was "
                              f"interrupted (then delete it).") from None
    try:
        with tempfile.TemporaryDirectory(prefix="cami-backup-") as work, os.fdopen(descriptor, "wb") as raw:
            dump = Path(work) / DUMP_NAMES[engine]
            # 1. The database, from one snapshot (see the module docstring for why this order).
            if engine == "postgresql":
                rows, migrations, referenced = _pg_dump(connection, dump)
            else:
                rows, migrations, referenced = _sqlite_copy(connection, dump)
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(timespec="seconds"),
                "django": django.get_version(),
                "database": {"engine": engine, "file": dump.name, "size": dump.stat().st_size,
                             "sha256": _sha256_path(dump)},
                "migrations": migrations,
                "rows": rows,
            }
            # 2. The files, after the dump.
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                tar.add(dump, arcname=dump.name, filter=_anonymous)
                manifest["files"] = [_add_stored_file(tar, name) for name in _storage_names(default_storage)]
                manifest["missing_files"] = sorted(referenced - {f["name"] for f in manifest["files"]})
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
        partial.replace(archive)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(archive=archive, manifest=manifest, seconds=time.monotonic() - started)


def _pg_dump(connection, dump: Path):
    """pg_dump in the snapshot in which the counts are read, so the manifest describes the dump."""
    if connection.in_atomic_block:
        raise ValidationError("A backup reads one snapshot of its own: run it outside a transaction.")
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            rows = _row_counts(cursor, connection.ops.quote_name)
            migrations = _applied_migrations(cursor)
            referenced = _referenced_files(cursor, connection.ops.quote_name)
        # The snapshot stays importable while this transaction is open.
        _pg_run(connection, "pg_dump", ["--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
                with_dbname_argument=True)
    return rows, migrations, referenced


def _sqlite_copy(connection, dump: Path):
    connection.ensure_connection()
    target = sqlite3.connect(dump)
    try:
        connection.connection.backup(target)  # a consistent copy even while the site writes
        cursor = target.cursor()
        quote = connection.ops.quote_name
        return _row_counts(cursor, quote), _applied_migrations(cursor), _referenced_files(cursor, quote)
    finally:
        target.close()


def _storage_names(storage, folder: str = ""):
    """Every file in the storage, by name, in a stable order (an absent MEDIA_ROOT holds none)."""
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for sub in sorted(dirs):
        yield from _storage_names(storage, posixpath.join(folder, sub) if folder else sub)


class _HashingReader:
    def __init__(self, raw):
        self.raw, self.sha256, self.size = raw, hashlib.sha256(), 0

    def read(self, size=-1):
        data = self.raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add_stored_file(tar: tarfile.TarFile, name: str) -> dict:
    info = tarfile.TarInfo(f"{MEDIA}/{name}")
    info.size = default_storage.size(name)
    info.mtime = int(time.time())
    with default_storage.open(name, "rb") as stored:
        reader = _HashingReader(stored)
        tar.addfile(info, reader)
    if reader.size != info.size:
        raise ValidationError(f"The stored file {name} changed while it was copied: run the backup again.")
    return {"name": name, "size": info.size, "sha256": reader.sha256.hexdigest()}


def _anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes):
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(data), int(time.time())
    tar.addfile(info, io.BytesIO(data))


# --- Restore ---------------------------------------------------------------------------------------

def backup_restore(*, archive: Path, using: str = "default") -> RestoreResult:
    """Restore ``archive`` into an empty installation: a database without tables and an empty storage."""
    started = time.monotonic()
    archive = Path(archive).absolute()
    if not archive.is_file():
        raise ValidationError(f"{archive} is not a file.")
    connection = connections[using]
    engine = _engine(connection)
    with tempfile.TemporaryDirectory(prefix="cami-restore-") as work:
        manifest = _extract(archive, Path(work))
        if manifest["database"]["engine"] != engine:
            raise ValidationError(
                f"The backup is of a {manifest['database']['engine']} database and this installation uses "
                f"{engine}: restore it into a {manifest['database']['engine']} database.")
        dump = Path(work) / manifest["database"]["file"]
        _check_archive(Path(work), manifest)
        _refuse_unless_empty(connection)
        if engine == "postgresql":
            _pg_run(connection, "pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error",
                                               "--single-transaction", f"--dbname={connection.settings_dict['NAME']}",
                                               str(dump)])
        else:
            _sqlite_restore(connection, dump)
        connection.close()  # the next query sees the restored schema
        for entry in manifest["files"]:
            _restore_file(Path(work) / MEDIA, entry["name"])
    _verify(connection, manifest)
    return RestoreResult(archive=archive, manifest=manifest, seconds=time.monotonic() - started,
                         unapplied_migrations=_unapplied_migrations(connection))


def _extract(archive: Path, work: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            _extract_safely(tar, work)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise ValidationError(f"{archive} is not a readable backup archive ({error}).") from error
    try:
        manifest = json.loads((work / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise ValidationError(
            f"{archive} has no readable {MANIFEST}: it is not a backup of this application.") from error
    if manifest.get("format") != FORMAT:
        raise ValidationError(
            f"{archive} is a backup of format {manifest.get('format')}; this version reads format {FORMAT}.")
    return manifest


def _check_archive(work: Path, manifest: dict):
    """Every checksum of the manifest, before anything is written to the target."""
    entries = [(manifest["database"]["file"], manifest["database"]["sha256"])]
    entries += [(f"{MEDIA}/{entry['name']}", entry["sha256"]) for entry in manifest.get("files", [])]
    for name, expected in entries:
        path = work.joinpath(*name.split("/"))
        if not path.is_file() or _sha256_path(path) != expected:
            raise ValidationError(f"{name} in the archive is {'different from' if path.is_file() else 'missing from'} "
                                  f"its manifest: the archive is damaged; nothing was restored.")


def _extract_safely(tar: tarfile.TarFile, work: Path):
    """Only plain files and folders inside work/: no absolute paths, '..', links or devices."""
    if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
        tar.extractall(work, filter="data")
        return
    for member in tar.getmembers():
        parts = Path(member.name).parts
        if member.name.startswith("/") or ".." in parts or not (member.isfile() or member.isdir()):
            raise tarfile.TarError(f"unsafe member {member.name}")
    tar.extractall(work)


def _refuse_unless_empty(connection):
    """Never merge into or overwrite an installation: the target has no tables and no stored files."""
    tables = connection.introspection.table_names(include_views=True)
    if tables:
        raise ValidationError(
            f"The database {connection.settings_dict['NAME']} is not empty ({len(tables)} tables, e.g. "
            f"{tables[0]}): restore only into a new, empty database (created, but without running migrate).")
    stored = next(iter(_storage_names(default_storage)), None)
    if stored is not None:
        raise ValidationError(
            f"The file storage is not empty (it holds {stored}): restore only into an empty MEDIA_ROOT.")


def _sqlite_restore(connection, dump: Path):
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)  # replaces the whole (empty) database file
    finally:
        source.close()


def _restore_file(media: Path, name: str):
    path = media.joinpath(*name.split("/"))
    with path.open("rb") as content:
        saved = default_storage.save(name, File(content, name=name))
    if saved != name:
        raise ValidationError(f"The storage saved {name} as {saved}: restore only into an empty MEDIA_ROOT.")


def _verify(connection, manifest: dict):
    problems = []
    with connection.cursor() as cursor:
        rows = _row_counts(cursor, connection.ops.quote_name, labels=manifest["rows"])
        referenced = _referenced_files(cursor, connection.ops.quote_name)
    for label, expected in manifest["rows"].items():
        if label not in rows:
            problems.append(f"{label}: {expected} rows in the backup, no such model in this code")
        elif rows[label] != expected:
            problems.append(f"{label}: {rows[label]} rows instead of {expected}")
    for entry in manifest["files"]:
        try:
            with default_storage.open(entry["name"], "rb") as stored:
                digest = _sha256_file(stored)
        except FileNotFoundError:
            digest = None
        if digest != entry["sha256"]:
            problems.append(f"file {entry['name']}: {'missing' if digest is None else 'different content'}")
    missing = referenced - {f["name"] for f in manifest["files"]} - set(manifest["missing_files"])
    problems += [f"file {name}: named in the database, not in the archive" for name in sorted(missing)]
    if problems:
        raise ValidationError("The restored installation does not match the backup: " + "; ".join(problems[:20]))


def _unapplied_migrations(connection) -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


# --- Shared ----------------------------------------------------------------------------------------

def _engine(connection) -> str:
    if connection.vendor not in DUMP_NAMES:
        raise ValidationError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def _tables() -> dict[str, str]:
    """Table of every model that owns one (auto-created many-to-many tables included), by model label."""
    return {model._meta.label: model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy}


def _row_counts(cursor, quote, labels=None) -> dict[str, int]:
    tables = _tables()
    counts = {}
    for label in sorted(labels if labels is not None else tables):
        if label not in tables:
            continue  # a model of the backup this code no longer has: reported as a mismatch
        cursor.execute(f"SELECT COUNT(*) FROM {quote(tables[label])}")
        counts[label] = cursor.fetchone()[0]
    return counts


def _applied_migrations(cursor) -> list[list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [list(row) for row in cursor.fetchall()]


def _referenced_files(cursor, quote) -> set[str]:
    """Names stored in every FileField of every model: the files the database refers to."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                column, table = quote(field.column), quote(model._meta.db_table)
                cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> ''")
                names.update(row[0] for row in cursor.fetchall())
    return names


def _pg_run(connection, program: str, arguments: list[str], with_dbname_argument: bool = False):
    """Run pg_dump or pg_restore with DATABASE_URL's parameters; the password goes in PGPASSWORD."""
    executable = _pg_executable(program)
    settings_dict = connection.settings_dict
    args = [executable]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args.append(f"{flag}={settings_dict[key]}")
    args += arguments
    if with_dbname_argument:
        args.append(settings_dict["NAME"])
    _, env = connection.client.settings_to_cmd_args_env(settings_dict, [])
    result = subprocess.run(args, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if result.returncode:
        raise ValidationError(f"{program} failed (exit status {result.returncode}): {result.stderr.strip()}")


def _pg_executable(program: str) -> str:
    """PG_BIN (a folder) picks the client matching the server, e.g. /usr/lib/postgresql/15/bin."""
    folder = os.environ.get("PG_BIN")
    found = shutil.which(program, path=folder) if folder else shutil.which(program)
    if not found:
        raise ValidationError(f"{program} was not found{f' in {folder}' if folder else ' on PATH'}: install the "
                              f"PostgreSQL client (Debian: postgresql-client) or set PG_BIN.")
    return found


def _sha256_path(path: Path) -> str:
    with path.open("rb") as content:
        return _sha256_file(content)


def _sha256_file(content) -> str:
    digest = hashlib.sha256()
    while chunk := content.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _files(files: list) -> str:
    return f"{len(files)} file{'' if len(files) == 1 else 's'}"


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"
