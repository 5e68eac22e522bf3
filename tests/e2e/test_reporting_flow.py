"""A round of national reporting as people do it in the browser (the issue's scenario).

The Kazakh focal point filters the Argali report, reports a Western Tien Shan measure and submits; the
Secretariat validates; an observer and Iran's focal point see Kazakhstan's report without any way to
change it, and a forged form post is refused; the interface switches to Russian.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- Helpers ----------------------------------------------------------------------------------

def report_url(demo_site, plan_slug: str, country: str) -> str:
    return f"/rounds/{demo_site['rounds'][plan_slug]}/{country}/"


def activity_row(page, name: str):
    """The row of the country report whose link reads ``name`` ("Measure 3.1")."""
    return page.locator("table.report tbody tr").filter(has=page.get_by_role("link", name=name, exact=True))


def report_state(page):
    return page.locator(".report-status .state")


def argali_measure(code: str):
    from actionplans.models import Activity

    return Activity.objects.get(plan__slug="argali", kind="measure", code=code)


def progress_of(activity, country: str):
    from reporting.models import ProgressReport

    return ProgressReport.objects.filter(activity=activity, country_report__country__code=country).first()


def record_status(*, username: str, round_id: int, activity, country: str, status: str):
    """Save a status through the services, as the page would (for the set-up of a test)."""
    from django.contrib.auth import get_user_model

    from conservation_units.models import Country
    from reporting import services
    from reporting.models import ReportingRound

    report = progress_of(activity, country)
    return services.progress_report_record(
        round=ReportingRound.objects.get(pk=round_id), activity=activity, country=Country.objects.get(code=country),
        user=get_user_model().objects.get(username=username), values=services.ProgressInput(status=status),
        expected_version=report.version if report else 0,
    )


def forge_status_post(page, url: str, *, activity_id: int, status: str, version: int):
    """Post the inline status form by hand (no control on the page), with the CSRF token of the cookie."""
    token = next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "csrftoken")
    return page.request.post(url, form={
        "csrfmiddlewaretoken": token, f"status-{activity_id}": status, f"version-{activity_id}": str(version),
        "save": str(activity_id),
    }, headers={"Referer": page.url}, max_redirects=0)


def assert_no_edit_controls(page):
    """A country report read by someone who may not change it: statuses as text, no select, no save."""
    rows = page.locator("table.report tbody tr[id^='row-']")
    expect(rows.first).to_be_visible()
    expect(page.locator("table.report select")).to_have_count(0)
    expect(page.locator("form.report-rows").get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("link", name="Submit the report…")).to_have_count(0)


# --- The scenario -----------------------------------------------------------------------------

def test_focal_point_reports_and_submits_then_the_secretariat_validates(page, demo_site, tmp_path):
    argali = report_url(demo_site, "argali", "KZ")

    # 1. The Kazakh focal point opens Kazakhstan's Argali report from the home page.
    sign_in(page, "focal-kz")
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.get_by_role("link", name=re.compile(r"^Argali Action Plan: ")).click()
    expect(page).to_have_url(re.compile(re.escape(argali) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Kazakhstan: "))
    expect(report_state(page)).to_have_text("Not started")

    # Filters. Priority level High alone: the High activities of every unit (no unit is sent unasked).
    expect(page.get_by_text("101 activities shown")).to_be_visible()
    filters = page.locator("form.filters")
    filters.get_by_role("group", name="Priority level").get_by_label("High", exact=True).check()
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"[?&]priority_level=high(&|$)"))
    assert not re.search(r"[?&]conservation_unit=[^&]", page.url), f"a unit nobody chose was sent: {page.url}"
    expect(page.get_by_text("51 activities shown")).to_be_visible()

    # Then conservation unit 2 (Western Tien Shan) too; the URL keeps both.
    filters = page.locator("form.filters")
    expect(filters.get_by_role("group", name="Priority level").get_by_label("High", exact=True)).to_be_checked()
    filters.get_by_label("Conservation unit").select_option(label="2) Western Tien Shan")
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"[?&]conservation_unit=2(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]priority_level=high(&|$)"))
    filtered_url = page.url
    rows = page.locator("table.report tbody tr[id^='row-']")
    expect(rows).to_have_count(2)
    expect(rows.get_by_role("link")).to_have_text(["Measure 3.1", "Measure 3.2"])
    expect(page.get_by_text("2 activities shown")).to_be_visible()
    expect(page.locator("form.filters").get_by_label("Conservation unit")).to_have_value("2")

    # Inline: 3.1 is In progress.
    row = activity_row(page, "Measure 3.1")
    row.get_by_label("Status").select_option(label="In progress")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved 1 change.")).to_be_visible()
    expect(page).to_have_url(filtered_url)
    row = activity_row(page, "Measure 3.1")
    expect(row.get_by_label("Status")).to_have_value("in_progress")
    expect(row).to_contain_text("focal-kz")
    expect(activity_row(page, "Measure 3.2").get_by_label("Status")).to_have_value("")
    expect(report_state(page)).to_have_text("Draft")
    expect(page.get_by_text("1 of 101 activities reported")).to_be_visible()

    # 6. A full-page screenshot of the country report, kept in tmp_path for debugging.
    shot = tmp_path / "country-report-kz.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000, f"{shot} is not a full-page PNG"

    # Its page: a narrative and a link as evidence; both show in the History.
    row.get_by_role("link", name="Measure 3.1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Measure 3.1 — Kazakhstan")
    expect(page.get_by_label("Status")).to_have_value("in_progress")
    narrative = "Joint monitoring with the Kyrgyz rangers in the Western Tien Shan, autumn 2025."
    page.get_by_label("What was done").fill(narrative)
    page.get_by_role("button", name="Save report").click()
    expect(page.get_by_text("Report saved.")).to_be_visible()
    expect(page.get_by_label("What was done")).to_have_value(narrative)

    page.get_by_label("Title").fill("Monitoring report 2025")
    page.get_by_label("Link").fill("https://example.org/argali/monitoring-2025.pdf")
    page.get_by_label("Who may see it").select_option("public")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Evidence added.")).to_be_visible()
    evidence = page.locator("ul.evidence")
    expect(evidence.get_by_role("link", name="Monitoring report 2025")).to_be_visible()

    history = page.locator("table.history tbody")
    expected = [("Status", "In progress"), ("What was done", narrative), ("Evidence", "Monitoring report 2025")]
    for field, after in expected:
        change = history.locator("tr").filter(has=page.get_by_role("cell", name=field, exact=True))
        expect(change).to_have_count(1)
        expect(change).to_contain_text(after)
    expect(history).to_contain_text("focal-kz")

    # Submit the report.
    page.get_by_role("link", name=re.compile(r"^Kazakhstan: ")).click()
    page.get_by_role("link", name="Submit the report…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit the report of Kazakhstan")
    page.get_by_role("button", name="Submit to the Secretariat").click()
    expect(page.get_by_text("The report of Kazakhstan is submitted to the Secretariat.")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(argali) + "$"))
    expect(report_state(page)).to_have_text("Submitted")
    # Submitted, it waits for the Secretariat: the activities are shown without the forms a save would refuse.
    assert_no_edit_controls(page)
    expect(activity_row(page, "Measure 3.1")).to_contain_text("In progress")
    expect(page.get_by_text("The report of Kazakhstan is submitted and waits for the Secretariat: withdraw it "
                            "to edit.")).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw")).to_be_visible()

    # 2. The Secretariat finds it in the validation queue and validates it.
    sign_in(page, "secretariat")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Validation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports waiting for validation")
    queued = page.get_by_role("row").filter(has=page.get_by_role("link", name="Kazakhstan", exact=True))
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text("Argali Action Plan")
    queued.get_by_text("Validate…").click()  # validating asks for a confirmation first
    expect(queued.get_by_text("Its values become the published version")).to_be_visible()
    queued.get_by_role("button", name="Confirm validation").click()
    expect(page.get_by_text("Report validated.")).to_be_visible()
    expect(page.get_by_text("No report waits for validation.")).to_be_visible()
    page.goto(argali)
    expect(report_state(page)).to_have_text("Validated")
    expect(activity_row(page, "Measure 3.1")).to_contain_text("In progress")

    # 2b. The focal point corrects the validated report: it is reopened for corrections, out of the
    # Secretariat's queue, until submitted again.
    sign_in(page, "focal-kz")
    page.goto(argali + "?conservation_unit=2&priority_level=high")
    row = activity_row(page, "Measure 3.1")
    row.get_by_label("Status").select_option(label="Completed")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved 1 change.")).to_be_visible()
    expect(report_state(page)).to_have_text("Reopened for corrections")
    expect(activity_row(page, "Measure 3.1").get_by_label("Status")).to_have_value("completed")
    sign_in(page, "secretariat")
    page.goto("/validation/")
    expect(page.get_by_text("No report waits for validation.")).to_be_visible()
    sign_in(page, "focal-kz")
    page.goto(argali)
    page.get_by_role("link", name="Submit the report…").click()
    page.get_by_role("button", name="Submit to the Secretariat").click()
    expect(report_state(page)).to_have_text("Submitted")
    sign_in(page, "secretariat")
    page.goto("/validation/")
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name="Kazakhstan", exact=True))).to_have_count(1)


def test_observer_and_another_countrys_focal_point_cannot_change_kazakhstan(page, demo_site):
    from django.contrib.auth import get_user_model

    from reporting import services
    from reporting.models import CountryReport, ProgressChange

    # Kazakhstan has reported Measure 3.1 In progress, submitted, and the Secretariat validated it.
    argali_round = demo_site["rounds"]["argali"]
    measure = argali_measure("3.1")
    record_status(username="focal-kz", round_id=argali_round, activity=measure, country="KZ",
                  status="in_progress")
    country_report = CountryReport.objects.get(round_id=argali_round, country__code="KZ")
    users = get_user_model().objects
    services.country_report_submit(country_report=country_report, user=users.get(username="focal-kz"))
    services.country_report_validate(country_report=country_report, user=users.get(username="secretariat"))
    before = progress_of(measure, "KZ")
    changes_before = ProgressChange.objects.count()
    argali = report_url(demo_site, "argali", "KZ")
    detail = f"{argali}activities/{measure.pk}/"

    def assert_unchanged():
        report = progress_of(measure, "KZ")
        assert (report.status, report.version) == (before.status, before.version)
        assert ProgressChange.objects.count() == changes_before
        page.goto(argali + "?conservation_unit=2&priority_level=high")
        expect(activity_row(page, "Measure 3.1")).to_contain_text("In progress")
        expect(report_state(page)).to_have_text("Validated")

    # 3. The observer reads Kazakhstan's report and the measure's page, with no control to change them.
    sign_in(page, "observer")
    page.goto(argali)
    expect(report_state(page)).to_have_text("Validated")
    assert_no_edit_controls(page)
    expect(activity_row(page, "Measure 3.1")).to_contain_text("In progress")
    page.goto(detail)
    expect(page.get_by_role("heading", level=1)).to_have_text("Measure 3.1 — Kazakhstan")
    expect(page.locator("main form")).to_have_count(0)
    expect(page.get_by_role("button", name="Save report")).to_have_count(0)
    expect(page.get_by_text("Observers can read, not edit.")).to_be_visible()
    # A forged post of the inline form is refused, and nothing changed.
    response = forge_status_post(page, argali, activity_id=measure.pk, status="completed", version=before.version)
    assert response.status == 403, response.text()[:500]
    assert_unchanged()

    # 4. Iran's focal point: no control on Kazakhstan's report, a forged post is refused with the reason ...
    sign_in(page, "focal-ir")
    page.goto(argali)
    assert_no_edit_controls(page)
    page.goto(detail)
    expect(page.get_by_role("button", name="Save report")).to_have_count(0)
    expect(page.get_by_label("What was done")).to_have_count(0)
    response = forge_status_post(page, argali, activity_id=measure.pk, status="completed", version=before.version)
    assert response.status == 403, response.text()[:500]
    assert "You do not report for Kazakhstan." in response.text()
    assert_unchanged()

    # ... and reports for Iran: one status of the leopard strategy saved inline.
    page.goto(report_url(demo_site, "persian-leopard", "IR"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Iran"))
    row = page.locator("table.report tbody tr[id^='row-']").first
    link_name = row.get_by_role("link").inner_text()
    row.get_by_label("Status").select_option(label="Completed")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved 1 change.")).to_be_visible()
    row = activity_row(page, link_name)
    expect(row.get_by_label("Status")).to_have_value("completed")
    expect(row).to_contain_text("focal-ir")
    expect(report_state(page)).to_have_text("Draft")


def test_interface_switches_to_russian(page, demo_site):
    # 5. The header's language switcher; the choice stays for the next pages.
    sign_in(page, "focal-kz")
    page.goto("/home/")
    header = page.locator("header")
    header.get_by_label("Language").select_option("ru")
    header.get_by_role("button", name="Change").click()
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("navigation").get_by_role("link", name="Планы")).to_be_visible()
    expect(header.get_by_label("Язык")).to_have_value("ru")
    # The home page itself speaks Russian (locale/ru/LC_MESSAGES/django.po).
    expect(page.get_by_role("heading", level=1)).to_have_text("Мои отчёты")
    expect(page.get_by_role("heading", level=2, name="Недавние изменения")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Мои отчёты")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("My reports")
    # The switcher changes this browser only: a new session (cookies cleared) is in English again...
    sign_in(page, "focal-kz")
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My reports")
    # ...until Russian is saved as the preferred language on the account page, which applies at every sign-in.
    page.goto("/account/")
    page.get_by_label("Preferred language").select_option("ru")
    page.locator("form.language-preference").get_by_role("button", name="Save").click()
    sign_in(page, "focal-kz")
    expect(page.get_by_role("heading", level=1)).to_have_text("Мои отчёты")



def test_every_changed_row_is_saved_whichever_button_is_clicked(page, demo_site):
    import datetime

    from django.contrib.auth import get_user_model

    from actionplans.models import ActionPlan
    from reporting import services
    from reporting.models import ReportingRound

    # Last round Kazakhstan said Measure 3.1 is In progress; a new round carries it over.
    secretariat = get_user_model().objects.get(username="secretariat")
    old_round = ReportingRound.objects.get(pk=demo_site["rounds"]["argali"])
    record_status(username="focal-kz", round_id=old_round.pk, activity=argali_measure("3.1"), country="KZ",
                  status="in_progress")
    services.round_close(round=old_round, closed_by=secretariat)
    today = datetime.date.today()
    new_round = services.round_open(plan=ActionPlan.objects.get(slug="argali"), title="Next round",
                                    opens_on=today, due_on=today + datetime.timedelta(days=30), opened_by=secretariat)
    unit_2 = f"/rounds/{new_round.pk}/KZ/?conservation_unit=2"
    sign_in(page, "focal-kz")
    page.goto(unit_2)
    rows = page.locator("table.report tbody tr[id^='row-']")
    codes = [name.removeprefix("Measure ") for name in rows.get_by_role("link").all_inner_texts()]
    assert codes[:4] == ["3.1", "3.2", "3.3", "3.4"], codes

    # 1. Three rows changed, then one row's own Save: all three are saved.
    for code, status in (("3.2", "Completed"), ("3.3", "Not started"), ("3.4", "In progress")):
        activity_row(page, f"Measure {code}").get_by_label(f"Status of Measure {code}").select_option(label=status)
    activity_row(page, "Measure 3.3").get_by_role("button", name="Save Measure 3.3").click()
    expect(page.get_by_text("Saved 3 changes.")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(unit_2) + "$"))
    for code, value in (("3.2", "completed"), ("3.3", "not_started"), ("3.4", "in_progress")):
        expect(activity_row(page, f"Measure {code}").get_by_label(f"Status of Measure {code}")).to_have_value(value)

    # 2. Two rows changed, then "Save all changed statuses".
    for code, status in (("3.2", "In progress"), ("3.4", "Completed")):
        activity_row(page, f"Measure {code}").get_by_label(f"Status of Measure {code}").select_option(label=status)
    page.get_by_role("button", name="Save all changed statuses").click()
    expect(page.get_by_text("Saved 2 changes.")).to_be_visible()
    expect(activity_row(page, "Measure 3.4").get_by_label("Status of Measure 3.4")).to_have_value("completed")

    # 3. One row changed, then the carried-over row's "No change since the last round": both saved.
    activity_row(page, "Measure 3.3").get_by_label("Status of Measure 3.3").select_option(label="In progress")
    activity_row(page, "Measure 3.1").get_by_role("button", name="No change since the last round").click()
    expect(page.get_by_text("Saved 2 changes.")).to_be_visible()
    expect(activity_row(page, "Measure 3.3").get_by_label("Status of Measure 3.3")).to_have_value("in_progress")
    expect(activity_row(page, "Measure 3.1")).not_to_contain_text("carried over")
    from reporting.models import ProgressReport

    confirmed = ProgressReport.objects.get(activity=argali_measure("3.1"), country_report__round=new_round,
                                           country_report__country__code="KZ")
    assert (confirmed.carried_over, confirmed.status) == (False, "in_progress")

    # 4. Through the unit's measures one by one: previous / next keep the filter, and so does the way back.
    activity_row(page, "Measure 3.2").get_by_role("link", name="Measure 3.2", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Measure 3.2 — Kazakhstan")
    page.get_by_role("link", name="Next: Measure 3.3").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Measure 3.3 — Kazakhstan")
    expect(page).to_have_url(re.compile(r"\?conservation_unit=2$"))
    page.get_by_label("What was done").fill("Survey planned with the rangers")
    page.get_by_role("button", name="Save report").click()
    expect(page.get_by_text("Report saved.")).to_be_visible()
    page.get_by_role("link", name="Previous: Measure 3.2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Measure 3.2 — Kazakhstan")
    page.locator(".breadcrumbs").get_by_role("link", name=re.compile("^Kazakhstan: ")).click()
    expect(page).to_have_url(re.compile(re.escape(unit_2) + "$"))


def test_a_focal_point_corrects_a_status_in_the_country_admin(page, demo_site):
    argali_round = demo_site["rounds"]["argali"]
    measure = argali_measure("3.1")
    record_status(username="focal-kz", round_id=argali_round, activity=measure, country="KZ", status="not_started")
    report = progress_of(measure, "KZ")

    sign_in(page, "focal-kz")
    page.goto("/account/")
    page.get_by_role("link", name="Your countries' reports in the admin").click()
    page.get_by_role("link", name=re.compile("Progress reports")).first.click()
    page.get_by_role("searchbox").fill("3.1")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("row").filter(has_text="Kazakhstan").get_by_role("link", name="Measure 3.1", exact=True).click()
    page.get_by_label("Status").select_option(label="In progress")
    page.get_by_label("What was done").fill("Two rangers trained in Aksu-Zhabagly")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    report.refresh_from_db()
    assert (report.status, report.narrative, report.version) == ("in_progress", "Two rangers trained in Aksu-Zhabagly", 2)
    assert report.changes.latest("version").source == "admin"

    # Iran's focal point does not find Kazakhstan's report there, and cannot post to it.
    sign_in(page, "focal-ir")
    page.goto("/country-admin/reporting/progressreport/?q=3.1")
    expect(page.get_by_role("row").filter(has_text="Kazakhstan")).to_have_count(0)
    page.goto(f"/country-admin/reporting/progressreport/{report.pk}/change/")
    expect(page.locator(".messagelist")).to_contain_text("doesn’t exist")


def test_a_comment_on_one_activity_reaches_the_country_on_that_row(page, demo_site):
    from django.contrib.auth import get_user_model

    from reporting import services
    from reporting.models import CountryReport

    round_id = demo_site["rounds"]["argali"]
    for code in ("3.1", "3.2"):
        record_status(username="focal-kz", round_id=round_id, activity=argali_measure(code), country="KZ",
                      status="in_progress")
    services.country_report_submit(country_report=CountryReport.objects.get(round_id=round_id, country__code="KZ"),
                                   user=get_user_model().objects.get(username="focal-kz"))
    unit_2 = f"{report_url(demo_site, 'argali', 'KZ')}?conservation_unit=2"

    # The Secretariat comments on Measure 3.2 on its row, and on the whole report, then returns it.
    sign_in(page, "secretariat")
    page.goto(unit_2)
    row = activity_row(page, "Measure 3.2")
    row.get_by_text("Comment on this activity").click()
    row.get_by_label("Comment on Measure 3.2 for the country").fill("Which villages took part?")
    page.get_by_label("What should the country change?").fill("One measure needs more detail.")
    page.get_by_role("button", name="Return with comment").click()
    expect(page.get_by_text("Report returned to the country with your comment.")).to_be_visible()

    # The focal point reads it on that row only, until changing that measure.
    sign_in(page, "focal-kz")
    page.goto(unit_2)
    expect(report_state(page)).to_have_text("Returned")
    expect(activity_row(page, "Measure 3.2")).to_contain_text("Secretariat’s comment: Which villages took part?")
    expect(activity_row(page, "Measure 3.1")).not_to_contain_text("Secretariat’s comment")
    activity_row(page, "Measure 3.2").get_by_label("Status of Measure 3.2").select_option(label="Completed")
    activity_row(page, "Measure 3.2").get_by_role("button", name="Save Measure 3.2").click()
    expect(activity_row(page, "Measure 3.2")).to_contain_text("Completed")
    expect(page.get_by_text("Which villages took part?")).to_have_count(0)
