"""The printable national report and the dashboards in headless Chromium: what prints, the PDF the
browser saves, and dashboards that work without JavaScript."""
from __future__ import annotations

import re

from playwright.sync_api import expect

NARRATIVE = "Joint monitoring with the Kyrgyz rangers in the Western Tien Shan, autumn 2025."


def validated_kazakh_report(demo_site) -> int:
    """Kazakhstan reports two Argali measures (one with public and restricted evidence), submits, and the
    Secretariat validates. Returns the round id."""
    from django.contrib.auth import get_user_model

    from actionplans.models import Activity
    from conservation_units.models import Country
    from reporting import services
    from reporting.models import CountryReport, ReportingRound

    users = get_user_model().objects
    focal, secretariat = users.get(username="focal-kz"), users.get(username="secretariat")
    round = ReportingRound.objects.get(pk=demo_site["rounds"]["argali"])
    kazakhstan = Country.objects.get(code="KZ")
    measures = {code: Activity.objects.get(plan__slug="argali", kind="measure", code=code) for code in ("3.1", "3.2")}
    report = services.progress_report_record(
        round=round, activity=measures["3.1"], country=kazakhstan, user=focal,
        values=services.ProgressInput(status="in_progress", narrative=NARRATIVE))
    services.progress_report_record(round=round, activity=measures["3.2"], country=kazakhstan, user=focal,
                                    values=services.ProgressInput(status="completed"))
    services.evidence_add(report=report, user=focal, title="Monitoring report 2025", visibility="public",
                          url="https://example.org/argali/monitoring-2025.pdf")
    services.evidence_add(report=report, user=focal, title="Den and lambing sites", visibility="restricted",
                          url="https://example.org/argali/sites.kml")
    country_report = CountryReport.objects.get(round=round, country=kazakhstan)
    services.country_report_submit(country_report=country_report, user=focal)
    services.country_report_validate(country_report=country_report, user=secretariat)
    return round.pk


def pdf_title(pdf: bytes) -> str:
    """The document title Chromium writes into the PDF's Info dictionary (UTF-16 hex or a literal string)."""
    match = re.search(rb"/Title\s*(<[0-9A-Fa-f]*>|\((?:\\.|[^\\)])*\))", pdf)
    assert match, "the PDF has no title"
    raw = match.group(1)
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode())
        return data[2:].decode("utf-16-be") if data.startswith(b"\xfe\xff") else data.decode("latin-1")
    return raw[1:-1].decode("latin-1")


def pdf_page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height in points of each page object."""
    return [(float(width), float(height)) for width, height in
            re.findall(rb"/Type\s*/Page\b(?!s).*?/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf, re.S)]


def test_anonymous_visitor_prints_the_validated_national_report_to_pdf(page, demo_site):
    round_id = validated_kazakh_report(demo_site)
    page.goto(f"/rounds/{round_id}/KZ/print/")
    expect(page.get_by_role("heading", level=1)).to_have_text("National report of Kazakhstan")
    expect(page.locator("header.site-header")).to_be_visible()  # on screen, the site's navigation is there
    expect(page.get_by_text(NARRATIVE)).to_be_visible()
    expect(page.get_by_role("link", name="Monitoring report 2025")).to_be_visible()
    expect(page.get_by_text("Den and lambing sites")).to_have_count(0)  # restricted: not for anonymous visitors

    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("link", name="Back to the report")).to_be_hidden()
    expect(page.get_by_text(NARRATIVE)).to_be_visible()
    # A row is never split across two pages.
    assert page.locator("tr.nr-row").first.evaluate("row => getComputedStyle(row).breakInside") == "avoid"

    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF-")
    sizes = pdf_page_sizes(pdf)
    assert len(sizes) >= 1
    assert all(abs(width - 595.3) < 2 and abs(height - 841.9) < 2 for width, height in sizes), sizes  # A4
    assert "Kazakhstan" in pdf_title(pdf)


def test_focal_point_sees_the_restricted_evidence_in_the_printed_report(page, demo_site):
    from tests.e2e.conftest import sign_in

    round_id = validated_kazakh_report(demo_site)
    sign_in(page, "focal-kz")
    page.goto(f"/rounds/{round_id}/KZ/print/")
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Den and lambing sites")).to_be_visible()


def test_dashboards_work_without_javascript_and_print_without_the_controls(browser, live_server, demo_site):
    round_id = validated_kazakh_report(demo_site)
    context = browser.new_context(base_url=live_server.url, locale="en-GB", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/plans/argali/")
        page.get_by_role("link", name="Dashboard", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Argali Action Plan: dashboard")
        # The heat-map: Kazakhstan's "Completed" cell reads 1 and leads to its one completed activity.
        kazakhstan = page.locator("table.dash-heatmap tbody tr").filter(
            has=page.get_by_role("rowheader", name="Kazakhstan", exact=True))
        completed = kazakhstan.locator("td").nth(2)
        expect(completed).to_contain_text("1")
        completed.get_by_role("link").click()
        expect(page).to_have_url(re.compile(rf"/rounds/{round_id}/KZ/\?status=completed$"))
        expect(page.get_by_text("1 activity shown")).to_be_visible()

        page.goto("/dashboards/countries/KZ/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Kazakhstan: dashboard")
        page.get_by_role("link", name="Print or save as PDF").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("National report of Kazakhstan")
    finally:
        context.close()
