"""Every view that sends the user back to a ``next`` address (or the Referer) stays on this site:
a foreign address falls back to the view's own page, a local one is still followed."""
import pytest
from django.urls import reverse

from cami.redirects import safe_next
from reporting import services
from reporting.models import CountryReport
from reporting.services import ProgressInput

EVIL = ["https://evil.example/", "//evil.example/path", "http://evil.example", "https:evil.example",
        "/\\evil.example", " https://evil.example", "javascript:alert(1)"]
LOCAL = "/validation/?page=1"


def _submitted_kz_report(world):
    services.progress_report_record(round=world["round"], activity=world["everywhere"], country=world["kz"],
                                    user=world["focal_kz"], values=ProgressInput(status="in_progress"))
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    return country_report


WORKFLOW = [("withdraw", "focal_kz", {}), ("validate", "secretariat", {}),
            ("return", "secretariat", {"comment": "Add the survey report"})]


@pytest.mark.parametrize("next_url", EVIL)
@pytest.mark.parametrize(("view", "user", "data"), WORKFLOW)
def test_workflow_view_ignores_a_foreign_next(client, world, view, user, data, next_url):
    country_report = _submitted_kz_report(world)
    client.force_login(world[user])
    response = client.post(reverse(f"reporting:{view}", args=[world["round"].pk, "QZ"]),
                           {**data, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == country_report.get_absolute_url()
    assert CountryReport.objects.get().state != "submitted"  # the step itself was taken


@pytest.mark.parametrize(("view", "user", "data"), WORKFLOW)
def test_workflow_view_follows_a_local_next(client, world, view, user, data):
    _submitted_kz_report(world)
    client.force_login(world[user])
    response = client.post(reverse(f"reporting:{view}", args=[world["round"].pk, "QZ"]), {**data, "next": LOCAL})
    assert (response.status_code, response["Location"]) == (302, LOCAL)


@pytest.mark.parametrize("view", ["reporting:export_xlsx", "reporting:export_csv"])
def test_export_with_a_bad_parameter_goes_back_only_to_a_local_referrer(client, world, view):
    url = reverse(view)
    foreign = client.get(url, {"plan": "no-such-plan"}, headers={"referer": "https://evil.example/list"})
    assert foreign["Location"] == reverse("reporting:progress_list")
    local = client.get(url, {"plan": "no-such-plan"}, headers={"referer": "http://testserver/activities/?kind=x"})
    assert local["Location"] == "http://testserver/activities/?kind=x"


def test_language_switch_ignores_a_foreign_next(client):
    response = client.post(reverse("reporting:language_set"), {"language": "ru", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]
    response = client.post(reverse("reporting:language_set"), {"language": "en", "next": "/progress/"})
    assert response["Location"] == "/progress/"


def test_sign_in_ignores_a_foreign_next(client, world):
    response = client.post(reverse("login"), {"username": "observer-t", "password": "pw",
                                              "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]
    # Signed in all the same, and sent to the usual page after signing in.
    assert response["Location"] == reverse("reporting:home")
    assert client.get(reverse("reporting:home")).context["user"].username == "observer-t"


def test_safe_next_wants_https_on_a_secure_request(rf):
    request = rf.post("/", {"next": "http://testserver/home/"}, secure=True)
    assert safe_next(request, "/fallback/") == "/fallback/"
    request = rf.post("/", {"next": "https://testserver/home/"}, secure=True)
    assert safe_next(request, "/fallback/") == "https://testserver/home/"
