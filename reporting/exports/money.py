"""Money in the export: planned against mobilised for the exported activities and pairs (the Summary's
block), and the Matrix's money columns, counted by ``reporting.funds_totals``'s rules from the tables
already read (no query of their own).

Mobilised here is what the exported round's reports give (the export is of one round per plan); the
dashboards add up every round up to the one shown."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..funds_totals import Money
from .tables import MatrixRow, PlanTable, group_label


@dataclass
class PlanMoney:
    plan: Money = field(default_factory=Money)
    by_country: list[tuple[object, Money]] = field(default_factory=list)  # (Country, Money), as the columns
    by_group: dict[str, Money] = field(default_factory=dict)  # group label → Money, in document order


def row_planned(row: MatrixRow) -> Money:
    money = Money()
    money.add_planned(row.activity.budget_usd, row.activity.budget_basis, row.applies_to)
    return money


def row_mobilised(row: MatrixRow) -> Money:
    """The funds of the exported pairs of one activity."""
    money = Money()
    for pair in row.cells:
        if pair is not None and pair.selected:
            _add_report(money, pair.report)
    return money


def plan_money(table: PlanTable) -> PlanMoney:
    result = PlanMoney(by_country=[(country, Money()) for country in table.countries])
    for row in table.rows:
        activity = row.activity
        budget, basis = activity.budget_usd, activity.budget_basis
        group = result.by_group.setdefault(group_label(activity), Money())
        for money in (result.plan, group):
            money.add_planned(budget, basis, row.applies_to)
        for pair, (_country, money) in zip(row.cells, result.by_country):
            if pair is None or not pair.selected:
                continue
            money.add_country_planned(budget, basis, row.applies_to)
            for total in (money, result.plan, group):
                _add_report(total, pair.report)
    return result


def _add_report(money: Money, report):
    if report is not None and report.funds_amount is not None:
        money.add_funds(usd=report.funds_usd, currency=report.funds_currency,
                        amount_without_rate=report.funds_amount)
