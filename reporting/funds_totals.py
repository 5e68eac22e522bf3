"""Money planned against money mobilised: per plan, country, conservation unit or objective.

*Planned* is what the plan budgets (``Activity.budget_usd``, read from the printed budget):

- a budget printed "per country" or "per State" counts once for each country the activity applies to;
- any other amount counts once for the activity, whatever the number of countries;
- a budget that prints no amount ("TBD", "N/A", nothing) is **unknown**: counted as such, never as zero.

Per country, a "per country" budget is that country's; an activity of a single range state gives it the
whole budget; the budget of an activity shared by several range states is not split (the plan does not
say how): it is shown as a shared budget beside the country's own.

*Mobilised* is what countries reported as spent or mobilised (``ProgressReport.funds_usd``, converted
when each report was saved), summed over the rounds asked for: each round's report holds the funds of
that round only (carry-over copies no funds). Who sees which version follows the published-version
rules (``ProgressReport.visible_to``): the public adds up validated amounts. An amount in a currency
without a rate for its round has no USD value: it is counted apart (``no_rate``, with its amounts per
currency), never added as zero.

Three queries whatever the size of the plan: the activities' budgets, their countries, the grouped funds.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from actionplans.models import Activity

from .models import ProgressReport

PER_COUNTRY_BASES = frozenset({"per country", "per state"})


def is_per_country(basis: str) -> bool:
    return (basis or "").strip().lower() in PER_COUNTRY_BASES


@dataclass
class Money:
    """Planned against mobilised for one plan, country, unit or objective."""

    planned_usd: int = 0
    planned_unknown: int = 0  # activities whose budget prints no amount
    shared_usd: int = 0  # per country only: budgets of activities shared with other range states
    shared_count: int = 0
    mobilised_usd: Decimal = Decimal(0)
    reports: int = 0  # reports that give an amount
    no_rate: int = 0  # of them, in a currency without a rate for their round
    no_rate_amounts: dict[str, Decimal] = field(default_factory=dict)

    @property
    def share(self) -> float | None:
        """Mobilised as a percentage of the known planned amount; None when nothing is planned."""
        return float(100 * self.mobilised_usd / self.planned_usd) if self.planned_usd else None

    @property
    def share_text(self) -> str:
        return "—" if self.share is None else f"{self.share:.0f}%"

    def add_planned(self, budget: int | None, basis: str, countries: int):
        """An activity's budget, for the plan or a group: "per country" once for each of its countries."""
        if budget is None:
            self.planned_unknown += 1
        else:
            self.planned_usd += budget * countries if is_per_country(basis) else budget

    def add_country_planned(self, budget: int | None, basis: str, countries: int):
        """An activity's budget, for one of its ``countries`` range states."""
        if budget is None:
            self.planned_unknown += 1
        elif is_per_country(basis) or countries == 1:
            self.planned_usd += budget
        else:
            self.shared_usd += budget
            self.shared_count += 1

    def add_funds(self, *, usd, currency: str, amount_without_rate, reports: int = 1, no_rate: int | None = None):
        """Funds reported (by ``reports`` reports): their USD, or the amount in ``currency`` without a rate."""
        self.mobilised_usd += usd or 0
        self.reports += reports
        no_rate = (usd is None) if no_rate is None else no_rate
        if no_rate:
            self.no_rate += no_rate
            self.no_rate_amounts[currency] = self.no_rate_amounts.get(currency, Decimal(0)) + amount_without_rate


@dataclass
class MoneyRow:
    """A line of a money table: a country, unit, objective or plan, its Money, the page it leads to."""

    label: str
    money: Money
    url: str = ""


@dataclass
class MoneyTotals:
    plan: Money
    by_country: dict[int, Money]  # country id → Money
    by_group: dict[int | None, Money]  # unit, objective or plan id (None: outside any) → Money
    group_by: str  # "conservation_unit", "objective" or "plan"
    by_activity: dict[int, Money]
    by_country_group: dict[tuple[int, int | None], Money]  # (country id, group id) → the country's Money


def money_totals(*, activities, reports, group_by: str | None = None) -> MoneyTotals:
    """Planned for ``activities`` (a queryset of Activity) against mobilised in ``reports`` (a queryset of
    ProgressReport from ``visible_to``, already limited to the rounds to add up).

    ``group_by`` is "conservation_unit", "objective" or "plan"; by default, units where the activities
    have them, else objectives (as the plan dashboard groups)."""
    budgets = list(activities.order_by().values("id", "budget_usd", "budget_basis", "conservation_unit_id",
                                                "objective_id", "plan_id"))
    if group_by is None:
        group_by = "conservation_unit" if any(row["conservation_unit_id"] for row in budgets) else "objective"
    group_of = {row["id"]: row[f"{group_by}_id"] for row in budgets}
    countries = defaultdict(list)
    for activity_id, country_id in Activity.countries.through.objects.filter(
            activity__in=activities.order_by().values("id")).values_list("activity_id", "country_id"):
        countries[activity_id].append(country_id)

    totals = MoneyTotals(Money(), defaultdict(Money), defaultdict(Money), group_by, defaultdict(Money),
                         defaultdict(Money))
    for row in budgets:
        _add_planned(totals, row, countries[row["id"]], group_of[row["id"]])
    for row in _funds_rows(reports, activities=activities):
        group = group_of[row["activity"]]
        for money in (totals.plan, totals.by_country[row["country"]], totals.by_activity[row["activity"]],
                      totals.by_group[group], totals.by_country_group[row["country"], group]):
            money.add_funds(usd=row["usd"], currency=row["currency"], amount_without_rate=row["no_rate_amount"],
                            reports=row["reports"], no_rate=row["no_rate"])
    return totals


def _add_planned(totals: MoneyTotals, row: dict, countries: list[int], group):
    budget, basis = row["budget_usd"], row["budget_basis"]
    for money in (totals.plan, totals.by_activity[row["id"]], totals.by_group[group]):
        money.add_planned(budget, basis, len(countries))
    for country in countries:
        for money in (totals.by_country[country], totals.by_country_group[country, group]):
            money.add_country_planned(budget, basis, len(countries))


def _funds_rows(reports, *, activities) -> list[dict]:
    """The reported funds grouped by country, activity and currency (one query)."""
    amount, usd = reports.seen("funds_amount"), reports.seen("funds_usd")
    without_rate = Q(**{f"{amount}__isnull": False, f"{usd}__isnull": True})
    rows = (
        reports.filter(activity__in=activities.order_by().values("id"), **{f"{amount}__isnull": False})
        # "activity" and "country" would clash with the model's own names: aliases, renamed below.
        .values(country_ref=F("country_report__country_id"), activity_ref=F("activity_id"),
                currency=F(reports.seen("funds_currency")))
        .annotate(usd=Sum(usd), reports=Count("id"), no_rate=Count("id", filter=without_rate),
                  no_rate_amount=Sum(amount, filter=without_rate))
        .order_by()
    )
    return [{**row, "country": row.pop("country_ref"), "activity": row.pop("activity_ref")} for row in rows]


def reports_in_rounds(user, rounds):
    """The reports ``user`` reads (working copies or published versions) in ``rounds``."""
    return ProgressReport.objects.visible_to(user).filter(country_report__round__in=rounds)
