"""An export that runs in the background: who asked, with which filters, its state, its file or its error."""
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import USER


def export_job_upload_path(job, filename):
    return f"exports/{job.created_at:%Y/%m}/{job.pk}-{filename}"


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Its requester and the Secretariat see a job; nobody else learns that it exists."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(requester=user)

    def in_flight(self):
        return self.filter(status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING])


class ExportJob(models.Model):
    """One export of the progress tables asked for by a signed-in user and built by the task worker.

    Queued → running → done (with its file) or failed (with the error shown to the user). A job a
    worker left running (killed, machine restarted) is retried once, then failed
    (``services.export_jobs_recover``); files and jobs older than EXPORT_RETENTION_DAYS are removed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel workbook")
        CSV = "csv", _("CSV")
        JSON = "json", _("JSON")

    requester = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="export_jobs",
                                  verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    # The export views' query parameters, each a list of values as in a query string.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    # The interface language at the request: labels and status names of the file are in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    file = models.FileField(_("file"), upload_to=export_job_upload_path, max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            # "My exports": a user's jobs, newest first.
            models.Index(fields=["requester", "-created_at", "-id"], name="reporting_exportjob_mine"),
            # The stale-job check and the retention command.
            models.Index(fields=["status", "started_at"], name="reporting_exportjob_status"),
            models.Index(fields=["created_at"], name="reporting_exportjob_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["queued", "running", "done", "failed"]),
                                   name="%(app_label)s_%(class)s_status_valid"),
            models.CheckConstraint(condition=Q(format__in=["xlsx", "csv", "json"]),
                                   name="%(app_label)s_%(class)s_format_valid"),
        ]

    def __str__(self):
        return f"{self.get_format_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def in_flight(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    def get_absolute_url(self):
        return reverse("api:exportjob-detail", args=[self.pk])

    def get_download_url(self):
        return reverse("api:exportjob-download", args=[self.pk]) if self.status == self.Status.DONE else None
