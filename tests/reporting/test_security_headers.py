"""Every kind of page sends the strict Content-Security-Policy and the other security headers, and
none carries an inline script or style (which the policy would block)."""
import re

import pytest

POLICY = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "font-src": "'self'", "connect-src": "'self'", "object-src": "'none'", "base-uri": "'self'",
    "form-action": "'self'", "frame-ancestors": "'none'",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)


def pages(world):
    round, kz, activity = world["round"].pk, "QZ", world["in_unit"].pk
    return {
        "plan list": "/", "plan": "/plans/test-plan/", "activity list": "/activities/",
        "activity": f"/activities/{activity}/", "reporting home": "/home/", "country report": f"/rounds/{round}/{kz}/",
        "activity report": f"/rounds/{round}/{kz}/activities/{activity}/", "validation queue": "/validation/",
        "rounds": "/rounds/", "progress": "/progress/", "account": "/account/",
        "plan dashboard": "/dashboards/plans/test-plan/", "dashboard rows": f"/dashboards/plans/test-plan/rows/?round={round}",
        "country dashboard": f"/dashboards/countries/{kz}/", "printable report": f"/rounds/{round}/{kz}/print/",
        "admin": "/admin/", "admin list": "/admin/actionplans/activity/", "browsable API": "/api/v1/plans/",
        "API docs": "/api/docs/",
    }


def assert_secure_headers(response):
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy == POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def assert_no_inline_code(html):
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html), re.search(r".{60}\sstyle=.{60}", html, re.S)
    assert not re.search(r"\son[a-z]+=", html)


def test_every_page_type_sends_the_policy_and_has_no_inline_code(client, world):
    secretariat = world["secretariat"]
    secretariat.is_superuser = True  # for the admin's model lists
    secretariat.save()
    client.force_login(secretariat)
    for name, url in pages(world).items():
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, (name, response.status_code)
        assert_secure_headers(response)
        assert_no_inline_code(response.content.decode())


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/api/v1/activities/?format=json"])
def test_anonymous_pages_and_json_send_the_policy(client, world, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_secure_headers(response)


def test_the_api_docs_load_their_init_script_separately(client, db):
    html = client.get("/api/docs/").content.decode()
    [script] = re.findall(r'<script src="([^"]*script=[^"]*)"', html)
    response = client.get(script.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()
