"""Opening, closing and reopening reporting rounds; an opened round carries each country's last reports over.

Round writes of one plan run one after another (``_lock_plan``); the carry-over costs a fixed number of
queries whatever the plan's size (tests/reporting/test_carry_over.py)."""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Q, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplans.editions import edition_current_or_first

from .. import permissions
from ..models import DUE_BEFORE_OPENING, CountryReport, ProgressChange, ProgressReport, ReportingRound
from .common import deny_if


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
    deny_if(permissions.why_cannot_manage_rounds(opened_by))
    if opens_on and due_on and due_on < opens_on:
        # The database refuses it too (due_after_opening); said here naming the field, for every caller.
        raise ValidationError({"due_on": DUE_BEFORE_OPENING})
    message = _("%(plan)s already has an open round: close it first.")
    with transaction.atomic():
        _lock_plan(plan.pk)
        _plan_has_open_round(plan, message)
        if ReportingRound.objects.filter(plan=plan, title=title).exists():
            raise ValidationError({"title": _("%(plan)s already has a round titled “%(title)s”: give this one "
                                              "another title, e.g. with its year.") % {"plan": plan, "title": title}})
        round = ReportingRound(plan=plan, edition=edition_current_or_first(plan), title=title, opens_on=opens_on,
                               due_on=due_on, opened_by=opened_by)
        round.full_clean(validate_constraints=False)  # each is checked above by name; the database holds them too
        _save_round(round, message)
        _carry_over_into(round)
    return round


def _carry_over_into(round: ReportingRound):
    """Copy, for each activity of the round's edition and country, the latest report of the plan's earlier
    rounds: on that activity, or on the activities of the previous edition it continues (their history
    then says the edition and the code changed; a removed activity, continued by none, is not carried).

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
                country_report=country_reports[row["country_id"]], activity_id=row["target_id"],
                status=row["status"], narrative=row["narrative"], obstacles=row["obstacles"],
                expected_year=row["expected_year"], carried_over=True, carried_from_id=row["pk"], version=1,
                updated_by=None, updated_at=now,
            )
            for row in latest
        ],
        reread=ProgressReport.objects.filter(country_report__round=round).only("pk", "carried_from_id", "activity_id"),
        key=lambda report: (report.carried_from_id, report.activity_id),
    )
    ProgressChange.objects.bulk_create(
        ProgressChange(
            progress_report=copies[(row["pk"], row["target_id"])], version=1, changed_by=None, changed_at=now,
            source=ProgressChange.Source.CARRY_OVER, changes=_carry_over_changes(round, row),
        )
        for row in latest
    )


def _carry_over_changes(round: ReportingRound, row: dict) -> dict:
    changes = {"carried_over_from_round": [None, row["round_title"]]}
    if row["source_edition_id"] != round.edition_id:
        changes["edition"] = [row["source_edition_title"], round.edition.title]
        changes["code"] = [row["source_code"], row["target_code"]]
    return changes


def _latest_earlier_reports(round: ReportingRound):
    """Values of the latest report of each (activity of the round's edition, country) among the rounds of the
    plan that come before ``round`` in (opens_on, id) order, with its round's title: one query (a window
    function). A report on an activity of an earlier edition counts for each activity that continues it."""
    before = Q(country_report__round__opens_on__lt=round.opens_on) | Q(
        country_report__round__opens_on=round.opens_on, country_report__round_id__lt=round.pk)
    edition_id = round.edition_id
    same = Q(activity__edition_id=edition_id)
    continued = Q(activity__continued_by__edition_id=edition_id)
    return (
        ProgressReport.objects.filter(before, country_report__round__plan_id=round.plan_id)
        .annotate(
            target_id=Case(When(same, then=F("activity_id")), When(continued, then=F("activity__continued_by__id"))),
            target_code=Case(When(same, then=F("activity__code")),
                             When(continued, then=F("activity__continued_by__code"))),
        )
        .filter(target_id__isnull=False)
        .annotate(
            country_id=F("country_report__country_id"), round_title=F("country_report__round__title"),
            source_edition_id=F("activity__edition_id"), source_edition_title=F("activity__edition__title"),
            source_code=F("activity__code"),
            newest_first=Window(
                RowNumber(), partition_by=[F("target_id"), F("country_report__country_id")],
                order_by=[F("country_report__round__opens_on").desc(), F("country_report__round_id").desc(),
                          F("pk").desc()],
            ),
        )
        .filter(newest_first=1)
        .order_by("country_id", "target_id")
        .values("pk", "target_id", "target_code", "country_id", "status", "narrative", "obstacles", "expected_year",
                "round_title", "source_edition_id", "source_edition_title", "source_code")
    )


def _bulk_create_returning(model, objects: list, *, reread, key) -> dict:
    """Insert ``objects`` in bulk and return them by ``key``, with their ids: as the insert returns them
    where the database can (PostgreSQL, SQLite 3.35+), else read back in one query."""
    model.objects.bulk_create(objects)
    if not connection.features.can_return_rows_from_bulk_insert:
        objects = list(reread)
    return {key(obj): obj for obj in objects}


def round_close(*, round: ReportingRound, closed_by) -> ReportingRound:
    deny_if(permissions.why_cannot_manage_rounds(closed_by))
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
    deny_if(permissions.why_cannot_manage_rounds(opened_by))
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


