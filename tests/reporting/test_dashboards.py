"""Dashboards of a plan and of a country, the list behind their figures, and the printable national report.

The figures are checked against a small data set written through the services; every number a page
links is followed to the list behind it, which must show that many rows.
"""
import datetime
import html
import re

import pytest
from django.urls import reverse

from reporting import dashboards, services
from reporting.models import CountryReport, ReportingRound
from reporting.services import ProgressInput
from tests.factories import ActionPlanFactory, ActivityFactory, CountryFactory, PlanElementFactory

def record(world, user, activity, country, status, round=None, **values):
    return services.progress_report_record(
        round=round or world["round"], activity=world[activity] if isinstance(activity, str) else activity,
        country=world[country], user=world[user], values=ProgressInput(status=status, **values))


def counts(row) -> dict:
    """A row's numbers by status, leaving out the zeros."""
    return {cell.key: cell.count for cell in row.cells if cell.count}


@pytest.fixture
def reported(world):
    """Five activity × country pairs: Testland QZ reported its three and is validated; Testland QR reported one
    of its two and is still drafting.

    | activity                   | unit | priority | QZ             | QR             |
    | 2.1 in_unit                | 1    | high     | completed      | —              |
    | 2.2 everywhere             | —    | medium   | in progress    | ongoing        |
    | 2.3 survey                 | —    | low      | not applicable | No information |
    """
    world["survey"] = ActivityFactory(
        plan=world["plan"], result=None, section=world["everywhere"].section, code="2.3", kind="measure",
        priority="3", priority_scale="rank", priority_level="low", countries=[world["kz"], world["ir"]])
    record(world, "focal_kz", "in_unit", "kz", "completed", narrative="Joint patrols on the border")
    record(world, "focal_kz", "everywhere", "kz", "in_progress")
    record(world, "focal_kz", "survey", "kz", "not_applicable")
    record(world, "focal_ir", "everywhere", "ir", "ongoing")
    kz_report = CountryReport.objects.get(round=world["round"], country=world["kz"])
    services.country_report_submit(country_report=kz_report, user=world["focal_kz"])
    services.country_report_validate(country_report=kz_report, user=world["secretariat"])
    return world


def second_round(world) -> ReportingRound:
    """Round 1 closes; round 2 carries its four reports over. In round 2 Testland QZ confirms 2.2 and
    Testland QR reports 2.3 completed; the rest stays carried over."""
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    round2 = services.round_open(plan=world["plan"], title="2027 report", opens_on=datetime.date(2027, 1, 1),
                                 due_on=datetime.date(2027, 6, 30), opened_by=world["secretariat"])
    carried = round2.country_reports.get(country=world["kz"]).progress_reports.get(activity=world["everywhere"])
    services.progress_report_confirm(report=carried, user=world["focal_kz"])
    record(world, "focal_ir", "survey", "ir", "completed", round=round2)
    return round2


# --- The plan dashboard's figures ---------------------------------------------------------------------

def test_plan_figures_count_each_status_overall_by_country_unit_and_priority(reported):
    world = reported
    dashboard = dashboards.plan_dashboard(plan=world["plan"], user=world["observer"])
    assert dashboard.round == world["round"]  # the latest round by default
    assert counts(dashboard.overall) == {"completed": 1, "in_progress": 1, "ongoing": 1, "not_applicable": 1,
                                         "no_information": 1}
    assert dashboard.overall.total == 5
    assert {row.label: counts(row) for row in dashboard.countries} == {
        "Testland QR": {"ongoing": 1, "no_information": 1},
        "Testland QZ": {"completed": 1, "in_progress": 1, "not_applicable": 1},
    }
    assert dashboard.group_by == "conservation_unit"
    assert {row.label: counts(row) for row in dashboard.groups} == {
        "1) Western Tien Shan": {"completed": 1},
        "No conservation unit (plan-wide)": {"in_progress": 1, "ongoing": 1, "not_applicable": 1,
                                             "no_information": 1},
    }
    assert {row.key: counts(row) for row in dashboard.priorities} == {
        "high": {"completed": 1}, "medium": {"in_progress": 1, "ongoing": 1},
        "low": {"not_applicable": 1, "no_information": 1},
    }


def test_reported_and_validated_per_country_and_overall(reported):
    world = reported
    dashboard = dashboards.plan_dashboard(plan=world["plan"], user=world["observer"])
    by_country = {row.key.code: (row.reported.count, row.validated.count, row.state) for row in dashboard.countries}
    assert by_country == {"QZ": (3, 3, "validated"), "QR": (1, 0, "draft")}
    assert (dashboard.overall.reported.count, dashboard.overall.validated.count) == (4, 3)
    assert dashboard.overall.reported.percent == 80


def test_carried_over_reports_keep_their_status_but_are_not_reported_until_confirmed(reported):
    world = reported
    round2 = second_round(world)
    dashboard = dashboards.plan_dashboard(plan=world["plan"], user=world["observer"])
    assert dashboard.round == round2
    assert counts(dashboard.overall) == {"completed": 2, "in_progress": 1, "ongoing": 1, "not_applicable": 1}
    overall = dashboard.overall
    assert (overall.reported.count, overall.carried, overall.validated.count) == (2, 3, 0)


def test_trend_across_two_rounds(reported):
    world = reported
    round2 = second_round(world)
    trend = dashboards.plan_dashboard(plan=world["plan"], user=world["observer"]).trend
    assert [point.round for point in trend] == [world["round"], round2]  # oldest first
    assert [(p.total, p.reported.count, p.done.count, p.validated.count) for p in trend] == [
        (5, 4, 2, 3),  # round 1: QZ's three and QR's one; completed + ongoing; QZ validated
        (5, 2, 3, 0),  # round 2: the confirmation and QR's new report; two completed, one ongoing carried
    ]
    assert [point.reported.percent for point in trend] == [80, 40]


def test_an_earlier_round_can_be_shown(client, reported):
    world = reported
    second_round(world)
    response = client.get(reverse("reporting:plan_dashboard", args=["test-plan"]), {"round": world["round"].pk})
    assert response.context["dashboard"].round == world["round"]
    assert response.context["dashboard"].overall.reported.count == 3  # anonymous: Testland QZ's validated three


def test_a_round_of_another_plan_is_not_found(client, reported):
    other_plan = ActionPlanFactory()
    other = ReportingRound.objects.create(plan=other_plan, edition=other_plan.current_edition,
                                          title="Other", opens_on=datetime.date(2026, 1, 1),
                                          due_on=datetime.date(2026, 2, 1))
    url = reverse("reporting:plan_dashboard", args=["test-plan"])
    assert client.get(url, {"round": other.pk}).status_code == 404
    assert client.get(url, {"round": "x"}).status_code == 404


def test_a_plan_without_units_is_broken_down_by_objective(world, django_user_model):
    country = CountryFactory()
    plan = ActionPlanFactory(slug="leopard-like", range_states=[country])
    objectives = [PlanElementFactory(plan=plan, level="objective", code=code, title=f"Objective {code}")
                  for code in ("1.1", "1.2")]
    for objective, n in ((objectives[0], 2), (objectives[1], 1)):
        for _ in range(n):
            ActivityFactory(plan=plan, objective=objective, countries=[country])
    ReportingRound.objects.create(plan=plan, edition=plan.current_edition,
                                  title="R", opens_on=datetime.date(2026, 1, 1),
                                  due_on=datetime.date(2026, 12, 1))
    dashboard = dashboards.plan_dashboard(plan=plan, user=world["observer"])
    assert dashboard.group_by == "objective"
    assert [(row.key, row.total) for row in dashboard.groups] == [("1.1", 2), ("1.2", 1)]


def test_a_plan_without_rounds_says_so(client, world):
    plan = ActionPlanFactory(slug="no-rounds")
    response = client.get(reverse("reporting:plan_dashboard", args=[plan.slug]))
    assert response.status_code == 200
    assert "No reporting round has been opened for this plan yet." in response.content.decode()


# --- Anonymous visitors -------------------------------------------------------------------------------

def test_anonymous_figures_count_validated_reports_only(client, reported):
    world = reported
    response = client.get(reverse("reporting:plan_dashboard", args=["test-plan"]))
    dashboard = response.context["dashboard"]
    # Testland QR's draft report on 2.2 (ongoing) reads as "No information".
    assert counts(dashboard.overall) == {"completed": 1, "in_progress": 1, "not_applicable": 1, "no_information": 2}
    iran = next(row for row in dashboard.countries if row.key.code == "QR")
    assert counts(iran) == {"no_information": 2} and iran.state == ""
    assert (dashboard.overall.reported.count, dashboard.overall.validated.count) == (3, 3)
    assert "Ongoing (recurring)" in response.content.decode()  # the column is there, with 0 in it
    assert "Draft" not in response.content.decode()


def test_anonymous_country_dashboard_hides_drafts_and_what_is_overdue(client, reported):
    world = reported
    ReportingRound.objects.filter(pk=world["round"].pk).update(opens_on=datetime.date(1999, 1, 1),
                                                               due_on=datetime.date(2000, 1, 1))
    url = reverse("reporting:country_dashboard", args=["QR"])
    anonymous = client.get(url)
    assert counts(anonymous.context["dashboard"].plans[0]) == {"no_information": 2}
    assert "Overdue" not in anonymous.content.decode()
    client.force_login(world["observer"])
    signed_in = client.get(url)
    assert counts(signed_in.context["dashboard"].plans[0]) == {"ongoing": 1, "no_information": 1}
    assert "Overdue" in signed_in.content.decode()


# --- Every number leads to as many rows ------------------------------------------------------------------

LINKED_NUMBER = re.compile(r'<a href="([^"]+)"[^>]*>(\d+)</a>')


def linked_numbers(page_html: str) -> list[tuple[str, int]]:
    return [(html.unescape(href), int(number)) for href, number in LINKED_NUMBER.findall(page_html)]


def rows_listed(client, url) -> int:
    """How many rows the list at ``url`` says it holds (all its pages)."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context.get("page")
    if page is not None and hasattr(page, "activities"):  # the country report page
        return len(page.activities)
    return response.context["paginator"].count  # the progress list, the dashboard's own list


def assert_every_linked_number_lists_that_many_rows(client, url):
    numbers = linked_numbers(client.get(url).content.decode())
    assert numbers, "the page links no number"
    for href, number in numbers:
        assert rows_listed(client, href) == number, href
    return numbers


@pytest.mark.parametrize("role", ["anonymous", "observer"])
def test_every_number_of_the_plan_dashboard_leads_to_as_many_rows(client, reported, role):
    world = reported
    second_round(world)
    if role != "anonymous":
        client.force_login(world[role])
    targets = set()
    for round in (world["round"], ReportingRound.objects.get(title="2027 report")):
        url = reverse("reporting:plan_dashboard", args=["test-plan"]) + f"?round={round.pk}"
        targets |= {href.split("?")[0] for href, _ in assert_every_linked_number_lists_that_many_rows(client, url)}
    # Each kind of list is reached: the progress list, a country report page (for anonymous visitors
    # only once validated, as Testland QZ's round 1), the dashboard's own list.
    assert {"/progress/", f"/rounds/{world['round'].pk}/QZ/", "/dashboards/plans/test-plan/rows/"} <= targets


def test_heat_map_cells_lead_to_the_country_report_filtered_by_status(client, reported):
    world = reported
    client.force_login(world["observer"])
    page = client.get(reverse("reporting:plan_dashboard", args=["test-plan"])).content.decode()
    url = f"/rounds/{world['round'].pk}/QR/?status=no_information"
    assert f'href="{url}"' in page
    shown = client.get(url).content.decode()
    assert "1 activity shown" in shown and "Measure 2.3" in shown and "Measure 2.2" not in shown


def test_every_number_of_the_country_dashboard_leads_to_as_many_rows(client, reported):
    world = reported
    for role in ("anonymous", "focal_ir"):
        if role != "anonymous":
            client.force_login(world[role])
        for code in ("QZ", "QR"):
            assert_every_linked_number_lists_that_many_rows(client, reverse("reporting:country_dashboard",
                                                                             args=[code]))


def test_the_list_behind_a_figure_filters_by_unit_priority_and_reporting(client, reported):
    world = reported
    client.force_login(world["observer"])
    url = reverse("reporting:plan_dashboard_rows", args=["test-plan"])
    assert rows_listed(client, f"{url}?conservation_unit=none") == 4
    assert rows_listed(client, f"{url}?conservation_unit=1&status=completed") == 1
    assert rows_listed(client, f"{url}?priority_level=low&priority_level=high") == 3
    assert rows_listed(client, f"{url}?reported=no") == 1
    assert rows_listed(client, f"{url}?state=validated&country=QZ") == 3
    page = client.get(f"{url}?status=no_information").content.decode()
    assert "1 activity × country" in page and "Testland QR" in page


# --- Query counts -------------------------------------------------------------------------------------------

def add_reported_activities(world, n=20):
    for _ in range(n):
        activity = ActivityFactory(plan=world["plan"], result=None, section=world["everywhere"].section,
                                   priority="2", priority_scale="rank", priority_level="medium",
                                   countries=[world["kz"], world["ir"]])
        record(world, "secretariat", activity, "ir", "in_progress")


def test_plan_dashboard_queries_do_not_grow_with_activities(client, reported, django_assert_num_queries):
    world = reported
    client.force_login(world["observer"])
    url = reverse("reporting:plan_dashboard", args=["test-plan"])
    # session, user; plan; its rounds, range states, country report states, the
    # grouped pair counts, unit names, the trend; the money: budgets, their countries, the funds
    with django_assert_num_queries(12):
        client.get(url)
    add_reported_activities(world)
    with django_assert_num_queries(12):
        response = client.get(url)
    assert response.context["dashboard"].overall.total == 45


def test_country_dashboard_queries_do_not_grow_with_activities(client, reported, django_assert_num_queries):
    world = reported
    ReportingRound.objects.filter(pk=world["round"].pk).update(opens_on=datetime.date(1999, 1, 1),
                                                               due_on=datetime.date(2000, 1, 1))
    client.force_login(world["observer"])
    url = reverse("reporting:country_dashboard", args=["QR"])
    # session, user; country; its rounds with its report's state; the grouped pair counts;
    # reports said in the overdue rounds; the money: budgets, their countries, the funds
    with django_assert_num_queries(9):
        client.get(url)
    add_reported_activities(world)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.context["dashboard"].overdue[0].reported == 21


def test_rows_list_queries_do_not_grow(client, reported, django_assert_num_queries):
    world = reported
    client.force_login(world["observer"])
    url = reverse("reporting:plan_dashboard_rows", args=["test-plan"])
    # session, user; plan; latest round; count; page of pairs with activity and country; the filter
    # form's range states, units and objectives
    with django_assert_num_queries(9):
        client.get(url)
    add_reported_activities(world)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.context["paginator"].count == 45


def test_national_report_queries_do_not_grow(client, reported, django_assert_num_queries):
    world = reported
    client.force_login(world["observer"])
    url = reverse("reporting:national_report", args=[world["round"].pk, "QR"])
    # session, user; round, country, range state; country report, its events, activities,
    # their reports, the reports' visible evidence; the plan's outline (the headings above each activity,
    # at any depth)
    with django_assert_num_queries(11):
        client.get(url)
    add_reported_activities(world)
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.context["report"].total == 22


# --- The printable national report ---------------------------------------------------------------------------

def national_report_url(world, code="QZ"):
    return reverse("reporting:national_report", args=[world["round"].pk, code])


def add_evidence(world):
    report = world["in_unit"].progress_reports.get()
    for title, visibility in (("Patrol report 2026", "public"), ("Den sites", "restricted")):
        services.evidence_add(report=report, user=world["secretariat"], title=title, visibility=visibility,
                              url=f"https://example.org/{visibility}")


def test_national_report_shows_statuses_narratives_headings_and_who_submitted_and_validated(client, reported):
    world = reported
    page = client.get(national_report_url(world)).content.decode()
    assert "National report of Testland QZ" in page
    assert world["plan"].title in page and "2026 report" in page
    assert "Section 2.0 — Unit one" in page  # grouped under the plan's headings
    assert "Joint patrols on the border" in page and "Completed" in page and "Not applicable for this country" in page
    assert "by focal-kz-t on" in page and "by secretariat-t on" in page
    assert page.index("Measure 2.1") < page.index("Measure 2.2") < page.index("Measure 2.3")  # the plan's order


def test_national_report_is_hidden_from_anonymous_visitors_until_validated(client, reported):
    world = reported
    assert client.get(national_report_url(world, "QR")).status_code == 404
    assert client.get(national_report_url(world, "QZ")).status_code == 200
    client.force_login(world["observer"])
    page = client.get(national_report_url(world, "QR")).content.decode()
    assert "Not validated" in page and "Ongoing (recurring)" in page


def test_national_report_lists_restricted_evidence_only_for_those_who_may_see_it(client, reported):
    world = reported
    add_evidence(world)  # by the Secretariat: the report goes back to submitted, then is validated again
    services.country_report_validate(country_report=CountryReport.objects.get(country=world["kz"]),
                                     user=world["secretariat"])
    seen = {}
    for role in ("anonymous", "observer", "focal_ir", "focal_kz", "secretariat"):
        client.logout()
        if role != "anonymous":
            client.force_login(world[role])
        page = client.get(national_report_url(world)).content.decode()
        seen[role] = ("Patrol report 2026" in page, "Den sites" in page)
    assert seen == {"anonymous": (True, False), "observer": (True, False), "focal_ir": (True, False),
                    "focal_kz": (True, True), "secretariat": (True, True)}


def test_dashboards_are_linked_from_the_plan_page_and_the_home_page(client, reported):
    world = reported
    plan_page = client.get(reverse("actionplans:actionplan_detail", args=["test-plan"])).content.decode()
    assert f'href="{reverse("reporting:plan_dashboard", args=["test-plan"])}"' in plan_page
    client.force_login(world["focal_kz"])
    home = client.get(reverse("reporting:home")).content.decode()
    assert f'href="{reverse("reporting:country_dashboard", args=["QZ"])}"' in home
    country_page = client.get(reverse("reporting:country_dashboard", args=["QZ"])).content.decode()
    assert f'href="{national_report_url(world)}"' in country_page
