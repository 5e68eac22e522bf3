"""Every write of reporting: rounds, progress reports, evidence, the report workflow.

Each function is one transaction; checks that span rows live here and raise ValidationError
(bad input, naming the field), PermissionDenied (with the sentence saying why) or StaleEdit.
"""
from __future__ import annotations

import datetime
import os
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from . import permissions
from .models import (
    DUE_BEFORE_OPENING, CountryReport, Evidence, Profile, ProgressChange, ProgressReport, ReportEvent, ReportingRound,
)
from .uploads import check_evidence_file

TRACKED_FIELDS = ("status", "narrative", "obstacles", "expected_year")


class StaleEdit(Exception):
    """A save made from a copy someone else changed since it was read."""

    def __init__(self, current: ProgressReport, sent_version, message: str | None = None):
        self.current = current
        self.sent_version = sent_version
        super().__init__(message or (
            _("Someone else saved this report (version %(current)s) after you opened version %(sent)s. "
              "Your changes were not saved: compare both and save again.")
            % {"current": current.version, "sent": sent_version}
        ))


class ReportExists(StaleEdit):
    """A first report (version 0: "there is none yet") sent for an activity the country already reports
    on in the round: a conflict with the stored report, whose version ``current`` carries. Pages show
    it as any stale edit; the API answers 409 naming the report to change."""

    def __init__(self, current: ProgressReport, message: str | None = None):
        super().__init__(current, 0, message)


def _deny_if(reason: str | None):
    if reason:
        raise PermissionDenied(reason)


# --- Rounds -----------------------------------------------------------------------------------

def _lock_plan(plan_id: int):
    """Serialise the round writes of one plan: opening, closing and reopening decide on what is stored
    once they hold this lock, so two at once answer as one after the other would."""
    from actionplans.models import ActionPlan

    ActionPlan.objects.select_for_update().filter(pk=plan_id).first()


def _plan_has_open_round(plan, message: str):
    if ReportingRound.objects.open().filter(plan=plan).exists():
        raise ValidationError({"plan": message % {"plan": plan}})


def _save_round(round: ReportingRound, message: str, **save_kwargs):
    """Save in a savepoint; the one-open-round-per-plan constraint, should it still fire, answers as the check."""
    try:
        with transaction.atomic():
            round.save(**save_kwargs)
    except IntegrityError:
        if round.is_open and ReportingRound.objects.open().filter(plan_id=round.plan_id).exclude(pk=round.pk).exists():
            raise ValidationError({"plan": message % {"plan": round.plan}}) from None
        raise


def round_open(*, plan, title: str, opens_on: datetime.date, due_on: datetime.date, opened_by) -> ReportingRound:
    """Open a round; every country's last known status of each activity is carried into it."""
    _deny_if(permissions.why_cannot_manage_rounds(opened_by))
    if opens_on and due_on and due_on < opens_on:
        # The database refuses it too (due_after_opening); said here naming the field, for every caller.
        raise ValidationError({"due_on": DUE_BEFORE_OPENING})
    message = _("%(plan)s already has an open round: close it first.")
    with transaction.atomic():
        _lock_plan(plan.pk)
        _plan_has_open_round(plan, message)
        round = ReportingRound(plan=plan, title=title, opens_on=opens_on, due_on=due_on, opened_by=opened_by)
        round.full_clean()
        _save_round(round, message)
        _carry_over_into(round)
    return round


def _carry_over_into(round: ReportingRound):
    """Copy, for each activity and country, the latest report of the plan's earlier rounds.

    A fixed number of queries whatever the plan's size: the latest reports in one query, then one bulk
    insert each for the country reports, the copies and their history (SQLite splits a bulk insert
    into statements of at most 999 parameters; PostgreSQL sends each as one).
    """
    latest = list(_latest_earlier_reports(round))
    if not latest:
        return
    now = timezone.now()
    country_reports = _bulk_create_returning(
        CountryReport, [CountryReport(round=round, country_id=country_id)
                        for country_id in sorted({row["country_id"] for row in latest})],
        reread=CountryReport.objects.filter(round=round), key=lambda report: report.country_id,
    )
    copies = _bulk_create_returning(
        ProgressReport, [
            ProgressReport(
                country_report=country_reports[row["country_id"]], activity_id=row["activity_id"],
                status=row["status"], narrative=row["narrative"], obstacles=row["obstacles"],
                expected_year=row["expected_year"], carried_over=True, carried_from_id=row["pk"], version=1,
                updated_by=None, updated_at=now,
            )
            for row in latest
        ],
        reread=ProgressReport.objects.filter(country_report__round=round).only("pk", "carried_from_id"),
        key=lambda report: report.carried_from_id,
    )
    ProgressChange.objects.bulk_create(
        ProgressChange(
            progress_report=copies[row["pk"]], version=1, changed_by=None, changed_at=now,
            source=ProgressChange.Source.CARRY_OVER, changes={"carried_over_from_round": [None, row["round_title"]]},
        )
        for row in latest
    )


def _latest_earlier_reports(round: ReportingRound):
    """Values of the latest report of each (activity, country) among the rounds of the plan that come
    before ``round`` in (opens_on, id) order, with its round's title: one query (a window function)."""
    before = Q(country_report__round__opens_on__lt=round.opens_on) | Q(
        country_report__round__opens_on=round.opens_on, country_report__round_id__lt=round.pk)
    return (
        ProgressReport.objects.filter(before, country_report__round__plan_id=round.plan_id)
        .annotate(
            country_id=F("country_report__country_id"), round_title=F("country_report__round__title"),
            newest_first=Window(
                RowNumber(), partition_by=[F("activity_id"), F("country_report__country_id")],
                order_by=[F("country_report__round__opens_on").desc(), F("country_report__round_id").desc()],
            ),
        )
        .filter(newest_first=1)
        .order_by("country_id", "activity_id")
        .values("pk", "activity_id", "country_id", "status", "narrative", "obstacles", "expected_year",
                "round_title")
    )


def _bulk_create_returning(model, objects: list, *, reread, key) -> dict:
    """Insert ``objects`` in bulk and return them by ``key``, with their ids: as the insert returns them
    where the database can (PostgreSQL, SQLite 3.35+), else read back in one query."""
    model.objects.bulk_create(objects)
    if not connection.features.can_return_rows_from_bulk_insert:
        objects = list(reread)
    return {key(obj): obj for obj in objects}


def round_close(*, round: ReportingRound, closed_by) -> ReportingRound:
    _deny_if(permissions.why_cannot_manage_rounds(closed_by))
    with transaction.atomic():
        _lock_plan(round.plan_id)
        round = ReportingRound.objects.select_related("plan").get(pk=round.pk)
        if not round.is_open:
            raise ValidationError({"status": _("This round is already closed.")})
        # Writes to the round's reports hold their country report's lock and read the round's status
        # under it: taking those locks makes each write land before the close or be refused after it.
        list(CountryReport.objects.select_for_update().filter(round=round).order_by("pk").values_list("pk"))
        round.status, round.closed_by, round.closed_at = ReportingRound.Status.CLOSED, closed_by, timezone.now()
        round.save(update_fields=["status", "closed_by", "closed_at"])
    return round


def round_reopen(*, round: ReportingRound, opened_by) -> ReportingRound:
    _deny_if(permissions.why_cannot_manage_rounds(opened_by))
    message = _("%(plan)s already has an open round.")
    with transaction.atomic():
        _lock_plan(round.plan_id)
        round = ReportingRound.objects.select_related("plan").get(pk=round.pk)
        if round.is_open:
            raise ValidationError({"status": _("This round is already open.")})
        _plan_has_open_round(round.plan, message)
        round.status, round.closed_by, round.closed_at = ReportingRound.Status.OPEN, None, None
        _save_round(round, message, update_fields=["status", "closed_by", "closed_at"])
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


@contextmanager
def _locked_country_report(*, user, round: ReportingRound, country, pk: int | None = None,
                           for_editing: bool = True):
    """The one way into a write that can change a country's report: a transaction holding its row lock.

    Every state-dependent decision is taken here on the locked row, never on a copy read before: is the
    round still open, and (``for_editing``) may ``user`` change the report now
    (permissions.why_locked_for_editing).
    Writes of one country report therefore run one after the other, each seeing what the previous one
    committed: evidence cannot slip in after a submission or a validation, and only the first edit after
    a validation records "reopened". Without ``pk`` the row of ``round`` and ``country`` is made if the
    country has none yet (race-safe: a concurrent creation is waited for, then locked). Yields the
    locked CountryReport.
    """
    with transaction.atomic():
        locked = CountryReport.objects.select_for_update()
        if pk is not None:
            country_report = locked.get(pk=pk)
        else:
            country_report, _created = locked.get_or_create(round=round, country=country)
        # The round as stored now: round_close takes these same row locks before it closes the round.
        round.status = ReportingRound.objects.filter(pk=round.pk).values_list("status", flat=True).get()
        country_report.round, country_report.country = round, country
        _deny_if(permissions.why_round_closed(round))
        if for_editing:
            _deny_if(permissions.why_locked_for_editing(user, country_report=country_report))
        yield country_report


def progress_report_record(
    *, round: ReportingRound, activity, country, user, values: ProgressInput, expected_version: int | None = None,
    source: str = ProgressChange.Source.BROWSER,
) -> ProgressReport:
    """Create or change what ``country`` reports on ``activity`` in ``round``.

    ``expected_version`` is the version the user's form or client read; a save from an older copy
    raises StaleEdit and changes nothing. 0 means "there is no report yet": if there is one (it existed,
    or someone made it meanwhile), ReportExists. Editing a validated report reopens it (_reopen_if_validated).
    """
    _validate_target(round=round, activity=activity, country=country)
    _deny_if(permissions.why_cannot_draft(user, activity=activity, country=country, round=round))
    with _locked_country_report(user=user, round=round, country=country) as country_report:
        report = (
            ProgressReport.objects.select_for_update()
            .filter(country_report=country_report, activity=activity).first()
        )
        if report is None:
            if expected_version not in (None, 0):
                raise StaleEdit(ProgressReport(version=0), expected_version)
            report = ProgressReport(country_report=country_report, activity=activity, version=0)
        elif expected_version == 0:
            raise ReportExists(report)
        elif expected_version is not None and expected_version != report.version:
            raise StaleEdit(report, expected_version)
        report.country_report = country_report
        changes = _apply(report, values)
        if not changes and report.pk:
            return report
        if report.carried_over:
            changes["carried_over"] = [True, False]
            report.carried_over = False
        _save_with_history(report, user=user, changes=changes, source=source)
        _reopen_if_validated(country_report, user)
    return report


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
    """A validated report that changes is no longer the validated one: called on the locked row, so the
    first change after a validation moves it, once, with a REOPENED event.

    Corrected by the country (a focal point or contributor), it is reopened for corrections: the
    country goes on correcting it, and it stays out of the Secretariat's validation queue until the
    focal point submits it again. Corrected by the Secretariat itself, it goes back to submitted:
    waiting for (its own) validation, as the Secretariat may correct a submitted report too.
    """
    if country_report.state == CountryReport.State.VALIDATED:
        state = CountryReport.State.SUBMITTED if user.is_staff else CountryReport.State.REOPENED
        _move(country_report, state, ReportEvent.Action.REOPENED, user)


def progress_report_confirm(*, report: ProgressReport, user, expected_version: int | None = None,
                            source: str = ProgressChange.Source.BROWSER) -> ProgressReport:
    """'No change since the last round': the carried-over report becomes this round's own."""
    country_report = report.country_report
    _deny_if(permissions.why_cannot_draft(user, activity=report.activity, country=country_report.country,
                                          round=country_report.round))
    with _locked_country_report(user=user, round=country_report.round, country=country_report.country,
                                pk=country_report.pk) as country_report:
        report = ProgressReport.objects.select_for_update().select_related("activity").get(pk=report.pk)
        report.country_report = country_report
        if expected_version is not None and expected_version != report.version:
            raise StaleEdit(report, expected_version)
        if not report.carried_over:
            return report
        report.carried_over = False
        _save_with_history(report, user=user, changes={"carried_over": [True, False]}, source=source)
        _reopen_if_validated(country_report, user)
    return report


# --- Evidence ---------------------------------------------------------------------------------

TITLE_MAX = Evidence._meta.get_field("title").max_length
STORED_NAME_MAX = 120  # characters of an uploaded file's own name kept in its storage path


def _derived_title(text: str) -> str:
    """A title made from a file name or a link, cut to fit (the user did not write it)."""
    return text if len(text) <= TITLE_MAX else text[:TITLE_MAX - 1].rstrip() + "…"


def _stored_name(name: str) -> str:
    """The uploaded file's name, shortened for the storage path (its extension kept); the full
    name is shown from original_name."""
    stem, extension = os.path.splitext(os.path.basename(name))
    return stem[:max(1, STORED_NAME_MAX - len(extension))] + extension


def evidence_add(*, report: ProgressReport, user, title: str, visibility: str, url: str = "", file=None,
                 source: str = ProgressChange.Source.BROWSER) -> Evidence:
    """Attach a link or an uploaded file (type and size checked) to a progress report.

    Without a title the file name or the link is the title, shortened to fit; a title given that is too
    long is refused naming ``title``.
    """
    country_report = report.country_report
    _deny_if(permissions.why_cannot_draft(user, activity=report.activity, country=country_report.country,
                                          round=country_report.round))
    with _locked_country_report(user=user, round=country_report.round, country=country_report.country,
                                pk=country_report.pk) as country_report:
        report.country_report = country_report
        if bool(url) == bool(file):
            raise ValidationError({"url": _("Give either a link or a file.")})
        title = title.strip() or _derived_title(file.name if file else url)
        evidence = Evidence(progress_report=report, title=title, visibility=visibility, added_by=user)
        if file:
            evidence.content_type = check_evidence_file(file)
            evidence.kind, evidence.original_name, evidence.size = Evidence.Kind.FILE, file.name[:200], file.size
        else:
            evidence.kind, evidence.url = Evidence.Kind.LINK, url
        evidence.full_clean(exclude=["file"])
        if file:
            evidence.file.save(_stored_name(file.name), file, save=False)
        try:
            with transaction.atomic():
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
    with _locked_country_report(user=user, round=country_report.round, country=country_report.country,
                                pk=country_report.pk) as country_report:
        report.country_report = country_report
        stored = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if stored.removed_at:
            raise ValidationError({"evidence": _("This evidence was already removed.")})
        evidence.removed_by, evidence.removed_at = user, timezone.now()
        evidence.save(update_fields=["removed_by", "removed_at"])
        _record_evidence_change(report, user, evidence, [evidence.title, None], source)
    return evidence


def _record_evidence_change(report: ProgressReport, user, evidence: Evidence, change: list, source: str):
    """The report's new version and history entry; run inside _locked_country_report."""
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

# The states each action starts from. Edits move a report too (_reopen_if_validated): validated →
# reopened (by the country) or submitted (by the Secretariat). A reopened report is submitted again
# like a draft; the Secretariat validates or returns only what is submitted (its validation queue).
ALLOWED_MOVES = {
    ReportEvent.Action.SUBMITTED: {CountryReport.State.DRAFT, CountryReport.State.RETURNED,
                                   CountryReport.State.REOPENED},
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
        raise ValidationError({"state": _("A report in the state “%(state)s” cannot be %(action)s.") % {
            "state": country_report.get_state_display(),
            "action": ReportEvent.Action(action).label.lower()}})


def _transition(*, country_report: CountryReport, user, action: str, state: str, why_not, comment: str = "",
                before=None) -> CountryReport:
    """One workflow step: permission, lock, allowed from the current state, then the move and its event."""
    _deny_if(why_not(user, country_report=country_report))
    with _locked_country_report(user=user, round=country_report.round, country=country_report.country,
                                pk=country_report.pk, for_editing=False) as country_report:
        _check_move(country_report, action)
        if before:
            before(country_report)
        _move(country_report, state, action, user, comment)
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


# --- The user's account: API token, interface language ---------------------------------------------

def _lock_user(user):
    """Serialise the account writes of one user (two token requests at once: one after the other)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()


def api_token_issue(*, user) -> Token:
    """A new API token for ``user``: the old one stops working in the same transaction."""
    with transaction.atomic():
        _lock_user(user)
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def api_token_revoke(*, user) -> bool:
    """The user's API token no longer works; False if they had none."""
    with transaction.atomic():
        _lock_user(user)
        deleted, _rows = Token.objects.filter(user=user).delete()
    return bool(deleted)


def api_token_get_or_issue(*, user) -> Token:
    """The user's API token, issued if they have none (what POST /api/v1/auth/token/ answers)."""
    with transaction.atomic():
        _lock_user(user)
        token, _created = Token.objects.get_or_create(user=user)
    return token


def user_language_save(*, user, language: str) -> Profile:
    """Remember the interface language ``user`` chose (one of settings.LANGUAGES; "" for none)."""
    # The field's choices are settings.LANGUAGES: an unknown code raises ValidationError naming language.
    Profile(user=user, language=language).clean_fields(exclude=["user"])
    profile, _created = Profile.objects.update_or_create(user=user, defaults={"language": language})
    return profile


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
