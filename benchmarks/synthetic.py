"""Synthetic data at a scale the Secretariat could reach, for the benchmark script.

Rows are bulk-inserted directly (not through reporting/services/): the benchmark measures reading,
exporting and importing at scale, and half a million service calls would only measure the
generator. Every row is valid as the services would have written it.
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from actionplans.editions import edition_current_or_first
from actionplans.models import ActionPlan, Activity, PlanElement
from conservation_units.models import ConservationUnit, Country
from reporting.models import Assignment, CountryReport, ProgressReport, ReportingRound
from reporting.services.publishing import country_report_publish

STATUSES = [choice for choice, _ in ProgressReport.Status.choices]


@dataclass
class Scale:
    plans: int = 20
    activities: int = 200
    countries: int = 30
    rounds: int = 5
    reported_share: float = 0.8  # share of activity x country pairs with a report in a round


def build(scale: Scale, *, seed: int = 7) -> dict:
    """Create the data set; returns what the measurements need."""
    rng = random.Random(seed)
    with transaction.atomic():
        countries = _countries(scale.countries)
        focal = _focal_point(countries[0])
        plans = [_plan(n, scale, countries) for n in range(scale.plans)]
        for plan in plans:
            _rounds(plan, scale, countries, rng, focal)
    return {"plans": plans, "countries": countries, "focal_point": focal}


def report_every_pair(*, user, seed: int = 11) -> dict:
    """Every range state reports every activity it has in the open round of each plan (the real plans
    after load_plans and load_demo): the tracker as the two plans' first full round leaves it.
    Bulk-inserted like the rest; validated reports get their published versions through the service."""
    from reporting.selectors import activity_country_pairs

    rng = random.Random(seed)
    rounds = {}
    with transaction.atomic():
        for round in ReportingRound.objects.open().select_related("plan").order_by("plan__slug"):
            pairs = list(activity_country_pairs(round_ids=[round.pk]).values_list("activity_id", "country_id")
                         .distinct())
            countries = sorted({country_id for _, country_id in pairs})
            CountryReport.objects.bulk_create(
                (CountryReport(round=round, country_id=country_id,
                               state=rng.choice(["draft", "submitted", "validated"])) for country_id in countries),
                ignore_conflicts=True,
            )
            reports = {report.country_id: report for report in CountryReport.objects.filter(round=round)}
            now = timezone.now()
            ProgressReport.objects.bulk_create(
                (ProgressReport(country_report=reports[country_id], activity_id=activity_id,
                                status=rng.choice(STATUSES), narrative="Work reported for the benchmark. " * 3,
                                updated_by=user, updated_at=now)
                 for activity_id, country_id in pairs),
                batch_size=5000, ignore_conflicts=True,
            )
            for report in reports.values():
                if report.state == CountryReport.State.VALIDATED:
                    country_report_publish(report, user)
            rounds[round.plan.slug] = round.pk
    return rounds


def _countries(count: int) -> list[Country]:
    codes = [f"{chr(65 + n // 26)}{chr(65 + n % 26)}" for n in range(count)]
    Country.objects.bulk_create([Country(code=code, name=f"Country {code}") for code in codes], ignore_conflicts=True)
    return list(Country.objects.filter(code__in=codes).order_by("code"))


def _focal_point(country: Country):
    user, _ = get_user_model().objects.get_or_create(username="bench-focal")
    Assignment.objects.get_or_create(user=user, country=country, role=Assignment.Role.FOCAL_POINT)
    return user


def _plan(n: int, scale: Scale, countries: list[Country]) -> ActionPlan:
    plan = ActionPlan.objects.create(
        slug=f"bench-{n:02d}", title=f"Benchmark plan {n}", short_title=f"Bench {n}", species_common_name="Species",
        species_scientific_name="Genus species", period_start=2025, period_end=2032,
    )
    plan.range_states.set(countries)
    unit = ConservationUnit.objects.create(plan=plan, number=1, name="Whole range", kind="region")
    unit.countries.set(countries)
    objective = PlanElement.objects.create(plan=plan, level="objective", code="1", title="Objective", position=1)
    result = PlanElement.objects.create(plan=plan, level="result", code="1.1", title="Result", parent=objective,
                                        position=2)
    edition = edition_current_or_first(plan)
    activities = Activity.objects.bulk_create(
        Activity(plan=plan, edition=edition, kind="activity", code=f"1.1.{i}", key=f"1.1.{i}", position=i + 1,
                 text=f"Benchmark activity {i} of plan {n}", objective=objective, result=result,
                 conservation_unit=unit, priority=f"{1 + (i % 21) / 10:.2f}", priority_scale="score",
                 priority_level=["low", "medium", "high"][i % 3], actor="GOs, NGOs", timeline="2028",
                 target_year=2028, budget="TBD")
        for i in range(scale.activities)
    )
    through = Activity.countries.through
    through.objects.bulk_create(
        through(activity_id=activity.pk, country_id=country.pk) for activity in activities for country in countries
    )
    return plan


def _rounds(plan: ActionPlan, scale: Scale, countries, rng: random.Random, focal):
    activity_ids = list(plan.activities.values_list("pk", flat=True))
    edition = plan.current_edition
    for r in range(scale.rounds):
        opens = datetime.date(2026 + r, 1, 1)
        status = ReportingRound.Status.OPEN if r == scale.rounds - 1 else ReportingRound.Status.CLOSED
        round = ReportingRound.objects.create(plan=plan, edition=edition, title=f"{opens.year} report",
                                              opens_on=opens, due_on=opens + datetime.timedelta(days=180),
                                              status=status)
        reports = CountryReport.objects.bulk_create(
            CountryReport(round=round, country=country, state=rng.choice(["draft", "submitted", "validated"]))
            for country in countries
        )
        now = timezone.now()
        ProgressReport.objects.bulk_create(
            (ProgressReport(country_report=report, activity_id=activity_id, status=rng.choice(STATUSES),
                            narrative="Work reported in the synthetic data set. " * 3, obstacles="",
                            updated_by=focal, updated_at=now)
             for report in reports for activity_id in activity_ids if rng.random() < scale.reported_share),
            batch_size=5000,
        )
        for report in reports:  # validated as the service does it: with their published versions
            if report.state == CountryReport.State.VALIDATED:
                country_report_publish(report, focal)
