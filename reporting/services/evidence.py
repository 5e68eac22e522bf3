"""Evidence of a progress report: adding a link or a file, removing (hiding) it; both in the report's history."""
from __future__ import annotations

import os
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Evidence, ProgressChange, ProgressReport
from ..uploads import check_evidence_file
from .common import deny_if
from .report_state import locked_country_report, reopen_if_validated


TITLE_MAX = Evidence._meta.get_field("title").max_length
STORED_NAME_MAX = 120  # characters of an uploaded file's own name kept in its storage path


def _derived_title(text: str) -> str:
    """A title made from a file name or a link, cut to fit (the user did not write it)."""
    return text if len(text) <= TITLE_MAX else text[:TITLE_MAX - 1].rstrip() + "…"


def _stored_name(name: str) -> str:
    """The uploaded file's name, shortened for the storage path (its extension kept); the full
    name is shown from original_name."""
    stem, extension = os.path.splitext(os.path.basename(name))
    return stem[:max(1, STORED_NAME_MAX - len(extension))] + extension


@contextmanager
def _locked_for_evidence(report: ProgressReport, user):
    """May ``user`` draft ``report``? Then its country report's row lock, held while the evidence changes."""
    country_report = report.country_report
    deny_if(permissions.why_cannot_draft(user, activity=report.activity, country=country_report.country,
                                          round=country_report.round))
    with locked_country_report(user=user, round=country_report.round, country=country_report.country,
                                pk=country_report.pk) as locked:
        report.country_report = locked
        yield locked


def evidence_add(*, report: ProgressReport, user, title: str, visibility: str, url: str = "", file=None,
                 source: str = ProgressChange.Source.BROWSER) -> Evidence:
    """Attach a link or an uploaded file (type and size checked) to a progress report.

    Without a title the file name or the link is the title, shortened to fit; a title given that is too
    long is refused naming ``title``.
    """
    with _locked_for_evidence(report, user):
        if bool(url) == bool(file):
            raise ValidationError({"url": _("Give either a link or a file.")})
        title = title.strip() or _derived_title(file.name if file else url)
        evidence = Evidence(progress_report=report, title=title, visibility=visibility, added_by=user)
        if file:
            evidence.content_type = check_evidence_file(file)
            evidence.kind, evidence.original_name, evidence.size = Evidence.Kind.FILE, file.name[:200], file.size
        else:
            evidence.kind, evidence.url = Evidence.Kind.LINK, url
        evidence.full_clean(exclude=["file"])
        if file:
            evidence.file.save(_stored_name(file.name), file, save=False)
        try:
            with transaction.atomic():
                evidence.save()
                _record_evidence_change(report, user, evidence, [None, evidence.title], source)
        except Exception:
            if file:
                evidence.file.delete(save=False)  # the row did not land: leave no orphan file behind
            raise
    return evidence


def evidence_remove(*, evidence: Evidence, user, source: str = ProgressChange.Source.BROWSER) -> Evidence:
    """Hide evidence from the report; the file and the row stay (nothing is hard-deleted)."""
    report = evidence.progress_report
    with _locked_for_evidence(report, user):
        stored = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if stored.removed_at:
            raise ValidationError({"evidence": _("This evidence was already removed.")})
        evidence.removed_by, evidence.removed_at = user, timezone.now()
        evidence.save(update_fields=["removed_by", "removed_at"])
        _record_evidence_change(report, user, evidence, [evidence.title, None], source)
    return evidence


def _record_evidence_change(report: ProgressReport, user, evidence: Evidence, change: list, source: str):
    """The report's new version and history entry; run inside locked_country_report."""
    ProgressReport.objects.filter(pk=report.pk).update(
        version=F("version") + 1, updated_by=user, updated_at=timezone.now())
    report.refresh_from_db(fields=["version", "updated_by", "updated_at"])
    # The history is read by everyone: a restricted item's title is kept under its own key so that
    # readers outside the country see that evidence changed, not what it was.
    field = "restricted_evidence" if evidence.visibility == Evidence.Visibility.RESTRICTED else "evidence"
    ProgressChange.objects.create(progress_report=report, version=report.version, changed_by=user,
                                  changed_at=report.updated_at, source=source, changes={field: change})
    reopen_if_validated(report.country_report, user)


