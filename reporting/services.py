"""Every write of reporting: rounds, progress reports, evidence, the report workflow.

Each function is one transaction; checks that span rows live here and raise ValidationError
(bad input, naming the field), PermissionDenied (with the sentence saying why) or StaleEdit.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .models import CountryReport, Evidence, ProgressChange, ProgressReport, ReportEvent, ReportingRound
from .uploads import check_evidence_file

TRACKED_FIELDS = ("status", "narrative", "obstacles", "expected_year")


class StaleEdit(Exception):
    """A save made from a copy someone else changed since it was read."""

    def __init__(self, current: ProgressReport, sent_version):
        self.current = current
        self.sent_version = sent_version
        super().__init__(
            _("Someone else saved this report (version %(current)s) after you opened version %(sent)s. "
              "Your changes were not saved: compare both and save again.")
            % {"current": current.version, "sent": sent_version}
        )


def _deny_if(reason: str | None):
    if reason:
        raise PermissionDenied(reason)


# --- Rounds -----------------------------------------------------------------------------------

def round_open(*, plan, title: str, opens_on: datetime.date, due_on: datetime.date, opened_by) -> ReportingRound:
    """Open a round; every country's last known status of each activity is carried into it."""
    _deny_if(permissions.why_cannot_manage_rounds(opened_by))
    if ReportingRound.objects.open().filter(plan=plan).exists():
        raise ValidationError({"plan": _("%(plan)s already has an open round: close it first.") % {"plan": plan}})
    with transaction.atomic():
        round = ReportingRound(plan=plan, title=title, opens_on=opens_on, due_on=due_on, opened_by=opened_by)
        round.full_clean()
        round.save()
        _carry_over_into(round)
    return round


def _carry_over_into(round: ReportingRound):
    """Copy, for each activity and country, the latest report of earlier rounds of the plan."""
    latest = {}
    earlier = (
        ProgressReport.objects.filter(country_report__round__plan=round.plan)
        .exclude(country_report__round=round)
        .select_related("country_report")
        .order_by("country_report__round__opens_on", "country_report__round_id")
    )
    for report in earlier:
        latest[(report.activity_id, report.country_report.country_id)] = report
    if not latest:
        return
    now = timezone.now()
    country_reports = {
        country_id: CountryReport.objects.create(round=round, country_id=country_id)
        for country_id in sorted({country_id for _, country_id in latest})
    }
    copies = ProgressReport.objects.bulk_create(
        ProgressReport(
            country_report=country_reports[country_id], activity_id=activity_id, status=old.status,
            narrative=old.narrative, obstacles=old.obstacles, expected_year=old.expected_year, carried_over=True,
            carried_from=old, updated_by=None, updated_at=now,
        )
        for (activity_id, country_id), old in latest.items()
    )
    ProgressChange.objects.bulk_create(
        ProgressChange(
            progress_report=copy, version=1, changed_by=None, changed_at=now, source=ProgressChange.Source.CARRY_OVER,
            changes={"carried_over_from_round": [None, old.country_report.round.title]},
        )
        for copy, old in zip(copies, latest.values())
    )


def round_close(*, round: ReportingRound, closed_by) -> ReportingRound:
    _deny_if(permissions.why_cannot_manage_rounds(closed_by))
    if not round.is_open:
        raise ValidationError({"status": _("This round is already closed.")})
    round.status, round.closed_by, round.closed_at = ReportingRound.Status.CLOSED, closed_by, timezone.now()
    round.save(update_fields=["status", "closed_by", "closed_at"])
    return round


def round_reopen(*, round: ReportingRound, opened_by) -> ReportingRound:
    _deny_if(permissions.why_cannot_manage_rounds(opened_by))
    if round.is_open:
        raise ValidationError({"status": _("This round is already open.")})
    if ReportingRound.objects.open().filter(plan=round.plan).exists():
        raise ValidationError({"plan": _("%(plan)s already has an open round.") % {"plan": round.plan}})
    round.status, round.closed_by, round.closed_at = ReportingRound.Status.OPEN, None, None
    round.save(update_fields=["status", "closed_by", "closed_at"])
    return round


# --- Progress reports -------------------------------------------------------------------------

@dataclass
class ProgressInput:
    status: str
    narrative: str = ""
    obstacles: str = ""
    expected_year: int | None = None


def _validate_target(*, round: ReportingRound, activity, country):
    errors = {}
    if activity.plan_id != round.plan_id:
        errors["activity"] = _("%(activity)s is not an activity of %(plan)s.") % {
            "activity": activity, "plan": round.plan}
    elif not activity.countries.filter(pk=country.pk).exists():
        errors["country"] = _("%(activity)s does not apply to %(country)s.") % {
            "activity": activity, "country": country}
    if errors:
        raise ValidationError(errors)


def progress_report_record(
    *, round: ReportingRound, activity, country, user, values: ProgressInput, expected_version: int | None = None,
    source: str = ProgressChange.Source.BROWSER,
) -> ProgressReport:
    """Create or change what ``country`` reports on ``activity`` in ``round``.

    ``expected_version`` is the version the user's form or client read; a save from an older copy
    raises StaleEdit and changes nothing. Editing a validated report sends it back to submitted.
    """
    _validate_target(round=round, activity=activity, country=country)
    _deny_if(permissions.why_cannot_draft(user, activity=activity, country=country, round=round))
    with transaction.atomic():
        country_report, _created = CountryReport.objects.select_for_update().get_or_create(round=round, country=country)
        _deny_if(why_locked_for_editing(user, country_report))
        report = (
            ProgressReport.objects.select_for_update()
            .filter(country_report=country_report, activity=activity).first()
        )
        if report is None:
            if expected_version not in (None, 0):
                raise StaleEdit(ProgressReport(version=0), expected_version)
            report = ProgressReport(country_report=country_report, activity=activity, version=0)
        elif expected_version is not None and expected_version != report.version:
            raise StaleEdit(report, expected_version)
        changes = _apply(report, values)
        if not changes and report.pk:
            return report
        if report.carried_over:
            changes["carried_over"] = [True, False]
            report.carried_over = False
        _save_with_history(report, user=user, changes=changes, source=source)
        _reopen_if_validated(country_report, user)
    return report


def why_locked_for_editing(user, country_report: CountryReport | None) -> str | None:
    """A report the country submitted waits for the Secretariat: the country withdraws it to edit it.

    A validated report that the country corrects goes back to submitted (to be validated again) and
    stays open to the country's further corrections, so that a batch of changes (a workbook, several
    statuses at once) is saved whole rather than locked after its first row.
    """
    if country_report is None or country_report.state != CountryReport.State.SUBMITTED or user.is_staff:
        return None
    last_event = country_report.events.order_by("-at", "-id").first()
    if last_event and last_event.action == ReportEvent.Action.REOPENED:
        return None
    return _("The report of %(country)s is submitted and waits for the Secretariat: withdraw it to edit.") % {
        "country": country_report.country}


def _apply(report: ProgressReport, values: ProgressInput) -> dict:
    changes = {}
    for field in TRACKED_FIELDS:
        new = getattr(values, field)
        old = getattr(report, field) if report.pk else None
        if report.pk is None and new in (None, ""):
            continue  # a new report's history lists what was said, not the empty fields
        if old != new:
            changes[field] = [old, new]
            setattr(report, field, new)
    return changes


def _save_with_history(report: ProgressReport, *, user, changes: dict, source: str):
    now = timezone.now()
    report.version += 1
    report.updated_by, report.updated_at = user, now
    report.full_clean()
    report.save()
    ProgressChange.objects.create(
        progress_report=report, version=report.version, changed_by=user, changed_at=now, source=source,
        changes=changes,
    )


def _reopen_if_validated(country_report: CountryReport, user):
    if country_report.state == CountryReport.State.VALIDATED:
        _move(country_report, CountryReport.State.SUBMITTED, ReportEvent.Action.REOPENED, user)


def progress_report_confirm(*, report: ProgressReport, user, expected_version: int | None = None,
                            source: str = ProgressChange.Source.BROWSER) -> ProgressReport:
    """'No change since the last round': the carried-over report becomes this round's own."""
    country_report = report.country_report
    _deny_if(permissions.why_cannot_draft(user, activity=report.activity, country=country_report.country,
                                          round=country_report.round))
    with transaction.atomic():
        country_report = CountryReport.objects.select_for_update().get(pk=country_report.pk)
        report = ProgressReport.objects.select_for_update().get(pk=report.pk)
        _deny_if(why_locked_for_editing(user, country_report))
        if expected_version is not None and expected_version != report.version:
            raise StaleEdit(report, expected_version)
        if not report.carried_over:
            return report
        report.carried_over = False
        _save_with_history(report, user=user, changes={"carried_over": [True, False]}, source=source)
        _reopen_if_validated(country_report, user)
    return report


# --- Evidence ---------------------------------------------------------------------------------

def evidence_add(*, report: ProgressReport, user, title: str, visibility: str, url: str = "", file=None,
                 source: str = ProgressChange.Source.BROWSER) -> Evidence:
    """Attach a link or an uploaded file (type and size checked) to a progress report."""
    country_report = report.country_report
    _deny_if(permissions.why_cannot_draft(user, activity=report.activity, country=country_report.country,
                                          round=country_report.round))
    _deny_if(why_locked_for_editing(user, country_report))
    if bool(url) == bool(file):
        raise ValidationError({"url": _("Give either a link or a file.")})
    evidence = Evidence(progress_report=report, title=title.strip() or (file.name if file else url),
                        visibility=visibility, added_by=user)
    if file:
        evidence.content_type = check_evidence_file(file)
        evidence.kind, evidence.original_name, evidence.size = Evidence.Kind.FILE, file.name[:200], file.size
    else:
        evidence.kind, evidence.url = Evidence.Kind.LINK, url
    evidence.full_clean(exclude=["file"])
    with transaction.atomic():
        if file:
            evidence.file.save(file.name, file, save=False)
        try:
            evidence.save()
            _record_evidence_change(report, user, evidence, [None, evidence.title], source)
        except Exception:
            if file:
                evidence.file.delete(save=False)  # the row did not land: leave no orphan file behind
            raise
    return evidence


def evidence_remove(*, evidence: Evidence, user, source: str = ProgressChange.Source.BROWSER) -> Evidence:
    """Hide evidence from the report; the file and the row stay (nothing is hard-deleted)."""
    report = evidence.progress_report
    country_report = report.country_report
    _deny_if(permissions.why_cannot_draft(user, activity=report.activity, country=country_report.country,
                                          round=country_report.round))
    _deny_if(why_locked_for_editing(user, country_report))
    if evidence.removed_at:
        raise ValidationError({"evidence": _("This evidence was already removed.")})
    with transaction.atomic():
        evidence.removed_by, evidence.removed_at = user, timezone.now()
        evidence.save(update_fields=["removed_by", "removed_at"])
        _record_evidence_change(report, user, evidence, [evidence.title, None], source)
    return evidence


def _record_evidence_change(report: ProgressReport, user, evidence: Evidence, change: list, source: str):
    CountryReport.objects.select_for_update().filter(pk=report.country_report_id).first()  # serialise with the workflow
    ProgressReport.objects.filter(pk=report.pk).update(
        version=F("version") + 1, updated_by=user, updated_at=timezone.now())
    report.refresh_from_db(fields=["version", "updated_by", "updated_at"])
    # The history is read by everyone: a restricted item's title is kept under its own key so that
    # readers outside the country see that evidence changed, not what it was.
    field = "restricted_evidence" if evidence.visibility == Evidence.Visibility.RESTRICTED else "evidence"
    ProgressChange.objects.create(progress_report=report, version=report.version, changed_by=user,
                                  changed_at=report.updated_at, source=source, changes={field: change})
    _reopen_if_validated(report.country_report, user)


# --- Workflow of a country's report --------------------------------------------------------------

ALLOWED_MOVES = {
    ReportEvent.Action.SUBMITTED: {CountryReport.State.DRAFT, CountryReport.State.RETURNED},
    ReportEvent.Action.WITHDRAWN: {CountryReport.State.SUBMITTED},
    ReportEvent.Action.VALIDATED: {CountryReport.State.SUBMITTED},
    ReportEvent.Action.RETURNED: {CountryReport.State.SUBMITTED},
}


def _move(country_report: CountryReport, state: str, action: str, user, comment: str = ""):
    country_report.state = state
    if action == ReportEvent.Action.RETURNED:
        country_report.return_comment = comment
    country_report.save(update_fields=["state", "return_comment", "updated_at"])
    ReportEvent.objects.create(country_report=country_report, action=action, actor=user, comment=comment,
                               at=timezone.now())


def _check_move(country_report: CountryReport, action: str):
    if country_report.state not in ALLOWED_MOVES[action]:
        raise ValidationError({"state": _("A %(state)s report cannot be %(action)s.") % {
            "state": country_report.get_state_display().lower(),
            "action": ReportEvent.Action(action).label.lower()}})


def _transition(*, country_report: CountryReport, user, action: str, state: str, why_not, comment: str = "",
                before=None) -> CountryReport:
    """One workflow step: permission, lock, allowed from the current state, then the move and its event."""
    _deny_if(why_not(user, country_report=country_report))
    with transaction.atomic():
        country_report = CountryReport.objects.select_for_update().get(pk=country_report.pk)
        _check_move(country_report, action)
        if before:
            before(country_report)
        _move(country_report, state, action, user, comment)
    return country_report


def _require_something_reported(country_report: CountryReport):
    if not country_report.progress_reports.exists():
        raise ValidationError({"state": _("Nothing is reported yet: report at least one activity first.")})


def country_report_submit(*, country_report: CountryReport, user) -> CountryReport:
    return _transition(country_report=country_report, user=user, action=ReportEvent.Action.SUBMITTED,
                       state=CountryReport.State.SUBMITTED, why_not=permissions.why_cannot_submit,
                       before=_require_something_reported)


def country_report_withdraw(*, country_report: CountryReport, user) -> CountryReport:
    return _transition(country_report=country_report, user=user, action=ReportEvent.Action.WITHDRAWN,
                       state=CountryReport.State.DRAFT, why_not=permissions.why_cannot_submit)


def country_report_validate(*, country_report: CountryReport, user) -> CountryReport:
    return _transition(country_report=country_report, user=user, action=ReportEvent.Action.VALIDATED,
                       state=CountryReport.State.VALIDATED, why_not=permissions.why_cannot_validate)


def country_report_return(*, country_report: CountryReport, user, comment: str) -> CountryReport:
    if not comment.strip():
        _deny_if(permissions.why_cannot_validate(user, country_report=country_report))
        raise ValidationError({"comment": _("Say what the country should change.")})
    return _transition(country_report=country_report, user=user, action=ReportEvent.Action.RETURNED,
                       state=CountryReport.State.RETURNED, why_not=permissions.why_cannot_validate,
                       comment=comment.strip())


# --- Handing drafting over to colleagues ------------------------------------------------------------

def drafting_hand_over(*, granted_by, colleague, country, plan, conservation_unit=None, activity_codes=()):
    """A focal point lets a colleague draft some of the country's reports (never submit them).

    The colleague drafts the activities named by code, else those of ``conservation_unit``, else every
    activity of ``plan`` that applies to the country.
    """
    from .models import Assignment

    if not (granted_by.is_staff or permissions.is_focal_point_for(granted_by, plan=plan, country=country)):
        raise PermissionDenied(_("Only the focal point of %(country)s hands over its drafting.") % {"country": country})
    if colleague == granted_by:
        raise ValidationError({"colleague": _("Choose a colleague, not yourself.")})
    if conservation_unit and (conservation_unit.plan_id != plan.pk
                              or not conservation_unit.countries.filter(pk=country.pk).exists()):
        raise ValidationError({"conservation_unit": _("%(unit)s is not a unit of %(plan)s in %(country)s.") % {
            "unit": conservation_unit, "plan": plan, "country": country}})
    activities = list(plan.activities.filter(code__in=activity_codes, countries=country))
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
    return assignment


def drafting_take_back(*, assignment, user):
    """End a hand-over; the colleague's past edits stay in the history."""
    if not (user.is_staff or permissions.is_focal_point_for(user, plan=assignment.plan, country=assignment.country)):
        raise PermissionDenied(_("Only the focal point of %(country)s ends its hand-overs.") % {
            "country": assignment.country})
    assignment.delete()


# --- The offline workbook ------------------------------------------------------------------------------

def workbook_changes_apply(*, round: ReportingRound, country, user, changes) -> int:
    """Save the rows of a confirmed workbook upload (``reporting.workbook``): all of them, or none.

    ``changes`` are mappings with ``row`` (the sheet's row number), ``activity`` (id), ``version`` (the
    report's version at download, 0 for none) and the values ``status``, ``narrative``, ``obstacles``,
    ``expected_year``. Each row goes through progress_report_record, so it follows the same rules and
    lands in the history as from the offline workbook. The first refused row raises its ValidationError,
    PermissionDenied or StaleEdit, with ``workbook_row`` set to its row number, and nothing is saved.
    Returns the number of reports changed.
    """
    from actionplans.models import Activity

    changes = list(changes)
    activities = Activity.objects.in_bulk([change["activity"] for change in changes])
    saved = 0
    with transaction.atomic():
        for change in changes:
            try:
                activity = activities.get(change["activity"])
                if activity is None:
                    raise ValidationError({"activity": _("This activity no longer exists.")})
                values = ProgressInput(status=change["status"], narrative=change["narrative"],
                                       obstacles=change["obstacles"], expected_year=change["expected_year"])
                report = progress_report_record(round=round, activity=activity, country=country, user=user,
                                                values=values, expected_version=change["version"],
                                                source=ProgressChange.Source.WORKBOOK)
            except (ValidationError, PermissionDenied, StaleEdit) as error:
                error.workbook_row = change["row"]
                raise
            saved += report.version != change["version"]
    return saved
