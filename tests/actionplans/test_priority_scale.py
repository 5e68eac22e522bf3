"""The priority scale as data: the declared values read every printed priority as the old rules did."""
from decimal import Decimal

import pytest

from actionplans import normalise
from actionplans.models import Activity, PriorityScaleValue
from tests.factories import ActionPlanFactory, ActivityFactory, PlanElementFactory


@pytest.mark.parametrize("scale", ["rank", "word", "score"])
def test_declared_default_scales_read_every_value_as_the_rules_do(scale):
    printed = {
        "rank": ["1", "2", "3", "4", ""],
        "word": ["Essential", "high", "Medium", "Low", "Urgent"],
        "score": [f"{Decimal(n) / 100:.2f}" for n in range(100, 301)] + ["1.495", "2.4999", "2.5"],
    }[scale]
    values = normalise.DEFAULT_SCALE_VALUES[scale]
    for value in printed:
        assert normalise.priority_level_on_scale(value, scale, values) == normalise.priority_level_from(value, scale), value


def test_a_score_range_covers_up_to_the_next_step_of_its_last_decimal():
    assert normalise.score_bounds("1.50-2.49") == (Decimal("1.50"), Decimal("2.50"))
    assert normalise.score_bounds("3") == (Decimal(3), Decimal(4))
    assert normalise.score_bounds("high") is None


def test_a_plan_with_its_own_scale_needs_no_code(db):
    plan = ActionPlanFactory()
    for position, (printed, level) in enumerate([("A", "high"), ("B", "medium"), ("C", "low")], 1):
        PriorityScaleValue.objects.create(plan=plan, kind="activity", scale="rank", printed=printed, level=level,
                                          position=position)
    result = PlanElementFactory(plan=plan, level="result", code="1.1")
    activity = ActivityFactory.build(plan=plan, result=result, kind="activity", priority="b", priority_scale="score")
    activity.clean()
    assert (activity.priority_scale, activity.priority_level) == ("rank", "medium")
    activity.priority = "D"
    with pytest.raises(Exception, match="'D' is not a priority"):
        activity.clean()


def test_real_plans_read_their_levels_on_their_declared_scales(real_plans):
    assert real_plans["argali"].priority_scale_values.filter(kind="measure").count() == 3
    for activity in Activity.objects.filter(plan__in=real_plans.values()).select_related("plan"):
        level = activity.priority_level
        activity.derive_normalised_fields()
        assert activity.priority_level == level, activity.key
