"""Which round counts as a plan's latest."""
import datetime

from reporting.models import ReportingRound


def test_the_latest_round_is_the_last_to_open_not_the_last_created(world):
    ReportingRound.objects.create(
        plan=world["plan"], title="2024 report", opens_on=datetime.date(2024, 1, 1),
        due_on=datetime.date(2024, 12, 31), status=ReportingRound.Status.CLOSED)
    assert ReportingRound.objects.latest_for(world["plan"]) == world["round"]


def test_rounds_opening_the_same_day_the_later_created_is_latest(world):
    world["round"].status = ReportingRound.Status.CLOSED
    world["round"].save()
    again = ReportingRound.objects.create(plan=world["plan"], title="2026 report, again",
                                          opens_on=world["round"].opens_on, due_on=world["round"].due_on)
    assert ReportingRound.objects.latest_for(world["plan"]) == again


def test_a_plan_without_rounds_has_no_latest_round(world):
    from tests.factories import ActionPlanFactory

    assert ReportingRound.objects.latest_for(ActionPlanFactory()) is None
