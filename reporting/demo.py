"""Demo accounts and rounds for trying the tracker (development only; see load_demo)."""
from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from actionplans.models import ActionPlan
from conservation_units.models import Country

from . import services
from .models import Assignment

DEMO_PASSWORD = "demo"

# username: (staff, [(role, country, plan slug or None, conservation unit number or None)])
DEMO_ACCOUNTS = {
    "secretariat": (True, []),
    "focal-kz": (False, [(Assignment.Role.FOCAL_POINT, "KZ", None, None)]),
    "focal-ir": (False, [(Assignment.Role.FOCAL_POINT, "IR", None, None)]),
    # A colleague of the Kazakh focal point, drafting the Argali measures of the Western Tien Shan (unit 2).
    "contributor-kz": (False, [(Assignment.Role.CONTRIBUTOR, "KZ", "argali", 2)]),
    "observer": (False, []),
}


@transaction.atomic
def demo_data_load(*, today: datetime.date | None = None) -> list[str]:
    """Create the demo accounts and an open round per plan (opened by the demo Secretariat through
    round_open, as on the rounds page); safe to run twice. Returns what it did."""
    today = today or timezone.localdate()
    done = [_demo_account(username, staff, assignments) for username, (staff, assignments) in DEMO_ACCOUNTS.items()]
    secretariat = get_user_model().objects.get(username="secretariat")
    for plan in ActionPlan.objects.order_by("slug"):
        if plan.rounds.exists():
            continue
        services.round_open(
            plan=plan, title=f"{today.year} report to the meeting of the range states", opens_on=today,
            due_on=today + datetime.timedelta(days=60), opened_by=secretariat,
        )
        done.append(f"open round for {plan.slug}, due {today + datetime.timedelta(days=60)}")
    return done


def _demo_account(username: str, staff: bool, assignments: list) -> str:
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"is_staff": staff, "is_superuser": staff, "email": f"{username}@example.org"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    for role, country_code, plan_slug, unit_number in assignments:
        plan = ActionPlan.objects.filter(slug=plan_slug).first() if plan_slug else None
        unit = plan.conservation_units.filter(number=unit_number).first() if plan and unit_number else None
        Assignment.objects.get_or_create(
            user=user, country=Country.objects.get(code=country_code), plan=plan, role=role, conservation_unit=unit,
        )
    return f"{username}: {'created' if created else 'already there'}"
