"""One limit per text field, stated in the model (reporting/rules.py), refused on every path: the
activity's page, the API, the offline workbook and the service itself; the schema states it. A body
larger than the server reads answers a JSON 400 under /api/, and Django's page elsewhere."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reporting import rules, services, workbook
from reporting.models import CountryReport, ProgressReport
from reporting.services import ProgressInput
from tests.reporting.test_api import PROGRESS, api
from tests.reporting.test_workbook import download, fill, preview_errors, upload

TOO_LONG = "x" * (rules.NARRATIVE_MAX_CHARS + 1)
BODY_TOO_LARGE = "The request body is larger than the server accepts (at most 5 MB)."


def kz_report(world, **values):
    return services.progress_report_record(round=world["round"], activity=world["everywhere"], country=world["kz"],
                                           user=world["focal_kz"], values=ProgressInput(status="in_progress", **values))


def test_the_limits_are_5000_characters_and_the_years_2000_to_2100():
    assert (rules.NARRATIVE_MAX_CHARS, rules.OBSTACLES_MAX_CHARS, rules.COMMENT_MAX_CHARS) == (5000, 5000, 5000)
    assert (rules.EXPECTED_YEAR_MIN, rules.EXPECTED_YEAR_MAX) == (2000, 2100)
    fields = {field.name: field for field in ProgressReport._meta.get_fields()}
    assert fields["narrative"].max_length == fields["obstacles"].max_length == 5000
    assert (workbook.TEXT_MAX_CHARS, workbook.YEAR_MIN, workbook.YEAR_MAX) == (5000, 2000, 2100)


# --- API ------------------------------------------------------------------------------------------

def test_api_refuses_a_5001_character_narrative_on_create(world):
    response = api(world["focal_kz"]).post(PROGRESS, {
        "activity": world["everywhere"].pk, "country": "QZ", "round": world["round"].pk, "status": "completed",
        "narrative": TOO_LONG}, format="json")
    assert response.status_code == 400
    assert "5000" in response.json()["narrative"][0]
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("field", ["narrative", "obstacles"])
def test_api_refuses_5001_characters_on_patch(world, field):
    report = kz_report(world)
    response = api(world["focal_kz"]).patch(f"{PROGRESS}{report.pk}/", {field: TOO_LONG, "version": 1},
                                            format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert ProgressReport.objects.get().version == 1


def test_api_takes_exactly_5000_characters(world):
    report = kz_report(world)
    response = api(world["focal_kz"]).patch(f"{PROGRESS}{report.pk}/", {"narrative": "x" * 5000, "version": 1},
                                            format="json")
    assert response.status_code == 200
    assert len(ProgressReport.objects.get().narrative) == 5000


def test_api_refuses_a_return_comment_over_the_limit(world):
    kz_report(world)
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    response = api(world["secretariat"]).post(f"/api/v1/country-reports/{country_report.pk}/return/",
                                              {"comment": "x" * 5001}, format="json")
    assert response.status_code == 400 and "comment" in response.json()
    assert CountryReport.objects.get().state == "submitted"


def test_schema_states_the_limits(client):
    schemas = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["components"][
        "schemas"]
    for name in ("ProgressReport", "ProgressReportCreateRequest", "PatchedProgressReportUpdateRequest"):
        assert schemas[name]["properties"]["narrative"]["maxLength"] == 5000, name
        assert schemas[name]["properties"]["obstacles"]["maxLength"] == 5000, name
    assert schemas["ReturnCommentRequest"]["properties"]["comment"]["maxLength"] == 5000
    assert schemas["CountryReport"]["properties"]["return_comment"]["maxLength"] == 5000
    assert schemas["ReportingRoundRequest"]["properties"]["title"]["maxLength"] == 200
    assert schemas["EvidenceCreateRequest"]["properties"]["title"]["maxLength"] == 200


# --- The activity's page and the Secretariat's return --------------------------------------------------

def detail_url(world):
    return reverse("reporting:progress_detail", args=[world["round"].pk, "QZ", world["everywhere"].pk])


@pytest.mark.parametrize("field", ["narrative", "obstacles"])
def test_page_form_names_the_field_over_the_limit(client, world, field):
    client.force_login(world["focal_kz"])
    response = client.post(detail_url(world), {"status": "completed", field: TOO_LONG, "version": "0"})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert "at most 5000 characters" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_page_counts_a_line_break_as_one_character(client, world):
    # A browser counts a line break once against maxlength but sends it as CR LF.
    text = "line\r\n" * 800 + "x" * (5000 - 5 * 800)
    client.force_login(world["focal_kz"])
    response = client.post(detail_url(world), {"status": "completed", "narrative": text, "version": "0"})
    assert response.status_code == 302
    assert ProgressReport.objects.get().narrative == text.replace("\r\n", "\n")


def test_page_textarea_tells_the_browser_the_limit(client, world):
    client.force_login(world["focal_kz"])
    html = client.get(detail_url(world)).content.decode()
    assert 'maxlength="5000"' in html


def test_return_comment_over_the_limit_is_refused_on_the_page(client, world):
    kz_report(world)
    services.country_report_submit(country_report=CountryReport.objects.get(), user=world["focal_kz"])
    client.force_login(world["secretariat"])
    response = client.post(reverse("reporting:return", args=[world["round"].pk, "QZ"]), {"comment": "x" * 5001},
                           follow=True)
    assert "at most 5000 characters" in response.content.decode()
    assert CountryReport.objects.get().state == "submitted"


def test_return_comment_over_the_limit_from_someone_else_is_still_refused_as_not_theirs(client, world):
    kz_report(world)
    services.country_report_submit(country_report=CountryReport.objects.get(), user=world["focal_kz"])
    client.force_login(world["focal_kz"])
    response = client.post(reverse("reporting:return", args=[world["round"].pk, "QZ"]), {"comment": "x" * 5001})
    assert response.status_code == 403


# --- The workbook and the service -------------------------------------------------------------------

def test_workbook_refuses_a_5001_character_narrative(client, world):
    content = fill(download(client, world), {world["everywhere"]: {"status": "Completed", "narrative": TOO_LONG}})
    response = upload(client, world, content)
    assert response.status_code == 400
    [(_row, message)] = preview_errors(response)
    assert "5001 characters long; at most 5000" in message


@pytest.mark.parametrize(("field", "value"), [("narrative", TOO_LONG), ("obstacles", TOO_LONG),
                                              ("expected_year", 1999), ("expected_year", 2101)])
def test_service_refuses_what_the_model_does_not_allow_whoever_calls_it(world, field, value):
    with pytest.raises(ValidationError) as error:
        kz_report(world, **{field: value})
    assert field in error.value.message_dict
    assert not ProgressReport.objects.exists()


# --- A body larger than the server reads ---------------------------------------------------------

def test_json_body_over_the_limit_is_a_json_400(world):
    report = kz_report(world)
    body = '{"narrative": "' + "x" * (5 * 1024 * 1024) + '", "version": 1}'
    response = api(world["focal_kz"]).generic("PATCH", f"{PROGRESS}{report.pk}/", body,
                                              content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": BODY_TOO_LARGE}
    assert ProgressReport.objects.get().version == 1


def test_multipart_body_over_the_limit_is_a_json_400(world):
    report = kz_report(world)
    response = api(world["focal_kz"]).post(f"{PROGRESS}{report.pk}/evidence/", {
        "title": "x" * (5 * 1024 * 1024 + 1), "url": "https://example.org/report"}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"detail": BODY_TOO_LARGE}
    assert not report.evidence.exists()


def test_multipart_body_over_the_limit_with_a_session_is_a_json_400(client, world):
    # Signed in with a session, DRF's CSRF check reads the form first: Django raises there.
    report = kz_report(world)
    client.force_login(world["focal_kz"])
    response = client.post(f"{PROGRESS}{report.pk}/evidence/", {"title": "x" * (5 * 1024 * 1024 + 1)})
    assert response.status_code == 400
    assert response.json() == {"detail": BODY_TOO_LARGE}


def test_other_unreadable_api_request_is_a_json_400(world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    report = kz_report(world)
    response = api(world["focal_kz"]).post(f"{PROGRESS}{report.pk}/confirm/", {f"f{i}": "1" for i in range(20)},
                                           format="multipart")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_page_body_over_the_limit_keeps_djangos_400_page(client, world):
    client.force_login(world["focal_kz"])
    response = client.post(detail_url(world), {"status": "completed", "narrative": "x" * (5 * 1024 * 1024 + 1)})
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/json")
