"""Money planned against mobilised: the plan and country dashboards, the plan API and the export, each
checked against sums computed here from the rows written, and the real Persian leopard budgets."""
import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from rest_framework.test import APIClient

from actionplans.models import Activity
from reporting import dashboards, funds_totals, services
from reporting.models import CountryReport, ProgressReport
from reporting.services import ProgressInput
from tests.factories import ActivityFactory
from tests.reporting.test_exports import FIRST_COUNTRY_COLUMN, HEADER_ROW, block, details, export, matrix_sheet


def record(world, activity, country, round=None, user=None, **funds):
    user = user or world["focal_kz" if country == "kz" else "focal_ir"]
    return services.progress_report_record(
        round=round or world["round"], activity=world[activity], country=world[country], user=user,
        values=ProgressInput(status="in_progress", **funds))


def validate(world, country):
    country_report = CountryReport.objects.get(round=world["round"], country=world[country])
    services.country_report_submit(country_report=country_report, user=world["focal_" + country])
    services.country_report_validate(country_report=country_report, user=world["secretariat"])


@pytest.fixture
def money(world):
    """Budgets of each kind, and funds in USD, in euros at the round's rate and in lari without a rate.

    | activity        | countries | budget as printed        | planned      | QZ funds       | QR funds        |
    | 2.1 in_unit     | QZ        | 10,000 USD               | 10,000       | 1,000 USD      | —               |
    | 2.2 everywhere  | QZ, QR    | TBD                      | not known    | 2,000 EUR      | 500 GEL, no rate|
    | 2.3 per_country | QZ, QR    | 5,000 USD per country    | 2 × 5,000    | —              | 300 USD         |
    | 2.4 shared      | QZ, QR    | 40,000 USD               | 40,000       | —              | —               |
    """
    section = world["everywhere"].section
    world["everywhere"].budget, world["everywhere"].budget_usd = "TBD", None
    world["everywhere"].save()
    Activity.objects.filter(pk=world["in_unit"].pk).update(budget="10,000 USD", budget_usd=10_000)
    both = [world["kz"], world["ir"]]
    world["per_country"] = ActivityFactory(plan=world["plan"], result=None, section=section, code="2.3",
                                           budget="5,000 USD per country", budget_usd=5_000,
                                           budget_basis="per country", countries=both)
    world["shared"] = ActivityFactory(plan=world["plan"], result=None, section=section, code="2.4",
                                      budget="40,000 USD", budget_usd=40_000, countries=both)
    services.exchange_rate_set(round=world["round"], currency="EUR", usd_per_unit="1.08", user=world["secretariat"])
    record(world, "in_unit", "kz", funds_amount="1000", funds_currency="USD", funds_source="government")
    record(world, "everywhere", "kz", funds_amount="2000", funds_currency="EUR", funds_source="donor")
    record(world, "everywhere", "ir", funds_amount="500", funds_currency="GEL", funds_source="ngo")
    record(world, "per_country", "ir", funds_amount="300", funds_currency="USD")
    return world


def mobilised(**filters) -> Decimal:
    """The USD the reports give, summed here from the rows."""
    return sum((report.funds_usd or 0 for report in ProgressReport.objects.filter(**filters)), Decimal(0))


def planned_in_test(activities) -> int:
    total = 0
    for activity in activities:
        if activity.budget_usd is not None:
            per_country = activity.budget_basis.lower() in ("per country", "per state")
            total += activity.budget_usd * (activity.countries.count() if per_country else 1)
    return total


def test_plan_dashboard_sets_planned_against_mobilised(money):
    world = money
    dashboard = dashboards.plan_dashboard(plan=world["plan"], user=world["secretariat"])
    plan_money = dashboard.money
    assert plan_money.planned_usd == planned_in_test(Activity.objects.filter(plan=world["plan"])) == 60_000
    assert plan_money.planned_unknown == 1  # TBD: unknown, not zero
    assert plan_money.mobilised_usd == mobilised() == Decimal("3460.00")  # 1,000 + 2,160 + 300
    assert (plan_money.reports, plan_money.no_rate, plan_money.no_rate_amounts) == (4, 1, {"GEL": Decimal("500")})

    by_country = {row.label: row.money for row in dashboard.money_countries}
    qz, qr = by_country["Testland QZ"], by_country["Testland QR"]
    # QZ alone has 2.1; 2.3 is 5,000 for each; 2.4's 40,000 is shared, not split.
    assert (qz.planned_usd, qz.shared_usd, qz.shared_count, qz.planned_unknown) == (15_000, 40_000, 1, 1)
    assert (qr.planned_usd, qr.shared_usd, qr.planned_unknown) == (5_000, 40_000, 1)
    assert qz.mobilised_usd == mobilised(country_report__country=world["kz"]) == Decimal("3160.00")
    assert (qr.mobilised_usd, qr.no_rate) == (Decimal("300.00"), 1)

    by_group = {row.label: row.money for row in dashboard.money_groups}
    unit = by_group["1) Western Tien Shan"]
    assert (unit.planned_usd, unit.mobilised_usd) == (10_000, Decimal("1000.00"))
    outside = by_group["No conservation unit (plan-wide)"]
    assert (outside.planned_usd, outside.planned_unknown, outside.mobilised_usd) == (50_000, 1, Decimal("2460.00"))


def test_the_dashboard_page_shows_the_money_table(client, money):
    client.force_login(money["secretariat"])
    page = client.get(reverse("reporting:plan_dashboard", args=["test-plan"])).content.decode()
    assert "Money planned and mobilised" in page
    assert '<td class="num">60,000</td>' in page and '<td class="num">3,460</td>' in page
    assert "500 GEL" in page and "1 activity" in page


def test_mobilised_adds_up_the_rounds_up_to_the_one_shown(money):
    world = money
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    round2 = services.round_open(plan=world["plan"], title="2027 report", opens_on=datetime.date(2027, 1, 1),
                                 due_on=datetime.date(2027, 6, 30), opened_by=world["secretariat"])
    record(world, "shared", "kz", round=round2, funds_amount="4000", funds_currency="USD")
    second = dashboards.plan_dashboard(plan=world["plan"], user=world["secretariat"], round=round2)
    first = dashboards.plan_dashboard(plan=world["plan"], user=world["secretariat"], round=world["round"])
    assert second.money.mobilised_usd == mobilised() == Decimal("7460.00")
    assert first.money.mobilised_usd == mobilised(country_report__round=world["round"]) == Decimal("3460.00")
    assert second.money.planned_usd == first.money.planned_usd == 60_000  # planned is the plan's, not per round


def test_the_public_adds_up_validated_amounts_only(client, money):
    world = money
    validate(world, "kz")
    public = dashboards.plan_dashboard(plan=world["plan"], user=AnonymousUser())
    assert public.money.mobilised_usd == mobilised(country_report__country=world["kz"]) == Decimal("3160.00")
    assert public.money.no_rate == 0  # Testland QR's lari are in a draft
    # A correction in progress changes nothing for the public until validated again.
    record(world, "in_unit", "kz", funds_amount="9000", funds_currency="USD")
    assert dashboards.plan_dashboard(plan=world["plan"], user=AnonymousUser()).money.mobilised_usd == Decimal("3160.00")
    body = APIClient().get(reverse("api:actionplan-detail", args=["test-plan"])).json()
    assert body["funds_usd_total"] == "3160.00"


def test_country_dashboard_shows_the_countrys_planned_and_mobilised_per_plan(client, money):
    world = money
    dashboard = dashboards.country_dashboard(country=world["ir"], user=world["secretariat"])
    [row] = dashboard.money
    assert row.label == str(world["plan"])
    assert (row.money.planned_usd, row.money.shared_usd, row.money.planned_unknown) == (5_000, 40_000, 1)
    assert row.money.mobilised_usd == mobilised(country_report__country=world["ir"])
    assert row.money.no_rate_amounts == {"GEL": Decimal("500")}
    client.force_login(world["secretariat"])
    page = client.get(reverse("reporting:country_dashboard", args=["QR"])).content.decode()
    assert "Money planned and mobilised" in page and "500 GEL" in page


def test_plan_api_gives_the_totals(money):
    world = money
    api = APIClient()
    api.force_authenticate(world["secretariat"])
    body = api.get(reverse("api:actionplan-detail", args=["test-plan"])).json()
    assert (body["budget_usd_total"], body["budget_unknown_count"]) == (60_000, 1)
    assert (body["funds_usd_total"], body["funds_report_count"], body["funds_no_rate_count"]) == ("3460.00", 4, 1)
    assert body["funds_no_rate_amounts"] == {"GEL": "500.00"}
    by_country = {row["country"]: row for row in body["money_by_country"]}
    assert (by_country["QZ"]["budget_usd_total"], by_country["QZ"]["budget_shared_usd_total"]) == (15_000, 40_000)
    assert by_country["QR"]["funds_usd_total"] == "300.00"
    assert body["money_group_by"] == "conservation_unit"
    by_group = {row["code"]: row for row in body["money_by_group"]}
    assert by_group["1"]["budget_usd_total"] == 10_000 and by_group[None]["budget_usd_total"] == 50_000


def test_export_summary_matrix_and_details_carry_the_money(money):
    world = money
    book = export(world["secretariat"])
    summary = block(book["Summary"], "Planned against mobilised")
    # columns: ISO code, planned, budget not known, shared, mobilised, reports with funds, without a rate
    assert summary["Testland QZ"][1:6] == (15_000, 1, 40_000, float(mobilised(country_report__country=world["kz"])), 2)
    assert summary["Whole plan"][1:3] == (60_000, 1)
    assert summary["Whole plan"][4:] == (float(mobilised()), 4, "500.00 GEL")

    ws = matrix_sheet(book)
    rows = {ws.cell(row, 1).value: [ws.cell(row, column).value for column in range(7, FIRST_COUNTRY_COLUMN)]
            for row in range(HEADER_ROW + 1, ws.max_row + 1)}
    assert rows["2.3"] == ["5,000 USD per country", 10_000, 300]
    assert rows["2.2"] == ["TBD", None, 2160]  # planned not known: an empty cell, never 0

    [row] = [row for row in details(book) if row["activity_code"] == "2.2" and row["country"] == "QR"]
    assert (row["funds_amount"], row["funds_currency"], row["funds_usd"], row["funds_source"]) == (
        500, "GEL", None, "NGO")


def test_money_totals_take_three_queries_whatever_the_size(money, django_assert_num_queries):
    world = money
    for code in range(5, 25):
        ActivityFactory(plan=world["plan"], result=None, section=world["everywhere"].section, code=f"2.{code}",
                        budget="1,000 USD per State", budget_usd=1_000, budget_basis="per State",
                        countries=[world["kz"], world["ir"]])
    with django_assert_num_queries(3):
        totals = funds_totals.money_totals(activities=Activity.objects.filter(plan=world["plan"]),
                                           reports=funds_totals.reports_in_rounds(world["secretariat"], [world["round"]]))
    assert totals.plan.planned_usd == 60_000 + 20 * 2 * 1_000


def test_persian_leopard_budgets_add_up_as_printed(real_plans):
    activities = Activity.objects.filter(plan__slug="persian-leopard").current()
    totals = funds_totals.money_totals(activities=activities, reports=ProgressReport.objects.none())
    assert totals.plan.planned_usd == planned_in_test(activities) == 39_345_000
    assert totals.plan.planned_unknown == activities.filter(budget_usd__isnull=True).count() == 59
