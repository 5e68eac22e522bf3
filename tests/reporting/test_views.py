"""The reporting pages: what each role can do in the browser, and what they see when they cannot."""
import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reporting import services
from reporting.models import CountryReport, Evidence, ProgressReport, ReportingRound
from reporting.services import ProgressInput
from tests.factories import ActivityFactory

ROLES = ["anonymous", "observer", "contributor_kz", "focal_ir", "focal_kz", "secretariat"]


def as_user(client, world, role):
    if role != "anonymous":
        client.force_login(world[role])
    return client


def kz_report(world, status="in_progress", user="focal_kz"):
    return services.progress_report_record(round=world["round"], activity=world["everywhere"], country=world["kz"],
                                           user=world[user], values=ProgressInput(status=status))


def country_url(world, code="QZ"):
    return reverse("reporting:country_report", args=[world["round"].pk, code])


def detail_url(world, activity="everywhere", code="QZ"):
    return reverse("reporting:progress_detail", args=[world["round"].pk, code, world[activity].pk])


def refused(response):
    """Refused: sent to sign in (anonymous) or answered 403 with the reason."""
    return response.status_code in (302, 403) and (
        response.status_code == 403 or "/accounts/login/" in response["Location"])


# --- Recording a status --------------------------------------------------------------------------

ALLOWED_TO_REPORT_KZ_EVERYWHERE = {"focal_kz", "secretariat"}


@pytest.mark.parametrize("role", ROLES)
def test_inline_status_save_by_role(client, world, role):
    activity = world["everywhere"]
    response = as_user(client, world, role).post(
        country_url(world), {f"status-{activity.pk}": "in_progress", f"version-{activity.pk}": "0",
                             "save": activity.pk})
    saved = ProgressReport.objects.filter(activity=activity).exists()
    if role in ALLOWED_TO_REPORT_KZ_EVERYWHERE:
        assert response.status_code == 302 and saved
    else:
        assert refused(response) and not saved


@pytest.mark.parametrize("role", ROLES)
def test_activity_form_save_by_role(client, world, role):
    response = as_user(client, world, role).post(
        detail_url(world), {"status": "completed", "narrative": "Done", "version": "0"})
    saved = ProgressReport.objects.filter(status="completed").exists()
    if role in ALLOWED_TO_REPORT_KZ_EVERYWHERE:
        assert response.status_code == 302 and saved
    else:
        assert not saved and (refused(response) or response.status_code == 403)


def test_focal_point_cannot_update_another_country_and_is_told_why(client, world):
    activity = world["everywhere"]
    client.force_login(world["focal_ir"])
    response = client.post(country_url(world), {f"status-{activity.pk}": "completed", "save": activity.pk})
    assert response.status_code == 403
    assert "You do not report for Testland QZ." in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_contributor_saves_the_handed_unit_but_not_the_rest(client, world):
    client.force_login(world["contributor_kz"])
    handed, other = world["in_unit"], world["everywhere"]
    response = client.post(country_url(world), {f"status-{handed.pk}": "ongoing", f"status-{other.pk}": "ongoing",
                                                "save_all": "1"})
    assert response.status_code == 200  # one row saved, one refused: the page shows both
    html = response.content.decode()
    assert "was not handed to you" in html
    assert list(ProgressReport.objects.values_list("activity", flat=True)) == [handed.pk]


def test_several_rows_save_at_once(client, world):
    client.force_login(world["focal_kz"])
    data = {f"status-{world['in_unit'].pk}": "completed", f"status-{world['everywhere'].pk}": "not_started",
            "save_all": "1"}
    assert client.post(country_url(world), data).status_code == 302
    assert dict(ProgressReport.objects.values_list("activity", "status")) == {
        world["in_unit"].pk: "completed", world["everywhere"].pk: "not_started"}


def test_a_refused_row_keeps_what_the_user_chose(client, world):
    kz_report(world)
    client.force_login(world["focal_kz"])
    activity = world["everywhere"]
    # The focal point's page was opened at version 0, but the report is at version 1: a stale row.
    response = client.post(country_url(world), {f"status-{activity.pk}": "completed", f"version-{activity.pk}": "0",
                                                "save": activity.pk})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Someone else saved this report" in html
    assert '<option value="completed" selected>' in html
    assert ProgressReport.objects.get().status == "in_progress"


def test_stale_activity_form_shows_both_versions(client, world):
    kz_report(world)
    services.progress_report_record(round=world["round"], activity=world["everywhere"], country=world["kz"],
                                    user=world["secretariat"],
                                    values=ProgressInput(status="completed", narrative="Secretariat text"))
    client.force_login(world["focal_kz"])
    response = client.post(detail_url(world), {"status": "ongoing", "narrative": "My text", "version": "1"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Secretariat text" in html and "My text" in html
    assert ProgressReport.objects.get().narrative == "Secretariat text"


def test_bad_expected_year_is_named_on_the_form(client, world):
    client.force_login(world["focal_kz"])
    response = client.post(detail_url(world), {"status": "completed", "expected_year": "1850", "version": "0"})
    assert response.status_code == 400
    assert "greater than or equal to 2000" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_confirm_no_change_since_the_last_round(client, world):
    kz_report(world)
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    new_round = services.round_open(plan=world["plan"], title="Next", opens_on=datetime.date(2027, 1, 1),
                                    due_on=datetime.date(2027, 6, 1), opened_by=world["secretariat"])
    activity = world["everywhere"]
    client.force_login(world["focal_kz"])
    page = client.get(reverse("reporting:country_report", args=[new_round.pk, "QZ"])).content.decode()
    assert "carried over" in page
    response = client.post(reverse("reporting:country_report", args=[new_round.pk, "QZ"]),
                           {f"version-{activity.pk}": "1", "confirm": activity.pk})
    assert response.status_code == 302
    report = ProgressReport.objects.get(country_report__round=new_round)
    assert (report.carried_over, report.status) == (False, "in_progress")


@pytest.mark.parametrize("button", ["save", "save_all"])
def test_any_save_button_saves_every_changed_row(client, world, button):
    # One row's Save used to save that row and drop the other rows' changes without a word.
    in_unit, everywhere = world["in_unit"], world["everywhere"]
    client.force_login(world["focal_kz"])
    response = client.post(country_url(world), {
        f"status-{in_unit.pk}": "completed", f"version-{in_unit.pk}": "0",
        f"status-{everywhere.pk}": "in_progress", f"version-{everywhere.pk}": "0",
        button: everywhere.pk if button == "save" else "1"}, follow=True)
    assert "Saved 2 changes." in response.content.decode()
    assert dict(ProgressReport.objects.values_list("activity", "status")) == {
        in_unit.pk: "completed", everywhere.pk: "in_progress"}


def test_no_change_since_the_last_round_saves_the_other_changed_rows_too(client, world):
    kz_report(world)
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    new_round = services.round_open(plan=world["plan"], title="Next", opens_on=datetime.date(2027, 1, 1),
                                    due_on=datetime.date(2027, 6, 1), opened_by=world["secretariat"])
    carried, other = world["everywhere"], world["in_unit"]
    client.force_login(world["focal_kz"])
    response = client.post(reverse("reporting:country_report", args=[new_round.pk, "QZ"]), {
        f"version-{carried.pk}": "1", f"status-{carried.pk}": "in_progress",
        f"version-{other.pk}": "0", f"status-{other.pk}": "not_started", "confirm": carried.pk}, follow=True)
    assert "Saved 2 changes." in response.content.decode()
    reports = {report.activity_id: report for report in ProgressReport.objects.filter(country_report__round=new_round)}
    assert (reports[carried.pk].carried_over, reports[carried.pk].status) == (False, "in_progress")
    assert reports[other.pk].status == "not_started"


def test_each_rows_controls_are_named_for_its_activity(client, world):
    client.force_login(world["focal_kz"])
    html = client.get(country_url(world)).content.decode()
    activity = world["everywhere"]
    name = f"{activity.get_kind_display()} {activity.code}"
    assert f'<label class="visually-hidden" for="status-{activity.pk}">Status of {name}</label>' in html
    assert f'>Save<span class="visually-hidden"> {name}</span></button>' in html


@pytest.mark.parametrize("language, labels", [
    ("en", ["Not started", "In progress", "Completed", "Ongoing (recurring)", "Not applicable for this country"]),
    ("ru", ["Не начато", "Выполняется", "Завершено", "Осуществляется постоянно", "Неприменимо к этой стране"]),
])
def test_each_row_offers_every_status_in_the_page_language_with_its_own_selected(client, world, language, labels):
    kz_report(world, status="in_progress")
    client.force_login(world["focal_kz"])
    client.cookies["django_language"] = language
    html = client.get(country_url(world), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    values = ["not_started", "in_progress", "completed", "ongoing", "not_applicable"]
    reported = "".join(f'<option value="{value}"{" selected" if value == "in_progress" else ""}>{label}</option>'
                       for value, label in zip(values, labels))
    unreported = "".join(f'<option value="{value}">{label}</option>' for value, label in zip(values, labels))
    select = '<select id="status-{pk}" name="status-{pk}">\n            {blank}\n            {options}\n          </select>'
    assert select.format(pk=world["everywhere"].pk, blank="", options=reported) in html
    blank = f'<option value="">{"Нет информации" if language == "ru" else "No information"}</option>'
    assert select.format(pk=world["in_unit"].pk, blank=blank, options=unreported) in html


# --- Evidence ------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_evidence_add_by_role(client, world, role, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    kz_report(world)
    url = reverse("reporting:evidence_add", args=[world["round"].pk, "QZ", world["everywhere"].pk])
    response = as_user(client, world, role).post(url, {"title": "Article", "url": "https://example.org/a",
                                                       "visibility": "public"})
    added = Evidence.objects.exists()
    if role in ALLOWED_TO_REPORT_KZ_EVERYWHERE:
        assert response.status_code == 302 and added
    else:
        assert refused(response) and not added


@pytest.mark.parametrize("role", ROLES)
def test_evidence_remove_by_role(client, world, role):
    report = kz_report(world)
    evidence = services.evidence_add(report=report, user=world["focal_kz"], title="Article", visibility="public",
                                     url="https://example.org/a")
    response = as_user(client, world, role).post(reverse("reporting:evidence_remove", args=[evidence.pk]))
    evidence.refresh_from_db()
    if role in ALLOWED_TO_REPORT_KZ_EVERYWHERE:
        assert response.status_code == 302 and evidence.removed_at is not None
    else:
        assert refused(response) and evidence.removed_at is None


def test_bad_upload_is_explained_and_nothing_is_stored(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    kz_report(world)
    client.force_login(world["focal_kz"])
    url = reverse("reporting:evidence_add", args=[world["round"].pk, "QZ", world["everywhere"].pk])
    response = client.post(url, {"title": "Photo", "visibility": "public",
                                 "file": SimpleUploadedFile("photo.jpg", b"%PDF- not a photo")}, follow=True)
    assert "does not contain what its name says" in response.content.decode()
    assert not Evidence.objects.exists() and not list(tmp_path.rglob("*.*"))


def test_restricted_file_is_404_outside_the_country(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = kz_report(world)
    evidence = services.evidence_add(report=report, user=world["focal_kz"], title="Den site", visibility="restricted",
                                     file=SimpleUploadedFile("den.pdf", b"%PDF-1.4 den"))
    url = reverse("reporting:evidence_download", args=[evidence.pk])
    for role, status in [("focal_kz", 200), ("secretariat", 200), ("focal_ir", 404), ("observer", 404),
                         ("anonymous", 404)]:
        client.logout()
        response = as_user(client, world, role).get(url)
        assert response.status_code == status, role
        if status == 200:
            assert b"".join(response.streaming_content) == b"%PDF-1.4 den"
    client.logout()
    client.force_login(world["observer"])
    html = client.get(detail_url(world)).content.decode()
    assert "Den site" not in html and "Restricted evidence" in html
    client.force_login(world["focal_kz"])
    assert "Den site" in client.get(detail_url(world)).content.decode()


# --- Workflow ------------------------------------------------------------------------------------

def _post_workflow(client, world, name, **data):
    return client.post(reverse(f"reporting:{name}", args=[world["round"].pk, "QZ"]), data)


@pytest.mark.parametrize("role", ROLES)
def test_submit_by_role(client, world, role):
    kz_report(world)
    response = _post_workflow(as_user(client, world, role), world, "submit")
    state = CountryReport.objects.get().state
    if role in ALLOWED_TO_REPORT_KZ_EVERYWHERE:
        assert response.status_code == 302 and state == "submitted"
    else:
        assert refused(response) and state == "draft"


@pytest.mark.parametrize("role", ROLES)
def test_withdraw_by_role(client, world, role):
    kz_report(world)
    services.country_report_submit(country_report=CountryReport.objects.get(), user=world["focal_kz"])
    response = _post_workflow(as_user(client, world, role), world, "withdraw")
    state = CountryReport.objects.get().state
    if role in ALLOWED_TO_REPORT_KZ_EVERYWHERE:
        assert state == "draft"
    else:
        assert refused(response) and state == "submitted"


@pytest.mark.parametrize(("role", "action", "expected"), [
    (role, action, expected)
    for action, expected in [("validate", "validated"), ("return", "returned")]
    for role in ROLES
])
def test_validate_and_return_by_role(client, world, role, action, expected):
    kz_report(world)
    services.country_report_submit(country_report=CountryReport.objects.get(), user=world["focal_kz"])
    response = _post_workflow(as_user(client, world, role), world, action, comment="Add the survey report")
    state = CountryReport.objects.get().state
    if role == "secretariat":
        assert response.status_code == 302 and state == expected
    else:
        assert refused(response) and state == "submitted"


def test_submit_page_lists_what_is_unreported(client, world):
    kz_report(world)
    client.force_login(world["focal_kz"])
    html = client.get(reverse("reporting:submit", args=[world["round"].pk, "QZ"])).content.decode()
    assert "1 activity is still unreported" in html and "2.1" in html


def test_validation_queue_is_the_secretariats(client, world):
    kz_report(world)
    services.country_report_submit(country_report=CountryReport.objects.get(), user=world["focal_kz"])
    client.force_login(world["focal_kz"])
    assert client.get(reverse("reporting:validation_queue")).status_code == 403
    client.force_login(world["secretariat"])
    assert "Testland QZ" in client.get(reverse("reporting:validation_queue")).content.decode()


def test_validation_queue_shows_when_each_report_was_submitted_and_how_much_is_reported(client, world):
    kz_report(world)
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    submitted = country_report.events.get(action="submitted").at
    client.force_login(world["secretariat"])
    response = client.get(reverse("reporting:validation_queue"))
    [report] = response.context["reports"]
    reported = ProgressReport.objects.filter(country_report=country_report).count()
    assert (report.submitted_at, report.reported, report.activity_total) == (submitted, reported, 2)
    page = response.content.decode()
    assert f"{reported} of 2 activities" in page
    assert timezone.localtime(submitted).strftime("%Y-%m-%d %H:%M") in page
    # Validating asks for a confirmation; the return comment is a multi-line box.
    assert "Confirm validation" in page and '<textarea id="comment-' in page


# --- Who may edit now: the page shows what a save would accept -----------------------------------

def _submitted(world):
    kz_report(world)
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    return country_report


def _edit_controls(html):
    return [control for control in ('name="status-', 'name="save"', 'name="save_all"', 'name="confirm"',
                                    "Download the workbook") if control in html]


@pytest.mark.parametrize("role", ["focal_kz", "contributor_kz"])
def test_a_submitted_report_shows_the_country_its_activities_without_edit_controls(client, world, role):
    _submitted(world)
    response = as_user(client, world, role).get(country_url(world))
    html = response.content.decode()
    assert response.status_code == 200
    # The activities are listed, with what was reported ...
    assert f'id="row-{world["everywhere"].pk}"' in html and "Train protected area staff" in html
    assert "Collaborate across borders" in html and 'class="status status-in_progress"' in html
    # ... with why they cannot be changed, and no form that would answer 403.
    assert "The report of Testland QZ is submitted and waits for the Secretariat: withdraw it to edit." in html
    assert _edit_controls(html) == []
    assert response.context["page"].editable_ids == set()


def test_a_submitted_report_keeps_the_way_back_to_editing_for_the_focal_point(client, world):
    _submitted(world)
    html = as_user(client, world, "focal_kz").get(country_url(world)).content.decode()
    assert ">Withdraw</button>" in html and "Submit the report" not in html
    _post_workflow(client, world, "withdraw")
    assert _edit_controls(client.get(country_url(world)).content.decode()) != []


def test_a_submitted_activity_page_shows_no_form_and_says_why(client, world):
    _submitted(world)
    html = as_user(client, world, "focal_kz").get(detail_url(world)).content.decode()
    assert "Train protected area staff" in html and "withdraw it to edit" in html
    assert "Save report" not in html and 'name="narrative"' not in html
    assert "Add evidence" not in html


def test_the_secretariat_may_correct_a_submitted_report(client, world):
    _submitted(world)
    html = as_user(client, world, "secretariat").get(country_url(world)).content.decode()
    assert 'name="save"' in html and "withdraw it to edit" not in html


def test_an_observer_is_not_told_to_withdraw(client, world):
    _submitted(world)
    html = as_user(client, world, "observer").get(country_url(world)).content.decode()
    assert "Train protected area staff" in html and "withdraw it to edit" not in html
    assert _edit_controls(html) == []


def test_a_validated_report_corrected_by_the_country_is_reopened_until_submitted_again(client, world):
    country_report = _submitted(world)
    services.country_report_validate(country_report=country_report, user=world["secretariat"])
    activity = world["everywhere"]
    as_user(client, world, "focal_kz")
    response = client.post(country_url(world), {f"status-{activity.pk}": "completed", f"version-{activity.pk}": "1",
                                                "save": activity.pk})
    assert response.status_code == 302
    country_report.refresh_from_db()
    assert country_report.state == "reopened"
    # Still the country's to correct, and not the Secretariat's to validate yet.
    html = client.get(country_url(world)).content.decode()
    assert "Reopened for corrections" in html and 'name="save"' in html and "Submit the report" in html
    unit = world["in_unit"]
    response = client.post(country_url(world), {f"status-{unit.pk}": "ongoing", f"version-{unit.pk}": "0",
                                                "save": unit.pk})
    assert response.status_code == 302 and ProgressReport.objects.count() == 2
    client.force_login(world["secretariat"])
    assert "Testland QZ" not in client.get(reverse("reporting:validation_queue")).content.decode()
    assert "wait for validation" not in client.get(reverse("reporting:home")).content.decode()
    client.force_login(world["focal_kz"])
    assert "Submit to the Secretariat" in client.get(reverse("reporting:submit", args=[world["round"].pk, "QZ"])
                                                     ).content.decode()
    assert _post_workflow(client, world, "submit").status_code == 302
    country_report.refresh_from_db()
    assert country_report.state == "submitted"
    client.force_login(world["secretariat"])
    assert "Testland QZ" in client.get(reverse("reporting:validation_queue")).content.decode()


def test_a_validated_report_corrected_by_the_secretariat_waits_for_validation(client, world):
    country_report = _submitted(world)
    services.country_report_validate(country_report=country_report, user=world["secretariat"])
    activity = world["everywhere"]
    response = as_user(client, world, "secretariat").post(
        country_url(world), {f"status-{activity.pk}": "completed", f"version-{activity.pk}": "1", "save": activity.pk})
    assert response.status_code == 302
    country_report.refresh_from_db()
    assert country_report.state == "submitted"
    assert "Testland QZ" in client.get(reverse("reporting:validation_queue")).content.decode()


# --- Rounds --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_round_close_and_open_by_role(client, world, role):
    as_user(client, world, role)
    response = client.post(reverse("reporting:round_close", args=[world["round"].pk]))
    closed = ReportingRound.objects.get().status == "closed"
    response_open = client.post(reverse("reporting:round_create"), {
        "plan": world["plan"].pk, "title": "Next", "opens_on": "2027-01-01", "due_on": "2027-06-01"})
    opened = ReportingRound.objects.filter(title="Next").exists()
    if role == "secretariat":
        assert closed and opened
    else:
        assert refused(response) and refused(response_open) and not closed and not opened


def test_closed_round_shows_no_edit_controls(client, world):
    kz_report(world)
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    client.force_login(world["focal_kz"])
    response = client.get(country_url(world))
    html = response.content.decode()
    # The report is there, read-only: the round says it is closed, both activities are listed with their
    # text, and the recorded status reads as text.
    assert response.status_code == 200
    assert "<h1>Testland QZ: 2026 report</h1>" in html
    assert "Round: Closed" in html
    assert "2 activities shown" in html
    for code, text in (("2.1", "Collaborate across borders"), ("2.2", "Train protected area staff")):
        assert f"Measure {code}</a>" in html and text in html
    assert '<span class="status status-in_progress">In progress</span>' in html
    # ... and nothing to change it with.
    assert 'name="save"' not in html and 'name="save_all"' not in html and "<select id=\"status-" not in html
    assert "Upload a filled workbook" not in html and "Submit the report" not in html


# --- What people see ----------------------------------------------------------------------------

def test_anonymous_sees_only_validated_progress(client, world):
    kz_report(world)
    shown = 'class="status status-in_progress"'
    assert shown not in client.get(country_url(world)).content.decode()
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    services.country_report_validate(country_report=country_report, user=world["secretariat"])
    assert shown in client.get(country_url(world)).content.decode()


def test_home_shows_how_much_is_reported(client, world):
    kz_report(world)
    client.force_login(world["focal_kz"])
    html = client.get(reverse("reporting:home")).content.decode()
    assert "1 of 2" in html and "2026 report" in html


def test_history_is_shown_in_words(client, world):
    kz_report(world)
    services.progress_report_record(round=world["round"], activity=world["everywhere"], country=world["kz"],
                                    user=world["focal_kz"], values=ProgressInput(status="completed"),
                                    expected_version=1)
    client.force_login(world["observer"])
    html = client.get(detail_url(world)).content.decode()
    assert "In progress" in html and "Completed" in html and "focal-kz-t" in html


def test_country_report_query_count_does_not_grow(client, world, django_assert_num_queries):
    kz_report(world)
    client.force_login(world["focal_kz"])
    # session, user; round, country, range state; country report; units; activities, their outline elements
    # and their reports (no countries nor footnotes: the rows show neither); the user's drafting scope
    # (assignments, handed activities, editable ids); activity and reported counts; may-submit check;
    # the Secretariat's comments on single activities at the last return; the commitment filter's items;
    # the plan's outline for the section, objective and result selects (one query for the three)
    with django_assert_num_queries(19) as first:
        client.get(country_url(world))
    for n in range(20):
        activity = ActivityFactory(plan=world["plan"], result=None, section=world["everywhere"].section,
                                   priority="2", priority_scale="rank", priority_level="medium",
                                   countries=[world["kz"]])
        services.progress_report_record(round=world["round"], activity=activity, country=world["kz"],
                                        user=world["focal_kz"], values=ProgressInput(status="ongoing"))
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(country_url(world))
    assert len(response.context["page"].activities) == 22


def test_progress_list_query_count_does_not_grow(client, world, django_assert_num_queries):
    kz_report(world)
    client.force_login(world["observer"])
    url = reverse("reporting:progress_list")
    # session, user; count; the filter form's plans, countries, rounds and commitment items; page of reports,
    # their visible evidence
    with django_assert_num_queries(9) as first:
        client.get(url)
    for n in range(20):
        activity = ActivityFactory(plan=world["plan"], result=None, section=world["everywhere"].section,
                                   priority="2", priority_scale="rank", countries=[world["kz"]])
        services.progress_report_record(round=world["round"], activity=activity, country=world["kz"],
                                        user=world["focal_kz"], values=ProgressInput(status="ongoing"))
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert response.context["paginator"].count == 21


def test_focal_point_hands_a_unit_to_a_colleague_who_can_then_draft_it(client, world, django_user_model):
    colleague = django_user_model.objects.create_user("colleague-t", password="pw")
    client.force_login(world["focal_kz"])
    response = client.post(reverse("reporting:account"), {
        "hand_over": "QZ", "QZ-colleague": "colleague-t", "QZ-plan": world["plan"].pk,
        "QZ-conservation_unit": world["unit"].pk, "QZ-activity_codes": ""})
    assert response.status_code == 302
    client.force_login(colleague)
    activity = world["in_unit"]
    client.post(country_url(world), {f"status-{activity.pk}": "ongoing", "save": activity.pk})
    assert ProgressReport.objects.get().updated_by == colleague


def test_hand_over_names_what_is_wrong(client, world):
    client.force_login(world["focal_kz"])
    response = client.post(reverse("reporting:account"), {
        "hand_over": "QZ", "QZ-colleague": "nobody", "QZ-plan": world["plan"].pk, "QZ-activity_codes": "9.9"})
    assert response.status_code == 400
    assert "No account “nobody”" in response.content.decode()


def test_only_the_focal_point_hands_over(client, world):
    from reporting.services import drafting_hand_over
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        drafting_hand_over(granted_by=world["focal_ir"], colleague=world["observer"], country=world["kz"],
                           plan=world["plan"])


def test_unit_filter_offers_every_unit_by_default(client, world):
    client.force_login(world["focal_kz"])
    html = client.get(country_url(world)).content.decode()
    assert '<option value="" selected>All units</option>' in html


def test_status_filter_does_not_reveal_a_drafts_statuses_to_anonymous_visitors(client, world):
    kz_report(world)  # a draft: anonymous visitors see "No information"
    html = client.get(country_url(world), {"status": "in_progress"}).content.decode()
    assert "0 activities shown" in html


@pytest.mark.parametrize("how", ["create", "reopen"])
def test_round_constraint_hit_by_a_simultaneous_request_is_a_message(client, world, monkeypatch, how):
    """The page says why, as for a request made alone, instead of a server error (hardening fault 3)."""
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    ReportingRound.objects.create(plan=world["plan"], edition=world["plan"].current_edition,
                                  title="2027 report", opens_on=datetime.date(2027, 1, 1),
                                  due_on=datetime.date(2027, 6, 30))
    monkeypatch.setattr(services.rounds, "_plan_has_open_round", lambda plan, message: None)
    monkeypatch.setattr(ReportingRound, "validate_constraints", lambda self, exclude=None: None)
    client.force_login(world["secretariat"])
    if how == "create":
        response = client.post(reverse("reporting:round_create"), {
            "plan": world["plan"].pk, "title": "2028", "opens_on": "2028-01-01", "due_on": "2028-06-01"}, follow=True)
    else:
        response = client.post(reverse("reporting:round_reopen", args=[world["round"].pk]), follow=True)
    assert response.status_code == 200
    assert "already has an open round" in response.content.decode()
    assert ReportingRound.objects.open().count() == 1


def test_account_lists_the_users_countries_by_name(client, world):
    from reporting.models import Assignment
    from tests.factories import CountryFactory

    Assignment.objects.create(user=world["focal_kz"], country=CountryFactory(name="Aaland"))
    client.force_login(world["focal_kz"])
    html = client.get(reverse("reporting:account")).content.decode()
    assert html.index("Aaland") < html.index("Testland QZ")


def test_a_round_due_before_it_opens_is_refused_with_a_sentence(client, world):
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    client.force_login(world["secretariat"])
    response = client.post(reverse("reporting:round_create"), {
        "plan": world["plan"].pk, "title": "Backwards", "opens_on": "2027-06-01", "due_on": "2027-01-01"}, follow=True)
    html = response.content.decode()
    assert "The due date comes before the opening date." in html
    assert "is violated" not in html
    assert not ReportingRound.objects.filter(title="Backwards").exists()


# --- Working through a filtered report: the filter kept, previous / next -------------------------

def _unit_measures(world, count=2):
    """More measures of unit 1 after 2.1 (positions follow the factory's sequence: after the world's)."""
    return [ActivityFactory(plan=world["plan"], result=None, section=world["everywhere"].section, kind="measure",
                            code=f"2.{n}", conservation_unit=world["unit"], priority="1", priority_scale="rank",
                            priority_level="high", countries=[world["kz"]]) for n in range(3, 3 + count)]


def test_the_report_filter_is_kept_on_the_activity_page_and_back(client, world):
    unit_measures = _unit_measures(world)
    client.force_login(world["focal_kz"])
    html = client.get(country_url(world) + "?conservation_unit=1&search=").content.decode()
    first = world["in_unit"]
    assert f'href="{detail_url(world, "in_unit")}?conservation_unit=1"' in html  # empty filters are dropped

    page = client.get(detail_url(world, "in_unit") + "?conservation_unit=1").content.decode()
    assert f'href="{country_url(world)}?conservation_unit=1">Testland QZ: 2026 report</a>' in page
    second = unit_measures[0]
    assert f'href="{reverse("reporting:progress_detail", args=[world["round"].pk, "QZ", second.pk])}?conservation_unit=1"' in page
    assert "Next: Measure 2.3" in page and "Previous:" not in page and "1 of 3 (filtered)" in page

    # Saving keeps the filter: the page after saving still leads to the next measure of the unit.
    response = client.post(detail_url(world, "in_unit") + "?conservation_unit=1",
                           {"status": "completed", "narrative": "", "obstacles": "", "version": "0"})
    assert response.status_code == 302 and response["Location"] == detail_url(world, "in_unit") + "?conservation_unit=1"
    assert ProgressReport.objects.get(activity=first).status == "completed"


def test_previous_and_next_follow_the_filtered_list(client, world):
    last = _unit_measures(world)[-1]
    client.force_login(world["focal_kz"])
    url = reverse("reporting:progress_detail", args=[world["round"].pk, "QZ", last.pk])
    page = client.get(url + "?conservation_unit=1").content.decode()
    assert "Previous: Measure 2.3" in page and "Next:" not in page and "3 of 3 (filtered)" in page
    # Unfiltered, 2.2 (not in the unit) is in the list too, and the last measure is 4 of 4.
    page = client.get(url).content.decode()
    assert "4 of 4" in page and "(filtered)" not in page


def test_activity_page_query_count_does_not_grow_with_the_report(client, world, django_assert_num_queries):
    kz_report(world)
    client.force_login(world["focal_kz"])
    # The page as before, and two for previous / next: the country's units (the filter's choices) and the
    # filtered list's ids, kinds and codes; the activity's outline elements are read apart (with_outline).
    with django_assert_num_queries(21) as first:
        client.get(detail_url(world) + "?conservation_unit=1")
    _unit_measures(world, count=20)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(detail_url(world) + "?conservation_unit=1")
    assert response.context["neighbours"].count == 21


def test_group_headings_name_the_conservation_unit_first(client, world):
    client.force_login(world["focal_kz"])
    html = client.get(country_url(world)).content.decode()
    headings = re.findall(r'<th colspan="4" scope="rowgroup">(.*?)</th>', html)
    # 2.1 is the unit's; 2.2, in the same section, is not: a heading of its own.
    assert headings == ["Conservation unit 1 — Western Tien Shan (Section 2.0)", "Section 2.0 — Unit one"]


def test_previous_and_next_stay_in_the_rounds_edition(client, world):
    from actionplans.models import PlanEdition

    # A later edition of the plan has its own measure 2.3 in unit 1: the round reports on edition 1 only.
    adopted = PlanEdition.objects.create(plan=world["plan"], number=2, title="Adopted", slug="adopted")
    ActivityFactory(plan=world["plan"], edition=adopted, result=None, section=world["everywhere"].section,
                    kind="measure", code="2.3", conservation_unit=world["unit"], priority="1", priority_scale="rank",
                    priority_level="high", countries=[world["kz"]])
    client.force_login(world["focal_kz"])
    page = client.get(detail_url(world, "in_unit") + "?conservation_unit=1").content.decode()
    assert "1 of 1 (filtered)" in page and "Next:" not in page


def test_a_comment_on_an_activity_shows_on_its_row_until_the_country_changes_it(client, world):
    kz_report(world)
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    url = reverse("reporting:country_report", args=[world["round"].pk, "QZ"])
    client.force_login(world["secretariat"])
    assert f'name="comment-{world["everywhere"].pk}" form="return-form"' in client.get(url).content.decode()
    response = client.post(reverse("reporting:return", args=[world["round"].pk, "QZ"]), {
        "comment": "Two rows need more", f"comment-{world['everywhere'].pk}": "How many staff were trained?"})
    assert response.status_code == 302
    client.force_login(world["focal_kz"])
    page = client.get(url).content.decode()
    assert "Secretariat’s comment:</strong> How many staff were trained?" in page
    assert page.count("Secretariat’s comment:") == 1
    services.progress_report_record(round=world["round"], activity=world["everywhere"], country=world["kz"],
                                    user=world["focal_kz"], values=ProgressInput(status="completed",
                                                                                 narrative="12 rangers"))
    assert "How many staff were trained?" not in client.get(url).content.decode()


def test_progress_list_shows_each_activitys_text_beside_its_code(client, world):
    kz_report(world)
    client.force_login(world["observer"])
    page = client.get(reverse("reporting:progress_list")).content.decode()
    assert "Test plan — Measure 2.2</a>" in page
    assert '<span class="activity-text">Train protected area staff</span>' in page
