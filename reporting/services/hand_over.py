"""A focal point hands the drafting of chosen activities, a unit or a plan to a colleague, and takes it back."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import notifications, permissions


def drafting_hand_over(*, granted_by, colleague, country, plan, conservation_unit=None, activity_codes=()):
    """A focal point lets a colleague draft some of the country's reports (never submit them).

    The colleague drafts the activities named by code, else those of ``conservation_unit``, else every
    activity of ``plan`` that applies to the country.
    """
    from ..models import Assignment

    if not (granted_by.is_staff or permissions.is_focal_point_for(granted_by, plan=plan, country=country)):
        raise PermissionDenied(_("Only the focal point of %(country)s hands over its drafting.") % {"country": country})
    if colleague == granted_by:
        raise ValidationError({"colleague": _("Choose a colleague, not yourself.")})
    if conservation_unit and (conservation_unit.plan_id != plan.pk
                              or not conservation_unit.countries.filter(pk=country.pk).exists()):
        raise ValidationError({"conservation_unit": _("%(unit)s is not a unit of %(plan)s in %(country)s.") % {
            "unit": conservation_unit, "plan": plan, "country": country}})
    activities = list(plan.activities.current().filter(code__in=activity_codes, countries=country))
    unknown = sorted(set(activity_codes) - {activity.code for activity in activities})
    if unknown:
        raise ValidationError({"activity_codes": _("No activity %(codes)s of %(plan)s applies to %(country)s.") % {
            "codes": ", ".join(unknown), "plan": plan, "country": country}})
    with transaction.atomic():
        assignment = Assignment(user=colleague, country=country, plan=plan, role=Assignment.Role.CONTRIBUTOR,
                                conservation_unit=conservation_unit, granted_by=granted_by)
        assignment.full_clean()
        assignment.save()
        assignment.activities.set(activities)
        notifications.drafting_handed_over(assignment)
    return assignment


def drafting_take_back(*, assignment, user):
    """End a hand-over; the colleague's past edits stay in the history."""
    if not (user.is_staff or permissions.is_focal_point_for(user, plan=assignment.plan, country=assignment.country)):
        raise PermissionDenied(_("Only the focal point of %(country)s ends its hand-overs.") % {
            "country": assignment.country})
    assignment.delete()


