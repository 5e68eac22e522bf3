"""The strict Content-Security-Policy in real Chromium: the API docs (Swagger UI, scripts from /static/ and
its init script as a separate request), the admin and a dashboard work and the browser reports no
violation ("Refused to ..." on the console)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import sign_in


# Chromium writes its "Refused to ..." lines to the DevTools log, which Playwright does not relay; the
# page's securitypolicyviolation events say the same through the console (an init script is not subject
# to the page's policy).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => console.error(
    `Refused to load or run ${event.blockedURI || "inline code"}: ${event.violatedDirective} (${event.sourceFile}:${event.lineNumber})`));
"""


@pytest.fixture
def violations(page):
    """Every CSP refusal in the page, as console messages "Refused to ..."."""
    found: list[str] = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: found.append(message.text) if "Refused to" in message.text else None)
    page.on("pageerror", lambda error: found.append(f"page error: {error}"))
    return found


def test_api_docs_render_under_the_policy(page, demo_site, violations):
    response = page.goto("/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("CAMI action-plan tracker API")
    page.get_by_role("link", name="/api/v1/plans/", exact=True).click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    assert violations == []


def test_admin_works_under_the_policy(page, demo_site, violations):
    sign_in(page, "secretariat")
    page.goto("/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto("/admin/actionplans/activity/")
    expect(page.locator("#result_list")).to_be_visible()
    page.locator("#result_list tbody input.action-select").first.check()  # the admin's own script
    expect(page.locator(".action-counter")).to_contain_text("1 of")
    assert violations == []


def test_dashboard_renders_under_the_policy(page, demo_site, violations):
    page.goto("/dashboards/plans/argali/")
    expect(page.locator("svg.dash-bar").first).to_be_visible()
    # The stylesheet applied (from /static/, no inline style): the bars are drawn with their colours.
    fill = page.locator("svg.dash-bar rect").first.evaluate("rect => getComputedStyle(rect).fill")
    assert fill and fill != "rgb(0, 0, 0)"
    assert violations == []


def test_browsable_api_and_sign_in_page_under_the_policy(page, demo_site, violations):
    page.goto("/api/v1/activities/?plan=argali")
    expect(page.locator(".response-info")).to_contain_text("argali")
    page.get_by_role("button", name="Filters").click()  # DRF's Bootstrap script, from /static/
    expect(page.locator("#filtersModal")).to_be_visible()
    page.goto("/accounts/login/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert violations == []
