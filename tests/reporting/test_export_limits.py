"""Until exports run in the background: anonymous exports name a plan and are throttled by address
(scope `exports`, one count for the browser downloads and the API); signed-in users are neither."""
import re

import pytest
from rest_framework.test import APIClient

CHOOSE = "Choose a plan: visitors who are not signed in export one plan at a time"
BROWSER = ("/exports/progress.xlsx", "/exports/progress.csv")
API = ("/api/v1/exports/progress.xlsx", "/api/v1/exports/progress.csv", "/api/v1/exports/progress.json")


@pytest.fixture
def two_exports_an_hour(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "exports": "2/hour"}}


@pytest.mark.parametrize("url", API)
def test_anonymous_api_export_without_a_plan_answers_400(world, url):
    response = APIClient().get(url)
    assert response.status_code == 400
    [sentence] = response.json()["plan"]
    assert sentence.startswith(CHOOSE)


@pytest.mark.parametrize("url", BROWSER)
def test_anonymous_browser_export_without_a_plan_goes_back_with_the_message(client, world, url):
    response = client.get(url, {"country": "QZ"}, HTTP_REFERER="http://testserver/activities/?country=QZ",
                          follow=True)
    assert response.redirect_chain == [("http://testserver/activities/?country=QZ", 302)]
    assert CHOOSE in response.content.decode()


def test_signed_in_users_export_every_plan(client, world):
    client.force_login(world["observer"])
    assert client.get("/exports/progress.csv").status_code == 200
    api = APIClient()
    api.force_authenticate(world["observer"])
    assert api.get("/api/v1/exports/progress.json").status_code == 200


def test_anonymous_exports_are_throttled_with_one_count_for_browser_and_api(client, world, two_exports_an_hour):
    assert client.get("/exports/progress.csv", {"plan": "test-plan"}).status_code == 200
    assert APIClient().get("/api/v1/exports/progress.json", {"plan": "test-plan"}).status_code == 200

    response = client.get("/exports/progress.xlsx", {"plan": "test-plan"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 3000
    assert re.search(r"Too many exports from your address: try again in \d+ minutes, or sign in\.",
                     response.content.decode())

    response = APIClient().get("/api/v1/exports/progress.csv", {"plan": "test-plan"})
    assert response.status_code == 429
    assert re.fullmatch(r"Too many exports from your address: try again in \d+ minutes, or sign in\.",
                        response.json()["detail"])


def test_refused_for_a_missing_plan_does_not_count(client, world, two_exports_an_hour):
    for _ in range(3):
        assert APIClient().get("/api/v1/exports/progress.json").status_code == 400
        client.get("/exports/progress.csv")
    assert client.get("/exports/progress.csv", {"plan": "test-plan"}).status_code == 200


def test_signed_in_exports_are_not_throttled(client, world, two_exports_an_hour):
    client.force_login(world["observer"])
    for _ in range(3):
        assert client.get("/exports/progress.csv", {"plan": "test-plan"}).status_code == 200


def test_the_lists_offer_anonymous_visitors_export_links_once_a_plan_is_chosen(client, world):
    page = client.get("/activities/").content.decode()
    assert "choose a plan in the filters, or sign in to export every plan" in page
    assert "/exports/progress.xlsx" not in page
    page = client.get("/activities/", {"plan": "test-plan"}).content.decode()
    assert "/exports/progress.xlsx?" in page and "plan=test-plan" in page
    client.force_login(world["observer"])
    # Every plan: prepared in the background (a form that starts the job), one plan still at once.
    page = client.get("/progress/").content.decode()
    assert 'action="/exports/jobs/?version=working"' in page and "/exports/progress.xlsx?" not in page
    assert "/exports/progress.xlsx?" in client.get("/progress/", {"plan": "test-plan"}).content.decode()
