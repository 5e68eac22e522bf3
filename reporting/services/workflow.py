"""The workflow of a country's report: submit, withdraw, validate, return; which state each starts from."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from actionplans.models import Activity

from .. import notifications, permissions, rules
from ..models import ActivityComment, CountryReport, ReportEvent
from .common import deny_if
from .publishing import country_report_publish
from .report_state import locked_country_report, move_report


# The states each action starts from. Edits move a report too (reopen_if_validated): validated →
# reopened (by the country) or submitted (by the Secretariat). A reopened report is submitted again
# like a draft; the Secretariat validates or returns only what is submitted (its validation queue).
ALLOWED_MOVES = {
    ReportEvent.Action.SUBMITTED: {CountryReport.State.DRAFT, CountryReport.State.RETURNED,
                                   CountryReport.State.REOPENED},
    ReportEvent.Action.WITHDRAWN: {CountryReport.State.SUBMITTED},
    ReportEvent.Action.VALIDATED: {CountryReport.State.SUBMITTED},
    ReportEvent.Action.RETURNED: {CountryReport.State.SUBMITTED},
}


def _check_move(country_report: CountryReport, action: str):
    if country_report.state not in ALLOWED_MOVES[action]:
        raise ValidationError({"state": _("A report in the state “%(state)s” cannot be %(action)s.") % {
            "state": country_report.get_state_display(),
            "action": ReportEvent.Action(action).label.lower()}})


def _transition(*, country_report: CountryReport, user, action: str, state: str, why_not, comment: str = "",
                before=None, after=None) -> CountryReport:
    """One workflow step: permission, lock, allowed from the current state, then the move and its event."""
    deny_if(why_not(user, country_report=country_report))
    with locked_country_report(user=user, round=country_report.round, country=country_report.country,
                                pk=country_report.pk, for_editing=False) as country_report:
        _check_move(country_report, action)
        if before:
            before(country_report)
        event = move_report(country_report, state, action, user, comment)
        if after:
            after(event)
        notifications.report_moved(country_report, action=action, actor=user, comment=comment, event=event)
    return country_report


def why_nothing_to_submit() -> str:
    """The refusal of a submission without any report (the submit page says it before asking too)."""
    return _("Nothing is reported yet: report at least one activity first.")


def _require_something_reported(country_report: CountryReport):
    if not country_report.progress_reports.exists():
        raise ValidationError({"state": why_nothing_to_submit()})


def country_report_submit(*, country_report: CountryReport, user) -> CountryReport:
    return _transition(country_report=country_report, user=user, action=ReportEvent.Action.SUBMITTED,
                       state=CountryReport.State.SUBMITTED, why_not=permissions.why_cannot_submit,
                       before=_require_something_reported)


def country_report_withdraw(*, country_report: CountryReport, user) -> CountryReport:
    return _transition(country_report=country_report, user=user, action=ReportEvent.Action.WITHDRAWN,
                       state=CountryReport.State.DRAFT, why_not=permissions.why_cannot_submit)


def country_report_validate(*, country_report: CountryReport, user) -> CountryReport:
    """Validate a submitted report: its values become the published version that the public reads."""
    return _transition(country_report=country_report, user=user, action=ReportEvent.Action.VALIDATED,
                       state=CountryReport.State.VALIDATED, why_not=permissions.why_cannot_validate,
                       before=lambda locked: country_report_publish(locked, user))


def country_report_return(*, country_report: CountryReport, user, comment: str,
                          activity_comments: dict | None = None) -> CountryReport:
    """Return a submitted report with a comment on the whole and, optionally, on chosen activities
    (``activity_comments``: activity id → comment; blank ones are left out). All or nothing."""
    if not comment.strip():
        deny_if(permissions.why_cannot_validate(user, country_report=country_report))
        raise ValidationError({"comment": _("Say what the country should change.")})
    noted = {int(activity_id): text.strip() for activity_id, text in (activity_comments or {}).items() if text.strip()}

    def check_activities(locked: CountryReport):
        too_long = [activity_id for activity_id, text in noted.items() if len(text) > rules.COMMENT_MAX_CHARS]
        if too_long:
            raise ValidationError({"activity_comments": _("A comment on an activity has at most %(limit)d characters.")
                                   % {"limit": rules.COMMENT_MAX_CHARS}})
        known = set(Activity.objects.of_round(locked.round).filter(countries=locked.country_id, pk__in=noted)
                    .values_list("pk", flat=True))
        if unknown := sorted(set(noted) - known):
            raise ValidationError({"activity_comments": _(
                "No activity %(ids)s in this round applies to %(country)s: comment on the report's own activities.")
                % {"ids": ", ".join(map(str, unknown)), "country": locked.country}})

    def add_comments(event: ReportEvent):
        ActivityComment.objects.bulk_create(
            ActivityComment(event=event, activity_id=activity_id, comment=text) for activity_id, text in noted.items())

    return _transition(country_report=country_report, user=user, action=ReportEvent.Action.RETURNED,
                       state=CountryReport.State.RETURNED, why_not=permissions.why_cannot_validate,
                       comment=comment.strip(), before=check_activities, after=add_comments)
