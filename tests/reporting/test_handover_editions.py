"""A hand-over made on one edition of a plan keeps its meaning in the next (issue #9): the contributor drafts
the activities that continue the ones handed over, renumbered or merged, and still nothing else."""
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from actionplans.models import PlanEdition
from reporting import services
from reporting.models import Assignment, ReportingRound
from reporting.services import ProgressInput
from tests.factories import ActivityFactory


@pytest.fixture
def adopted(world):
    """Edition 2 of the plan, its round open: 3.1 continues 2.1 (renumbered), 3.2 continues 2.2 and 2.1 (a
    merge), 3.3 is new."""
    world["round"].status = ReportingRound.Status.CLOSED
    world["round"].save()
    edition = PlanEdition.objects.create(plan=world["plan"], number=2, title="Adopted", slug="adopted")

    def measure(code, *continues):
        activity = ActivityFactory(plan=world["plan"], edition=edition, result=None, kind="measure", code=code,
                                   section=world["everywhere"].section, countries=[world["kz"]])
        activity.continues.set(continues)
        return activity

    round = ReportingRound.objects.create(plan=world["plan"], edition=edition, title="2027 report",
                                          opens_on=datetime.date(2027, 1, 1), due_on=datetime.date(2027, 12, 31),
                                          opened_by=world["secretariat"])
    return {"3.1": measure("3.1", world["in_unit"]), "3.2": measure("3.2", world["everywhere"], world["in_unit"]),
            "3.3": measure("3.3"), "round": round}


@pytest.fixture
def handed_2_1(world):
    """A colleague of Testland QZ's focal point was handed measure 2.1 alone (edition 1)."""
    colleague = get_user_model().objects.create_user("colleague-t", password="pw")
    assignment = Assignment.objects.create(user=colleague, country=world["kz"], plan=world["plan"],
                                           role=Assignment.Role.CONTRIBUTOR, granted_by=world["focal_kz"])
    assignment.activities.set([world["in_unit"]])
    return colleague


def draft(world, adopted, user, code):
    return services.progress_report_record(round=adopted["round"], activity=adopted[code], country=world["kz"],
                                           user=user, values=ProgressInput(status="in_progress"))


def test_the_contributor_drafts_what_continues_the_activity_handed_over(world, adopted, handed_2_1):
    assert draft(world, adopted, handed_2_1, "3.1").status == "in_progress"  # renumbered
    assert draft(world, adopted, handed_2_1, "3.2").status == "in_progress"  # merged with another


def test_nothing_else_of_the_new_edition(world, adopted, handed_2_1):
    with pytest.raises(PermissionDenied):
        draft(world, adopted, handed_2_1, "3.3")


def test_across_two_editions_too(world, adopted, handed_2_1):
    revised = PlanEdition.objects.create(plan=world["plan"], number=3, title="Revised", slug="revised")
    later = ActivityFactory(plan=world["plan"], edition=revised, result=None, kind="measure", code="4.1",
                            section=world["everywhere"].section, countries=[world["kz"]])
    later.continues.set([adopted["3.1"]])
    adopted["round"].edition = revised
    adopted["round"].save()
    adopted["4.1"] = later
    assert draft(world, adopted, handed_2_1, "4.1").status == "in_progress"
