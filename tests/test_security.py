"""Sign-in lockout (django-axes), the token endpoint's throttle, the HTTPS defaults and the cache switch.

Axes is on in every test, as in production: the tests sign in with force_login, and the pages' own
sign-ins (tests/e2e) pass the request. Each test has its own empty cache (tests/conftest.py).
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient

from cami.settings import cache_from_url

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
LOCKED = "Signing in is locked after 5 failed attempts from your address."


@pytest.fixture
def account(db, settings):
    settings.AXES_FAILURE_LIMIT = 5
    return get_user_model().objects.create_user("focal-t", password="right-password")


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_wrong_passwords_lock_the_sign_in_page_until_axes_reset(client, account):
    for _ in range(5):
        response = sign_in(client, "focal-t", "wrong")
    assert response.status_code == 429
    response = sign_in(client, "focal-t", "right-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page and "Try again in 15 minutes" in page and "CMS Secretariat" in page
    assert response["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session

    call_command("axes_reset", verbosity=0)
    response = sign_in(client, "focal-t", "right-password")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(account.pk)


def test_a_locked_address_is_locked_for_every_account(client, account):
    get_user_model().objects.create_user("other-t", password="other-password")
    for number in range(5):
        sign_in(client, f"guess-{number}", "wrong")
    assert sign_in(client, "other-t", "other-password").status_code == 429


def test_a_success_clears_only_that_accounts_failures(client, account):
    """Knowing one password must not wipe the address's count of guesses at another account."""
    get_user_model().objects.create_user("attacker-t", password="own-password")
    for _ in range(3):
        sign_in(client, "focal-t", "wrong")
    assert sign_in(client, "attacker-t", "own-password").status_code == 302
    client.logout()
    for _ in range(2):
        sign_in(client, "focal-t", "wrong")
    assert sign_in(client, "focal-t", "right-password").status_code == 429


def test_a_success_forgets_the_accounts_own_typos(client, account):
    for _ in range(4):
        sign_in(client, "focal-t", "wrong")
    assert sign_in(client, "focal-t", "right-password").status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "focal-t", "wrong")
    assert sign_in(client, "focal-t", "right-password").status_code == 302


def test_the_token_endpoint_counts_failures_and_answers_429_with_the_sentence(account):
    client = APIClient()
    for _ in range(5):
        response = client.post(TOKEN, {"username": "focal-t", "password": "wrong"}, format="json")
    assert response.status_code == 429
    response = client.post(TOKEN, {"username": "focal-t", "password": "right-password"}, format="json")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith(LOCKED)
    assert response["Retry-After"] == "900"

    call_command("axes_reset_username", "focal-t", verbosity=0)
    response = client.post(TOKEN, {"username": "focal-t", "password": "right-password"}, format="json")
    assert response.status_code == 200 and response.json()["token"]


def test_failures_on_the_page_and_the_token_endpoint_add_up(client, account):
    for _ in range(3):
        sign_in(client, "focal-t", "wrong")
    for _ in range(2):
        APIClient().post(TOKEN, {"username": "focal-t", "password": "wrong"}, format="json")
    assert sign_in(client, "focal-t", "right-password").status_code == 429


def test_the_admin_lists_access_attempts(client, account):
    sign_in(client, "focal-t", "wrong")
    client.force_login(get_user_model().objects.create_superuser("admin-t", password="pw"))
    response = client.get("/admin/axes/accessattempt/")
    assert response.status_code == 200
    assert "focal-t" in response.content.decode()


def test_the_demo_accounts_still_sign_in(client, real_plans):
    from reporting.demo import demo_data_load

    demo_data_load()
    for username in ("secretariat", "focal-kz", "observer"):
        client.logout()
        response = sign_in(client, username, "demo")
        assert response.status_code == 302, username


def test_the_token_endpoint_is_throttled_by_address(settings, account):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "login": "2/minute"}}
    client = APIClient()
    for _ in range(2):
        assert client.post(TOKEN, {"username": "focal-t", "password": "right-password"}).status_code == 200
    response = client.post(TOKEN, {"username": "focal-t", "password": "right-password"})
    assert response.status_code == 429
    assert re.fullmatch(r"Too many sign-in requests from your address: try again in \d+ seconds\.",
                        response.json()["detail"])
    assert int(response["Retry-After"]) > 0


def test_anonymous_api_use_is_throttled_and_signed_in_use_is_not(settings, account):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "anon": "3/minute"}}
    client = APIClient()
    for _ in range(3):
        assert client.get("/api/v1/plans/").status_code == 200
    response = client.get("/api/v1/plans/")
    assert response.status_code == 429
    assert "Expected available in" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    client.force_authenticate(account)
    assert client.get("/api/v1/plans/").status_code == 200


def test_addresses_behind_the_proxy_are_told_apart(settings, account):
    """With PROXY_COUNT=1 the address the proxy appended counts, not what the client claims before it."""
    from cami.security import client_ip
    from django.test import RequestFactory

    settings.PROXY_COUNT = 1
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.9", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "203.0.113.9"
    settings.PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"


# --- HTTPS and check --deploy ----------------------------------------------------------------------

def _readme_production_environment() -> dict[str, str]:
    """The variables the README's Production section exports, with sample values for its placeholders."""
    readme = (ROOT / "README.md").read_text()
    production = readme.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    [line] = [line.strip() for line in production.splitlines() if line.strip().startswith("export ")]
    names = [item.split("=", 1)[0] for item in line.removeprefix("export ").split()]
    samples = {
        "DEBUG": "0",
        "SECRET_KEY": "k3y-for-the-deploy-check-Xw9!pQ2@vL7#tR4$zN8%mB5^cJ1&hF6*",
        "ALLOWED_HOSTS": "tracker.example.org",
        "DATABASE_URL": "postgres://cami@localhost:5432/cami",
    }
    assert set(names) <= samples.keys(), f"the README exports {names}: give the new ones a sample value here"
    return {name: samples[name] for name in names}


def test_check_deploy_is_clean_with_the_readmes_production_environment():
    environment = _readme_production_environment()
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"} <= environment.keys()
    assert len(environment["SECRET_KEY"]) >= 50
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **environment},
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_production_redirects_to_https_and_sends_hsts(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True  # tests/conftest.py turns it off for plain http
    response = client.get("/activities/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/activities/"
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.parametrize(("url", "backend", "location"), [
    ("db://cami_cache", "django.core.cache.backends.db.DatabaseCache", "cami_cache"),
    ("locmem://", "django.core.cache.backends.locmem.LocMemCache", ""),
    ("redis://cache:6379/1", "django.core.cache.backends.redis.RedisCache", "redis://cache:6379/1"),
])
def test_cache_url(url, backend, location):
    assert cache_from_url(url) == {"BACKEND": backend, "LOCATION": location}


def test_an_unknown_cache_url_is_refused():
    with pytest.raises(ValueError, match="CACHE_URL"):
        cache_from_url("memcached://cache:11211")


def test_the_admin_sign_in_is_locked_too(client, account):
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "focal-t", "password": "wrong"})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert sign_in(client, "focal-t", "right-password").status_code == 429
