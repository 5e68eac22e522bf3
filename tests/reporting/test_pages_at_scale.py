"""What keeps the busiest pages light as reports pile up: a page of rows at a time, counts for those rows
only, and the same number of queries whatever the number of rows."""
import pytest
from django.db import connection
from django.urls import reverse

from reporting.models import CountryReport, ProgressReport, PublishedProgress
from tests.factories import CountryFactory


def _submitted(world, count):
    """``count`` country reports waiting for validation, each with one reported activity; the first a
    correction of a validated report."""
    for n in range(count):
        country = CountryFactory(name=f"Queue land {n:02d}")
        world["plan"].range_states.add(country)
        world["everywhere"].countries.add(country)
        report = CountryReport.objects.create(round=world["round"], country=country,
                                              state=CountryReport.State.SUBMITTED)
        progress = ProgressReport.objects.create(country_report=report, activity=world["everywhere"],
                                                 status="ongoing", updated_at=world["round"].created_at)
        if n == 0:  # validated once and corrected since: the queue shows what changed
            PublishedProgress.objects.create(progress_report=progress, status="in_progress", version=1,
                                             updated_at=progress.updated_at, validated_at=progress.updated_at)


def test_the_validation_queue_shows_25_reports_a_page_with_links_to_the_others(client, world):
    _submitted(world, 30)
    client.force_login(world["secretariat"])
    first = client.get(reverse("reporting:validation_queue"))
    html = first.content.decode()
    assert [report.country.name for report in first.context["reports"]] == [f"Queue land {n:02d}" for n in range(25)]
    assert "30 reports wait" in html and "Page 1 of 2" in html and 'href="?page=2"' in html
    second = client.get(reverse("reporting:validation_queue"), {"page": 2})
    assert [report.country.name for report in second.context["reports"]] == [f"Queue land {n:02d}"
                                                                            for n in range(25, 30)]
    assert {report.reported for report in second.context["reports"]} == {1}
    [corrected] = first.context["reports"][0].changed_since_validation
    assert [(d.label, str(d.published), str(d.working)) for d in corrected.differences] == [
        ("Status", "In progress", "Ongoing (recurring)")]
    # After validating or returning a report the Secretariat comes back to the page it was on.
    assert 'name="next" value="/validation/?page=2"' in second.content.decode()


@pytest.mark.parametrize("count", [2, 30])
def test_the_validation_queue_keeps_its_query_count(client, world, django_assert_num_queries, count):
    _submitted(world, count)
    client.force_login(world["secretariat"])
    client.get(reverse("reporting:validation_queue"))
    # session, user, how many wait, the page's reports with their reported counts, what changed since validation
    with django_assert_num_queries(5):
        assert client.get(reverse("reporting:validation_queue")).status_code == 200


def test_the_progress_api_order_is_read_off_an_index(world):
    """Latest change first, the id breaking ties: the database walks the (updated_at, id) index rather
    than sorting every report (issue #11, the progress API's first page at a million reports)."""
    if connection.vendor == "postgresql":
        # A test database holds a few dozen rows, which PostgreSQL's planner would rather scan and sort; with
        # scans costed out, what is left to see is whether the index serves the order (no Sort step).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = ProgressReport.objects.order_by("-updated_at", "-id")[:25].explain()
    assert "progress_updated_id_idx" in plan
    assert "TEMP B-TREE" not in plan.upper() and "Sort" not in plan  # SQLite's and PostgreSQL's sorting steps
