"""The reporting API (/api/v1/rounds/, /progress/, /country-reports/, /auth/token/): who may write
what, the version rules of a change, what each user reads, and constant list queries."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from reporting import services
from reporting.models import CountryReport, Evidence, ProgressChange, ProgressReport, ReportEvent, ReportingRound
from reporting.services import ProgressInput
from tests.factories import ActionPlanFactory, ActivityFactory

PROGRESS = "/api/v1/progress/"
ROUNDS = "/api/v1/rounds/"
COUNTRY_REPORTS = "/api/v1/country-reports/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def as_role(world, role) -> APIClient:
    return api(None if role == "anonymous" else world[role])


def record(world, user, *, activity, country, status="in_progress", version=None, **values) -> ProgressReport:
    return services.progress_report_record(
        round=world["round"], activity=activity, country=country, user=user,
        values=ProgressInput(status=status, **values), expected_version=version,
    )


def link(report, user, title, visibility="public") -> Evidence:
    return services.evidence_add(report=report, user=user, title=title, visibility=visibility,
                                 url=f"https://example.org/{title.lower().replace(' ', '-')}")


def snapshot():
    """Everything a write could change, to show that a refused one changed nothing."""
    return (
        list(ProgressReport.objects.order_by("pk").values_list("pk", "status", "narrative", "version", "carried_over")),
        list(Evidence.objects.order_by("pk").values_list("pk", "removed_at")),
        list(CountryReport.objects.order_by("pk").values_list("pk", "state", "return_comment")),
        list(ReportingRound.objects.order_by("pk").values_list("pk", "status")),
        ProgressChange.objects.count(),
        ReportEvent.objects.count(),
    )


@pytest.fixture
def reports(world):
    """Testland QZ reports on the unit's activity (handed to the contributor), Testland QR on the shared one,
    each with a public link; `fresh` applies to both countries and nobody has reported on it yet."""
    kz = record(world, world["focal_kz"], activity=world["in_unit"], country=world["kz"], narrative="Patrols")
    ir = record(world, world["focal_ir"], activity=world["everywhere"], country=world["ir"], narrative="Training")
    return {
        "QZ": {"report": kz, "evidence": link(kz, world["focal_kz"], "Patrol log"),
               "country_report": kz.country_report},
        "QR": {"report": ir, "evidence": link(ir, world["focal_ir"], "Training photos"),
               "country_report": ir.country_report},
        "fresh": ActivityFactory(plan=world["plan"], code="2.3", countries=[world["kz"], world["ir"]]),
        "round": world["round"],
    }


def submitted(world, reports, country):
    services.country_report_submit(country_report=reports[country]["country_report"], user=world["secretariat"])


def reload(ctx, country):
    """The report as now stored: each write must send the version it read."""
    return ProgressReport.objects.get(pk=ctx[country]["report"].pk)


# --- The permission matrix ----------------------------------------------------------------------

WRITES = {
    "create": lambda client, ctx, country: client.post(PROGRESS, {
        "activity": ctx["fresh"].pk, "country": country, "round": ctx["round"].pk, "status": "in_progress",
        "narrative": "Reported through the API"}, format="json"),
    "patch": lambda client, ctx, country: client.patch(
        f"{PROGRESS}{ctx[country]['report'].pk}/",
        {"status": "completed", "version": reload(ctx, country).version}, format="json"),
    "evidence_add": lambda client, ctx, country: client.post(
        f"{PROGRESS}{ctx[country]['report'].pk}/evidence/",
        {"url": "https://example.org/new", "title": "New article", "visibility": "public"}, format="json"),
    "evidence_remove": lambda client, ctx, country: client.delete(
        f"{PROGRESS}{ctx[country]['report'].pk}/evidence/{ctx[country]['evidence'].pk}/"),
    "submit": lambda client, ctx, country: client.post(
        f"{COUNTRY_REPORTS}{ctx[country]['country_report'].pk}/submit/"),
    "withdraw": lambda client, ctx, country: client.post(
        f"{COUNTRY_REPORTS}{ctx[country]['country_report'].pk}/withdraw/"),
    "validate": lambda client, ctx, country: client.post(
        f"{COUNTRY_REPORTS}{ctx[country]['country_report'].pk}/validate/"),
    "return": lambda client, ctx, country: client.post(
        f"{COUNTRY_REPORTS}{ctx[country]['country_report'].pk}/return/", {"comment": "Add evidence"}, format="json"),
}
# Withdrawing, validating and returning act on a submitted report.
PREPARE = {"withdraw": submitted, "validate": submitted, "return": submitted}

# QZ is the contributor's and focal_kz's own country; QR is focal_ir's.
MATRIX = {
    #                            create patch evid+ evid- submit withdraw validate return
    ("anonymous", "QZ"):         (401,  401,  401,  401,  401,   401,     401,     401),
    ("anonymous", "QR"):         (401,  401,  401,  401,  401,   401,     401,     401),
    ("observer", "QZ"):          (403,  403,  403,  403,  403,   403,     403,     403),
    ("observer", "QR"):          (403,  403,  403,  403,  403,   403,     403,     403),
    # the contributor drafts the unit's activity (the QZ report), not `fresh`, and never submits
    ("contributor_kz", "QZ"):    (403,  200,  201,  204,  403,   403,     403,     403),
    ("contributor_kz", "QR"):    (403,  403,  403,  403,  403,   403,     403,     403),
    ("focal_ir", "QZ"):          (403,  403,  403,  403,  403,   403,     403,     403),
    ("focal_ir", "QR"):          (201,  200,  201,  204,  200,   200,     403,     403),
    ("focal_kz", "QZ"):          (201,  200,  201,  204,  200,   200,     403,     403),
    ("focal_kz", "QR"):          (403,  403,  403,  403,  403,   403,     403,     403),
    ("secretariat", "QZ"):       (201,  200,  201,  204,  200,   200,     200,     200),
    ("secretariat", "QR"):       (201,  200,  201,  204,  200,   200,     200,     200),
}
WRITE_CASES = [
    pytest.param(role, country, write, code, id=f"{role}-{write}-{country}")
    for (role, country), codes in MATRIX.items()
    for write, code in zip(WRITES, codes, strict=True)
]


@pytest.mark.parametrize(("role", "country", "write", "expected"), WRITE_CASES)
def test_who_may_write_reports(world, reports, role, country, write, expected):
    if write in PREPARE:
        PREPARE[write](world, reports, country)
    before = snapshot()
    response = WRITES[write](as_role(world, role), reports, country)
    assert response.status_code == expected, response.content
    if expected in (401, 403):
        assert response.json()["detail"]
        assert snapshot() == before
    else:
        assert snapshot() != before


ROUND_WRITES = {
    "open": lambda client, ctx: client.post(ROUNDS, {
        "plan": ctx["other_plan"].slug, "title": "2027 report", "opens_on": "2027-01-01", "due_on": "2027-06-30",
    }, format="json"),
    "close": lambda client, ctx: client.post(f"{ROUNDS}{ctx['round'].pk}/close/"),
    "reopen": lambda client, ctx: client.post(f"{ROUNDS}{ctx['closed'].pk}/reopen/"),
}
ROUND_MATRIX = {
    #                  open close reopen
    "anonymous":      (401, 401,  401),
    "observer":       (403, 403,  403),
    "contributor_kz": (403, 403,  403),
    "focal_ir":       (403, 403,  403),
    "focal_kz":       (403, 403,  403),
    "secretariat":    (201, 200,  200),
}
ROUND_CASES = [
    pytest.param(role, write, code, id=f"{role}-{write}")
    for role, codes in ROUND_MATRIX.items()
    for write, code in zip(ROUND_WRITES, codes, strict=True)
]


@pytest.fixture
def rounds(world):
    """The open round of the test plan, and a closed round of another plan that has none open."""
    other_plan = ActionPlanFactory(slug="other-plan")
    third_plan = ActionPlanFactory(slug="third-plan")
    closed = ReportingRound.objects.create(
        plan=third_plan, edition=third_plan.current_edition, title="2024 report", opens_on=datetime.date(2024, 1, 1),
        due_on=datetime.date(2024, 6, 30), status=ReportingRound.Status.CLOSED,
    )
    return {"round": world["round"], "other_plan": other_plan, "closed": closed}


@pytest.mark.parametrize(("role", "write", "expected"), ROUND_CASES)
def test_who_may_open_and_close_rounds(world, rounds, role, write, expected):
    before = snapshot()
    response = ROUND_WRITES[write](as_role(world, role), rounds)
    assert response.status_code == expected, response.content
    if expected in (401, 403):
        assert snapshot() == before
    else:
        assert snapshot() != before


def test_refusal_says_why(world, reports):
    response = WRITES["create"](api(world["focal_ir"]), reports, "QZ")
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not report for Testland QZ."}
    response = ROUND_WRITES["close"](api(world["focal_kz"]), {"round": world["round"]})
    assert response.json() == {"detail": "Only the CMS Secretariat opens and closes reporting rounds."}


def test_submitted_report_must_be_withdrawn_before_an_api_edit(world, reports):
    submitted(world, reports, "QZ")
    response = WRITES["patch"](api(world["focal_kz"]), reports, "QZ")
    assert response.status_code == 403
    assert "withdraw it to edit" in response.json()["detail"]


# --- Bad input: 400 naming the field ------------------------------------------------------------

def create_payload(world, **changes):
    return {"activity": world["everywhere"].pk, "country": "QZ", "round": world["round"].pk,
            "status": "in_progress", "narrative": "Two trainings", **changes}


@pytest.mark.parametrize(("field", "value"), [
    ("activity", 999999), ("country", "XX"), ("round", 999999), ("status", "finished"),
    ("expected_year", 1999), ("expected_year", 2101),
])
def test_create_with_a_bad_field_names_it(world, field, value):
    response = api(world["focal_kz"]).post(PROGRESS, create_payload(world, **{field: value}), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not ProgressReport.objects.exists()


def test_create_without_fields_names_each_missing_one(world):
    response = api(world["focal_kz"]).post(PROGRESS, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"activity", "country", "round", "status", "narrative"}


def test_create_for_a_country_the_activity_does_not_apply_to_names_country(world):
    payload = create_payload(world, activity=world["in_unit"].pk, country="QR")
    response = api(world["secretariat"]).post(PROGRESS, payload, format="json")
    assert response.status_code == 400
    assert "does not apply to" in response.json()["country"][0]


def test_create_when_the_report_exists_answers_409_naming_the_one_to_patch(world, reports):
    existing = reports["QZ"]["report"]
    payload = create_payload(world, activity=existing.activity_id)
    before = snapshot()
    response = api(world["focal_kz"]).post(PROGRESS, payload, format="json")
    assert response.status_code == 409
    body = response.json()
    assert (body["current_version"], body["sent_version"]) == (ProgressReport.objects.get(pk=existing.pk).version, 0)
    assert f"PATCH /api/v1/progress/{existing.pk}/" in body["detail"]
    assert snapshot() == before


def test_create_of_an_existing_report_by_another_country_is_refused_as_not_theirs(world, reports):
    """Who may write is decided before whether the report exists: 403, as for any write of Testland QZ's."""
    payload = create_payload(world, activity=reports["QZ"]["report"].activity_id)
    response = api(world["focal_ir"]).post(PROGRESS, payload, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "You do not report for Testland QZ."


@pytest.mark.parametrize(("field", "value"), [("status", "finished"), ("expected_year", 1800)])
def test_patch_with_a_bad_field_names_it(world, reports, field, value):
    report = reports["QZ"]["report"]
    before = snapshot()
    response = api(world["focal_kz"]).patch(f"{PROGRESS}{report.pk}/", {field: value, "version": 1}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert snapshot() == before


@pytest.mark.parametrize(("changes", "field"), [
    ({"due_on": "2026-12-31", "opens_on": "2027-01-01"}, "due_on"),
    ({"plan": "no-such-plan"}, "plan"),
    ({"plan": "test-plan"}, "plan"),  # already has an open round: the service says so
    ({"title": ""}, "title"),
])
def test_round_with_bad_fields_names_them(world, changes, field):
    ActionPlanFactory(slug="other-plan")
    payload = {"plan": "other-plan", "title": "2027 report", "opens_on": "2027-01-01", "due_on": "2027-06-30",
               **changes}
    response = api(world["secretariat"]).post(ROUNDS, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert ReportingRound.objects.count() == 1


@pytest.mark.parametrize(("payload", "field"), [
    ({"title": "Nothing attached", "visibility": "public"}, "url"),
    ({"url": "not a link", "visibility": "public"}, "url"),
    ({"url": "https://example.org/a", "visibility": "secret"}, "visibility"),
])
def test_bad_evidence_names_the_field(world, reports, payload, field):
    report = reports["QZ"]["report"]
    response = api(world["focal_kz"]).post(f"{PROGRESS}{report.pk}/evidence/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Evidence.objects.count() == 2


def test_upload_of_a_file_type_the_tracker_does_not_keep_names_file(world, reports, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = reports["QZ"]["report"]
    response = api(world["focal_kz"]).post(f"{PROGRESS}{report.pk}/evidence/", {
        "file": SimpleUploadedFile("virus.exe", b"MZ"), "title": "Tool", "visibility": "public"}, format="multipart")
    assert response.status_code == 400
    assert "is not a file type" in response.json()["file"][0]


def test_return_without_a_comment_names_comment(world, reports):
    submitted(world, reports, "QZ")
    url = f"{COUNTRY_REPORTS}{reports['QZ']['country_report'].pk}/return/"
    response = api(world["secretariat"]).post(url, {"comment": " "}, format="json")
    assert response.status_code == 400
    assert response.json() == {"comment": ["Say what the country should change."]}


def test_validating_a_draft_names_state(world, reports):
    response = WRITES["validate"](api(world["secretariat"]), reports, "QZ")
    assert response.status_code == 400
    assert "state" in response.json()


# --- Versions: 409, 428, If-Match ---------------------------------------------------------------

def patch(client, report, data, **headers):
    return client.patch(f"{PROGRESS}{report.pk}/", data, format="json", headers=headers)


def test_stale_patch_answers_409_and_changes_nothing(world, reports):
    report = reports["QZ"]["report"]  # version 2: recorded, then a link added
    assert patch(api(world["secretariat"]), report, {"narrative": "Corrected", "version": 2}).status_code == 200
    before = snapshot()
    response = patch(api(world["focal_kz"]), report, {"narrative": "From the old copy", "version": 2})
    assert response.status_code == 409
    assert (response.json()["current_version"], response.json()["sent_version"]) == (3, 2)
    assert snapshot() == before
    assert ProgressReport.objects.get(pk=report.pk).narrative == "Corrected"


def test_patch_without_version_answers_428(world, reports):
    before = snapshot()
    response = patch(api(world["focal_kz"]), reports["QZ"]["report"], {"status": "completed"})
    assert response.status_code == 428
    assert "version" in response.json()["detail"]
    assert snapshot() == before


def test_if_match_header_stands_for_the_version(world, reports):
    report = reports["QZ"]["report"]
    client = api(world["focal_kz"])
    etag = client.get(f"{PROGRESS}{report.pk}/").headers["ETag"]
    assert etag == '"2"'
    response = patch(client, report, {"status": "completed"}, if_match=etag)
    assert response.status_code == 200
    assert (response.json()["version"], response.headers["ETag"]) == (3, '"3"')


def test_body_version_wins_over_if_match(world, reports):
    report = reports["QZ"]["report"]
    client = api(world["focal_kz"])
    assert patch(client, report, {"status": "completed", "version": 2}, if_match='"7"').status_code == 200
    assert patch(client, report, {"status": "ongoing", "version": 2}, if_match='"3"').status_code == 409


def test_if_match_must_be_a_version(world, reports):
    response = patch(api(world["focal_kz"]), reports["QZ"]["report"], {"status": "completed"}, if_match="abc")
    assert response.status_code == 400
    assert "version" in response.json()


def test_patch_keeps_the_fields_it_does_not_send(world, reports):
    report = reports["QZ"]["report"]
    client = api(world["focal_kz"])
    patch(client, report, {"obstacles": "Snow", "expected_year": 2028, "version": 2})
    response = patch(client, report, {"status": "completed", "version": 3})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["narrative"], body["obstacles"], body["expected_year"]) == (
        "completed", "Patrols", "Snow", 2028)


def test_put_and_delete_are_not_allowed(world, reports):
    url = f"{PROGRESS}{reports['QZ']['report'].pk}/"
    client = api(world["secretariat"])
    assert client.put(url, {"status": "completed", "version": 2}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
    assert ProgressReport.objects.filter(pk=reports["QZ"]["report"].pk).exists()


def test_confirm_makes_a_carried_over_report_this_rounds_own(world, reports):
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    new_round = services.round_open(plan=world["plan"], title="2028 report", opens_on=datetime.date(2028, 1, 1),
                                    due_on=datetime.date(2028, 6, 30), opened_by=world["secretariat"])
    carried = ProgressReport.objects.get(country_report__round=new_round, country_report__country=world["kz"])
    client = api(world["focal_kz"])
    assert client.post(f"{PROGRESS}{carried.pk}/confirm/", {}, format="json").status_code == 428
    response = client.post(f"{PROGRESS}{carried.pk}/confirm/", {"version": 1}, format="json")
    assert response.status_code == 200
    assert (response.json()["carried_over"], response.json()["version"]) == (False, 2)


# --- Reading ------------------------------------------------------------------------------------

def test_anonymous_sees_only_validated_progress(world, reports):
    submitted(world, reports, "QZ")
    services.country_report_validate(country_report=reports["QZ"]["country_report"], user=world["secretariat"])
    response = api().get(PROGRESS)
    assert [row["id"] for row in response.json()["results"]] == [reports["QZ"]["report"].pk]
    assert response.json()["results"][0]["state"] == "validated"
    assert api().get(f"{PROGRESS}{reports['QR']['report'].pk}/").status_code == 404
    assert api(world["observer"]).get(PROGRESS).json()["count"] == 2


def test_progress_shows_its_fields(world, reports):
    report = reports["QZ"]["report"]
    body = api(world["observer"]).get(f"{PROGRESS}{report.pk}/").json()
    assert body == {
        "id": report.pk, "url": f"http://testserver{PROGRESS}{report.pk}/",
        "html_url": f"http://testserver{report.get_absolute_url()}",
        "activity": world["in_unit"].pk, "plan": "test-plan", "activity_code": "2.1", "country": "QZ",
        "round": world["round"].pk, "status": "in_progress", "narrative": "Patrols", "obstacles": "",
        "expected_year": None, "funds_amount": None, "funds_currency": "", "funds_usd": None, "funds_source": "",
        "funds_funder": "",
        "evidence": [{"id": reports["QZ"]["evidence"].pk, "kind": "link", "title": "Patrol log",
                      "url": "https://example.org/patrol-log", "visibility": "public"}],
        "carried_over": False, "state": "draft", "version": 2, "updated_by": "focal-kz-t",
        "updated_at": body["updated_at"], "published": None, "return_comment": None,
    }


def test_progress_filters(world, reports):
    client = api(world["observer"])
    assert client.get(PROGRESS, {"country": "QR"}).json()["count"] == 1
    assert client.get(PROGRESS, {"plan": "test-plan", "round": world["round"].pk}).json()["count"] == 2
    assert client.get(PROGRESS, {"search": "patrols"}).json()["count"] == 1
    assert client.get(PROGRESS, {"state": "submitted"}).json()["count"] == 0


@pytest.mark.parametrize(("role", "sees_restricted"), [
    ("anonymous", False), ("observer", False), ("focal_ir", False),
    ("contributor_kz", True), ("focal_kz", True), ("secretariat", True),
])
def test_restricted_evidence_only_for_the_country_and_the_secretariat(world, reports, role, sees_restricted):
    report = reports["QZ"]["report"]
    link(report, world["focal_kz"], "Den site", visibility="restricted")
    submitted(world, reports, "QZ")
    services.country_report_validate(country_report=report.country_report, user=world["secretariat"])
    client = as_role(world, role)
    detail = client.get(f"{PROGRESS}{report.pk}/").json()
    [listed] = client.get(PROGRESS, {"country": "QZ"}).json()["results"]
    expected = ["Patrol log", "Den site"] if sees_restricted else ["Patrol log"]
    assert [evidence["title"] for evidence in detail["evidence"]] == expected
    assert [evidence["title"] for evidence in listed["evidence"]] == expected
    latest = client.get(f"{PROGRESS}{report.pk}/history/").json()[0]
    assert latest["changes"] == {"restricted_evidence": [None, "Den site" if sees_restricted else "(restricted)"]}


def test_restricted_evidence_of_another_country_cannot_be_removed_nor_found(world, reports):
    hidden = link(reports["QZ"]["report"], world["focal_kz"], "Den site", visibility="restricted")
    url = f"{PROGRESS}{reports['QZ']['report'].pk}/evidence/{hidden.pk}/"
    assert api(world["focal_ir"]).delete(url).status_code == 404
    assert Evidence.objects.current().filter(pk=hidden.pk).exists()


def test_evidence_of_another_report_is_not_found(world, reports):
    url = f"{PROGRESS}{reports['QZ']['report'].pk}/evidence/{reports['QR']['evidence'].pk}/"
    assert api(world["secretariat"]).delete(url).status_code == 404


def test_removed_evidence_leaves_the_report_but_stays_on_record(world, reports):
    evidence = reports["QZ"]["evidence"]
    url = f"{PROGRESS}{reports['QZ']['report'].pk}/evidence/{evidence.pk}/"
    client = api(world["focal_kz"])
    assert client.delete(url).status_code == 204
    assert client.get(f"{PROGRESS}{reports['QZ']['report'].pk}/").json()["evidence"] == []
    assert client.delete(url).status_code == 404
    assert Evidence.objects.filter(pk=evidence.pk, removed_by=world["focal_kz"]).exists()


def test_uploaded_file_is_served_through_the_download_address(world, reports, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = reports["QZ"]["report"]
    response = api(world["focal_kz"]).post(f"{PROGRESS}{report.pk}/evidence/", {
        "file": SimpleUploadedFile("report.pdf", b"%PDF-1.4 test"), "title": "Training report",
        "visibility": "restricted"}, format="multipart")
    assert response.status_code == 201
    evidence = Evidence.objects.get(pk=response.json()["id"])
    assert response.json() == {
        "id": evidence.pk, "kind": "file", "title": "Training report", "visibility": "restricted",
        "url": f"http://testserver{reverse('reporting:evidence_download', args=[evidence.pk])}",
    }
    assert evidence.progress_report.changes.first().source == ProgressChange.Source.API


def test_history_lists_each_change_with_old_and_new_values(world):
    client = api(world["focal_kz"])
    created = client.post(PROGRESS, create_payload(world, expected_year=2027), format="json").json()
    client.patch(f"{PROGRESS}{created['id']}/", {"status": "completed", "version": created["version"]},
                 format="json")
    history = client.get(f"{PROGRESS}{created['id']}/history/").json()
    assert [(change["version"], change["changed_by"], change["source"], change["changes"]) for change in history] == [
        (2, "focal-kz-t", "api", {"status": ["in_progress", "completed"]}),
        (1, "focal-kz-t", "api", {"status": [None, "in_progress"], "narrative": [None, "Two trainings"],
                                  "expected_year": [None, 2027]}),
    ]


# --- Tokens -------------------------------------------------------------------------------------

def test_token_lets_a_client_write_without_a_session(world, reports):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "focal-kz-t", "password": "pw"}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    response = patch(client, reports["QZ"]["report"], {"status": "completed", "version": 2})
    assert response.status_code == 200
    assert response.json()["updated_by"] == "focal-kz-t"


def test_wrong_password_gets_no_token(world):
    response = APIClient().post("/api/v1/auth/token/", {"username": "focal-kz-t", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}


def test_unknown_token_answers_401(world, reports):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert patch(client, reports["QZ"]["report"], {"status": "completed", "version": 2}).status_code == 401


# --- Rounds and country reports -----------------------------------------------------------------

def test_anyone_lists_rounds_with_filters(world, rounds):
    client = api()
    assert client.get(ROUNDS).json()["count"] == 2
    [row] = client.get(ROUNDS, {"plan": "test-plan"}).json()["results"]
    assert row == {"id": world["round"].pk, "url": f"http://testserver{ROUNDS}{world['round'].pk}/",
                   "plan": "test-plan", "title": "2026 report", "opens_on": "2026-01-01", "due_on": "2026-12-31",
                   "status": "open", "closed_at": None}
    assert [row["title"] for row in client.get(ROUNDS, {"status": "closed"}).json()["results"]] == ["2024 report"]


def test_opening_a_round_carries_over_the_last_status(world, reports):
    client = api(world["secretariat"])
    assert client.post(f"{ROUNDS}{world['round'].pk}/close/").json()["status"] == "closed"
    response = client.post(ROUNDS, {"plan": "test-plan", "title": "2028 report", "opens_on": "2028-01-01",
                                    "due_on": "2028-06-30"}, format="json")
    assert response.status_code == 201
    carried = client.get(PROGRESS, {"round": response.json()["id"]}).json()["results"]
    assert {(row["country"], row["carried_over"]) for row in carried} == {("QZ", True), ("QR", True)}


def test_country_report_shows_its_count_and_events(world, reports):
    submitted(world, reports, "QZ")
    country_report = reports["QZ"]["country_report"]
    response = api(world["secretariat"]).post(f"{COUNTRY_REPORTS}{country_report.pk}/return/",
                                              {"comment": "Add evidence"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("round", "plan", "country", "state", "return_comment", "reported")} == {
        "round": world["round"].pk, "plan": "test-plan", "country": "QZ", "state": "returned",
        "return_comment": "Add evidence", "reported": 1}
    assert [(event["action"], event["actor"], event["comment"]) for event in body["events"]] == [
        ("returned", "secretariat-t", "Add evidence"), ("submitted", "secretariat-t", "")]


def test_an_api_correction_of_a_validated_report_reopens_it_until_submitted_again(world, reports):
    submitted(world, reports, "QZ")
    country_report = reports["QZ"]["country_report"]
    services.country_report_validate(country_report=country_report, user=world["secretariat"])
    focal = api(world["focal_kz"])
    report = reload(reports, "QZ")
    response = focal.patch(f"{PROGRESS}{report.pk}/", {"status": "completed", "version": report.version},
                           format="json")
    assert response.status_code == 200 and response.json()["state"] == "reopened"
    assert [row["country"] for row in focal.get(COUNTRY_REPORTS, {"state": "reopened"}).json()["results"]] == ["QZ"]
    assert [row["state"] for row in api().get(COUNTRY_REPORTS).json()["results"]] == ["validated"]  # as last validated
    refused = api(world["secretariat"]).post(f"{COUNTRY_REPORTS}{country_report.pk}/validate/")
    assert refused.status_code == 400 and "Reopened for corrections" in str(refused.json())
    response = focal.post(f"{COUNTRY_REPORTS}{country_report.pk}/submit/")
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    assert [event["action"] for event in response.json()["events"]] == ["submitted", "reopened", "validated",
                                                                        "submitted"]


def test_country_report_filters_and_anonymous_view(world, reports):
    submitted(world, reports, "QZ")
    client = api(world["observer"])
    assert [row["country"] for row in client.get(COUNTRY_REPORTS, {"state": "submitted"}).json()["results"]] == ["QZ"]
    assert client.get(COUNTRY_REPORTS, {"country": "QR", "round": world["round"].pk}).json()["count"] == 1
    assert api().get(COUNTRY_REPORTS).json()["count"] == 0
    services.country_report_validate(country_report=reports["QZ"]["country_report"], user=world["secretariat"])
    assert [row["country"] for row in api().get(COUNTRY_REPORTS).json()["results"]] == ["QZ"]


# --- Query counts and the schema ----------------------------------------------------------------

def add_reports(world, n):
    for i in range(n):
        activity = ActivityFactory(plan=world["plan"], code=f"9.{i}", countries=[world["kz"]])
        report = record(world, world["focal_kz"], activity=activity, country=world["kz"])
        link(report, world["focal_kz"], f"Evidence {i}", visibility="restricted" if i % 2 else "public")


def test_progress_list_queries_do_not_grow_with_the_reports(world, reports, django_assert_num_queries):
    client = api(world["focal_kz"])
    # 1 count for the page, 1 reports joined to round, plan, country, activity and updater,
    # 1 evidence the user may see (prefetched), 1 the return comments on the page's activities
    with django_assert_num_queries(4):
        assert client.get(PROGRESS).json()["count"] == 2
    add_reports(world, 20)
    returned_with_comments(world, reports, on=[report.activity for report in ProgressReport.objects.filter(
        country_report=reports["QZ"]["country_report"])])
    with django_assert_num_queries(4):
        page = client.get(PROGRESS).json()
    assert page["count"] == 22
    assert sum(1 for row in page["results"] if row["return_comment"]) == 21


def returned_with_comments(world, reports, *, on):
    """QZ's report submitted, then returned with a comment on each activity of ``on``."""
    submitted(world, reports, "QZ")
    services.country_report_return(
        country_report=reports["QZ"]["country_report"], user=world["secretariat"], comment="Please complete.",
        activity_comments={activity.pk: f"Say more on {activity.code}." for activity in on})


def test_the_country_reads_the_return_comment_of_an_activity_until_it_changes_it(world, reports):
    returned_with_comments(world, reports, on=[world["in_unit"]])
    report_id = reports["QZ"]["report"].pk
    for role in ("focal_kz", "contributor_kz", "secretariat"):
        assert as_role(world, role).get(f"{PROGRESS}{report_id}/").json()["return_comment"] == "Say more on 2.1.", role
    # QR's report had no comment; other readers of drafts never read QZ's.
    assert api(world["focal_kz"]).get(f"{PROGRESS}{reports['QR']['report'].pk}/").json()["return_comment"] is None
    for role in ("observer", "focal_ir"):
        assert as_role(world, role).get(f"{PROGRESS}{report_id}/").json()["return_comment"] is None, role
    listed = {row["id"]: row["return_comment"] for row in api(world["focal_kz"]).get(PROGRESS).json()["results"]}
    assert listed == {report_id: "Say more on 2.1.", reports["QR"]["report"].pk: None}
    # The country answers the comment: it is gone from the API as from the page.
    response = api(world["focal_kz"]).patch(f"{PROGRESS}{report_id}/", {"status": "completed", "version": 2},
                                            format="json")
    assert response.status_code == 200 and response.json()["return_comment"] is None


def test_anonymous_visitors_never_read_a_return_comment(world, reports):
    services.country_report_submit(country_report=reports["QZ"]["country_report"], user=world["focal_kz"])
    services.country_report_validate(country_report=reports["QZ"]["country_report"], user=world["secretariat"])
    services.progress_report_record(round=world["round"], activity=world["in_unit"], country=world["kz"],
                                    user=world["focal_kz"], values=ProgressInput(status="completed"),
                                    expected_version=reload(reports, "QZ").version)
    returned_with_comments(world, reports, on=[world["in_unit"]])
    rows = api().get(PROGRESS).json()["results"]
    assert [row["return_comment"] for row in rows] == [None]  # the published version, without the comment
    assert api(world["focal_kz"]).get(PROGRESS).json()["results"][0]["return_comment"] == "Say more on 2.1."


def test_country_report_list_queries_do_not_grow(world, reports, django_assert_num_queries):
    client = api(world["observer"])
    # 1 count, 1 country reports with round, plan, country and the progress count, 1 events with actors
    with django_assert_num_queries(3):
        assert client.get(COUNTRY_REPORTS).json()["count"] == 2
    add_reports(world, 20)
    services.country_report_submit(country_report=reports["QZ"]["country_report"], user=world["focal_kz"])
    with django_assert_num_queries(3):
        assert [row["reported"] for row in client.get(COUNTRY_REPORTS).json()["results"]] == [1, 21]


def test_openapi_schema_documents_the_reporting_api(client):
    response = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/rounds/", "/api/v1/rounds/{id}/close/", "/api/v1/rounds/{id}/reopen/", "/api/v1/progress/",
        "/api/v1/progress/{id}/", "/api/v1/progress/{id}/confirm/", "/api/v1/progress/{id}/history/",
        "/api/v1/progress/{id}/evidence/", "/api/v1/progress/{id}/evidence/{evidence_id}/",
        "/api/v1/country-reports/", "/api/v1/country-reports/{id}/return/", "/api/v1/auth/token/",
    } <= paths.keys()
    parameters = {p["name"] for p in paths["/api/v1/progress/"]["get"]["parameters"]}
    assert {"plan", "country", "round", "status", "state", "activity", "updated_since", "search"} <= parameters
    assert "put" not in paths["/api/v1/progress/{id}/"] and "delete" not in paths["/api/v1/progress/{id}/"]
    properties = response.json()["components"]["schemas"]["ProgressReport"]["properties"]
    assert {"activity_code", "country", "round", "evidence", "state", "version", "updated_by"} <= properties.keys()
    comment = properties["return_comment"]
    assert comment["type"] == "string" and comment["nullable"] and comment["readOnly"]
    assert "Only the country's own users and the Secretariat read it" in comment["description"]


# --- Hardening: answers as this request saved; rounds at once; derived titles -------------------------

def test_patch_answers_with_the_version_it_saved_not_a_later_one(world, reports, monkeypatch):
    """Another client's save lands between this request's commit and its answer (fault 10)."""
    report = reports["QZ"]["report"]
    real_record = services.progress_report_record

    def record_then_someone_else_saves(**kwargs):
        saved = real_record(**kwargs)
        real_record(round=kwargs["round"], activity=kwargs["activity"], country=kwargs["country"],
                    user=world["secretariat"], values=ProgressInput(status="completed", narrative="Secretariat's"),
                    expected_version=saved.version)
        return saved

    monkeypatch.setattr(services, "progress_report_record", record_then_someone_else_saves)
    response = patch(api(world["focal_kz"]), report, {"narrative": "Mine", "version": 2})
    assert response.status_code == 200
    assert (response.json()["version"], response.headers["ETag"], response.json()["narrative"]) == (3, '"3"', "Mine")
    assert ProgressReport.objects.get(pk=report.pk).version == 4


def test_create_answers_with_the_version_it_saved(world, reports, monkeypatch):
    real_record = services.progress_report_record

    def record_then_someone_else_saves(**kwargs):
        saved = real_record(**kwargs)
        real_record(**{**kwargs, "values": ProgressInput(status="completed"), "expected_version": saved.version})
        return saved

    monkeypatch.setattr(services, "progress_report_record", record_then_someone_else_saves)
    response = api(world["focal_kz"]).post(PROGRESS, {
        "activity": reports["fresh"].pk, "country": "QZ", "round": world["round"].pk, "status": "in_progress",
        "narrative": "First"}, format="json")
    assert response.status_code == 201
    assert (response.json()["version"], response.headers["ETag"], response.json()["status"]) == (1, '"1"',
                                                                                               "in_progress")


@pytest.mark.parametrize("how", ["create", "reopen"])
def test_round_constraint_hit_by_a_simultaneous_request_answers_400(world, monkeypatch, how):
    """What a request racing another sees if the checks pass and the database constraint fires (fault 3)."""
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    other = ReportingRound.objects.create(plan=world["plan"], edition=world["plan"].current_edition,
                                          title="2027 report", opens_on=datetime.date(2027, 1, 1),
                                          due_on=datetime.date(2027, 6, 30))
    monkeypatch.setattr(services.rounds, "_plan_has_open_round", lambda plan, message: None)
    monkeypatch.setattr(ReportingRound, "validate_constraints", lambda self, exclude=None: None)
    client = api(world["secretariat"])
    if how == "create":
        response = client.post(ROUNDS, {"plan": "test-plan", "title": "2028 report", "opens_on": "2028-01-01",
                                        "due_on": "2028-06-30"}, format="json")
    else:
        response = client.post(f"{ROUNDS}{world['round'].pk}/reopen/")
    assert response.status_code == 400
    assert "already has an open round" in response.json()["plan"][0]
    assert list(ReportingRound.objects.open()) == [other]


def test_a_long_file_name_without_a_title_names_no_title_error(world, reports, settings, tmp_path):
    """A 300-character file name and no title: the title is the name cut to fit (fault 9)."""
    settings.MEDIA_ROOT = tmp_path
    report = reports["QZ"]["report"]
    name = "x" * 296 + ".pdf"
    response = api(world["focal_kz"]).post(f"{PROGRESS}{report.pk}/evidence/", {
        "file": SimpleUploadedFile(name, b"%PDF-1.4 test"), "visibility": "public"}, format="multipart")
    assert response.status_code == 201, response.json()
    assert len(response.json()["title"]) == 200


def test_a_validation_after_the_return_closes_its_comments(world, reports):
    returned_with_comments(world, reports, on=[world["in_unit"]])
    country_report = reports["QZ"]["country_report"]
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    services.country_report_validate(country_report=country_report, user=world["secretariat"])
    # A correction of another activity reopens the report: the old return's comment stays closed.
    record(world, world["focal_kz"], activity=world["everywhere"], country=world["kz"], status="completed")
    assert CountryReport.objects.get(pk=country_report.pk).state == CountryReport.State.REOPENED
    body = api(world["focal_kz"]).get(f"{PROGRESS}{reports['QZ']['report'].pk}/").json()
    assert body["return_comment"] is None
