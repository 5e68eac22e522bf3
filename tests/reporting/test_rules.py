"""What counts as reported and what counts as overdue (reporting/rules.py), counted the same by every
page, export and reminder.

The data: one plan, six range states, three activities that apply to all of them, and an open round
("2020 report") whose due date has passed; an earlier round (closed) gave Carried over its reports.

| country         | round 2020                                                  | reported | overdue |
| Nothing         | nothing                                                     | 0 of 3   | yes     |
| Some            | draft: 1.1, and 1.2, which no longer applies to it          | 1 of 2   | yes     |
| Gaps            | submitted with 1.1 and 1.2                                  | 2 of 3   | no      |
| Validated       | all three, validated                                        | 3 of 3   | no      |
| Carried over    | three carried over, 1.1 confirmed                           | 1 of 3   | yes     |
| Returned        | all three, submitted then returned                          | 3 of 3   | yes     |
"""
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from reporting import dashboards, reminders, rules, services
from reporting.exports import progress_workbook
from reporting.models import Assignment, CountryReport, ProgressReport, ReportingRound
from reporting.services import ProgressInput
from tests.factories import ActionPlanFactory, ActivityFactory, CountryFactory

# User-assigned codes (X + the initial of the name), none a real country.
NAMES = {"XN": "Nothing", "XS": "Some", "XG": "Gaps", "XV": "Validated", "XC": "Carried over", "XR": "Returned"}
EXPECTED = {  # ISO code: (reported, activities, overdue)
    "XN": (0, 3, True), "XS": (1, 2, True), "XG": (2, 3, False),
    "XV": (3, 3, False), "XC": (1, 3, True), "XR": (3, 3, True),
}


@pytest.fixture
def due(db):
    User = get_user_model()
    secretariat = User.objects.create_user("secretariat-r", password="pw", is_staff=True)
    countries = {code: CountryFactory(code=code, name=name) for code, name in NAMES.items()}
    plan = ActionPlanFactory(slug="rules-plan", short_title="Rules plan", range_states=list(countries.values()))
    activities = [ActivityFactory(plan=plan, code=f"1.{n}", countries=list(countries.values())) for n in (1, 2, 3)]
    focal = {}
    for code, country in countries.items():
        focal[code] = User.objects.create_user(f"focal-{code.lower()}", password="pw", email=f"{code}@example.org")
        Assignment.objects.create(user=focal[code], country=country, role=Assignment.Role.FOCAL_POINT)

    def record(round, code, activity, status="in_progress"):
        services.progress_report_record(round=round, activity=activity, country=countries[code], user=focal[code],
                                        values=ProgressInput(status=status))

    def country_report(round, code):
        return CountryReport.objects.get(round=round, country=countries[code])

    first = services.round_open(plan=plan, title="2019 report", opens_on=datetime.date(2019, 1, 1),
                                due_on=datetime.date(2019, 6, 30), opened_by=secretariat)
    for activity in activities:
        record(first, "XC", activity, "completed")
    services.round_close(round=first, closed_by=secretariat)
    round = services.round_open(plan=plan, title="2020 report", opens_on=datetime.date(2020, 1, 1),
                                due_on=datetime.date(2020, 6, 30), opened_by=secretariat)
    carried = country_report(round, "XC").progress_reports.get(activity=activities[0])
    services.progress_report_confirm(report=carried, user=focal["XC"])
    record(round, "XS", activities[0])
    record(round, "XS", activities[1])
    activities[1].countries.remove(countries["XS"])  # the admin corrects the plan after the report
    for activity in activities[:2]:
        record(round, "XG", activity)
    for code in ("XV", "XR"):
        for activity in activities:
            record(round, code, activity, "completed")
    for code in ("XG", "XV", "XR"):
        services.country_report_submit(country_report=country_report(round, code), user=focal[code])
    services.country_report_validate(country_report=country_report(round, "XV"), user=secretariat)
    services.country_report_return(country_report=country_report(round, "XR"), user=secretariat,
                                   comment="Add the evidence")
    assert ProgressReport.objects.filter(country_report__round=round, carried_over=True).count() == 2
    return {"plan": plan, "round": round, "countries": countries, "secretariat": secretariat}


def test_the_fixture_reads_as_its_table(due):
    states = dict(CountryReport.objects.filter(round=due["round"]).values_list("country__code", "state"))
    assert states == {"XS": "draft", "XG": "submitted", "XV": "validated", "XC": "draft", "XR": "returned"}


def test_home_cards_count_reported_and_overdue_by_the_rules(client, due):
    client.force_login(due["secretariat"])
    cards = client.get(reverse("reporting:home")).context["cards"]
    assert {card.country.code: (card.reported, card.total, card.overdue) for card in cards} == EXPECTED


def test_country_report_pages_count_reported_by_the_rules(client, due):
    client.force_login(due["secretariat"])
    for code, (reported, total, _overdue) in EXPECTED.items():
        page = client.get(reverse("reporting:country_report", args=[due["round"].pk, code])).context["page"]
        assert (page.reported, page.total) == (reported, total), code


def test_country_dashboards_count_reported_and_overdue_by_the_rules(client, due):
    client.force_login(due["secretariat"])
    seen = {}
    for code in EXPECTED:
        dashboard = client.get(reverse("reporting:country_dashboard", args=[code])).context["dashboard"]
        row = dashboard.plans[0]
        assert row.extra["round"] == due["round"]
        overdue = [item for item in dashboard.overdue if item.round == due["round"]]
        if overdue:
            assert (overdue[0].reported, overdue[0].total) == (row.reported.count, row.total), code
        seen[code] = (row.reported.count, row.total, bool(overdue))
    assert seen == EXPECTED


def test_plan_dashboard_and_national_reports_count_reported_by_the_rules(due):
    dashboard = dashboards.plan_dashboard(plan=due["plan"], user=due["secretariat"])
    by_country = {row.key.code: (row.reported.count, row.total) for row in dashboard.countries}
    assert by_country == {code: (reported, total) for code, (reported, total, _o) in EXPECTED.items()}
    for code, country in due["countries"].items():
        report = dashboards.national_report(round=due["round"], country=country, user=due["secretariat"])
        assert (report.reported, report.total) == EXPECTED[code][:2], code


def test_the_exported_summary_counts_reported_by_the_rules(due):
    data = progress_workbook(user=due["secretariat"], params={"plan": "rules-plan", "version": "working"})
    summary = openpyxl.load_workbook(io.BytesIO(data))["Summary"]
    rows = [[cell.value for cell in row] for row in summary.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "By country")
    assert rows[header][2:4] == ["Activities", "Reported this round"]
    figures = {}
    for row in rows[header + 1:]:
        if not row[0]:
            break
        figures[row[1]] = (row[3], row[2])
    assert figures == {code: (reported, total) for code, (reported, total, _o) in EXPECTED.items()}


def test_reminders_go_to_the_overdue_countries_with_the_same_counts(due):
    today = timezone.localdate()
    pending = reminders._pending_countries(due["round"], today)
    codes = {country.pk: code for code, country in due["countries"].items()}
    assert {codes[pk]: counts for pk, counts in pending.items()} == {
        code: (reported, total) for code, (reported, total, overdue) in EXPECTED.items() if overdue}
    reminders.reminders_send(today=today)
    assert sorted(message.to[0] for message in mail.outbox) == [
        f"{code}@example.org" for code in sorted(code for code, row in EXPECTED.items() if row[2])]
    carried = next(message for message in mail.outbox if message.to == ["XC@example.org"])
    assert "1 of 3 activities reported" in carried.body and "is not submitted yet" in carried.body


# --- The rules themselves ---------------------------------------------------------------------------

def test_handed_in_states_are_country_report_states():
    assert rules.HANDED_IN_STATES <= set(CountryReport.State.values)
    assert rules.HANDED_IN_STATES == {CountryReport.State.SUBMITTED, CountryReport.State.VALIDATED,
                                      CountryReport.State.REOPENED}


@pytest.mark.parametrize("state, is_open, days_past_due, activities, overdue", [
    (None, True, 1, 3, True),
    ("draft", True, 1, 3, True),
    ("returned", True, 1, 3, True),
    ("submitted", True, 1, 3, False),  # with gaps or not: handed in
    ("validated", True, 1, 3, False),
    ("reopened", True, 1, 3, False),  # validated, being corrected: it was handed in
    ("draft", True, 0, 3, False),  # due today: not yet overdue
    ("draft", False, 30, 3, False),  # a closed round asks nothing more
    (None, True, 30, 0, False),  # nothing to report on
])
def test_overdue(state, is_open, days_past_due, activities, overdue):
    today = datetime.date(2026, 7, 1)
    round = ReportingRound(due_on=today - datetime.timedelta(days=days_past_due),
                           status="open" if is_open else "closed")
    assert rules.is_overdue(round=round, state=state, activities=activities, today=today) is overdue


def test_reported_is_the_same_rule_as_a_filter_and_as_a_yes_or_no(db):
    assert rules.is_reported(None) is False
    assert rules.is_reported(ProgressReport(carried_over=False)) is True
    assert rules.is_reported(ProgressReport(carried_over=True)) is False
    assert rules.is_reported({"carried_over": None}) is False  # a pair without a report
    assert rules.REPORTED == rules.reported_q()


def test_home_queries_do_not_grow_with_activities(client, due, django_assert_num_queries):
    client.force_login(due["secretariat"])
    url = reverse("reporting:home")
    # session, user; countries, open rounds and their range states; the grouped pair counts
    # (as before: the activity totals); the report states (as before: the reports); the validation
    # queue, recent changes, messages (the workflow's events)
    with django_assert_num_queries(10) as first:
        client.get(url)
    for number in range(20):
        activity = ActivityFactory(plan=due["plan"], code=f"2.{number}", countries=list(due["countries"].values()))
        services.progress_report_record(round=due["round"], activity=activity, country=due["countries"]["XN"],
                                        user=due["secretariat"], values=ProgressInput(status="completed"))
    with django_assert_num_queries(len(first.captured_queries)):
        cards = client.get(url).context["cards"]
    assert {card.country.code: card.total for card in cards}["XN"] == 23


def test_workflow_buttons_follow_the_services_allowed_moves(client, due, monkeypatch):
    """report_status.html asks services.ALLOWED_MOVES rather than listing the states again."""
    client.force_login(due["secretariat"])
    url = reverse("reporting:country_report", args=[due["round"].pk, "XG"])  # submitted
    page = client.get(url).content.decode()
    assert ">Validate…<" in page and "Return with comment" in page
    monkeypatch.setitem(services.ALLOWED_MOVES, "validated", set())
    page = client.get(url).content.decode()
    assert ">Validate…<" not in page and "Return with comment" in page


def test_the_validation_queue_and_the_api_count_reported_by_the_rules(client, due):
    client.force_login(due["secretariat"])
    queue = client.get(reverse("reporting:validation_queue")).context["object_list"]
    assert {report.country.code: report.reported for report in queue} == {"XG": EXPECTED["XG"][0]}
    answer = client.get(reverse("api:countryreport-list"), {"round": due["round"].pk, "page_size": 50}).json()
    by_country = {row["country"] if isinstance(row["country"], str) else row["country"]["code"]: row["reported"]
                  for row in answer["results"]}
    assert by_country == {code: reported for code, (reported, _t, _o) in EXPECTED.items() if code != "XN"}
