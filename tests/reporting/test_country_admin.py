"""The country-scoped admin (reporting/country_admin.py): focal points and contributors correct their
countries' progress at /country-admin/ through the same service as every other path."""
import pytest
from django.urls import reverse

from reporting import services
from reporting.models import CountryReport, ProgressChange, ProgressReport
from reporting.services import ProgressInput


@pytest.fixture
def reports(world):
    """A report of each world activity in QZ, and one in QR."""
    made = {}
    for key in ("in_unit", "everywhere"):
        made[key] = services.progress_report_record(round=world["round"], activity=world[key], country=world["kz"],
                                                    user=world["focal_kz"], values=ProgressInput(status="not_started"))
    made["qr"] = services.progress_report_record(round=world["round"], activity=world["everywhere"], country=world["ir"],
                                                 user=world["focal_ir"], values=ProgressInput(status="completed"))
    return made


def change_url(report):
    return reverse("country_admin:reporting_progressreport_change", args=[report.pk])


def post_change(client, report, **values):
    data = {"status": "in_progress", "narrative": "Rangers trained", "obstacles": "", "expected_year": "2028",
            "version_read": report.version, "_save": "Save", **values}
    return client.post(change_url(report), data)


LIST_URL = "/country-admin/reporting/progressreport/"


@pytest.mark.parametrize("role, sees", [
    ("focal_kz", {"in_unit", "everywhere"}), ("contributor_kz", {"in_unit", "everywhere"}), ("focal_ir", {"qr"}),
    ("secretariat", {"in_unit", "everywhere", "qr"}),
])
def test_each_sees_the_reports_of_their_countries(client, world, reports, role, sees):
    client.force_login(world[role])
    response = client.get(LIST_URL)
    assert response.status_code == 200
    shown = {report.pk for report in response.context["cl"].result_list}
    assert shown == {reports[key].pk for key in sees}


@pytest.mark.parametrize("role", ["observer", None])
def test_observers_and_visitors_are_sent_to_sign_in(client, world, reports, role):
    if role:
        client.force_login(world[role])
    response = client.get(LIST_URL)
    assert response.status_code == 302 and response["Location"].startswith("/country-admin/login/")


def test_the_secretariats_admin_stays_closed_to_focal_points(client, world):
    client.force_login(world["focal_kz"])
    response = client.get("/admin/reporting/assignment/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get("/country-admin/reporting/assignment/").status_code == 404  # not registered there


def test_a_focal_point_corrects_a_status_and_the_history_says_admin(client, world, reports):
    client.force_login(world["focal_kz"])
    report = reports["everywhere"]
    response = post_change(client, report)
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.narrative, report.expected_year, report.version) == (
        "in_progress", "Rangers trained", 2028, 2)
    assert ProgressChange.objects.filter(progress_report=report).latest("version").source == "admin"


def test_another_countrys_report_is_not_found(client, world, reports):
    client.force_login(world["focal_ir"])
    response = post_change(client, reports["everywhere"])
    assert response.status_code == 302  # the admin's "does not exist" redirect to the list
    reports["everywhere"].refresh_from_db()
    assert reports["everywhere"].status == "not_started"


def test_a_contributor_changes_what_was_handed_over_and_only_reads_the_rest(client, world, reports):
    client.force_login(world["contributor_kz"])
    assert post_change(client, reports["in_unit"]).status_code == 302
    page = client.get(change_url(reports["everywhere"])).content.decode()
    assert "Drafting Measure 2.2 for Testland QZ was not handed to you." in page
    assert post_change(client, reports["everywhere"]).status_code == 403
    assert ProgressReport.objects.get(pk=reports["everywhere"].pk).status == "not_started"


def test_a_stale_save_and_a_submitted_report_are_refused_with_the_usual_sentences(client, world, reports):
    client.force_login(world["focal_kz"])
    report = reports["everywhere"]
    services.progress_report_record(round=world["round"], activity=world["everywhere"], country=world["kz"],
                                    user=world["secretariat"], values=ProgressInput(status="completed"),
                                    expected_version=1)
    response = post_change(client, report, version_read=1)
    assert response.status_code == 200
    assert "Someone else saved this report (version 2) after you opened version 1." in response.content.decode()
    services.country_report_submit(country_report=CountryReport.objects.get(country=world["kz"]),
                                   user=world["focal_kz"])
    response = post_change(client, report, version_read=2)
    assert "is submitted and waits for the Secretariat: withdraw it to edit." in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.version) == ("completed", 2)


def test_bad_input_is_named_and_nothing_saved(client, world, reports):
    client.force_login(world["focal_kz"])
    response = post_change(client, reports["everywhere"], expected_year="1890")
    assert response.status_code == 200
    assert "greater than or equal to 2000" in response.content.decode()
    assert ProgressReport.objects.get(pk=reports["everywhere"].pk).version == 1
