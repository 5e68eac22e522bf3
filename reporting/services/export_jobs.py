"""Background exports: starting one (filters checked first), building its file in the worker, recovering
jobs a dead worker left behind, and removing old ones.

The file is built by the same builders as the direct downloads (``reporting.exports``), for the
requester and in the language of the request, so that a background export holds what the direct one
would. The task function (``reporting.tasks``) only calls ``export_job_run``.
"""
from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer

from .. import exports
from ..models import ExportJob, sees_drafts
from ..tasks_backend import task_states

logger = logging.getLogger(__name__)

BUILDERS = {
    ExportJob.Format.XLSX: exports.workbook_bytes,
    ExportJob.Format.CSV: exports.details_csv,
    # As GET /api/v1/exports/progress.json answers: the same rows through the API's renderer.
    ExportJob.Format.JSON: lambda tables: JSONRenderer().render(exports.details_json(tables)),
}


def validation_reasons(error: ValidationError) -> str:
    """"plan: There is no plan “x”.; status: ..." — each field named, for a message or a job's error."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(f"{name}: {' '.join(texts)}" for name, texts in error.message_dict.items())


def _checked_filters(*, user, params) -> dict:
    """The export's parameters as the export views read them, checked; only the ones they know are kept."""
    scope = exports.export_scope(params)
    if scope.working and not sees_drafts(user):
        raise ValidationError({"version": [_("Sign in to export the working copies.")]})
    filters = dict(scope.given)
    if scope.working:
        filters["version"] = ["working"]
    return filters


def export_job_start(*, user, params, format: str, language: str = "") -> ExportJob:
    """Check the filters and the format, record the job and hand it to the task worker.

    A bad filter or format raises ValidationError naming it, and nothing is recorded or queued."""
    from ..tasks import export_job_build  # the task module imports this one

    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to run an export in the background: it is kept for you to download."))
    if format not in ExportJob.Format.values:
        raise ValidationError({"format": [_("Choose xlsx, csv or json.")]})
    filters = _checked_filters(user=user, params=params)
    with transaction.atomic():
        job = ExportJob(requester=user, format=format, filters=filters,
                        language=language or translation.get_language() or settings.LANGUAGE_CODE)
        job.full_clean(exclude=["file"])
        job.save()
        # In the same transaction with the database backend: the worker sees the task once the job exists.
        job.task_id = str(export_job_build.enqueue(job.pk).id)
        job.save(update_fields=["task_id"])
    return job


def _claim(job_id: int) -> ExportJob | None:
    """Queued → running, one more attempt; None when the job is gone or no longer waits for a run."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).select_related("requester").first()
        if job is None or job.status != ExportJob.Status.QUEUED:
            return None
        job.status, job.started_at, job.attempts = ExportJob.Status.RUNNING, timezone.now(), job.attempts + 1
        job.save(update_fields=["status", "started_at", "attempts"])
    return job


def _build(job: ExportJob) -> tuple[str, bytes]:
    with translation.override(job.language or settings.LANGUAGE_CODE):
        tables = exports.progress_tables(user=job.requester, params=job.filters)
        return exports.export_filename(tables, job.format), BUILDERS[job.format](tables)


def _finish(job: ExportJob, **values) -> bool:
    """Record the outcome unless the job was retried or removed meanwhile (then this run's result is dropped)."""
    with transaction.atomic():
        current = ExportJob.objects.select_for_update().filter(pk=job.pk).first()
        if current is None or current.status != ExportJob.Status.RUNNING or current.attempts != job.attempts:
            return False
        for name, value in values.items():
            setattr(current, name, value)
        current.finished_at = timezone.now()
        current.save(update_fields=[*values, "finished_at"])
    return True


def export_job_run(*, job_id: int) -> str:
    """Build the job's file and store it (Django's storage: the disk or the object store); an error
    fails the job and is kept for the user. Returns the status it leaves."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    try:
        name, data = _build(job)
    except ValidationError as error:  # the filters no longer hold (a plan or round removed meanwhile)
        _finish(job, status=ExportJob.Status.FAILED, error=validation_reasons(error))
        return ExportJob.Status.FAILED
    except Exception as error:
        logger.exception("Export job %s failed", job.pk)
        with translation.override(job.language or settings.LANGUAGE_CODE):
            text = _("The export could not be built: %(error)s") % {"error": f"{type(error).__name__}: {error}"}
        _finish(job, status=ExportJob.Status.FAILED, error=text)
        return ExportJob.Status.FAILED
    job.file.save(name, ContentFile(data), save=False)
    if not _finish(job, status=ExportJob.Status.DONE, file=job.file.name, error=""):
        job.file.delete(save=False)  # retried meanwhile: the other run's file is the one kept
        return "skipped"
    return ExportJob.Status.DONE


# --- Jobs a worker left behind -----------------------------------------------------------------------

def _why_stale(job: ExportJob, task_state, now) -> str | None:
    limit = datetime.timedelta(minutes=settings.EXPORT_JOB_TIMEOUT_MINUTES)
    if job.status == ExportJob.Status.RUNNING and job.started_at and job.started_at < now - limit:
        return _("The export ran for more than %(minutes)s minutes without finishing (its worker stopped).") % {
            "minutes": settings.EXPORT_JOB_TIMEOUT_MINUTES}
    if task_state in ("missing", "FAILED", "SUCCESSFUL") or (
            # A worker took the task but died before the job said so (a moment's window, normally).
            task_state == "RUNNING" and job.status == ExportJob.Status.QUEUED and job.created_at < now - limit):
        # The task is gone or over, but the job was never finished: its worker stopped in the middle.
        return _("The export was interrupted: its task stopped before the file was ready.")
    return None


def _retry_or_fail(job: ExportJob, reason: str) -> None:
    from ..tasks import export_job_build

    with transaction.atomic():
        current = ExportJob.objects.select_for_update().filter(pk=job.pk).first()
        if (current is None or not current.in_flight or current.attempts != job.attempts
                or current.task_id != job.task_id):
            return  # it moved on meanwhile
        if current.attempts < settings.EXPORT_JOB_ATTEMPTS:
            current.status, current.started_at = ExportJob.Status.QUEUED, None
            current.task_id = str(export_job_build.enqueue(current.pk).id)
            current.save(update_fields=["status", "started_at", "task_id"])
            logger.warning("Export job %s retried: %s", current.pk, reason)
        else:
            current.status, current.finished_at = ExportJob.Status.FAILED, timezone.now()
            current.error = reason + " " + _("Start the export again.")
            current.save(update_fields=["status", "finished_at", "error"])
            logger.warning("Export job %s failed: %s", current.pk, reason)


def export_jobs_recover(*, requester=None, pk: int | None = None) -> int:
    """Retry once, or fail, the jobs whose worker died (running past EXPORT_JOB_TIMEOUT_MINUTES, or whose
    task is gone or over); ``requester``: only theirs ("My exports"), ``pk``: only that one (its API
    answer). Returns how many moved."""
    jobs = ExportJob.objects.in_flight()
    if requester is not None:
        jobs = jobs.filter(requester=requester)
    if pk is not None:
        jobs = jobs.filter(pk=pk)
    jobs = list(jobs.only("id", "status", "created_at", "started_at", "attempts", "task_id"))
    if not jobs:
        return 0
    states, now, moved = task_states([job.task_id for job in jobs]), timezone.now(), 0
    for job in jobs:
        reason = _why_stale(job, states.get(job.task_id) if states is not None else None, now)
        if reason:
            _retry_or_fail(job, reason)
            moved += 1
    return moved


def export_jobs_cleanup(*, now: datetime.datetime | None = None) -> int:
    """Remove the jobs (and their files) requested more than EXPORT_RETENTION_DAYS ago. Returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    removed = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        removed += 1
    return removed
