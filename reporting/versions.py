"""The working copy beside its published version: what a correction changed since the last validation.

Read by the country report page (rows marked "changed since validation"), the activity's page (the
published values) and the Secretariat's validation queue (each difference, field by field).
"""
from __future__ import annotations

from dataclasses import dataclass

from .models import CountryReport, ProgressReport
from .published import COMPARED_FIELDS
from .rules import NO_INFORMATION_LABEL
from .selectors import HISTORY_FIELD_LABELS, _readable


@dataclass
class Difference:
    """One field of a report whose working copy differs from its published version, in words."""

    field: str
    label: str
    published: object
    working: object


def _published_of(report: ProgressReport):
    try:
        return report.published
    except ProgressReport.published.RelatedObjectDoesNotExist:
        return None


def differences(report: ProgressReport, *, validated_before: bool) -> list[Difference]:
    """The fields of ``report`` (a working copy, its ``published`` selected) that differ from its published
    version. A report its country's validated report did not hold yet (``validated_before``: the country
    report has a published version) differs in its status, from "No information"."""
    published = _published_of(report)
    if published is None:
        if not validated_before:
            return []
        return [Difference("status", HISTORY_FIELD_LABELS["status"], NO_INFORMATION_LABEL,
                           _readable("status", report.status))]
    return [Difference(name, HISTORY_FIELD_LABELS[name], _readable(name, old), _readable(name, new))
            for name, old, new in published.differences(report)]


def mark_changes_since_validation(reports: list[ProgressReport], *, validated_before: bool = False):
    """Each report of one country report gets ``since_validation``: its differences from the published version.
    ``validated_before``: the country report is known to have been validated (else: one of ``reports`` was)."""
    validated_before = validated_before or any(_published_of(report) is not None for report in reports)
    for report in reports:
        report.since_validation = differences(report, validated_before=validated_before)


@dataclass
class ChangedActivity:
    report: ProgressReport
    differences: list[Difference]


def queue_differences(country_reports: list[CountryReport]) -> dict[int, list[ChangedActivity]]:
    """{country report id: what its working copy changed since the last validation, activity by activity}:
    one query for the whole queue. A report never validated has no entry (nothing to compare with): where
    the queue annotated ``validated_before`` (selectors.validation_queue), first submissions are not read."""
    compared = [cr.pk for cr in country_reports if getattr(cr, "validated_before", True)]
    reports = (ProgressReport.objects.filter(country_report__in=compared)
               .select_related("published", "activity").order_by("country_report_id", "activity__position"))
    by_country_report: dict[int, list[ProgressReport]] = {}
    queued = {cr.pk: cr for cr in country_reports}
    for report in reports:
        report.country_report = queued[report.country_report_id]  # its link names the country: no query a row
        by_country_report.setdefault(report.country_report_id, []).append(report)
    changed = {}
    for pk, items in by_country_report.items():
        if not any(_published_of(report) is not None for report in items):
            continue
        mark_changes_since_validation(items)
        changed[pk] = [ChangedActivity(report, report.since_validation) for report in items if report.since_validation]
    return changed


__all__ = ["COMPARED_FIELDS", "ChangedActivity", "Difference", "differences", "mark_changes_since_validation",
           "queue_differences"]
