"""The user's own account: API tokens issued and revoked, the interface language remembered
(reporting/services/account.py api_token_*, user_language_save; used by the account page, the token endpoint
and the language switch)."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reporting import services
from reporting.models import Profile


def _works(token_key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_key}")
    return client.get("/api/v1/progress/").status_code == 200


def test_issuing_a_token_replaces_the_old_one(world):
    old = services.api_token_issue(user=world["focal_kz"])
    new = services.api_token_issue(user=world["focal_kz"])
    assert old.key != new.key
    assert list(Token.objects.filter(user=world["focal_kz"])) == [new]
    assert _works(new.key) and not _works(old.key)


def test_a_token_that_cannot_be_issued_leaves_the_old_one_working(world, monkeypatch):
    """Revoking the old token and creating the new one are one transaction."""
    old = services.api_token_issue(user=world["focal_kz"])

    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Token.objects, "create", fail)
    with pytest.raises(RuntimeError):
        services.api_token_issue(user=world["focal_kz"])
    assert list(Token.objects.filter(user=world["focal_kz"])) == [old]


def test_revoking_a_token_stops_it_working(world):
    token = services.api_token_issue(user=world["focal_kz"])
    assert services.api_token_revoke(user=world["focal_kz"]) is True
    assert not Token.objects.filter(user=world["focal_kz"]).exists() and not _works(token.key)
    assert services.api_token_revoke(user=world["focal_kz"]) is False


def test_the_token_endpoint_answers_the_same_token_until_it_is_revoked(world):
    first = services.api_token_get_or_issue(user=world["focal_kz"])
    assert services.api_token_get_or_issue(user=world["focal_kz"]) == first
    response = APIClient().post("/api/v1/auth/token/", {"username": "focal-kz-t", "password": "pw"}, format="json")
    assert response.json() == {"token": first.key}


def test_the_account_page_issues_and_revokes_the_token(client, world):
    client.force_login(world["focal_kz"])
    client.post(reverse("reporting:account"), {"token": "create"})
    first = Token.objects.get(user=world["focal_kz"])
    response = client.post(reverse("reporting:account"), {"token": "create"}, follow=True)
    assert "A new API token was issued; the old one no longer works." in response.content.decode()
    second = Token.objects.get(user=world["focal_kz"])
    assert second.key != first.key
    response = client.post(reverse("reporting:account"), {"token": "revoke"}, follow=True)
    assert "Your API token was revoked." in response.content.decode()
    assert not Token.objects.filter(user=world["focal_kz"]).exists()


def test_the_chosen_language_is_remembered_on_the_profile(world):
    services.user_language_save(user=world["focal_kz"], language="ru")
    services.user_language_save(user=world["focal_kz"], language="en")
    assert Profile.objects.get(user=world["focal_kz"]).language == "en"


def test_a_language_the_tracker_does_not_have_is_refused_naming_language(world):
    with pytest.raises(ValidationError) as error:
        services.user_language_save(user=world["focal_kz"], language="xx")
    assert list(error.value.message_dict) == ["language"]
    assert not Profile.objects.exists()


def test_the_language_switch_ignores_an_unknown_language(client, world):
    client.force_login(world["focal_kz"])
    response = client.post(reverse("reporting:language_set"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").content.decode()


def test_the_header_switch_does_not_change_the_saved_preference(client, world):
    client.force_login(world["focal_kz"])
    client.post(reverse("reporting:language_set"), {"language": "ru", "next": "/"})
    assert '<html lang="ru">' in client.get("/").content.decode()
    assert not Profile.objects.exists()
