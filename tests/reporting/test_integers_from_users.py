"""Integers typed by users (versions, ids, years, query parameters) are read with cami.parsing:
"²" and "abc" get a 400 or a message naming what is wrong, never an HTTP 500."""
import datetime

import pytest
from django.urls import reverse

from reporting import services
from reporting.models import Assignment, ProgressReport
from reporting.services import ProgressInput
from tests.reporting.test_api import PROGRESS, api
from tests.reporting.test_workbook import download, fill, preview_errors, upload


def kz_report(world, **values):
    return services.progress_report_record(round=world["round"], activity=world["everywhere"], country=world["kz"],
                                           user=world["focal_kz"], values=ProgressInput(status="in_progress", **values))


# --- API: If-Match -------------------------------------------------------------------------------

@pytest.mark.parametrize("header", ['"²"', "²", '"¹"', 'W/"²"', '"abc"'])
def test_patch_with_a_unicode_digit_in_if_match_is_a_400(world, header):
    report = kz_report(world)
    response = api(world["focal_kz"]).patch(f"{PROGRESS}{report.pk}/", {"status": "completed"}, format="json",
                                            headers={"if-match": header})
    assert response.status_code == 400
    assert "If-Match header is not a version number" in response.json()["version"][0]
    assert ProgressReport.objects.get().status == "in_progress"


def test_confirm_with_a_unicode_digit_in_if_match_is_a_400(world):
    report = kz_report(world)
    response = api(world["focal_kz"]).post(f"{PROGRESS}{report.pk}/confirm/", {}, format="json",
                                           headers={"if-match": '"²"'})
    assert response.status_code == 400
    assert "not a version number" in response.json()["version"][0]


# --- The country report page: version-<id> and confirm -------------------------------------------

@pytest.mark.parametrize("version", ["²", "¹", "abc"])
def test_inline_save_with_a_bad_version_names_the_version(client, world, version):
    activity = world["everywhere"]
    client.force_login(world["focal_kz"])
    response = client.post(reverse("reporting:country_report", args=[world["round"].pk, "QZ"]),
                           {f"status-{activity.pk}": "completed", f"version-{activity.pk}": version,
                            "save": activity.pk})
    assert response.status_code == 400
    assert f"The version “{version}” is not a version number" in response.content.decode()
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("version", ["²", "¹"])
def test_confirm_with_a_bad_version_names_the_version(client, world, version):
    kz_report(world)
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    new_round = services.round_open(plan=world["plan"], title="Next", opens_on=datetime.date(2027, 1, 1),
                                    due_on=datetime.date(2027, 6, 1), opened_by=world["secretariat"])
    activity = world["everywhere"]
    client.force_login(world["focal_kz"])
    response = client.post(reverse("reporting:country_report", args=[new_round.pk, "QZ"]),
                           {f"version-{activity.pk}": version, "confirm": activity.pk})
    assert response.status_code == 400
    assert "is not a version number" in response.content.decode()
    assert ProgressReport.objects.get(country_report__round=new_round).carried_over


def test_confirm_with_a_unicode_digit_as_the_activity_changes_nothing(client, world):
    client.force_login(world["focal_kz"])
    response = client.post(reverse("reporting:country_report", args=[world["round"].pk, "QZ"]), {"confirm": "²"})
    assert response.status_code == 302
    assert not ProgressReport.objects.exists()


# --- The offline workbook, through the upload view ---------------------------------------------------

@pytest.mark.parametrize(("column", "value", "reason"), [
    ("activity_id", "²", "The activity ID was changed or removed"),
    ("expected_year", "²", "“²” is not a year from 2000 to 2100"),
    ("version", "¹", "The version column was edited"),
])
def test_workbook_cell_with_a_unicode_digit_is_a_refused_row(client, world, column, value, reason):
    content = fill(download(client, world), {world["everywhere"]: {"status": "Completed", column: value}})
    response = upload(client, world, content)
    assert response.status_code == 400
    [(row, message)] = preview_errors(response)
    assert reason in message
    assert not ProgressReport.objects.exists()


# --- Query parameters ---------------------------------------------------------------------------------

@pytest.mark.parametrize("view", ["plan_dashboard", "plan_dashboard_rows"])
@pytest.mark.parametrize("value", ["²", "abc", "-1"])
def test_dashboard_round_that_is_not_a_number_is_404(client, world, view, value):
    response = client.get(reverse(f"reporting:{view}", args=[world["plan"].slug]), {"round": value})
    assert response.status_code == 404


# --- Account page: ending a hand-over ------------------------------------------------------------------

def contributor_assignment(world):
    return Assignment.objects.get(user=world["contributor_kz"])


@pytest.mark.parametrize("value", ["abc", "²", "", "99999"])
def test_take_back_of_no_such_hand_over_is_a_message(client, world, value):
    client.force_login(world["focal_kz"])
    response = client.post(reverse("reporting:account"), {"take_back": value}, follow=True)
    assert response.status_code == 200
    assert "No such hand-over" in response.content.decode()
    assert Assignment.objects.filter(pk=contributor_assignment(world).pk).exists()


def test_take_back_of_another_countrys_hand_over_is_refused_with_a_message(client, world):
    assignment = contributor_assignment(world)  # Testland QZ's, handed over by its focal point
    client.force_login(world["focal_ir"])
    response = client.post(reverse("reporting:account"), {"take_back": str(assignment.pk)}, follow=True)
    assert response.status_code == 200
    assert "Only the focal point of Testland QZ ends its hand-overs." in response.content.decode()
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_take_back_of_own_hand_over_still_ends_it(client, world):
    assignment = contributor_assignment(world)
    client.force_login(world["focal_kz"])
    response = client.post(reverse("reporting:account"), {"take_back": f" {assignment.pk} "}, follow=True)
    assert "Hand-over ended." in response.content.decode()
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
