"""Opening a round carries each country's latest report of each activity from the plan's earlier rounds,
in a number of queries that does not grow with the plan (reporting/services/rounds.py `_carry_over_into`)."""
import datetime
import math

import pytest
from django.db import connection

from reporting import services
from reporting.models import CountryReport, ProgressChange, ProgressReport, ReportingRound
from tests.factories import ActionPlanFactory, ActivityFactory, CountryFactory, PlanElementFactory

DONE, GOING = ProgressReport.Status.COMPLETED, ProgressReport.Status.IN_PROGRESS
# round_open in a test's transaction: its savepoint (2 statements), the plan's lock, the open-round check,
# the title check, the plan's current edition (1), full_clean (the plan, the edition and the opener exist: 3;
# the constraints are checked by name above and held by the database), the insert in its savepoint (3),
# the latest reports of the earlier rounds (1). Then the bulk inserts (see _inserts).
QUERIES_BESIDES_INSERTS = 13


def _round(plan, year, title, status=ReportingRound.Status.CLOSED):
    return ReportingRound.objects.create(plan=plan, edition=plan.current_edition, title=title,
                                         opens_on=datetime.date(year, 1, 1), due_on=datetime.date(year, 6, 30),
                                         status=status)


def _reports(round, activities, countries, status, narrative):
    """Reports made directly (test data): what earlier rounds left behind."""
    country_reports = [CountryReport.objects.get_or_create(round=round, country=country)[0] for country in countries]
    return ProgressReport.objects.bulk_create(
        ProgressReport(country_report=country_report, activity=activity, status=status,
                       narrative=f"{narrative} {activity.code} {country_report.country.code}",
                       updated_at=datetime.datetime(round.opens_on.year, 2, 1, tzinfo=datetime.UTC))
        for country_report in country_reports for activity in activities
    )


@pytest.fixture
def plan_of(db, django_user_model):
    """A plan of `size` activities in two countries: the 2024 round reported on all of them, the 2025 round
    (the latest) on the even ones; a 2027 round opened before the new one is dated 2026 is a later one."""
    secretariat = django_user_model.objects.create_user("secretariat-carry", password="pw", is_staff=True)

    def build(size):
        countries = [CountryFactory(code="QZ", name="Testland QZ"), CountryFactory(code="QN", name="Testland QN")]
        plan = ActionPlanFactory(range_states=countries)
        section = PlanElementFactory(plan=plan, level="section", code="1.0")
        activities = [ActivityFactory(plan=plan, result=None, section=section, code=f"1.{n}", countries=countries)
                      for n in range(1, size + 1)]
        _reports(_round(plan, 2024, "2024 report"), activities, countries, GOING, "Begun")
        _reports(_round(plan, 2025, "2025 report"), activities[1::2], countries, DONE, "Finished")
        _reports(_round(plan, 2027, "2027 report"), activities, countries, DONE, "From the future")
        return {"plan": plan, "activities": activities, "countries": countries, "secretariat": secretariat}

    return build


def _open(world):
    return services.round_open(plan=world["plan"], title="2026 report", opens_on=datetime.date(2026, 1, 1),
                               due_on=datetime.date(2026, 6, 30), opened_by=world["secretariat"])


def _inserts(model, rows: int) -> int:
    """Statements of one bulk_create: one on PostgreSQL; SQLite caps a statement at 999 parameters."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    return math.ceil(rows / connection.ops.bulk_batch_size(fields, [None] * rows))


def _expected_queries(pairs: int) -> int:
    """Country reports, their copies and the copies' history, each in one bulk insert; a database that
    does not return the new ids from a bulk insert has them read back (two more queries)."""
    rereads = 0 if connection.features.can_return_rows_from_bulk_insert else 2
    return (QUERIES_BESIDES_INSERTS + rereads + _inserts(CountryReport, 2) + _inserts(ProgressReport, pairs)
            + _inserts(ProgressChange, pairs))


@pytest.mark.parametrize("size", [20, 200])
def test_opening_a_round_takes_the_same_queries_for_20_and_200_activities(plan_of, size,
                                                                           django_assert_num_queries):
    world = plan_of(size)
    with django_assert_num_queries(_expected_queries(2 * size)):
        round = _open(world)
    assert ProgressReport.objects.filter(country_report__round=round).count() == 2 * size


def test_bulk_inserts_are_single_statements_on_postgresql():
    """The same count at 20 and at 200 activities: only SQLite splits a bulk insert."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite splits bulk inserts at 999 parameters")
    assert _expected_queries(40) == _expected_queries(400) == QUERIES_BESIDES_INSERTS + 3


@pytest.mark.parametrize("returning", [True, False], ids=["ids-returned", "ids-read-back"])
def test_each_pair_carries_its_latest_report_of_the_earlier_rounds(plan_of, returning, monkeypatch):
    """Where the database returns no ids from a bulk insert (SQLite before 3.35), they are read back."""
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", returning)
    world = plan_of(4)
    round = _open(world)
    carried = {
        (report.activity.code, report.country_report.country.code): report
        for report in ProgressReport.objects.filter(country_report__round=round)
        .select_related("activity", "country_report__country", "carried_from__country_report__round")
    }
    assert len(carried) == 8
    for (code, country), report in carried.items():
        latest = "2025 report" if int(code.split(".")[1]) % 2 == 0 else "2024 report"
        status, narrative = (DONE, "Finished") if latest == "2025 report" else (GOING, "Begun")
        assert (report.status, report.narrative, report.carried_over, report.version, report.updated_by) == (
            status, f"{narrative} {code} {country}", True, 1, None)
        assert report.carried_from.country_report.round.title == latest
        assert report.carried_from.activity_id == report.activity_id
        assert report.carried_from.country_report.country_id == report.country_report.country_id
        [change] = report.changes.all()
        assert (change.version, change.source, change.changed_by, change.changes) == (
            1, ProgressChange.Source.CARRY_OVER, None, {"carried_over_from_round": [None, latest]})
    assert set(CountryReport.objects.filter(round=round).values_list("country__code", "state")) == {
        ("QZ", "draft"), ("QN", "draft")}


def test_a_plan_without_reports_opens_a_round_with_nothing_carried(db, django_user_model):
    plan = ActionPlanFactory()
    secretariat = django_user_model.objects.create_user("secretariat-empty", password="pw", is_staff=True)
    round = services.round_open(plan=plan, title="First", opens_on=datetime.date(2026, 1, 1),
                                due_on=datetime.date(2026, 6, 30), opened_by=secretariat)
    assert ReportingRound.objects.open().get(plan=plan) == round
    assert not CountryReport.objects.filter(round=round).exists()
