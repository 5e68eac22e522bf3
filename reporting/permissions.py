"""Who may do what in reporting: the one place these rules live.

Secretariat (staff) manages rounds, validates and returns reports and may correct any report;
a focal point edits and submits the reports of their countries (of every plan, or of the plans
their assignment names); a contributor drafts only what a focal point handed over; observers and
every other signed-in user read everything; anonymous visitors read published versions only (the values at
the last validation: ``published.sees_drafts`` and ``ProgressReport.objects.visible_to``).
Each check returns ``None`` when allowed, or the sentence saying why not (shown as the 403).

Whether a country's report may change now depends on its state: a submitted report waits for the
Secretariat and is locked to the country until withdrawn (why_locked_for_editing); draft, returned,
validated and reopened reports are open to whoever may draft them while the round is open. Pages ask
``editing_access`` before showing edit controls; writes ask the same questions on the locked row.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from actionplans.models import Activity

from .models import Assignment, CountryReport, ReportingRound

SECRETARIAT, FOCAL_POINT, CONTRIBUTOR, OBSERVER, ANONYMOUS = (
    "secretariat", "focal_point", "contributor", "observer", "anonymous",
)


def user_role(user) -> str:
    if not user.is_authenticated:
        return ANONYMOUS
    if user.is_staff:
        return SECRETARIAT
    roles = set(Assignment.objects.filter(user=user).values_list("role", flat=True))
    if Assignment.Role.FOCAL_POINT in roles:
        return FOCAL_POINT
    return CONTRIBUTOR if roles else OBSERVER


def drafting_scope(user, *, plan, country) -> Q | None:
    """The activities of ``plan`` the user may draft for ``country`` (a Q on Activity), or None."""
    if not user.is_authenticated:
        return None
    if user.is_staff:
        return Q()
    scope = None
    assignments = Assignment.objects.for_user(user).covering(plan_id=plan.pk, country_id=country.pk)
    for assignment in assignments.prefetch_related("activities"):
        if assignment.role == Assignment.Role.FOCAL_POINT:
            return Q()
        handed = [activity.pk for activity in assignment.activities.all()]
        if handed:
            part = Q(pk__in=_with_later_editions(handed))
        elif assignment.conservation_unit_id:
            part = Q(conservation_unit_id=assignment.conservation_unit_id)
        else:
            part = Q()
        scope = part if scope is None else scope | part
    return scope


def _with_later_editions(activity_ids: list[int]) -> set[int]:
    """The activities handed over and those that continue them in later editions of the plan: a hand-over
    made on the draft keeps its meaning once the adopted edition (renumbered, reworded, merged) is in use.
    One query per edition step, none past the newest."""
    found, frontier = set(activity_ids), set(activity_ids)
    while frontier:
        frontier = set(Activity.continues.through.objects.filter(to_activity_id__in=frontier)
                       .values_list("from_activity_id", flat=True)) - found
        found |= frontier
    return found


def is_focal_point_for(user, *, plan, country) -> bool:
    return user.is_authenticated and (
        Assignment.objects.for_user(user).covering(plan_id=plan.pk, country_id=country.pk)
        .filter(role=Assignment.Role.FOCAL_POINT).exists()
    )


def _round_closed(round: ReportingRound) -> str | None:
    if not round.is_open:
        return _("The round “%(round)s” is closed: its reports can no longer change.") % {"round": round}
    return None


why_round_closed = _round_closed  # the services ask it again on the locked row


def _not_their_country(user, country) -> str:
    if not user.is_authenticated:
        return _("Sign in to report.")
    if not Assignment.objects.filter(user=user).exists():  # an observer reports for no country at all
        return _("Observers can read, not edit.")
    return _("You do not report for %(country)s.") % {"country": country}


def why_cannot_draft(user, *, activity, country, round: ReportingRound) -> str | None:
    """May ``user`` change the progress of ``activity`` in ``country`` for ``round``?"""
    if reason := _round_closed(round):
        return reason
    scope = drafting_scope(user, plan=round.plan, country=country)
    if scope is None:
        return _not_their_country(user, country)
    if not activity.__class__.objects.filter(scope, pk=activity.pk).exists():
        return not_handed_over(activity, country)
    return None


def not_handed_over(activity, country) -> str:
    """Why a contributor may not draft ``activity``: the pages, the API and the workbook say it alike."""
    return _("Drafting %(activity)s for %(country)s was not handed to you.") % {
        "activity": activity, "country": country}


def why_locked_for_editing(user, *, country_report: CountryReport | None) -> str | None:
    """Is ``country_report`` locked to ``user``'s edits by its state?

    A report the country submitted waits for the Secretariat: the country withdraws it to edit it.
    The Secretariat may correct any report. A validated report stays open to the country's
    corrections (the first one reopens it, see services.progress_report_record), and so does a
    reopened one, so that a batch of changes (a workbook, several statuses at once) is saved whole.
    """
    if country_report is None or country_report.state != CountryReport.State.SUBMITTED or user.is_staff:
        return None
    return _("The report of %(country)s is submitted and waits for the Secretariat: withdraw it to edit.") % {
        "country": country_report.country}


@dataclass(frozen=True)
class EditingAccess:
    """What ``user`` may change of a country's report now, and why not: one answer, asked once."""

    scope: Q | None  # the activities they may change now (a Q on Activity), or None
    why_not: str | None  # when scope is None: the round is closed, not their country, or the report's lock
    drafts_here: bool  # they draft for this country (so a lock is theirs to hear about)

    @property
    def why_locked(self) -> str | None:
        """The lock of an open round's report, said to those who draft it (the report page's hint)."""
        return self.why_not if self.drafts_here and self.scope is None else None


def editing_access(user, *, round: ReportingRound, country, country_report: CountryReport | None) -> EditingAccess:
    """The activities of ``round``'s plan ``user`` may change for ``country`` now, or why none: the round
    is closed, they draft nothing there, or the report is locked (why_locked_for_editing). What the pages
    and the offline workbook offer to change; the API and every write ask the services, which decide the
    same on the locked row."""
    if reason := _round_closed(round):
        return EditingAccess(None, reason, drafts_here=False)
    scope = drafting_scope(user, plan=round.plan, country=country)
    if scope is None:
        return EditingAccess(None, _not_their_country(user, country), drafts_here=False)
    if reason := why_locked_for_editing(user, country_report=country_report):
        return EditingAccess(None, reason, drafts_here=True)
    return EditingAccess(scope, None, drafts_here=True)


def why_cannot_submit(user, *, country_report: CountryReport) -> str | None:
    if reason := _round_closed(country_report.round):
        return reason
    if user.is_staff or is_focal_point_for(user, plan=country_report.round.plan, country=country_report.country):
        return None
    if drafting_scope(user, plan=country_report.round.plan, country=country_report.country) is not None:
        return _("Contributors draft; the focal point of %(country)s submits.") % {"country": country_report.country}
    return _not_their_country(user, country_report.country)


def why_cannot_see_validation_queue(user) -> str | None:
    if not user.is_staff:
        return _("Only the CMS Secretariat validates or returns reports.")
    return None


def why_cannot_validate(user, *, country_report: CountryReport) -> str | None:
    return _round_closed(country_report.round) or why_cannot_see_validation_queue(user)


def why_cannot_manage_rounds(user) -> str | None:
    if not (user.is_authenticated and user.is_staff):
        return _("Only the CMS Secretariat opens and closes reporting rounds.")
    return None


def why_cannot_set_rates(user) -> str | None:
    if not (user.is_authenticated and user.is_staff):
        return _("Only the CMS Secretariat sets the exchange rates of a round.")
    return None
