"""What the database itself refuses, and which round counts as a plan's latest."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from reporting import services
from reporting.models import (
    Assignment,
    CountryReport,
    Evidence,
    ProgressChange,
    ProgressReport,
    ReportingRound,
)
from reporting.services import ProgressInput

FOCAL_POINT, CONTRIBUTOR = Assignment.Role.FOCAL_POINT, Assignment.Role.CONTRIBUTOR


def refused_by_the_database(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def kz_report(world):
    return services.progress_report_record(
        round=world["round"], activity=world["everywhere"], country=world["kz"], user=world["focal_kz"],
        values=ProgressInput(status="in_progress"))


def test_a_second_history_entry_for_one_version_is_refused(world):
    report = kz_report(world)
    refused_by_the_database(lambda: ProgressChange.objects.create(
        progress_report=report, version=report.version, changed_at=timezone.now(), source="api", changes={}))
    assert report.changes.count() == 1


def test_a_focal_point_for_every_plan_is_assigned_once_per_country(world):
    refused_by_the_database(lambda: Assignment.objects.create(user=world["focal_kz"], country=world["kz"]))


def test_a_focal_point_for_one_plan_is_assigned_once_per_country_and_plan(world):
    Assignment.objects.create(user=world["observer"], country=world["kz"], plan=world["plan"])
    refused_by_the_database(lambda: Assignment.objects.create(
        user=world["observer"], country=world["kz"], plan=world["plan"]))


def test_a_focal_point_for_every_plan_may_also_be_named_for_one(world):
    Assignment.objects.create(user=world["focal_kz"], country=world["kz"], plan=world["plan"])
    assert Assignment.objects.filter(user=world["focal_kz"], role=FOCAL_POINT).count() == 2


def test_a_colleague_may_be_handed_two_parts_of_a_plan(world, django_user_model):
    # A contributor's scope includes the activities handed over, which no constraint can compare.
    colleague = django_user_model.objects.create_user("colleague-t")
    for code in ("2.1", "2.2"):
        services.drafting_hand_over(granted_by=world["focal_kz"], colleague=colleague, country=world["kz"],
                                    plan=world["plan"], activity_codes=[code])
    assert Assignment.objects.filter(user=colleague, role=CONTRIBUTOR).count() == 2


def test_the_admin_is_told_why_a_second_focal_point_assignment_is_refused(world):
    with pytest.raises(ValidationError, match="already focal point of this country for every plan"):
        Assignment(user=world["focal_kz"], country=world["kz"], role=FOCAL_POINT).full_clean()


def test_a_focal_point_for_one_conservation_unit_is_refused_by_the_database(world):
    refused_by_the_database(lambda: Assignment.objects.create(
        user=world["observer"], country=world["kz"], plan=world["plan"], conservation_unit=world["unit"],
        role=FOCAL_POINT))


def _rows(world):
    report = kz_report(world)
    evidence = services.evidence_add(report=report, user=world["focal_kz"], title="Minutes",
                                     url="https://example.org/minutes", visibility="public")
    return {
        (Assignment, "role"): Assignment.objects.filter(user=world["focal_kz"]),
        (ReportingRound, "status"): ReportingRound.objects.filter(pk=world["round"].pk),
        (CountryReport, "state"): CountryReport.objects.filter(pk=report.country_report_id),
        (ProgressReport, "status"): ProgressReport.objects.filter(pk=report.pk),
        (Evidence, "visibility"): Evidence.objects.filter(pk=evidence.pk),
    }


@pytest.mark.parametrize("model, field", [
    (Assignment, "role"), (ReportingRound, "status"), (CountryReport, "state"), (ProgressReport, "status"),
    (Evidence, "visibility"),
])
def test_a_value_outside_the_choices_is_refused_by_the_database(world, model, field):
    rows = _rows(world)[model, field]
    refused_by_the_database(lambda: rows.update(**{field: "bogus"}))


@pytest.mark.parametrize("model, field", [
    (Assignment, "role"), (ReportingRound, "status"), (CountryReport, "state"), (ProgressReport, "status"),
    (Evidence, "visibility"),
])
def test_each_choice_constraint_lists_exactly_the_fields_choices(model, field):
    # Meta cannot read the model's TextChoices, so the constraints spell the values out: a choice added
    # to the model and not to its constraint would be refused by the database.
    [constraint] = [c for c in model._meta.constraints if c.name.endswith(f"_{field}_valid")]
    [(lookup, values)] = constraint.condition.children
    assert lookup == f"{field}__in"
    assert values == [value for value, _label in model._meta.get_field(field).choices]


def test_the_latest_round_is_the_last_to_open_not_the_last_created(world):
    ReportingRound.objects.create(
        plan=world["plan"], edition=world["plan"].current_edition,
        title="2024 report", opens_on=datetime.date(2024, 1, 1),
        due_on=datetime.date(2024, 12, 31), status=ReportingRound.Status.CLOSED)
    assert ReportingRound.objects.latest_for(world["plan"]) == world["round"]


def test_rounds_opening_the_same_day_the_later_created_is_latest(world):
    world["round"].status = ReportingRound.Status.CLOSED
    world["round"].save()
    again = ReportingRound.objects.create(plan=world["plan"], edition=world["plan"].current_edition,
                                          title="2026 report, again",
                                          opens_on=world["round"].opens_on, due_on=world["round"].due_on)
    assert ReportingRound.objects.latest_for(world["plan"]) == again


def test_a_plan_without_rounds_has_no_latest_round(world):
    from tests.factories import ActionPlanFactory

    assert ReportingRound.objects.latest_for(ActionPlanFactory()) is None
