"""A small plan reported on by the roles of the tracker: the Secretariat, focal points of two
range states of the test's own, a contributor drafting one conservation unit of the first, and an observer.

The range states are Testland QZ and Testland QR, on codes ISO 3166-1 leaves to users: no real country,
so never the Kazakhstan or Iran that tests/conftest.py loads with the real plans. Their keys (``kz``,
``focal_kz``, ``contributor_kz``; ``ir``, ``focal_ir``) keep the names the tests have always used for
"the country with the unit and the contributor" and "the other one"; QR and its name sort before QZ.
"""
import datetime

import pytest
from django.contrib.auth import get_user_model

from reporting.models import Assignment, ReportingRound
from tests.factories import (
    ActionPlanFactory,
    ActivityFactory,
    ConservationUnitFactory,
    CountryFactory,
    PlanElementFactory,
)


@pytest.fixture
def world(db):
    kz = CountryFactory(code="QZ", name="Testland QZ")
    ir = CountryFactory(code="QR", name="Testland QR")
    plan = ActionPlanFactory(slug="test-plan", short_title="Test plan", range_states=[kz, ir])
    section = PlanElementFactory(plan=plan, level="section", code="2.0", title="Unit one")
    unit = ConservationUnitFactory(plan=plan, number=1, name="Western Tien Shan", countries=[kz])
    in_unit = ActivityFactory(plan=plan, result=None, section=section, code="2.1", kind="measure",
                              conservation_unit=unit, priority="1", priority_scale="rank", priority_level="high",
                              text="Collaborate across borders", countries=[kz])
    everywhere = ActivityFactory(plan=plan, result=None, section=section, code="2.2", kind="measure",
                                 priority="2", priority_scale="rank", priority_level="medium",
                                 text="Train protected area staff", countries=[kz, ir])
    users = _users(kz=kz, ir=ir, plan=plan, unit=unit)
    round = ReportingRound.objects.create(
        plan=plan, edition=plan.current_edition,
        title="2026 report", opens_on=datetime.date(2026, 1, 1), due_on=datetime.date(2026, 12, 31),
        opened_by=users["secretariat"],
    )
    return {"kz": kz, "ir": ir, "plan": plan, "unit": unit, "in_unit": in_unit, "everywhere": everywhere,
            "round": round, **users}


def _users(*, kz, ir, plan, unit):
    User = get_user_model()
    users = {
        "secretariat": User.objects.create_user("secretariat-t", password="pw", is_staff=True),
        "focal_kz": User.objects.create_user("focal-kz-t", password="pw"),
        "focal_ir": User.objects.create_user("focal-ir-t", password="pw"),
        "contributor_kz": User.objects.create_user("contributor-kz-t", password="pw"),
        "observer": User.objects.create_user("observer-t", password="pw"),
    }
    Assignment.objects.create(user=users["focal_kz"], country=kz, role=Assignment.Role.FOCAL_POINT)
    Assignment.objects.create(user=users["focal_ir"], country=ir, role=Assignment.Role.FOCAL_POINT)
    Assignment.objects.create(user=users["contributor_kz"], country=kz, plan=plan, conservation_unit=unit,
                              role=Assignment.Role.CONTRIBUTOR, granted_by=users["focal_kz"])
    return users
