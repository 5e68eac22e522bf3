"""The published version in headless Chromium: while Kazakhstan corrects its validated report, an anonymous
visitor's dashboard, printable report, API and export stay as validated; validating again publishes it."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_print import NARRATIVE, validated_kazakh_report
from tests.e2e.test_reporting_flow import activity_row


def _public_views(visitor, round_id: int) -> dict:
    """What an anonymous visitor reads: each page's main text, the API's and the export's JSON."""
    views = {}
    for name, url in [("dashboard", "/dashboards/plans/argali/"), ("print", f"/rounds/{round_id}/KZ/print/")]:
        visitor.goto(url)
        views[name] = visitor.locator("main").inner_text()
    api = visitor.request.get("/api/v1/progress/?plan=argali&country=KZ")
    assert api.ok
    views["api"] = sorted((row["activity_code"], row["status"], row["narrative"], row["version"])
                          for row in api.json()["results"])
    export = visitor.request.get("/api/v1/exports/progress.json?plan=argali&country=KZ")
    assert export.ok
    views["export"] = sorted((row["activity_code"], row["status"], row["narrative"]) for row in export.json()
                             if row["status"] != "No information")
    return views


def test_the_published_version_stays_public_while_a_correction_is_in_review(page, browser, demo_site):
    round_id = validated_kazakh_report(demo_site)
    visitor = browser.new_context(base_url=demo_site["url"], locale="en-GB").new_page()
    before = _public_views(visitor, round_id)
    assert ("3.1", "In progress", NARRATIVE) in before["export"]

    # The focal point corrects Measure 3.1 in the browser: the report is reopened for corrections.
    sign_in(page, "focal-kz")
    page.goto(f"/rounds/{round_id}/KZ/?conservation_unit=2&priority_level=high")
    row = activity_row(page, "Measure 3.1")
    row.get_by_label("Status").select_option(label="Completed")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved 1 change.")).to_be_visible()
    row = activity_row(page, "Measure 3.1")
    expect(row.get_by_text("changed since validation")).to_be_visible()
    row.get_by_text("changed since validation").click()
    expect(row).to_contain_text("Published version: In progress")

    # Submitted again, it waits in the queue with its difference; the visitor still reads the validated report.
    page.get_by_role("link", name="Submit the report…").click()
    page.get_by_role("button", name="Submit to the Secretariat").click()
    assert _public_views(visitor, round_id) == before
    visitor.goto(f"/rounds/{round_id}/KZ/print/")
    expect(visitor.locator("main")).not_to_contain_text("Not validated")

    sign_in(page, "secretariat")
    page.goto("/validation/")
    queued = page.locator("table.differences tbody tr")
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text("Measure 3.1")
    expect(queued).to_contain_text("In progress")
    expect(queued).to_contain_text("Completed")
    page.get_by_text("Validate…").click()
    page.get_by_role("button", name="Confirm validation").click()
    expect(page.get_by_text("Report validated.")).to_be_visible()

    after = _public_views(visitor, round_id)
    assert ("3.1", "Completed", NARRATIVE) in after["export"]
    assert after["print"] != before["print"]
    visitor.context.close()
