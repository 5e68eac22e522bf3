"""The published version: what visitors read while a validated report is being corrected.

The data: Testland QZ reports 2.1 in progress ("Patrols") with a public link and 2.2 not started; the
report is submitted and validated; then its focal point corrects 2.1 to completed ("Patrols and a
census"), adds a second link and reports nothing else. Anonymous visitors must keep reading the
validated values everywhere; signed-in users read the working copy with the published one beside it.
"""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from rest_framework.test import APIClient

from reporting import exports, services, versions
from reporting.models import CountryReport, ProgressReport, PublishedProgress
from reporting.services import ProgressInput

PROGRESS = "/api/v1/progress/"


def record(world, activity, status, narrative="", user="focal_kz", version=None):
    return services.progress_report_record(
        round=world["round"], activity=world[activity], country=world["kz"], user=world[user],
        values=ProgressInput(status=status, narrative=narrative), expected_version=version)


@pytest.fixture
def validated(world):
    report = record(world, "in_unit", "in_progress", "Patrols")
    services.evidence_add(report=report, user=world["focal_kz"], title="Patrol log", url="https://example.org/log",
                          visibility="public")
    services.evidence_add(report=report, user=world["focal_kz"], title="Den sites", url="https://example.org/dens",
                          visibility="restricted")
    record(world, "everywhere", "not_started")
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    services.country_report_validate(country_report=country_report, user=world["secretariat"])
    return world


@pytest.fixture
def corrected(validated):
    world = validated
    report = ProgressReport.objects.get(activity=world["in_unit"])
    report = record(world, "in_unit", "completed", "Patrols and a census", version=report.version)
    services.evidence_add(report=report, user=world["focal_kz"], title="Census", url="https://example.org/census",
                          visibility="public")
    return world


def test_validation_publishes_every_report_with_its_public_evidence(validated):
    world = validated
    published = {p.progress_report.activity.code: p for p in PublishedProgress.objects.select_related(
        "progress_report__activity")}
    assert {code: (p.status, p.narrative, p.version) for code, p in published.items()} == {
        "2.1": ("in_progress", "Patrols", 3), "2.2": ("not_started", "", 1)}
    assert published["2.1"].validated_by == world["secretariat"]
    assert [link.evidence.title for link in published["2.1"].evidence_links.all()] == ["Patrol log"]


def test_validation_writes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for activity in ("in_unit", "everywhere"):
        record(world, activity, "in_progress")
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    with django_assert_max_num_queries(12):
        services.country_report_validate(country_report=country_report, user=world["secretariat"])


def test_anonymous_visitors_read_the_published_values_while_a_correction_is_in_review(corrected):
    world = corrected
    assert CountryReport.objects.get().state == CountryReport.State.REOPENED
    [public_21] = [r for r in ProgressReport.objects.visible_to(AnonymousUser()) if r.activity_id == world["in_unit"].pk]
    assert (public_21.status, public_21.narrative, public_21.version) == ("in_progress", "Patrols", 3)
    assert ProgressReport.objects.visible_to(world["observer"]).get(activity=world["in_unit"]).status == "completed"


def test_the_public_dashboard_counts_the_published_version(corrected, client):
    response = client.get(reverse("reporting:plan_dashboard", args=["test-plan"]))
    overall = response.context["dashboard"].overall
    assert {cell.key: cell.count for cell in overall.cells if cell.count} == {
        "in_progress": 1, "not_started": 1, "no_information": 1}
    assert overall.validated.count == 2
    assert "count the published versions" in response.content.decode()
    client.force_login(corrected["observer"])
    overall = client.get(reverse("reporting:plan_dashboard", args=["test-plan"])).context["dashboard"].overall
    assert {cell.key: cell.count for cell in overall.cells if cell.count} == {
        "completed": 1, "not_started": 1, "no_information": 1}


def test_the_printable_report_stays_public_and_shows_the_validated_values(corrected, client):
    world = corrected
    response = client.get(reverse("reporting:national_report", args=[world["round"].pk, "QZ"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Patrols" in text and "Patrols and a census" not in text
    assert "Patrol log" in text and "Census" not in text and "Den sites" not in text
    assert "Not validated" not in text
    report = response.context["report"]
    assert [event.action for event in report.events] == ["validated", "submitted"]  # no "reopened"


def test_the_country_report_page_shows_visitors_the_published_version(corrected, client):
    world = corrected
    ProgressReport.objects.filter(activity=world["everywhere"]).update(carried_over=True)  # as if unconfirmed
    response = client.get(reverse("reporting:country_report", args=[world["round"].pk, "QZ"]))
    page = response.context["page"]
    assert {a.code: a.report.status for a in page.activities if a.report} == {"2.1": "in_progress",
                                                                              "2.2": "not_started"}
    assert page.reported == 2  # counted on the published versions, not on the working copies
    filtered = client.get(reverse("reporting:country_report", args=[world["round"].pk, "QZ"]), {"status": "completed"})
    assert filtered.context["page"].activities == []


def test_the_progress_list_and_its_filters_read_the_published_version(corrected, client):
    response = client.get("/progress/", {"status": "completed"})
    assert list(response.context["reports"]) == []
    response = client.get("/progress/", {"search": "census"})
    assert list(response.context["reports"]) == []
    [report] = client.get("/progress/", {"status": "in_progress"}).context["reports"]
    assert report.narrative == "Patrols"


def test_the_api_gives_visitors_the_published_values_and_signed_in_users_both(corrected):
    world = corrected
    report = ProgressReport.objects.get(activity=world["in_unit"])
    public = APIClient().get(f"{PROGRESS}{report.pk}/")
    assert public["ETag"] == '"3"'
    body = public.json()
    assert (body["status"], body["narrative"], body["state"], body["version"]) == (
        "in_progress", "Patrols", "validated", 3)
    assert [item["title"] for item in body["evidence"]] == ["Patrol log"]
    assert body["published"]["status"] == "in_progress"
    client = APIClient()
    client.force_authenticate(world["observer"])
    body = client.get(f"{PROGRESS}{report.pk}/").json()
    assert (body["status"], body["state"]) == ("completed", "reopened")
    assert {key: body["published"][key] for key in ("status", "narrative", "obstacles", "expected_year", "version")} \
        == {"status": "in_progress", "narrative": "Patrols", "obstacles": "", "expected_year": None, "version": 3}
    assert body["published"]["validated_at"]
    country_reports = APIClient().get("/api/v1/country-reports/", {"state": "validated"}).json()["results"]
    assert [(row["country"], row["state"]) for row in country_reports] == [("QZ", "validated")]
    assert APIClient().get("/api/v1/country-reports/", {"state": "reopened"}).json()["count"] == 0
    history = APIClient().get(f"{PROGRESS}{report.pk}/history/").json()
    assert max(entry["version"] for entry in history) == 3  # the correction is not public yet


def test_a_report_never_validated_has_no_published_version(world):
    report = record(world, "in_unit", "in_progress")
    client = APIClient()
    client.force_authenticate(world["observer"])
    assert client.get(f"{PROGRESS}{report.pk}/").json()["published"] is None
    assert APIClient().get(f"{PROGRESS}{report.pk}/").status_code == 404


def test_exports_default_to_the_published_version_and_say_so(corrected):
    world = corrected
    for user in (AnonymousUser(), world["secretariat"]):
        rows = exports.details_json(exports.progress_tables(user=user, params={"plan": "test-plan"}))
        qz = {row["activity_code"]: (row["status"], row["narrative"], row["state"]) for row in rows
              if row["country"] == "QZ"}
        assert qz == {"2.1": ("In progress", "Patrols", "Validated"), "2.2": ("Not started", "", "Validated")}, user
    working = exports.details_json(exports.progress_tables(user=world["secretariat"],
                                                           params={"plan": "test-plan", "version": "working"}))
    assert {row["activity_code"]: row["status"] for row in working if row["country"] == "QZ"}["2.1"] == "Completed"
    urls = [url for row in exports.details_json(exports.progress_tables(user=AnonymousUser(),
                                                                        params={"plan": "test-plan"}))
            for url in row["evidence"]]
    assert urls == ["https://example.org/log"]


def test_visitors_cannot_export_working_copies(corrected):
    response = APIClient().get("/api/v1/exports/progress.json", {"plan": "test-plan", "version": "working"})
    assert response.status_code == 400 and "version" in response.json()
    response = APIClient().get("/api/v1/exports/progress.json", {"plan": "test-plan", "version": "draft"})
    assert response.status_code == 400 and "version" in response.json()


def test_the_country_report_page_marks_what_changed_since_validation(corrected, client):
    world = corrected
    client.force_login(world["focal_kz"])
    response = client.get(reverse("reporting:country_report", args=[world["round"].pk, "QZ"]))
    marked = {activity.code: [(d.field, str(d.published)) for d in activity.report.since_validation]
              for activity in response.context["page"].activities if activity.report}
    assert marked == {"2.1": [("status", "In progress"), ("narrative", "Patrols")], "2.2": []}
    assert "changed since validation" in response.content.decode()
    detail = client.get(reverse("reporting:progress_detail", args=[world["round"].pk, "QZ", world["in_unit"].pk]))
    assert "Published version" in detail.content.decode()


def test_the_validation_queue_lists_each_difference(corrected, client):
    world = corrected
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    client.force_login(world["secretariat"])
    response = client.get("/validation/")
    [queued] = response.context["reports"]
    assert [(item.report.activity.code, [(d.label, str(d.published), str(d.working)) for d in item.differences])
            for item in queued.changed_since_validation] == [
        ("2.1", [("Status", "In progress", "Completed"), ("What was done", "Patrols", "Patrols and a census")])]
    assert "Patrols and a census" in response.content.decode()


def test_a_report_added_during_the_correction_is_new_to_the_queue(validated):
    world = validated
    services.progress_report_record(
        round=world["round"], activity=world["everywhere"], country=world["ir"], user=world["focal_ir"],
        values=ProgressInput(status="ongoing"))  # another country, never validated: nothing to compare
    [changed] = versions.queue_differences(list(CountryReport.objects.filter(country=world["kz"]))).values()
    assert changed == []
    assert versions.queue_differences(list(CountryReport.objects.filter(country=world["ir"]))) == {}


def test_validating_again_publishes_the_correction(corrected, client):
    world = corrected
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    services.country_report_validate(country_report=country_report, user=world["secretariat"])
    [public] = [r for r in ProgressReport.objects.visible_to(AnonymousUser()) if r.activity_id == world["in_unit"].pk]
    assert (public.status, public.narrative) == ("completed", "Patrols and a census")
    text = client.get(reverse("reporting:national_report", args=[world["round"].pk, "QZ"])).content.decode()
    assert "Census" in text


def test_public_pages_keep_their_query_counts(corrected, client, django_assert_num_queries):
    world = corrected
    url = reverse("reporting:plan_dashboard", args=["test-plan"])
    client.get(url)
    # session-less visitor: plan; rounds, range states, country report states, pair counts, units, trend;
    # money: budgets, their countries, the funds
    with django_assert_num_queries(10):
        client.get(url)
    print_url = reverse("reporting:national_report", args=[world["round"].pk, "QZ"])
    with django_assert_num_queries(10):  # as in test_national_report_queries_do_not_grow: one for the outline
        client.get(print_url)
