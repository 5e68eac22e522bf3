"""Publishing a validated report: each of its progress reports' values become its published version."""
from __future__ import annotations

from django.utils import timezone

from ..models import CountryReport, Evidence, ProgressReport, PublishedEvidence, PublishedProgress
from ..published import PUBLISHED_VALUES


def country_report_publish(country_report: CountryReport, user):
    """The values of every report of ``country_report`` as they now stand become its published version,
    with its public evidence; called on the locked row by country_report_validate, in its transaction.

    Four queries whatever the number of reports: read the reports, write their versions (an upsert),
    forget the evidence published before, write the evidence published now."""
    now = timezone.now()
    rows = ProgressReport.objects.filter(country_report=country_report).values("pk", *PUBLISHED_VALUES)
    published = [
        PublishedProgress(progress_report_id=row.pop("pk"), validated_at=now, validated_by=user, **row)
        for row in rows
    ]
    PublishedProgress.objects.bulk_create(
        published, update_conflicts=True, unique_fields=["progress_report"],
        update_fields=[*PUBLISHED_VALUES, "validated_at", "validated_by"],
    )
    PublishedEvidence.objects.filter(published__progress_report__country_report=country_report).delete()
    evidence = (Evidence.objects.current().filter(progress_report__country_report=country_report,
                                                  visibility=Evidence.Visibility.PUBLIC)
                .values_list("pk", "progress_report_id"))
    PublishedEvidence.objects.bulk_create(
        [PublishedEvidence(published_id=report_id, evidence_id=pk) for pk, report_id in evidence])
