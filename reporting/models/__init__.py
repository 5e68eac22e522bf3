"""Who reports for which country, reporting rounds, progress reports, their evidence and history.

Modules: ``people`` (profiles, assignments), ``rounds`` (rounds, country reports), ``progress`` (progress
reports, evidence, history), ``money`` (the Secretariat's exchange rates per round), ``events`` (workflow
events, reminder log), ``export_jobs`` (background exports); the published versions are ``reporting/published.py``. Import the models from here: ``from reporting.models import ProgressReport``.
"""
from ..published import PublishedEvidence, PublishedProgress, PublishedVersionQuerySet, sees_drafts
from .base import USER
from .events import ActivityComment, ReminderLog, ReportEvent
from .export_jobs import ExportJob, ExportJobQuerySet
from .money import ExchangeRate
from .people import Assignment, AssignmentQuerySet, Profile
from .progress import (
    Evidence, EvidenceQuerySet, ProgressChange, ProgressReport, ProgressReportQuerySet, evidence_upload_path,
    sees_restricted_evidence,
)
from .rounds import DUE_BEFORE_OPENING, CountryReport, CountryReportQuerySet, ReportingRound, ReportingRoundQuerySet


__all__ = [
    "ActivityComment",
    "DUE_BEFORE_OPENING", "USER", "Assignment", "AssignmentQuerySet", "CountryReport", "CountryReportQuerySet",
    "Evidence", "EvidenceQuerySet", "ExchangeRate", "ExportJob", "ExportJobQuerySet", "Profile", "ProgressChange", "ProgressReport", "ProgressReportQuerySet",
    "PublishedEvidence", "PublishedProgress", "PublishedVersionQuerySet", "ReminderLog", "ReportEvent",
    "ReportingRound", "ReportingRoundQuerySet", "evidence_upload_path", "sees_restricted_evidence", "sees_drafts",
]
